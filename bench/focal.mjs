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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { startPeer } from './peers/torch.mjs';

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

async function startTorch(tmp, threads) {
  const peer = await startPeer(join(HERE, 'peers', 'torch_focal.py'), threads === 'default' ? { threads: 'default' } : {});
  if (!peer.request) return peer;
  const { info, request } = peer;
  const all = threads === 'default';
  return {
    info,
    async load(key, arrays, shape) {
      const path = join(tmp, `torch-${key}-${threads}.f32`);
      arrays.forEach((a, i) => writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), { flag: i === 0 ? 'w' : 'a' }));
      await request({ cmd: 'load', key, path, n: arrays[0].length, count: arrays.length, shape });
      rmSync(path);
    },
    runner(key) {
      const req = { key, loss: 'focal' };
      return {
        key: all ? 'torch-default' : 'torch-1t',
        peer: all ? `PyTorch ${info.torch} (its default, ${info.threads} threads)` : `PyTorch ${info.torch} (1 thread)`,
        input: 'torch.from_numpy (in place)',
        remote: {
          check: async () => ({ value: (await request({ cmd: 'check', ...req })).value, grad: null }),
          calibrate: async (targetS) => (await request({ cmd: 'calibrate', ...req, target_s: targetS })).k,
          sample: async (k) => (await request({ cmd: 'sample', ...req, k })).per_call_s,
        },
      };
    },
    close: peer.close,
  };
}

/** The targets: ratio = median(num) / median(den). */
const TARGETS = [
  { what: 'fl.tensor >= 10x faster than PyTorch (1 thread, torchvision composition)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 10 },
  { what: 'fl.tensor faster than PyTorch at its default threads', num: 'torch-default', den: 'fastloss-simd/tensors', op: '>=', goal: 1 },
  { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 4 },
];

const fmtTime = (s) => (!Number.isFinite(s) ? '—' : s < 1e-3 ? `${(s * 1e6).toPrecision(3)} µs` : s < 1 ? `${(s * 1e3).toPrecision(4)} ms` : `${s.toPrecision(4)} s`);
const fmtRatio = (x) => (!Number.isFinite(x) ? '—' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

export async function runSuite({ quick = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-focal-bench-'));
  const opts = quick ? { rounds: 3, sampleMs: 10, budgetS: 20 } : { rounds: 11, sampleMs: 20, budgetS: 60 };
  const notes = [];
  const torches = [];
  try {
    const inst = { simd: await loadLosses({ build: 'simd', threads: 1 }), scalar: await loadLosses({ build: 'scalar', threads: 1 }) };
    const floorSum = await loadFloor(inst.simd.memory, tmp);
    for (const threads of [1, 'default']) {
      const t = await startTorch(tmp, threads);
      if (t.note) notes.push(t.note);
      else torches.push(t);
    }
    const machine = describeMachine({ torch: torches[0] ?? { note: notes[0] } });
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
    for (const t of torches) await t.load('focal', [pred, target], [n]);
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
    for (const t of torches) runners.push(t.runner('focal'));
    const rows = await measureWorkload(runners, { ...opts, log }).finally(plain.close);
    const med = (key) => rows.find((r) => r.runner.key === key)?.median;
    const targets = TARGETS.map((t) => {
      const ratio = med(t.num) / med(t.den);
      return { workload: title, what: t.what, goal: `${t.op === '<=' ? '≤' : '≥'} ${t.goal}×`, ratio, pass: Number.isFinite(ratio) && (t.op === '<=' ? ratio <= t.goal : ratio >= t.goal) };
    });
    for (const t of tensors) t.free();
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const head = ['peer', 'input', 'median', 'min', 'K × rounds', 'value rel. err', 'vs fastloss SIMD arrays', 'vs fastloss SIMD tensors', 'vs floor'];
    const table = [
      line(head),
      line(head.map((_, i) => (i < 2 ? '---' : '---:'))),
      ...rows.map((r) =>
        line([
          r.runner.peer,
          r.runner.input,
          fmtTime(r.median),
          fmtTime(r.min),
          `${r.k} × ${r.times.length}`,
          r.runner.key === 'floor/tensors' ? '(Σ a+b)' : (Math.abs(r.value - ref) / Math.abs(ref)).toExponential(1),
          fmtRatio(r.median / med('fastloss-simd/arrays')),
          fmtRatio(r.median / med('fastloss-simd/tensors')),
          fmtRatio(r.median / med('floor/tensors')),
        ]),
      ),
    ].join('\n');
    const markdown = [
      `## Focal loss${quick ? ' (quick run: smaller sizes, 3 rounds; not the numbers to quote)' : ''}`,
      '',
      `Targets: ${targets.filter((t) => t.pass).length} of ${targets.length} met. Ratios of median times per call ("faster than X" = X ÷ fastloss).`,
      '',
      line(['workload', 'target', 'goal', 'measured', '']),
      line(['---', '---', '---:', '---:', '---']),
      ...targets.map((t) => line([t.workload, t.what, t.goal, fmtRatio(t.ratio), t.pass ? '✅ met' : '❌ missed'])),
      '',
      '### Where the time goes',
      '',
      '- Per four elements: one exp (XNNPACK rr2-p5) and one log1p for the exact BCE with logits, one division for',
      '  σ(x) and 1 - p_t (computed from e = exp(-|x|), not as 1 - p_t), and γ = 2 as a square (any other γ adds an',
      '  exp and a log); the value and the gradient are separate calls to one out-of-line function per kind.',
      '- PyTorch runs torchvision\'s composition: eight elementwise operators, each a pass over 64 MiB with a',
      '  temporary of 64 MiB, then the mean.',
      '',
      `#### ${title}`,
      '',
      table,
      '',
      '### Machine',
      '',
      Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`).join('\n'),
      ...(notes.length ? ['', ...notes.map((x) => `- note: ${x}`)] : []),
      '',
    ].join('\n');
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
