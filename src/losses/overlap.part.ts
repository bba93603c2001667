/**
 * The overlap part's code (./parts.ts: loaded with the first of its losses; their declarations are ./overlap.ts):
 * Keras Dice and Tversky. Kernels: assembly/overlap.ts, which says the math (three sums per group of elements,
 * TP = Σ y·p, Y = Σ y, P = Σ p, and a gradient a·y + b per group).
 *
 * The geometry: Keras sums over `axis` (`ops.sum`), so the per-sample values have the input's shape without those
 * axes, one per group of elements. When the reduced axes are one run (size-1 axes aside: every `axis` of a channels-
 * last or channels-first tensor a user writes, and the default, every axis), the input is a block [O, R, I] (O·I
 * groups of R elements at stride I) that the kernels read in place or tile by tile, with no copy. Reduced axes that
 * are not one run (axis [0, 2] of a rank-3 tensor) are moved last in a copy first, and the gradient moved back.
 *
 * The values: Keras's reduction of them (src/reducer.ts), sampleWeight included; with `axis` null the value has
 * shape [], which Keras returns as it is whatever the reduction, and a sampleWeight broadcasts ([N] weights give
 * 'none' = l·w, 'sum_over_batch_size' = l·mean(w)).
 */

import { LossError } from '../errors.js';
import type { LossContext } from '../options.js';
import { kerasCommonShape, kerasWeighting, shapeMismatch, type Reduction } from '../reduction.js';
import { kerasTerms, Reducer, type ReductionTerms } from '../reducer.js';
import { floatInput, shapeSize, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { gradDestinations, writtenData, type GradDestination } from '../engines/destinations.js';
import { flat, tile } from '../engines/tiling.js';
import { forBlocksOf } from '../engines/blocks.js';
import { inversePermutation, permuted } from '../engines/permute.js';
import { binderKey } from '../lazy-parts.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition } from './definition.js';
import type { Binder, PartCode } from './part-code.js';

/** keras.backend.epsilon(), in float32 as Keras adds it to float32 sums. */
const EPSILON = Math.fround(1e-7);

// ---- the loss of three sums ----

/**
 * A loss of the sums TP = Σ y·p, Y = Σ y, P = Σ p of a group: its value, and the coefficients of its gradient
 * ∂l/∂p_i = a·y_i + b (each sum is linear in p_i, with slopes y_i, y_i and 1).
 */
interface OverlapMath {
  value(tp: number, y: number, p: number): number;
  /** [a, b] of the group, times `s` (the reduction's factor of its value). */
  coefficients(tp: number, y: number, p: number, s: number, out: Float64Array, at: number, planes: number): void;
}

/**
 * Dice = 1 - 2·TP/D, D = Y + P + ε: ∂l/∂p_i = -2y_i/D + 2·TP/D², so a = -2/D, b = 2·TP/D².
 */
const DICE: OverlapMath = {
  value: (tp, y, p) => 1 - (2 * tp) / (y + p + EPSILON),
  coefficients(tp, y, p, s, out, at, planes) {
    const d = y + p + EPSILON;
    out[at] = (-2 / d) * s;
    out[at + planes] = ((2 * tp) / (d * d)) * s;
  },
};

/**
 * Tversky = 1 - TP/D, D = TP + α·(Y - TP) + β·(P - TP) + ε (Keras's Σ y(1 - p) and Σ (1 - y)p): ∂D/∂p_i =
 * (1 - α - β)·y_i + β, so a = -1/D + TP·(1 - α - β)/D², b = TP·β/D².
 */
function tverskyMath(alpha: number, beta: number): OverlapMath {
  const denominator = (tp: number, y: number, p: number) => tp + alpha * (y - tp) + beta * (p - tp) + EPSILON;
  return {
    value: (tp, y, p) => 1 - tp / denominator(tp, y, p),
    coefficients(tp, y, p, s, out, at, planes) {
      const d = denominator(tp, y, p);
      out[at] = (-1 / d + (tp * (1 - alpha - beta)) / (d * d)) * s;
      out[at + planes] = ((tp * beta) / (d * d)) * s;
    },
  };
}

// ---- the geometry ----

/**
 * How `axis` groups the elements of a shape: the block [O, R, I] the kernels walk (O·I groups of R elements at
 * stride I), the values' shape (the kept axes), and, when the reduced axes are not one run, the permutation that
 * moves them last (the block is then [groups, R, 1] of the moved copy).
 */
export interface OverlapGroups {
  readonly O: number;
  readonly R: number;
  readonly I: number;
  readonly groups: number;
  readonly valuesShape: readonly number[];
  /** The axes in the order the copy holds them (kept, then reduced), or null: no copy. */
  readonly permutation: readonly number[] | null;
  /** Axis 0 is kept: one value per item of the batch (what an accumulator adds up). */
  readonly keepsBatch: boolean;
}

/** The groups of `shape` under Keras's `axis` (null: every axis); a bad axis is BAD_OPTION. */
export function overlapGroups(shape: readonly number[], axes: readonly number[] | null, ctx: LossContext): OverlapGroups {
  const rank = shape.length;
  const size = shapeSize(shape);
  if (axes === null) return { O: 1, R: size, I: 1, groups: 1, valuesShape: [], permutation: null, keepsBatch: false };
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) {
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) throw badAxis(ctx, axes, `axes in [${-rank}, ${rank - 1}] (the inputs have rank ${rank})`);
    if (reduced[axis]) throw badAxis(ctx, axes, 'each axis once');
    reduced[axis] = true;
  }
  const valuesShape = shape.filter((_, d) => !reduced[d]);
  const groups = shapeSize(valuesShape);
  const keepsBatch = rank > 0 && !reduced[0];
  // the reduced axes that matter (size-1 axes group nothing): one run between kept axes, or not
  const first = reduced.findIndex((r, d) => r && shape[d] !== 1);
  if (first < 0) return { O: groups, R: 1, I: 1, groups, valuesShape, permutation: null, keepsBatch };
  let last = first;
  for (let d = first; d < rank; d++) if (reduced[d] && shape[d] !== 1) last = d;
  const run = shape.every((n, d) => d < first || d > last || reduced[d] || n === 1);
  const R = shapeSize(shape.filter((_, d) => reduced[d]));
  if (!run) {
    const kept = shape.map((_, d) => d).filter((d) => !reduced[d]);
    return { O: groups, R, I: 1, groups, valuesShape, permutation: [...kept, ...shape.map((_, d) => d).filter((d) => reduced[d])], keepsBatch };
  }
  const O = shapeSize(shape.slice(0, first));
  const I = shapeSize(shape.slice(last + 1));
  return { O, R, I, groups, valuesShape, permutation: null, keepsBatch };
}

function badAxis(ctx: LossContext, axes: readonly number[], expected: string): LossError {
  return new LossError({
    code: 'BAD_OPTION',
    loss: `${ctx.loss} (${ctx.framework})`,
    argument: 'option "axis"',
    expected,
    received: axes.length === 1 ? String(axes[0]) : `[${axes.join(', ')}]`,
  });
}

// ---- the engine ----

interface Prepared {
  readonly pred: FloatInput;
  readonly target: FloatInput;
  readonly shape: readonly number[];
  readonly g: OverlapGroups;
  readonly terms: ReductionTerms;
}

function bindOverlap(math: OverlapMath, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const axes = options.axis as readonly number[] | null;
  const sumsKernel = runtime.kernel('overlap_sums_f32');
  const gradKernel = runtime.kernel('overlap_grad_f32');

  function prepare(inputs: Inputs): Prepared {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const target = floatInput(inputs.target, runtime, where, 'target');
    const shape = kerasCommonShape(pred.shape, target.shape);
    if (shape === null) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(pred.shape)} (or one that differs by a trailing axis of 1)`, target.shape);
    const g = overlapGroups(shape, axes, ctx);
    const weighting = inputs.sampleWeight === undefined ? null : kerasWeighting(floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight'), g.valuesShape, ctx);
    return { pred, target, shape, g, terms: kerasTerms(g.groups, g.valuesShape, weighting) };
  }

  /** The inputs as the kernels read them: in place, or moved (a copy) when the reduced axes are not one run. */
  function operands(x: Prepared): [FloatInput, FloatInput] {
    const perm = x.g.permutation;
    if (perm === null) return [x.pred, x.target];
    const moved = (input: FloatInput): FloatInput => ({ shape: perm.map((d) => x.shape[d]!), size: input.size, ptr: -1, array: permuted(input.array, x.shape, perm) });
    return [moved(x.pred), moved(x.target)];
  }

  /** The group of element e of the block [O, R, I] (the tiny-input paths'; the kernels walk blocks). */
  const groupOf = (g: OverlapGroups, e: number) => Math.floor(e / (g.R * g.I)) * g.I + (e % g.I);

  /** TP, Y, P of every group: three planes of `groups` f64 each. */
  function sums(x: Prepared, p: FloatInput, t: FloatInput): Float64Array {
    const { O, R, I, groups } = x.g;
    const out = new Float64Array(3 * groups);
    const n = p.size;
    if (n === 0 || groups === 0) return out;
    if (n <= ctx.jsBelow && p.ptr < 0 && t.ptr < 0) {
      // the tiny-input path: the kernels' sums in JS (float32 data, f64 products and sums)
      const pa = p.array;
      const ta = t.array;
      for (let e = 0; e < n; e++) {
        const gi = groupOf(x.g, e);
        const pe = Math.fround(pa[e]!);
        const te = Math.fround(ta[e]!);
        out[gi]! += pe * te;
        out[groups + gi]! += te;
        out[2 * groups + gi]! += pe;
      }
      return out;
    }
    const acc = runtime.heap.alloc(out.byteLength);
    try {
      runtime.f64().fill(0, acc >> 3, (acc >> 3) + 3 * groups);
      tile(runtime, flat(n), [{ width: 'wide', input: p }, { width: 'wide', input: t }], (tl) => {
        forBlocksOf(O, R, I, tl.firstRow, tl.firstRow + tl.rows, (o, r, i, offset, group) => {
          sumsKernel(o, r, i, tl.ptrs[0]! + offset * 4, tl.ptrs[1]! + offset * 4, acc + group * 8, groups);
        });
        return 0;
      });
      out.set(runtime.f64().subarray(acc >> 3, (acc >> 3) + 3 * groups));
    } finally {
      runtime.heap.free(acc);
    }
    return out;
  }

  /** The values of the groups (f64), from their sums. */
  function valuesOf(s: Float64Array, groups: number): Float64Array {
    const v = new Float64Array(groups);
    for (let k = 0; k < groups; k++) v[k] = math.value(s[k]!, s[groups + k]!, s[2 * groups + k]!);
    return v;
  }

  function reduce(x: Prepared, v: Float64Array): number | OutputTensor {
    if (reducer.needsValues(x.terms)) return reducer.value(x.terms, Float32Array.from(v));
    let sum = 0;
    for (let k = 0; k < v.length; k++) sum += v[k]!;
    return reducer.fromSum(x.terms, sum);
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    const [p, t] = operands(x);
    return reduce(x, valuesOf(sums(x, p, t), x.g.groups));
  }

  /** grad = a[g]·y + b[g] over every element, into `dest` (in the kernels' order: the moved copy's, if any). */
  function gradient(x: Prepared, t: FloatInput, coef: Float64Array, dest: GradDestination): void {
    const { O, R, I, groups } = x.g;
    const n = t.size;
    if (n === 0) return;
    if (n <= ctx.jsBelow && t.ptr < 0 && dest.ptr < 0) {
      const ta = t.array;
      const out = dest.array;
      for (let e = 0; e < n; e++) {
        const gi = groupOf(x.g, e);
        out[e] = coef[gi]! * Math.fround(ta[e]!) + coef[groups + gi]!;
      }
      return;
    }
    const at = runtime.heap.alloc(coef.byteLength);
    try {
      runtime.f64().set(coef, at >> 3);
      tile(runtime, flat(n), [{ width: 'wide', input: t }, { width: 'wide', output: dest }], (tl) => {
        forBlocksOf(O, R, I, tl.firstRow, tl.firstRow + tl.rows, (o, r, i, offset, group) => {
          gradKernel(o, r, i, tl.ptrs[0]! + offset * 4, tl.ptrs[1]! + offset * 4, at + group * 8, groups);
        });
        return 0;
      });
    } finally {
      runtime.heap.free(at);
    }
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const dest = gradDestinations(options?.out, [{ name: 'pred', size: x.pred.size }], [x.pred, x.target], runtime, ctx).pred!;
    const { scale, rowScale } = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
    const [p, t] = operands(x);
    const groups = x.g.groups;
    const s = sums(x, p, t);
    const coef = new Float64Array(2 * groups);
    for (let k = 0; k < groups; k++) math.coefficients(s[k]!, s[groups + k]!, s[2 * groups + k]!, scale * (rowScale?.[k] ?? 1), coef, k, groups);
    const perm = x.g.permutation;
    if (perm === null) gradient(x, t, coef, dest);
    else {
      // the gradient of the moved copy, moved back into the destination
      const moved: GradDestination = { array: new Float32Array(x.pred.size), ptr: -1 };
      gradient(x, t, coef, moved);
      permuted(moved.array, perm.map((d) => x.shape[d]!), inversePermutation(perm), writtenData(runtime, dest, x.pred.size));
    }
    return { value: reduce(x, valuesOf(s, groups)), grad: { pred: { data: writtenData(runtime, dest, x.pred.size), shape: [...x.pred.shape] } } };
  }

  // Streaming: per-sample values (the batch axis kept) reduce as any Keras loss's; a value over the batch axis
  // (axis null, or an axis list with 0) is one number for the whole batch, which batches cannot add up to.
  const stream = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      if (!x.g.keepsBatch) throw notStreamable(x);
      const [p, t] = operands(x);
      const v = valuesOf(sums(x, p, t), x.g.groups);
      const sum = reducer.weightedSum(x.terms, Float32Array.from(v));
      return { ...reducer.stats(x.terms, sum), item: x.pred.shape.slice(1) };
    },
  };

  function notStreamable(x: Prepared): LossError {
    return new LossError({
      code: 'BAD_OPTION',
      loss: where,
      argument: 'option "axis" (of an accumulator)',
      expected: 'axes that keep the batch axis 0 (e.g. axis [1, 2, 3]: one value per sample), which batches add up',
      received: `${axes === null ? 'null (every axis: one value for the whole batch)' : `[${axes.join(', ')}]`} on inputs of shape ${shapeString(x.shape)}`,
    });
  }

  return { forward, withGrad, stream };
}

const kerasDice: Binder = (options, runtime, ctx, def) => bindOverlap(DICE, options, runtime, ctx, def);

const kerasTversky: Binder = (options, runtime, ctx, def) => bindOverlap(tverskyMath(options.alpha as number, options.beta as number), options, runtime, ctx, def);

/** The overlap part's binders. */
export const OVERLAP_CODE: PartCode = {
  [binderKey('dice', 'tensorflow')]: kerasDice,
  [binderKey('tversky', 'tensorflow')]: kerasTversky,
};

