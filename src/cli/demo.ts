/**
 * `npm start` (`fastloss demo`, or `fastloss` alone): a tour of fastloss on real model outputs. It scores the predictions stored in data/ (made by
 * scripts/make_data.py) with every loss that has landed, in each of its frameworks, next to PyTorch's own
 * values where torch computed them, then times the forward pass on 4M elements against a plain-JS loop.
 */

import { readFileSync } from 'node:fs';
import { loadLosses, LossError, type FastLoss, type Framework, type Inputs, type Loss } from '../index.js';
import { LOSSES } from '../registry.js';

// ---- the data files ----

interface Producer {
  script: string;
  torch: string;
  sklearn: string;
  model: string;
  split: string;
}

interface TorchReference {
  loss: string;
  framework: Framework;
  torch: string;
  value: number;
  grad_norm: number;
}

interface DataFile {
  summary: string;
  producer: Producer;
  shape: number[];
  torch_reference: TorchReference[];
}

interface RegressionFile extends DataFile {
  pred: number[] | number[][];
  target: number[] | number[][];
}

interface ClassificationFile extends DataFile {
  logits: number[][];
  labels: number[];
}

function readData<T extends DataFile>(name: string, arrays: readonly string[]): T {
  const url = new URL(`../data/${name}.json`, import.meta.url); // from dist/cli.js
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch {
    console.error(`fastloss demo: data/${name}.json is missing. Make it with: /usr/bin/python3 scripts/make_data.py`);
    process.exit(1);
  }
  const json = JSON.parse(text) as T & Record<string, unknown>;
  for (const key of ['shape', 'torch_reference', ...arrays]) {
    if (!Array.isArray(json[key])) throw new Error(`data/${name}.json: "${key}" is not an array`);
  }
  return json;
}

const flat = (rows: number[] | number[][]): number[] => rows.flat();

// ---- datasets: which inputs a loss of each family gets ----

interface Case {
  inputs: Inputs;
  options?: Record<string, unknown>;
}

interface Dataset {
  name: string;
  file: DataFile;
  /** The inputs (and any options, e.g. fromLogits) a loss is called with on this data. */
  caseFor(loss: string, framework: Framework): Case;
}

function regressionDataset(name: string, file: RegressionFile): Dataset {
  const shape = file.shape;
  const pred = { data: new Float32Array(flat(file.pred)), shape };
  const target = { data: new Float32Array(flat(file.target)), shape };
  return { name, file, caseFor: () => ({ inputs: { pred, target } }) };
}

function classificationDataset(name: string, file: ClassificationFile): Dataset {
  const [n, k] = file.shape as [number, number];
  const logits = { data: new Float32Array(flat(file.logits)), shape: [n, k] };
  const labels = { data: Int32Array.from(file.labels), shape: [n] };
  const oneHot = { data: new Float32Array(n * k), shape: [n, k] };
  file.labels.forEach((c, i) => (oneHot.data[i * k + c] = 1));
  const logProbs = { data: logSoftmax(logits.data, n, k), shape: [n, k] };
  return {
    name,
    file,
    caseFor(loss, framework) {
      // torch CrossEntropyLoss takes logits and class indices; NLLLoss log-probabilities; Keras's losses
      // take logits with fromLogits. Anything else is tried with logits and labels, and skipped if refused.
      if (loss === 'categorical_crossentropy' && framework === 'pytorch') return { inputs: { pred: logits, target: labels } };
      if (loss === 'categorical_crossentropy') return { inputs: { pred: logits, target: oneHot }, options: { fromLogits: true } };
      if (loss === 'negative_log_likelihood') return { inputs: { pred: logProbs, target: labels } };
      return { inputs: { pred: logits, target: labels }, options: { fromLogits: true } };
    },
  };
}

/**
 * The overlap losses (Dice, Tversky) on the classifier's softmax probabilities against its one-hot labels, one
 * value per sample over the classes (axis -1: the default, axis null, is one number for the whole batch, which
 * does not stream).
 */
function overlapDataset(name: string, file: ClassificationFile): Dataset {
  const [n, k] = file.shape as [number, number];
  const logProbs = logSoftmax(new Float32Array(flat(file.logits)), n, k);
  const probs = { data: logProbs.map(Math.exp), shape: [n, k] };
  const oneHot = { data: new Float32Array(n * k), shape: [n, k] };
  file.labels.forEach((c, i) => (oneHot.data[i * k + c] = 1));
  return { name, file, caseFor: () => ({ inputs: { pred: probs, target: oneHot }, options: { axis: -1 } }) };
}

function logSoftmax(x: Float32Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * k, (i + 1) * k);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < k; j++) out[i * k + j] = row[j]! - lse;
  }
  return out;
}

// ---- formatting ----

function sig(x: number, digits = 7): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e9 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

function relDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

const rel = (d: number): string => (d === 0 ? '0' : d.toExponential(1));

function table(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    '  ' + cells.map((s, c) => (c < leftColumns ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

function l2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

// ---- part 1: the losses on the model outputs ----

function scoreAll(fl: FastLoss, datasets: Record<string, Dataset[]>): void {
  const rows: string[][] = [];
  const skipped: string[] = [];
  let worst = 0;
  for (const { name, frameworks } of fl.implemented()) {
    const family = LOSSES[name].family;
    const targets = datasets[family] ?? [];
    if (targets.length === 0) skipped.push(`${name}: no built-in data for the ${family} family`);
    for (const framework of frameworks) {
      for (const ds of targets) {
        const { inputs, options = {} } = ds.caseFor(name, framework);
        let value: number;
        let gradNorm: number;
        try {
          const loss: Loss = fl.loss(name, { framework, ...options });
          const out = loss(inputs);
          const grad = loss.withGrad(inputs).grad['pred'];
          if (typeof out !== 'number' || grad === undefined) throw new Error(`${name}: expected a number and a gradient of pred`);
          value = out;
          gradNorm = l2(grad.data);
        } catch (e) {
          if (!(e instanceof LossError)) throw e;
          skipped.push(`${name} (${framework}) on ${ds.name}: not applicable to this data [${e.code}]`);
          continue;
        }
        const ref = ds.file.torch_reference.find((r) => r.loss === name && r.framework === framework);
        const d = ref === undefined ? undefined : Math.max(relDiff(value, ref.value), relDiff(gradNorm, ref.grad_norm));
        if (d !== undefined) worst = Math.max(worst, d);
        rows.push([name, framework, ds.name, sig(value), sig(gradNorm, 5), ref === undefined ? '' : sig(ref.value), d === undefined ? '' : rel(d)]);
      }
    }
  }
  console.log(table(['loss', 'framework', 'dataset', 'value', 'grad L2', 'torch 1.13', 'rel.diff'], rows, 3));
  console.log(
    wrap(
      `value: the default reduction (Keras 'sum_over_batch_size', PyTorch 'mean'); grad L2: the L2 norm of ` +
        `d value / d pred from loss.withGrad. torch 1.13: PyTorch's value on the same float32 numbers (torch ` +
        `huber = SmoothL1Loss(beta=1), fastloss's PyTorch default); rel.diff: the larger relative difference ` +
        `of value and grad L2 from torch's (worst ${rel(worst)}). There is no TensorFlow here to compare Keras rows with.`,
    ).replace(/^/gm, '  '),
  );
  if (skipped.length > 0) console.log(`\n  Skipped:\n${skipped.map((s) => `    ${s}`).join('\n')}`);
  const landed = new Set<string>(fl.implemented().map((l) => l.name));
  const pending = Object.keys(LOSSES).filter((n) => !landed.has(n));
  if (pending.length > 0) console.log('\n' + wrap(`Not yet landed (${pending.length}): ${pending.join(', ')}.`).replace(/^/gm, '  '));
}

// ---- part 2: streaming ----

/** Rows [from, to) of a `{ data, shape }` input along axis 0. */
function rowsOf(x: { data: Float32Array | Int32Array; shape: readonly number[] }, from: number, to: number): { data: Float32Array | Int32Array; shape: number[] } {
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: x.data.subarray(from * inner, to * inner), shape: [to - from, ...x.shape.slice(1)] };
}

function streaming(fl: FastLoss, datasets: Record<string, Dataset[]>, batch: number): void {
  const rows: string[][] = [];
  let worst = 0;
  for (const { name, frameworks } of fl.implemented()) {
    for (const ds of datasets[LOSSES[name].family] ?? []) {
      for (const framework of frameworks) {
        const { inputs, options = {} } = ds.caseFor(name, framework);
        const arrays = inputs as Record<string, { data: Float32Array | Int32Array; shape: number[] }>;
        const n = Object.values(arrays)[0]!.shape[0]!;
        let whole: number;
        let streamed: number;
        let batches: number;
        try {
          const loss: Loss = fl.loss(name, { framework, ...options });
          whole = loss(inputs) as number;
          const acc = loss.accumulator();
          for (let at = 0; at < n; at += batch) {
            const end = Math.min(n, at + batch);
            acc.update(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, rowsOf(v, at, end)])));
          }
          streamed = acc.result() as number;
          batches = acc.batches;
        } catch (e) {
          if (!(e instanceof LossError)) throw e;
          continue; // not applicable to this data: listed in part 1
        }
        const d = relDiff(streamed, whole);
        worst = Math.max(worst, d);
        rows.push([name, framework, ds.name, String(batches), sig(streamed), sig(whole), rel(d)]);
      }
    }
  }
  console.log(table(['loss', 'framework', 'dataset', 'batches', 'accumulator', 'one call', 'rel.diff'], rows, 3));
  console.log(
    wrap(
      `accumulator: loss.accumulator(), updated with ${batch} rows at a time, then result(): two numbers of state, ` +
        `whatever the number of rows (reduction 'none' concatenates instead). one call: the loss on all rows at ` +
        `once. rel.diff: worst ${rel(worst)}. The fastloss command streams .npy files the same way: ` +
        `fastloss eval mse --pred pred.npy --target target.npy.`,
    ).replace(/^/gm, '  '),
  );
}

// ---- part 3: speed ----

const N = 4_194_304;
const WARMUP = 3;
const RUNS = 7;

/** The straightforward loops a user would write, f64 accumulators, mean over all elements. */
const PLAIN_JS: Record<string, (p: Float32Array, t: Float32Array) => number> = {
  mse(p, t) {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p[i]! - t[i]!;
      s += d * d;
    }
    return s / p.length;
  },
  mae(p, t) {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - t[i]!);
    return s / p.length;
  },
  huber(p, t) {
    // delta = 1: Keras Huber and torch SmoothL1Loss(beta=1) alike
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const a = Math.abs(p[i]! - t[i]!);
      s += a <= 1 ? 0.5 * a * a : a - 0.5;
    }
    return s / p.length;
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(f: () => number): { ms: number; value: number } {
  let value = 0;
  for (let i = 0; i < WARMUP; i++) value = f();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    value = f();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), value };
}

function speed(fl: FastLoss, diabetes: RegressionFile): void {
  const p0 = flat(diabetes.pred);
  const t0 = flat(diabetes.target);
  const pred = new Float32Array(N);
  const target = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    pred[i] = p0[i % p0.length]!;
    target[i] = t0[i % t0.length]!;
  }
  const predT = fl.tensor([N]);
  const targetT = fl.tensor([N]);
  predT.data.set(pred);
  targetT.data.set(target);
  const rows: string[][] = [];
  let worst = 0;
  try {
    for (const name of ['mse', 'mae', 'huber'] as const) {
      const js = time(() => PLAIN_JS[name]!(pred, target));
      for (const framework of ['pytorch', 'tensorflow'] as const) {
        const loss = fl.loss(name, { framework });
        const arrays = time(() => loss({ pred, target }) as number);
        const tensors = time(() => loss({ pred: predT, target: targetT }) as number);
        const d = Math.max(relDiff(arrays.value, js.value), relDiff(tensors.value, js.value));
        worst = Math.max(worst, d);
        const x = (ms: number): string => `${(js.ms / ms).toFixed(1)}x`;
        rows.push([name, framework, js.ms.toFixed(2), arrays.ms.toFixed(2), x(arrays.ms), tensors.ms.toFixed(2), x(tensors.ms), sig(js.value), rel(d)]);
      }
    }
  } finally {
    predT.free();
    targetT.free();
  }
  console.log(table(['loss', 'framework', 'plain JS', 'Float32Array', 'speed-up', 'fl.tensor', 'speed-up', 'JS value', 'rel.diff'], rows, 2));
  console.log(
    wrap(
      `Milliseconds per call, median of ${RUNS} after ${WARMUP} warm-up calls. plain JS: a for loop over the ` +
        `Float32Arrays with a float64 accumulator. Float32Array: fastloss called with the same arrays (streamed ` +
        `through a fixed scratch block of wasm memory on each call). fl.tensor: the data already in wasm memory ` +
        `(fl.tensor([n]), read in place). rel.diff: the largest relative difference of fastloss's values from the ` +
        `plain-JS value ` +
        `(worst ${rel(worst)}).`,
    ).replace(/^/gm, '  '),
  );
}

// ---- main ----

export async function runDemo(): Promise<void> {
  const started = performance.now();
  const diabetes = readData<RegressionFile>('diabetes', ['pred', 'target']);
  const linnerud = readData<RegressionFile>('linnerud', ['pred', 'target']);
  const digits = readData<ClassificationFile>('digits', ['logits', 'labels']);
  const fl = await loadLosses();

  console.log(
    wrap(
      `fastloss computes machine-learning losses and their gradients in WebAssembly, with the exact semantics ` +
        `of Keras (framework 'tensorflow') and PyTorch. This demo first scores the outputs of small real models, ` +
        `trained by scripts/make_data.py on datasets that ship with scikit-learn and stored in data/, with every ` +
        `loss that has landed, in each framework it supports: the loss value, the size of its gradient, and ` +
        `PyTorch's own value on the same numbers to compare with. It then evaluates the same losses in batches ` +
        `with loss.accumulator(), and times the forward pass on 4,194,304 ` +
        `elements against a plain JavaScript loop computing the same number.`,
    ),
  );
  const what = { relaxed: 'WebAssembly SIMD with relaxed SIMD\'s fused multiply-add', simd: 'WebAssembly SIMD; relaxed SIMD comes with Node 22+', scalar: 'no WebAssembly SIMD in this engine', debug: 'the debug build' }[fl.build];
  console.log(`\nRunning the ${fl.build} build (${what}), Node ${process.version}.`);

  const files: Array<[string, DataFile]> = [['diabetes', diabetes], ['linnerud', linnerud], ['digits', digits]];
  const p = diabetes.producer;
  console.log(`\nData (data/*.json, made by ${p.script} with torch ${p.torch}, scikit-learn ${p.sklearn}):`);
  for (const [name, file] of files) console.log(`  ${name.padEnd(9)} [${file.shape.join(', ')}]`.padEnd(24) + file.summary);

  const datasets: Record<string, Dataset[]> = {
    regression: [regressionDataset('diabetes', diabetes), regressionDataset('linnerud', linnerud)],
    crossentropy: [classificationDataset('digits', digits)],
    overlap: [overlapDataset('digits', digits)],
  };
  console.log('\n1. Every implemented loss on the model outputs\n');
  scoreAll(fl, datasets);

  console.log('\n2. Streaming: the same losses over batches of rows\n');
  streaming(fl, datasets, 16);

  console.log(`\n3. Speed: the diabetes predictions tiled to ${N.toLocaleString('en-US')} float32 elements, mean reduction\n`);
  speed(fl, diabetes);
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

