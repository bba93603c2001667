/**
 * Float64 reference implementations of the regression family: the oracle of the tests, never called by the
 * product. Written from docs/semantics.md §1-2 as literally as possible (Keras's `where` branches, torch's CPU
 * backward branches), simple and slow, and independent of the product's code: no shared helpers, no kernel
 * tricks (the product computes Huber as m·(|d| - m/2) with m = min(|d|, δ); this file uses the branches).
 *
 * Inputs are the float32-rounded values as plain numbers; everything after is float64.
 * NaN conventions, where docs/semantics.md is silent, are torch 1.13's (measured): sign(NaN) = 0 for the |x|
 * gradients (L1, MAPE), and NaN for the Huber family, whose backward is a comparison chain ending in `x`.
 */

import { kerasReduce, type KerasReduction } from './keras.js';

export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

export interface RefResult {
  /** A number for 'sum'/'mean'-style reductions, a tensor for 'none'. */
  value: number | RefTensor;
  /** d value / d pred (or of sum(gradOutput * value) for 'none'), shaped like pred. */
  grad: Float64Array;
}

const EPSILON = 1e-7; // keras.backend.epsilon()

/** torch.sign: 0 at 0 and at NaN. */
function sign0(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** An elementwise loss f(p, t) and ∂f/∂p. */
export interface Pointwise {
  f(p: number, t: number): number;
  df(p: number, t: number): number;
}

export const squaredError: Pointwise = {
  f: (p, t) => (p - t) ** 2,
  df: (p, t) => 2 * (p - t),
};

export const absoluteError: Pointwise = {
  f: (p, t) => Math.abs(p - t),
  df: (p, t) => sign0(p - t),
};

/** Keras MAPE: 100 · |t - p| / max(|t|, ε) (the 100 and the mean over the last axis: see kerasLoss). */
export const percentageError: Pointwise = {
  f: (p, t) => (100 * Math.abs(t - p)) / Math.max(Math.abs(t), EPSILON),
  df: (p, t) => (-100 * sign0(t - p)) / Math.max(Math.abs(t), EPSILON),
};

/** Keras MSLE: (log(max(p, ε) + 1) - log(max(t, ε) + 1))²; maximum passes the gradient where p >= ε. */
export const squaredLogError: Pointwise = {
  f: (p, t) => (Math.log1p(Math.max(p, EPSILON)) - Math.log1p(Math.max(t, EPSILON))) ** 2,
  df: (p, t) => {
    if (!(p >= EPSILON)) return 0;
    return (2 * (Math.log1p(p) - Math.log1p(Math.max(t, EPSILON)))) / (1 + p);
  },
};

/** Keras Huber(δ): where(|e| <= δ, 0.5·e², δ·|e| - 0.5·δ²); gradient e or δ·sign(e) by the same branch. */
/**
 * Keras LogCosh: log(cosh(p - t)), its derivative tanh(p - t). Three regimes, each exact to float64 rounding:
 * the Taylor series a²/2 - a⁴/12 + a⁶/45 below a = 1e-2 (log(cosh a) itself rounds cosh a to 1 there), log(cosh a)
 * up to 20, and a - log 2 + log(1 + e^(-2a)) above (cosh overflows past 710).
 */
export const logCoshError: Pointwise = {
  f: (p, t) => {
    const a = Math.abs(p - t);
    if (Number.isNaN(a)) return NaN;
    if (a < 1e-2) return (a * a) / 2 - a ** 4 / 12 + a ** 6 / 45;
    if (a <= 20) return Math.log(Math.cosh(a));
    return a - Math.log(2) + Math.log(1 + Math.exp(-2 * a));
  },
  df: (p, t) => Math.tanh(p - t),
};

export function kerasHuber(delta: number): Pointwise {
  return {
    f(p, t) {
      const e = p - t;
      return Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
    },
    df(p, t) {
      const e = p - t;
      if (Number.isNaN(e)) return NaN;
      return Math.abs(e) <= delta ? e : delta * Math.sign(e);
    },
  };
}

/**
 * torch SmoothL1Loss(β = 0): |e|, whose backward is torch's smooth_l1 kernel, not L1's: `x <= -β ? -1 : x >= β ?
 * 1 : x / β`, so a tie (x = 0 <= -0) gives -1 and NaN stays NaN (torch 1.13, measured in the fixtures).
 */
const smoothL1Zero: Pointwise = {
  f: (p, t) => Math.abs(p - t),
  df: (p, t) => {
    const x = p - t;
    if (x <= 0) return -1; // torch tests x <= -β with β = 0: -0 and +0 both take it
    if (x >= 0) return 1;
    return x / 0; // NaN
  },
};

/** torch SmoothL1Loss(β): |e| < β ? 0.5·e²/β : |e| - 0.5·β. Backward as torch's CPU kernel. */
export function torchSmoothL1(beta: number): Pointwise {
  if (beta === 0) return smoothL1Zero;
  return {
    f(p, t) {
      const e = Math.abs(p - t);
      return e < beta ? (0.5 * e * e) / beta : e - 0.5 * beta;
    },
    df(p, t) {
      const x = p - t;
      return x < -beta ? -1 : x > beta ? 1 : x / beta;
    },
  };
}

/** torch HuberLoss(δ): |e| < δ ? 0.5·e² : δ·(|e| - 0.5·δ). Backward as torch's CPU kernel. */
export function torchHuber(delta: number): Pointwise {
  return {
    f(p, t) {
      const e = Math.abs(p - t);
      return e < delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
    },
    df(p, t) {
      const x = p - t;
      return x < -delta ? -delta : x > delta ? delta : x;
    },
  };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function equal(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export interface TorchOptions {
  reduction: 'mean' | 'sum' | 'none';
  gradOutput?: ArrayLike<number>;
}

/** PyTorch: f elementwise, then mean over all elements / sum / none. */
export function torchLoss(fn: Pointwise, pred: ArrayLike<number>, target: ArrayLike<number>, shape: number[], o: TorchOptions): RefResult {
  const n = pred.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = fn.f(pred[i]!, target[i]!);
  const grad = new Float64Array(n);
  if (o.reduction === 'none') {
    for (let i = 0; i < n; i++) grad[i] = (o.gradOutput?.[i] ?? 1) * fn.df(pred[i]!, target[i]!);
    return { value: { data: values, shape: [...shape] }, grad };
  }
  let sum = 0;
  for (const v of values) sum += v;
  const scale = o.reduction === 'mean' ? 1 / n : 1; // 1/0 = Infinity: the mean of nothing is 0·∞ = NaN
  const upstream = o.gradOutput?.[0] ?? 1;
  for (let i = 0; i < n; i++) grad[i] = upstream * scale * fn.df(pred[i]!, target[i]!);
  return { value: n === 0 && o.reduction === 'mean' ? NaN : sum * scale, grad };
}

export interface KerasOptions {
  reduction: KerasReduction;
  sampleWeight?: { data: ArrayLike<number>; shape: number[] };
  gradOutput?: ArrayLike<number>;
}

/**
 * Keras 3: the pointwise loss averaged over the last axis (a shape-[] input is [1]) after
 * squeeze_or_expand_to_same_rank, then weighted and reduced as Keras 3 does (./keras.ts).
 * Returns null when the shapes cannot be reconciled.
 */
export function kerasLoss(
  fn: Pointwise,
  pred: ArrayLike<number>,
  predShape: number[],
  target: ArrayLike<number>,
  targetShape: number[],
  o: KerasOptions,
): RefResult | null {
  let shape = predShape;
  if (!equal(predShape, targetShape)) {
    const [longer, shorter] = predShape.length > targetShape.length ? [predShape, targetShape] : [targetShape, predShape];
    const ok = longer.length === shorter.length + 1 && longer[longer.length - 1] === 1 && equal(longer.slice(0, -1), shorter);
    if (!ok) return null;
    // The rank-1 side is expanded (keeps the longer shape); otherwise the longer side is squeezed.
    shape = shorter.length === 1 ? longer : shorter;
  }
  const dims = shape.length === 0 ? [1] : shape;
  const cols = dims[dims.length - 1]!;
  const sampleShape = dims.slice(0, -1);
  const rows = size(sampleShape);

  const values = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += fn.f(pred[r * cols + c]!, target[r * cols + c]!);
    values[r] = sum / cols; // cols = 0: 0/0 = NaN, the mean of an empty axis
  }
  if (rows === 0 && o.reduction !== 'none') return { value: 0, grad: new Float64Array(0) }; // divide_no_nan of nothing
  const reduced = kerasReduce(values, sampleShape, o.reduction, o.sampleWeight, o.gradOutput);
  if (reduced === null) return null;
  const grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = reduced.dValues[r]! / cols;
    for (let c = 0; c < cols; c++) grad[r * cols + c] = s * fn.df(pred[r * cols + c]!, target[r * cols + c]!);
  }
  return { value: reduced.value, grad };
}

/**
 * torch GaussianNLLLoss (torch/nn/functional.py `gaussian_nll_loss`), float64, as torch writes it: var unsqueezed at
 * the end when it has pred's shape without the last axis, then broadcast (NumPy rules) against pred; `var.clamp(min
 * = eps)` under no_grad; `0.5 * (log(var) + (input - target)**2 / var)`, `+ 0.5 * log(2π)` when full. Returns the
 * per-element values, d Σ values / d pred, and d Σ values / d var (summed over the broadcast, the clamp invisible to
 * it as in torch).
 */
export function gaussianNllReference(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  variance: ArrayLike<number>,
  shape: readonly number[],
  varShape: readonly number[],
  o: { full?: boolean; eps?: number } = {},
): { values: Float64Array; gradPred: Float64Array; gradVar: Float64Array } {
  const eps = o.eps ?? 1e-6;
  let vs = [...varShape];
  if (vs.length === shape.length - 1 && vs.every((d, k) => d === shape[k])) vs = [...vs, 1];
  // NumPy broadcasting, trailing axes aligned
  const rank = shape.length;
  const n = shape.reduce((a, b) => a * b, 1);
  const index = (e: number): number => {
    let j = 0;
    let stride = 1;
    for (let k = rank - 1, kv = vs.length - 1; k >= 0; k--, kv--) {
      const coord = e % shape[k]!;
      e = Math.floor(e / shape[k]!);
      if (kv >= 0) {
        if (vs[kv] !== 1) j += coord * stride;
        stride *= vs[kv]!;
      }
    }
    return j;
  };
  const values = new Float64Array(n);
  const gradPred = new Float64Array(n);
  const gradVar = new Float64Array(variance.length);
  for (let e = 0; e < n; e++) {
    const j = index(e);
    const v = Math.max(variance[j]!, eps);
    const d = pred[e]! - target[e]!;
    values[e] = 0.5 * (Math.log(v) + (d * d) / v) + (o.full === true ? 0.5 * Math.log(2 * Math.PI) : 0);
    gradPred[e] = d / v;
    gradVar[j]! += 0.5 * (1 / v - (d * d) / (v * v));
  }
  return { values, gradPred, gradVar };
}
