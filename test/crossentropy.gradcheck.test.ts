/**
 * Finite-difference checks of every gradient of the family: central differences of the float64 reference's value
 * (as torch.autograd.gradcheck does in float64), against fastloss's gradient, for every loss × framework × option
 * set × reduction, with Keras sample weights and a 'none' gradOutput. Inputs stay away from the kinks (the
 * probability clips at ε and 1 - ε).
 */

import { describe, it } from 'vitest';
import {
  kerasBinary,
  kerasCategorical,
  kerasElementwise,
  kerasKld,
  kerasPoisson,
  kerasSparse,
  torchBinary,
  torchBinaryLogits,
  torchCrossEntropy,
  torchElementwise,
  torchKld,
  torchNll,
  torchPoisson,
  torchSoftMargin,
  type RefResult,
} from '../src/reference/crossentropy.js';
import { expectClose, IMPLEMENTATIONS, instance, rng, uniform } from './helpers.js';

const H = 1e-6;

interface GradCase {
  label: string;
  name: string;
  framework: 'tensorflow' | 'pytorch';
  options: Record<string, unknown>;
  shape: number[];
  pred: Float32Array;
  target: { data: Float32Array | Int32Array; shape: number[] };
  sampleWeight?: { data: Float32Array; shape: number[] };
  /** The reference as a function of pred (float64), with gradOutput for 'none'. */
  ref: (pred: ArrayLike<number>, gradOutput?: ArrayLike<number>) => RefResult;
  lossShape: number[];
}

function ints(n: number, C: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * C));
}

function softRows(n: number, C: number, seed: number): Float32Array {
  const t = uniform(n * C, seed, 0.05, 1);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += t[r * C + c]!;
    for (let c = 0; c < C; c++) t[r * C + c] = Math.fround(t[r * C + c]! / s);
  }
  return t;
}

function cases(reduction: string): GradCase[] {
  const out: GradCase[] = [];
  const torch = reduction === 'sum_over_batch_size' ? null : (reduction as 'mean' | 'sum' | 'none');
  const keras = reduction === 'mean' ? null : (reduction as 'sum_over_batch_size' | 'sum' | 'none');
  const shape = [3, 4];
  const logits = uniform(12, 1, -3, 3);
  const probs = softRows(3, 4, 2);
  const y = ints(3, 4, 3);
  y[1] = 2;
  const w = uniform(4, 4, 0.3, 2);
  if (torch) {
    const r = torch;
    const opt = (o: Record<string, unknown>) => ({ reduction: r, ...o });
    out.push({ label: 'CE indices weight ls', name: 'CrossEntropyLoss', framework: 'pytorch', options: opt({ weight: w, labelSmoothing: 0.2 }), shape, pred: logits, target: { data: y, shape: [3] }, lossShape: [3], ref: (p, g) => torchCrossEntropy(p, shape, y, [3], { reduction: r, weight: w, labelSmoothing: 0.2, ...(g ? { gradOutput: g } : {}) }) });
    const t4 = [2, 3, 2, 2];
    const x4 = uniform(24, 5, -2, 2);
    const y4 = ints(8, 3, 6);
    out.push({ label: 'CE [N,C,H,W]', name: 'CrossEntropyLoss', framework: 'pytorch', options: opt({}), shape: t4, pred: x4, target: { data: y4, shape: [2, 2, 2] }, lossShape: [2, 2, 2], ref: (p, g) => torchCrossEntropy(p, t4, y4, [2, 2, 2], { reduction: r, ...(g ? { gradOutput: g } : {}) }) });
    out.push({ label: 'CE probabilities weight ls', name: 'CrossEntropyLoss', framework: 'pytorch', options: opt({ weight: w, labelSmoothing: 0.1 }), shape, pred: logits, target: { data: probs, shape }, lossShape: [3], ref: (p, g) => torchCrossEntropy(p, shape, probs, shape, { reduction: r, weight: w, labelSmoothing: 0.1, ...(g ? { gradOutput: g } : {}) }) });
    out.push({ label: 'NLL weight', name: 'NLLLoss', framework: 'pytorch', options: opt({ weight: w }), shape, pred: logits, target: { data: y, shape: [3] }, lossShape: [3], ref: (p, g) => torchNll(p, shape, y, { reduction: r, weight: w, ...(g ? { gradOutput: g } : {}) }) });
    const pb = uniform(12, 7, 0.05, 0.95);
    const tb = uniform(12, 8, 0, 1);
    const w12 = uniform(4, 9, 0.5, 2);
    const pw = uniform(4, 10, 0.5, 3);
    const byLast = (v: Float32Array) => (k: number) => v[k % 4]!;
    out.push({ label: 'BCELoss weight', name: 'BCELoss', framework: 'pytorch', options: opt({ weight: w12 }), shape, pred: pb, target: { data: tb, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchBinary(byLast(w12)), p, tb, shape, r, g) });
    out.push({ label: 'BCEWithLogitsLoss weight posWeight', name: 'BCEWithLogitsLoss', framework: 'pytorch', options: opt({ weight: w12, posWeight: pw }), shape, pred: logits, target: { data: tb, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchBinaryLogits(byLast(w12), byLast(pw)), p, tb, shape, r, g) });
    const lt = uniform(12, 11, -3, 0);
    out.push({ label: 'KLDivLoss', name: 'KLDivLoss', framework: 'pytorch', options: opt({}), shape, pred: lt, target: { data: probs, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchKld(false), p, probs, shape, r, g) });
    out.push({ label: 'KLDivLoss logTarget', name: 'KLDivLoss', framework: 'pytorch', options: opt({ logTarget: true }), shape, pred: lt, target: { data: lt, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchKld(true), p, lt, shape, r, g) });
    const counts = Float32Array.from([0, 0.5, 1, 2, 3, 7, 0, 1.5, 4, 2, 1, 0]);
    out.push({ label: 'PoissonNLLLoss full', name: 'PoissonNLLLoss', framework: 'pytorch', options: opt({ full: true }), shape, pred: logits, target: { data: counts, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchPoisson(true, true, 1e-8), p, counts, shape, r, g) });
    const rates = uniform(12, 12, 0.2, 4);
    const ys = Float32Array.from([1, -1, 1, 1, -1, -1, 0.5, -2, 1, -1, 1, 3]); // any real y: torch checks none
    out.push({ label: 'SoftMarginLoss', name: 'SoftMarginLoss', framework: 'pytorch', options: opt({}), shape, pred: logits, target: { data: ys, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchSoftMargin, p, ys, shape, r, g) });
    out.push({ label: 'PoissonNLLLoss rates', name: 'PoissonNLLLoss', framework: 'pytorch', options: opt({ logInput: false, eps: 0.01 }), shape, pred: rates, target: { data: counts, shape }, lossShape: shape, ref: (p, g) => torchElementwise(torchPoisson(false, false, 0.01), p, counts, shape, r, g) });
    if (r === 'mean') {
      out.push({ label: 'KLDivLoss batchmean', name: 'KLDivLoss', framework: 'pytorch', options: { reduction: 'batchmean' }, shape, pred: lt, target: { data: probs, shape }, lossShape: shape, ref: (p) => torchElementwise(torchKld(false), p, probs, shape, 'batchmean') });
    }
  }
  if (keras) {
    const r = keras;
    const sw = { data: uniform(3, 13, 0.2, 2), shape: [3] };
    const swRef = { data: Array.from(sw.data), shape: [3] };
    const onehot = new Float32Array(12);
    for (let i = 0; i < 3; i++) onehot[i * 4 + y[i]!] = 1;
    const pk = uniform(12, 14, 0.05, 0.95);
    const tb = uniform(12, 15, 0, 1);
    const counts = uniform(12, 16, 0, 4); // Keras Poisson's targets: rates
    for (const weighted of [false, true]) {
      const extra = weighted ? { sampleWeight: sw } : {};
      const refExtra = weighted ? { sampleWeight: swRef } : {};
      const tag = weighted ? ' sampleWeight' : '';
      out.push({ label: `cce logits ls${tag}`, name: 'cce', framework: 'tensorflow', options: { reduction: r, fromLogits: true, labelSmoothing: 0.1 }, shape, pred: logits, target: { data: onehot, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasCategorical(p, onehot, shape, { reduction: r, fromLogits: true, labelSmoothing: 0.1, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `cce probabilities${tag}`, name: 'cce', framework: 'tensorflow', options: { reduction: r }, shape, pred: pk, target: { data: probs, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasCategorical(p, probs, shape, { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `scce logits ignoreClass${tag}`, name: 'scce', framework: 'tensorflow', options: { reduction: r, fromLogits: true, ignoreClass: 2 }, shape, pred: logits, target: { data: y, shape: [3] }, ...extra, lossShape: [3], ref: (p, g) => kerasSparse(p, y, shape, { reduction: r, fromLogits: true, ignoreClass: 2, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `scce probabilities${tag}`, name: 'scce', framework: 'tensorflow', options: { reduction: r }, shape, pred: pk, target: { data: y, shape: [3] }, ...extra, lossShape: [3], ref: (p, g) => kerasSparse(p, y, shape, { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `bce probabilities ls${tag}`, name: 'bce', framework: 'tensorflow', options: { reduction: r, labelSmoothing: 0.2 }, shape, pred: pk, target: { data: tb, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasElementwise(kerasBinary(false, 0.2), p, tb, shape, 'mean', { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `bce logits${tag}`, name: 'bce', framework: 'tensorflow', options: { reduction: r, fromLogits: true }, shape, pred: logits, target: { data: tb, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasElementwise(kerasBinary(true, 0), p, tb, shape, 'mean', { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `kld${tag}`, name: 'kld', framework: 'tensorflow', options: { reduction: r }, shape, pred: pk, target: { data: probs, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasElementwise(kerasKld, p, probs, shape, 'sum', { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
      out.push({ label: `poisson${tag}`, name: 'poisson', framework: 'tensorflow', options: { reduction: r }, shape, pred: pk, target: { data: counts, shape }, ...extra, lossShape: [3], ref: (p, g) => kerasElementwise(kerasPoisson, p, counts, shape, 'mean', { reduction: r, ...refExtra, ...(g ? { gradOutput: g } : {}) }) });
    }
  }
  return out;
}

function scalarOf(r: RefResult, gradOutput?: ArrayLike<number>): number {
  if (typeof r.value === 'number') return r.value;
  let s = 0;
  for (let i = 0; i < r.value.data.length; i++) s += r.value.data[i]! * (gradOutput?.[i] ?? 1);
  return s;
}

describe.each(IMPLEMENTATIONS)('finite differences: $label', (impl) => {
  for (const reduction of ['mean', 'sum_over_batch_size', 'sum', 'none']) {
    it(reduction, async () => {
      const fl = await instance(impl);
      for (const c of cases(reduction)) {
        const loss = fl.loss(c.name, { framework: c.framework, ...c.options });
        const inputs = { pred: { data: c.pred, shape: c.shape }, target: c.target, ...(c.sampleWeight ? { sampleWeight: c.sampleWeight } : {}) };
        const gos: Array<Float32Array | undefined> = [undefined];
        if (reduction === 'none') gos.push(uniform(c.lossShape.reduce((a, b) => a * b, 1), 21, -1, 1));
        for (const go of gos) {
          const got = loss.withGrad(inputs, go ? { gradOutput: { data: go, shape: c.lossShape } } : {}).grad.pred!.data;
          const fd = new Float64Array(c.pred.length);
          for (let i = 0; i < c.pred.length; i++) {
            const h = H * Math.max(1, Math.abs(c.pred[i]!));
            const plus = Float64Array.from(c.pred);
            const minus = Float64Array.from(c.pred);
            plus[i] = c.pred[i]! + h;
            minus[i] = c.pred[i]! - h;
            fd[i] = (scalarOf(c.ref(plus, go), go) - scalarOf(c.ref(minus, go), go)) / (2 * h);
          }
          expectClose(got, fd, `${c.label} ${reduction}${go ? ' gradOutput' : ''}: grad vs finite differences`, { pred: c.pred }, 2e-6);
        }
      }
    });
  }
});
