// The focal loss against its peers (node bench/focal.mjs [--quick]):
//
//   focal   16,777,216 elements   torchvision sigmoid_focal_loss semantics (alpha 0.25, gamma 2, mean), logits of
//                                 random sign and 0/1 labels: fl.loss('sigmoid_focal_loss', { reduction: 'mean' })
//
// Forward, measured side by side in one process with bench/measure.mjs (interleaved rounds, calibrated samples):
// fastloss SIMD on fastloss tensors (read in place) and on ordinary Float32Arrays (streamed through the scratch
// region), fastloss scalar on arrays, the plain-JS loop a user writes (bench/peers/plain_focal.mjs, timed in a
// process of its own), PyTorch composed as torchvision writes it (bench/peers/torch_focal.py) with 1 thread and
// with its default threads, and the bandwidth floor (bench/floor.ts: Σ (a + b) over the same two tensors, read
// once, in place). TensorFlow.js has no focal loss.
//
// `runSuite({ quick, log })` returns { markdown, targets } (a BENCHMARKS.md section); run directly, it prints the
// markdown. --quick: 1/16 of the size, 3 rounds, 10 ms samples.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadLosses } from '../dist/index.js';
import { mulberry32 } from './data.mjs';
import { loadFloor } from './floor.mjs';
import { describeMachine } from './machine.mjs';
import { measureWorkload } from './measure.mjs';
import { PLAIN_PEERS } from './peers/plain_focal.mjs';
import { plainRunner } from './peers/plain_remote.mjs';
import { evaluateTargets, startTorchPeers, suiteMarkdown, workloadTable } from './suite-kit.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function uniform(n, seed, lo, hi) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

function labels(n, seed) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.3 ? 1 : 0;
  return out;
}

/** torchvision's formula in float64 (the reference of the value column). */
function reference({ pred, target }) {
  let s = 0;
  for (let i = 0; i < pred.length; i++) {
    const x = pred[i];
    const t = target[i];
    const p = 1 / (1 + Math.exp(-x));
    const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    const m = t === 1 ? 1 - p : p;
    s += (0.25 * t + 0.75 * (1 - t)) * ce * m * m;
  }
  return s / pred.length;
}


/** The targets: ratio = median(num) / median(den). */
const TARGETS = [
  { what: 'fl.tensor >= 10x faster than PyTorch (1 thread, torchvision composition)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 10 },
  { what: 'fl.tensor faster than PyTorch at its default threads', num: 'torch-default', den: 'fastloss-simd/tensors', op: '>=', goal: 1 },
  { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 4 },
];

export async function runSuite({ quick = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-focal-bench-'));
  const opts = quick ? { rounds: 3, sampleMs: 10, budgetS: 20 } : { rounds: 11, sampleMs: 20, budgetS: 60 };
  let torches = [];
  try {
    const inst = { simd: await loadLosses({ build: 'simd', threads: 1 }), scalar: await loadLosses({ build: 'scalar', threads: 1 }) };
    const floorSum = await loadFloor(inst.simd.memory, tmp);
    const peers = await startTorchPeers(join(HERE, 'peers', 'torch_focal.py'), tmp);
    torches = peers.torches;
    const machine = describeMachine({ torch: torches[0] ?? { note: peers.notes[0] } });
    const n = quick ? 1 << 20 : 1 << 24;
    const title = `focal (torchvision sigmoid_focal_loss, mean) · ${n.toLocaleString('en-US')} elements · forward`;
    log('focal ...');
    const pred = uniform(n, 31, -4, 4);
    const target = labels(n, 32);
    const ref = reference({ pred, target });
    const tensors = [pred, target].map((a) => {
      const t = inst.simd.tensor([n]);
      t.data.set(a);
      return t;
    });
    for (const t of torches) await t.load('focal', [pred, target], [[n], [n]]);
    const plain = await plainRunner({
      peer: 'plain JS (loop)',
      module: 'plain_focal.mjs',
      name: 'focal',
      arrays: { pred, target },
      params: {},
      check: () => ({ value: PLAIN_PEERS.focal({ pred, target }), grad: null }),
      tmp,
    });
    if (plain.runner === null) throw new Error(`plain JS peer: ${plain.note}`);
    const runners = [];
    for (const [build, fl] of Object.entries(inst)) {
      const loss = fl.loss('sigmoid_focal_loss', { reduction: 'mean' });
      const paths = build === 'simd' ? { arrays: { pred, target }, tensors: { pred: tensors[0], target: tensors[1] } } : { arrays: { pred, target } };
      for (const [how, args] of Object.entries(paths)) {
        runners.push({
          key: `fastloss-${build}/${how}`,
          peer: `fastloss ${build === 'simd' ? 'SIMD' : 'scalar'}`,
          input: how === 'arrays' ? 'Float32Array' : 'fl.tensor (in place)',
          args,
          call: (x) => loss(x),
          check: () => ({ value: loss(args), grad: null }),
        });
      }
    }
    runners.push(plain.runner);
    runners.push({ key: 'floor/tensors', peer: 'floor (Σ a+b, AS SIMD)', input: 'fl.tensor (in place)', args: tensors, call: (t) => floorSum(n, t[0].byteOffset, t[1].byteOffset), check: () => ({ value: NaN, grad: null }) });
    for (const t of torches) runners.push(t.runner('focal', 'focal'));
    const rows = await measureWorkload(runners, { ...opts, log }).finally(plain.close);
    const targets = evaluateTargets(title, TARGETS, rows);
    for (const t of tensors) t.free();
    const timeGoes = [
      '- Per four elements: one exp (XNNPACK rr2-p5) and one log1p for the exact BCE with logits, one division for',
      '  σ(x) and 1 - p_t (computed from e = exp(-|x|), not as 1 - p_t), and γ = 2 as a square (any other γ adds an',
      '  exp and a log); f and f\' are inlined into each loop (one out-of-line copy per kind was 1.7x slower).',
      '- PyTorch runs torchvision\'s composition: eight elementwise operators, each a pass over 64 MiB with a',
      '  temporary of 64 MiB, then the mean.',
    ];
    const markdown = suiteMarkdown({ heading: 'Focal loss', quick, targets, timeGoes, tables: workloadTable(title, rows, { ref }), machine, notes: peers.notes });
    return { markdown, targets };
  } finally {
    for (const t of torches) t.close?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { markdown } = await runSuite({ quick: process.argv.includes('--quick') });
  console.log(markdown);
}
