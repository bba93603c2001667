/**
 * Datasets for the accumulator suites (test/accumulator*.test.ts): for every implemented loss, a maker of random
 * inputs with N items along their batch axis (a few variants each: shapes, Keras sample weights, 0/1 or ±1
 * labels, CTC's infeasible sequences), slicing along that axis, and the reductions each loss takes. A loss that
 * lands without a maker here fails the first test of test/accumulator.property.test.ts.
 */

import { LossError, type FastLoss } from '../src/index.js';

export type Shape = number[];
export interface Batched {
  data: Float32Array;
  shape: Shape;
  /** The batch axis of this input (axis 1 for CTC's logProbs [T, N, C]). */
  axis: number;
}
/** Inputs with N items along their batch axis, for the loss in `framework`. */
export type Maker = (n: number, u: () => number, framework: string, variant: number) => Record<string, Batched>;

export const ALL_REDUCTIONS = ['none', 'sum', 'mean', 'sum_over_batch_size', 'mean_with_sample_weight', 'batchmean'];

const uniform = (n: number, lo: number, hi: number, u: () => number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * u());

/** pred/target [N, D] (variant 1: [N], which Keras reads as one sample; variant 2: Keras sampleWeight [N]). */
const pairMaker =
  (lo: number, hi: number): Maker =>
  (n, u, framework, variant) => {
    const d = 1 + (variant % 4);
    const shape = variant % 3 === 1 ? [n] : [n, d];
    const size = shape.reduce((a, b) => a * b, 1);
    const out: Record<string, Batched> = {
      pred: { data: uniform(size, lo, hi, u), shape, axis: 0 },
      target: { data: uniform(size, lo, hi, u), shape, axis: 0 },
    };
    if (framework === 'tensorflow' && variant % 3 === 2) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
    return out;
  };

export const BATCH_MAKERS: Record<string, Maker> = {};
for (const name of ['mean_squared_error', 'mean_absolute_error', 'huber', 'smooth_l1', 'mean_absolute_percentage_error', 'log_cosh']) BATCH_MAKERS[name] = pairMaker(-3, 3);
BATCH_MAKERS.mean_squared_logarithmic_error = pairMaker(0, 3);
for (const name of ['binary_crossentropy', 'kullback_leibler_divergence']) BATCH_MAKERS[name] = pairMaker(0.05, 0.95);
BATCH_MAKERS.poisson_negative_log_likelihood = pairMaker(0, 3);
BATCH_MAKERS.poisson = pairMaker(0, 3);
BATCH_MAKERS.soft_margin = pairMaker(-3, 3); // any real target: torch checks none
BATCH_MAKERS.binary_focal_crossentropy = pairMaker(0.05, 0.95); // probabilities (Keras) are logits too (torchvision); soft labels
/**
 * Dice and Tversky: pred in [0, 1] and 0/1 targets [N, k, d], per-sample values over axes [1, 2] (STREAM_OPTIONS:
 * their default, axis null, is one value for the whole batch, which does not stream), Keras sampleWeight [N].
 */
const overlapMaker: Maker = (n, u, framework, variant) => {
  const shape = [n, 1 + (variant % 3), 1 + (variant % 4)];
  const size = shape.reduce((a, b) => a * b, 1);
  const out: Record<string, Batched> = {
    pred: { data: uniform(size, 0, 1, u), shape, axis: 0 },
    target: { data: Float32Array.from({ length: size }, () => (u() < 0.4 ? 1 : 0)), shape, axis: 0 },
  };
  if (variant % 2 === 1) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
  return out;
};
BATCH_MAKERS.dice = overlapMaker;
BATCH_MAKERS.tversky = overlapMaker;

/** MultiLabelSoftMarginLoss: logits and 0/1 (or soft) targets [N, C], C >= 1 (a 1-D input is one sample). */
BATCH_MAKERS.multilabel_soft_margin = (n, u, _framework, variant) => {
  const shape = [n, 1 + (variant % 4)];
  const size = shape[0]! * shape[1]!;
  return {
    pred: { data: uniform(size, -3, 3, u), shape, axis: 0 },
    target: { data: Float32Array.from({ length: size }, (_, i) => (i % 3 === 1 ? u() : u() < 0.5 ? 1 : 0)), shape, axis: 0 },
  };
};

/** GaussianNLLLoss: pred, target [N, D] (or [N]) and var of pred's shape, one per row [N], or [N, 1]. */
BATCH_MAKERS.gaussian_nll = (n, u, _framework, variant) => {
  const d = 1 + (variant % 3);
  const shape = variant % 4 === 3 ? [n] : [n, d];
  const size = shape.reduce((a, b) => a * b, 1);
  const varShape = variant % 3 === 0 || shape.length === 1 ? shape : variant % 3 === 1 ? [n] : [n, 1];
  return {
    pred: { data: uniform(size, -2, 2, u), shape, axis: 0 },
    target: { data: uniform(size, -2, 2, u), shape, axis: 0 },
    var: { data: uniform(varShape.reduce((a, b) => a * b, 1), 0.1, 2, u), shape: varShape, axis: 0 },
  };
};

/** Options an accumulator of a loss is tested with, beyond framework and reduction (none: the defaults). */
export const STREAM_OPTIONS: Record<string, Record<string, unknown>> = {
  dice: { axis: [1, 2] },
  tversky: { axis: [1, 2], alpha: 0.3, beta: 0.8 },
};

/** Class rows: pred [N, C] (Keras probabilities, torch logits / log-probabilities), targets one-hot or indices [N]. */
const rowsMaker =
  (sparse: (framework: string) => boolean): Maker =>
  (n, u, framework, variant) => {
    const C = 2 + (variant % 5);
    const pred = new Float32Array(n * C);
    const labels = Float32Array.from({ length: n }, () => Math.floor(u() * C));
    for (let r = 0; r < n; r++) {
      const z = Array.from({ length: C }, () => 0.05 + u());
      const s = z.reduce((a, b) => a + b, 0);
      for (let c = 0; c < C; c++) pred[r * C + c] = framework === 'pytorch' ? Math.log(z[c]! / s) : z[c]! / s;
    }
    const out: Record<string, Batched> = { pred: { data: pred, shape: [n, C], axis: 0 } };
    if (sparse(framework)) out.target = { data: labels, shape: [n], axis: 0 };
    else out.target = { data: Float32Array.from({ length: n * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0)), shape: [n, C], axis: 0 };
    if (framework === 'tensorflow' && variant % 2 === 1) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
    return out;
  };
BATCH_MAKERS.categorical_crossentropy = rowsMaker((f) => f === 'pytorch');
BATCH_MAKERS.sparse_categorical_crossentropy = rowsMaker(() => true);
BATCH_MAKERS.categorical_focal_crossentropy = rowsMaker(() => false);
BATCH_MAKERS.sparse_categorical_focal_crossentropy = rowsMaker(() => true);
BATCH_MAKERS.negative_log_likelihood = rowsMaker(() => true);
const pm1 = (n: number, u: () => number) => Float32Array.from({ length: n }, () => (u() < 0.5 ? -1 : 1));
/** Keras hinge: labels 0/1 (odd variants, converted) or ±1. */
const hingeMaker: Maker = (n, u, framework, variant) => {
  const m = pairMaker(-2, 2)(n, u, framework, variant);
  m.target!.data = m.target!.data.map((x) => (variant % 2 === 1 ? (x > 0 ? 1 : 0) : x > 0 ? 1 : -1));
  return m;
};
BATCH_MAKERS.hinge = hingeMaker;
BATCH_MAKERS.squared_hinge = hingeMaker;
/** Keras row losses: rank 2 (a rank-1 input is one row: it has no batch axis). */
const rowPairs: Maker = (n, u, framework, variant) => pairMaker(-2, 2)(n, u, framework, variant % 3 === 1 ? variant + 1 : variant);
BATCH_MAKERS.cosine_similarity = rowPairs;
BATCH_MAKERS.categorical_hinge = (n, u, framework, variant) => {
  if (framework === 'tensorflow') return rowPairs(n, u, framework, variant);
  return { x1: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, x2: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, target: { data: pm1(n, u), shape: [n], axis: 0 } };
};
BATCH_MAKERS.margin_ranking = BATCH_MAKERS.categorical_hinge;
BATCH_MAKERS.hinge_embedding = (n, u, framework, variant) => {
  const m = pairMaker(-2, 2)(n, u, framework, variant);
  m.target!.data = pm1(m.target!.data.length, u);
  return m;
};
BATCH_MAKERS.cosine_embedding = (n, u, _f, variant) => {
  const d = 1 + (variant % 4);
  return { x1: { data: uniform(n * d, -2, 2, u), shape: [n, d], axis: 0 }, x2: { data: uniform(n * d, -2, 2, u), shape: [n, d], axis: 0 }, target: { data: pm1(n, u), shape: [n], axis: 0 } };
};
const pairwise: Maker = (n, u, framework, variant) => {
  const out: Record<string, Batched> = { positive: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, negative: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 } };
  if (framework === 'tensorflow' && variant % 2 === 1) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
  return out;
};
BATCH_MAKERS.bpr = pairwise;
BATCH_MAKERS.pair_hinge = pairwise;
/** CTC: logProbs [T, N, C] (batched on axis 1), targets [N, S], lengths [N]; some sequences infeasible (inf). */
BATCH_MAKERS.ctc = (n, u, _framework, variant) => {
  const T = 3 + (variant % 5);
  const C = 3 + (variant % 3);
  const S = 3;
  const lp = new Float32Array(T * n * C);
  for (let r = 0; r < T * n; r++) {
    const z = Array.from({ length: C }, () => 4 * u() - 2);
    const lse = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
    for (let c = 0; c < C; c++) lp[r * C + c] = z[c]! - lse;
  }
  return {
    logProbs: { data: lp, shape: [T, n, C], axis: 1 },
    targets: { data: Float32Array.from({ length: n * S }, () => 1 + Math.floor(u() * (C - 1))), shape: [n, S], axis: 0 },
    inputLengths: { data: Float32Array.from({ length: n }, () => 1 + Math.floor(u() * T)), shape: [n], axis: 0 },
    targetLengths: { data: Float32Array.from({ length: n }, () => Math.floor(u() * (S + 1))), shape: [n], axis: 0 },
  };
};

/** Items [from, to) of x along its batch axis. */
export function slice(x: Batched, from: number, to: number): { data: Float32Array; shape: Shape } {
  const outer = x.shape.slice(0, x.axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(x.axis + 1).reduce((a, b) => a * b, 1);
  const n = x.shape[x.axis]!;
  const data = new Float32Array(outer * (to - from) * inner);
  for (let o = 0; o < outer; o++) data.set(x.data.subarray((o * n + from) * inner, (o * n + to) * inner), o * (to - from) * inner);
  const shape = [...x.shape];
  shape[x.axis] = to - from;
  return { data, shape };
}

export function whole(inputs: Record<string, Batched>): Record<string, { data: Float32Array; shape: Shape }> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]));
}

/** Both NaN, the same infinity, or within 1e-6 relative (1e-6 absolute below 1). */
export function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want));
}

/** The reductions a loss accepts in a framework. */
/** Every implemented (loss, framework, reduction) of an instance: what the accumulator properties iterate. */
export function everyLossAndReduction(fl: FastLoss): Array<{ name: string; framework: string; reduction: string }> {
  return fl.implemented().flatMap(({ name, frameworks }) =>
    frameworks.flatMap((framework) => reductionsOf(fl, name, framework).map((reduction) => ({ name, framework, reduction }))),
  );
}

export function reductionsOf(fl: FastLoss, name: string, framework: string): string[] {
  return ALL_REDUCTIONS.filter((reduction) => {
    try {
      fl.loss(name, { framework, reduction });
      return true;
    } catch (e) {
      if (e instanceof LossError && e.code === 'BAD_OPTION') return false;
      throw e;
    }
  });
}
