/**
 * Running a pair kernel (two float inputs of equal size) over inputs wherever they are: tensors made by
 * `fl.tensor()` are read in place; ordinary arrays are streamed through the fixed scratch region CHUNK
 * elements at a time, so wasm memory never grows with input size and the kernel reads from cache. Outputs
 * (elementwise or per-row values, gradients) leave wasm memory block by block into new JS-heap arrays.
 *
 * Slots: 0 = pred block, 1 = target block, 2 = output block, 3 = per-row factors.
 */

import { LossError } from './errors.js';
import type { LossContext } from './options.js';
import { JsArrayInput, WasmTensor, type FloatInput } from './tensor.js';
import { CHUNK, type KernelFn, type Runtime } from './wasm.js';

/**
 * Where an input already lives in wasm memory: a tensor made by `fl.tensor()`, or any Float32Array viewing this
 * memory (e.g. `tensor.data`, or a view the caller made of `fl.memory`). -1: it must be copied in.
 */
export function inPlace(rt: Runtime, input: FloatInput): FloatInput {
  if (input.ptr >= 0 || input instanceof JsArrayInput || !(input.array instanceof Float32Array) || input.array.buffer !== rt.buffer()) return input;
  return { ...input, ptr: input.array.byteOffset };
}

/**
 * Elements per streamed block: CHUNK, or half of it when an input is a Float64Array, whose block is copied in
 * as doubles (2 × 4 bytes an element) before it is narrowed in place to float32.
 */
export function blockSize(...inputs: FloatInput[]): number {
  for (const input of inputs) if (input.ptr < 0 && input.array instanceof Float64Array) return CHUNK / 2;
  return CHUNK;
}

/**
 * Byte offset of elements [start, start + len) of `input` in wasm memory, as float32, copying them into `slot`
 * when the input does not live there: a Float32Array by a plain copy, a Float64Array by a byte copy and a
 * narrowing kernel, number[] and nested arrays converted and checked while they are read.
 */
export function place(rt: Runtime, f32: Float32Array, input: FloatInput, slot: number, start: number, len: number): number {
  if (input.ptr >= 0) return input.ptr + start * 4;
  if (input instanceof JsArrayInput) {
    input.read(f32, slot >> 2, start, len);
    return slot;
  }
  const array = input.array;
  if (array instanceof Float64Array) {
    rt.f64().set(array.subarray(start, start + len), slot >> 3);
    rt.narrow(len, slot, slot);
    return slot;
  }
  f32.set(array.subarray(start, start + len), slot >> 2);
  return slot;
}

/**
 * The gradient's data once the kernels have written it. A destination in wasm memory (an `out` tensor, or a view
 * of the memory) is returned as a view taken now when the one taken before the call was detached: a block the
 * call took (the row engine's, for a row wider than the scratch region) may have grown the memory. The
 * elementwise engine takes no block during a gradient, so its destinations need none of this.
 */
export function writtenData(rt: Runtime, dest: GradDestination, size: number): Float32Array {
  if (dest.ptr < 0 || dest.array.length === size) return dest.array;
  return rt.f32().subarray(dest.ptr >> 2, (dest.ptr >> 2) + size);
}

/** Σ f over all elements: `sum(n, pred, target, param) -> f64`. In place, one call; otherwise per block. */
export function pairSum(rt: Runtime, sum: KernelFn, p: FloatInput, t: FloatInput, param: number): number {
  const n = p.size;
  p = inPlace(rt, p);
  t = inPlace(rt, t);
  if (p.ptr >= 0 && t.ptr >= 0) return sum(n, p.ptr, t.ptr, param);
  const f32 = rt.f32();
  const [s0, s1] = rt.slots as [number, number];
  const block = blockSize(p, t);
  let acc = 0;
  for (let start = 0; start < n; start += block) {
    const len = Math.min(block, n - start);
    acc += sum(len, place(rt, f32, p, s0, start, len), place(rt, f32, t, s1, start, len), param);
  }
  return acc;
}

/**
 * Per-row values `out[r] = scale · Σ_c f` of a [rows, cols] layout (cols = 1: elementwise), via
 * `rows(rows, cols, pred, target, out, param, scale)`. Rows longer than a block are summed piecewise with `sum`.
 */
export function pairRows(
  rt: Runtime,
  rowsKernel: KernelFn,
  sum: KernelFn,
  rows: number,
  cols: number,
  p: FloatInput,
  t: FloatInput,
  param: number,
  scale: number,
): Float32Array {
  const out = new Float32Array(rows);
  p = inPlace(rt, p);
  t = inPlace(rt, t);
  const f32 = rt.f32();
  const [s0, s1, s2] = rt.slots as [number, number, number];
  const chunk = blockSize(p, t);
  if (cols <= chunk) {
    const block = Math.floor(chunk / cols);
    for (let r = 0; r < rows; r += block) {
      const count = Math.min(block, rows - r);
      const start = r * cols;
      const len = count * cols;
      rowsKernel(count, cols, place(rt, f32, p, s0, start, len), place(rt, f32, t, s1, start, len), s2, param, scale);
      out.set(f32.subarray(s2 >> 2, (s2 >> 2) + count), r);
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c += chunk) {
      const start = r * cols + c;
      const len = Math.min(chunk, cols - c);
      acc += sum(len, place(rt, f32, p, s0, start, len), place(rt, f32, t, s1, start, len), param);
    }
    out[r] = acc * scale;
  }
  return out;
}

/** Where a gradient goes: a JS-heap array (written block by block from scratch), or a place in wasm memory. */
export interface GradDestination {
  readonly array: Float32Array;
  /** Byte offset when `array` is in wasm memory (the kernel writes there directly), else -1. */
  readonly ptr: number;
}

/**
 * The gradient `grad[r, c] = scale · rowScale[r] · f'` (rowScale null: 1) into `dest`, and Σ f, via
 * `grad(n, pred, target, grad, param, scale) -> f64` and `scale_rows_f32(rows, cols, x, s)`.
 */
export function pairGrad(
  rt: Runtime,
  gradKernel: KernelFn,
  scaleRows: KernelFn,
  rows: number,
  cols: number,
  p: FloatInput,
  t: FloatInput,
  param: number,
  scale: number,
  rowScale: Float32Array | null,
  dest: GradDestination,
): number {
  const n = rows * cols;
  const grad = dest.array;
  p = inPlace(rt, p);
  t = inPlace(rt, t);
  const f32 = rt.f32();
  const [s0, s1, s2, s3] = rt.slots as [number, number, number, number];
  const chunk = blockSize(p, t);
  let acc = 0;
  if (rowScale === null || cols > chunk) {
    // Arbitrary blocks; with per-row factors each block lies inside one row (cols > chunk), so the factor
    // is a constant of the block.
    let start = 0;
    while (start < n) {
      const len = Math.min(chunk, n - start, rowScale === null ? chunk : cols - (start % cols));
      const factor = rowScale === null ? scale : scale * rowScale[Math.floor(start / cols)]!;
      const g = dest.ptr >= 0 ? dest.ptr + start * 4 : s2;
      acc += gradKernel(len, place(rt, f32, p, s0, start, len), place(rt, f32, t, s1, start, len), g, param, factor);
      if (dest.ptr < 0) grad.set(f32.subarray(s2 >> 2, (s2 >> 2) + len), start);
      start += len;
    }
    return acc;
  }
  const block = Math.floor(chunk / cols);
  for (let r = 0; r < rows; r += block) {
    const count = Math.min(block, rows - r);
    const start = r * cols;
    const len = count * cols;
    const g = dest.ptr >= 0 ? dest.ptr + start * 4 : s2;
    acc += gradKernel(len, place(rt, f32, p, s0, start, len), place(rt, f32, t, s1, start, len), g, param, scale);
    f32.set(rowScale.subarray(r, r + count), s3 >> 2);
    scaleRows(count, cols, g, s3);
    if (dest.ptr < 0) grad.set(f32.subarray(s2 >> 2, (s2 >> 2) + len), start);
  }
  return acc;
}

// ---- any number of inputs and outputs, by rows (the pairwise and row engines) ----

/** One buffer of a block-streamed kernel call: an input read, or an output written; per element or per row. */
export interface BlockBuffer {
  readonly input?: FloatInput;
  readonly output?: GradDestination;
  /** One value per row (labels, per-row values and factors), rather than `cols` per row. */
  readonly perRow?: boolean;
}

/**
 * Runs `run(count, ptrs, firstRow)` over a [rows, cols] layout in blocks of whole rows, with `ptrs[k]` the byte
 * offset of buffers[k]'s block (0 for a null buffer): inputs in wasm memory are read in place, others are
 * copied into a half scratch slot each (eight half slots of CHUNK/2 floats: up to eight buffers); outputs not
 * in wasm memory are copied out after each block. Returns the sum of what `run` returns. When everything is in
 * place it is one call. Rows longer than half a slot (rare: cosine over more than 8192 features) are copied
 * whole into temporary heap blocks, freed before returning.
 */
export function streamRows(
  rt: Runtime,
  rows: number,
  cols: number,
  buffers: readonly (BlockBuffer | null)[],
  run: (count: number, ptrs: number[], firstRow: number) => number,
): number {
  const bs = buffers.map((b) => (b !== null && b.input !== undefined ? { ...b, input: inPlace(rt, b.input) } : b));
  const placed = (b: BlockBuffer | null) => b === null || (b.input !== undefined ? b.input.ptr >= 0 : b.output!.ptr >= 0);
  const whole = (b: BlockBuffer | null) => (b === null ? 0 : b.input !== undefined ? b.input.ptr : b.output!.ptr);
  if (bs.every(placed)) return run(rows, bs.map(whole), 0);
  const half = CHUNK / 2;
  if (cols > half) return streamWhole(rt, rows, cols, bs, run);
  const [s0, s1, s2, s3] = rt.slots as [number, number, number, number];
  const halves = [s0, s0 + half * 4, s1, s1 + half * 4, s2, s2 + half * 4, s3, s3 + half * 4];
  const block = Math.max(1, Math.floor(half / cols));
  let acc = 0;
  for (let r = 0; r < rows; r += block) {
    const count = Math.min(block, rows - r);
    const f32 = rt.f32();
    const ptrs = bs.map((b, k) => {
      if (b === null) return 0;
      const per = b.perRow === true ? 1 : cols;
      if (b.input !== undefined) return place(rt, f32, b.input, halves[k]!, r * per, count * per);
      return b.output!.ptr >= 0 ? b.output!.ptr + r * per * 4 : halves[k]!;
    });
    acc += run(count, ptrs, r);
    const out = rt.f32();
    bs.forEach((b, k) => {
      if (b === null || b.output === undefined || b.output.ptr >= 0) return;
      const per = b.perRow === true ? 1 : cols;
      const at = halves[k]! >> 2;
      b.output.array.set(out.subarray(at, at + count * per), r * per);
    });
  }
  return acc;
}

function streamWhole(
  rt: Runtime,
  rows: number,
  cols: number,
  bs: readonly (BlockBuffer | null)[],
  run: (count: number, ptrs: number[], firstRow: number) => number,
): number {
  const temps: number[] = [];
  try {
    const ptrs = bs.map((b) => {
      if (b === null) return 0;
      const size = b.perRow === true ? rows : rows * cols;
      const existing = b.input !== undefined ? b.input.ptr : b.output!.ptr;
      if (existing >= 0) return existing;
      const p = rt.heap.alloc(Math.max(4, size * 4));
      temps.push(p);
      if (b.input !== undefined) rt.f32().set(b.input.array.subarray(0, size), p >> 2);
      return p;
    });
    const acc = run(rows, ptrs, 0);
    const f32 = rt.f32();
    bs.forEach((b, k) => {
      if (b === null || b.output === undefined || b.output.ptr >= 0) return;
      const size = b.perRow === true ? rows : rows * cols;
      b.output.array.set(f32.subarray(ptrs[k]! >> 2, (ptrs[k]! >> 2) + size));
    });
    return acc;
  } finally {
    for (const p of temps) rt.heap.free(p);
  }
}

// ---- where gradients go ----

export function gradDestination(out: Readonly<Record<string, unknown>> | undefined, x: { p: FloatInput; t: FloatInput }, runtime: Runtime, ctx: LossContext): GradDestination {
  return gradDestinations(out, [{ name: 'pred', size: x.p.size }], [x.p, x.t], runtime, ctx).pred!;
}

/**
 * Where each differentiated input's gradient goes: `out[name]` when given (a Float32Array, or a float32
 * fl.tensor(), which the kernel writes in place), else a new array. Every engine takes `out` alike: only the
 * names of the inputs it differentiates, each of its input's size, none overlapping an input.
 */
export function gradDestinations(
  out: Readonly<Record<string, unknown>> | undefined,
  grads: ReadonlyArray<{ readonly name: string; readonly size: number }>,
  inputs: readonly FloatInput[],
  runtime: Runtime,
  ctx: LossContext,
): Record<string, GradDestination> {
  const result: Record<string, GradDestination> = {};
  if (out === undefined) {
    for (const g of grads) result[g.name] = { array: new Float32Array(g.size), ptr: -1 };
    return result;
  }
  const where = `${ctx.loss} (${ctx.framework})`;
  const bad = (argument: string, expected: string, received: string) =>
    new LossError({ code: 'BAD_OPTION', loss: where, argument, expected, received });
  const names = grads.map((g) => g.name);
  const only = names.length === 1 ? `out.${names[0]} only (${names[0]} is the input with a gradient)` : `${names.map((n) => `out.${n}`).join(', ')} only (the inputs with a gradient)`;
  for (const key in out) if (!names.includes(key)) throw bad(`out.${key}`, only, `"${key}"`);
  const taken: Float32Array[] = [];
  for (const { name, size } of grads) {
    const value = out[name];
    if (value === undefined) {
      result[name] = { array: new Float32Array(size), ptr: -1 };
      continue;
    }
    let array: Float32Array;
    let ptr = -1;
    if (value instanceof WasmTensor && value.dtype === 'float32' && !value.freed) {
      array = value.data as Float32Array;
      ptr = value.placeFor(runtime);
    } else if (value instanceof Float32Array) {
      array = value;
      if (array.buffer === runtime.buffer()) ptr = array.byteOffset;
    } else {
      throw bad(`out.${name}`, 'a Float32Array or a float32 fl.tensor()', value instanceof WasmTensor ? `a ${value.freed ? 'freed' : value.dtype} tensor` : typeof value);
    }
    if (array.length !== size) throw bad(`out.${name}`, `${size} elements (${name}'s size)`, `${array.length} elements`);
    const others = [...inputs.filter((i) => !(i instanceof JsArrayInput)).map((i) => i.array), ...taken];
    for (const other of others) {
      const overlaps = other.buffer === array.buffer && other.byteOffset < array.byteOffset + array.byteLength && array.byteOffset < other.byteOffset + other.byteLength;
      if (overlaps) throw bad(`out.${name}`, names.length === 1 ? 'a buffer that overlaps neither pred nor target' : 'a buffer that overlaps no input and no other gradient', 'an overlapping buffer');
    }
    taken.push(array);
    result[name] = { array, ptr };
  }
  return result;
}
