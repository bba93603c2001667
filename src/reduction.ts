/**
 * The frameworks' shape rules around a reduction, shared by every family (docs/semantics.md §1): Keras's squeeze_or_expand_to_same_rank of y_true and y_pred, the per-sample geometry of its
 * last axis, and how its `sample_weight` broadcasts against the per-sample values (`kerasWeighting`). What a
 * reduction then computes (value, gradient factors, a stream's statistics) is the reducer's: src/reducer.ts.
 */

import { LossError } from './errors.js';
import { sameShape, shapeSize, shapeString, type FloatInput } from './tensor.js';
import type { LossContext } from './options.js';

/** The reductions of both frameworks, spelled once (src/signatures.ts). */
export type { Reduction } from './signatures.js';

/**
 * Keras's squeeze_or_expand_to_same_rank(y_true, y_pred): when the ranks differ by one and the longer shape
 * ends in 1, that axis is squeezed (or the rank-1 side expanded, which gives the same layout). Returns the
 * shape both sides then have, or null when they still differ.
 */
export function kerasCommonShape(pred: readonly number[], target: readonly number[]): readonly number[] | null {
  // Either way the data layout is unchanged: only the shape the loss sees (and so its last axis) is.
  if (target.length === pred.length + 1 && target[target.length - 1] === 1) {
    if (pred.length === 1) return sameShape(target, [...pred, 1]) ? target : null; // pred expanded
    return sameShape(target.slice(0, -1), pred) ? pred : null; // target squeezed
  }
  if (pred.length === target.length + 1 && pred[pred.length - 1] === 1) {
    if (target.length === 1) return sameShape(pred, [...target, 1]) ? pred : null; // target expanded
    return sameShape(pred.slice(0, -1), target) ? target : null; // pred squeezed
  }
  return sameShape(pred, target) ? pred : null;
}

/**
 * How a Keras loss that reduces the last axis sees a shape: `rows` per-sample values of `cols` elements each.
 * Keras treats a shape-[] input as [1].
 */
export interface KerasGeometry {
  readonly rows: number;
  readonly cols: number;
  readonly sampleShape: readonly number[];
}

export function kerasGeometry(shape: readonly number[]): KerasGeometry {
  if (shape.length === 0) return { rows: 1, cols: 1, sampleShape: [] };
  const sampleShape = shape.slice(0, -1);
  return { rows: shapeSize(sampleShape), cols: shape[shape.length - 1]!, sampleShape };
}

export function shapeMismatch(ctx: LossContext, argument: string, expected: string, received: readonly number[]): LossError {
  return new LossError({
    code: 'SHAPE_MISMATCH',
    loss: `${ctx.loss} (${ctx.framework})`,
    argument,
    expected,
    received: `shape ${shapeString(received)}`,
  });
}

/**
 * Keras 3's sample weighting (`reduce_weighted_values`, keras/src/losses/loss.py), exactly:
 *
 * 1. `squeeze_or_expand_to_same_rank(values, sample_weight)`: when the ranks differ by one and the longer shape
 *    ends in 1, the shorter side gets a trailing 1 if it is rank 1, otherwise the longer side's trailing 1 is
 *    squeezed. (Values [N] with weights [N, 1] become [N, 1]: 'none' then has shape [N, 1].)
 * 2. `values * sample_weight` with NumPy broadcasting, trailing axes aligned: weights [T] against values [N, T]
 *    weigh each column; weights [N] against [N, T] are an error unless N == T (then they weigh columns too,
 *    as Keras computes). Whatever does not broadcast is SHAPE_MISMATCH (Keras raises there).
 * 3. `reduce_values`: 'sum'; 'sum_over_batch_size' (= 'mean') divides by the number of weighted values;
 *    'mean_with_sample_weight' (Keras >= 3.13) by the sum of the weights as given after step 1 (not
 *    broadcast), both with divide_no_nan (0 / 0 = 0); a weighted value of shape [] is returned as it is.
 *
 * The weighted values are indexed by `out` (the broadcast shape); `valueIndex[o]` and `weightIndex[o]` say
 * which per-sample value and which weight element meet there.
 */
export interface KerasWeighting {
  /** Shape of the weighted values: what 'none' returns. */
  readonly shape: readonly number[];
  readonly size: number;
  readonly valueIndex: Int32Array;
  readonly weights: Float32Array;
  /** Σ of the weights after squeeze_or_expand (mean_with_sample_weight's divisor). */
  readonly weightSum: number;
}

/** NumPy's broadcast of two shapes (trailing axes aligned), or null. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each element of `out`, the flat index of the element of `shape` that broadcasts there (trailing aligned). */
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const size = shapeSize(out);
  const index = new Int32Array(size);
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  for (let i = shape.length - 1, stride = 1; i >= 0; i--) {
    strides[rank - shape.length + i] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  const coord = new Array<number>(rank).fill(0);
  let at = 0;
  for (let o = 0; o < size; o++) {
    index[o] = at;
    for (let i = rank - 1; i >= 0; i--) {
      at += strides[i]!;
      if (++coord[i]! < out[i]!) break;
      at -= strides[i]! * coord[i]!;
      coord[i] = 0;
    }
  }
  return index;
}

export function kerasWeighting(weight: FloatInput, valuesShape: readonly number[], ctx: LossContext): KerasWeighting {
  let v = valuesShape;
  let w = weight.shape;
  // squeeze_or_expand_to_same_rank(values, sample_weight)
  if (v.length === w.length + 1 && v[v.length - 1] === 1) {
    if (w.length === 1) w = [...w, 1];
    else v = v.slice(0, -1);
  } else if (w.length === v.length + 1 && w[w.length - 1] === 1) {
    if (v.length === 1) v = [...v, 1];
    else w = w.slice(0, -1);
  }
  const shape = broadcastShapes(v, w);
  if (shape === null) {
    throw shapeMismatch(
      ctx,
      'sampleWeight',
      `a shape that broadcasts (NumPy rules, trailing axes aligned, after Keras's squeeze_or_expand_to_same_rank) against the per-sample loss shape ${shapeString(valuesShape)}`,
      weight.shape,
    );
  }
  const valueIndex = broadcastIndex(v, shape);
  const weightIndex = broadcastIndex(w, shape);
  const source = weight.array;
  const weights = new Float32Array(valueIndex.length);
  for (let o = 0; o < weights.length; o++) weights[o] = source[weightIndex[o]!]!;
  let weightSum = 0;
  for (let i = 0; i < weight.size; i++) weightSum += Math.fround(source[i]!);
  return { shape, size: weights.length, valueIndex, weights, weightSum };
}

/** The weighted values `values[valueIndex[o]] · weights[o]` (Keras's `values * sample_weight`). */
export function applyWeighting(values: Float32Array, w: KerasWeighting): Float32Array {
  const out = new Float32Array(w.size);
  for (let o = 0; o < out.length; o++) out[o] = values[w.valueIndex[o]!]! * w.weights[o]!;
  return out;
}
