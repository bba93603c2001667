/**
 * The elementwise engine: every loss that is an elementwise function f(p, t) of a prediction and a target of one
 * shape (the regression and probability families, Keras's binary hinges):
 *
 * - Keras: the per-sample loss is the mean of f over the last axis (`ops.mean(..., axis=-1)`), then
 *   sample_weight and the reduction (src/reduction.ts). Shapes are reconciled as Keras's
 *   squeeze_or_expand_to_same_rank does, and a shape-[] input is [1].
 * - PyTorch: the loss is f elementwise, then 'mean' over all elements, 'sum' or 'none'. Shapes must match.
 *
 * Each loss brings three wasm kernels (`<name>_sum_f32`, `_rows_f32`, `_grad_f32`, assembly/regression.ts) and a
 * plain-JS twin for tiny inputs, where a wasm call and its copies cost more than the loop (docs/design.md: "a plain-JS
 * path for tiny inputs lives in the family's own file and is tested against the oracle"). The kernels run over
 * the tiling driver (./tiling.ts) in the layout [n, 1, 1] (Σ f, f') or [rows, cols, 1] (per-row sums); the
 * reduction is the reducer's (src/reducer.ts).
 */

import { kerasCommonShape, kerasGeometry, kerasWeighting, shapeMismatch, type KerasWeighting, type Reduction } from '../reduction.js';
import { Reducer, type ReductionTerms } from '../reducer.js';
import { floatInput, JsArrayInput, sameShape, shapeString, WasmTensor, type FloatInput, type OutputTensor } from '../tensor.js';
import { CHUNK, type Runtime } from '../wasm.js';
import type { KernelName, Kernels } from '../kernels.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition, type StreamHook, type StreamRule, type StreamRules } from '../losses/definition.js';
import type { LossContext } from '../options.js';
import { gradDestination, writtenData } from './destinations.js';
import { packParams, placeParams, type ParamField } from './params.js';
import { flat, PARALLEL_ARITHMETIC, PARALLEL_TRANSCENDENTAL, tile, type GradDestination, type TileOperand, type TilePlan } from './tiling.js';

// ---- the kernels over the tiling driver ----

/**
 * Σ f over all elements: `sum(n, pred, target, params) -> f64`, tile by tile (one call when both are in place);
 * `params` is the byte offset of the loss's parameter block (./params.ts).
 */
export function pairSum(rt: Runtime, sum: Kernels['mse_sum_f32'], p: FloatInput, t: FloatInput, params: number, where: string, minParallel = PARALLEL_ARITHMETIC): number {
  return tile(rt, flat(p.size), [{ width: 'wide', input: p }, { width: 'wide', input: t }], {
    steps: ({ rows, ptrs }) => [[sum, rows, ptrs[0]!, ptrs[1]!, params]],
    minParallel,
    where,
  });
}

/**
 * Rows longer than this take the flat layout (tiles of elements, not of whole rows): a tile of whole rows would
 * need a block of wasm memory as large as the row, and wasm memory never shrinks.
 */
const WIDE_ROW = CHUNK;


/**
 * Per-row values `out[r] = scale · Σ_c f` of a [rows, cols] layout, via `rows(rows, cols, pred, target, out, params,
 * scale)`: tiles of whole rows, or for rows wider than WIDE_ROW tiles of elements whose values (the rows kernel with
 * cols = 1 maps f) are summed per row in float64.
 */
export function pairRows(rt: Runtime, rowsKernel: Kernels['mse_rows_f32'], rows: number, cols: number, p: FloatInput, t: FloatInput, params: number, scale: number, where: string, minParallel = PARALLEL_ARITHMETIC): Float32Array {
  const out = new Float32Array(rows);
  if (cols > WIDE_ROW) {
    const sums = new Float64Array(rows);
    const operands: (TileOperand | null)[] = [{ width: 'wide', input: p }, { width: 'wide', input: t }, { width: 'wide', scratch: true }];
    const mapped: TilePlan = { steps: ({ rows: count, ptrs }) => [[rowsKernel, count, 1, ptrs[0]!, ptrs[1]!, ptrs[2]!, params, 1]], minParallel, where };
    tile(rt, flat(rows * cols), operands, mapped, (_, first, values) => {
      for (let j = 0; j < values.length; j++) sums[Math.floor((first + j) / cols)]! += values[j]!;
    });
    for (let r = 0; r < rows; r++) out[r] = sums[r]! * scale;
    return out;
  }
  const operands = [{ width: 'wide', input: p }, { width: 'wide', input: t }, { width: 'row', output: { array: out, ptr: -1 } }] as const;
  tile(rt, { outer: rows, classes: cols, inner: 1 }, operands, {
    steps: ({ rows: count, ptrs }) => [[rowsKernel, count, cols, ptrs[0]!, ptrs[1]!, ptrs[2]!, params, scale]],
    minParallel,
    where,
  });
  return out;
}

/**
 * The gradient `grad[r, c] = scale · rowScale[r] · f'` (rowScale null: 1) into `dest`, and Σ f, via
 * `grad(n, pred, target, grad, params, scale) -> f64` and `scale_rows_f32(rows, cols, x, s)`. Without per-row
 * factors the elements are tiled flat (rows do not matter); with them, tiles of whole rows, or for rows wider than
 * WIDE_ROW tiles of elements whose row segments are scaled one by one (the factor placed in the runtime's frame
 * block, which the elementwise kernels do not use).
 */
export function pairGrad(
  rt: Runtime,
  gradKernel: Kernels['mse_grad_f32'],
  scaleRows: Kernels['scale_rows_f32'],
  rows: number,
  cols: number,
  p: FloatInput,
  t: FloatInput,
  params: number,
  scale: number,
  rowScale: Float32Array | null,
  dest: GradDestination,
  where: string,
  minParallel = PARALLEL_ARITHMETIC,
): number {
  const n = rows * cols;
  const ins: TileOperand[] = [{ width: 'wide', input: p }, { width: 'wide', input: t }, { width: 'wide', output: dest }];
  if (rowScale === null) {
    return tile(rt, flat(n), ins, { steps: ({ rows: count, ptrs }) => [[gradKernel, count, ptrs[0]!, ptrs[1]!, ptrs[2]!, params, scale]], minParallel, where });
  }
  if (cols > WIDE_ROW) {
    return tile(rt, flat(n), ins, ({ rows: count, ptrs, firstRow: first }) => {
      const s = gradKernel(count, ptrs[0]!, ptrs[1]!, ptrs[2]!, params, scale);
      for (let i = first; i < first + count; ) {
        const r = Math.floor(i / cols);
        const end = Math.min(first + count, (r + 1) * cols);
        rt.f32()[rt.frame >> 2] = rowScale[r]!;
        scaleRows(1, end - i, ptrs[2]! + (i - first) * 4, rt.frame);
        i = end;
      }
      return s;
    });
  }
  const operands: (TileOperand | null)[] = [...ins, { width: 'row', input: { shape: [rows], size: rows, ptr: -1, array: rowScale } }];
  return tile(rt, { outer: rows, classes: cols, inner: 1 }, operands, {
    steps: ({ rows: count, ptrs }) => [
      [gradKernel, count * cols, ptrs[0]!, ptrs[1]!, ptrs[2]!, params, scale],
      [scaleRows, count, cols, ptrs[2]!, ptrs[3]!],
    ],
    minParallel,
    where,
  });
}

/** The prefixes of the elementwise kernels: each `<p>` exported as `<p>_sum_f32`, `<p>_rows_f32` and `<p>_grad_f32`. */
export type ElementwiseKernels = {
  [K in KernelName]: K extends `${infer P}_rows_f32` ? (`${P}_sum_f32` | `${P}_grad_f32` extends KernelName ? P : never) : never;
}[KernelName];

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
  readonly kernels: ElementwiseKernels;
  readonly js: JsPairKernels;
  /** The kernels' parameter (Huber's δ), 0 when unused; the plain-JS twin's `param`. */
  readonly param: number;
  /**
   * The kernels' parameter block when it holds more than `param` (the focal loss's γ, α, ls and flags: its layout
   * is the kernel family's); absent: the one f32 `param`.
   */
  readonly paramFields?: readonly ParamField[];
  /** A constant factor on f (SmoothL1Loss's 1/β), 1 when unused. */
  readonly valueScale: number;
  readonly reduction: Reduction;
  /**
   * The plain-JS twin costs about what reading a JS array costs (mse, mae, huber, …): number[] and nested arrays
   * of any size are then reduced by it straight from the caller's arrays, with no conversion pass.
   */
  readonly jsArrays?: boolean;
  /** Keras: the per-sample value is the sum of f over the last axis (KLDivergence), not the mean. */
  readonly rowSum?: boolean;
  /**
   * PyTorch: per-element factors on f (a `weight` broadcast to the input) and the target the kernels see (the
   * given one, or one the loss derives from it, as BCEWithLogitsLoss's pos_weight). Null factors: none.
   */
  readonly torchWeights?: (shape: readonly number[], target: FloatInput) => { weights: Float32Array | null; target: FloatInput };
}

interface Prepared {
  p: FloatInput;
  t: FloatInput;
  /** [rows, cols]: Keras's per-sample values × last axis; PyTorch: [numel, 1]. */
  rows: number;
  cols: number;
  /** Shape of the per-sample (Keras) or elementwise (PyTorch) values, before any sample weight. */
  lossShape: readonly number[];
  /** Keras sample weighting, or null. */
  weighting: KerasWeighting | null;
  /** PyTorch per-element factors on f (a `weight` broadcast to the input), or null. */
  elementWeights: Float32Array | null;
  /** The per-sample values (rows of them), their weights and shape, as the reducer sees them. */
  terms: ReductionTerms;
}

/**
 * The float32 data of a small input for the plain-JS twins: a Float32Array as it is; anything else converted
 * into one of the runtime's two reusable JS-side buffers (`which`), not a new array (a small typed array costs
 * more to allocate than the loop itself: its backing store is malloc'ed and registered off the JS heap).
 */
function tinyData(runtime: Runtime, input: FloatInput, which: 0 | 1): Float32Array {
  if (input instanceof JsArrayInput) {
    const dst = runtime.jsScratch(which, input.size);
    if (dst === null) return input.array;
    input.read(dst, 0, 0, input.size);
    return dst;
  }
  const array = input.array;
  if (array instanceof Float32Array) return array;
  const dst = runtime.jsScratch(which, input.size);
  if (dst === null) return Float32Array.from(array);
  dst.set(array);
  return dst;
}

/** dst[0..n) = float32(src[0..n)) by a plain loop (TypedArray set between element types is a slow call for a few elements). */
function copyDoubles(src: Float64Array, dst: Float32Array, n: number): Float32Array {
  for (let i = 0; i < n; i++) dst[i] = src[i]!;
  return dst;
}

/** dst[0..n) = the numbers of a number[], or null at the first element that is not a number (the caller reports it). */
function copyNumbers(src: readonly unknown[], dst: Float32Array, n: number): Float32Array | null {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (typeof v !== 'number') return null;
    dst[i] = v;
  }
  return dst;
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

/** The elementwise kernels whose math is arithmetic only (no exp or log): bound by memory, split late. */
const ARITHMETIC_KERNELS: ReadonlySet<string> = new Set(['mse', 'mae', 'mape', 'huber', 'hinge', 'squared_hinge', 'hinge_embedding', 'margin_ranking', 'pair_hinge']);

/** The size from which a kernel's calls over fl.tensors are split across threads (./tiling.ts). */
export function splitSize(kernels: string): number {
  return ARITHMETIC_KERNELS.has(kernels) ? PARALLEL_ARITHMETIC : PARALLEL_TRANSCENDENTAL;
}

export function bindPairLoss(spec: PairLoss, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const sumKernel = runtime.kernel(`${spec.kernels}_sum_f32`);
  const rowsKernel = runtime.kernel(`${spec.kernels}_rows_f32`);
  const gradKernel = runtime.kernel(`${spec.kernels}_grad_f32`);
  const scaleRows = runtime.kernel('scale_rows_f32');
  const { js, valueScale } = spec;
  /**
   * The loss's parameter as the kernels read it, a float32, and so as the plain-JS twins read it too: a twin given
   * the float64 number disagreed with the kernels where it decides (Keras Poisson at pred = -ε: log 0 = -inf in
   * the kernels and in float32 Keras, the log of a tiny negative, NaN, in a twin with ε = 1e-7 unrounded).
   */
  const param = Math.fround(spec.param);
  /** The kernels' parameter block, packed once and placed by each call that reaches wasm. */
  const params = packParams(...(spec.paramFields ?? [{ f32: param }]));
  const reducer = new Reducer(ctx.framework, spec.reduction, ctx);
  /** The factor from Σ_last-axis f to the per-sample value: 1/cols (mean) or 1 (sum). */
  const perRow = (cols: number) => (spec.rowSum === true ? valueScale : valueScale / cols);
  const keras = ctx.framework === 'tensorflow';
  const jsBelow = ctx.jsBelow;
  const where = `${ctx.loss} (${ctx.framework})`;
  const minParallel = splitSize(spec.kernels);

  // ---- the three primitives, each on the plain-JS path for tiny inputs and on wasm otherwise ----

  function total(p: FloatInput, t: FloatInput): number {
    if (p.size <= jsBelow) return js.sum(p.size, tinyData(runtime, p, 0), tinyData(runtime, t, 1), param);
    return pairSum(runtime, sumKernel, p, t, placeParams(runtime, params), where, minParallel);
  }

  function rowValues(rows: number, cols: number, p: FloatInput, t: FloatInput, scale: number): Float32Array {
    if (cols === 0) return new Float32Array(rows).fill(NaN); // the mean over an empty axis
    if (p.size > jsBelow) return pairRows(runtime, rowsKernel, rows, cols, p, t, placeParams(runtime, params), scale, where, minParallel);
    const pa = tinyData(runtime, p, 0);
    const ta = tinyData(runtime, t, 1);
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
    if (n > jsBelow) return pairGrad(runtime, gradKernel, scaleRows, rows, cols, p, t, placeParams(runtime, params), scale, rowScale, dest, where, minParallel);
    const grad = dest.array;
    const sum = js.grad(n, tinyData(runtime, p, 0), tinyData(runtime, t, 1), param, scale, grad);
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
        const terms = { count: p.size, shape: p.shape, weights: w.weights };
        return { p, t: w.target, rows: p.size, cols: 1, lossShape: p.shape, weighting: null, elementWeights: w.weights, terms };
      }
      return { p, t, rows: p.size, cols: 1, lossShape: p.shape, weighting: null, elementWeights: null, terms: { count: p.size, shape: p.shape } };
    }
    const common = kerasCommonShape(p.shape, t.shape);
    if (common === null) {
      throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(p.shape)} (or one that differs by a trailing axis of 1)`, t.shape);
    }
    const { rows, cols, sampleShape } = kerasGeometry(common);
    const weighting =
      inputs.sampleWeight === undefined ? null : kerasWeighting(floatInput(inputs.sampleWeight, runtime, where, 'sampleWeight'), sampleShape, ctx);
    const terms = { count: rows, shape: weighting?.shape ?? sampleShape, broadcast: weighting, weightSum: weighting?.weightSum ?? null };
    return { p, t, rows, cols, lossShape: sampleShape, weighting, elementWeights: null, terms };
  }

  /** The per-sample (Keras) or elementwise (PyTorch) values, weighted, reduced: what the call returns. */
  function reducedValues(x: Prepared): number | OutputTensor {
    return reducer.value(x.terms, rowValues(x.rows, x.cols, x.p, x.t, perRow(x.cols)));
  }

  /** The reduced value from Σ f, when no weights are involved. */
  function reducedFromSum(sum: number, x: Prepared): number {
    // Σ of the per-sample values (none when there are no rows, whatever a row of nothing would be)
    return reducer.fromSum(x.terms, x.rows === 0 ? 0 : sum * perRow(x.cols));
  }

  /**
   * The call both fast paths take: two 1-D Float32Arrays of at most jsBelow elements, nothing else given, a
   * scalar reduction. (A type predicate on pred; target is then a Float32Array too.)
   */
  function tinyPair(pred: unknown, target: unknown, inputs: Inputs): pred is Float32Array {
    return (
      pred instanceof Float32Array && target instanceof Float32Array && pred.length <= jsBelow && pred.length !== 0 &&
      pred.length === target.length && !reducer.keepsValues && spec.torchWeights === undefined && onlyPredAndTarget(inputs)
    );
  }

  // ---- the small-input path of every other flat form: no allocation, no FloatInput ----

  /** Shape and size of the last tinyView (closure state instead of a result object: nothing allocated). */
  let viewShape: readonly number[] | null = null;
  let viewSize = 0;

  /**
   * A small Float32Array / Float64Array / number[] / `{ data: one of those, shape }` as float32 data (in a
   * reusable buffer when it is not a Float32Array), or null: not small, another form, or anything wrong with
   * it — the general path then handles it and reports the error.
   */
  function tinyView(value: unknown, which: 0 | 1): Float32Array | null {
    let data: unknown = value;
    let shape: unknown = null;
    if (!(value instanceof Float32Array) && !(value instanceof Float64Array) && !Array.isArray(value)) {
      if (typeof value !== 'object' || value === null || value instanceof WasmTensor) return null;
      data = (value as { data?: unknown }).data;
      shape = (value as { shape?: unknown }).shape;
      if (!Array.isArray(shape)) return null;
    }
    let n: number;
    if (data instanceof Float32Array || data instanceof Float64Array || Array.isArray(data)) n = data.length;
    else return null;
    if (n > jsBelow || n === 0) return null;
    if (shape === null) viewShape = null;
    else {
      const dims = shape as unknown[];
      let size = 1;
      for (let i = 0; i < dims.length; i++) {
        const d = dims[i];
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return null;
        size *= d;
      }
      if (size !== n) return null;
      viewShape = shape as number[];
    }
    viewSize = n;
    if (data instanceof Float32Array) return data;
    const dst = runtime.jsScratch(which, n);
    if (dst === null) return null;
    if (data instanceof Float64Array) return copyDoubles(data, dst, n);
    return copyNumbers(data as unknown[], dst, n);
  }

  /** Both inputs small, of one shape, nothing else given, a scalar reduction: Σ f's factor, else NaN. */
  function tinyFactor(inputs: Inputs, pData: Float32Array | null, pShape: readonly number[] | null, n: number): number {
    if (pData === null || reducer.keepsValues || spec.torchWeights !== undefined || !onlyPredAndTarget(inputs)) return NaN;
    const tShape = viewShape;
    if (viewSize !== n || (pShape !== tShape && !sameShape(pShape ?? [n], tShape ?? [n]))) return NaN;
    if (!keras) return valueScale * reducer.factorOf(reducer.countDivisor(n, pShape === null ? n : pShape.length === 0 ? 1 : pShape[0]!));
    // Keras: per-sample means (or sums) over the last axis, then the reduction: Σ f × the two factors.
    const cols = pShape === null || pShape.length === 0 ? (pShape === null ? n : 1) : pShape[pShape.length - 1]!;
    return perRow(cols) * reducer.factorOf(n / cols);
  }

  // forward is small on purpose: the common call (two 1-D Float32Arrays of a few elements, a scalar reduction)
  // stays inlinable into the caller's loop; everything else goes to forwardGeneral.
  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(`${ctx.loss} (${ctx.framework})`, extra);
    if (inputs === undefined || inputs === null) return forwardGeneral(inputs); // reported by checkInputNames
    const pred = inputs.pred;
    const target = inputs.target;
    if (tinyPair(pred, target, inputs)) {
      // Keras sees one sample (the mean of f), PyTorch the mean or sum of f: a factor times Σ f either way.
      const n = pred.length;
      return js.sum(n, pred, target as Float32Array, param) * tinyFactorOf(n);
    }
    return forwardOther(inputs);
  }

  // ---- number[] and nested arrays: the loss straight from the caller's arrays ----
  //
  // Data in JS arrays has to be read element by element by JS code whatever happens next, so for a scalar
  // reduction the plain-JS twin over the arrays themselves (each element rounded to float32) is the fastest
  // way at any size: one pass, nothing copied. Anything unusual (a non-number, ragged rows, deeper nesting, a
  // NaN result, which may be either) returns NaN and the general path redoes it with full checks and messages.

  /** Σ f over two number[] of n elements, or NaN. */
  function sumNumbers(p: readonly unknown[], t: readonly unknown[], n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const u = p[i];
      const v = t[i];
      if (typeof u !== 'number' || typeof v !== 'number') return NaN;
      s += js.point(Math.fround(u), Math.fround(v), param);
    }
    return s;
  }

  /** Σ f over two [rows, cols] nested number arrays, or NaN. */
  function sumRows(p: readonly unknown[], t: readonly unknown[], rows: number, cols: number): number {
    let s = 0;
    for (let r = 0; r < rows; r++) {
      const pr = p[r];
      const tr = t[r];
      if (!Array.isArray(pr) || !Array.isArray(tr) || pr.length !== cols || tr.length !== cols) return NaN;
      s += sumNumbers(pr, tr, cols);
    }
    return s;
  }

  /** Σ f over two Float64Arrays of n elements, each rounded to float32 (small inputs: no copy). */
  function sumDoubles(p: Float64Array, t: Float64Array, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += js.point(Math.fround(p[i]!), Math.fround(t[i]!), param);
    return s;
  }

  /**
   * The scalar-reduced value of two inputs of one form and one shape, computed by the plain-JS twin straight
   * from the caller's data, or NaN: number[] (flat or [rows, cols] nested) at any size; Float64Array,
   * Float32Array and `{ data: one of those, shape }` up to jsBelow elements.
   */
  function directForward(pred: unknown, target: unknown, inputs: Inputs): number {
    if (reducer.keepsValues || spec.torchWeights !== undefined) return NaN;
    let p = pred;
    let t = target;
    let shape: unknown[] | null = null;
    if (!Array.isArray(p) && !(p instanceof Float64Array) && !(p instanceof Float32Array)) {
      // { data, shape } on both sides, one valid shape
      if (typeof p !== 'object' || p === null || ArrayBuffer.isView(p) || p instanceof WasmTensor) return NaN;
      if (typeof t !== 'object' || t === null || ArrayBuffer.isView(t) || t instanceof WasmTensor) return NaN;
      const ps: unknown = (p as { shape?: unknown }).shape;
      const ts: unknown = (t as { shape?: unknown }).shape;
      if (!Array.isArray(ps) || !Array.isArray(ts) || ps.length !== ts.length) return NaN;
      for (let i = 0; i < ps.length; i++) {
        const d: unknown = ps[i];
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d !== ts[i]) return NaN;
      }
      shape = ps;
      p = (p as { data?: unknown }).data;
      t = (t as { data?: unknown }).data;
    }
    if (!onlyPredAndTarget(inputs)) return NaN;
    let n: number;
    let cols: number;
    let sum: number;
    let batch: number; // the leading axis: PyTorch 'batchmean' divides by it
    if (Array.isArray(p)) {
      // Above jsBelow only where the twin is as cheap as reading the arrays (spec.jsArrays); otherwise the
      // arrays are converted while they stream into the kernel (bce's logs in JS cost 4x that at 1M elements).
      const size = p.length * (Array.isArray(p[0]) ? (p[0] as unknown[]).length : 1);
      if (!Array.isArray(t) || t.length !== p.length || p.length === 0 || (size > jsBelow && spec.jsArrays !== true)) return NaN;
      const first: unknown = p[0];
      if (shape === null && Array.isArray(first)) {
        cols = first.length;
        n = p.length * cols;
        batch = p.length;
        sum = cols === 0 ? NaN : sumRows(p, t, p.length, cols);
      } else {
        n = p.length;
        cols = batch = n;
        sum = sumNumbers(p, t, n);
      }
    } else if (p instanceof Float64Array) {
      if (!(t instanceof Float64Array) || t.length !== p.length || p.length > jsBelow || p.length === 0) return NaN;
      n = cols = batch = p.length;
      sum = sumDoubles(p, t, n);
    } else if (p instanceof Float32Array) {
      if (!(t instanceof Float32Array) || t.length !== p.length || p.length > jsBelow || p.length === 0) return NaN;
      n = cols = batch = p.length;
      sum = js.sum(n, p, t, param);
    } else return NaN;
    if (shape !== null) {
      let size = 1;
      for (let i = 0; i < shape.length; i++) size *= shape[i] as number;
      if (size !== n) return NaN;
      cols = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
      batch = shape.length === 0 ? 1 : (shape[0] as number);
    }
    return sum * factorOf(n, cols, batch);
  }

  /** The factor on Σ f of n elements whose last axis has `cols` (Keras's per-sample means, then the reduction). */
  function factorOf(n: number, cols: number, batch: number): number {
    if (!keras) return valueScale * reducer.factorOf(reducer.countDivisor(n, batch));
    return perRow(cols) * reducer.factorOf(n / cols);
  }

  /** The factor on Σ f of one 1-D input of n elements: Keras's one sample (its mean), PyTorch's reduction. */
  function tinyFactorOf(n: number): number {
    return keras ? perRow(n) : valueScale * reducer.factorOf(reducer.countDivisor(n, n));
  }

  function forwardOther(inputs: Inputs): number | OutputTensor {
    const direct = directForward(inputs.pred, inputs.target, inputs);
    if (direct === direct) return direct;
    return forwardGeneral(inputs);
  }

  function forwardGeneral(inputs: Inputs): number | OutputTensor {
    const x = prepare(inputs);
    if (!reducer.keepsValues && x.weighting === null && x.elementWeights === null) return reducedFromSum(total(x.p, x.t), x);
    // 'none', or Keras sample weights: the per-sample values are needed one by one.
    return reducedValues(x);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    if (inputs === undefined || inputs === null) checkInputNames(inputs, def, where);
    if (options !== undefined) checkGradOptions(options, where);
    const pred = inputs.pred;
    const target = inputs.target;
    // Fast path, as in forward: two 1-D Float32Arrays of a few elements, a scalar reduction, no gradOutput.
    if (options === undefined && tinyPair(pred, target, inputs)) {
      const n = pred.length;
      const factor = tinyFactorOf(n);
      const grad = new Float32Array(n);
      const sum = js.grad(n, pred, target as Float32Array, param, factor, grad);
      return { value: sum * factor, grad: { pred: { data: grad, shape: [n] } } };
    }
    if (options === undefined) {
      const p = tinyView(pred, 0);
      const pShape = viewShape;
      const n = viewSize;
      const t = p === null ? null : tinyView(target, 1);
      const factor = t === null ? NaN : tinyFactor(inputs, p, pShape, n);
      if (factor === factor) {
        const grad = new Float32Array(n);
        const sum = js.grad(n, p!, t!, param, factor, grad);
        return { value: sum * factor, grad: { pred: { data: grad, shape: pShape === null ? [n] : [...pShape] } } };
      }
    }
    const x = prepare(inputs);
    // d value / d (per-sample value r): the reducer's (weights, reduction, upstream); d value / d f of row r's
    // elements: that times the per-sample value's own factor, perRow.
    const g = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
    const scale = x.cols === 0 ? 0 : perRow(x.cols) * g.scale;
    const dest = gradDestination(options?.out, x, runtime, ctx);
    const sum = gradient(x.rows, x.cols, x.p, x.t, scale, g.rowScale, dest);
    // a row wider than the scratch region takes a block of wasm memory, which may grow it: read the gradient after
    const gradPred = { data: writtenData(runtime, dest, x.p.size), shape: [...x.p.shape] };
    if (!reducer.keepsValues && x.weighting === null && x.elementWeights === null) return { value: reducedFromSum(sum, x), grad: { pred: gradPred } };
    return { value: reducedValues(x), grad: { pred: gradPred } };
  }

  // ---- streaming (loss.accumulator()): each batch's Σ of (weighted) values and the mean's divisor ----

  const stream: StreamHook = {
    // Keras on a rank-0/1 input: one per-sample value over the whole (last) axis, for every reduction. Which a
    // stream has is a rule: a pred [n] with a target [n, 1] has the same item shape [] but a value per row.
    ...(keras ? { rules: { oneSample: ONE_SAMPLE } } : {}),
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      const item = x.p.shape.slice(1);
      if (!keras) {
        const sum = x.elementWeights === null ? total(x.p, x.t) * valueScale : reducer.weightedSum(x.terms, rowValues(x.rows, 1, x.p, x.t, valueScale));
        return { ...reducer.stats(x.terms, sum), item };
      }
      const oneSample = x.lossShape.length === 0;
      const rules = { oneSample };
      if (oneSample) {
        if (x.weighting !== null) {
          throw shapeMismatch(ctx, 'pred', 'a batch axis to stream with sampleWeight (a rank-1 pred is one Keras sample, split along its last axis)', x.p.shape);
        }
        return { sum: total(x.p, x.t) * valueScale, count: x.cols, item, rules };
      }
      if (x.weighting === null) return { ...reducer.stats(x.terms, total(x.p, x.t) * perRow(x.cols)), item, rules };
      return { ...reducer.stats(x.terms, reducer.weightedSum(x.terms, rowValues(x.rows, x.cols, x.p, x.t, perRow(x.cols)))), item, rules };
    },
    result(sum: number, count: number, rules: StreamRules): number {
      // the one sample's mean (NaN over an empty axis, as Keras's mean), or its sum (KLDivergence's rowSum)
      if (rules.oneSample === true) return spec.rowSum === true ? sum : sum / count;
      return reducer.result(sum, count);
    },
  };

  return { forward, withGrad, stream };
}

/**
 * Keras's oneSample rule (the elementwise engine's stream): whether the batches are one sample (a rank-1 pred,
 * the mean over its only axis) or have a value per item; batches that differ, in a stream or a merge, are
 * SHAPE_MISMATCH.
 */
const ONE_SAMPLE: StreamRule = {
  values: [true, false],
  code: 'SHAPE_MISMATCH',
  text: (oneSample) => (oneSample ? 'one sample (a Keras rank-1 pred)' : 'a value per item'),
};
