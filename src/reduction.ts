/**
 * The frameworks' reduction semantics, shared by every family (SEMANTICS.md §1):
 *
 * Keras 3 (`keras/src/losses/loss.py`): a loss function reduces the last axis to a per-sample tensor; then
 * `sample_weight` multiplies it (after `squeeze_or_expand_to_same_rank`), and `reduce_values` applies the
 * reduction: 'sum', 'sum_over_batch_size' = 'mean' (sum / number of per-sample values, divide_no_nan: 0 when
 * there are none), or 'none'. A scalar per-sample value is returned as it is.
 *
 * PyTorch (`apply_loss_reduction`): 'mean' over all elements (NaN when empty), 'sum', 'none'.
 */

import { LossError } from './errors.js';
import type { Framework } from './frameworks.js';
import { enumOption, type LossContext, type OptionSpec } from './losses/definition.js';
import { floatInput, sameShape, shapeSize, shapeString, type FloatInput, type OutputTensor } from './tensor.js';
import type { Runtime } from './wasm.js';

export type Reduction = 'none' | 'sum' | 'mean' | 'sum_over_batch_size' | 'batchmean' | 'mean_with_sample_weight';

const KERAS_REDUCTIONS = ['sum_over_batch_size', 'sum', 'none', 'mean'] as const;
const TORCH_REDUCTIONS = ['mean', 'sum', 'none'] as const;

/** The `reduction` option of a framework, default first (Keras 'sum_over_batch_size', PyTorch 'mean'). */
export function reductionOption(framework: Framework, extra: readonly string[] = []): OptionSpec {
  const values = [...(framework === 'tensorflow' ? KERAS_REDUCTIONS : TORCH_REDUCTIONS), ...extra];
  return enumOption(values, values[0]!);
}

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
 * Keras sample_weight, broadcast against the per-sample shape with the leading axes aligned (SEMANTICS.md §1):
 * `[N]` against `[N, d1]` weighs every value of sample n; a trailing axis of 1 beyond the per-sample rank is
 * squeezed; `[]` weighs everything. Returns one weight per per-sample value.
 */
export function expandSampleWeight(weight: FloatInput, sampleShape: readonly number[], ctx: LossContext): Float32Array {
  let shape = weight.shape;
  if (shape.length === sampleShape.length + 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const fits = shape.length <= sampleShape.length && shape.every((d, i) => d === sampleShape[i] || d === 1);
  if (!fits) {
    throw shapeMismatch(
      ctx,
      'sampleWeight',
      `a shape that broadcasts against the per-sample loss shape ${shapeString(sampleShape)} with leading axes aligned`,
      weight.shape,
    );
  }
  const rows = shapeSize(sampleShape);
  const out = new Float32Array(rows);
  const source = weight.array;
  if (sameShape(shape, sampleShape)) {
    out.set(source.subarray(0, rows));
    return out;
  }
  // Row-major walk over the per-sample shape; the weight index keeps the leading coordinates where the
  // weight's axis is not 1, and ignores the trailing axes the weight does not have.
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  const inner = shapeSize(sampleShape.slice(shape.length));
  const coord = new Array<number>(shape.length).fill(0);
  for (let r = 0; r < rows; r += inner) {
    let index = 0;
    for (let i = 0; i < shape.length; i++) index += coord[i]! * strides[i]!;
    out.fill(source[index]!, r, r + inner);
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++coord[i]! < sampleShape[i]!) break;
      coord[i] = 0;
    }
  }
  return out;
}

/** Keras reduce_values on weighted per-sample values (already multiplied): a number, or the 'none' tensor (PyTorch's 'none' too). */
export function reduceValues(values: Float32Array, sampleShape: readonly number[], reduction: Reduction): number | OutputTensor {
  if (reduction === 'none') return { data: values, shape: [...sampleShape] };
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return kerasScale(reduction, values.length) * sum;
}

/** The factor a Keras reduction applies to the sum of the per-sample values (divide_no_nan: 0 when empty). */
export function kerasScale(reduction: Reduction, rows: number): number {
  if (reduction === 'sum' || reduction === 'none') return 1;
  return rows === 0 ? 0 : 1 / rows;
}

/** The factor PyTorch's reduction applies to the sum of the elementwise losses (mean of nothing is NaN). */
export function torchScale(reduction: Reduction, n: number): number {
  if (reduction === 'mean') return n === 0 ? NaN : 1 / n;
  return 1;
}

/**
 * The upstream gradient of a withGrad call: for reduction 'none', a tensor of the loss's shape (default ones:
 * the gradient of the sum); for a scalar reduction, a number (default 1). Returns per-value factors, or a
 * single number.
 */
export function gradOutputFactors(
  gradOutput: unknown,
  lossShape: readonly number[],
  reduction: Reduction,
  runtime: Runtime,
  ctx: LossContext,
): Float32Array | number {
  if (gradOutput === undefined) return 1;
  const g = floatInput(gradOutput, runtime, `${ctx.loss} (${ctx.framework})`, 'gradOutput');
  if (reduction !== 'none') {
    if (g.size !== 1) throw shapeMismatch(ctx, 'gradOutput', 'a number or a one-element tensor (the loss is a scalar)', g.shape);
    return g.array[0]!;
  }
  if (!sameShape(g.shape, lossShape)) {
    throw shapeMismatch(ctx, 'gradOutput', `the loss's shape ${shapeString(lossShape)}`, g.shape);
  }
  return g.array instanceof Float32Array ? g.array : Float32Array.from(g.array);
}
