// Every input form a user holds, against a plain-JS loop over the same form (a number[] loop for number[], a
// nested loop for nested arrays, …): MSE, PyTorch semantics, reduction 'mean', forward, on the default
// instance (SIMD, jsBelow 256). The question each row answers: what does calling fastloss on the data I already
// have cost me, next to writing the loop myself?
//
// `node bench/forms.mjs [--quick]` prints the section; `npm run bench` includes it in BENCHMARKS.md.

import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadLosses } from '../dist/index.js';
import { mulberry32 } from './data.mjs';
import { measureWorkload } from './measure.mjs';
import { targetsTable } from './sections.mjs';

const COLS = 16; // nested arrays and { data, shape } are [n / 16, 16]

function numbers(n, seed) {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.fround(r() * 6 - 3));
}

const nest = (flat) => Array.from({ length: flat.length / COLS }, (_, i) => flat.slice(i * COLS, (i + 1) * COLS));

// ---- the plain-JS loops, one per form, as a user writes them ----

function mseFlat(p, t) {
  const n = p.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    s += d * d;
  }
  return s / n;
}

function mseNested(p, t) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const pr = p[i];
    const tr = t[i];
    for (let j = 0; j < pr.length; j++) {
      const d = pr[j] - tr[j];
      s += d * d;
    }
    n += pr.length;
  }
  return s / n;
}


/** The forms: name, how to make pred/target from the float32-representable numbers, the plain loop over it. */
export const FORMS = [
  { key: 'number[]', make: (a) => a, plain: mseFlat },
  { key: `nested [n/${COLS}, ${COLS}]`, make: nest, plain: mseNested },
  { key: `{ data: number[], shape }`, make: (a) => ({ data: a, shape: [a.length / COLS, COLS] }), plain: mseFlat },
  { key: 'Float64Array', make: (a) => Float64Array.from(a), plain: mseFlat },
  { key: `{ data: Float32Array, shape }`, make: (a) => ({ data: Float32Array.from(a), shape: [a.length / COLS, COLS] }), plain: mseFlat },
  { key: 'Float32Array', make: (a) => Float32Array.from(a), plain: mseFlat },
];

export const SIZES = [64, 4096, 65536, 1048576];
const sizesFor = (quick) => (quick ? [64, 65536] : SIZES);

/** Goals: fastloss time ÷ plain-JS time (≤), or plain ÷ fastloss (≥) for Float64Array at 1M. */
export function goalOf(form, n) {
  if (form === 'Float64Array' && n === 1048576) return { op: '>=', goal: 3, what: 'faster than the plain loop' };
  if (n === 64 && (form === 'Float64Array' || form.startsWith('{ data: Float32Array') || form === 'Float32Array')) {
    return { op: '<=', goal: 1.25, what: 'within the plain loop' };
  }
  if (form === 'number[]' || form.startsWith('nested') || form.startsWith('{ data: number[]')) {
    return { op: '<=', goal: n === 64 ? 2 : 1.5, what: 'within the plain loop' };
  }
  return null;
}

/** A runner that only copies pred and target (Float64Arrays) into wasm memory as the package streams them. */
function copyFloor(args) {
  const block = 8192; // elements per block of a Float64Array input (src/stream.ts blockSize: CHUNK / 2)
  const mem = new WebAssembly.Memory({ initial: 4 }); // 256 KiB: two blocks of doubles, like the scratch region
  const f64 = new Float64Array(mem.buffer);
  const copy = (a) => {
    const { pred, target } = a;
    const n = pred.length;
    for (let s = 0; s < n; s += block) {
      f64.set(pred.subarray(s, s + block), 0);
      f64.set(target.subarray(s, s + block), block);
    }
    return f64[n > block ? block - 1 : n - 1];
  };
  return { key: 'copy', call: copy, args, check: () => ({ value: NaN }) };
}

const fmt = (s) => (s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : s >= 1e-6 ? `${(s * 1e6).toFixed(2)} µs` : `${(s * 1e9).toFixed(0)} ns`);

/**
 * Measures the given forms at the given sizes in this process, one cell after another: per cell the fastloss
 * and plain-loop medians (s per call), both values, and for Float64Array from 65,536 elements the copy floor.
 */
async function measureCells(forms, sizes, { quick, log }) {
  const fl = await loadLosses({ threads: 1 }); // the forms' own cost, on one thread
  const loss = fl.loss('mse', { framework: 'pytorch' });
  const cells = [];
  for (const n of sizes) {
    const pa = numbers(n, 1);
    const ta = numbers(n, 2);
    for (const form of forms) {
      const pred = form.make(pa);
      const target = form.make(ta);
      const args = { pred, target };
      // a fresh copy of the plain loop per form: its own type feedback, as a user's own loop would have
      const plainLoop = new Function(`return ${form.plain.toString()}`)();
      const runners = [
        { key: 'fastloss', call: (a) => loss(a), args, check: () => ({ value: loss(args) }) },
        { key: 'plain', call: form.key.startsWith('{') ? (a) => plainLoop(a.pred.data, a.target.data) : (a) => plainLoop(a.pred, a.target), args, check: () => ({ value: form.key.startsWith('{') ? plainLoop(pred.data, target.data) : plainLoop(pred, target) }) },
      ];
      // Float64Array: the copy alone, the floor of every path that runs the loss in wasm (the data live on the
      // JS heap, which wasm cannot read): both arrays moved into wasm memory a block at a time, as doubles (a
      // memmove; narrowing them in the same copy costs 2x), with nothing computed. Plain JS ÷ this is the most
      // any wasm path can gain over the plain loop.
      if (form.key === 'Float64Array' && n >= 65536) runners.push(copyFloor(args));
      log(`forms: ${form.key} n=${n}`);
      const [f, p, floor] = await measureWorkload(runners, { sampleMs: quick ? 10 : 20, rounds: quick ? 3 : 7, budgetS: 60 });
      cells.push({ form: form.key, n, fastloss: f.median, plain: p.median, floor: floor?.median ?? null, relErr: Math.abs(f.value - p.value) / Math.abs(p.value) });
    }
  }
  return cells;
}

/**
 * The suite. Each form is measured in a process of its own (`node bench/forms.mjs --form <i>`), as a user's
 * process holding its data in one form would call it; the targets are judged there. Then every form again in
 * this one process, one after another, for the last column: there fastloss's shared input code has seen every
 * form (its type feedback turns polymorphic), where each plain loop is a fresh copy that sees one, and small
 * calls of fastloss run up to 2x slower (measured here: { data: number[], shape } at 64 elements 1.7x alone,
 * 2.2x after number[] and nested arrays).
 */
export async function runSuite({ quick = false, log = () => {} } = {}) {
  const sizes = sizesFor(quick);
  const own = [];
  for (let i = 0; i < FORMS.length; i++) {
    log(`forms: ${FORMS[i].key}, in a process of its own`);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--form', String(i), ...(quick ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`forms: the child for ${FORMS[i].key} failed (exit ${child.status ?? child.signal})`);
    own.push(...JSON.parse(child.stdout));
  }
  log('forms: every form in one process');
  const mixed = await measureCells(FORMS, sizes, { quick, log });
  const rows = [];
  const targets = [];
  for (const n of sizes) {
    for (const form of FORMS) {
      const c = own.find((x) => x.form === form.key && x.n === n);
      const m = mixed.find((x) => x.form === form.key && x.n === n);
      const ratio = c.fastloss / c.plain;
      const g = goalOf(form.key, n);
      let mark = '';
      if (g) {
        const value = g.op === '<=' ? ratio : 1 / ratio;
        const pass = g.op === '<=' ? value <= g.goal : value >= g.goal;
        mark = `${pass ? '✅' : '❌'} ${g.op === '<=' ? '≤' : '≥'} ${g.goal}×`;
        const bound = c.floor === null ? '' : ` (bound: plain ÷ the copy alone = ${(c.plain / c.floor).toFixed(2)}×)`;
        targets.push({ workload: `${form.key}, ${n.toLocaleString('en-US')} elements`, what: `${g.what} over the same form${bound}`, goal: `${g.op === '<=' ? '≤' : '≥'} ${g.goal}×`, ratio: value, pass });
      }
      rows.push(`| ${form.key} | ${n.toLocaleString('en-US')} | ${fmt(c.fastloss)} | ${fmt(c.plain)} | ${ratio.toFixed(2)}× | ${(1 / ratio).toFixed(2)}× | ${mark} | ${(m.fastloss / m.plain).toFixed(2)}× | ${c.relErr.toExponential(1)} |`);
      if (c.floor !== null) {
        rows.push(`| ↳ floor: the copy alone (Float64Array → wasm memory, blocks of 8,192, as doubles) | ${n.toLocaleString('en-US')} | ${fmt(c.floor)} | ${fmt(c.plain)} | ${(c.floor / c.plain).toFixed(2)}× | ${(c.plain / c.floor).toFixed(2)}× (the most any wasm path can reach) | | ${(m.floor / m.plain).toFixed(2)}× | — |`);
      }
    }
  }
  const markdown = [
    '## Every input form (MSE, PyTorch, mean, forward, default instance)',
    '',
    'fastloss on the data form a user holds, against a plain-JS loop over the same form (bench/forms.mjs).',
    `Nested arrays and \`{ data, shape }\` are [n/${COLS}, ${COLS}]. "fl ÷ JS" below 1 means fastloss is faster.`,
    'Each form is measured in a process of its own (a process that holds its data in one form), and the targets',
    'are judged there; the last column is the same cell measured with every form in one process, one after',
    "another, where fastloss's shared input code has seen every form and each plain loop (a fresh copy) one.",
    'For Float64Array the copy of both arrays into wasm memory, with nothing computed, is the floor of any path',
    'that runs the loss in wasm: plain JS ÷ that copy bounds what such a path can gain over the plain loop.',
    '',
    targetsTable(targets),
    '',
    '| form | elements | fastloss | plain JS | fl ÷ JS | JS ÷ fl | target | fl ÷ JS, all forms in one process | value rel. diff |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  return { markdown, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const log = (m) => process.stderr.write(`${m}\n`);
  const at = process.argv.indexOf('--form');
  if (at >= 0) {
    // a child of runSuite: one form at every size, its cells as JSON on stdout
    const cells = await measureCells([FORMS[Number(process.argv[at + 1])]], sizesFor(quick), { quick, log });
    process.stdout.write(JSON.stringify(cells));
  } else {
    const { markdown } = await runSuite({ quick, log });
    console.log(markdown);
  }
}
