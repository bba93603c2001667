// Where splitting a call across threads starts to pay, per engine (src/engines/tiling.ts PARALLEL_ELEMENTS and
// PARALLEL_ROWS): each workload at sizes from 8K to 1M elements, fl.tensor inputs, timed three ways in this one
// process, interleaved round by round (bench/measure.mjs's rule): one thread (threads: 1), the default instance
// with every call split (its split sizes set to 0), and the default instance as it ships. The split sizes are
// right when "as shipped" is never slower than the better of the other two.
//
//   node bench/threads.mjs [--rounds=9] [--only=rows]
//
// Needs dist/ (npm run build). Prints a markdown table; the numbers go to the closing notes and docs/design.md §9a.

import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 as rng } from './data.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadLosses } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 9);

const one = await loadLosses({ threads: 1 });
const split = await loadLosses();
const shipped = await loadLosses();
if (split.threads < 2) {
  console.log(`one thread here (threads: 'auto' gave ${split.threads}): nothing to measure`);
  process.exit(0);
}
const runtimeOf = (fl) => fl.runtime;
runtimeOf(split).splitScale = 0;

function fill(t, seed, kind) {
  const r = rng(seed);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = kind === 'labels' ? Math.floor(r() * 1000) : kind === 'sign' ? (r() < 0.5 ? -1 : 1) : (r() - 0.5) * 4;
}

/** The workloads: an engine each, its loss and inputs of n elements (rows of 1000 classes for the row kernels). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const WORKLOADS = [
  { id: 'elementwise: mse forward', loss: ['mse'], grad: false, inputs: (fl, n) => ({ pred: [[n], 1], target: [[n], 2] }) },
  { id: 'elementwise: mse forward+gradient', loss: ['mse'], grad: true, inputs: (fl, n) => ({ pred: [[n], 1], target: [[n], 2] }) },
  { id: 'elementwise: bce with logits forward', loss: ['binary_crossentropy', { fromLogits: true }], grad: false, inputs: (fl, n) => ({ pred: [[n], 1], target: [[n], 3, 'sign01'] }) },
  { id: 'pairwise: margin ranking forward+gradient', loss: ['margin_ranking'], grad: true, inputs: (fl, n) => ({ x1: [[n], 1], x2: [[n], 2], target: [[n], 3, 'sign'] }) },
  { id: 'rows: cross-entropy [n/1000, 1000] forward', loss: ['CrossEntropyLoss'], grad: false, inputs: (fl, n) => ({ pred: [[Math.round(n / 1000), 1000], 1], target: [[Math.round(n / 1000)], 4, 'labels'] }) },
  { id: 'rows: cross-entropy [n/1000, 1000] forward+gradient', loss: ['CrossEntropyLoss'], grad: true, inputs: (fl, n) => ({ pred: [[Math.round(n / 1000), 1000], 1], target: [[Math.round(n / 1000)], 4, 'labels'] }) },
];

function make(fl, spec) {
  const out = {};
  for (const [k, [shape, seed, kind]] of Object.entries(spec)) {
    const t = fl.tensor(shape, kind === 'labels' ? 'int32' : 'float32');
    fill(t, seed, kind === 'sign01' ? 'sign' : kind);
    if (kind === 'sign01') for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i] > 0 ? 1 : 0;
    out[k] = t;
  }
  return out;
}

function timeOf(call, minMs = 20) {
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) call();
    const ms = performance.now() - t0;
    if (ms >= minMs) return ms / k;
    k *= 2;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

console.log(`| workload | elements | 1 thread | split (${split.threads} threads) | as shipped | shipped vs best |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const w of WORKLOADS.filter((x) => ONLY === undefined || x.id.startsWith(ONLY))) {
  for (const n of [8192, 32768, 65536, 131072, 262144, 1048576]) {
    const calls = [one, split, shipped].map((fl) => {
      const inputs = make(fl, w.inputs(fl, n));
      const loss = fl.loss(...w.loss);
      const call = w.grad ? () => loss.withGrad(inputs).value : () => loss(inputs);
      return { call, free: () => Object.values(inputs).forEach((t) => t.free()) };
    });
    const times = [[], [], []];
    for (let r = 0; r < rounds; r++) calls.forEach((c, i) => times[i].push(timeOf(c.call)));
    const [a, b, c] = times.map(median);
    console.log(`| ${w.id} | ${n.toLocaleString('en-US')} | ${fmt(a)} | ${fmt(b)} | ${fmt(c)} | ${(c / Math.min(a, b)).toFixed(2)} |`);
    calls.forEach((x) => x.free());
  }
}
for (const fl of [one, split, shipped]) fl.close();
