// Turning measured rows into Markdown: the per-workload tables, the targets summary, the copy-vs-kernel breakdown,
// the machine and the method. The same text goes to stdout and (full runs only) to BENCHMARKS.md.

import { TARGETS, evaluate, goalFor } from './targets.mjs';

const LOSS_NAMES = { mse: 'MSE', mae: 'MAE', huber: 'Huber (δ = 1)' };
const MODE_NAMES = { fwd: 'forward', grad: 'forward+gradient' };

// ---- number formatting ----

export function fmtTime(s) {
  if (!Number.isFinite(s)) return '—';
  if (s < 0) return `−${fmtTime(-s)}`;
  if (s < 1e-6) return `${(s * 1e9).toPrecision(3)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(4)} ms`;
  return `${s.toPrecision(4)} s`;
}

export function fmtRatio(x) {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return `${x.toFixed(0)}×`;
  if (x >= 10) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

const fmtErr = (e) => (e === 0 ? '0' : Number.isFinite(e) ? e.toExponential(1) : '—');
const fmtValue = (v) => (Number.isFinite(v) ? v.toPrecision(10) : String(v));
const fmtInt = (n) => n.toLocaleString('en-US');
const fmtMiB = (bytes) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 0)} MiB`;

/** '64', '64k', '16m': short labels for workload ids. */
export function sizeLabel(n) {
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20}m`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}k`;
  return String(n);
}

export const workloadTitle = (w) =>
  `${LOSS_NAMES[w.loss]} · ${fmtInt(w.n)} elements · ${MODE_NAMES[w.mode]}`;

function table(header, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

// ---- per-workload table ----

/** The grad err cell: the error, and how many elements miss the bound if any. */
function gradCell(r) {
  if (r.runner.isFloor || r.runner.isReference || !r.gradErr) return '—';
  const { err, off, offAtTies } = r.gradErr;
  if (!(off > 0)) return fmtErr(err);
  const where = offAtTies === off ? ', at pred == target' : offAtTies > 0 ? `, ${fmtInt(offAtTies)} at pred == target` : '';
  return `${fmtErr(err)} (${fmtInt(off)} element${off === 1 ? '' : 's'} off${where})`;
}

/** The Markdown table of one measured workload { w, rows }. */
export function workloadTable({ w, rows }) {
  const medianOf = (key) => rows.find((r) => r.runner.key === key)?.median;
  const flArrays = medianOf('fastloss-simd/arrays');
  const flTensors = medianOf('fastloss-simd/tensors');
  const grad = w.mode === 'grad';
  const header = ['peer', 'input', 'K', 'rounds', 'median', 'min', 'med/min', 'GB/s in',
    '÷ fl SIMD arrays', '÷ fl SIMD tensors', 'value', 'rel. err'];
  if (grad) header.push('grad err');
  const body = rows.map((r) => {
    const cells = [
      r.runner.peer, r.runner.input, fmtInt(r.k), String(r.times.length), fmtTime(r.median), fmtTime(r.min),
      (r.median / r.min).toFixed(2), ((8 * w.n) / r.median / 1e9).toFixed(2),
      fmtRatio(r.median / flArrays), fmtRatio(r.median / flTensors),
      r.runner.isReference ? '—' : r.runner.isFloor ? `${fmtValue(r.value)} (Σ p+t)` : fmtValue(r.value),
      r.runner.isReference ? '—' : fmtErr(r.relErr),
    ];
    if (grad) cells.push(gradCell(r));
    return cells;
  });
  const align = header.map((_, i) => (i < 2 ? 'l' : 'r'));
  const out = [`### ${w.id}: ${workloadTitle(w)} (${fmtMiB(8 * w.n)} of input per call)`, '', table(header, body, align)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.runner.peer} (${r.runner.input}): ${r.note}`);
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

// ---- summary of the targets ----

/** The size playing each role ('large', 'tiny') in this run. */
const roles = (sizes) => ({
  large: Math.max(...sizes),
  tiny: sizes.length > 1 ? Math.min(...sizes) : NaN, // one size only: no 'tiny' targets
});

/** The targets matrix: one row per target, one column per loss; each cell the measured ratio and pass/miss. */
export function summaryTable(results, { losses, sizes }) {
  const size = roles(sizes);
  let passed = 0;
  let total = 0;
  const body = TARGETS.map((t) => {
    const goals = [...new Set(losses.map((l) => goalFor(t, l)))];
    const goalText = goals.length === 1
      ? `${t.op === '>=' ? '≥' : '≤'} ${goals[0]}×`
      : losses.map((l) => `${LOSS_NAMES[l].split(' ')[0]} ${t.op === '>=' ? '≥' : '≤'} ${goalFor(t, l)}×`).join(', ');
    const cells = losses.map((loss) => {
      const id = `${loss}_${sizeLabel(size[t.size])}_${t.mode}`;
      const e = evaluate(t, loss, results.get(id));
      if (!e) return 'not measured';
      total++;
      if (e.pass) passed++;
      const who = t.num.length > 1 ? ` (closest: ${e.binding})` : '';
      return `${e.pass ? '✅' : '❌'} ${fmtRatio(e.ratio)}${who}${e.missing ? ', some peers missing' : ''}`;
    });
    return [t.group.replace('large', `${fmtInt(size.large)} elements`).replace('tiny', `${size.tiny} elements`), t.what, goalText,
      ...cells];
  });
  const header = ['workload', 'target', 'goal', ...losses.map((l) => LOSS_NAMES[l])];
  const text = table(header, body, header.map((_, i) => (i < 3 ? 'l' : 'r')));
  // one entry per evaluated cell, for the assembled BENCHMARKS.md's counts
  const targets = [];
  for (const t of TARGETS) {
    for (const loss of losses) {
      const e = evaluate(t, loss, results.get(`${loss}_${sizeLabel(size[t.size])}_${t.mode}`));
      if (e) targets.push({ workload: `${t.group} (${loss})`, what: t.what, goal: goalFor(t, loss), ratio: e.ratio, pass: e.pass });
    }
  }
  return { text, passed, total, targets };
}

// ---- where the time goes (large workloads) ----

/**
 * Forward: floor vs fastloss tensors vs fastloss arrays, i.e. how much is kernel and how much the copy into wasm
 * memory. Forward+gradient: the same plus the cost of allocating and writing a new gradient array.
 */
export function timeSplitTable(results, { losses, sizes }) {
  const n = roles(sizes).large;
  const fwd = [];
  const grad = [];
  for (const loss of losses) {
    const get = (mode) => {
      const wl = results.get(`${loss}_${sizeLabel(n)}_${mode}`);
      return (key) => wl?.rows.find((r) => r.runner.key === key)?.median;
    };
    const f = get('fwd');
    const floor = f('floor/tensors');
    const tensors = f('fastloss-simd/tensors');
    const arrays = f('fastloss-simd/arrays');
    fwd.push([LOSS_NAMES[loss], fmtTime(floor), fmtTime(tensors), fmtRatio(tensors / floor),
      fmtTime(tensors - floor), fmtTime(arrays), fmtTime(arrays - tensors), fmtRatio(arrays / tensors),
      fmtTime(f('fastloss-scalar/tensors')), `${((8 * n) / tensors / 1e9).toFixed(1)} / ${((8 * n) / arrays / 1e9).toFixed(1)}`]);
    const g = get('grad');
    const base = g('floor/tensors') + g('alloc/js');
    grad.push([LOSS_NAMES[loss], fmtTime(g('floor/tensors')), fmtTime(g('alloc/js')), fmtTime(base),
      fmtTime(g('fastloss-simd/tensors')), fmtRatio(g('fastloss-simd/tensors') / base),
      fmtTime(g('fastloss-simd/arrays')), fmtRatio(g('fastloss-simd/arrays') / base),
      fmtTime(g('plain-js')), fmtTime(g('torch-1t'))]);
  }
  const fwdHeader = ['loss', 'floor', 'fl SIMD tensors', 'tensors ÷ floor', 'kernel over floor', 'fl SIMD arrays',
    'arrays − tensors (streaming copy)', 'arrays ÷ tensors', 'fl scalar tensors', 'GB/s tensors / arrays'];
  const gradHeader = ['loss', 'floor: read (Σ p+t)', 'floor: new gradient (alloc + write)', 'sum of both',
    'fl SIMD tensors', '÷ sum', 'fl SIMD arrays', '÷ sum', 'plain JS', 'PyTorch'];
  const align = (h) => h.map((_, i) => (i ? 'r' : 'l'));
  return [
    `Forward, ${fmtInt(n)} elements, medians:`, '', table(fwdHeader, fwd, align(fwdHeader)), '',
    `Forward+gradient, ${fmtInt(n)} elements, medians (every peer here returns a newly allocated gradient):`, '',
    table(gradHeader, grad, align(gradHeader)),
  ].join('\n');
}

// ---- machine and method ----

export function machineSection(m) {
  const rows = [
    ['CPU', `${m.cpu} (${m.cores} logical cores; ${m.flags})`],
    ['memory', m.memory],
    ['OS', m.os],
    ['Node', `${m.node} (V8 ${m.v8})`],
    ['fastloss', m.fastloss],
    ['TensorFlow.js', m.tfjs],
    ['PyTorch', m.torch],
    ['date', m.date],
  ];
  return table(['item', 'value'], rows, ['l', 'l']);
}

export function methodSection(opts) {
  return [
    'Command: `npm run bench` (`node bench/run.mjs`; `npm run bench -- --quick` is a short trial that does not write',
    'this file; `--only=mse,huber` restricts the losses). The code is in `bench/`.',
    '',
    `- **Interleaved.** For each workload the peers take turns round by round (the starting peer rotates each round):`,
    '  fastloss, the floor and tfjs in the bench\'s process, PyTorch in one long-lived child process and each plain-JS',
    '  loop in a child process of its own, both timing their own calls by the same rules.',
    `- **Per peer:** one untimed call for the value (and gradient), checked against a float64 reference computed once`,
    `  (Neumaier-compensated sum over the float32 inputs); calibration of K calls per sample so a sample takes`,
    `  ≥ ${opts.sampleMs} ms (K = 1 when the value call alone took that long); 1 warm-up round; ${opts.rounds} timed`,
    `  rounds (${opts.smallRounds} for sizes below ${fmtInt(opts.smallBelow)} elements, which are cheap and noisier). Reported:`,
    '  median and min of the per-call time (sample ÷ K), and median/min as a noise indicator.',
    '  Every in-process peer is timed by a loop of its own (compiled from its own source, so V8 keeps separate',
    '  feedback for it, as for a user\'s own call site) that passes the inputs at call time: no peer gets its',
    '  arrays constant-folded into its closure, which otherwise halves a 64-element plain-JS time.',
    '  The JS heap is collected (`gc()`) before every sample, outside the timing, so one peer\'s garbage is not',
    '  collected during another peer\'s sample. Only tfjs-cpu (seconds per call at 16M elements) gets fewer rounds',
    `  where its ${opts.rounds} timed samples would take more than ${opts.budgetS} s, never fewer than 3, with a note under its table.`,
    '- **Ratios** are median ÷ median. `÷ fl SIMD arrays` = this peer\'s time ÷ fastloss SIMD\'s time on ordinary',
    '  Float32Arrays (so > 1 means fastloss is faster); `÷ fl SIMD tensors` the same against fastloss tensors.',
    '- **Data:** pred and target uniform in [-3, 3), float32, from mulberry32 seeded with `20261122 ^ n` (bench/data.mjs).',
    '  Losses are PyTorch\'s MSELoss, L1Loss and HuberLoss(δ = 1) (fastloss `framework: \'pytorch\'`, SmoothL1 β = 1),',
    '  reduction mean; tfjs `losses.meanSquaredError` / `absoluteDifference` / `huberLoss(δ = 1)` with',
    '  `Reduction.MEAN`; torch `F.mse_loss` / `F.l1_loss` / `F.huber_loss`.',
    '- **Peers:**',
    '  - fastloss SIMD and scalar (dist/index.js; two instances), each on ordinary Float32Arrays (streamed through the',
    '    wasm scratch region) and on `fl.tensor()` buffers made and filled once, outside the timed calls (read in',
    '    place). Defaults otherwise, so inputs of ≤ 256 elements take fastloss\'s plain-JS path (`jsBelow`).',
    '    Forward+gradient also has the SIMD instance writing into a gradient buffer reused from call to call',
    '    (`withGrad(inputs, { out: { pred } })`): a Float32Array, or a tensor that the kernel writes in place.',
    '  - floor: bench/floor.ts, Σ (p[i] + t[i]) with f32x4 loads and f64x2 accumulators, 16 elements per iteration,',
    '    compiled by the bench at startup (asc -O3 --runtime stub --noAssert --enable simd --importMemory) and',
    '    instantiated on the SIMD instance\'s memory, reading its tensors in place. Forward+gradient workloads also',
    '    get `new Float32Array(n).fill(0)`: allocating and writing the gradient every peer there returns.',
    '  - plain JS: straightforward loops (bench/peers/plain.mjs), float64 accumulator over Float32Array;',
    '    forward+gradient writes into a Float32Array allocated by each call (fastloss allocates its gradient too).',
    '    Timed in a process of its own, started for the workload (bench/peers/plain_child.mjs: the data read from',
    '    files the bench wrote, the same timing loop, calibration and `gc()` before each sample), as every suite',
    '    times its plain-JS peer: timed here among the other peers, a plain loop measured up to 2-3x slower than the',
    '    same loop alone (issue 21: the cosine loop, 37-56 ms here against 18-20 ms alone), which flattered fastloss.',
    '    Its value call is made in both processes and must agree to the bit (the child times the loop checked here).',
    '  - tfjs-cpu and tfjs-wasm (SIMD; tfjs runs it single-threaded in Node), end to end: `tf.tensor1d(array)` for',
    '    both inputs + loss + `dataSync()` + dispose (`tf.tidy`); forward+gradient: `tf.valueAndGrad` w.r.t. pred',
    '    and `dataSync()` of the gradient. `tf.setBackend` before each sample. tfjs-core\'s gradient functions are',
    '    registered from its own `dist/register_all_gradients.js` (bundled with esbuild at startup; the Node bundle',
    '    of tfjs-core has none).',
    '  - PyTorch: /usr/bin/python3, `torch.set_num_threads(1)`, data sent once per size as raw float32 and wrapped',
    '    with `torch.from_numpy` (zero copy); forward = loss + `.item()`; forward+gradient = `requires_grad` leaf,',
    '    `backward()`, `.grad` (allocated by torch each call). Times with `time.perf_counter`, same calibration.',
    '- **Accuracy columns:** `rel. err` = |value − ref| ÷ |ref|; `grad err` = max |g − ref| ÷ max |ref| over the',
    '  gradient, with the number of elements beyond docs/design.md\'s bound (|g − ref| ≤ 1e-6 · max |ref|) in parentheses',
    '  when there are any, and whether they sit where pred == target: there the reference and PyTorch take',
    '  d|x|/dx = 0, while tfjs\'s Abs gradient is dy · step(x, −1), i.e. ±1. The floor\'s value is Σ (p + t),',
    '  checked against that sum.',
  ].join('\n');
}
