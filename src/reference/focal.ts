/**
 * Float64 references of the binary focal cross-entropy, transcribed from the frameworks' code as they write it
 * (the tests' oracle; the product never imports this file):
 * - Keras 3 `binary_focal_crossentropy` (keras/src/losses/losses.py) on the TensorFlow backend: label smoothing,
 *   sigmoid, the BCE of `binary_crossentropy` (keras/src/backend/tensorflow/nn.py: clipped on probabilities, exact
 *   sigmoid_cross_entropy_with_logits on logits, through the `_keras_logits` tag), `p_t`, `(1 - p_t)^γ`, the
 *   class-balancing weight, then the mean over `axis`.
 * - torchvision 0.28 `sigmoid_focal_loss` (torchvision/ops/focal_loss.py), per element.
 * Unlike the kernels (assembly/focal.ts), 1 - p_t is computed as written, a difference: in float64 it is exact
 * enough for the inputs the tests give (|x| < 30), and it is the frameworks' own way.
 */

const EPSILON = 1e-7; // keras.backend.epsilon()

export interface KerasFocalOptions {
  applyClassBalancing?: boolean;
  alpha?: number;
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);

/** Keras's focal term of one element (before the mean over the axis). */
export function kerasFocalElement(p: number, t: number, o: KerasFocalOptions = {}): number {
  const ls = o.labelSmoothing ?? 0;
  const alpha = o.alpha ?? 0.25;
  const gamma = o.gamma ?? 2;
  const y = ls === 0 ? t : t * (1 - ls) + 0.5 * ls;
  let bce: number;
  let prob: number;
  if (o.fromLogits === true) {
    prob = sigmoid(p);
    bce = Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p)));
  } else {
    prob = p;
    const q = clip(p);
    bce = -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  }
  const pt = y * prob + (1 - y) * (1 - prob);
  let focal = Math.pow(1 - pt, gamma) * bce;
  if (o.applyClassBalancing === true) focal *= y * alpha + (1 - y) * (1 - alpha);
  return focal;
}

/** torchvision sigmoid_focal_loss of one element (reduction 'none'); alpha < 0 weighs nothing. */
export function torchvisionFocalElement(x: number, t: number, alpha = 0.25, gamma = 2): number {
  const p = sigmoid(x);
  const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
  const pt = p * t + (1 - p) * (1 - t);
  let loss = ce * Math.pow(1 - pt, gamma);
  if (alpha >= 0) loss *= alpha * t + (1 - alpha) * (1 - t);
  return loss;
}

/**
 * Keras's per-sample values of pred and target of one shape: the mean of the focal terms over `axis` (any axis),
 * in the order of the shape without it.
 */
export function kerasFocalValues(pred: ArrayLike<number>, target: ArrayLike<number>, shape: readonly number[], axis = -1, o: KerasFocalOptions = {}): { data: Float64Array; shape: number[] } {
  const a = axis < 0 ? axis + shape.length : axis;
  const outer = shape.slice(0, a).reduce((x, y) => x * y, 1);
  const d = shape[a]!;
  const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const out = new Float64Array(outer * inner);
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < inner; k++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const j = (i * d + c) * inner + k;
        s += kerasFocalElement(pred[j]!, target[j]!, o);
      }
      out[i * inner + k] = s / d;
    }
  }
  return { data: out, shape: [...shape.slice(0, a), ...shape.slice(a + 1)] };
}

export interface KerasCategoricalFocalOptions {
  alpha?: number | readonly number[];
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
  /** The sparse form: entries with this label count 0 (and are masked out of the mean by the caller). */
  ignoreClass?: number | null;
}

/**
 * Keras `categorical_focal_crossentropy` per row (keras/src/losses/losses.py), transcribed: smoothing with K =
 * y's last axis, softmax on logits, renormalisation, clip, α·(1 - o)^γ·(-y log o) summed over the class axis.
 * `target` is one-hot (pred's shape) or, `sparse`, class indices of pred's shape without the axis. Returns the
 * per-sample values in the order of pred's shape without the axis (0 for an ignored label).
 */
export function kerasCategoricalFocalValues(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  shape: readonly number[],
  o: KerasCategoricalFocalOptions = {},
  sparse = false,
): Float64Array {
  const rank = shape.length;
  const a = (o.axis ?? -1) < 0 ? (o.axis ?? -1) + rank : o.axis!;
  const outer = shape.slice(0, a).reduce((x, y) => x * y, 1);
  const C = shape[a]!;
  const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const K = shape[rank - 1]!;
  const ls = o.labelSmoothing ?? 0;
  const gamma = o.gamma ?? 2;
  const alpha = o.alpha ?? 0.25;
  const out = new Float64Array(outer * inner);
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < inner; k++) {
      const r = i * inner + k;
      const at = (c: number) => (i * C + c) * inner + k;
      if (sparse && o.ignoreClass != null && target[r] === o.ignoreClass) continue;
      let s = Array.from({ length: C }, (_, c) => pred[at(c)]!);
      if (o.fromLogits === true) {
        const m = Math.max(...s);
        const e = s.map((x) => Math.exp(x - m));
        const z = e.reduce((x, y) => x + y, 0);
        s = e.map((x) => x / z);
      }
      const S = s.reduce((x, y) => x + y, 0);
      let l = 0;
      for (let c = 0; c < C; c++) {
        const t = sparse ? (target[r] === c ? 1 : 0) : target[at(c)]!;
        const y = t * (1 - ls) + ls / K;
        const q = clip(s[c]! / S);
        const ac = typeof alpha === 'number' ? alpha : alpha.length === 1 ? alpha[0]! : alpha[c]!;
        l += ac * Math.pow(1 - q, gamma) * -y * Math.log(q);
      }
      out[r] = l;
    }
  }
  return out;
}
