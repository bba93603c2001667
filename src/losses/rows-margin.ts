/**
 * The margin and cosine families' row losses.
 *
 * - Keras CategoricalHinge and CosineSimilarity run on the shared row engine (./rows.ts: geometry over any axis
 *   with no transpose, tensors in place, arrays streamed) with row-ABI kernels (assembly/margin.ts
 *   categorical_hinge_f32, assembly/cosine.ts cosine_similarity_f32). pred and target are reconciled by Keras's
 *   squeeze_or_expand_to_same_rank; sample weights per sample, then Keras's reduce_values (./rows.ts
 *   kerasRowReduction, mean_with_sample_weight included). The kernels return the weighted total in f64. Weights
 *   that broadcast the per-sample values to more of them ([K, N] against [N]) are applied to the values, as Keras
 *   does and every other Keras engine here.
 * - torch CosineEmbeddingLoss (x1, x2 of shape [N, D] or [D], target [N] or [] of ±1, 'mean' over rows) runs on
 *   the same engine: x1 is pred, x2 the dense target (both differentiated), and its per-row label is the row
 *   ABI's trailing `rowLabels` operand (assembly/cosine.ts cosine_embedding_f32).
 */

import { applyWeighting, gradOutputFactors, kerasCommonShape, kerasWeighting, reduceValues, reductionOption, shapeMismatch, torchScale, weightingFactors, type KerasWeighting, type Reduction } from '../reduction.js';
import { gradDestinations, writtenData, type GradDestination } from '../stream.js';
import { floatInput, sameShape, shapeSize, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { KernelFn, Runtime } from '../wasm.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition, type BatchStats, type StreamHook } from './definition.js';
import { checkPlusMinusOne } from './elementwise.js';
import { axisGeometry, checkAxis, kerasRowReduction, runRows, type KerasReduction, type RowGeometry, type RowResult } from './rows.js';
import { axisOption, type LossContext } from '../options.js';


// ---- Keras rows: CategoricalHinge and CosineSimilarity, on the shared row engine ----

interface KerasRows {
  pred: FloatInput;
  target: FloatInput;
  geometry: RowGeometry;
  /** One weight per per-sample value (the weights add no axes), or null. */
  weights: Float32Array | null;
  /**
   * Weights that broadcast the per-sample values to more of them (values [N] with weights [K, N]): Keras multiplies
   * and reduces the broadcast product, as every Keras engine here does (src/reduction.ts kerasWeighting).
   */
  weighting: KerasWeighting | null;
  /** What 'none' returns: the per-sample shape, or Keras's weighted shape ([N, 1] for weights [N, 1]). */
  lossShape: readonly number[];
  weightTotal: number;
}

/** A Keras row loss over `axis` (CosineSimilarity's option; the last axis otherwise) with a row-ABI kernel. */
export function kerasRowsDefinition(kernel: string, withAxis: boolean): LossDefinition {
  const def: LossDefinition = {
    inputs: ['pred', 'target'],
    optionalInputs: ['sampleWeight'],
    options: { reduction: reductionOption('tensorflow'), ...(withAxis ? { axis: axisOption(-1) } : {}) },
    bind: (options, runtime, ctx) => bindKerasRowLoss(runtime.kernel(kernel), options, runtime, ctx, def),
  };
  return def;
}

function bindKerasRowLoss(kernel: KernelFn, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reduction = options.reduction as KerasReduction;
  const axis = (options.axis as number | undefined) ?? -1;

  function prepare(inputs: Inputs): KerasRows {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const target = floatInput(inputs.target, runtime, where, 'target');
    const common = kerasCommonShape(pred.shape, target.shape);
    if (common === null) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(pred.shape)} (or one that differs by a trailing axis of 1)`, target.shape);
    checkAxis(axis, common.length, ctx);
    const geometry = axisGeometry(common, axis);
    let weights: Float32Array | null = null;
    let weighting: KerasWeighting | null = null;
    let weightTotal = 0;
    let lossShape = geometry.rowShape;
    if (inputs.sampleWeight !== undefined) {
      const w = kerasWeighting(floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight'), geometry.rowShape, ctx);
      // Broadcasting never reorders values: as many weighted values as values means one weight each, in order.
      if (w.size === geometry.outer * geometry.inner) weights = w.weights;
      else weighting = w;
      weightTotal = w.weightSum;
      lossShape = w.shape;
    }
    return { pred, target, geometry, weights, weighting, weightTotal, lossShape };
  }

  /**
   * The kernel over every row: with `rowScale` (the sample weights, times gradOutput for 'none') it returns
   * Σ rowScale·l in f64 (assembly/margin.ts, assembly/cosine.ts), the weighted total Keras reduces.
   */
  function run(x: KerasRows, rowScale: Float32Array | null, grad: GradDestination | null, scale: number, rows: boolean) {
    return runRows(runtime, kernel, {
      geometry: x.geometry,
      pred: x.pred,
      target: { kind: 'dense', input: x.target },
      rowScale,
      scale,
      grad,
      rows,
    });
  }

  const reduced = (x: KerasRows, weightedSum: number) =>
    kerasRowReduction(weightedSum, weightedSum, x.geometry.outer * x.geometry.inner, reduction, x.weights === null ? null : { sum: x.weightTotal }, null, x.lossShape.length === 0);

  /** 'none': the per-row values times the weights. */
  function noneValue(x: KerasRows, values: Float32Array): OutputTensor {
    if (x.weights !== null) for (let r = 0; r < values.length; r++) values[r]! *= x.weights[r]!;
    return { data: values, shape: [...x.lossShape] };
  }

  /** Weights that add axes: Keras's reduce_values over the broadcast product of the unweighted values. */
  const broadcastValue = (w: KerasWeighting, values: Float32Array) => reduceValues(applyWeighting(values, w), w.shape, reduction as Reduction, w.weightSum);

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    if (x.weighting !== null) return broadcastValue(x.weighting, run(x, null, null, 1, true).values!);
    const r = run(x, x.weights, null, 1, reduction === 'none');
    return reduction === 'none' ? noneValue(x, r.values!) : reduced(x, r.sum).value;
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const dest = gradDestinations(options?.out, [{ name: 'pred', size: x.pred.size }], [x.pred, x.target], runtime, ctx).pred!;
    const go = gradOutputFactors(options?.gradOutput, x.lossShape, reduction as Reduction, runtime, ctx);
    // runRows may take a block of wasm memory (a row wider than the scratch region): read the gradient after it
    const gradOf = () => ({ pred: { data: writtenData(runtime, dest, x.pred.size), shape: [...x.pred.shape] } });
    if (x.weighting !== null) {
      // d result / d value_r: Σ over the weighted values it meets of weight · the reduction's factor · upstream
      const factors = weightingFactors(x.geometry.outer * x.geometry.inner, x.weighting, reduction as Reduction, go);
      const r = run(x, factors, dest, 1, true);
      return { value: broadcastValue(x.weighting, r.values!), grad: gradOf() };
    }
    if (reduction === 'none') {
      const rowScale = typeof go === 'number' ? x.weights : x.weights === null ? go : Float32Array.from(x.weights, (w, i) => w * go[i]!);
      const r = run(x, rowScale, dest, typeof go === 'number' ? go : 1, true);
      // the kernel's out[] holds the unweighted values: weight them as Keras's 'none' returns them
      return { value: noneValue(x, r.values!), grad: gradOf() };
    }
    // the factor of the reduction does not depend on the values: run once with it folded into the scale
    const { factor } = reduced(x, 0);
    const r = run(x, x.weights, dest, factor * (typeof go === 'number' ? go : 1), false);
    return { value: reduced(x, r.sum).value, grad: gradOf() };
  }

  // Streaming: the weighted total (the kernel's Σ w·l, or Σ of the broadcast product) and the divisor (the
  // number of weighted values, or Σ weights for mean_with_sample_weight); a per-sample shape of [] is returned as it is.
  const stream: StreamHook = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      if (x.geometry.rowShape.length === 0) throw shapeMismatch(ctx, 'pred', 'a batch axis to stream (a rank-1 pred is one sample: one row)', x.pred.shape);
      const n = x.weighting?.size ?? x.geometry.outer * x.geometry.inner;
      let sum: number;
      if (x.weighting === null) sum = run(x, x.weights, null, 1, false).sum;
      else {
        const weighted = applyWeighting(run(x, null, null, 1, true).values!, x.weighting);
        sum = 0;
        for (let i = 0; i < weighted.length; i++) sum += weighted[i]!;
      }
      return { sum, count: reduction === 'mean_with_sample_weight' && (x.weights !== null || x.weighting !== null) ? x.weightTotal : n, item: x.pred.shape.slice(1) };
    },
    result: (sum: number, count: number) => (reduction === 'sum' ? sum : count === 0 ? 0 : sum / count),
  };

  return { forward, withGrad, stream };
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
    checkPlusMinusOne(y, where, 'target');
    const cols = x1.shape[x1.shape.length - 1]!;
    // rows of D over the last axis: [N, D] is outer = N, C = D, inner = 1 ([D] is one row)
    return { x1, x2, y, rows: shapeSize(lossShape), cols, lossShape, geometry: axisGeometry(x1.shape, -1) };
  }

  type Prepared = ReturnType<typeof prepare>;

  function run(x: Prepared, rows: boolean, g1: GradDestination | null, g2: GradDestination | null, rowScale: Float32Array | null, scale: number): RowResult {
    if (x.cols === 0) {
      // no features: cos = 0 / sqrt(1e-24) = 0, so l = 1 (y = 1) or max(-margin, 0) (y = -1); no gradient
      const values = new Float32Array(x.rows);
      let sum = 0;
      for (let r = 0; r < x.rows; r++) sum += values[r] = x.y.array[r] === 1 ? 1 : Math.max(-margin, 0);
      return { sum, values: rows ? values : null };
    }
    return runRows(runtime, kernel, {
      geometry: x.geometry,
      pred: x.x1,
      target: { kind: 'dense', input: x.x2 },
      rowLabels: x.y,
      grad: g1,
      gradTarget: g2,
      rowScale,
      scale,
      p0: margin,
      rows,
    });
  }

  function reduced(x: Prepared, r: RowResult): number | OutputTensor {
    if (reduction === 'none') return { data: r.values!, shape: [...x.lossShape] };
    return r.sum * torchScale(reduction, x.rows);
  }

  return {
    forward(inputs, extra) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      const x = prepare(inputs);
      return reduced(x, run(x, reduction === 'none', null, null, null, 1));
    },
    withGrad(inputs, options) {
      checkGradOptions(options, where);
      const x = prepare(inputs);
      const dest = gradDestinations(options?.out, [{ name: 'x1', size: x.x1.size }, { name: 'x2', size: x.x2.size }], [x.x1, x.x2, x.y], runtime, ctx);
      const go = gradOutputFactors(options?.gradOutput, x.lossShape, reduction, runtime, ctx);
      let scale = reduction === 'none' ? 1 : torchScale(reduction, x.rows);
      let rowScale: Float32Array | null = null;
      if (typeof go === 'number') scale *= go;
      else rowScale = go;
      const r = run(x, reduction === 'none', dest.x1!, dest.x2!, rowScale, scale);
      const data = (name: 'x1' | 'x2') => writtenData(runtime, dest[name]!, x[name].size);
      return { value: reduced(x, r), grad: { x1: { data: data('x1'), shape: [...x.x1.shape] }, x2: { data: data('x2'), shape: [...x.x2.shape] } } };
    },
    // Streaming: Σ of the per-row losses and the number of rows.
    stream: {
      update(inputs: Inputs): BatchStats {
        const x = prepare(inputs);
        return { sum: run(x, false, null, null, null, 1).sum, count: x.rows, item: x.x1.shape.slice(1) };
      },
    },
  };
}
