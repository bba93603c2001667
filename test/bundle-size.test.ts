/**
 * What an application's bundle pays for `import { loadLosses } from 'fastloss'`: the release code (the facade
 * and the simd and scalar modules), never the debug build or @assemblyscript/loader, which ship in the
 * `fastloss/debug` entry. esbuild bundles from a consumer project (fastloss resolved through its package.json
 * to dist/), with and without code splitting (without it esbuild inlines every dynamic import), for a browser
 * and for Node. The sizes are printed, raw and gzipped.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, ROOT, type ConsumerProject } from './consumer.js';
import { LAZY_PARTS } from '../src/lazy-parts.js';

/** Strings of @assemblyscript/loader that survive minification (error messages and export names it looks up). */
const LOADER_MARKERS = ['Operation requires compiling with --exportRuntime', '__setArgumentsLength'];

/** A slice from the middle of a module's base64 (esbuild's `binary` loader embeds the whole file as base64). */
function base64Marker(file: string): string {
  const b64 = readFileSync(path.join(ROOT, file)).toString('base64');
  const mid = Math.floor(b64.length / 2) & ~3;
  return b64.slice(mid, mid + 96);
}

interface Bundle {
  raw: number;
  gzip: number;
  files: number;
  text: string;
}

const TARGETS = {
  browser: { platform: 'browser', target: 'es2022' },
  node: { platform: 'node', target: 'node20' },
} as const;

let project: ConsumerProject;
beforeAll(() => {
  project = consumerProject('bundle');
  project.write('app.js', "import { loadLosses } from 'fastloss';\nglobalThis.run = async () => (await loadLosses()).loss('mse')({ pred: [1], target: [0] });\n");
  project.write('app-debug.js', "import 'fastloss/debug';\nimport { loadLosses } from 'fastloss';\nglobalThis.run = () => loadLosses({ build: 'debug' });\n");
});
afterAll(() => project.remove());

async function bundle(entry: string, where: keyof typeof TARGETS, splitting: boolean, minify: boolean): Promise<Bundle> {
  const result = await esbuild.build({
    absWorkingDir: project.dir,
    entryPoints: [entry],
    bundle: true,
    splitting,
    minify,
    format: 'esm',
    ...TARGETS[where],
    outdir: path.join(project.dir, 'out'),
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  return {
    raw: js.reduce((s, f) => s + f.contents.length, 0),
    gzip: js.reduce((s, f) => s + gzipSync(f.contents).length, 0),
    files: js.length,
    text: js.map((f) => f.text).join('\n'),
  };
}

/** dist/index.js and every chunk it imports: the release code, unbundled. */
function distReleaseBytes(): number {
  const seen = new Set<string>();
  const visit = (file: string): number => {
    if (seen.has(file)) return 0;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    const deps = [...code.matchAll(/\bfrom\s+"(\.[^"]+)"/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
    return code.length + deps.reduce((s, d) => s + visit(d), 0);
  };
  return visit(path.join(ROOT, 'dist/index.js'));
}

describe("bundling import { loadLosses } from 'fastloss'", () => {
  const debugWasm = base64Marker('build/fastloss.debug.wasm');
  const builds = ['relaxed', 'simd', 'scalar'];
  // A browser bundle resolves package.json's "browser" condition to dist/browser/, which carries the three release
  // builds gzipped in parts, each behind a dynamic import: a core and the margin, cosine, CTC and focal modules
  // (src/release.browser.ts); Node gets the three whole, as they are.
  // (the browser's relaxed and simd builds are the size-optimised '-compact' ones: docs/design.md §9b)
  const browserPacks = (b: string) => ['core', ...LAZY_PARTS].map((m) => `build/fastloss.${b === 'scalar' ? b : `${b}-compact`}.${m}.gz`);
  const releaseMarkers = { browser: builds.flatMap((b) => browserPacks(b).map(base64Marker)), node: builds.map((b) => base64Marker(`build/fastloss.${b}.wasm`)) };

  it('leaves out the debug build and the loader, with and without splitting, for a browser and for Node', async () => {
    const rows: string[] = [];
    const release = distReleaseBytes();
    for (const where of ['browser', 'node'] as const) {
      const sizes: Record<string, Bundle> = {};
      for (const splitting of [false, true]) {
        for (const minify of [false, true]) {
          const b = await bundle('app.js', where, splitting, minify);
          const label = `${where}, ${splitting ? 'splitting' : 'no splitting'}${minify ? ', minified' : ''}`;
          expect(b.text, label).not.toContain(debugWasm);
          for (const marker of LOADER_MARKERS) expect(b.text, `${label}: ${marker}`).not.toContain(marker);
          // the release modules are there (the markers would find them)
          for (const marker of releaseMarkers[where]) expect(b.text, label).toContain(marker);
          // one file; where the bundler splits a browser bundle, a lazy chunk for each build's core, each build's
          // part and each part's code, and the chunks they share with the entry (the base64 decoder, the row losses)
          // (for Node, each part's code: the whole builds carry every kernel)
          if (where === 'browser' && splitting) expect(b.files, label).toBeGreaterThanOrEqual(1 + builds.length * (1 + LAZY_PARTS.length) + LAZY_PARTS.length);
          else if (splitting) expect(b.files, label).toBeGreaterThanOrEqual(1 + LAZY_PARTS.length);
          else expect(b.files, label).toBe(1);
          sizes[`${splitting}/${minify}`] = b;
          rows.push(`${label.padEnd(36)} ${String(b.raw).padStart(7)} bytes  ${String(b.gzip).padStart(6)} gzipped`);
        }
      }
      // without splitting, the size of the release code (dist/index.js and its chunks) and of the split bundle
      expect(sizes['false/false']!.raw).toBeLessThan(release * 1.05 + 2048);
      // (within 5% and ~128 bytes a lazy module: inlining a dynamic import, esbuild wraps the module in a lazy
      // initialiser, and the browser bundle's lazy modules are each part's code and its pack of each build: 24 with
      // six parts)
      const lazyModules = LAZY_PARTS.length * (1 + 3);
      expect(sizes['false/false']!.raw).toBeLessThan(sizes['true/false']!.raw * 1.05 + 128 * lazyModules);
    }
    console.log(`import { loadLosses } from 'fastloss', bundled by esbuild ${esbuild.version} (dist release code: ${release} bytes)\n${rows.join('\n')}`);
  });

  it('runs once bundled, and the debug entry registers with the bundled main entry', async () => {
    const run = async (entry: string): Promise<unknown> => {
      const b = await bundle(entry, 'node', false, true);
      const file = path.join(project.dir, `${entry}.bundle.mjs`);
      writeFileSync(file, b.text);
      await import(/* @vite-ignore */ pathToFileURL(file).href);
      return (globalThis as unknown as { run: () => Promise<unknown> }).run();
    };
    expect(await run('app.js')).toBe(1); // Keras mse of [1] against [0]
    expect(((await run('app-debug.js')) as { build: string }).build).toBe('debug');
  });

  it("takes them in when the application imports 'fastloss/debug' (the markers find them; sideEffects keeps the import)", async () => {
    for (const splitting of [false, true]) {
      const b = await bundle('app-debug.js', 'browser', splitting, true);
      expect(b.text).toContain(debugWasm);
      for (const marker of LOADER_MARKERS) expect(b.text).toContain(marker);
      console.log(`with import 'fastloss/debug' (browser, ${splitting ? 'splitting' : 'no splitting'}, minified): ${b.raw} bytes, ${b.gzip} gzipped`);
    }
  });
});
