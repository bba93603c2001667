// Dice and Tversky against their peers (node bench/overlap.mjs [--quick]), on a segmentation batch
// [64, 1, 512, 512] (16,777,216 elements): predictions uniform in [0, 1], 0/1 masks (30% ones):
//
//   dice      Keras Dice, axis null (its default: one value for the whole batch), forward
//   tversky   Keras Tversky(alpha 0.3, beta 0.7), axis [1, 2, 3] (one value per image), mean, forward
//   dice grad Dice axis null, forward + gradient into an fl.tensor (`out`): fastloss and the floor only
//
// Measured side by side in one process with bench/measure.mjs (interleaved rounds, calibrated samples): fastloss
// SIMD on fastloss tensors (read in place) and on ordinary Float32Arrays (streamed through the scratch region),
// fastloss scalar on arrays, the plain-JS loop a user writes (bench/peers/plain_overlap.mjs, timed in a process of
// its own), PyTorch composed as a user writes Keras's formula (bench/peers/torch_overlap.py: PyTorch has no Dice)
// with 1 thread and with its default threads, and the bandwidth floor (bench/floor.ts: Σ (a + b) over the same two
// tensors, read once, in place). TensorFlow.js has no Dice or Tversky.
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
import { PLAIN_PEERS } from './peers/plain_overlap.mjs';
import { plainRunner } from './peers/plain_remote.mjs';
import { evaluateTargets, startTorchPeers, suiteMarkdown, workloadTable } from './suite-kit.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ALPHA = 0.3;
const BETA = 0.7;

function uniform(n, seed) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

function masks(n, seed) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.3 ? 1 : 0;
  return out;
}

/** Keras's formulas in float64 (the reference of the value column). */
function reference(name, pred, target, samples) {
  const per = pred.length / samples;
  let total = 0;
  let tp = 0;
  let sy = 0;
  let sp = 0;
  for (let s = 0; s < samples; s++) {
    let a = 0;
    let y = 0;
    let p = 0;
    for (let i = s * per; i < (s + 1) * per; i++) {
      a += target[i] * pred[i];
      y += target[i];
      p += pred[i];
    }
    total += 1 - a / (a + ALPHA * (y - a) + BETA * (p - a) + 1e-7);
    tp += a;
    sy += y;
    sp += p;
  }
  return name === 'dice' ? 1 - (2 * tp) / (sy + sp + 1e-7) : total / samples;
}


export async function runSuite({ quick = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-overlap-bench-'));
  const opts = quick ? { rounds: 3, sampleMs: 10, budgetS: 20 } : { rounds: 11, sampleMs: 20, budgetS: 60 };
  const tables = [];
  const targets = [];
  let torches = [];
  try {
    const inst = { simd: await loadLosses({ build: 'simd', threads: 1 }), scalar: await loadLosses({ build: 'scalar', threads: 1 }) };
    const floorSum = await loadFloor(inst.simd.memory, tmp);
    const peers = await startTorchPeers(join(HERE, 'peers', 'torch_overlap.py'), tmp);
    torches = peers.torches;
    const machine = describeMachine({ torch: torches[0] ?? { note: peers.notes[0] } });
    const shape = quick ? [4, 1, 512, 512] : [64, 1, 512, 512];
    const samples = shape[0];
    const n = shape.reduce((a, b) => a * b, 1);
    const pred = uniform(n, 41);
    const target = masks(n, 42);
    const tensors = [pred, target].map((a) => {
      const t = inst.simd.tensor(shape);
      t.data.set(a);
      return t;
    });
    const gradOut = inst.simd.tensor(shape);
    for (const t of torches) await t.load('overlap', [pred, target], [shape, shape]);
    const floor = { key: 'floor/tensors', peer: 'floor (Σ a+b, AS SIMD)', input: 'fl.tensor (in place)', args: tensors, call: (t) => floorSum(n, t[0].byteOffset, t[1].byteOffset), check: () => ({ value: NaN, grad: null }) };
    const workloads = [
      { name: 'dice', title: `dice (Keras Dice, axis null) · [${shape.join(', ')}] · forward`, options: {}, grad: false },
      { name: 'tversky', title: `tversky (Keras Tversky(0.3, 0.7), axis [1, 2, 3], mean) · [${shape.join(', ')}] · forward`, options: { alpha: ALPHA, beta: BETA, axis: [1, 2, 3] }, grad: false },
      { name: 'dice', title: `dice (Keras Dice, axis null) · [${shape.join(', ')}] · forward + gradient into an fl.tensor (out)`, options: {}, grad: true },
    ];
    for (const w of workloads) {
      log(`${w.title} ...`);
      const ref = reference(w.name, pred, target, samples);
      const runners = [];
      for (const [build, fl] of Object.entries(inst)) {
        const loss = fl.loss(w.name, w.options);
        const paths = build === 'simd' ? { arrays: { pred: { data: pred, shape }, target: { data: target, shape } }, tensors: { pred: tensors[0], target: tensors[1] } } : { arrays: { pred: { data: pred, shape }, target: { data: target, shape } } };
        for (const [how, args] of Object.entries(paths)) {
          if (w.grad && how === 'arrays') continue;
          const call = w.grad ? (x) => loss.withGrad(x, { out: { pred: gradOut } }).value : (x) => loss(x);
          runners.push({
            key: `fastloss-${build}/${how}`,
            peer: `fastloss ${build === 'simd' ? 'SIMD' : 'scalar'}`,
            input: how === 'arrays' ? '{ data: Float32Array, shape }' : 'fl.tensor (in place)',
            args,
            call,
            check: () => ({ value: call(args), grad: null }),
          });
        }
      }
      let plain = null;
      if (!w.grad) {
        const params = w.name === 'tversky' ? { samples, alpha: ALPHA, beta: BETA } : {};
        plain = await plainRunner({
          peer: 'plain JS (loop)',
          module: 'plain_overlap.mjs',
          name: w.name,
          arrays: { pred, target },
          params,
          check: () => ({ value: PLAIN_PEERS[w.name]({ pred, target, ...params }), grad: null }),
          tmp,
        });
        if (plain.runner === null) throw new Error(`plain JS peer: ${plain.note}`);
        runners.push(plain.runner);
      }
      runners.push(floor);
      if (!w.grad) for (const t of torches) runners.push(t.runner('overlap', w.name));
      const rows = await measureWorkload(runners, { ...opts, log }).finally(() => plain?.close());
      const goals = w.grad
        ? // two passes at least: the sums (reading pred and target: one floor), then a·y + b (reading target and
          // writing the gradient, a write costing about a read and a half here): about 2.5 floors
          [{ what: 'fl.tensor forward + gradient within 3x of the floor (two passes: the sums, then the gradient)', num: 'fastloss-simd/tensors', den: 'floor/tensors', op: '<=', goal: 3 }]
        : [
            { what: 'fl.tensor within 1.3x of the bandwidth floor', num: 'fastloss-simd/tensors', den: 'floor/tensors', op: '<=', goal: 1.3 },
            { what: 'fl.tensor faster than PyTorch (1 thread, Keras formula composed)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 1 },
            { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 1 },
          ];
      targets.push(...evaluateTargets(w.title, goals, rows));
      tables.push(...workloadTable(w.title, rows, { ref, base: w.grad ? 'fastloss-simd/tensors' : 'fastloss-simd/arrays' }));
    }
    for (const t of tensors) t.free();
    gradOut.free();
    const timeGoes = [
      '- One pass over pred and target: per 16 elements three two-level f32 trees (Σ y·p with the products rounded',
      '  once, Σ y, Σ p), each widened once into f64 chains. The gradient is a second pass (a·y + b per group,',
      '  reading the target and writing the gradient) after the sums decide a and b.',
      '- PyTorch composes Keras\'s formula: y·p, and for Tversky y·(1 - p) and (1 - y)·p, each a pass writing a',
      '  temporary of 64 MiB, then the sums.',
    ];
    const markdown = suiteMarkdown({ heading: 'Dice and Tversky', quick, targets, timeGoes, tables, machine, notes: peers.notes });
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
