// The margin, similarity and ranking families against their peers (node bench/margin.mjs [--quick]):
//
//   hinge              16,777,216 elements   Keras Hinge on ±1 labels (1-D: one sample, the mean)
//   cosine_similarity  [65536, 128]          Keras CosineSimilarity (axis -1, sum_over_batch_size)
//   cosine_embedding   [65536, 128]          torch CosineEmbeddingLoss (all targets 1, mean)
//   bpr                16,777,216 pairs      -log σ(s+ - s-), mean over pairs
//
// Forward, measured side by side in one process with bench/measure.mjs (interleaved rounds, calibrated samples):
// fastloss SIMD on fastloss tensors (read in place) and on ordinary Float32Arrays (streamed through the scratch
// region), fastloss scalar on arrays, plain-JS loops (bench/peers/plain_margin.mjs: the straightforward code a user writes, each timed in a process of its own),
// TensorFlow.js wasm where it has the op (tf.losses.hingeLoss, which maps 0/1 labels to ±1 itself and so is given
// the 0/1 form of the same labels), PyTorch 1 thread composed as a user would (bench/peers/torch_margin.py), and
// the bandwidth floor (bench/floor.ts: Σ (a + b) over the same two tensors, read once, in place).
//
// `runSuite({ quick, log })` returns { markdown, targets } (a BENCHMARKS.md section and [{ workload, what, goal,
// ratio, pass }]); run directly, it prints the markdown. --quick: 1/16 of the sizes, 3 rounds, 10 ms samples;
// --only=hinge,bpr: only those workloads.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadLosses } from '../dist/index.js';
import { mulberry32 } from './data.mjs';
import { loadFloor } from './floor.mjs';
import { describeMachine } from './machine.mjs';
import { measureWorkload } from './measure.mjs';
import { setupTfjs } from './peers/tfjs.mjs';
import { PLAIN_PEERS } from './peers/plain_margin.mjs';
import { plainRunner } from './peers/plain_remote.mjs';
import { startPeer } from './peers/torch.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---- data and float64 references ----

function uniform(n, seed, lo, hi) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

function signs(n, seed) {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.5 ? -1 : 1;
  return out;
}

function refHinge({ pred, target }) {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.max(1 - target[i] * pred[i], 0);
  return s / pred.length;
}

function refCosine(x, y, cols, embedding) {
  const rows = x.length / cols;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let c = r * cols; c < (r + 1) * cols; c++) {
      dot += x[c] * y[c];
      a += x[c] * x[c];
      b += y[c] * y[c];
    }
    s += embedding ? 1 - dot / Math.sqrt((a + Math.fround(1e-12)) * (b + Math.fround(1e-12))) : -dot / Math.sqrt(a * b);
  }
  return s / rows;
}

function refBpr({ positive, negative }) {
  let s = 0;
  for (let i = 0; i < positive.length; i++) {
    const d = positive[i] - negative[i];
    s += d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));
  }
  return s / positive.length;
}

// ---- plain-JS peers: the loops a user writes (bench/peers/plain_margin.mjs), each timed in a process of its own ----

// ---- PyTorch child ----

async function startTorch(tmp) {
  const peer = await startPeer(join(HERE, 'peers', 'torch_margin.py'));
  if (!peer.request) return peer;
  const { info, request } = peer;
  return {
    info,
    async load(key, arrays, shape) {
      const path = join(tmp, `torch-${key}.f32`);
      arrays.forEach((a, i) => writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), { flag: i === 0 ? 'w' : 'a' }));
      await request({ cmd: 'load', key, path, n: arrays[0].length, count: arrays.length, shape });
      rmSync(path);
    },
    drop: (key) => request({ cmd: 'drop', key }),
    runner(key, loss) {
      const req = { key, loss };
      return {
        key: 'torch-1t',
        peer: `PyTorch ${info.torch} (1 thread)`,
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

// ---- workloads ----

/** The targets of the issue, per workload: ratio = median(num) / median(den). */
const TARGETS = {
  hinge: [
    { what: 'fl.tensor within the bandwidth floor', num: 'fastloss-simd/tensors', den: 'floor/tensors', op: '<=', goal: 1.3 },
    { what: 'fl.tensor faster than PyTorch (1 thread)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 10 },
    { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 8 },
    { what: 'Float32Array faster than tfjs-wasm (e2e)', num: 'tfjs-wasm', den: 'fastloss-simd/arrays', op: '>=', goal: 3 },
  ],
  cosine_similarity: [
    { what: 'fl.tensor faster than PyTorch (1 thread)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 4 },
    { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 4 },
  ],
  cosine_embedding: [
    { what: 'fl.tensor faster than PyTorch CosineEmbeddingLoss (1 thread)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 4 },
    { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 4 },
  ],
  bpr: [
    { what: 'Float32Array faster than plain JS', num: 'plain-js', den: 'fastloss-simd/arrays', op: '>=', goal: 8 },
    { what: 'fl.tensor faster than PyTorch (1 thread)', num: 'torch-1t', den: 'fastloss-simd/tensors', op: '>=', goal: 3 },
  ],
};

function workloads(quick) {
  const n = quick ? 1 << 20 : 1 << 24;
  const rows = quick ? 4096 : 65536;
  return [
    { id: 'hinge', title: `hinge · ${n.toLocaleString('en-US')} elements · forward`, n, shape: [n] },
    { id: 'cosine_similarity', title: `cosine_similarity · [${rows}, 128] · forward`, n: rows * 128, shape: [rows, 128] },
    { id: 'cosine_embedding', title: `cosine_embedding · [${rows}, 128] · forward`, n: rows * 128, shape: [rows, 128] },
    { id: 'bpr', title: `bpr · ${n.toLocaleString('en-US')} pairs · forward`, n, shape: [n] },
  ];
}

/** Inputs (ordinary arrays) and the float64 reference of a workload. */
function makeInputs(w) {
  if (w.id === 'hinge') {
    const data = { pred: uniform(w.n, 11, -3, 3), target: signs(w.n, 12) };
    return { names: ['pred', 'target'], arrays: [data.pred, data.target], ref: refHinge(data) };
  }
  if (w.id === 'bpr') {
    const data = { positive: uniform(w.n, 13, -3, 3), negative: uniform(w.n, 14, -3, 3) };
    return { names: ['positive', 'negative'], arrays: [data.positive, data.negative], ref: refBpr(data) };
  }
  const x = uniform(w.n, 15, -1, 1);
  const y = uniform(w.n, 16, -1, 1);
  const names = w.id === 'cosine_similarity' ? ['pred', 'target'] : ['x1', 'x2'];
  return { names, arrays: [x, y], ref: refCosine(x, y, 128, w.id === 'cosine_embedding') };
}

function fastlossRunners(w, inst, input, tensors) {
  const runners = [];
  for (const [build, fl] of Object.entries(inst)) {
    const loss = fl.loss(w.id);
    const [a, b] = input.arrays;
    const rows = w.shape[0];
    const shaped = (x) => (w.shape.length === 1 ? x : { data: x, shape: w.shape });
    const extra = w.id === 'cosine_embedding' ? { target: new Float32Array(rows).fill(1) } : {};
    const arrays = { [input.names[0]]: shaped(a), [input.names[1]]: shaped(b), ...extra };
    const paths = build === 'simd' ? { arrays, tensors: { [input.names[0]]: tensors[0], [input.names[1]]: tensors[1], ...extra } } : { arrays };
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
  return runners;
}

function tfjsHinge(tfjs, { arrays: [pred, target] }) {
  const { tf } = tfjs;
  const labels01 = Float32Array.from(target, (y) => (y + 1) / 2);
  const once = () => {
    let value;
    tf.tidy(() => {
      value = tf.losses.hingeLoss(tf.tensor1d(labels01), tf.tensor1d(pred), undefined, tf.Reduction.MEAN).dataSync()[0];
    });
    return value;
  };
  return {
    key: 'tfjs-wasm',
    peer: 'tfjs-wasm',
    input: 'Float32Array (e2e)',
    before: async () => {
      await tf.setBackend('wasm');
    },
    args: null,
    call: () => once(),
    check: async () => {
      await tf.setBackend('wasm');
      return { value: once(), grad: null };
    },
  };
}

// ---- report ----

const fmtTime = (s) => (!Number.isFinite(s) ? '—' : s < 1e-3 ? `${(s * 1e6).toPrecision(3)} µs` : s < 1 ? `${(s * 1e3).toPrecision(4)} ms` : `${s.toPrecision(4)} s`);
const fmtRatio = (x) => (!Number.isFinite(x) ? '—' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

function workloadTable(w, rows, ref) {
  const head = ['peer', 'input', 'median', 'min', 'K × rounds', 'value rel. err', 'vs fastloss SIMD arrays', 'vs fastloss SIMD tensors'];
  const med = (key) => rows.find((r) => r.runner.key === key)?.median;
  const lines = rows.map((r) => [
    r.runner.peer,
    r.runner.input,
    fmtTime(r.median),
    fmtTime(r.min),
    `${r.k} × ${r.times.length}`,
    r.runner.key === 'floor/tensors' ? '(Σ a+b)' : (Math.abs(r.value - ref) / Math.abs(ref)).toExponential(1),
    fmtRatio(r.median / med('fastloss-simd/arrays')),
    fmtRatio(r.median / med('fastloss-simd/tensors')),
  ]);
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [`#### ${w.title}`, '', line(head), line(head.map((_, i) => (i < 2 ? '---' : '---:'))), ...lines.map(line)].join('\n');
}

export async function runSuite({ quick = false, only = null, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-margin-bench-'));
  const opts = quick ? { rounds: 3, sampleMs: 10, budgetS: 20 } : { rounds: 11, sampleMs: 20, budgetS: 60 };
  const notes = [];
  let torch = null;
  try {
    const inst = { simd: await loadLosses({ build: 'simd', threads: 1 }), scalar: await loadLosses({ build: 'scalar', threads: 1 }) };
    const floorSum = await loadFloor(inst.simd.memory, tmp);
    let tfjs = null;
    try {
      tfjs = await setupTfjs(tmp);
    } catch (err) {
      notes.push(`tfjs not measured: ${err.message}`);
    }
    torch = await startTorch(tmp);
    if (torch.note) notes.push(torch.note);
    const machine = describeMachine({ tfjs: tfjs?.versions, torch: torch.note ? { note: torch.note } : torch });
    const tables = [];
    const targets = [];
    for (const w of workloads(quick).filter((x) => only === null || only.includes(x.id))) {
      log(`${w.id} ...`);
      const input = makeInputs(w);
      const tensors = input.arrays.map((a) => {
        const t = inst.simd.tensor(w.shape);
        t.data.set(a);
        return t;
      });
      if (torch.load) await torch.load(w.id, input.arrays, w.shape);
      const cosine = w.id.startsWith('cosine');
      const plainArrays = cosine ? { x: input.arrays[0], y: input.arrays[1] } : Object.fromEntries(input.names.map((k, i) => [k, input.arrays[i]]));
      const plainParams = cosine ? { cols: 128 } : {};
      const plain = await plainRunner({
        peer: 'plain JS (loops)',
        module: 'plain_margin.mjs',
        name: w.id,
        arrays: plainArrays,
        params: plainParams,
        check: () => ({ value: PLAIN_PEERS[w.id]({ ...plainArrays, ...plainParams }), grad: null }),
        tmp,
      });
      if (plain.runner === null) throw new Error(`plain JS peer: ${plain.note}`);
      const runners = [
        ...fastlossRunners(w, inst, input, tensors),
        plain.runner,
        ...(w.id === 'hinge' || w.id === 'bpr'
          ? [{ key: 'floor/tensors', peer: 'floor (Σ a+b, AS SIMD)', input: 'fl.tensor (in place)', args: tensors, call: (t) => floorSum(w.n, t[0].byteOffset, t[1].byteOffset), check: () => ({ value: NaN, grad: null }) }]
          : []),
        ...(w.id === 'hinge' && tfjs ? [tfjsHinge(tfjs, input)] : []),
        ...(torch.runner ? [torch.runner(w.id, w.id)] : []),
      ];
      const rows = await measureWorkload(runners, { ...opts, log }).finally(plain.close);
      tables.push(workloadTable(w, rows, input.ref));
      const med = (key) => rows.find((r) => r.runner.key === key)?.median;
      for (const t of TARGETS[w.id]) {
        const ratio = med(t.num) / med(t.den);
        const pass = Number.isFinite(ratio) && (t.op === '<=' ? ratio <= t.goal : ratio >= t.goal);
        targets.push({ workload: w.title, what: t.what, goal: `${t.op === '<=' ? '≤' : '≥'} ${t.goal}×`, ratio, pass });
      }
      for (const t of tensors) t.free();
      if (torch.drop) await torch.drop(w.id);
    }
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const summary = [
      line(['workload', 'target', 'goal', 'measured', '']),
      line(['---', '---', '---:', '---:', '---']),
      ...targets.map((t) => line([t.workload, t.what, t.goal, fmtRatio(t.ratio), t.pass ? '✅ met' : '❌ missed'])),
    ].join('\n');
    const markdown = [
      `## Margin, similarity and ranking losses${quick ? ' (quick run: smaller sizes, 3 rounds; not the numbers to quote)' : ''}`,
      '',
      `Targets: ${targets.filter((t) => t.pass).length} of ${targets.length} met. Ratios of median times per call ("faster than X" = X ÷ fastloss;`,
      '"within" = fastloss ÷ floor).',
      '',
      summary,
      '',
      '### Where the time goes',
      '',
      '- hinge and bpr read two arrays once: on fastloss tensors the kernel runs at the floor (Σ a+b over the same',
      '  tensors) plus its arithmetic (bpr: one f32x4 exp and log1p per four pairs, Cephes polynomials); on',
      '  Float32Arrays the copy into the scratch region dominates (two 64 MiB arrays at 16M elements).',
      "- hinge: the labels are scanned for Keras's 0/1 rule first; with ±1 labels the scan stops at the first -1.",
      '- cosine: one pass per row of 128 (products widened to f64, three f64x2 accumulators per pair of lanes).',
      '',
      '### Per-workload results',
      '',
      tables.join('\n\n'),
      '',
      '### Machine',
      '',
      Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`).join('\n'),
      ...(notes.length ? ['', ...notes.map((n) => `- note: ${n}`)] : []),
      '',
    ].join('\n');
    return { markdown, targets };
  } finally {
    torch?.close?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? null;
  const { markdown } = await runSuite({ quick: process.argv.includes('--quick'), only });
  console.log(markdown);
}
