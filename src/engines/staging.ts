/**
 * The operands of the tiling driver (./tiling.ts) and how it stages them: where each lives (in wasm memory, or in
 * a JS array copied in through the scratch region), the tile a kernel sees, and a tile's work as kernel calls (a
 * TilePlan, which ./tiling-parallel.ts splits across threads).
 */

import type { Step } from '../kernel-steps.js';
import type { FloatInput } from '../tensor.js';
import { JsArrayInput } from '../tensor.js';
import type { Runtime } from '../wasm.js';

/** [outer, C, inner]: rows are the (o, i) pairs; a wide operand has C values per row at class stride `inner`. */
export interface Layout {
  readonly outer: number;
  readonly classes: number;
  readonly inner: number;
}

/** Where an output goes: a JS-heap array (written tile by tile from scratch), or a place in wasm memory. */
export interface GradDestination {
  readonly array: Float32Array;
  /** Byte offset when `array` is in wasm memory (the kernel writes there directly), else -1. */
  readonly ptr: number;
}

/** One operand of a tiled kernel call. Exactly one of input, labels, output, scratch, constant. */
export interface TileOperand {
  /** C values per row ([outer, C, inner]) or one per row ([outer, inner]); ignored for a constant. */
  readonly width: 'wide' | 'row';
  readonly input?: FloatInput;
  /** int32 values per row (class indices), read in place from an int32 tensor (`ptr` >= 0) or staged. */
  readonly labels?: { readonly data: Int32Array; readonly ptr: number };
  readonly output?: GradDestination;
  /** A row of scratch the kernel writes (per-row values); `read` gives it back after each tile. */
  readonly scratch?: true;
  /** Floats placed once before the first tile, at one address for every tile (class weights [C]). */
  readonly constant?: Float32Array;
}

/** A tile as the kernel sees it. The arrays are reused from tile to tile: read them during `run` only. */
export interface Tile {
  /** Slabs in the tile (whole slabs), or 1 (a slab's inner range). */
  readonly slabs: number;
  /** Inner positions per slab in the tile: `inner`, or the range's length. */
  readonly span: number;
  /** The tile's first row (o · inner + i0) and its number of rows (slabs · span). */
  readonly firstRow: number;
  readonly rows: number;
  /** Byte offset of each operand's first element of the tile (0 for a null operand). */
  readonly ptrs: readonly number[];
  /** Each wide operand's class stride in elements (`inner` in place, `span` staged); 0 for others. */
  readonly strides: readonly number[];
}

/**
 * A tile's work as kernel calls, which a worker thread can make as well as the caller: `steps(t, frame)` gives the
 * calls for tile `t` (the tile's value is what the first returns), `frame` the byte offset of a row-ABI frame of
 * the tile's own (src/engines/rows.ts). `minParallel`: the elements (rows · classes) below which a call stays on
 * one thread (waking a worker and the parts' bookkeeping cost tens of microseconds).
 */
export interface TilePlan {
  readonly steps: (t: Tile, frame: number) => readonly Step[];
  readonly minParallel: number;
  /** The loss, for an error in a worker. */
  readonly where: string;
}

/**
 * Where an input already lives in wasm memory: a tensor made by `fl.tensor()`, or any Float32Array viewing this
 * memory (e.g. `tensor.data`, or a view the caller made of `fl.memory`). -1: it must be copied in.
 */
export function inPlace(rt: Runtime, input: FloatInput): FloatInput {
  if (input.ptr >= 0 || input instanceof JsArrayInput || !(input.array instanceof Float32Array) || input.array.buffer !== rt.buffer()) return input;
  return { ...input, ptr: input.array.byteOffset };
}

export const align4 = (n: number) => Math.ceil(n / 4) * 4;

/** An operand as the driver stages it. */
export interface Staged {
  readonly op: TileOperand | null;
  /** Byte offset of the data in wasm memory when it lives there, else -1. */
  readonly at: number;
  /** Read or written in place (at >= 0 and not compacted). */
  inPlace: boolean;
  /** Floats per row of its scratch slot: C (wide), 1 (row), doubled for a Float64Array staged whole. */
  perRow: number;
  slot: number;
  readonly wide: boolean;
  readonly f64: boolean;
}

export function stage(rt: Runtime, op: TileOperand | null): Staged {
  const wide = op !== null && op.width === 'wide' && op.constant === undefined;
  let at = -1;
  let f64 = false;
  if (op?.input !== undefined) {
    const x = inPlace(rt, op.input);
    at = x.ptr;
    f64 = at < 0 && !(x instanceof JsArrayInput) && x.array instanceof Float64Array;
  } else if (op?.labels !== undefined) at = op.labels.ptr;
  else if (op?.output !== undefined) at = op.output.ptr;
  return { op, at, inPlace: at >= 0, perRow: 0, slot: 0, wide, f64 };
}

/** Elements [from, from + len) of a staged input copied in as float32 at byte offset `to`. */
export function copyIn(rt: Runtime, f32: Float32Array, s: Staged, from: number, len: number, to: number): void {
  const op = s.op!;
  if (op.labels !== undefined) {
    rt.i32().set(op.labels.data.subarray(from, from + len), to >> 2);
    return;
  }
  const x = op.input!;
  if (x instanceof JsArrayInput) x.read(f32, to >> 2, from, len);
  else if (s.at >= 0) f32.copyWithin(to >> 2, (s.at >> 2) + from, (s.at >> 2) + from + len);
  else if (s.f64 && len > 0 && (to & 7) === 0) {
    // the doubles' bytes, then narrowed in place (the slot has room for them): a memcpy and a SIMD pass, where
    // TypedArray.set converting element by element costs more
    rt.f64().set((x.array as Float64Array).subarray(from, from + len), to >> 3);
    rt.narrow(len, to, to);
  } else f32.set(x.array.subarray(from, from + len), to >> 2);
}

