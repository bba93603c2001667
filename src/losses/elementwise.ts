/**
 * The engine of every loss that is an elementwise function f(p, t) of a prediction and a target of one shape
 * (the regression family now; binary hinge and crossentropy follow the same pattern):
 *
 * - Keras: the per-sample loss is the mean of f over the last axis (`ops.mean(..., axis=-1)`), then
 *   sample_weight and the reduction (src/reduction.ts). Shapes are reconciled as Keras's
 *   squeeze_or_expand_to_same_rank does, and a shape-[] input is [1].
 * - PyTorch: the loss is f elementwise, then 'mean' over all elements, 'sum' or 'none'. Shapes must match.
 *
 * Each loss brings three wasm kernels (`<name>_sum_f32`, `_rows_f32`, `_grad_f32`, assembly/regression.ts) and a
 * plain-JS twin for tiny inputs, where a wasm call and its copies cost more than the loop (DESIGN.md: "a plain-JS
 * path for tiny inputs lives in the family's own file and is tested against the oracle").
 */

import { kerasCommonShape, kerasGeometry, reduceValues, kerasScale, expandSampleWeight, gradOutputFactors, shapeMismatch, torchScale, type Reduction } from '../reduction.js';
import { pairGrad, pairRows, pairSum, streamRows, type GradDestination } from '../stream.js';
import { floatInput, sameShape, shapeString, WasmTensor, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { LossError } from '../errors.js';
import { kerasRowReduction, type KerasReduction } from './rows.js';
import { checkInputNames, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossContext, type LossDefinition } from './definition.js';

/** The plain-JS twin of a loss's kernels, over float32 data, accumulating in f64. */
export interface JsPairKernels {
  /** Σ f */
  sum(n: number, p: Float32Array, t: Float32Array, param: number): number;
  /** grad[i] = scale · f'(p[i], t[i]); returns Σ f */
  grad(n: number, p: Float32Array, t: Float32Array, param: number, scale: number, grad: Float32Array): number;
  /** f of one element */
  point(p: number, t: number, param: number): number;
}

/** One elementwise loss, as the family file configures it from the resolved options. */
export interface PairLoss {
  /** Prefix of the wasm kernels: 'mse' → mse_sum_f32, mse_rows_f32, mse_grad_f32. */
  readonly kernels: string;
  readonly js: JsPairKernels;
  /** The kernels' parameter (Huber's δ), 0 when unused. */
  readonly param: number;
  /** A constant factor on f (SmoothL1Loss's 1/β), 1 when unused. */
  readonly valueScale: number;
  readonly reduction: Reduction;
  /** Keras: the per-sample value is the sum of f over the last axis (KLDivergence), not the mean. */
  readonly rowSum?: boolean;
  /**
   * PyTorch: per-element factors on f (a `weight` broadcast to the input) and the target the kernels see (the
   * given one, or one the loss derives from it, as BCEWithLogitsLoss's pos_weight). Null factors: none.
   */
  readonly torchWeights?: (shape: readonly number[], target: FloatInput) => { weights: Float32Array | null; target: FloatInput };
}

export const PAIR_INPUTS = { tensorflow: ['pred', 'target'], pytorch: ['pred', 'target'] } as const;

interface Prepared {
  p: FloatInput;
  t: FloatInput;
  /** [rows, cols]: Keras's per-sample values × last axis; PyTorch: [numel, 1]. */
  rows: number;
  cols: number;
  /** Shape of the 'none' result. */
  lossShape: readonly number[];
  /** Keras sample weights, one per row, or null. */
  weights: Float32Array | null;
  /** Σ of the sample weights as given: the divisor of Keras's 'mean_with_sample_weight'. */
  weightTotal?: number;
}

function asFloat32(input: FloatInput): Float32Array {
  return input.array instanceof Float32Array ? input.array : Float32Array.from(input.array);
}

/** Only `pred` and `target` given: the common call, checked without allocating. */
function onlyPredAndTarget(inputs: object): boolean {
  let count = 0;
  for (const key in inputs) {
    if (key !== 'pred' && key !== 'target') return false;
    count++;
  }
  return count === 2;
}

export function bindPairLoss(spec: PairLoss, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const sumKernel = runtime.kernel(`${spec.kernels}_sum_f32`);
  const rowsKernel = runtime.kernel(`${spec.kernels}_rows_f32`);
  const gradKernel = runtime.kernel(`${spec.kernels}_grad_f32`);
  const scaleRows = runtime.kernel('scale_rows_f32');
  const { js, param, valueScale, reduction } = spec;
  /** The factor from Σ_last-axis f to the per-sample value: 1/cols (mean) or 1 (sum). */
  const perRow = (cols: number) => (spec.rowSum === true ? valueScale : valueScale / cols);
  /** PyTorch's factor on Σ f: 1/n for 'mean', 1/N for KLDivLoss's 'batchmean'. */
  const torchFactor = (n: number, shape: readonly number[]) => (reduction === 'batchmean' ? (shape.length === 0 ? 1 : 1 / shape[0]!) : torchScale(reduction, n));
  const keras = ctx.framework === 'tensorflow';
  const jsBelow = ctx.jsBelow;
  const where = `${ctx.loss} (${ctx.framework})`;

  // ---- the three primitives, each on the plain-JS path for tiny inputs and on wasm otherwise ----

  function total(p: FloatInput, t: FloatInput): number {
    if (p.size <= jsBelow) return js.sum(p.size, asFloat32(p), asFloat32(t), param);
    return pairSum(runtime, sumKernel, p, t, param);
  }

  function rowValues(rows: number, cols: number, p: FloatInput, t: FloatInput, scale: number): Float32Array {
    if (cols === 0) return new Float32Array(rows).fill(NaN); // the mean over an empty axis
    if (p.size > jsBelow) return pairRows(runtime, rowsKernel, sumKernel, rows, cols, p, t, param, scale);
    const pa = asFloat32(p);
    const ta = asFloat32(t);
    const out = new Float32Array(rows);
    for (let r = 0, i = 0; r < rows; r++) {
      let acc = 0;
      for (let c = 0; c < cols; c++, i++) acc += js.point(pa[i]!, ta[i]!, param);
      out[r] = acc * scale;
    }
    return out;
  }

  function gradient(
    rows: number,
    cols: number,
    p: FloatInput,
    t: FloatInput,
    scale: number,
    rowScale: Float32Array | null,
    dest: GradDestination,
  ): number {
    const n = rows * cols;
    if (n > jsBelow) return pairGrad(runtime, gradKernel, scaleRows, rows, cols, p, t, param, scale, rowScale, dest);
    const grad = dest.array;
    const sum = js.grad(n, asFloat32(p), asFloat32(t), param, scale, grad);
    if (rowScale !== null) {
      for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) grad[i]! *= rowScale[r]!;
    }
    return sum;
  }

  // ---- shapes and the framework's view of them ----

  function prepare(inputs: Inputs): Prepared {
    checkInputNames(inputs, def, where);
    const p = floatInput(inputs.pred, runtime, where, 'pred');
    const t = floatInput(inputs.target, runtime, where, 'target');
    if (!keras) {
      if (!sameShape(p.shape, t.shape)) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(p.shape)}`, t.shape);
      if (spec.torchWeights !== undefined) {
        const w = spec.torchWeights(p.shape, t);
        return { p, t: w.target, rows: p.size, cols: 1, lossShape: p.shape, weights: w.weights };
      }
      return { p, t, rows: p.size, cols: 1, lossShape: p.shape, weights: null };
    }
    const common = kerasCommonShape(p.shape, t.shape);
    if (common === null) {
      throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(p.shape)} (or one that differs by a trailing axis of 1)`, t.shape);
    }
    const { rows, cols, sampleShape } = kerasGeometry(common);
    if (inputs.sampleWeight === undefined) return { p, t, rows, cols, lossShape: sampleShape, weights: null };
    const sw = floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight');
    let weightTotal = 0;
    for (let i = 0; i < sw.array.length; i++) weightTotal += sw.array[i]!;
    return { p, t, rows, cols, lossShape: sampleShape, weights: expandSampleWeight(sw, sampleShape, ctx), weightTotal };
  }

  /** The per-sample (Keras) or elementwise (PyTorch) values, weighted: what 'none' returns. */
  function values(x: Prepared): Float32Array {
    const v = rowValues(x.rows, x.cols, x.p, x.t, perRow(x.cols));
    if (x.weights !== null) for (let i = 0; i < v.length; i++) v[i]! *= x.weights[i]!;
    return v;
  }

  /**
   * Keras's factor on Σ of the weighted per-sample values: kerasScale, except 'mean_with_sample_weight' with
   * sample weights (Keras >= 3.13), which divides by Σ of the weights as given (0 when that is 0), and a
   * per-sample shape of [] (a 1-D input), which Keras returns unreduced.
   */
  function kerasFactor(x: Prepared): number {
    if (x.lossShape.length === 0) return 1;
    if (reduction === 'mean_with_sample_weight' && x.weights !== null) return x.weightTotal === 0 ? 0 : 1 / x.weightTotal!;
    return kerasScale(reduction, x.rows);
  }

  /** 'none': the weighted values; otherwise their reduction. */
  function reduceWeighted(v: Float32Array, x: Prepared): number | OutputTensor {
    if (!keras || reduction === 'none' || reduction !== 'mean_with_sample_weight') return reduceValues(v, x.lossShape, reduction);
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i]!;
    return sum * kerasFactor(x);
  }

  /** The reduced value from Σ f, when no weights are involved. */
  function reducedFromSum(sum: number, x: Prepared): number {
    if (!keras) return sum * valueScale * torchFactor(x.rows, x.p.shape);
    if (x.rows === 0) return 0; // Keras: the sum of no per-sample values, divide_no_nan
    return sum * perRow(x.cols) * kerasScale(reduction, x.rows);
  }

  /**
   * The call both fast paths take: two 1-D Float32Arrays of at most jsBelow elements, nothing else given, a
   * scalar reduction. (A type predicate on pred; target is then a Float32Array too.)
   */
  function tinyPair(pred: unknown, target: unknown, inputs: Inputs): pred is Float32Array {
    return (
      pred instanceof Float32Array && target instanceof Float32Array && pred.length <= jsBelow &&
      pred.length === target.length && reduction !== 'none' && spec.torchWeights === undefined && onlyPredAndTarget(inputs)
    );
  }

  // forward is small on purpose: the common call (two 1-D Float32Arrays of a few elements, a scalar reduction)
  // stays inlinable into the caller's loop; everything else goes to forwardGeneral.
  function forward(inputs: Inputs): number | OutputTensor {
    const pred = inputs.pred;
    const target = inputs.target;
    if (tinyPair(pred, target, inputs)) {
      // Keras sees one sample (the mean of f), PyTorch the mean or sum of f: a factor times Σ f either way.
      const n = pred.length;
      return js.sum(n, pred, target as Float32Array, param) * (keras ? perRow(n) : valueScale * torchFactor(n, [n]));
    }
    return forwardGeneral(inputs);
  }

  function forwardGeneral(inputs: Inputs): number | OutputTensor {
    const x = prepare(inputs);
    if (reduction !== 'none' && x.weights === null) return reducedFromSum(total(x.p, x.t), x);
    // 'none', or Keras sample weights: the per-sample values are needed one by one.
    return reduceWeighted(values(x), x);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    const pred = inputs.pred;
    const target = inputs.target;
    // Fast path, as in forward: two 1-D Float32Arrays of a few elements, a scalar reduction, no gradOutput.
    if (options === undefined && tinyPair(pred, target, inputs)) {
      const n = pred.length;
      const factor = keras ? perRow(n) : valueScale * torchFactor(n, [n]);
      const grad = new Float32Array(n);
      const sum = js.grad(n, pred, target as Float32Array, param, factor, grad);
      return { value: sum * factor, grad: { pred: { data: grad, shape: [n] } } };
    }
    const x = prepare(inputs);
    const go = gradOutputFactors(options?.gradOutput, x.lossShape, reduction, runtime, ctx);
    // d value / d f for each element of row r: base × (weight_r × upstream_r when per row).
    let scale = x.cols === 0 ? 0 : perRow(x.cols);
    let rowScale = x.weights;
    if (typeof go === 'number') {
      if (reduction !== 'none') scale *= keras ? kerasFactor(x) : torchFactor(x.rows, x.p.shape);
      scale *= go;
    } else if (rowScale === null) rowScale = go;
    else {
      rowScale = Float32Array.from(rowScale, (w, i) => w * go[i]!);
    }
    const dest = gradDestination(options?.out, x, runtime, ctx);
    const sum = gradient(x.rows, x.cols, x.p, x.t, scale, rowScale, dest);
    const gradPred = { data: dest.array, shape: [...x.p.shape] };
    if (reduction !== 'none' && x.weights === null) return { value: reducedFromSum(sum, x), grad: { pred: gradPred } };
    return { value: reduceWeighted(values(x), x), grad: { pred: gradPred } };
  }

  return { forward, withGrad };
}

/**
 * The gradient's destination: a new array, or the caller's `out.pred` (a Float32Array or a float32 tensor of
 * pred's size that overlaps neither input: the value pass after the gradient pass reads them again).
 */
export function gradDestination(out: GradOptions['out'], x: { p: FloatInput; t: FloatInput }, runtime: Runtime, ctx: LossContext): GradDestination {
  const n = x.p.size;
  if (out === undefined) return { array: new Float32Array(n), ptr: -1 };
  const where = `${ctx.loss} (${ctx.framework})`;
  const bad = (argument: string, expected: string, received: string) =>
    new LossError({ code: 'BAD_OPTION', loss: where, argument, expected, received });
  for (const key in out) if (key !== 'pred') throw bad(`out.${key}`, 'out.pred only (pred is the input with a gradient)', `"${key}"`);
  const value = out.pred;
  let array: Float32Array;
  let ptr = -1;
  if (value instanceof WasmTensor && value.dtype === 'float32' && !value.freed) {
    array = value.data as Float32Array;
    ptr = value.placeFor(runtime);
  } else if (value instanceof Float32Array) {
    array = value;
    if (array.buffer === runtime.buffer()) ptr = array.byteOffset;
  } else {
    throw bad('out.pred', 'a Float32Array or a float32 fl.tensor()', value instanceof WasmTensor ? `a ${value.freed ? 'freed' : value.dtype} tensor` : typeof value);
  }
  if (array.length !== n) throw bad('out.pred', `${n} elements (pred's size)`, `${array.length} elements`);
  for (const input of [x.p.array, x.t.array]) {
    const sameBuffer = input.buffer === array.buffer;
    const overlaps = sameBuffer && input.byteOffset < array.byteOffset + array.byteLength && array.byteOffset < input.byteOffset + input.byteLength;
    if (overlaps) throw bad('out.pred', 'a buffer that overlaps neither pred nor target', 'an overlapping buffer');
  }
  return { array, ptr };
}

// ==== Two differentiated inputs: the pairwise losses (bpr, pair_hinge, margin_ranking) ====
//
// f(a, b[, y]) elementwise over inputs of one shape, with gradients with respect to both a and b. The per-sample
// loss is f itself in both frameworks (Keras-style pairwise losses have no last axis to average), so sample
// weights are per element. Kernels `<k>_sum_f32(n, a, b, y, param)`, `<k>_map_f32(n, a, b, y, out, param,
// scale)` and `<k>_grad_f32(n, a, b, y, ga, gb, param, scale)` (assembly/ranking.ts); the inputs stream through
// the scratch slots with src/stream.ts's streamRows, or are read in place.

/** Keras 3's extra reduction (keras/src/losses/loss.py, reduce_values): weighted sum / Σ sample_weight. */
export const MEAN_WITH_SAMPLE_WEIGHT = 'mean_with_sample_weight';

/** A reduction as the margin, ranking and cosine families accept it (Keras's mean_with_sample_weight too). */
export type PairReduction = Reduction;

/** Labels that must be ±1 (torch's MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss): else LABEL_OUT_OF_RANGE. */
export function checkPlusMinusOne(labels: ArrayLike<number>, where: string, argument: string): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v !== 1 && v !== -1) {
      throw new LossError({ code: 'LABEL_OUT_OF_RANGE', loss: where, argument: `${argument}[${i}]`, expected: '1 or -1', received: String(v) });
    }
  }
}

export interface PairwiseLoss {
  /** Prefix of the kernels: 'bpr' → bpr_sum_f32, bpr_map_f32, bpr_grad_f32. */
  readonly kernels: string;
  /** The two differentiated inputs, in the kernels' order (a, b): ['positive', 'negative'], ['x1', 'x2']. */
  readonly inputs: readonly [string, string];
  /** A third input of ±1 labels (margin ranking's `target`), or undefined. */
  readonly label?: string;
  readonly param: number;
  readonly reduction: PairReduction;
}

function asFloatInput(array: Float32Array): FloatInput {
  return { shape: [array.length], size: array.length, ptr: -1, array };
}

export function bindPairwiseLoss(spec: PairwiseLoss, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const sumKernel = runtime.kernel(`${spec.kernels}_sum_f32`);
  const mapKernel = runtime.kernel(`${spec.kernels}_map_f32`);
  const gradKernel = runtime.kernel(`${spec.kernels}_grad_f32`);
  const scaleRows = runtime.kernel('scale_rows_f32');
  const { param, reduction, label } = spec;
  const [nameA, nameB] = spec.inputs;
  const keras = ctx.framework === 'tensorflow';
  const where = `${ctx.loss} (${ctx.framework})`;

  interface PairPrepared {
    a: FloatInput;
    b: FloatInput;
    y: FloatInput | null;
    n: number;
    shape: readonly number[];
    weights: Float32Array | null;
    weightSum: number | null;
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
      checkPlusMinusOne(y.array, where, label);
    }
    let weights: Float32Array | null = null;
    let weightSum: number | null = null;
    if (keras && inputs.sampleWeight !== undefined) {
      const w = floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight');
      weights = expandSampleWeight(w, a.shape, ctx);
      weightSum = 0;
      for (let i = 0; i < w.size; i++) weightSum += w.array[i]!;
    }
    return { a, b, y, n: a.size, shape: a.shape, weights, weightSum };
  }

  const ins = (x: PairPrepared) => [{ input: x.a }, { input: x.b }, x.y === null ? null : { input: x.y }];

  /** The scalar reduction's factor on Σ f (or on Σ w·f). */
  function factorOf(x: PairPrepared): number {
    if (!keras) return torchScale(reduction, x.n);
    // Keras reduce_values (./rows.ts): 1/n, 1/Σw for mean_with_sample_weight, 1 for 'sum' or a scalar per sample
    return kerasRowReduction(0, 0, x.n, reduction as KerasReduction, x.weightSum === null ? null : { sum: x.weightSum }, null, x.shape.length === 0).factor;
  }

  /** The per-element (weighted) values: what 'none' returns, and what weighted reductions sum. */
  function values(x: PairPrepared): Float32Array {
    const out = new Float32Array(x.n);
    streamRows(runtime, x.n, 1, [...ins(x), { output: { array: out, ptr: -1 } }], (count, [pa, pb, py, po]) => {
      mapKernel(count, pa!, pb!, py!, po!, param, 1);
      return 0;
    });
    if (x.weights !== null) for (let i = 0; i < out.length; i++) out[i]! *= x.weights[i]!;
    return out;
  }

  function reduced(x: PairPrepared, sum: number | null): number | OutputTensor {
    if (reduction !== 'none' && x.weights === null && sum !== null) return sum * factorOf(x);
    const v = values(x);
    if (reduction === 'none') return { data: v, shape: [...x.shape] };
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]!;
    return s * factorOf(x);
  }

  function forward(inputs: Inputs): number | OutputTensor {
    const x = prepare(inputs);
    if (reduction === 'none' || x.weights !== null) return reduced(x, null);
    const sum = streamRows(runtime, x.n, 1, ins(x), (count, [pa, pb, py]) => sumKernel(count, pa!, pb!, py!, param));
    return reduced(x, sum);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    if (options?.out !== undefined) {
      throw new LossError({ code: 'BAD_OPTION', loss: where, argument: 'out', expected: `no out option (${ctx.loss} returns new gradient arrays)`, received: 'an out option' });
    }
    const x = prepare(inputs);
    const go = gradOutputFactors(options?.gradOutput, x.shape, reduction as Reduction, runtime, ctx);
    let scale = reduction === 'none' ? 1 : factorOf(x);
    let rowScale = x.weights;
    if (typeof go === 'number') scale *= go;
    else rowScale = rowScale === null ? go : Float32Array.from(rowScale, (w, i) => w * go[i]!);
    const ga = new Float32Array(x.n);
    const gb = new Float32Array(x.n);
    const buffers = [...ins(x), { output: { array: ga, ptr: -1 } }, { output: { array: gb, ptr: -1 } }, rowScale === null ? null : { input: asFloatInput(rowScale) }];
    const sum = streamRows(runtime, x.n, 1, buffers, (count, [pa, pb, py, pga, pgb, ps]) => {
      const s = gradKernel(count, pa!, pb!, py!, pga!, pgb!, param, scale);
      if (ps !== 0) {
        scaleRows(count, 1, pga!, ps!);
        scaleRows(count, 1, pgb!, ps!);
      }
      return s;
    });
    const grad = { [nameA]: { data: ga, shape: [...x.shape] }, [nameB]: { data: gb, shape: [...x.shape] } };
    return { value: reduced(x, sum), grad };
  }

  return { forward, withGrad };
}
