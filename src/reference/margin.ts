/**
 * Float64 references of the margin, ranking and cosine families: the oracle of the tests, never called by the
 * product. Written from docs/semantics.md §1-2 (hinge, ch, cs, bpr / phinge) as literally as possible: per-sample
 * losses and their derivatives by the formulas, then each framework's reduction; no kernel tricks (softplus is
 * log1p(exp(·)) by branches, the cosine gradient is the derivative of n(t)·n(p) written out).
 *
 * Inputs are the float32-rounded values as plain numbers; everything after is float64.
 */

import { kerasReduce as kerasWeighted, type KerasReduction } from './keras.js';

export type { KerasReduction };

export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

export interface MarginRef {
  /** A number for scalar reductions, a tensor for 'none'. */
  value: number | RefTensor;
  /** d value / d input for every differentiated input (of sum(gradOutput * value) for 'none'). */
  grads: Record<string, Float64Array>;
}

/** Per-sample losses l_r and, for given coefficients c_r, the gradient of Σ c_r·l_r with respect to each input. */
interface PerSample {
  values: Float64Array;
  shape: number[];
  backward(c: Float64Array): Record<string, Float64Array>;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);


export interface KerasOptions {
  reduction: KerasReduction;
  /** Any shape Keras 3 accepts (squeeze or expand, then NumPy broadcasting against the per-sample shape). */
  sampleWeight?: { data: ArrayLike<number>; shape: number[] };
  gradOutput?: ArrayLike<number>;
}

export interface TorchOptions {
  reduction: 'mean' | 'sum' | 'none';
  gradOutput?: ArrayLike<number>;
}

/**
 * Keras 3 reduce_weighted_values over the per-sample losses: the shared float64 oracle of the weighting
 * (./keras.ts: squeeze_or_expand_to_same_rank, NumPy broadcasting, divide_no_nan), then the losses' own
 * derivatives chained through d value / d values.
 */
function kerasReduce(ps: PerSample, o: KerasOptions): MarginRef {
  const reduced = kerasWeighted(ps.values, ps.shape, o.reduction, o.sampleWeight, o.gradOutput);
  if (reduced === null) throw new Error(`reference: sampleWeight [${o.sampleWeight?.shape}] does not broadcast against [${ps.shape}]`);
  const value = typeof reduced.value === 'number' ? reduced.value : { data: reduced.value.data, shape: reduced.value.shape };
  return { value, grads: ps.backward(reduced.dValues) };
}

/** PyTorch apply_loss_reduction. */
function torchReduce(ps: PerSample, o: TorchOptions): MarginRef {
  const n = ps.values.length;
  if (o.reduction === 'none') {
    const c = new Float64Array(n).map((_, r) => o.gradOutput?.[r] ?? 1);
    return { value: { data: ps.values, shape: ps.shape }, grads: ps.backward(c) };
  }
  let total = 0;
  for (const v of ps.values) total += v;
  const scale = o.reduction === 'mean' ? 1 / n : 1;
  const c = new Float64Array(n).fill((o.gradOutput?.[0] ?? 1) * scale);
  return { value: o.reduction === 'mean' && n === 0 ? NaN : total * scale, grads: ps.backward(c) };
}

// ---- Keras Hinge, SquaredHinge: mean over the last axis ----

function hingeLabels(t: ArrayLike<number>): number[] {
  const binary = Array.from(t).every((v) => v === 0 || v === 1);
  return Array.from(t, (v) => (binary ? 2 * v - 1 : v));
}

function lastAxisMean(f: (p: number, y: number) => number, df: (p: number, y: number) => number) {
  return (pred: ArrayLike<number>, target: ArrayLike<number>, shape: number[], o: KerasOptions): MarginRef => {
    const y = hingeLabels(target);
    const dims = shape.length === 0 ? [1] : shape;
    const cols = dims[dims.length - 1]!;
    const sampleShape = dims.slice(0, -1);
    const rows = size(sampleShape);
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += f(pred[r * cols + c]!, y[r * cols + c]!);
      values[r] = s / cols;
    }
    return kerasReduce(
      {
        values,
        shape: sampleShape,
        backward(coef) {
          const g = new Float64Array(rows * cols);
          for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) g[r * cols + c] = (coef[r]! / cols) * df(pred[r * cols + c]!, y[r * cols + c]!);
          return { pred: g };
        },
      },
      o,
    );
  };
}

/** Keras Hinge: max(1 - y·p, 0); the gradient -y passes where 1 - y·p >= 0. */
export const kerasHinge = lastAxisMean(
  (p, y) => Math.max(1 - y * p, 0),
  (p, y) => (1 - y * p >= 0 ? -y : 0),
);

/** Keras SquaredHinge: max(1 - y·p, 0)². */
export const kerasSquaredHinge = lastAxisMean(
  (p, y) => Math.max(1 - y * p, 0) ** 2,
  (p, y) => -2 * y * Math.max(1 - y * p, 0),
);

// ---- Keras CategoricalHinge and CosineSimilarity: per row over an axis ----

/** Rows of `axis` as index lists: the per-sample shape is the shape without it. */
function axisRows(shape: number[], axis: number): { rows: number[][]; sampleShape: number[] } {
  const dims = shape.length === 0 ? [1] : shape;
  const ax = axis < 0 ? axis + dims.length : axis;
  const outer = size(dims.slice(0, ax));
  const a = dims[ax]!;
  const inner = size(dims.slice(ax + 1));
  const rows: number[][] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) rows.push(Array.from({ length: a }, (_, k) => (o * a + k) * inner + i));
  return { rows, sampleShape: [...dims.slice(0, ax), ...dims.slice(ax + 1)] };
}

export function kerasCategoricalHinge(pred: ArrayLike<number>, target: ArrayLike<number>, shape: number[], o: KerasOptions): MarginRef {
  const { rows, sampleShape } = axisRows(shape, -1);
  const values = new Float64Array(rows.length);
  const parts = rows.map((idx, r) => {
    let pos = 0;
    let neg = -Infinity;
    for (const i of idx) {
      pos += target[i]! * pred[i]!;
      neg = Math.max(neg, (1 - target[i]!) * pred[i]!);
    }
    const z = neg - pos + 1;
    values[r] = Math.max(z, 0);
    const maxima = idx.filter((i) => (1 - target[i]!) * pred[i]! === neg);
    return { z, maxima };
  });
  return kerasReduce(
    {
      values,
      shape: sampleShape,
      backward(c) {
        const g = new Float64Array(pred.length);
        rows.forEach((idx, r) => {
          const { z, maxima } = parts[r]!;
          if (!(z >= 0)) return;
          for (const i of idx) g[i] = -c[r]! * target[i]!;
          for (const i of maxima) g[i]! += (c[r]! * (1 - target[i]!)) / maxima.length;
        });
        return { pred: g };
      },
    },
    o,
  );
}

const INV_EPSILON = 1e7; // 1 / keras.backend.epsilon()

export function kerasCosineSimilarity(pred: ArrayLike<number>, target: ArrayLike<number>, shape: number[], o: KerasOptions & { axis?: number }): MarginRef {
  const { rows, sampleShape } = axisRows(shape, o.axis ?? -1);
  const values = new Float64Array(rows.length);
  const stats = rows.map((idx, r) => {
    let dot = 0;
    let sp = 0;
    let st = 0;
    for (const i of idx) {
      dot += target[i]! * pred[i]!;
      sp += pred[i]! ** 2;
      st += target[i]! ** 2;
    }
    const rp = 1 / Math.sqrt(sp);
    const rt = 1 / Math.sqrt(st);
    const ip = Math.min(rp, INV_EPSILON);
    const it = Math.min(rt, INV_EPSILON);
    values[r] = -dot * it * ip;
    return { dot, ip, it, clamped: !(rp <= INV_EPSILON) };
  });
  return kerasReduce(
    {
      values,
      shape: sampleShape,
      backward(c) {
        const g = new Float64Array(pred.length);
        rows.forEach((idx, r) => {
          const { dot, ip, it, clamped } = stats[r]!;
          for (const i of idx) {
            // l = -it·Σ t·(p·ip): d/dp_k of p_j·ip is ip·δ_jk - p_j·p_k·ip³ on the rsqrt branch, ip·δ_jk on the constant
            const d = clamped ? -it * ip * target[i]! : -it * (ip * target[i]! - dot * ip ** 3 * pred[i]!);
            g[i] = c[r]! * d;
          }
        });
        return { pred: g };
      },
    },
    o,
  );
}

// ---- torch HingeEmbeddingLoss, MarginRankingLoss; bpr, pair_hinge ----

export function torchHingeEmbedding(pred: ArrayLike<number>, target: ArrayLike<number>, shape: number[], o: TorchOptions & { margin?: number }): MarginRef {
  const m = o.margin ?? 1;
  const values = Float64Array.from(pred, (p, i) => (target[i] === 1 ? p : Math.max(m - p, 0)));
  return torchReduce(
    {
      values,
      shape,
      backward: (c) => ({ pred: Float64Array.from(pred, (p, i) => c[i]! * (target[i] === 1 ? 1 : m - p >= 0 ? -1 : 0)) }),
    },
    o,
  );
}

/** A loss of d = a - b elementwise: values and ∂/∂a (∂/∂b = -∂/∂a). */
function pairwise(a: ArrayLike<number>, b: ArrayLike<number>, shape: number[], f: (d: number, i: number) => number, df: (d: number, i: number) => number, names: [string, string]): PerSample {
  const d = Float64Array.from(a, (x, i) => x - b[i]!);
  return {
    values: d.map((x, i) => f(x, i)),
    shape,
    backward(c) {
      const ga = d.map((x, i) => c[i]! * df(x, i));
      return { [names[0]]: ga, [names[1]]: ga.map((x) => -x) };
    },
  };
}

export function torchMarginRanking(x1: ArrayLike<number>, x2: ArrayLike<number>, y: ArrayLike<number>, shape: number[], o: TorchOptions & { margin?: number }): MarginRef {
  const m = o.margin ?? 0;
  return torchReduce(
    pairwise(x1, x2, shape, (d, i) => Math.max(-y[i]! * d + m, 0), (d, i) => (-y[i]! * d + m >= 0 ? -y[i]! : 0), ['x1', 'x2']),
    o,
  );
}

/** softplus(x) = log(1 + e^x), by branches so neither side overflows. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** BPR: -log σ(d) = softplus(-d); ∂/∂positive = -σ(-d). */
export function bpr(positive: ArrayLike<number>, negative: ArrayLike<number>, shape: number[], o: KerasOptions): MarginRef {
  return kerasReduce(pairwise(positive, negative, shape, (d) => softplus(-d), (d) => -sigmoid(-d), ['positive', 'negative']), o);
}

/** Pairwise hinge: max(0, margin - d); ∂/∂positive = -1 where margin - d >= 0. */
export function pairHinge(positive: ArrayLike<number>, negative: ArrayLike<number>, shape: number[], o: KerasOptions & { margin?: number }): MarginRef {
  const m = o.margin ?? 1;
  return kerasReduce(pairwise(positive, negative, shape, (d) => Math.max(0, m - d), (d) => (m - d >= 0 ? -1 : 0), ['positive', 'negative']), o);
}

// ---- torch CosineEmbeddingLoss ----

/** torch's `constexpr float EPSILON = 1e-12` of aten/src/ATen/native/Loss.cpp, in double arithmetic. */
const TORCH_EPSILON = Math.fround(1e-12);

export function torchCosineEmbedding(x1: ArrayLike<number>, x2: ArrayLike<number>, y: ArrayLike<number>, shape: number[], o: TorchOptions & { margin?: number }): MarginRef {
  const m = o.margin ?? 0;
  const cols = shape[shape.length - 1]!;
  const lossShape = shape.slice(0, -1);
  const rows = size(lossShape);
  const values = new Float64Array(rows);
  const stats = Array.from({ length: rows }, (_, r) => {
    let dot = 0;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < cols; k++) {
      const u = x1[r * cols + k]!;
      const v = x2[r * cols + k]!;
      dot += u * v;
      s1 += u * u;
      s2 += v * v;
    }
    const a = s1 + TORCH_EPSILON;
    const b = s2 + TORCH_EPSILON;
    const cos = dot / Math.sqrt(a * b);
    values[r] = y[r] === 1 ? 1 - cos : Math.max(cos - m, 0);
    return { a, b, cos, dl: y[r] === 1 ? -1 : cos - m >= 0 ? 1 : 0 };
  });
  return torchReduce(
    {
      values,
      shape: lossShape,
      backward(c) {
        const g1 = new Float64Array(rows * cols);
        const g2 = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          const { a, b, cos, dl } = stats[r]!;
          const den = Math.sqrt(a * b);
          for (let k = 0; k < cols; k++) {
            const u = x1[r * cols + k]!;
            const v = x2[r * cols + k]!;
            g1[r * cols + k] = c[r]! * dl * (v / den - (cos * u) / a);
            g2[r * cols + k] = c[r]! * dl * (u / den - (cos * v) / b);
          }
        }
        return { x1: g1, x2: g2 };
      },
    },
    o,
  );
}
