// `node bench/ctc.mjs [--quick]`: the CTC loss (issue 7) against PyTorch 1 thread and a plain-JS
// forward-backward, side by side in one run, by the method of bench/measure.mjs (interleaved rounds, median per
// call). Workloads: T=200 N=32 C=40 S=50 (the main workload), a long sequence T=2000 N=4 C=32 S=400,
// an OCR-like batch T=64 N=256 C=97 S=20; every input length T, every target length S; random log_softmax
// inputs (seeded), random targets; reduction 'mean', blank 0. Forward, and forward+gradient (fastloss: the true
// gradient wrt logProbs; PyTorch: its backward's logits-form gradient, the same work; plain JS: the true one).
//
// fastloss runs on two input paths: `tensor` (logProbs in an fl.tensor, read in place) and `arrays` (an ordinary
// Float32Array, copied into wasm memory by the facade per call). Exported: runSuite({ quick, log }) ->
// { markdown, targets } for BENCHMARKS.md; run directly it prints the markdown.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadLosses } from '../dist/index.js';
import { mulberry32 as rng } from './data.mjs';
import { measureWorkload } from './measure.mjs';
import { plainCtc } from './peers/plain_ctc.mjs';
import { plainRunner } from './peers/plain_remote.mjs';
import { startPeer } from './peers/torch.mjs';
import { fmtRatio, fmtTime } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const WORKLOADS = [
  { id: 'main', title: 'T=200, N=32, C=40, S=50', T: 200, N: 32, C: 40, S: 50 },
  { id: 'long', title: 'long sequence: T=2000, N=4, C=32, S=400', T: 2000, N: 4, C: 32, S: 400 },
  { id: 'ocr', title: 'OCR batch: T=64, N=256, C=97, S=20', T: 64, N: 256, C: 97, S: 20 },
];

/** The floors and design target (ratio = peer time / fastloss tensor time). */
const GOALS = [
  { workload: 'main', mode: 'fwd', peer: 'torch', goal: 2, what: 'forward vs PyTorch 1 thread (floor)' },
  { workload: 'main', mode: 'fwd', peer: 'torch', goal: 5, what: 'forward vs PyTorch 1 thread (design target)' },
  { workload: 'main', mode: 'fwd', peer: 'plain', goal: 4, what: 'forward vs plain JS' },
  { workload: 'main', mode: 'grad', peer: 'torch', goal: 2.5, what: 'forward+gradient vs PyTorch 1 thread (floor)' },
  { workload: 'main', mode: 'grad', peer: 'torch', goal: 5, what: 'forward+gradient vs PyTorch 1 thread (design target)' },
];

function makeData({ T, N, C, S }, seed) {
  const r = rng(seed);
  const lp = new Float32Array(T * N * C);
  const x = new Float64Array(C);
  for (let row = 0; row < T * N; row++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, (x[c] = 4 * r() - 2));
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[c] - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < C; c++) lp[row * C + c] = x[c] - lse;
  }
  const targets = new Int32Array(N * S);
  for (let i = 0; i < N * S; i++) targets[i] = 1 + Math.floor(r() * (C - 1));
  return { lp, targets, inputLengths: new Int32Array(N).fill(T), targetLengths: new Int32Array(N).fill(S) };
}

// ---- the PyTorch child (bench/peers/torch_ctc.py) ----

const startTorch = () => startPeer(join(HERE, 'peers', 'torch_ctc.py'));

// ---- runners ----

function runners(w, data, fl, tensor, torch, key, plain) {
  const { T, N, C, S } = w;
  const grad = w.mode === 'grad';
  const loss = fl.loss('ctc');
  const common = { targets: { data: data.targets, shape: [N, S] }, inputLengths: data.inputLengths, targetLengths: data.targetLengths };
  const fast = () => (grad ? (args) => loss.withGrad(args).value : (args) => loss(args));
  const fastCheck = (inputs) => () => {
    if (!grad) return { value: loss(inputs), grad: null };
    const g = loss.withGrad(inputs);
    return { value: g.value, grad: g.grad.logProbs.data };
  };
  const tensorInputs = { logProbs: tensor, ...common };
  const arrayInputs = { logProbs: { data: data.lp, shape: [T, N, C] }, ...common };
  const list = [
    { key: 'fastloss-tensor', peer: `fastloss ${fl.build}`, input: 'fl.tensor (in place)', call: fast(), args: tensorInputs, check: fastCheck(tensorInputs) },
    { key: 'fastloss-arrays', peer: `fastloss ${fl.build}`, input: 'Float32Array (copied in)', call: fast(), args: arrayInputs, check: fastCheck(arrayInputs) },
  ];
  list.push(plain);
  if (torch?.request) {
    const req = { key, grad };
    list.push({
      key: 'torch',
      peer: `PyTorch ${torch.info.torch} (1 thread)`,
      input: 'torch.from_numpy',
      remote: {
        check: async () => ({ value: (await torch.request({ cmd: 'check', ...req })).value, grad: null }),
        calibrate: async (s) => (await torch.request({ cmd: 'calibrate', ...req, target_s: s })).k,
        sample: async (k) => (await torch.request({ cmd: 'sample', ...req, k })).per_call_s,
      },
    });
  }
  return list;
}

export async function runSuite({ quick = false, log = () => {} } = {}) {
  const fl = await loadLosses({ build: 'simd', threads: 1 }); // one thread: CTC is not split (src/threads.ts)
  const torch = await startTorch();
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-ctc-'));
  const sections = [];
  const results = {};
  try {
    for (const wl of WORKLOADS) {
      const data = makeData(wl, 7);
      const tensor = fl.tensor([wl.T, wl.N, wl.C]);
      tensor.data.set(data.lp);
      if (torch.request) {
        const path = join(tmp, `ctc-${wl.id}.bin`);
        const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        writeFileSync(path, Buffer.concat([bytes(data.lp), bytes(data.targets), bytes(data.inputLengths), bytes(data.targetLengths)]));
        await torch.request({ cmd: 'load', key: wl.id, path, T: wl.T, N: wl.N, C: wl.C, S: wl.S });
        rmSync(path);
      }
      for (const mode of ['fwd', 'grad']) {
        const w = { ...wl, mode };
        log(`ctc ${wl.title} ${mode}`);
        // plain JS in a process of its own (its value and gradient checked here)
        const { T, N, C, S } = wl;
        const grad = mode === 'grad';
        const plain = await plainRunner({
          key: 'plain',
          peer: 'plain JS (log space)',
          module: 'plain_ctc.mjs',
          name: 'ctc',
          arrays: { lp: data.lp, targets: data.targets, inputLengths: data.inputLengths, targetLengths: data.targetLengths },
          params: { T, N, C, S, grad },
          check: () => plainCtc(data.lp, T, N, C, data.targets, S, data.inputLengths, data.targetLengths, grad),
          tmp,
        });
        if (plain.runner === null) throw new Error(`plain JS peer: ${plain.note}`);
        const rs = runners(w, data, fl, tensor, torch, wl.id, plain.runner);
        const rows = await measureWorkload(rs, { sampleMs: quick ? 5 : 20, rounds: quick ? 3 : 15, budgetS: quick ? 5 : 60, log }).finally(plain.close);
        const base = rows.find((r) => r.runner.key === 'fastloss-tensor');
        const lines = [
          `#### CTC ${wl.title}, ${mode === 'fwd' ? 'forward' : 'forward+gradient'}`,
          '',
          '| peer | input | median | min | fastloss (tensor) is faster by | value |',
          '|---|---|---|---|---|---|',
        ];
        for (const r of rows) {
          const ratio = r.median / base.median;
          const agree = Math.abs(r.value - base.value) <= 1e-4 * Math.abs(base.value) ? '' : ' (differs)';
          lines.push(`| ${r.runner.peer} | ${r.runner.input} | ${fmtTime(r.median)} | ${fmtTime(r.min)} | ${r === base ? '—' : fmtRatio(ratio)} | ${Number(r.value).toPrecision(8)}${agree} |`);
          results[`${wl.id}/${mode}/${r.runner.key}`] = r.median;
        }
        sections.push(lines.join('\n'));
      }
      tensor.free();
      if (torch.request) await torch.request({ cmd: 'drop', key: wl.id });
    }
  } finally {
    torch.close?.();
    rmSync(tmp, { recursive: true, force: true });
  }
  const targets = GOALS.map((g) => {
    const peer = results[`${g.workload}/${g.mode}/${g.peer}`];
    const mine = results[`${g.workload}/${g.mode}/fastloss-tensor`];
    const ratio = peer / mine;
    return { workload: `ctc ${WORKLOADS.find((w) => w.id === g.workload).title}`, what: g.what, goal: `>= ${g.goal}×`, ratio, pass: ratio >= g.goal };
  });
  const targetLines = ['| workload | target | goal | measured | |', '|---|---|---|---|---|'];
  for (const t of targets) targetLines.push(`| ${t.workload} | ${t.what} | ${t.goal} | ${fmtRatio(t.ratio)} | ${t.pass ? 'met' : 'missed'} |`);
  const markdown = [
    '### CTC loss (issue 7)',
    '',
    torch.note ? `_${torch.note}_\n` : '',
    targetLines.join('\n'),
    '',
    WHERE_THE_TIME_GOES,
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
  return { markdown, targets };
}

const WHERE_THE_TIME_GOES = `Where the time goes: fastloss runs the forward-backward recursion of Graves et al. (2006) in probability
space on f32x4 vectors over four lattice states at a time (blank and label states in separate rows, so every
state takes the same arithmetic), with each frame's emissions taken relative to the window's largest (one gather,
one vectorised exp per target label per frame) and exact power-of-two rescaling; lattice states outside the
start/end window are not computed.
The forward alone also runs the backward sweep (without gradient rows) to check that its f32 rows kept every
state the answer needs (Z_t >= 2^-80 at every frame); a sequence that fails the check is redone with f64 rows
(f64x2), and only then in f64 log space. Random inputs longer than a few hundred frames fail it (their forward
and backward masses barely overlap), so the long-sequence workload runs the f32 attempt and then the f64 rows:
that is its cost. PyTorch 1.13 runs the recursion in log space, one lattice state at a time. The plain-JS peer is
the log-space recursion written directly.`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const { markdown } = await runSuite({ quick, log: (m) => process.stderr.write(`${m}\n`) });
  console.log(markdown);
}
