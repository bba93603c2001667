/**
 * Tensors, shapes and the validation of inputs at the boundary (once per call, before any kernel runs).
 *
 * A tensor is `{ data, shape }`; a bare typed array or number[] is 1-D, nested number arrays have their
 * shape inferred, a plain number is a scalar (shape []). Floating data is rounded to float32 on entry. The
 * array's type never decides anything: a value that cannot be a number is BAD_DTYPE, naming its index.
 */

import { describe, LossError } from './errors.js';
import type { Runtime } from './wasm.js';

/** What an input's data may be. Float32Array is the fastest; it is read in place when it lives in wasm memory. */
export type TensorData = Float32Array | Float64Array | Int32Array | number[];

export interface Tensor {
  data: TensorData;
  shape: readonly number[];
}

/** Nested number arrays: `[[1, 2], [3, 4]]` has shape [2, 2]. */
export type NestedArray = number | readonly NestedArray[];

/**
 * Another library's tensor, taken as it is: ONNX Runtime's and transformers.js's ({ data, dims, type }; int64 data
 * is narrowed to int32, each value checked) and TensorFlow.js's (shape, dataSync()). fastloss depends on none of them.
 */
export type ForeignTensor =
  | { readonly data: ArrayLike<number> | BigInt64Array; readonly dims: readonly number[]; readonly type: string }
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> };

export type TensorLike = Tensor | Float32Array | Float64Array | Int32Array | BigInt64Array | NestedArray | WasmTensor | ForeignTensor;

/** Results (a 'none' reduction, gradients) are new float32 tensors on the JS heap: nothing to free. */
export interface OutputTensor {
  data: Float32Array;
  shape: number[];
}

export type DType = 'float32' | 'int32';

/**
 * A tensor in wasm memory, made by `fl.tensor(shape)`: losses read it in place, with no copy. `free()` gives the
 * memory back, after which any use is a LossError FREED_TENSOR.
 *
 * What stays valid: `x.data` read anew is always valid (the view is re-created when wasm memory has grown). A
 * view saved earlier (`const v = x.data`) is valid until the memory grows, which only `fl.tensor()` can make it
 * do; growth detaches it and it reads as empty. Growth is geometric, so rare, and a detached view given to a loss
 * is a LossError DETACHED_VIEW, never an empty input. Read `x.data` after making tensors, not before.
 */
export class WasmTensor implements Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  private ptr: number;
  private view: Float32Array | Int32Array | null = null;

  /** @internal Made by `fl.tensor()`. */
  constructor(
    private readonly runtime: Runtime,
    shape: readonly number[],
    readonly dtype: DType,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = shapeSize(shape);
    this.ptr = runtime.heap.alloc(Math.max(4, this.size * 4));
  }

  /** The elements, as a live view of wasm memory. Write into it to fill the tensor. */
  get data(): Float32Array | Int32Array {
    if (this.ptr < 0) throw freedError('tensor', 'tensor.data');
    // A view of a buffer that growth detached has length 0 (see Runtime.f32).
    if (this.view === null || (this.view.length === 0 && this.size !== 0)) {
      const whole = this.dtype === 'float32' ? this.runtime.f32() : this.runtime.i32();
      const start = this.ptr >> 2;
      this.view = whole.subarray(start, start + this.size);
    }
    return this.view;
  }

  /** Byte offset of the first element in wasm memory (for interop with other wasm sharing `fl.memory`). */
  get byteOffset(): number {
    if (this.ptr < 0) throw freedError('tensor', 'tensor.byteOffset');
    return this.ptr;
  }

  get freed(): boolean {
    return this.ptr < 0;
  }

  /** Returns the memory to the instance's allocator. Using the tensor afterwards throws FREED_TENSOR. */
  free(): void {
    if (this.ptr < 0) throw freedError('tensor', 'tensor.free()');
    this.runtime.heap.free(this.ptr);
    this.ptr = -1;
    this.view = null;
  }

  /** @internal The byte offset when this tensor can be read in place by `runtime` as float32, else -1. */
  placeFor(runtime: Runtime): number {
    return runtime === this.runtime && this.dtype === 'float32' ? this.ptr : -1;
  }
}

/** A view of wasm memory saved before the memory grew: it reads as empty, which must not pass for an empty input. */
export function detachedError(loss: string, argument: string, value: ArrayBufferView): LossError {
  return new LossError({
    code: 'DETACHED_VIEW',
    loss,
    argument,
    expected: "a live view: read tensor.data again after any call that may grow wasm memory (a saved view is detached when it grows)",
    received: `a ${value.constructor.name} of the wasm memory from before it grew (detached)`,
  });
}

function freedError(loss: string, argument: string): LossError {
  return new LossError({
    code: 'FREED_TENSOR',
    loss,
    argument,
    expected: 'a tensor that has not been freed',
    received: 'a tensor after free()',
  });
}

/** A floating-point input, validated and ready for a kernel. */
export interface FloatInput {
  readonly shape: readonly number[];
  readonly size: number;
  /**
   * Byte offset in the runtime's memory of a tensor made by `fl.tensor()`, else -1. (A Float32Array that
   * happens to view wasm memory is found by the streaming code, which reads it in place too: src/stream.ts.)
   */
  readonly ptr: number;
  /**
   * The data: the caller's typed array, or a float32 copy of another typed array. For number[] and nested
   * arrays (JsArrayInput) reading this converts the whole input once; the streaming path reads them block by
   * block instead.
   */
  readonly array: Float32Array | Float64Array | Int32Array;
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Validates a floating-point input and returns where its data is. `loss` and `argument` name it in errors.
 * Float32Array, the fast path, is checked first and costs two comparisons.
 */
export function floatInput(value: unknown, runtime: Runtime, loss: string, argument: string): FloatInput {
  if (value instanceof Float32Array) {
    if (value.length === 0 && runtime.heap.wasDetached(value.buffer)) throw detachedError(loss, argument, value);
    return { shape: [value.length], size: value.length, ptr: -1, array: value };
  }
  if (value instanceof WasmTensor) {
    if (value.freed) throw freedError(loss, argument);
    return { shape: value.shape, size: value.size, ptr: value.placeFor(runtime), array: value.data };
  }
  if (value instanceof Float64Array || value instanceof Int32Array) {
    if (value.length === 0 && runtime.heap.wasDetached(value.buffer)) throw detachedError(loss, argument, value);
    return { shape: [value.length], size: value.length, ptr: -1, array: value };
  }
  if (typeof value === 'number') return { shape: [], size: 1, ptr: -1, array: Float32Array.of(value) };
  if (Array.isArray(value)) return nestedInput(value, loss, argument);
  if (ArrayBuffer.isView(value)) {
    const array = typedData(value, loss, argument);
    return { shape: [array.length], size: array.length, ptr: -1, array };
  }
  const plain = plainTensor(value, loss, argument);
  if (typeof plain === 'object' && plain !== null && 'data' in plain && 'shape' in plain) {
    return shapedInput(plain as { data: unknown; shape: unknown }, runtime, loss, argument);
  }
  throw new LossError({
    code: 'BAD_DTYPE',
    loss,
    argument,
    expected: 'a tensor: { data, shape }, a Float32Array, Float64Array, Int32Array, number[] or nested number arrays',
    received: describe(value),
  });
}

/**
 * Other libraries' tensors as `{ data, shape }`, duck-typed (fastloss depends on none of them): TensorFlow.js's
 * (shape, dtype, dataSync(): a read of the backend's memory on its cpu and wasm backends, a download on webgl and
 * webgpu), ONNX Runtime's and transformers.js's ({ data, dims, type }). Anything else is returned as it is.
 */
export function plainTensor(value: unknown, loss: string, argument: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const t = value as { data?: unknown; dims?: unknown; type?: unknown; shape?: unknown; dataSync?: unknown };
  if (typeof t.dataSync === 'function') return { data: (t.dataSync as () => unknown)(), shape: t.shape };
  if (!('dims' in t)) return value;
  // float16 arrives as the raw half-precision bits in a Uint16Array where the engine has no Float16Array
  if (t.type === 'float16' && t.data instanceof Uint16Array) {
    throw new LossError({ code: 'BAD_DTYPE', loss, argument, expected: 'float32, float64 or integer data (convert float16 to float32 first)', received: 'a float16 tensor' });
  }
  return { data: t.data, shape: t.dims };
}

/** int64 data (ONNX Runtime's and PyTorch's labels and token ids) as int32, every value checked. */
export function int32OfInt64(value: BigInt64Array | BigUint64Array, loss: string, argument: string): Int32Array {
  const out = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i]!;
    if (v < -2147483648n || v > 2147483647n) {
      throw new LossError({ code: 'LABEL_OUT_OF_RANGE', loss, argument: `${argument}[${i}]`, expected: 'an int64 value within the int32 range', received: `${v}` });
    }
    out[i] = Number(v);
  }
  return out;
}

/** int64 data: ONNX's and PyTorch's labels, token ids and lengths. */
const isInt64 = (x: unknown): x is BigInt64Array | BigUint64Array => x instanceof BigInt64Array || x instanceof BigUint64Array;

/** A value as plainTensor gives it, with int64 data (bare or as `data`) narrowed to int32 by int32OfInt64. */
export function int64Narrowed(value: unknown, loss: string, argument: string): unknown {
  if (isInt64(value)) return { data: int32OfInt64(value, loss, argument), shape: [value.length] };
  const t = value as { data?: unknown; shape?: unknown } | null;
  if (isInt64(t?.data)) return { data: int32OfInt64(t.data, loss, `${argument}.data`), shape: t.shape };
  return value;
}

/** Any other typed array (floatInput took Float32Array, Float64Array and Int32Array): converted to float32, int64 to int32. */
function typedData(value: ArrayBufferView, loss: string, argument: string): Float32Array | Int32Array {
  if (isInt64(value)) return int32OfInt64(value, loss, argument);
  if (value instanceof DataView) {
    throw new LossError({ code: 'BAD_DTYPE', loss, argument, expected: 'a typed array of numbers', received: 'a DataView' });
  }
  return Float32Array.from(value as unknown as ArrayLike<number>);
}

/**
 * A number[] or nested number arrays, kept as the caller's arrays: converted to float32 (and checked) while they
 * are read, block by block straight into the kernels' scratch region (src/stream.ts), so a large input is
 * never copied into an intermediate array. `leaves` are the innermost arrays (the array itself when 1-D), each
 * of `width` elements. The path of a bad element is worked out only when there is one.
 */
export class JsArrayInput implements FloatInput {
  readonly ptr = -1;
  private converted: Float32Array | null = null;

  constructor(
    readonly shape: readonly number[],
    readonly size: number,
    private readonly leaves: readonly (readonly unknown[])[],
    private readonly width: number,
    private readonly loss: string,
    private readonly argument: string,
  ) {}

  /** The whole input as float32 (converted once, on first use: the small-input paths take it). */
  get array(): Float32Array {
    if (this.converted === null) {
      const out = new Float32Array(this.size);
      this.read(out, 0, 0, this.size);
      this.converted = out;
    }
    return this.converted;
  }

  /** Writes elements [start, start + len) as float32 into dst at `at`; BAD_DTYPE at the first non-number. */
  read(dst: Float32Array, at: number, start: number, len: number): void {
    if (this.converted !== null) {
      dst.set(this.converted.subarray(start, start + len), at);
      return;
    }
    const width = this.width;
    let leaf = width === 0 ? 0 : Math.floor(start / width);
    let offset = start - leaf * width;
    let i = 0;
    while (i < len) {
      const row = this.leaves[leaf]!;
      const n = Math.min(width - offset, len - i);
      const base = at + i - offset;
      for (let k = offset; k < offset + n; k++) {
        const v = row[k];
        if (typeof v !== 'number') throw this.badElement(start + i + (k - offset), v);
        dst[base + k] = v;
      }
      i += n;
      leaf++;
      offset = 0;
    }
  }

  private badElement(index: number, value: unknown): LossError {
    // [i][j]… of the flat index in the nested shape; a flat array (or { data: number[] }) is just [index].
    let path = '';
    if (this.leaves.length === 1) path = `[${index}]`;
    else {
      for (let d = this.shape.length - 1; d >= 0; d--) {
        const dim = this.shape[d]!;
        path = `[${index % dim}]${path}`;
        index = Math.floor(index / dim);
      }
    }
    return new LossError({ code: 'BAD_DTYPE', loss: this.loss, argument: `${this.argument}${path}`, expected: 'a number', received: describe(value) });
  }
}

/** Elements a block of a number[] input is scanned in (forBlocks): 64 KB of float32, reused. */
const SCAN_BLOCK = 16384;
let scanBuffer: Float32Array | null = null;

/**
 * Calls `visit(block, start)` over the input's data until it returns false: once with the whole array for a typed
 * array or a tensor, block by block (converted and checked, into one reused buffer) for number[] and nested
 * arrays, so that a scan of labels never allocates a float32 copy of them. Returns false if a visit did.
 */
export function forBlocks(input: FloatInput, visit: (block: ArrayLike<number>, start: number) => boolean): boolean {
  if (!(input instanceof JsArrayInput)) return visit(input.array, 0);
  const buffer = (scanBuffer ??= new Float32Array(SCAN_BLOCK));
  for (let start = 0; start < input.size; start += SCAN_BLOCK) {
    const len = Math.min(SCAN_BLOCK, input.size - start);
    input.read(buffer, 0, start, len);
    if (!visit(len === SCAN_BLOCK ? buffer : buffer.subarray(0, len), start)) return false;
  }
  return true;
}

/** A number[] or nested arrays: infer the shape from the first elements, check it is rectangular. */
function nestedInput(value: readonly unknown[], loss: string, argument: string): FloatInput {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level.length > 0 ? level[0] : undefined;
  }
  const size = shapeSize(shape);
  if (shape.length === 1) return new JsArrayInput(shape, size, [value], value.length, loss, argument);
  const leaves: (readonly unknown[])[] = [];
  const collect = (node: unknown, depth: number, index: number[]): void => {
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new LossError({
        code: 'SHAPE_MISMATCH',
        loss,
        argument: `${argument}${index.map((i) => `[${i}]`).join('')}`,
        expected: `an array of length ${shape[depth]} (nested arrays must be rectangular, shape ${shapeString(shape)})`,
        received: describe(node),
      });
    }
    if (depth === shape.length - 1) {
      leaves.push(node);
      return;
    }
    for (let i = 0; i < node.length; i++) {
      index.push(i);
      collect(node[i], depth + 1, index);
      index.pop();
    }
  };
  collect(value, 0, []);
  return new JsArrayInput(shape, size, leaves, shape[shape.length - 1]!, loss, argument);
}

/** `{ data, shape }`: shape entries are non-negative integers whose product is data's length. */
function shapedInput(value: { data: unknown; shape: unknown }, runtime: Runtime, loss: string, argument: string): FloatInput {
  const { data, shape } = value;
  if (!isShape(shape)) {
    throw new LossError({
      code: 'SHAPE_MISMATCH',
      loss,
      argument: `${argument}.shape`,
      expected: 'an array of non-negative integers',
      received: Array.isArray(shape) ? `[${shape.map((d) => describe(d)).join(', ')}]` : describe(shape),
    });
  }
  let flat: FloatInput;
  if (Array.isArray(data)) {
    // Flat by contract: a nested element is caught as "not a number" when it is read.
    flat = new JsArrayInput([data.length], data.length, [data], data.length, loss, `${argument}.data`);
  } else {
    flat = floatInput(data, runtime, loss, `${argument}.data`);
    if (flat.shape.length !== 1) {
      throw new LossError({ code: 'BAD_DTYPE', loss, argument: `${argument}.data`, expected: 'a flat typed array or number[]', received: describe(data) });
    }
  }
  const size = shapeSize(shape);
  if (size !== flat.size) {
    throw new LossError({
      code: 'SHAPE_MISMATCH',
      loss,
      argument,
      expected: `data of length ${size} for shape ${shapeString(shape)}`,
      received: `data of length ${flat.size}`,
    });
  }
  if (flat instanceof JsArrayInput) return new JsArrayInput(shape.slice(), size, [data as unknown[]], size, loss, `${argument}.data`);
  return { shape: shape.slice(), size, ptr: flat.ptr, array: flat.array };
}

function isShape(shape: unknown): shape is number[] {
  if (!Array.isArray(shape)) return false;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return false;
  }
  return true;
}
