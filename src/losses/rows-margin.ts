/**
 * The margin and cosine families' row losses (code of the margin and cosine parts, loaded on demand: ./parts.ts).
 *
 * - Keras CategoricalHinge and CosineSimilarity run on the shared row engine (./rows.ts: geometry over any axis
 *   with no transpose, tensors in place, arrays streamed) with row-ABI kernels (assembly/margin.ts
 *   categorical_hinge_f32, assembly/cosine.ts cosine_similarity_f32). pred and target are reconciled by Keras's
 *   squeeze_or_expand_to_same_rank; sample weights per sample, then Keras's reduce_values (./rows.ts
 *   src/reducer.ts, mean_with_sample_weight included). The kernels return the weighted total in f64. Weights
 *   that broadcast the per-sample values to more of them ([K, N] against [N]) are applied to the values, as Keras
 *   does and every other Keras engine here.
 * - torch CosineEmbeddingLoss (x1, x2 of shape [N, D] or [D], target [N] or [] of ±1, 'mean' over rows) runs on
 *   the same engine: x1 is pred, x2 the dense target (both differentiated), and its per-row label is the row
 *   ABI's trailing `rowLabels` operand (assembly/cosine.ts cosine_embedding_f32).
 */

import { kerasCommonShape, kerasWeighting, shapeMismatch, type KerasWeighting, type Reduction } from '../reduction.js';
import { kerasTerms, Reducer, type ReductionTerms } from '../reducer.js';
import { gradDestinations, writtenData, type GradDestination } from '../engines/destinations.js';
import { floatInput, sameShape, shapeSize, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition, type BatchStats, type StreamHook } from './definition.js';
import { checkPlusMinusOne } from '../engines/labels.js';
import { axisGeometry, checkAxis, runRows, type RowKernel, type RowKernelName, type RowGeometry, type RowResult } from '../engines/rows.js';
import type { LossContext } from '../options.js';
import type { Binder } from './part-code.js';


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
  terms: ReductionTerms;
}

/** A Keras row loss over `axis` (CosineSimilarity's option; the last axis otherwise) with a row-ABI kernel. */
export function kerasRowsBinder(kernel: RowKernelName): Binder {
  return (options, runtime, ctx, def) => bindKerasRowLoss(runtime.kernel(kernel), options, runtime, ctx, def);
}

function bindKerasRowLoss(kernel: RowKernel, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const axis = (options.axis as number | undefined) ?? -1;

  function prepare(inputs: Inputs): KerasRows {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const target = floatInput(inputs.target, runtime, where, 'target');
    const common = kerasCommonShape(pred.shape, target.shape);
    if (common === null) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(pred.shape)} (or one that differs by a trailing axis of 1)`, target.shape);
    checkAxis(axis, common.length, ctx);
    const geometry = axisGeometry(common, axis);
    const w = inputs.sampleWeight === undefined ? null : kerasWeighting(floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight'), geometry.rowShape, ctx);
    const terms = kerasTerms(geometry.outer * geometry.inner, geometry.rowShape, w);
    return { pred, target, geometry, weights: terms.weights ?? null, weighting: terms.broadcast ?? null, lossShape: terms.shape, terms };
  }

  /**
   * The kernel over every row: with `rowScale` (the sample weights, times gradOutput for 'none') it returns
   * Σ rowScale·l in f64 (assembly/margin.ts, assembly/cosine.ts), the weighted total Keras reduces.
   */
  function run(x: KerasRows, rowScale: Float32Array | null, grad: GradDestination | null, scale: number, rows: boolean) {
    return runRows(runtime, kernel, {
      where,
      geometry: x.geometry,
      pred: x.pred,
      target: { kind: 'dense', input: x.target },
      rowScale,
      scale,
      grad,
      rows,
    });
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    // Weights one per value go to the kernel as its row factors: it returns Σ w·l in f64, from values it has not
    // rounded (a weighted sum that cancels keeps its digits). Broadcast ones the reducer applies to the values.
    if (reducer.keepsValues || x.weighting !== null) return reducer.value(x.terms, run(x, null, null, 1, true).values!);
    return reducer.fromSum(x.terms, run(x, x.weights, null, 1, false).sum);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const dest = gradDestinations(options?.out, [{ name: 'pred', size: x.pred.size }], [x.pred, x.target], runtime, ctx).pred!;
    const { scale, rowScale } = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
    // runRows may take a block of wasm memory (a row wider than the scratch region): read the gradient after it
    // The kernel's out[] holds the unweighted values, its Σ is Σ rowScale·l: with a scalar reduction and no broadcast
    // weights, rowScale is the weights (or null), and that Σ is the weighted total the reduction takes.
    const r = run(x, rowScale, dest, scale, reducer.keepsValues || x.weighting !== null);
    return { value: r.values !== null ? reducer.value(x.terms, r.values) : reducer.fromSum(x.terms, r.sum), grad: { pred: { data: writtenData(runtime, dest, x.pred.size), shape: [...x.pred.shape] } } };
  }

  // Streaming: the weighted total (the kernel's Σ w·l, or Σ of the broadcast product) and the divisor (the
  // number of weighted values, or Σ weights for mean_with_sample_weight); a per-sample shape of [] is returned as it is.
  const stream: StreamHook = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      if (x.geometry.rowShape.length === 0) throw shapeMismatch(ctx, 'pred', 'a batch axis to stream (a rank-1 pred is one sample: one row)', x.pred.shape);
      const sum = x.weighting !== null ? reducer.weightedSum(x.terms, run(x, null, null, 1, true).values!) : run(x, x.weights, null, 1, false).sum;
      return { ...reducer.stats(x.terms, sum), item: x.pred.shape.slice(1) };
    },
  };

  return { forward, withGrad, stream };
}

// ---- torch CosineEmbeddingLoss ----

export const bindCosineEmbedding: Binder = (options, runtime, ctx, def) => {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
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
    const rows = shapeSize(lossShape);
    return { x1, x2, y, rows, cols, lossShape, geometry: axisGeometry(x1.shape, -1), terms: { count: rows, shape: lossShape } };
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
      where,
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

  const reduced = (x: Prepared, r: RowResult): number | OutputTensor => reducer.valueOf(x.terms, r.sum, r.values);

  return {
    forward(inputs, extra) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      const x = prepare(inputs);
      return reduced(x, run(x, reducer.keepsValues, null, null, null, 1));
    },
    withGrad(inputs, options) {
      checkGradOptions(options, where);
      const x = prepare(inputs);
      const dest = gradDestinations(options?.out, [{ name: 'x1', size: x.x1.size }, { name: 'x2', size: x.x2.size }], [x.x1, x.x2, x.y], runtime, ctx);
      const { scale, rowScale } = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
      const r = run(x, reducer.keepsValues, dest.x1!, dest.x2!, rowScale, scale);
      const data = (name: 'x1' | 'x2') => writtenData(runtime, dest[name]!, x[name].size);
      return { value: reduced(x, r), grad: { x1: { data: data('x1'), shape: [...x.x1.shape] }, x2: { data: data('x2'), shape: [...x.x2.shape] } } };
    },
    // Streaming: Σ of the per-row losses and the number of rows.
    stream: {
      update(inputs: Inputs): BatchStats {
        const x = prepare(inputs);
        return { ...reducer.stats(x.terms, run(x, false, null, null, null, 1).sum), item: x.x1.shape.slice(1) };
      },
    },
  };
};
