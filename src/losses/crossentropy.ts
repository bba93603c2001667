/**
 * The cross-entropy family over a class axis (docs/semantics.md §2 cce, scce, nll): Keras
 * CategoricalCrossentropy and SparseCategoricalCrossentropy, PyTorch CrossEntropyLoss (class indices or
 * probabilities) and NLLLoss. Kernels: assembly/crossentropy.ts; engine (geometry, streaming, labels, Keras's
 * reduction): ./rows.ts. The elementwise probability losses (binary cross-entropy, KL divergence, Poisson NLL)
 * are in ./probability.ts.
 */

import { LossError } from '../errors.js';
import { kerasWeighting, shapeMismatch, type KerasWeighting, type Reduction } from '../reduction.js';
import { Reducer, type ReductionTerms } from '../reducer.js';
import { gradDestination, writtenData, type GradDestination } from '../engines/destinations.js';
import { floatInput, sameShape, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type StreamHook, type GradOptions, type GradResult, type Inputs, type LossDefinition } from './definition.js';

import { axisGeometry, checkAxis, NO_IGNORE, runRows, weightSum, type RowKernelName, type JsRowKernel, type RowGeometry, type RowTarget } from '../engines/rows.js';
import type { ParamField } from '../engines/params.js';
import { labelsInput, type Labels } from '../engines/labels.js';
import { booleanOption, integerOption, reductionOption, smoothingOption, weightOption, type LossContext, type OptionSpec, type WeightTensor } from '../options.js';
import type { KerasCceOptions, KerasScceOptions, TorchCceOptions, TorchNllOptions } from '../signatures.js';
import { kerasPair, torchPair, type Declarations } from './declaration.js';

function classWeights(weight: WeightTensor | undefined, classes: number, ctx: LossContext): Float32Array | null {
  if (weight === undefined) return null;
  if (weight.shape.length !== 1 || weight.data.length !== classes) {
    throw shapeMismatch(ctx, 'option "weight"', `a 1-D weight of C = ${classes} elements (one per class)`, weight.shape);
  }
  return weight.data;
}

// ---- the kernels ----

const SPARSE_SOFTMAX = 'sparse_softmax_xent_f32';
const DENSE_SOFTMAX = 'softmax_xent_f32';
const SPARSE_PROBS = 'sparse_xent_probs_f32';
const DENSE_PROBS = 'xent_probs_f32';
const NLL = 'nll_f32';

// ---- the plain-JS twin of sparse_softmax_xent_f32, for tiny inputs (float64 per row) ----

const sparseSoftmaxJs: JsRowKernel = (geometry, x, y, a) => {
  const { outer, classes: C, inner } = geometry;
  const { weights: w, p0: ls, p1: W, grad } = a;
  const weightOf = (c: number) => (w === null ? 1 : w[c]!);
  let total = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const base = o * C * inner + i;
      const label = y[r]!;
      if (label === a.ignore) {
        a.out[r] = 0;
        if (grad !== null) for (let c = 0; c < C; c++) grad[base + c * inner] = 0;
        continue;
      }
      let m = -3.4028234663852886e38; // as the kernels: never -inf - -inf
      for (let c = 0; c < C; c++) {
        const v = x[base + c * inner]!;
        m = v > m ? v : m;
      }
      let S = 0;
      let sx = 0;
      for (let c = 0; c < C; c++) {
        const d = x[base + c * inner]! - m;
        S += Math.exp(d);
        if (ls !== 0) sx += weightOf(c) * d;
      }
      const logS = Math.log(S);
      const wy = weightOf(label);
      let l = wy * (m - x[base + label * inner]! + logS);
      if (ls !== 0) l = (1 - ls) * l + (ls / C) * (W * logS - sx);
      a.out[r] = l;
      total += l;
      if (grad !== null) {
        const sr = a.scale * (a.rowScale === null ? 1 : a.rowScale[r]!);
        const k = ls !== 0 ? (1 - ls) * wy + (ls / C) * W : wy;
        for (let c = 0; c < C; c++) {
          const v = x[base + c * inner]!;
          grad[base + c * inner] = C === 1 ? v - v : (Math.exp(v - m) * sr * k) / S - (ls !== 0 ? ((sr * ls) / C) * weightOf(c) : 0);
        }
        if (C !== 1) grad[base + label * inner] = grad[base + label * inner]! - sr * (ls !== 0 ? (1 - ls) * wy : wy);
      }
    }
  }
  return total;
};

// ---- shared pieces of a call ----

interface Call {
  pred: FloatInput;
  geometry: RowGeometry;
  target: RowTarget;
  /** Rows that count (not ignored). */
  valid: number;
}

function gradTo(options: GradOptions | undefined, pred: FloatInput, runtime: Runtime, ctx: LossContext): GradDestination {
  return gradDestination(options?.out, { p: pred, t: pred }, runtime, ctx);
}

/** Σ over valid rows of w[y] (PyTorch's weighted-mean denominator), or the valid count without weights. */
function weightedCount(labels: Labels, weights: Float32Array | null, ignore: number): number {
  if (weights === null) return labels.valid;
  let s = 0;
  const y = labels.data;
  for (let i = 0; i < y.length; i++) if (y[i] !== ignore) s += weights[y[i]!]!;
  return s;
}

// ---- PyTorch: CrossEntropyLoss and NLLLoss ----

interface TorchRowSpec {
  /** CrossEntropyLoss takes probability targets of pred's shape too; NLLLoss only indices. */
  readonly dense: boolean;
  readonly sparseKernel: RowKernelName;
}

function bindTorchRows(spec: TorchRowSpec, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const ignore = options.ignoreIndex as number;
  const ls = (options.labelSmoothing as number | undefined) ?? 0;
  const weight = options.weight as WeightTensor | undefined;
  const sparseKernel = runtime.kernel(spec.sparseKernel);
  const denseKernel = spec.dense ? runtime.kernel(DENSE_SOFTMAX) : null;

  function prepare(inputs: Inputs): Call & { weights: Float32Array | null } {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    if (pred.shape.length === 0) throw shapeMismatch(ctx, 'pred', 'an input of shape [C], [N, C] or [N, C, d1, ...]', pred.shape);
    const geometry = axisGeometry(pred.shape, pred.shape.length === 1 ? 0 : 1);
    const weights = classWeights(weight, geometry.classes, ctx);
    const t = inputs.target;
    const tShape = targetShape(t);
    if (spec.dense && tShape !== null && sameShape(tShape, pred.shape) && !sameShape(pred.shape, geometry.rowShape)) {
      const input = floatInput(t, runtime, where, 'target');
      return { pred, geometry, target: { kind: 'dense', input }, valid: geometry.outer * geometry.inner, weights };
    }
    const labels = labelsInput(t, runtime, ctx, 'target', geometry.classes, ignore);
    if (!sameShape(labels.shape, geometry.rowShape)) {
      const expected = `class indices of shape ${shapeString(geometry.rowShape)} (pred's shape without the class axis)${spec.dense ? ` or probabilities of pred's shape ${shapeString(pred.shape)}` : ''}`;
      throw shapeMismatch(ctx, 'target', expected, labels.shape);
    }
    return { pred, geometry, target: { kind: 'labels', labels }, valid: labels.valid, weights };
  }

  /** The reduction's divisor: Σ w[y] over non-ignored rows (indices), or the number of rows (probabilities). */
  function divisor(x: ReturnType<typeof prepare>): number {
    if (x.target.kind === 'dense') return x.geometry.outer * x.geometry.inner;
    return weightedCount(x.target.labels, x.weights, ignore);
  }

  /** The per-row values as the reducer sees them (the divisor, a pass over the labels, only for a mean or a stream). */
  function terms(x: ReturnType<typeof prepare>, stream = false): ReductionTerms {
    const count = x.geometry.outer * x.geometry.inner;
    return { count, shape: x.geometry.rowShape, ...(reducer.averages || stream ? { divisor: divisor(x) } : {}) };
  }

  function run(x: ReturnType<typeof prepare>, extra: { scale?: number; rowScale?: Float32Array | null; grad?: GradDestination | null; rows?: boolean }) {
    const dense = x.target.kind === 'dense';
    const W = x.weights === null ? x.geometry.classes : weightSum(x.weights);
    return runRows(runtime, dense ? denseKernel! : sparseKernel, {
      where,
      geometry: x.geometry,
      pred: x.pred,
      target: x.target,
      weights: x.weights,
      p0: ls,
      p1: dense ? 1 : W,
      ignore: dense ? NO_IGNORE : ignore,
      ...(dense || spec.sparseKernel !== SPARSE_SOFTMAX ? {} : { js: sparseSoftmaxJs, jsBelow: ctx.jsBelow }),
      ...extra,
    });
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    const t = terms(x);
    if (reducer.keepsValues) return reducer.value(t, run(x, { rows: true }).values!);
    return reducer.fromSum(t, run(x, {}).sum);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const t = terms(x);
    const go = reducer.upstream(options?.gradOutput, t, runtime);
    const dest = gradTo(options, x.pred, runtime, ctx);
    // all ignored: a NaN value and a zero gradient (as torch), the reducer's factor for a divisor of 0
    const { scale, rowScale } = reducer.gradScale(t, go);
    const r = run(x, { scale, rowScale, grad: dest, rows: reducer.keepsValues });
    const value = reducer.keepsValues ? reducer.value(t, r.values!) : reducer.fromSum(t, r.sum);
    return { value, grad: { pred: { data: writtenData(runtime, dest, x.pred.size), shape: [...x.pred.shape] } } };
  }

  // Streaming (loss.accumulator()): Σ of the (class-weighted) losses and the weighted mean's divisor (Σ w[y] over
  // the rows not ignored, or the number of rows for probability targets).
  const stream: StreamHook = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      return { ...reducer.stats(terms(x, true), run(x, {}).sum), item: x.pred.shape.slice(1) };
    },
  };

  return { forward, withGrad, stream };
}

/** The shape of a target as given, without validating it (null when it is not shaped data). */
function targetShape(t: unknown): readonly number[] | null {
  if (ArrayBuffer.isView(t)) return [(t as unknown as ArrayLike<number>).length];
  if (typeof t === 'number') return [];
  if (Array.isArray(t)) {
    const shape: number[] = [];
    let level: unknown = t;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    return shape;
  }
  if (typeof t === 'object' && t !== null && 'shape' in t && Array.isArray((t as { shape: unknown }).shape)) return (t as { shape: number[] }).shape;
  return null;
}

// ---- Keras: CategoricalCrossentropy and SparseCategoricalCrossentropy ----

export interface KerasRowSpec {
  readonly sparse: boolean;
  /**
   * Another kernel of the row ABI over the same inputs, options and reductions (the focal part's categorical focal
   * losses): its name, and its parameters for a call (p1, the fields past p0, p1 and ignore, class weights).
   */
  readonly kernel?: {
    readonly name: RowKernelName;
    readonly params: (geometry: RowGeometry, pred: FloatInput) => { p1: number; extra: readonly ParamField[]; weights: Float32Array | null };
    /** The loss a one-hot target given class indices should use instead (the SHAPE_MISMATCH suggestion). */
    readonly sparseName: string;
  };
}

/** Keras CategoricalCrossentropy and SparseCategoricalCrossentropy, and row losses of their inputs (spec.kernel). */
export function bindKerasCrossentropy(spec: KerasRowSpec, options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const fromLogits = options.fromLogits as boolean;
  const axis = (options.axis as number | undefined) ?? -1;
  const ls = (options.labelSmoothing as number | undefined) ?? 0;
  const ignoreClass = (options.ignoreClass as number | null | undefined) ?? null;
  const kernel = runtime.kernel(spec.kernel?.name ?? (spec.sparse ? (fromLogits ? SPARSE_SOFTMAX : SPARSE_PROBS) : fromLogits ? DENSE_SOFTMAX : DENSE_PROBS));

  interface KerasCall extends Call {
    /** Per-sample weights (one per per-sample value), and the divisor of 'mean_with_sample_weight'. */
    weights: Float32Array | null;
    weightTotal: number;
    /**
     * Keras's weighting (src/reduction.ts). When it maps one weight onto each per-sample value (every weight shape
     * but one with more axes than the values), `weights` holds those and the fused path below runs; otherwise
     * (`expands`) the weighted values outnumber the per-sample values and the general path applies it.
     */
    weighting: KerasWeighting | null;
    expands: boolean;
  }

  function prepare(inputs: Inputs): KerasCall {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    checkAxis(axis, pred.shape.length, ctx);
    const geometry = axisGeometry(pred.shape, axis);
    let target: RowTarget;
    let valid = geometry.outer * geometry.inner;
    if (spec.sparse) {
      const labels = labelsInput(inputs.target, runtime, ctx, 'target', geometry.classes, ignoreClass);
      // Keras squeezes a trailing axis of 1 from the labels ([N, 1] against [N, C]).
      const shape = labels.shape.length === geometry.rowShape.length + 1 && labels.shape[labels.shape.length - 1] === 1 ? labels.shape.slice(0, -1) : labels.shape;
      if (!sameShape(shape, geometry.rowShape) && !(geometry.rowShape.length === 0 && labels.data.length === 1)) {
        throw shapeMismatch(ctx, 'target', `class indices of shape ${shapeString(geometry.rowShape)} (pred's shape without axis ${axis})`, labels.shape);
      }
      target = { kind: 'labels', labels };
      if (ignoreClass !== null) valid = labels.valid;
    } else {
      const input = floatInput(inputs.target, runtime, where, 'target');
      if (!sameShape(input.shape, pred.shape)) {
        // Class indices given to the one-hot loss: the commonest mix-up, so say which losses take them.
        if (!sameShape(input.shape, geometry.rowShape)) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(pred.shape)}`, input.shape);
        throw new LossError({
          code: 'SHAPE_MISMATCH',
          loss: where,
          argument: 'target',
          expected: `one-hot or probability targets of pred's shape ${shapeString(pred.shape)}`,
          received: `shape ${shapeString(input.shape)}, pred's shape without its class axis, as class indices have`,
          suggestion: spec.kernel?.sparseName ?? 'sparse_categorical_crossentropy',
          suggestionNote: "it takes class indices, as does categorical_crossentropy with framework 'pytorch'",
        });
      }
      target = { kind: 'dense', input };
    }
    let weights: Float32Array | null = null;
    let weightTotal = 0;
    let weighting: KerasWeighting | null = null;
    let expands = false;
    if (inputs.sampleWeight !== undefined) {
      const sw = floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight');
      weighting = kerasWeighting(sw, geometry.rowShape, ctx);
      const n = geometry.outer * geometry.inner;
      expands = weighting.size !== n || weighting.valueIndex.some((v, o) => v !== o);
      if (expands && ignoreClass !== null) {
        throw shapeMismatch(ctx, 'sampleWeight', `with ignoreClass, weights that broadcast to the per-sample shape ${shapeString(geometry.rowShape)} without adding axes`, sw.shape);
      }
      weights = expands ? null : weighting.weights;
      weightTotal = weighting.weightSum;
    }
    if (ignoreClass !== null && target.kind === 'labels') {
      // apply_mask: the sample weights become mask · weights (the divisor of mean_with_sample_weight with them)
      const y = target.labels.data;
      if (weights !== null) {
        weightTotal = 0;
        for (let i = 0; i < y.length; i++) if (y[i] !== ignoreClass) weightTotal += weights[i]!;
      }
    }
    return { pred, geometry, target, valid, weights, weightTotal, weighting, expands };
  }

  function run(x: KerasCall, extra: { scale?: number; rowScale?: Float32Array | null; grad?: GradDestination | null; rows?: boolean }) {
    // a kernel of its own (the categorical focal losses) brings its p1, fields and class weights; CCE's and SCCE's
    // p1 is sparse: Σ w = C (no class weights), dense: TF's gradient
    const own = spec.kernel?.params(x.geometry, x.pred);
    return runRows(runtime, kernel, {
      where,
      geometry: x.geometry,
      pred: x.pred,
      target: x.target,
      p0: ls,
      ignore: ignoreClass ?? NO_IGNORE,
      ...(own !== undefined ? { p1: own.p1, extra: own.extra, weights: own.weights } : { p1: spec.sparse ? x.geometry.classes : 0 }),
      ...(own === undefined && spec.sparse && fromLogits ? { js: sparseSoftmaxJs, jsBelow: ctx.jsBelow } : {}),
      ...extra,
    });
  }

  const masked = spec.sparse && ignoreClass !== null;

  /**
   * The per-sample values as the reducer sees them: weights one per value (`weights`) or broadcast beyond them
   * (`expands`), Σ of the weights as given (masked: apply_mask's mask · weights), the unmasked count as the mean's
   * divisor under ignore_class.
   */
  function terms(x: KerasCall): ReductionTerms {
    return {
      count: x.geometry.outer * x.geometry.inner,
      shape: x.weighting?.shape ?? x.geometry.rowShape,
      weights: x.weights,
      broadcast: x.expands ? x.weighting : null,
      weightSum: x.weights !== null ? x.weightTotal : x.expands ? x.weighting!.weightSum : null,
      ...(masked ? { divisor: x.valid } : {}),
    };
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    const t = terms(x);
    const { sum, values } = run(x, { rows: reducer.needsValues(t) });
    return reducer.valueOf(t, sum, values);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const t = terms(x);
    const dest = gradTo(options, x.pred, runtime, ctx);
    const { scale, rowScale } = reducer.gradScale(t, reducer.upstream(options?.gradOutput, t, runtime));
    const r = run(x, { scale, rowScale, grad: dest, rows: reducer.needsValues(t) });
    return { value: reducer.valueOf(t, r.sum, r.values), grad: { pred: { data: writtenData(runtime, dest, x.pred.size), shape: [...x.pred.shape] } } };
  }

  // Streaming (loss.accumulator()): Σ of the weighted per-sample values and the reduction's divisor (samples,
  // valid samples with ignoreClass, Σ weights for mean_with_sample_weight). A rank-1 pred is one row: no batch axis.
  const stream: StreamHook = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      if (x.geometry.rowShape.length === 0) throw shapeMismatch(ctx, 'pred', 'a batch axis to stream (a rank-1 pred is one sample: one row)', x.pred.shape);
      const t = terms(x);
      const { sum, values } = run(x, { rows: reducer.needsValues(t) });
      return { ...reducer.stats(t, reducer.needsValues(t) ? reducer.weightedSum(t, values!) : sum), item: x.pred.shape.slice(1) };
    },
  };

  return { forward, withGrad, stream };
}


// ---- definitions ----

const KERAS_INPUTS = { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'] } as const;
const TORCH_INPUTS = { inputs: ['pred', 'target'], optionalInputs: [] } as const;

function kerasReduction(): OptionSpec {
  return reductionOption('tensorflow');
}

function definition(base: Omit<LossDefinition, 'bind'>, bind: (o: Readonly<Record<string, unknown>>, rt: Runtime, ctx: LossContext, def: LossDefinition) => BoundLoss): LossDefinition {
  const def: LossDefinition = { ...base, bind: (o, rt, ctx) => bind(o, rt, ctx, def) };
  return def;
}

/**
 * The row losses of the family, by canonical name and framework. Shapes: Keras `pred` [..., C] (or any
 * `axis`); PyTorch `pred` [C], [N, C] or [N, C, d1, ...] with the class axis 1, target class indices of pred's
 * shape without the class axis, or (CrossEntropyLoss) probabilities of pred's shape.
 */
/** The cross-entropy family's declarations (the row engine, ./rows.ts). */
export const CROSSENTROPY = {
  /**
   * Categorical cross-entropy (cce, CategoricalCrossentropy, CrossEntropyLoss).
   * Keras: one-hot or soft targets y of pred's shape, `fromLogits` (default false: pred holds probabilities,
   * rescaled to sum to 1 and clipped to [1e-7, 1 - 1e-7]), `labelSmoothing` (y ← y(1 - ls) + ls/C), `axis` (-1);
   * per sample l = -Σ_c y_c log q_c. PyTorch: pred holds logits; target class indices (with `weight`,
   * `ignoreIndex` = -100, `labelSmoothing`; 'mean' divides by Σ weight[y] over the non-ignored targets, NaN when
   * all are ignored) or probabilities of pred's shape ('mean' divides by the number of samples).
   * @example fl.loss('cce', { framework: 'pytorch' })({ pred: [[2, 1, 0]], target: [0] }) // 0.40760596
   */
  categorical_crossentropy: {
    aliases: ['cce', 'cate_crossentropy', 'cate_cross_entropy', 'categorical_crossentropy', 'categorical_cross_entropy'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'crossentropy',
    meaning: 'CategoricalCrossentropy; torch CrossEntropyLoss (class-index or probability targets)',
    rank: 0,
    tensorflow: {
      classes: { CategoricalCrossentropy: {} },
      signature: kerasPair<KerasCceOptions>(),
      definition: definition(
        { ...KERAS_INPUTS, options: { reduction: kerasReduction(), fromLogits: booleanOption(false), labelSmoothing: smoothingOption, axis: integerOption(-1) } },
        (o, rt, ctx, def) => bindKerasCrossentropy({ sparse: false }, o, rt, ctx, def),
      ),
    },
    pytorch: {
      classes: { CrossEntropyLoss: {} },
      functions: { cross_entropy: {} },
      signature: torchPair<TorchCceOptions>(),
      definition: definition(
        { ...TORCH_INPUTS, options: { reduction: reductionOption('pytorch'), weight: weightOption, ignoreIndex: integerOption(-100), labelSmoothing: smoothingOption } },
        (o, rt, ctx, def) => bindTorchRows({ dense: true, sparseKernel: SPARSE_SOFTMAX }, o, rt, ctx, def),
      ),
    },
  },
  /**
   * Sparse categorical cross-entropy (scce, SparseCategoricalCrossentropy; Keras only): integer labels of pred's
   * shape without the class axis, `fromLogits` (default false), `ignoreClass` (default none: entries with that
   * label count 0 and the mean divides by the number of the others, 0 when there are none, as Keras >= 3.13).
   */
  sparse_categorical_crossentropy: {
    aliases: [
      'scce', 'sparse_cate_crosse_entropy', 'sparse_categorical_cross_entropy', 'sparse_cate_crossentropy', 'sparse_categorical_crossentropy',
      'sparse_cate_cross_entropy', // accepted beside the table's own misspelling, sparse_cate_crosse_entropy
    ],
    frameworks: ['tensorflow'],
    family: 'crossentropy',
    meaning: 'SparseCategoricalCrossentropy',
    rank: 4,
    tensorflow: {
      classes: { SparseCategoricalCrossentropy: {} },
      signature: kerasPair<KerasScceOptions>(),
      definition: definition(
        { ...KERAS_INPUTS, options: { reduction: kerasReduction(), fromLogits: booleanOption(false), ignoreClass: integerOption(null), axis: integerOption(-1) } },
        (o, rt, ctx, def) => bindKerasCrossentropy({ sparse: true }, o, rt, ctx, def),
      ),
    },
  },
  /**
   * Negative log-likelihood (nll, NLLLoss; PyTorch only): pred holds log-probabilities (taken as they are),
   * l = -weight[y]·pred[y]; `weight`, `ignoreIndex` = -100, the weighted mean as CrossEntropyLoss. NLLLoss2d is
   * torch's deprecated subclass of NLLLoss (torch/nn/modules/loss.py: the same loss, kept for old code that names it).
   */
  negative_log_likelihood: {
    aliases: ['nll', 'neg_ll', 'neg_log_likelihood', 'negative_log_likelihood'],
    frameworks: ['pytorch'],
    family: 'crossentropy',
    meaning: 'NLLLoss',
    rank: 7,
    pytorch: {
      classes: { NLLLoss: {}, NLLLoss2d: {} },
      functions: { nll_loss: {} },
      signature: torchPair<TorchNllOptions>(),
      definition: definition(
        { ...TORCH_INPUTS, options: { reduction: reductionOption('pytorch'), weight: weightOption, ignoreIndex: integerOption(-100) } },
        (o, rt, ctx, def) => bindTorchRows({ dense: false, sparseKernel: NLL }, o, rt, ctx, def),
      ),
    },
  },
} as const satisfies Declarations;
