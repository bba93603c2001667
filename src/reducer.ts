/**
 * The one reducer: framework × reduction × weighting → the value, the gradient's factors, and a stream's
 * statistics. Every engine (elementwise, pairwise, rows, sequences) computes per-sample values and their sums
 * with its kernels, describes them as `ReductionTerms`, and leaves every decision that depends on the reduction
 * to this file; none of them branches on a reduction's name.
 *
 * The rules (docs/semantics.md §1), from the frameworks' sources:
 * - Keras 3 (`keras/src/losses/loss.py`: `reduce_weighted_values`, `reduce_values`, `apply_mask`): the
 *   per-sample values times `sample_weight` (broadcast after `squeeze_or_expand_to_same_rank`: src/reduction.ts
 *   kerasWeighting), then 'sum'; 'sum_over_batch_size' = 'mean' divides by the number of weighted values (by the
 *   number of unmasked ones under a mask); 'mean_with_sample_weight' by Σ of the weights as given (Keras >=
 *   3.13), both with divide_no_nan (a divisor of 0 gives 0); 'none' returns the weighted values. A weighted value
 *   of shape [] is returned as it is, whatever the reduction.
 * - PyTorch (`apply_loss_reduction` and the losses' own means): 'sum'; 'mean' divides by the loss's divisor
 *   (the number of elements; Σ weight[y] over the non-ignored targets for NLL/CE; the batch size for KLDivLoss's
 *   'batchmean'; the number of sequences for CTC), NaN for 0/0 (the mean of nothing) with a zero gradient;
 *   'none' returns the values (times torch's per-element weights, when the loss has them).
 */

import type { Framework } from './frameworks.js';
import { applyWeighting, shapeMismatch, type KerasWeighting, type Reduction } from './reduction.js';
import { floatInput, sameShape, shapeString, type OutputTensor } from './tensor.js';
import type { Runtime } from './wasm.js';
import type { LossContext } from './options.js';

/** The per-sample values of one call, as the reducer needs to see them. */
export interface ReductionTerms {
  /** How many per-sample values the kernels produce. */
  readonly count: number;
  /** What 'none' returns: the values' shape, or Keras's weighted shape ([N, 1] for weights [N, 1]). */
  readonly shape: readonly number[];
  /**
   * One factor per value, in order: Keras sample weights that add no axes (as broadcast), PyTorch per-element
   * weights (BCELoss's `weight`). Null: none.
   */
  readonly weights?: Float32Array | null;
  /** Keras sample weights that broadcast the values to more of them (values [N], weights [K, N]); null: none. */
  readonly broadcast?: KerasWeighting | null;
  /** Keras: Σ of the sample weights as given (after a mask), the divisor of 'mean_with_sample_weight'; null: no weights. */
  readonly weightSum?: number | null;
  /**
   * The mean's divisor when it is not the number of (weighted) values: Keras's unmasked count (ignore_class),
   * PyTorch's Σ weight[y], the batch size ('batchmean'), the number of sequences.
   */
  readonly divisor?: number;
}

/**
 * The terms of `count` Keras per-sample values of `valuesShape`, weighted by `weighting` (src/reduction.ts
 * kerasWeighting of the call's sampleWeight) or not. Broadcasting never reorders values, so as many weighted values
 * as values means one weight each, in order: those go to the kernels as row factors (`weights`); weights that
 * broadcast the values to more of them ([K, N] against [N]) are applied to the values (`broadcast`), as Keras
 * multiplies and reduces the broadcast product.
 */
export function kerasTerms(count: number, valuesShape: readonly number[], weighting: KerasWeighting | null): ReductionTerms {
  if (weighting === null) return { count, shape: valuesShape };
  const oneEach = weighting.size === count;
  return { count, shape: weighting.shape, weights: oneEach ? weighting.weights : null, broadcast: oneEach ? null : weighting, weightSum: weighting.weightSum };
}

/** d result / d value_i = scale · (rowScale?.[i] ?? 1): what a gradient kernel multiplies f' by. */
export interface GradScale {
  readonly scale: number;
  readonly rowScale: Float32Array | null;
}

/** One batch's share of a streamed scalar reduction (the accumulator adds them up exactly). */
export interface ReducedStats {
  readonly sum: number;
  readonly count: number;
}

export class Reducer {
  /** 'none': the call returns a tensor of values. */
  readonly keepsValues: boolean;
  /** A mean of some kind ('mean', 'sum_over_batch_size', 'mean_with_sample_weight', 'batchmean'). */
  readonly averages: boolean;
  private readonly keras: boolean;

  constructor(
    framework: Framework,
    readonly reduction: Reduction,
    private readonly ctx: LossContext,
  ) {
    this.keras = framework === 'tensorflow';
    this.keepsValues = reduction === 'none';
    this.averages = reduction !== 'none' && reduction !== 'sum';
  }

  /** Keras returns a weighted value of shape [] as it is, whatever the reduction. */
  private returnsAsIs(t: ReductionTerms): boolean {
    return this.keras && t.shape.length === 0;
  }

  /**
   * The mean's divisor of `count` unweighted values whose leading axis has `batch` entries: the count, or the
   * batch for PyTorch's 'batchmean' (KLDivLoss). For the small-input paths, which build no terms.
   */
  countDivisor(count: number, batch: number): number {
    return this.reduction === 'batchmean' ? batch : count;
  }

  /** The mean's divisor (meaningful only when `averages`). */
  divisor(t: ReductionTerms): number {
    if (this.keras && this.reduction === 'mean_with_sample_weight' && t.weightSum != null) return t.weightSum;
    if (t.divisor !== undefined) return t.divisor;
    if (t.broadcast != null) return t.broadcast.size;
    return this.countDivisor(t.count, t.shape.length === 0 ? 1 : t.shape[0]!);
  }

  /** d value / d Σ(weighted values) for a scalar reduction; 1 for 'none'. A divisor of 0 gives 0 (no gradient). */
  factor(t: ReductionTerms): number {
    return this.returnsAsIs(t) ? 1 : this.factorOf(this.divisor(t));
  }

  /** The factor of a reduction whose mean divides by `divisor`. */
  factorOf(divisor: number): number {
    if (!this.averages) return 1;
    return divisor === 0 ? 0 : 1 / divisor;
  }

  /** A scalar reduction's value from Σ of the weighted values: Keras divide_no_nan, PyTorch's 0/0 = NaN. */
  fromSum(t: ReductionTerms, weightedSum: number): number {
    return this.returnsAsIs(t) ? weightedSum : this.reduceSum(weightedSum, this.divisor(t));
  }

  /** A scalar reduction of a sum whose mean divides by `divisor` (Keras: 0 for 0; PyTorch: the quotient, NaN for 0/0). */
  reduceSum(weightedSum: number, divisor: number): number {
    if (!this.averages) return weightedSum;
    if (divisor === 0 && this.keras) return 0;
    return weightedSum / divisor;
  }

  /** The weighted values: each value times its weight, or Keras's broadcast product. In place when weights are one each. */
  weighted(t: ReductionTerms, values: Float32Array): Float32Array {
    if (t.broadcast != null) return applyWeighting(values, t.broadcast);
    const w = t.weights;
    if (w != null) for (let i = 0; i < values.length; i++) values[i]! *= w[i]!;
    return values;
  }

  /** Σ of the weighted values, in float64 (each product unrounded where the weights are one per value). */
  weightedSum(t: ReductionTerms, values: Float32Array): number {
    let sum = 0;
    if (t.broadcast != null) {
      const v = applyWeighting(values, t.broadcast);
      for (let i = 0; i < v.length; i++) sum += v[i]!;
      return sum;
    }
    const w = t.weights;
    if (w == null) for (let i = 0; i < values.length; i++) sum += values[i]!;
    else for (let i = 0; i < values.length; i++) sum += values[i]! * w[i]!;
    return sum;
  }

  /**
   * Whether the call's value needs the per-sample values one by one ('none', or weights to apply), rather than
   * the kernels' Σ of them.
   */
  needsValues(t: ReductionTerms): boolean {
    return this.keepsValues || t.weights != null || t.broadcast != null;
  }

  /** The call's result from the unweighted per-sample values (their order is the terms'; they may be reused). */
  value(t: ReductionTerms, values: Float32Array): number | OutputTensor {
    if (this.keepsValues) return { data: this.weighted(t, values), shape: [...t.shape] };
    return this.fromSum(t, this.weightedSum(t, values));
  }

  /** The call's result from the kernels' Σ of the unweighted values, or from the values when `needsValues`. */
  valueOf(t: ReductionTerms, sum: number, values: Float32Array | null): number | OutputTensor {
    return this.needsValues(t) ? this.value(t, values!) : this.fromSum(t, sum);
  }

  /**
   * The upstream gradient (withGrad's gradOutput): for 'none' a tensor of the loss's shape (`t.shape`), as float32;
   * for a scalar reduction a number or a one-element tensor. Absent: 1 (the gradient of the value, or of Σ of the
   * 'none' values).
   */
  upstream(gradOutput: unknown, t: Pick<ReductionTerms, 'shape'>, runtime: Runtime): Float32Array | number {
    if (gradOutput === undefined) return 1;
    const ctx = this.ctx;
    const g = floatInput(gradOutput, runtime, `${ctx.loss} (${ctx.framework})`, 'gradOutput');
    if (!this.keepsValues) {
      if (g.size !== 1) throw shapeMismatch(ctx, 'gradOutput', 'a number or a one-element tensor (the loss is a scalar)', g.shape);
      return g.array[0]!;
    }
    if (!sameShape(g.shape, t.shape)) throw shapeMismatch(ctx, 'gradOutput', `the loss's shape ${shapeString(t.shape)}`, g.shape);
    return g.array instanceof Float32Array ? g.array : Float32Array.from(g.array);
  }

  /**
   * d result / d value_i for every per-sample value, given the upstream gradient: the reduction's factor, the
   * value's weight(s), the upstream number or tensor. With broadcast weights, Σ over the weighted values each
   * value meets.
   */
  gradScale(t: ReductionTerms, upstream: Float32Array | number): GradScale {
    if (t.broadcast != null) return { scale: 1, rowScale: this.broadcastFactors(t, t.broadcast, upstream) };
    const w = t.weights ?? null;
    if (typeof upstream === 'number') return { scale: this.factor(t) * upstream, rowScale: w };
    return { scale: 1, rowScale: w === null ? upstream : Float32Array.from(w, (x, i) => x * upstream[i]!) };
  }

  /**
   * With broadcast weights, d result / d value_i = Σ over the weighted values o that value i meets of
   * weight_o × the reduction's factor × the upstream gradient (a number, or one per weighted value for 'none').
   */
  private broadcastFactors(t: ReductionTerms, w: KerasWeighting, upstream: Float32Array | number): Float32Array {
    const out = new Float32Array(t.count);
    const scale = this.factor(t);
    for (let o = 0; o < w.size; o++) {
      const g = typeof upstream === 'number' ? upstream : upstream[o]!;
      out[w.valueIndex[o]!]! += w.weights[o]! * scale * g;
    }
    return out;
  }

  /** A batch's statistics for a stream: Σ of its weighted values, and its share of the mean's divisor. */
  stats(t: ReductionTerms, weightedSum: number): ReducedStats {
    return { sum: weightedSum, count: this.divisor(t) };
  }

  /** A stream's result from its totals: 'sum' → Σ; a mean → Σ / count (count 0: Keras 0, PyTorch NaN). */
  result(sum: number, count: number): number {
    return this.reduceSum(sum, count);
  }
}
