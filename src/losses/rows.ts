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
 * The kernels share one ABI (assembly/crossentropy.ts has the contract):
 *   kernel(outer, C, inner, pred, ps, target, ts, grad, gs, gradTarget, gts, out, rowScale, weights,
 *          scale, p0, p1, ignore, rowLabels) -> Σ out (f64)
 * The target is either class indices ([outer, inner] int32: `sparse`) or a float tensor of pred's shape (dense),
 * and a kernel may also write ∂/∂target (cosine similarity and the like, where both inputs are differentiated).
 * `rowLabels` is a per-row float operand beside a dense target (torch CosineEmbeddingLoss's ±1 labels); only the
 * kernels that read it declare it (a wasm export ignores trailing arguments it does not take), 0 when absent.
 *
 * Using it from another family (a Keras loss over the last axis of two same-shaped inputs, say): export a kernel
 * with the ABI above from assembly/<family>.ts, then per call build the geometry with `axisGeometry(shape, -1)`,
 * call `runRows(runtime, kernel, { geometry, pred, target: { kind: 'dense', input }, grad, gradTarget, scale,
 * rowScale, rows: true })`, and reduce the per-row values with the reducer (src/reducer.ts; bindKerasCrossentropy in
 * ./crossentropy.ts is the worked example, sample weights and gradOutput included).
 *
 * Framework glue shared by the row losses is here too: label validation (BAD_DTYPE, LABEL_OUT_OF_RANGE) and the
 * geometry of an axis.
 */

import { describe, LossError } from '../errors.js';
import { inPlace, type GradDestination } from '../stream.js';
import { JsArrayInput, shapeSize, WasmTensor, type FloatInput } from '../tensor.js';
import { CHUNK, type KernelFn, type Runtime } from '../wasm.js';
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

// ---- labels ----

/** Validated class indices: int32, one per row. `valid` counts the rows whose label is not `ignore`. */
export interface Labels {
  readonly shape: readonly number[];
  readonly data: Int32Array;
  /** Byte offset of an int32 tensor read in place, else -1. */
  readonly ptr: number;
  readonly valid: number;
}

/**
 * Class indices from an Int32Array, Float32Array, Float64Array, number[] (nested or `{ data, shape }`) or an
 * int32/float32 tensor: the array's type decides nothing, every value must be an integer in [0, C) or the
 * ignored label. A non-integer or NaN is BAD_DTYPE and an index outside [0, C) is LABEL_OUT_OF_RANGE, each naming
 * the index and the value (and C).
 */
export function labelsInput(value: unknown, runtime: Runtime, ctx: LossContext, argument: string, classes: number, ignore: number | null): Labels {
  const where = `${ctx.loss} (${ctx.framework})`;
  let shape: readonly number[];
  let source: ArrayLike<number>;
  let ptr = -1;
  if (value instanceof WasmTensor) {
    if (value.freed) {
      throw new LossError({ code: 'FREED_TENSOR', loss: where, argument, expected: 'a tensor that has not been freed', received: 'a tensor after free()' });
    }
    shape = value.shape;
    source = value.data;
    if (value.dtype === 'int32') ptr = value.byteOffset;
  } else if (value instanceof Int32Array || value instanceof Float32Array || value instanceof Float64Array) {
    shape = [value.length];
    source = value;
  } else {
    const nested = labelShape(value);
    if (nested === null) {
      throw new LossError({
        code: 'BAD_DTYPE',
        loss: where,
        argument,
        expected: 'class indices: an Int32Array, Float32Array, Float64Array, number[] or { data, shape } of integers',
        received: describe(value),
      });
    }
    shape = nested.shape;
    source = nested.data;
  }
  const n = source.length;
  const data = source instanceof Int32Array ? source : new Int32Array(n);
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const y = source[i]!;
    if (!Number.isInteger(y)) {
      throw new LossError({ code: 'BAD_DTYPE', loss: where, argument: `${argument}[${i}]`, expected: 'an integer class index', received: describe(y) });
    }
    if (y === ignore) continue;
    if (y < 0 || y >= classes) {
      throw new LossError({
        code: 'LABEL_OUT_OF_RANGE',
        loss: where,
        argument: `${argument}[${i}]`,
        expected: `a class index in [0, ${classes})${ignore === null ? '' : ` or the ignored ${ignore}`} (C = ${classes})`,
        received: String(y),
      });
    }
    valid++;
  }
  if (data !== source) for (let i = 0; i < n; i++) data[i] = source[i]!;
  return { shape, data, ptr, valid };
}

/** Shape and flat data of a number[], nested arrays, a number or `{ data, shape }`; null if it is none of these. */
function labelShape(value: unknown): { shape: number[]; data: ArrayLike<number> } | null {
  if (typeof value === 'number') return { shape: [], data: [value] };
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value && 'shape' in value) {
    const { data, shape } = value as { data: unknown; shape: unknown };
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return null;
    const flat = data instanceof WasmTensor ? data.data : data;
    if (!(flat instanceof Int32Array || flat instanceof Float32Array || flat instanceof Float64Array || Array.isArray(flat))) return null;
    if (Array.isArray(flat) && flat.some((x) => typeof x !== 'number')) return null;
    if ((flat as ArrayLike<number>).length !== shapeSize(shape as number[])) return null;
    return { shape: shape as number[], data: flat as ArrayLike<number> };
  }
  if (!Array.isArray(value)) return null;
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat = (value as unknown[]).flat(shape.length) as unknown[];
  if (flat.length !== shapeSize(shape) || flat.some((x) => typeof x !== 'number')) return null;
  return { shape, data: flat as number[] };
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

interface Operand {
  /** Byte offset in wasm memory when read or written in place, else -1. */
  readonly ptr: number;
  /**
   * Byte offset in wasm memory of the data when it lives there (a tensor, or a view of the memory), else -1.
   * Equal to ptr unless the operand is copied through the region anyway (partial inner ranges): it is then
   * copied from wasm memory by offset, not through `array`, a view that memory growth (a temporary block)
   * would have detached.
   */
  readonly at: number;
  /** The data (not read for a `source`: a number[] or nested arrays are converted block by block instead). */
  readonly array: Float32Array | Float64Array | Int32Array;
  readonly source?: JsArrayInput;
}

const NO_DATA = new Float32Array(0);

const floatOperand = (rt: Runtime, x: FloatInput): Operand => {
  // number[] and nested arrays are read into each block as it is copied in (no whole float32 copy allocated:
  // a fresh 4 MB array costs more in first-touch page faults than converting its million numbers)
  if (x instanceof JsArrayInput) return { ptr: -1, at: -1, array: NO_DATA, source: x };
  const p = inPlace(rt, x);
  return { ptr: p.ptr, at: p.ptr, array: p.array };
};

/** Elements [from, from + len) of an operand copied in as float32 at f32 index `to`. */
function copyIn(f32: Float32Array, x: Operand, from: number, len: number, to: number): void {
  if (x.source !== undefined) x.source.read(f32, to, from, len);
  else if (x.at >= 0) f32.copyWithin(to, (x.at >> 2) + from, (x.at >> 2) + from + len);
  else f32.set(x.array.subarray(from, from + len), to);
}

/** Elements [from, from + len) of f32 (the region) written back to an operand at its element `to`. */
function copyOut(f32: Float32Array, x: Operand, from: number, len: number, to: number): void {
  if (x.at >= 0) f32.copyWithin((x.at >> 2) + to, from, from + len);
  else (x.array as Float32Array).set(f32.subarray(from, from + len), to);
}

const destOperand = (d: GradDestination): Operand => ({ ptr: d.ptr, at: d.ptr, array: d.array });

/** Runs `kernel` over the whole geometry, block by block. */
export function runRows(rt: Runtime, kernel: KernelFn, run: RowRun): RowResult {
  const { outer, classes: C, inner } = run.geometry;
  const rows = outer * inner;
  const values = run.rows === true ? new Float32Array(rows) : null;
  if (rows === 0 || C === 0) {
    // no rows, or rows of nothing: the kernels need C >= 1 (a sum over no classes is the family's to define)
    return { sum: 0, values };
  }
  if (run.js !== undefined && run.pred.size <= (run.jsBelow ?? 0)) {
    const out = new Float32Array(rows);
    const target = run.target.kind === 'labels' ? run.target.labels.data : run.target.input.array;
    const sum = run.js(run.geometry, run.pred.array, target, {
      weights: run.weights ?? null,
      scale: run.scale ?? 1,
      rowScale: run.rowScale ?? null,
      p0: run.p0 ?? 0,
      p1: run.p1 ?? 0,
      ignore: run.ignore ?? NO_IGNORE,
      grad: run.grad == null ? null : (run.grad.array as Float32Array),
      out,
    });
    return { sum, values: values === null ? null : out };
  }
  let pred = floatOperand(rt, run.pred);
  let dense = run.target.kind === 'dense' ? floatOperand(rt, run.target.input) : null;
  const labels = run.target.kind === 'labels' ? run.target.labels : null;
  let grad = run.grad == null ? null : destOperand(run.grad);
  let gradT = run.gradTarget == null ? null : destOperand(run.gradTarget);
  const rowScale = run.rowScale ?? null;
  const weights = run.weights ?? null;
  const rowLabels = run.rowLabels == null ? null : floatOperand(rt, run.rowLabels);

  // Scratch carving: per streamed [O, C, I] operand C floats per row, per row-operand 1, plus the class weights.
  const narrow = 1 + (rowScale === null ? 0 : 1) + (labels !== null && labels.ptr < 0 ? 1 : 0) + (rowLabels !== null && rowLabels.ptr < 0 ? 1 : 0);
  const weightFloats = weights === null ? 0 : align4(C);
  const regionFloats = 4 * CHUNK;
  const rowsFitting = (wideCount: number) =>
    // each region is aligned to 4 floats: 4 floats of slack per region
    Math.floor((regionFloats - weightFloats - 4 * (wideCount + narrow)) / (wideCount * C + narrow));
  let wide = [pred, dense, grad, gradT].filter((x): x is Operand => x !== null && x.ptr < 0).length;
  if (inner > 1 && Math.floor(rowsFitting(wide) / inner) < 1) {
    // Partial inner ranges of a strided class axis: operands in place would be read with their own class
    // stride, often a power of two (H·W), which maps all C rows of a position onto one L1 set; copied into the
    // scratch region they are compact (stride = the range's length). A copy within wasm memory is cheap beside
    // the misses it saves (measured on [8, 21, 128, 128]).
    const compact = (x: Operand | null): Operand | null => (x === null ? null : { ...x, ptr: -1 });
    pred = compact(pred)!;
    dense = compact(dense);
    grad = compact(grad);
    gradT = compact(gradT);
    wide = [pred, dense, grad, gradT].filter((x) => x !== null).length;
  }
  const slack = 4 * (wide + narrow);
  let maxRows = rowsFitting(wide);
  let temp = -1;
  let base = rt.slots[0]!;
  if (maxRows < 1) {
    // A row wider than the region: one row at a time in a block of its own (freed below).
    maxRows = 1;
    temp = rt.heap.alloc((weightFloats + slack + wide * C + narrow) * 4);
    base = temp;
  }
  try {
    return runBlocks();
  } finally {
    if (temp >= 0) rt.heap.free(temp);
  }

  function runBlocks(): RowResult {
    let f32 = rt.f32();
    const i32 = rt.i32();
    let cursor = base;
    const carve = (floats: number): number => {
      const at = cursor;
      cursor += align4(floats) * 4;
      return at;
    };
    const wPtr = weights === null ? 0 : carve(C);
    if (weights !== null) f32.set(weights.subarray(0, C), wPtr >> 2);
    const slabs = Math.floor(maxRows / inner);
    const tileRows = slabs >= 1 ? slabs * inner : maxRows;
    const predSlot = pred.ptr < 0 ? carve(tileRows * C) : 0;
    const denseSlot = dense !== null && dense.ptr < 0 ? carve(tileRows * C) : 0;
    const gradSlot = grad !== null && grad.ptr < 0 ? carve(tileRows * C) : 0;
    const gradTSlot = gradT !== null && gradT.ptr < 0 ? carve(tileRows * C) : 0;
    const labelSlot = labels !== null && labels.ptr < 0 ? carve(tileRows) : 0;
    const outSlot = carve(tileRows);
    const scaleSlot = rowScale === null ? 0 : carve(tileRows);
    const rowLabelSlot = rowLabels !== null && rowLabels.ptr < 0 ? carve(tileRows) : 0;
    f32 = rt.f32();

    const scale = run.scale ?? 1;
    const p0 = run.p0 ?? 0;
    const p1 = run.p1 ?? 0;
    const ignore = run.ignore ?? NO_IGNORE;
    let sum = 0;

    const callBlock = (o: number, ob: number, i0: number, len: number): void => {
      // Block: slabs o..o+ob-1 with inner range [i0, i0+len) (len = inner when ob > 1).
      const whole = len === inner;
      const r0 = o * inner + i0;
      const nrows = ob * len;
      const wideIn = (x: Operand | null, slot: number): [number, number] => {
        if (x === null) return [0, 0];
        if (x.ptr >= 0) return [x.ptr + (o * C * inner + i0) * 4, inner];
        if (whole) copyIn(f32, x, o * C * inner, ob * C * inner, slot >> 2);
        else for (let c = 0; c < C; c++) copyIn(f32, x, o * C * inner + c * inner + i0, len, (slot >> 2) + c * len);
        return [slot, len];
      };
      const wideOut = (x: Operand | null, slot: number): [number, number] => {
        if (x === null) return [0, 0];
        if (x.ptr >= 0) return [x.ptr + (o * C * inner + i0) * 4, inner];
        return [slot, len];
      };
      const wideBack = (x: Operand | null, slot: number): void => {
        if (x === null || x.ptr >= 0) return;
        if (whole) copyOut(f32, x, slot >> 2, nrows * C, o * C * inner);
        else for (let c = 0; c < C; c++) copyOut(f32, x, (slot >> 2) + c * len, len, o * C * inner + c * inner + i0);
      };
      const [pp, ps] = wideIn(pred, predSlot);
      let tp = 0;
      let ts = 0;
      if (dense !== null) [tp, ts] = wideIn(dense, denseSlot);
      else if (labels !== null) {
        if (labels.ptr >= 0) tp = labels.ptr + r0 * 4;
        else {
          i32.set(labels.data.subarray(r0, r0 + nrows), labelSlot >> 2);
          tp = labelSlot;
        }
      }
      const [gp, gs] = wideOut(grad, gradSlot);
      const [gtp, gts] = wideOut(gradT, gradTSlot);
      if (rowScale !== null) f32.set(rowScale.subarray(r0, r0 + nrows), scaleSlot >> 2);
      let lp = 0;
      if (rowLabels !== null) {
        if (rowLabels.ptr >= 0) lp = rowLabels.ptr + r0 * 4;
        else {
          copyIn(f32, rowLabels, r0, nrows, rowLabelSlot >> 2);
          lp = rowLabelSlot;
        }
      }
      sum += kernel(ob, C, len, pp, ps, tp, ts, gp, gs, gtp, gts, outSlot, rowScale === null ? 0 : scaleSlot, wPtr, scale, p0, p1, ignore, lp);
      wideBack(grad, gradSlot);
      wideBack(gradT, gradTSlot);
      if (values !== null) values.set(f32.subarray(outSlot >> 2, (outSlot >> 2) + nrows), r0);
    };

    if (slabs >= 1) {
      for (let o = 0; o < outer; o += slabs) callBlock(o, Math.min(slabs, outer - o), 0, inner);
    } else {
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i += maxRows) callBlock(o, 1, i, Math.min(maxRows, inner - i));
    }
    return { sum, values };
  }
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Σ of the class weights (the label-smoothing term's W of the sparse kernels). */
export function weightSum(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
}
