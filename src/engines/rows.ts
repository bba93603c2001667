/**
 * The row engine: losses reduced over one axis of their input (a class axis, or Keras's last axis), one value
 * per row. Beside ./elementwise.ts, with the same two paths in: tensors made by `fl.tensor()` are read in place,
 * ordinary arrays are streamed through the fixed scratch region block by block (wasm memory does not grow with
 * the input: only a row wider than the whole region, C above ~16K classes with three streamed operands, takes a
 * temporary block of its own size, returned at the end of the call).
 *
 * Geometry. An input is seen as [outer, C, inner] with the reduced axis in the middle: Keras's last axis is
 * inner = 1; PyTorch's class axis 1 of [N, C, d1, ...] is outer = N, inner = d1·...; Keras's `axis` is any
 * split. A row is one (o, i) pair; per-row operands (labels, values, row factors) have shape [outer, inner].
 * Blocks are whole slabs (o0..o1, all of inner) when they fit, in which case every operand, in place or
 * copied, has the natural layout; otherwise one slab's inner range at a time, where copied operands are compact
 * (class stride = the range's length) and operands in place keep their stride: the kernel takes one class stride
 * per operand. Nothing is transposed.
 *
 * The kernels share one ABI (assembly/inline/row_abi.ts; assembly/crossentropy.ts has the contract):
 *   kernel(frame, params) -> Σ out (f64)
 * with the frame written per tile (writeFrame below: outer, C, inner, pred, ps, target, ts, grad, gs, gradTarget,
 * gts, out, rowScale, weights, scale, rowLabels) and the loss's parameters (p0, p1, ignore) placed per call.
 * The target is either class indices ([outer, inner] int32: `sparse`) or a float tensor of pred's shape (dense),
 * and a kernel may also write ∂/∂target (cosine similarity and the like, where both inputs are differentiated).
 * `rowLabels` is a per-row float operand beside a dense target (torch CosineEmbeddingLoss's ±1 labels), 0 when
 * absent.
 *
 * Using it from another family (a Keras loss over the last axis of two same-shaped inputs, say): export a kernel
 * with the ABI above from assembly/<family>.ts (a body over the arguments, exported through runRowKernel), then per call build the geometry with `axisGeometry(shape, -1)`,
 * call `runRows(runtime, kernel, { geometry, pred, target: { kind: 'dense', input }, grad, gradTarget, scale,
 * rowScale, rows: true })`, and reduce the per-row values with the reducer (src/reducer.ts; bindKerasCrossentropy in
 * ./crossentropy.ts is the worked example, sample weights and gradOutput included).
 *
 * Framework glue shared by the row losses is here too: label validation (BAD_DTYPE, LABEL_OUT_OF_RANGE) and the
 * geometry of an axis.
 */

import { LossError } from '../errors.js';
import { packParams, placeParams, type ParamField } from './params.js';
import { PARALLEL_ROWS, tile, type GradDestination, type Tile, type TileOperand } from './tiling.js';
import type { Labels } from './labels.js';
import { shapeSize, type FloatInput } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import type { Kernels } from '../kernels.js';
import type { LossContext } from '../options.js';

// ---- geometry ----

export interface RowGeometry {
  readonly outer: number;
  /** Length of the reduced (class) axis. */
  readonly classes: number;
  readonly inner: number;
  /** The input's shape without the reduced axis: the shape of the per-row values. */
  readonly rowShape: readonly number[];
}

/** The geometry of reducing `axis` of `shape` (negative axes count from the end; shape [] is [1]). */
export function axisGeometry(shape: readonly number[], axis: number): RowGeometry {
  const s = shape.length === 0 ? [1] : shape;
  const a = axis < 0 ? s.length + axis : axis;
  return {
    outer: shapeSize(s.slice(0, a)),
    classes: s[a]!,
    inner: shapeSize(s.slice(a + 1)),
    rowShape: [...s.slice(0, a), ...s.slice(a + 1)],
  };
}

/** Checks that `axis` is a valid axis of a rank-`rank` input; throws BAD_OPTION naming it otherwise. */
export function checkAxis(axis: number, rank: number, ctx: LossContext, argument = 'option "axis"'): void {
  const r = Math.max(rank, 1);
  if (!(axis >= -r && axis < r)) {
    throw new LossError({
      code: 'BAD_OPTION',
      loss: `${ctx.loss} (${ctx.framework})`,
      argument,
      expected: `an axis in [${-r}, ${r - 1}] for pred of rank ${r}`,
      received: String(axis),
    });
  }
}

// ---- running a row kernel ----

/** What a row kernel reads as its target. */
export type RowTarget = { readonly kind: 'labels'; readonly labels: Labels } | { readonly kind: 'dense'; readonly input: FloatInput };

export interface RowRun {
  readonly geometry: RowGeometry;
  readonly pred: FloatInput;
  readonly target: RowTarget;
  /** Class weights [C], or null. */
  readonly weights?: Float32Array | null;
  /** The gradient's factor (times rowScale[row] when given). */
  readonly scale?: number;
  readonly rowScale?: Float32Array | null;
  readonly p0?: number;
  readonly p1?: number;
  /** The ignored label (PyTorch's ignore_index, Keras's ignore_class); any value no label has when none. */
  readonly ignore?: number;
  /** The kernel's fields past p0, p1 and ignore (the categorical focal loss's γ, α and flags), in its order. */
  readonly extra?: readonly ParamField[];
  /** Where ∂/∂pred goes, or null for a forward pass. */
  readonly grad?: GradDestination | null;
  /** Where ∂/∂target goes (dense kernels that have it), or null. */
  readonly gradTarget?: GradDestination | null;
  /** A float per row [outer·inner] beside a dense target (a kernel's trailing `rowLabels`), or null. */
  readonly rowLabels?: FloatInput | null;
  /** Return the per-row values too (for 'none', sample weights). */
  readonly rows?: boolean;
  /** A plain-JS twin of the kernel, taken when pred has at most `jsBelow` elements (a wasm call costs more there). */
  readonly js?: JsRowKernel;
  readonly jsBelow?: number;
  /** The loss, as errors name it ("categorical_crossentropy (tensorflow)"). */
  readonly where: string;
}

/**
 * The plain-JS twin of a row kernel: the same contract over the arrays themselves (pred [outer, C, inner], the
 * target's labels or dense values, the gradient into `grad` when given, per-row values into `out`); returns Σ out.
 */
export type JsRowKernel = (
  geometry: RowGeometry,
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  args: {
    readonly weights: Float32Array | null;
    readonly scale: number;
    readonly rowScale: Float32Array | null;
    readonly p0: number;
    readonly p1: number;
    readonly ignore: number;
    readonly grad: Float32Array | null;
    readonly out: Float32Array;
  },
) => number;

export interface RowResult {
  /** Σ of the per-row values, in f64. */
  readonly sum: number;
  /** The per-row values [outer·inner] when asked for. */
  readonly values: Float32Array | null;
}

/** An ignore value that no label can take (labels are int32). */
export const NO_IGNORE = -2147483648;

/** A kernel of the row ABI: `(frame, params) -> Σ` (assembly/inline/row_abi.ts). */
export type RowKernel = Kernels['cosine_embedding_f32'];

export type { RowKernelName } from '../kernels.js';

/**
 * The frame of a tile (assembly/inline/row_abi.ts RowFrame, 4 bytes a field, in this order): outer, C, inner, then
 * pred, target, grad, gradTarget each with its class stride, out, rowScale, weights, scale (f32), rowLabels. The
 * operands are runRows's, in its order: 0 pred, 1 target, 2 grad, 3 gradTarget, 4 out, 5 rowScale, 6 weights,
 * 7 rowLabels, at byte offset `at` (the runtime's frame, or a part's own when a call is split across threads).
 * Returns `at`.
 */
function writeFrame(rt: Runtime, t: Tile, C: number, scale: number, at: number): number {
  const { ptrs: p, strides: s } = t;
  rt.i32().set([t.slabs, C, t.span, p[0]!, s[0]!, p[1]!, s[1]!, p[2]!, s[2]!, p[3]!, s[3]!, p[4]!, p[5]!, p[6]!, 0, p[7]!], at >> 2);
  rt.f32()[(at >> 2) + 14] = scale;
  return at;
}

/** A per-row Float32Array as a tile operand. */
const rowInput = (array: Float32Array): FloatInput => ({ shape: [array.length], size: array.length, ptr: -1, array });

/** Runs `kernel` over the whole geometry, tile by tile (./tiling.ts), with the row ABI above. */
export function runRows(rt: Runtime, kernel: RowKernel, run: RowRun): RowResult {
  const { outer, classes: C, inner } = run.geometry;
  const rows = outer * inner;
  const values = run.rows === true ? new Float32Array(rows) : null;
  if (rows === 0 || C === 0) {
    // no rows, or rows of nothing: the kernels need C >= 1 (a sum over no classes is the family's to define)
    return { sum: 0, values };
  }
  const scale = run.scale ?? 1;
  const p0 = run.p0 ?? 0;
  const p1 = run.p1 ?? 0;
  const ignore = run.ignore ?? NO_IGNORE;
  const rowScale = run.rowScale ?? null;
  const weights = run.weights ?? null;
  if (run.js !== undefined && run.pred.size <= (run.jsBelow ?? 0)) {
    const out = new Float32Array(rows);
    // a Float64Array is rounded to float32 here as the kernels' path rounds it on entry (the same value either way)
    const f32 = (a: ArrayLike<number>) => (a instanceof Float64Array ? Float32Array.from(a) : a);
    const target = run.target.kind === 'labels' ? run.target.labels.data : f32(run.target.input.array);
    const grad = run.grad == null ? null : run.grad.array;
    const sum = run.js(run.geometry, f32(run.pred.array), target, { weights, scale, rowScale, p0, p1, ignore, grad, out });
    return { sum, values: values === null ? null : out };
  }
  const OUT = 4;
  const operands: (TileOperand | null)[] = [
    { width: 'wide', input: run.pred },
    run.target.kind === 'dense' ? { width: 'wide', input: run.target.input } : { width: 'row', labels: run.target.labels },
    run.grad == null ? null : { width: 'wide', output: run.grad },
    run.gradTarget == null ? null : { width: 'wide', output: run.gradTarget },
    { width: 'row', scratch: true }, // out: the per-row values
    rowScale === null ? null : { width: 'row', input: rowInput(rowScale) },
    weights === null ? null : { width: 'row', constant: weights.subarray(0, C) },
    run.rowLabels == null ? null : { width: 'row', input: run.rowLabels },
  ];
  const params = placeParams(rt, packParams({ f32: p0 }, { f32: p1 }, { i32: ignore }, ...(run.extra ?? [])));
  const sum = tile(
    rt,
    run.geometry,
    operands,
    { steps: (t, frame) => [[kernel, writeFrame(rt, t, C, scale, frame), params]], minParallel: PARALLEL_ROWS, where: run.where },
    values === null ? undefined : (k, firstRow, rowValues) => k === OUT && values.set(rowValues, firstRow),
  );
  return { sum, values };
}

/** Σ of the class weights (the label-smoothing term's W of the sparse kernels). */
export function weightSum(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
}
