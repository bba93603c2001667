// GaussianNLLLoss against its peers (node bench/gaussian.mjs [--quick]) on 16,777,216 elements ([4096, 4096]):
// pred and target uniform in [-2, 2] (random signs), variances uniform in [0.05, 2]:
//
//   per element   var of pred's shape (heteroscedastic: three inputs), mean, forward
//   per row       var [4096, 1] (one variance per row), mean, forward
//   gradient      var of pred's shape, forward + both gradients into fl.tensors (`out`): fastloss and the floor
//
// Measured side by side in one process with bench/measure.mjs (interleaved rounds, calibrated samples): fastloss
// SIMD on fastloss tensors (read in place) and on ordinary Float32Arrays (streamed through the scratch region),
// fastloss scalar on arrays, the plain-JS loop a user writes (bench/peers/plain_gaussian.mjs, timed in a process of
// its own), PyTorch's F.gaussian_nll_loss (bench/peers/torch_gaussian.py) with 1 thread and with its default
// threads, and the bandwidth floor (bench/floor.ts: Σ (a + b) over pred and target, read once, in place: a var of
// pred's shape is a third stream the floor does not read). TensorFlow.js has no Gaussian NLL.
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
import { PLAIN_PEERS } from './peers/plain_gaussian.mjs';
import { plainRunner } from './peers/plain_remote.mjs';
import { evaluateTargets, startTorchPeers, suiteMarkdown, workloadTable } from './suite-kit.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function uniform(n, seed, lo, hi) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** torch's formula in float64 (the reference of the value column). */
function reference(pred, target, variance, cols) {
  const perRow = variance.length !== pred.length;
  let s = 0;
  for (let i = 0; i < pred.length; i++) {
    const v = Math.max(perRow ? variance[Math.floor(i / cols)] : variance[i], 1e-6);
    const d = pred[i] - target[i];
    s += 0.5 * (Math.log(v) + (d * d) / v);
  }
  return s / pred.length;
}


export async function runSuite({ quick = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-gaussian-bench-'));
  const opts = quick ? { rounds: 3, sampleMs: 10, budgetS: 20 } : { rounds: 11, sampleMs: 20, budgetS: 60 };
  const tables = [];
  const targets = [];
  let torches = [];
  try {
    const inst = { simd: await loadLosses({ build: 'simd', threads: 1 }), scalar: await loadLosses({ build: 'scalar', threads: 1 }) };
    const floorSum = await loadFloor(inst.simd.memory, tmp);
    const peers = await startTorchPeers(join(HERE, 'peers', 'torch_gaussian.py'), tmp);
    torches = peers.torches;
    const machine = describeMachine({ torch: torches[0] ?? { note: peers.notes[0] } });
    const rows = quick ? 1024 : 4096;
    const cols = quick ? 1024 : 4096;
    const shape = [rows, cols];
    const n = rows * cols;
    const pred = uniform(n, 51, -2, 2);
    const target = uniform(n, 52, -2, 2);
    const tensorOf = (a, s) => {
      const t = inst.simd.tensor(s);
      t.data.set(a);
      return t;
    };
    const pt = tensorOf(pred, shape);
    const tt = tensorOf(target, shape);
    const gradPred = inst.simd.tensor(shape);
    const floor = { key: 'floor/tensors', peer: 'floor (Σ a+b over pred and target, AS SIMD)', input: 'fl.tensor (in place)', args: [pt, tt], call: (t) => floorSum(n, t[0].byteOffset, t[1].byteOffset), check: () => ({ value: NaN, grad: null }) };
    const workloads = [
      { key: 'element', title: `gaussian_nll (GaussianNLLLoss, mean), var of pred's shape · [${shape.join(', ')}] · forward`, varShape: shape, grad: false },
      { key: 'row', title: `gaussian_nll (GaussianNLLLoss, mean), var [${rows}, 1] · [${shape.join(', ')}] · forward`, varShape: [rows, 1], grad: false },
      { key: 'element', title: `gaussian_nll (GaussianNLLLoss, mean), var of pred's shape · [${shape.join(', ')}] · forward + both gradients into fl.tensors (out)`, varShape: shape, grad: true },
    ];
    for (const w of workloads) {
      log(`${w.title} ...`);
      const vn = w.varShape[0] * w.varShape[1];
      const variance = uniform(vn, 53 + vn, 0.05, 2);
      const vt = tensorOf(variance, w.varShape);
      const gradVar = inst.simd.tensor(w.varShape);
      const ref = reference(pred, target, variance, cols);
      if (!w.grad) for (const t of torches) await t.load(w.key, [pred, target, variance], [shape, shape, w.varShape]);
      const runners = [];
      for (const [build, fl] of Object.entries(inst)) {
        const loss = fl.loss('gaussian_nll');
        const arrays = { pred: { data: pred, shape }, target: { data: target, shape }, var: { data: variance, shape: w.varShape } };
        const paths = build === 'simd' ? { arrays, tensors: { pred: pt, target: tt, var: vt } } : { arrays };
        for (const [how, args] of Object.entries(paths)) {
          if (w.grad && how === 'arrays') continue;
          const call = w.grad ? (x) => loss.withGrad(x, { out: { pred: gradPred, var: gradVar } }).value : (x) => loss(x);
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
        plain = await plainRunner({
          peer: 'plain JS (loop)',
          module: 'plain_gaussian.mjs',
          name: 'gaussian_nll',
          arrays: { pred, target, variance },
          params: { cols },
          check: () => ({ value: PLAIN_PEERS.gaussian_nll({ pred, target, variance, cols }), grad: null }),
          tmp,
        });
        if (plain.runner === null) throw new Error(`plain JS peer: ${plain.note}`);
        runners.push(plain.runner);
      }
      runners.push(floor);
      if (!w.grad) for (const t of torches) runners.push(t.runner(w.key, 'gaussian_nll'));
      const measured = await measureWorkload(runners, { ...opts, log }).finally(() => plain?.close());
      vt.free();
      gradVar.free();
      const goals = w.grad
        ? []
        : [
            { what: 'fl.tensor >= 8x faster than PyTorch (1 thread, F.gaussian_nll_loss)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 8 },
            { what: 'fl.tensor faster than PyTorch at its default threads', num: 'torch-default', den: 'fastloss-simd/tensors', op: '>=', goal: 1 },
            { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 2 },
          ];
      targets.push(...evaluateTargets(w.title, goals, measured));
      tables.push(...workloadTable(w.title, measured, { ref, base: w.grad ? 'fastloss-simd/tensors' : 'fastloss-simd/arrays' }));
    }
    for (const t of [pt, tt, gradPred]) t.free();
    const timeGoes = [
      '- A variance per element: per four elements a float32 log (XNNPACK\'s polynomial) and a division, over three',
      '  input streams. One variance per row: log v (f64) and 1/v once per row, then a subtraction and two multiplies',
      '  per element over two streams.',
      '- PyTorch: `gaussian_nll_loss` checks var (any(var < 0)), clones and clamps it, then four elementwise operators',
      '  and the mean, each a pass over 64 MiB with a temporary of 64 MiB.',
    ];
    const markdown = suiteMarkdown({ heading: 'Gaussian NLL', quick, targets, timeGoes, tables, machine, notes: peers.notes });
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
