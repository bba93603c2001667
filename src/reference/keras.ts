/**
 * Float64 reference of Keras 3's weighting and reduction of per-sample losses (`reduce_weighted_values` and
 * `reduce_values`, keras/src/losses/loss.py), written plainly with coordinates: the oracle the engines'
 * index maps are tested against (docs/semantics.md §1).
 */

export type KerasReduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'none' | 'mean_with_sample_weight';

export interface KerasReduced {
  /** The result: a number, or the 'none' tensor (its shape is the weighted values' shape). */
  value: number | { data: Float64Array; shape: number[] };
  /** d(value · upstream)/d(values[i]) for every per-sample value. */
  dValues: Float64Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The coordinates of flat index `i` in `shape` (row-major). */
function coordinates(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    c[k] = i % shape[k]!;
    i = Math.floor(i / shape[k]!);
  }
  return c;
}

/** The flat index in `shape` of the element at `coord` of the broadcast shape (trailing axes aligned, size-1 axes repeat). */
function broadcastFlat(coord: readonly number[], shape: readonly number[]): number {
  const offset = coord.length - shape.length;
  let index = 0;
  for (let k = 0; k < shape.length; k++) index = index * shape[k]! + (shape[k] === 1 ? 0 : coord[offset + k]!);
  return index;
}

/**
 * Weights `values` (shape `valuesShape`) by `sampleWeight` as Keras 3 does and reduces. Returns null where Keras
 * raises (the shapes do not broadcast). `upstream`: the upstream gradient (one number, or one per weighted
 * value for 'none').
 */
export function kerasReduce(
  values: Float64Array,
  valuesShape: readonly number[],
  reduction: KerasReduction,
  sampleWeight?: { data: ArrayLike<number>; shape: readonly number[] },
  upstream?: ArrayLike<number>,
): KerasReduced | null {
  let vs = [...valuesShape];
  let ws = sampleWeight ? [...sampleWeight.shape] : [];
  const w = sampleWeight?.data ?? [1];
  if (sampleWeight) {
    // squeeze_or_expand_to_same_rank(values, sample_weight)
    if (vs.length === ws.length + 1 && vs[vs.length - 1] === 1) {
      if (ws.length === 1) ws.push(1);
      else vs = vs.slice(0, -1);
    } else if (ws.length === vs.length + 1 && ws[ws.length - 1] === 1) {
      if (vs.length === 1) vs.push(1);
      else ws = ws.slice(0, -1);
    }
  }
  // NumPy broadcasting
  const rank = Math.max(vs.length, ws.length);
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    const a = vs[vs.length - rank + k] ?? 1;
    const b = ws[ws.length - rank + k] ?? 1;
    if (a !== b && a !== 1 && b !== 1) return null;
    out.push(Math.max(a, b) === 1 ? 1 : a === 1 ? b : a);
  }
  const n = size(out);
  const weighted = new Float64Array(n);
  const valueAt = new Array<number>(n);
  const weightAt = new Array<number>(n);
  for (let o = 0; o < n; o++) {
    const c = coordinates(o, out);
    valueAt[o] = broadcastFlat(c, vs);
    weightAt[o] = broadcastFlat(c, ws);
    weighted[o] = values[valueAt[o]!]! * w[weightAt[o]!]!;
  }
  let weightSum = 0;
  for (let i = 0; i < size(ws); i++) weightSum += w[i]!;

  let value: KerasReduced['value'];
  let factor: number; // d value / d weighted[o], before the upstream gradient
  if (reduction === 'none' || out.length === 0) {
    value = reduction === 'none' ? { data: weighted, shape: out } : weighted[0]!; // a shape-[] value is returned as is
    factor = 1;
  } else {
    let sum = 0;
    for (const v of weighted) sum += v;
    const divisor = reduction === 'sum' ? 1 : reduction === 'mean_with_sample_weight' && sampleWeight ? weightSum : n;
    factor = divisor === 0 ? 0 : 1 / divisor; // divide_no_nan
    value = sum * factor;
  }
  const dValues = new Float64Array(values.length);
  for (let o = 0; o < n; o++) {
    const g = upstream === undefined ? 1 : reduction === 'none' ? upstream[o]! : upstream[0]!;
    dValues[valueAt[o]!]! += w[weightAt[o]!]! * factor * g;
  }
  return { value, dValues };
}
