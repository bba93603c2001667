/**
 * The pairwise engine: f(a, b[, y]) elementwise over inputs of one shape, with gradients with respect to both a
 * and b (bpr, pair_hinge, margin_ranking). The per-sample loss is f itself in both frameworks (Keras-style
 * pairwise losses have no last axis to average), so sample weights are per element. Kernels
 * `<k>_sum_f32(n, a, b, y, param)`, `<k>_map_f32(n, a, b, y, out, param, scale)` and
 * `<k>_grad_f32(n, a, b, y, ga, gb, param, scale)` (assembly/ranking.ts), over the tiling driver (./tiling.ts) in
 * the layout [n, 1, 1]; the reduction is the reducer's (src/reducer.ts).
 */

import { kerasWeighting, shapeMismatch, type KerasWeighting, type Reduction } from '../reduction.js';
import { kerasTerms, Reducer, type ReductionTerms } from '../reducer.js';
import { floatInput, sameShape, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import type { KernelName } from '../kernels.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition, type StreamHook } from '../losses/definition.js';
import type { LossContext } from '../options.js';
import { gradDestinations } from './destinations.js';
import { checkPlusMinusOne } from './labels.js';
import { packParams, placeParams } from './params.js';
import { splitSize } from './elementwise.js';
import { flat, tile, type TileOperand, type TilePlan } from './tiling.js';

/** The prefixes of the pairwise kernels: each `<p>` exported as `<p>_sum_f32`, `<p>_map_f32` and `<p>_grad_f32`. */
export type PairwiseKernels = {
  [K in KernelName]: K extends `${infer P}_map_f32` ? (`${P}_sum_f32` | `${P}_grad_f32` extends KernelName ? P : never) : never;
}[KernelName];

export interface PairwiseLoss {
  /** Prefix of the kernels: 'bpr' → bpr_sum_f32, bpr_map_f32, bpr_grad_f32. */
  readonly kernels: PairwiseKernels;
  /** The two differentiated inputs, in the kernels' order (a, b): ['positive', 'negative'], ['x1', 'x2']. */
  readonly inputs: readonly [string, string];
  /** A third input of ±1 labels (margin ranking's `target`), or undefined. */
  readonly label?: string;
  readonly param: number;
  readonly reduction: Reduction;
}

function asFloatInput(array: Float32Array): FloatInput {
  return { shape: [array.length], size: array.length, ptr: -1, array };
}


export function bindPairwiseLoss(spec: PairwiseLoss, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const sumKernel = runtime.kernel(`${spec.kernels}_sum_f32`);
  const mapKernel = runtime.kernel(`${spec.kernels}_map_f32`);
  const gradKernel = runtime.kernel(`${spec.kernels}_grad_f32`);
  const scaleRows = runtime.kernel('scale_rows_f32');
  const { param, label } = spec;
  /** The kernels' parameter block (the margin, or 0), packed once and placed by each call. */
  const params = packParams({ f32: param });
  const reducer = new Reducer(ctx.framework, spec.reduction, ctx);
  const [nameA, nameB] = spec.inputs;
  const keras = ctx.framework === 'tensorflow';
  const where = `${ctx.loss} (${ctx.framework})`;

  interface PairPrepared {
    a: FloatInput;
    b: FloatInput;
    y: FloatInput | null;
    n: number;
    shape: readonly number[];
    /** What 'none' returns: the inputs' shape, or Keras's weighted shape ([N, 1] for weights [N, 1]). */
    lossShape: readonly number[];
    /** One weight per element (Keras weights that add no axes), or null. */
    weights: Float32Array | null;
    /** Keras weights that broadcast the values to more of them ([K, N] against [N]), or null. */
    weighting: KerasWeighting | null;
    terms: ReductionTerms;
  }

  function prepare(inputs: Inputs): PairPrepared {
    checkInputNames(inputs, def, where);
    const a = floatInput(inputs[nameA], runtime, where, nameA);
    const b = floatInput(inputs[nameB], runtime, where, nameB);
    if (!sameShape(a.shape, b.shape)) throw shapeMismatch(ctx, nameB, `${nameA}'s shape ${shapeString(a.shape)}`, b.shape);
    let y: FloatInput | null = null;
    if (label !== undefined) {
      y = floatInput(inputs[label], runtime, where, label);
      if (!sameShape(a.shape, y.shape)) throw shapeMismatch(ctx, label, `${nameA}'s shape ${shapeString(a.shape)}`, y.shape);
      checkPlusMinusOne(y, where, label);
    }
    const w = keras && inputs.sampleWeight !== undefined ? kerasWeighting(floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight'), a.shape, ctx) : null;
    const terms = kerasTerms(a.size, a.shape, w);
    return { a, b, y, n: a.size, shape: a.shape, lossShape: terms.shape, weights: terms.weights ?? null, weighting: terms.broadcast ?? null, terms };
  }

  const ins = (x: PairPrepared): (TileOperand | null)[] => [{ width: 'wide', input: x.a }, { width: 'wide', input: x.b }, x.y === null ? null : { width: 'wide', input: x.y }];
  /** A plan of one kernel call per tile, split across threads from the kernel's split size (./elementwise.ts). */
  const minParallel = splitSize(spec.kernels);
  const plan = (steps: TilePlan['steps']): TilePlan => ({ steps, minParallel, where });
  const sumOf = (x: PairPrepared) => {
    const p = placeParams(runtime, params);
    return tile(runtime, flat(x.n), ins(x), plan(({ rows, ptrs: [pa, pb, py] }) => [[sumKernel, rows, pa!, pb!, py!, p]]));
  };

  /** The per-element values, unweighted. */
  function values(x: PairPrepared): Float32Array {
    const out = new Float32Array(x.n);
    const p = placeParams(runtime, params);
    tile(runtime, flat(x.n), [...ins(x), { width: 'wide', output: { array: out, ptr: -1 } }], plan(({ rows, ptrs: [pa, pb, py, po] }) => [[mapKernel, rows, pa!, pb!, py!, po!, p, 1]]));
    return out;
  }

  /** The call's value: from Σ f when nothing weighs the values and a scalar is asked, else from the values. */
  function reduced(x: PairPrepared, sum: number | null): number | OutputTensor {
    if (!reducer.needsValues(x.terms) && sum !== null) return reducer.fromSum(x.terms, sum);
    return reducer.value(x.terms, values(x));
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(`${ctx.loss} (${ctx.framework})`, extra);
    const x = prepare(inputs);
    if (reducer.needsValues(x.terms)) return reduced(x, null);
    return reduced(x, sumOf(x));
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const dest = gradDestinations(options?.out, [{ name: nameA, size: x.n }, { name: nameB, size: x.n }], [x.a, x.b, ...(x.y === null ? [] : [x.y])], runtime, ctx);
    const { scale, rowScale } = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
    const ga = dest[nameA]!;
    const gb = dest[nameB]!;
    const operands: (TileOperand | null)[] = [...ins(x), { width: 'wide', output: ga }, { width: 'wide', output: gb }, rowScale === null ? null : { width: 'row', input: asFloatInput(rowScale) }];
    const p = placeParams(runtime, params);
    const sum = tile(
      runtime,
      flat(x.n),
      operands,
      plan(({ rows, ptrs: [pa, pb, py, pga, pgb, ps] }) => [
        [gradKernel, rows, pa!, pb!, py!, pga!, pgb!, p, scale],
        ...(ps === 0 ? [] : ([[scaleRows, rows, 1, pga!, ps!], [scaleRows, rows, 1, pgb!, ps!]] as const)),
      ]),
    );
    const grad = { [nameA]: { data: ga.array, shape: [...x.shape] }, [nameB]: { data: gb.array, shape: [...x.shape] } };
    return { value: reduced(x, sum), grad };
  }

  // Streaming: Σ of the (weighted) elementwise values and the divisor (elements, or Σ weights for Keras's
  // mean_with_sample_weight); a Keras per-sample shape of [] is returned as it is.
  const stream: StreamHook = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      // Keras returns a rank-0 pair's value as it is, whatever the reduction: one pair, no batch axis to split.
      if (keras && x.shape.length === 0) throw shapeMismatch(ctx, nameA, 'a batch axis to stream (Keras returns the value of a rank-0 pair as it is)', x.shape);
      const sum = reducer.needsValues(x.terms)
        ? reducer.weightedSum(x.terms, values(x))
        : sumOf(x);
      return { ...reducer.stats(x.terms, sum), item: x.shape.slice(1) };
    },
  };

  return { forward, withGrad, stream };
}
