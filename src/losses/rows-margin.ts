/**
 * A minimal row engine for the margin and cosine families: losses computed per row of D contiguous values by one
 * kernel call that returns Σ l and optionally writes the per-row values and the gradients (assembly/margin.ts
 * categorical_hinge_f32, assembly/cosine.ts). To be folded into the shared row engine (src/losses/rows.ts, from
 * the crossentropy family) when it lands: its geometry (Keras's per-sample rows over an axis, PyTorch's [N, D]
 * rows), sample weights and reductions are the same.
 *
 * - Keras (CategoricalHinge, CosineSimilarity): pred and target reconciled by squeeze_or_expand_to_same_rank, a
 *   shape-[] input is [1]; the loss reduces one axis (the last, or CosineSimilarity's `axis`), so the per-sample
 *   shape is the input shape without it; sample weights per sample, then reduce_values (with
 *   mean_with_sample_weight). An axis other than the last is transposed to the last on entry (and the gradient
 *   back), so kernels always walk contiguous rows.
 * - PyTorch (CosineEmbeddingLoss): x1, x2 of shape [N, D] or [D], target [N] or [] of ±1; 'mean' over rows.
 */

import { LossError } from '../errors.js';
import { expandSampleWeight, gradOutputFactors, kerasCommonShape, reduceValues, shapeMismatch, torchScale, type Reduction } from '../reduction.js';
import { streamRows } from '../stream.js';
import { floatInput, sameShape, shapeSize, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { KernelFn, Runtime } from '../wasm.js';
import { badOption, checkInputNames, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossContext, type LossDefinition, type OptionSpec } from './definition.js';
import { checkPlusMinusOne, kerasReductionFactor, MEAN_WITH_SAMPLE_WEIGHT, type PairReduction } from './elementwise.js';
import { reductionOption } from '../reduction.js';

const f32Input = (array: Float32Array, shape: readonly number[] = [array.length]): FloatInput => ({ shape, size: array.length, ptr: -1, array });
const out = (array: Float32Array) => ({ output: { array, ptr: -1 } });

/** [outer, A, inner] → [outer, inner, A] (or back with `inverse`). */
function transpose(x: ArrayLike<number>, outer: number, a: number, inner: number, inverse = false): Float32Array {
  const y = new Float32Array(outer * a * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < a; k++) {
      for (let i = 0; i < inner; i++) {
        const src = (o * a + k) * inner + i;
        const dst = (o * inner + i) * a + k;
        if (inverse) y[src] = x[dst]!;
        else y[dst] = x[src]!;
      }
    }
  }
  return y;
}

function noOut(where: string, options?: GradOptions): void {
  if (options?.out !== undefined) {
    throw new LossError({ code: 'BAD_OPTION', loss: where, argument: 'out', expected: 'no out option (this loss returns new gradient arrays)', received: 'an out option' });
  }
}

/** An integer axis option (CosineSimilarity), checked against the rank at call time. */
export function axisOption(defaultValue: number): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badOption(ctx, name, 'an integer axis', value);
      return value;
    },
  };
}

// ---- Keras rows ----

interface KerasRows {
  p: FloatInput;
  t: FloatInput;
  rows: number;
  cols: number;
  sampleShape: readonly number[];
  /** Set when the axis was transposed to the last: [outer, A, inner]. */
  moved: { outer: number; a: number; inner: number } | null;
  weights: Float32Array | null;
  weightSum: number | null;
  /** pred's shape as given: the gradient's. */
  predShape: readonly number[];
}

export function kerasRowsDefinition(kernel: string, withAxis: boolean): LossDefinition {
  const def: LossDefinition = {
    inputs: ['pred', 'target'],
    optionalInputs: ['sampleWeight'],
    options: { reduction: reductionOption('tensorflow', [MEAN_WITH_SAMPLE_WEIGHT]), ...(withAxis ? { axis: axisOption(-1) } : {}) },
    bind: (options, runtime, ctx) => bindKerasRows(runtime.kernel(kernel), options, runtime, ctx, def),
  };
  return def;
}

function bindKerasRows(kernel: KernelFn, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reduction = options.reduction as PairReduction;
  const axis = (options.axis as number | undefined) ?? -1;

  function prepare(inputs: Inputs): KerasRows {
    checkInputNames(inputs, def, where);
    let p = floatInput(inputs.pred, runtime, where, 'pred');
    let t = floatInput(inputs.target, runtime, where, 'target');
    const predShape = p.shape;
    const common = kerasCommonShape(p.shape, t.shape);
    if (common === null) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(p.shape)} (or one that differs by a trailing axis of 1)`, t.shape);
    const dims = common.length === 0 ? [1] : common;
    const ax = axis < 0 ? axis + dims.length : axis;
    if (ax < 0 || ax >= dims.length) {
      throw badOption(ctx, 'axis', `an axis of the input's shape ${shapeString(dims)}: an integer in [${-dims.length}, ${dims.length - 1}]`, axis);
    }
    const outer = shapeSize(dims.slice(0, ax));
    const a = dims[ax]!;
    const inner = shapeSize(dims.slice(ax + 1));
    const sampleShape = [...dims.slice(0, ax), ...dims.slice(ax + 1)];
    let moved = null;
    if (inner > 1 && a > 1) {
      moved = { outer, a, inner };
      p = f32Input(transpose(p.array, outer, a, inner));
      t = f32Input(transpose(t.array, outer, a, inner));
    }
    let weights: Float32Array | null = null;
    let weightSum: number | null = null;
    if (inputs.sampleWeight !== undefined) {
      const w = floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight');
      weights = expandSampleWeight(w, sampleShape, ctx);
      weightSum = 0;
      for (let i = 0; i < w.size; i++) weightSum += w.array[i]!;
    }
    return { p, t, rows: outer * inner, cols: a, sampleShape, moved, weights, weightSum, predShape };
  }

  /** Runs the kernel: returns Σ w·l (w = rowScale, or 1), per-row values into `values`, the gradient into `grad`. */
  function run(x: KerasRows, values: Float32Array | null, grad: Float32Array | null, rowScale: Float32Array | null, scale: number): number {
    if (x.cols === 0) return 0; // an empty axis: every per-row value is 0 (the arrays are already 0)
    const buffers = [{ input: x.p }, { input: x.t }, values === null ? null : { ...out(values), perRow: true }, grad === null ? null : out(grad), rowScale === null ? null : { input: f32Input(rowScale), perRow: true }];
    return streamRows(runtime, x.rows, x.cols, buffers, (count, [pp, pt, po, pg, ps]) => kernel(count, x.cols, pp!, pt!, po!, pg!, ps!, scale));
  }

  /** 'none': the per-row values times the weights; otherwise the (weighted) sum times the reduction's factor. */
  function value(x: KerasRows, weightedSum: number, values: Float32Array | null): number | OutputTensor {
    if (values === null) return weightedSum * kerasReductionFactor(reduction, x.rows, x.sampleShape, x.weightSum);
    if (x.weights !== null) for (let r = 0; r < values.length; r++) values[r]! *= x.weights[r]!;
    return reduceValues(values, x.sampleShape, 'none');
  }

  function forward(inputs: Inputs): number | OutputTensor {
    const x = prepare(inputs);
    const values = reduction === 'none' ? new Float32Array(x.rows) : null;
    return value(x, run(x, values, null, x.weights, 1), values);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    noOut(where, options);
    const x = prepare(inputs);
    const go = gradOutputFactors(options?.gradOutput, x.sampleShape, reduction as Reduction, runtime, ctx);
    let scale = reduction === 'none' ? 1 : kerasReductionFactor(reduction, x.rows, x.sampleShape, x.weightSum);
    let rowScale = x.weights;
    if (typeof go === 'number') scale *= go;
    else rowScale = rowScale === null ? go : Float32Array.from(rowScale, (w, i) => w * go[i]!);
    const values = reduction === 'none' ? new Float32Array(x.rows) : null;
    let grad: Float32Array = new Float32Array(x.rows * x.cols);
    const sum = run(x, values, grad, rowScale, scale);
    if (x.moved !== null) grad = transpose(grad, x.moved.outer, x.moved.a, x.moved.inner, true);
    return { value: value(x, sum, values), grad: { pred: { data: grad, shape: [...x.predShape] } } };
  }

  return { forward, withGrad };
}

// ---- torch CosineEmbeddingLoss ----

export function bindCosineEmbedding(options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reduction = options.reduction as Reduction;
  const margin = options.margin as number;
  const kernel = runtime.kernel('cosine_embedding_f32');

  function prepare(inputs: Inputs) {
    checkInputNames(inputs, def, where);
    const x1 = floatInput(inputs.x1, runtime, where, 'x1');
    const x2 = floatInput(inputs.x2, runtime, where, 'x2');
    const y = floatInput(inputs.target, runtime, where, 'target');
    if (x1.shape.length !== 1 && x1.shape.length !== 2) throw shapeMismatch(ctx, 'x1', 'a 1-D [D] or 2-D [N, D] tensor', x1.shape);
    if (!sameShape(x1.shape, x2.shape)) throw shapeMismatch(ctx, 'x2', `x1's shape ${shapeString(x1.shape)}`, x2.shape);
    const lossShape = x1.shape.slice(0, -1);
    if (!sameShape(y.shape, lossShape)) throw shapeMismatch(ctx, 'target', `shape ${shapeString(lossShape)} (one label per row of x1)`, y.shape);
    checkPlusMinusOne(y.array, where, 'target');
    const cols = x1.shape[x1.shape.length - 1]!;
    return { x1, x2, y, rows: shapeSize(lossShape), cols, lossShape };
  }

  type Prepared = ReturnType<typeof prepare>;

  function run(x: Prepared, values: Float32Array | null, g1: Float32Array | null, g2: Float32Array | null, rowScale: Float32Array | null, scale: number): number {
    if (x.cols === 0) {
      // no features: cos = 0 / sqrt(1e-24) = 0, so l = 1 (y = 1) or max(-margin, 0) (y = -1); no gradient
      let s = 0;
      for (let r = 0; r < x.rows; r++) {
        const l = x.y.array[r] === 1 ? 1 : Math.max(-margin, 0);
        if (values !== null) values[r] = l;
        s += l;
      }
      return s;
    }
    const buffers = [
      { input: x.x1 }, { input: x.x2 }, { input: x.y, perRow: true }, values === null ? null : { ...out(values), perRow: true },
      g1 === null ? null : out(g1), g2 === null ? null : out(g2), rowScale === null ? null : { input: f32Input(rowScale), perRow: true },
    ];
    return streamRows(runtime, x.rows, x.cols, buffers, (count, [p1, p2, py, po, pg1, pg2, ps]) => kernel(count, x.cols, p1!, p2!, py!, po!, pg1!, pg2!, ps!, scale, margin));
  }

  function reduced(x: Prepared, sum: number, values: Float32Array | null): number | OutputTensor {
    if (reduction === 'none') return { data: values!, shape: [...x.lossShape] };
    return sum * torchScale(reduction, x.rows);
  }

  return {
    forward(inputs) {
      const x = prepare(inputs);
      const values = reduction === 'none' ? new Float32Array(x.rows) : null;
      return reduced(x, run(x, values, null, null, null, 1), values);
    },
    withGrad(inputs, options) {
      noOut(where, options);
      const x = prepare(inputs);
      const go = gradOutputFactors(options?.gradOutput, x.lossShape, reduction, runtime, ctx);
      let scale = reduction === 'none' ? 1 : torchScale(reduction, x.rows);
      let rowScale: Float32Array | null = null;
      if (typeof go === 'number') scale *= go;
      else rowScale = go;
      const values = reduction === 'none' ? new Float32Array(x.rows) : null;
      const g1 = new Float32Array(x.x1.size);
      const g2 = new Float32Array(x.x2.size);
      const sum = run(x, values, g1, g2, rowScale, scale);
      return { value: reduced(x, sum, values), grad: { x1: { data: g1, shape: [...x.x1.shape] }, x2: { data: g2, shape: [...x.x2.shape] } } };
    },
  };
}
