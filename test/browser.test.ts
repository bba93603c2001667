/**
 * fastloss in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright-core, the pages served
 * over http://127.0.0.1 by scripts/demo.mjs (what `npm run demo` runs), started here on a free port.
 *
 * - the browser bundles (dist/browser/index.js, dist/fastloss.iife.js) load, pick the relaxed build where relaxed
 *   SIMD validates (Chromium 114+), the simd build where only SIMD does and the scalar build where neither does,
 *   fetch that one build's chunk and no other, and run every conformance fixture of test/fixtures (PyTorch and
 *   real Keras 3; a loss that has not landed is skipped and said so) with the results of Node to 1e-6, on each
 *   of the three builds;
 * - the scoring page (examples/browser/) is used as a person would: load an example set, pick a loss and a
 *   framework, read the loss, the histogram (its canvas pixels) and the worst samples, load bad files and
 *   read the messages; a 100 MB .npy pair is parsed and scored in the worker with a progress bar while the page
 *   keeps answering; its screenshot is docs/demo.png, the README's picture (written by `npm run screenshot`).
 *
 * Without /usr/bin/chromium (`apt-get install -y chromium`) the whole file is skipped, with a message saying so.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../scripts/demo.mjs';
import { loadLosses } from '../src/index.js';
import { runFixture, type ConformanceRecord } from './browser/conformance.js';
import { ROOT } from './consumer.js';
import { LAZY_PARTS } from '../src/lazy-parts.js';
import { expectClose } from './helpers.js';

/** Debian's chromium; FASTLOSS_CHROMIUM points elsewhere (a path that does not exist shows the skip). */
const CHROMIUM = process.env.FASTLOSS_CHROMIUM ?? '/usr/bin/chromium';
/** Headless Chromium on a machine with no network beyond loopback: no background connections, no GPU. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio',
];
const available = existsSync(CHROMIUM);
const SKIP = `SKIPPED: ${CHROMIUM} is missing (Debian: apt-get install -y chromium); the browser tests need it`;
if (!available) console.warn(`test/browser.test.ts ${SKIP}`);

/** Every fixture: test/fixtures/*.json (PyTorch) and test/fixtures/keras3/*.json (real Keras 3). */
const FIXTURES = [
  ...readdirSync(path.join(ROOT, 'test/fixtures')).filter((f) => f.endsWith('.json')),
  ...readdirSync(path.join(ROOT, 'test/fixtures/keras3')).filter((f) => f.endsWith('.json')).map((f) => `keras3/${f}`),
].sort();
const BIG_MB = Number(process.env.FASTLOSS_BROWSER_BIG_MB ?? 100);

type FixtureResult = { records: ConformanceRecord[] } | { skipped: string };

let browser: Browser;
let server: Server;
let origin: string;
let demo: string;

describe.skipIf(!available)(available ? 'in Chromium' : `in Chromium: ${SKIP}`, () => {
  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/browser/index.js'))) throw new Error('dist/browser/ is missing: run `npm run build` (npm test builds first)');
    const started = await startServer({ port: 0 });
    server = started.server;
    demo = started.url;
    origin = new URL(demo).origin;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function blankPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${origin}/test/browser/index.html`);
    return page;
  }

  /**
   * Runs code in the page as a string, so that vitest's transform of `import()` never reaches the browser.
   * `args` arrive as the JSON value `args`.
   */
  function inPage<T>(page: Page, body: string, args: unknown = null): Promise<T> {
    return page.evaluate(`(async (args) => { ${body} })(${JSON.stringify(args)})`) as Promise<T>;
  }

  async function nodeResults(build: 'relaxed' | 'simd' | 'scalar'): Promise<Record<string, FixtureResult>> {
    const fl = await loadLosses({ build, jsBelow: 0 });
    return Object.fromEntries(FIXTURES.map((f) => [f, runFixture(fl, JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures', f), 'utf8')))]));
  }

  async function browserResults(page: Page, build: 'auto' | 'simd' | 'scalar'): Promise<{ build: string; out: Record<string, FixtureResult> }> {
    return inPage(page, `
      const { loadLosses } = await import('/dist/browser/index.js');
      const { runFixture } = await import('/test/browser/conformance.js');
      const fl = await loadLosses({ build: args.build, jsBelow: 0, losses: 'all' });
      const out = {};
      for (const f of args.files) out[f] = runFixture(fl, await (await fetch('/test/fixtures/' + f)).json());
      return { build: fl.build, out };`, { build, files: FIXTURES });
  }

  function compare(browserOut: Record<string, FixtureResult>, nodeOut: Record<string, FixtureResult>, label: string): string[] {
    const ran: string[] = [];
    for (const f of FIXTURES) {
      const b = browserOut[f]!;
      const n = nodeOut[f]!;
      if ('skipped' in n) {
        expect(b, `${label} ${f}`).toEqual(n);
        continue;
      }
      expect('records' in b, `${label} ${f}: ${JSON.stringify(b).slice(0, 200)}`).toBe(true);
      const records = (b as { records: ConformanceRecord[] }).records;
      expect(records.map((r) => r.id), `${label} ${f}: case ids`).toEqual(n.records.map((r) => r.id));
      n.records.forEach((want, i) => {
        const got = records[i]!;
        if ('error' in want) expect(got, `${label} ${f} ${want.id}`).toEqual(want);
        else expectClose((got as { values: number[] }).values, want.values, `${label} ${f} ${want.id}`);
      });
      ran.push(`${f} (${n.records.length})`);
    }
    return ran;
  }

  /** The asc target of each build a page may run (the compact relaxed and simd builds, the scalar one). */
  const TARGET = { relaxed: 'relaxed-compact', simd: 'simd-compact', scalar: 'scalar' } as const;
  const BUILDS = ['relaxed', 'simd', 'scalar'] as const;
  /** The builds whose core a page fetched. */
  const chunksFetched = (requested: string[]) => BUILDS.filter((b) => requested.some((u) => u.includes(`/fastloss.${TARGET[b]}.core-`)));
  /** The parts' kernels a page fetched, as build/part. */
  const partsFetched = (requested: string[]) => BUILDS.flatMap((b) => LAZY_PARTS.filter((p) => requested.some((u) => u.includes(`/fastloss.${TARGET[b]}.${p}-`))).map((p) => `${b}/${p}`));
  /** The parts' code a page fetched. */
  const codeFetched = (requested: string[]) => LAZY_PARTS.filter((p) => requested.some((u) => u.includes(`/${p}.part-`)));

  it('runs every landed conformance fixture in the page on the relaxed build, equal to Node to 1e-6, fetching that build alone', async () => {
    const page = await blankPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const { build, out } = await browserResults(page, 'auto');
    expect(build).toBe('relaxed'); // Chromium validates the relaxed SIMD probe
    expect(chunksFetched(requested)).toEqual(['relaxed']);
    expect(partsFetched(requested)).toEqual(LAZY_PARTS.map((p) => `relaxed/${p}`)); // losses: 'all', of that build alone
    const ran = compare(out, await nodeResults('relaxed'), 'relaxed');
    expect(ran.some((f) => f.startsWith('regression.torch.json'))).toBe(true);
    expect(ran.some((f) => f.startsWith('ctc.torch.json'))).toBe(true);
    expect(ran.filter((f) => f.startsWith('keras3/')).length).toBeGreaterThanOrEqual(5);
    console.log(`browser = Node to 1e-6 (relaxed): ${ran.join(', ')}; skipped: ${FIXTURES.filter((f) => 'skipped' in out[f]!).map((f) => `${f} (${(out[f] as { skipped: string }).skipped})`).join(', ') || 'none'}`);
    await page.close();
  });

  it.each(['simd', 'scalar'] as const)('and forced to the %s build', async (forced) => {
    const page = await blankPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const { build, out } = await browserResults(page, forced);
    expect(build).toBe(forced);
    expect(chunksFetched(requested)).toEqual([forced]);
    expect(partsFetched(requested)).toEqual(LAZY_PARTS.map((p) => `${forced}/${p}`));
    expect(compare(out, await nodeResults(forced), forced).length).toBeGreaterThanOrEqual(7);
    await page.close();
  });

  it('falls back to the simd build where relaxed SIMD does not validate, and to scalar where SIMD does not either', async () => {
    for (const [probeBytes, want] of [[0, 'simd'], [64, 'scalar']] as const) {
      const page = await blankPage();
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      const result = await inPage<{ auto: string; value: number }>(page, `
        const validate = WebAssembly.validate;
        // the SIMD probe is 31 bytes, the relaxed one 82: refuse the relaxed one, or both
        WebAssembly.validate = (bytes) => (bytes.length === 82 || bytes.length < ${probeBytes}) ? false : validate(bytes);
        const { loadLosses } = await import('/dist/browser/index.js');
        const fl = await loadLosses();
        return { auto: fl.build, value: fl.loss('mse')({ pred: [1, 2, 3], target: [0, 2, 5] }) };`);
      expect(result.auto).toBe(want);
      expect(result.value).toBeCloseTo(5 / 3, 6);
      // ... which it imported from its lazy chunk, and no other build
      expect(chunksFetched(requested)).toEqual([want]);
      await page.close();
    }
  });

  it('loads the core alone by default, and a part when asked: its code and its kernels of the build, once; a part that does not arrive is LOAD_FAILED and may be asked for again', async () => {
    const page = await blankPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    // the CTC kernels' chunk does not arrive the first time
    let blocked = true;
    await page.route(/\/fastloss\.relaxed-compact\.ctc-[^/]*\.js$/, (route) => (blocked ? route.abort() : route.continue()));
    const first = await inPage<{ loaded: boolean[]; mse: number; notLoaded: string; failed: { code: string; message: string } }>(page, `
      const { loadLosses } = await import('/dist/browser/index.js');
      const fl = await loadLosses();
      window.fl = fl;
      const code = (fn) => { try { fn(); return 'nothing thrown'; } catch (e) { return e.code; } };
      const failed = await fl.load('CTCLoss').then(() => ({ code: 'nothing thrown', message: '' }), (e) => ({ code: e.code, message: e.message }));
      return { loaded: ['mse', 'bce', 'cce', 'hinge', 'cosine_similarity', 'ctc'].map((n) => fl.isLoaded(n)), mse: fl.loss('mse')({ pred: [1, 2, 3], target: [0, 2, 5] }), notLoaded: code(() => fl.loss('ctc')), failed };`);
    expect(first.loaded).toEqual([true, true, true, false, false, false]);
    expect(first.mse).toBeCloseTo(5 / 3, 6);
    expect(first.notLoaded).toBe('NOT_LOADED');
    expect(first.failed.code).toBe('LOAD_FAILED');
    expect(first.failed.message).toContain('the ctc part');
    expect(chunksFetched(requested)).toEqual(['relaxed']);
    blocked = false;
    const before = requested.length;
    const ctc = await inPage<{ value: number; loaded: boolean[] }>(page, `
      await fl.load(['ctc']);
      await fl.load('ctc'); // once
      const value = fl.loss('ctc')({ logProbs: { data: new Float32Array(4 * 3).fill(Math.log(1 / 3)), shape: [4, 3] }, targets: [1, 2], inputLengths: [4], targetLengths: [2] });
      return { value, loaded: ['hinge', 'cosine_similarity', 'ctc'].map((n) => fl.isLoaded(n)) };`);
    const node = await loadLosses({ build: 'relaxed' });
    expect(ctc.value).toBeCloseTo(node.loss('ctc')({ logProbs: { data: new Float32Array(4 * 3).fill(Math.log(1 / 3)), shape: [4, 3] }, targets: [1, 2], inputLengths: [4], targetLengths: [2] }) as number, 6);
    expect(ctc.loaded).toEqual([false, false, true]);
    // the ctc part's code and kernels (again, after the failure), and nothing of another part or build
    const after = requested.slice(before);
    expect(codeFetched(requested)).toEqual(['ctc']);
    expect(partsFetched(after)).toEqual(['relaxed/ctc']);
    expect(after.filter((u) => u.includes('.ctc-')).length).toBe(1);
    await page.close();
  });

  it('the script-tag build sets the global fastloss', async () => {
    const page = await blankPage();
    await page.addScriptTag({ url: '/dist/fastloss.iife.js' });
    const result = await inPage<{ build: string; value: number; names: number; hinge: number }>(page, `
      const fl = await fastloss.loadLosses();
      // one file with every kernel: every loss is loaded
      return { build: fl.build, value: fl.loss('mae', { framework: 'pytorch' })({ pred: [1, 2, 3], target: [0, 2, 5] }), names: fl.aliases().length, hinge: fl.loss('hinge')({ pred: [0.3, -0.2], target: [1, -1] }) };`);
    expect(result.build).toBe('simd');
    expect(result.hinge).toBeCloseTo(0.75, 6);
    expect(result.value).toBeCloseTo(1, 7);
    expect(result.names).toBeGreaterThan(50);
    await page.close();
  });

  // ---- the scoring page, as a person uses it ----

  async function openDemo(query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${demo}${query}`);
    await page.waitForSelector('body[data-state=ready]');
    return page;
  }

  /** Does `action` and waits for the page's request to the worker to finish; returns the page's state then. */
  async function settle(page: Page, action: () => Promise<unknown>): Promise<string> {
    const before = Number((await page.getAttribute('body', 'data-done')) ?? 0);
    await action();
    await page.waitForFunction((n) => Number(document.body.dataset.done ?? 0) > n, before, { timeout: 110_000 });
    return (await page.getAttribute('body', 'data-state'))!;
  }

  async function loadExample(page: Page, id: string): Promise<void> {
    await page.selectOption('#example', id);
    expect(await settle(page, () => page.click('#load-example'))).toBe('loaded');
  }

  async function score(page: Page, loss: string, framework: string, options: Record<string, string> = {}): Promise<string> {
    await page.fill('#loss', loss);
    await page.selectOption('#framework', framework);
    for (const [k, v] of Object.entries(options)) await page.selectOption(`[data-option=${k}]`, v);
    return settle(page, () => page.click('#score'));
  }

  const diabetes = JSON.parse(readFileSync(path.join(ROOT, 'data/diabetes.json'), 'utf8')) as {
    pred: number[];
    target: number[];
    torch_reference: Array<{ loss: string; value: number }>;
  };

  /** Blue pixels (the bars' #2f6fde) on the histogram canvas. */
  function barPixels(page: Page): Promise<number> {
    return page.evaluate(() => {
      const canvas = document.getElementById('histogram') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 47 && data[i + 1] === 111 && data[i + 2] === 222 && data[i + 3] === 255) n++;
      return n;
    });
  }

  it('scores the example set: the loss equals Node and PyTorch, the histogram is drawn, the worst samples listed', async () => {
    const page = await openDemo();
    expect(await page.textContent('#build')).toContain('relaxed');
    // the loss list comes from the library: every alias of every landed loss
    const names = await page.$$eval('#loss-names option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(names).toEqual(expect.arrayContaining(['mse', 'mae', 'L1Loss', 'ctc', 'huber', 'smooth_l1']));
    await loadExample(page, 'diabetes');
    expect(await page.textContent('#loaded')).toContain('pred [442]');
    expect(await barPixels(page)).toBe(0);

    expect(await score(page, 'L1Loss', 'pytorch', { reduction: 'mean' })).toBe('scored');
    const shown = Number(await page.textContent('#value'));
    const fl = await loadLosses();
    const pred = Float32Array.from(diabetes.pred);
    const target = Float32Array.from(diabetes.target);
    const node = fl.loss('mae', { framework: 'pytorch' })({ pred, target });
    expectClose(shown, node, 'page value vs Node'); // the page shows 7 significant digits
    expectClose(shown, diabetes.torch_reference.find((r) => r.loss === 'mean_absolute_error')!.value, 'page value vs torch', {}, 2e-6);
    expect(await page.textContent('#fast-ms')).toMatch(/(µs|ms) per call \(relaxed build/);
    expect(await page.textContent('#plain-ms')).toMatch(/(µs|ms) per call, value 43\.249/);
    expect(await page.textContent('#histogram-note')).toContain('442 samples');
    expect(await barPixels(page)).toBeGreaterThan(300);
    // the worst sample is the largest |pred - target|
    const rows = await page.$$eval('#worst tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows).toHaveLength(10);
    const errors = Array.from(pred, (p, i) => Math.abs(p - target[i]!));
    const worstIndex = errors.indexOf(Math.max(...errors));
    expect(Number(rows[0]![1])).toBe(worstIndex);
    expectClose(Number(rows[0]![2]), errors[worstIndex]!, 'worst loss');
    // docs/demo.png, the README's picture, is written only when asked for (`npm run screenshot`), so that a
    // test run leaves the work tree as it found it; the screenshot is taken either way.
    const png = await page.screenshot({ fullPage: true, ...(process.env.FASTLOSS_SCREENSHOT === '1' ? { path: path.join(ROOT, 'docs/demo.png') } : {}) });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    // Keras semantics with the same data: another framework, another number (Keras MSE's mean)
    expect(await score(page, 'mse', 'tensorflow')).toBe('scored');
    expectClose(Number(await page.textContent('#value')), fl.loss('mse')({ pred, target }) as number, 'keras mse');
    await page.close();
  });

  it('takes files by drag and drop, and says what is wrong with a bad file, a bad name, or a loss that needs other inputs', async () => {
    const page = await openDemo();
    expect(await settle(page, () => page.setInputFiles('#predictions-file', { name: 'preds.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('not numpy at all') }))).toBe('error');
    expect(await page.textContent('#error')).toContain('preds.npy: not a .npy file');
    expect(await page.isVisible('#error')).toBe(true);

    expect(await settle(page, () => page.setInputFiles('#predictions-file', { name: 'preds.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3,x\n') }))).toBe('error');
    expect(await page.textContent('#error')).toContain('preds.csv: line 3, column 2: "x" is not a number');

    expect(await settle(page, () => page.setInputFiles('#predictions-file', { name: 'preds.json', mimeType: 'application/json', buffer: Buffer.from('[[1, 2], [3]]') }))).toBe('error');
    expect(await page.textContent('#error')).toContain('rows of different lengths');

    // a good pair of files: .npy float64 predictions, .csv labels with a header
    expect(await settle(page, () => page.setInputFiles('#predictions-file', { name: 'preds.npy', mimeType: 'application/octet-stream', buffer: npy(new Float64Array([1, 2, 3, 4]), '<f8', [4]) }))).toBe('loaded');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await settle(page, () => page.setInputFiles('#labels-file', { name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from('y\n1\n2\n2\n8\n') }))).toBe('loaded');
    expect(await score(page, 'MSELoss', 'pytorch')).toBe('scored');
    expect(Number(await page.textContent('#value'))).toBeCloseTo((0 + 0 + 1 + 16) / 4, 6);

    // drag and drop: the first file dropped is the predictions, the second the labels
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['[0.5, 1.5, 2.5]'], 'dropped-pred.json', { type: 'application/json' }));
      dt.items.add(new File(['1\n1\n1\n'], 'dropped-labels.csv', { type: 'text/csv' }));
      return dt;
    });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dropped });
    await page.waitForFunction(() => document.getElementById('loaded')!.textContent!.includes('dropped-labels [3]'));
    expect(await page.textContent('#loaded')).toContain('dropped-pred [3] float32');
    expect(await score(page, 'mae', 'pytorch')).toBe('scored');
    expect(Number(await page.textContent('#value'))).toBeCloseTo((0.5 + 0.5 + 1.5) / 3, 6);

    await page.fill('#loss', 'msee');
    expect(await settle(page, () => page.click('#score'))).toBe('error');
    expect(await page.textContent('#error')).toMatch(/UNKNOWN_LOSS.*"msee".*Did you mean/);

    // CTC needs logProbs, targets, inputLengths, targetLengths: the page says which one it lacks
    expect(await score(page, 'ctc', 'pytorch')).toBe('error');
    expect(await page.textContent('#error')).toMatch(/needs the input "(inputLengths|targetLengths)"/);
    await page.close();
  });

  // A result on screen belongs to the data and loss it was scored with: loading other data, or an error, clears
  // it; a refused file does not stay in its picker as if it were loaded.
  it('new files or an error clear the shown result; a refused file leaves its picker empty', async () => {
    const page = await openDemo();
    const shown = async () => ({
      value: await page.textContent('#value'),
      fast: await page.textContent('#fast-ms'),
      plain: await page.textContent('#plain-ms'),
      histogram: await page.textContent('#histogram-note'),
      bars: await barPixels(page),
      worst: await page.$$eval('#worst tbody tr', (trs) => trs.length),
    });
    const cleared = { value: '–', fast: '–', plain: '–', histogram: '', bars: 0, worst: 0 };
    await loadExample(page, 'diabetes');
    expect(await score(page, 'mse', 'pytorch')).toBe('scored');
    expect((await shown()).worst).toBe(10);
    // 442 elements: the timing says why the loop can be as fast
    expect(await page.textContent('#timing-note')).toMatch(/^442 elements: at this size a call costs about what the loop costs/);

    // a refused predictions file: the error, the result cleared, the picker emptied, the loaded data unchanged
    const loaded = await page.textContent('#loaded');
    expect(await settle(page, () => page.setInputFiles('#predictions-file', { name: 'bad.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('not numpy') }))).toBe('error');
    expect(await shown()).toEqual(cleared);
    expect(await page.$eval('#predictions-file', (el) => (el as HTMLInputElement).files!.length)).toBe(0);
    expect(await page.textContent('#loaded')).toBe(loaded);

    // scored again, then new labels loaded: the old result goes
    expect(await score(page, 'mse', 'pytorch')).toBe('scored');
    expect((await shown()).value).not.toBe('–');
    expect(await settle(page, () => page.setInputFiles('#labels-file', { name: 'y.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(diabetes.target)) }))).toBe('loaded');
    expect(await shown()).toEqual(cleared);
    expect(await page.$eval('#labels-file', (el) => (el as HTMLInputElement).files!.length)).toBe(1);

    // and a scoring error clears it too
    expect(await score(page, 'mse', 'pytorch')).toBe('scored');
    await page.fill('#loss', 'msee');
    expect(await settle(page, () => page.click('#score'))).toBe('error');
    expect(await shown()).toEqual(cleared);
    await page.close();
  });

  it('forced to the scalar build (?build=scalar), the page gives the same loss', async () => {
    const page = await openDemo('?build=scalar');
    expect(await page.textContent('#build')).toContain('scalar');
    await loadExample(page, 'linnerud');
    expect(await score(page, 'huber', 'tensorflow')).toBe('scored');
    const linnerud = JSON.parse(readFileSync(path.join(ROOT, 'data/linnerud.json'), 'utf8')) as { pred: number[][]; target: number[][] };
    const fl = await loadLosses({ build: 'scalar', jsBelow: 0 });
    const want = fl.loss('huber')({ pred: linnerud.pred, target: linnerud.target }) as number;
    expectClose(Number(await page.textContent('#value')), want, 'scalar huber');
    expect(await page.textContent('#fast-ms')).toContain('scalar build');
    await page.close();
  });

  it(`parses and scores a ${BIG_MB} MB .npy pair in the worker with a progress bar; the page keeps answering`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fastloss-browser-'));
    try {
      const n = Math.floor((BIG_MB * 1e6) / 4);
      const pred = new Float32Array(n);
      const target = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        pred[i] = Math.sin(i);
        target[i] = Math.sin(i) + ((i % 7) - 3) / 8;
      }
      writeFileSync(path.join(dir, 'pred.npy'), npy(pred, '<f4', [n / 1000, 1000]));
      writeFileSync(path.join(dir, 'target.npy'), npy(target, '<f4', [n / 1000, 1000]));

      const page = await openDemo();
      // the main thread's heartbeat: the longest gap between 10 ms timer ticks, and the progress values seen
      await page.evaluate(() => {
        const w = window as unknown as { maxGap: number; progressSeen: number[] };
        w.maxGap = 0;
        w.progressSeen = [];
        let last = performance.now();
        setInterval(() => {
          const now = performance.now();
          w.maxGap = Math.max(w.maxGap, now - last);
          last = now;
          const box = document.getElementById('progress-box')!;
          if (box.style.display !== 'none') w.progressSeen.push(Number((document.getElementById('progress') as HTMLProgressElement).value));
        }, 10);
      });
      const t0 = Date.now();
      expect(await settle(page, () => page.setInputFiles('#predictions-file', path.join(dir, 'pred.npy')))).toBe('loaded');
      expect(await settle(page, () => page.setInputFiles('#labels-file', path.join(dir, 'target.npy')))).toBe('loaded');
      expect(await page.textContent('#loaded')).toContain(`pred [${n / 1000}, 1000] float32`);
      expect(await score(page, 'mae', 'pytorch')).toBe('scored');
      const seconds = (Date.now() - t0) / 1000;
      const { maxGap, progressSeen } = await page.evaluate(() => {
        const w = window as unknown as { maxGap: number; progressSeen: number[] };
        return { maxGap: w.maxGap, progressSeen: w.progressSeen };
      });
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.abs(pred[i]! - target[i]!);
      expectClose(Number(await page.textContent('#value')), sum / n, 'big mae');
      expect(await page.textContent('#histogram-note')).toContain(`${n / 1000} samples`);
      expect(progressSeen.length).toBeGreaterThan(2);
      expect(progressSeen.some((p) => p > 0 && p < 1)).toBe(true);
      // a busy main thread would stall the 10 ms timer for the whole parse (seconds)
      expect(maxGap).toBeLessThan(1000);
      console.log(`${BIG_MB} MB pred + ${BIG_MB} MB target: loaded and scored in ${seconds.toFixed(1)} s; longest main-thread gap ${maxGap.toFixed(0)} ms; ${await page.textContent('#fast-ms')}; plain JS ${await page.textContent('#plain-ms')}`);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A .npy file (format 1.0, C order) of `data`. */
function npy(data: Float32Array | Float64Array, descr: string, shape: number[]): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
