/**
 * Float64 references of Keras 3 `dice` and `tversky` (keras/src/losses/losses.py), transcribed as Keras writes
 * them: `ops.sum(y_true * y_pred, axis)`, `ops.sum(y_true * (1 - y_pred), axis)`, `ops.sum((1 - y_true) * y_pred,
 * axis)` over the given axes (null: every axis), then the ratio with `backend.epsilon()` (1e-7) in the
 * denominator. The gradient is the derivative of that ratio written with the three sums as Keras names them
 * (true positives, false negatives, false positives), not the kernels' a·y + b form. The tests' oracle; the product
 * never imports this file.
 */

const EPSILON = 1e-7; // keras.backend.epsilon()

export interface OverlapOptions {
  /** null or absent: every axis. */
  axis?: number | readonly number[] | null;
  /** Tversky's α (false negatives) and β (false positives); absent: Dice. */
  alpha?: number;
  beta?: number;
}

export interface OverlapReference {
  /** The per-group values (the shape without the reduced axes, row-major). */
  values: Float64Array;
  shape: number[];
  /** ∂ Σ values / ∂ pred (each group's value differentiated, summed). */
  grad: Float64Array;
}

/** Keras dice (no alpha) or tversky of `pred` and `target` of `shape`. */
export function overlapReference(pred: ArrayLike<number>, target: ArrayLike<number>, shape: readonly number[], o: OverlapOptions = {}): OverlapReference {
  const rank = shape.length;
  const axes = o.axis === undefined || o.axis === null ? shape.map((_, d) => d) : (typeof o.axis === 'number' ? [o.axis] : o.axis).map((a) => (a < 0 ? a + rank : a));
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outShape = kept.map((d) => shape[d]!);
  const groups = outShape.reduce((a, b) => a * b, 1);
  const n = shape.reduce((a, b) => a * b, 1);
  /** The group of flat element e: its coordinates on the kept axes, row-major. */
  const groupOf = (e: number): number => {
    const coord = new Array<number>(rank);
    for (let d = rank - 1; d >= 0; d--) {
      coord[d] = e % shape[d]!;
      e = Math.floor(e / shape[d]!);
    }
    let g = 0;
    for (const d of kept) g = g * shape[d]! + coord[d]!;
    return g;
  };
  const tp = new Float64Array(groups);
  const fn = new Float64Array(groups);
  const fp = new Float64Array(groups);
  const ys = new Float64Array(groups);
  const ps = new Float64Array(groups);
  const group = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const g = (group[e] = groupOf(e));
    const y = target[e]!;
    const p = pred[e]!;
    tp[g]! += y * p;
    fn[g]! += y * (1 - p);
    fp[g]! += (1 - y) * p;
    ys[g]! += y;
    ps[g]! += p;
  }
  const tversky = o.alpha !== undefined || o.beta !== undefined;
  const alpha = o.alpha ?? 0.5;
  const beta = o.beta ?? 0.5;
  const values = new Float64Array(groups);
  const denominator = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    if (tversky) {
      denominator[g] = tp[g]! + alpha * fn[g]! + beta * fp[g]! + EPSILON;
      values[g] = 1 - tp[g]! / denominator[g]!;
    } else {
      denominator[g] = ys[g]! + ps[g]! + EPSILON;
      values[g] = 1 - (2 * tp[g]!) / denominator[g]!;
    }
  }
  const grad = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const g = group[e]!;
    const y = target[e]!;
    const d = denominator[g]!;
    if (tversky) {
      // l = 1 - TP/D: dTP = y, dFN = -y, dFP = 1 - y
      const dD = y - alpha * y + beta * (1 - y);
      grad[e] = -(y * d - tp[g]! * dD) / (d * d);
    } else {
      // l = 1 - 2TP/D: dTP = y, dD = 1
      grad[e] = -(2 * y * d - 2 * tp[g]!) / (d * d);
    }
  }
  return { values, shape: outShape, grad };
}
