/**
 * The one tiling driver: every engine runs its kernels through `tile`, over the fixed scratch region.
 *
 * A call's work is a layout [outer, C, inner] (the reduced or feature axis in the middle; an elementwise input
 * of n elements is [n, 1, 1], a [rows, cols] input reduced over its last axis is [rows, cols, 1]) and a list of
 * operands: inputs read, outputs written, each `wide` (C values per row, class stride `inner`) or `row` (one value
 * per row), plus `scratch` rows the kernel writes and the engine reads back, and `constant` arrays (class
 * weights) placed once. Operands already in wasm memory (tensors made by `fl.tensor()`, views of the memory,
 * `out` buffers there) are read and written in place; the others are staged through the scratch region a tile at
 * a time, so wasm memory does not grow with the input and the kernel reads from cache:
 *
 * - Float32Array: copied in; Float64Array: its bytes copied in and narrowed in place by the `narrow_f64_f32`
 *   kernel (the operand takes twice the room); number[] and nested arrays: converted while they are read
 *   (JsArrayInput.read: a non-number is BAD_DTYPE at its index). Outputs not in place are copied out after the tile.
 * - A tile is whole slabs (o0..o1, every inner position) when they fit: every operand then has its natural layout.
 *   Otherwise one slab's inner range at a time: copied operands are compact (class stride = the range's length),
 *   and in that case wide operands in place are copied too, since their own stride (often a power of two, H·W)
 *   maps all C rows of a position onto one L1 set (measured on [8, 21, 128, 128]).
 * - Elementwise layouts ([n, 1, 1]) tile at most CHUNK elements (CHUNK / 2 with a Float64Array): cache-sized.
 * - A row wider than the whole region (C above ~16K with three staged wide operands) takes a temporary block of
 *   its own size, one row per tile, freed before `tile` returns.
 *
 * Tiles are independent: each reads its inputs' rows and writes its outputs' rows and nothing else, so a tile is
 * the unit of work a thread can take; the per-tile results are summed in tile order.
 *
 * Threads: an engine that gives its tile's work as kernel calls (a TilePlan, not a function) lets the driver
 * split a large call across the instance's threads (src/threads.ts) when its wide inputs are in wasm memory
 * (fl.tensor, views of the memory): the work is cut into parts of whole slabs (or, with fewer slabs than parts,
 * of a slab's inner range), each part's kernels read the inputs in place, and what is not in place is placed
 * once in a block of its own (per-row inputs such as labels, outputs, scratch rows, constants) and copied out
 * after. Wide inputs in JS arrays stay on one thread: they are copied through the scratch region, and that copy,
 * not the kernel, is then the bound.
 */

import { runSteps } from '../kernel-steps.js';
import { CHUNK, type Runtime } from '../wasm.js';
import { align4, copyIn, stage, type Layout, type Staged, type Tile, type TileOperand, type TilePlan } from './staging.js';
import { splittable, tileParallel } from './tiling-parallel.js';

export { inPlace, type GradDestination, type Layout, type Tile, type TileOperand, type TilePlan } from './staging.js';

/**
 * The sizes (elements: rows · classes) from which a call over fl.tensors is split across threads, measured with
 * bench/threads.mjs (2 cores, Node 20; the table is in docs/design.md §9a): a kernel of arithmetic only (mse, mae,
 * huber, the hinges) is bound by memory, and a split paid only from about 1M elements (262K: 50 µs on one thread,
 * 66 µs split); one with an exp or a log per element (BCE, KL, Poisson, log-cosh, softplus) from about 128K (BCE
 * with logits at 131K: 393 µs on one thread, 271 µs split); the row kernels (softmax cross-entropy: an exp per
 * logit and each row's reductions) from about 256K (230 µs, 200 µs split; 1M: 1.10 ms, 0.64 ms).
 */
export const PARALLEL_ARITHMETIC = 1 << 20;
export const PARALLEL_TRANSCENDENTAL = 1 << 17;
export const PARALLEL_ROWS = 1 << 18;

/** n elements, as the driver lays them out: [n, 1, 1]. */
export const flat = (n: number): Layout => ({ outer: n, classes: 1, inner: 1 });

/**
 * Runs `run` over every tile of `layout` and returns the sum of what it returns. Operands that are null are
 * passed as 0. `read(k, firstRow, values)` is given each scratch operand's rows after each tile, when asked;
 * `done()`, when given, is asked after each tile whether the rest can be skipped (a scan that has decided).
 */
export function tile(
  rt: Runtime,
  layout: Layout,
  operands: readonly (TileOperand | null)[],
  work: ((t: Tile) => number) | TilePlan,
  read?: (k: number, firstRow: number, values: Float32Array) => void,
  done?: () => boolean,
): number {
  const { outer, classes: C, inner } = layout;
  if (outer === 0 || C === 0 || inner === 0) return 0;
  const staged = operands.map((op) => stage(rt, op));
  if (tileParallel !== null && typeof work !== 'function' && done === undefined && rt.threads > 1 && outer * C * inner >= work.minParallel * rt.splitScale && splittable!(staged)) {
    return tileParallel(rt, layout, staged, work, read);
  }
  const run = typeof work === 'function' ? work : (t: Tile) => runSteps(work.steps(t, rt.frame));
  const constFloats = staged.reduce((a, s) => a + (s.op?.constant !== undefined ? align4(s.op.constant.length) : 0), 0);
  const streamedOf = (s: Staged) => s.op !== null && s.op.constant === undefined && !s.inPlace;
  const widthOf = (s: Staged) => (s.wide ? C : 1) * (s.f64 ? 2 : 1);
  const regionFloats = 4 * CHUNK;
  /** Rows that fit the region with the streamed operands of now (each slot aligned to 4 floats: slack). */
  const rowsFitting = () => {
    const streamed = staged.filter(streamedOf);
    const perRow = streamed.reduce((a, s) => a + widthOf(s), 0);
    if (perRow === 0) return Infinity;
    return Math.floor((regionFloats - constFloats - 4 * streamed.length) / perRow);
  };
  if (inner > 1 && Math.floor(rowsFitting() / inner) < 1) {
    // partial inner ranges: wide operands in place are compacted through the region too (see the header)
    for (const s of staged) if (s.wide && s.inPlace) s.inPlace = false;
  }
  let maxRows = rowsFitting();
  const streamed = staged.filter(streamedOf);
  if (C === 1 && inner === 1 && streamed.length > 0) {
    // elements, not rows: a tile of at most CHUNK floats an operand (CHUNK / 2 elements with a Float64Array), the
    // size at which a tile's operands stay in L2 while the kernel and the copies pass over them; a larger one (the
    // whole region for one streamed gradient, 64K floats) measured slower (64K-element gradients: 84 against 136 µs)
    maxRows = Math.min(maxRows, streamed.some((s) => s.f64) ? CHUNK / 2 : CHUNK);
  }
  let base = rt.slots[0]!;
  let temp = -1;
  if (maxRows < 1) {
    // a row wider than the region: one row at a time in a block of its own (freed below)
    maxRows = 1;
    temp = rt.heap.alloc((constFloats + 4 * streamed.length + streamed.reduce((a, s) => a + widthOf(s), 0)) * 4);
    base = temp;
  }
  try {
    return runTiles();
  } finally {
    if (temp >= 0) rt.heap.free(temp);
  }

  function runTiles(): number {
    const slabsPerTile = maxRows === Infinity ? outer : Math.floor(maxRows / inner);
    const tileRows = slabsPerTile >= 1 ? Math.min(slabsPerTile, outer) * inner : maxRows;
    let cursor = base;
    let f32 = rt.f32();
    for (const s of staged) {
      if (s.op?.constant !== undefined) {
        s.slot = cursor;
        f32.set(s.op.constant, cursor >> 2);
        cursor += align4(s.op.constant.length) * 4;
      } else if (streamedOf(s)) {
        s.slot = cursor;
        cursor += align4(tileRows * widthOf(s)) * 4;
      }
    }
    const ptrs = new Array<number>(staged.length).fill(0);
    const strides = new Array<number>(staged.length).fill(0);
    const t = { slabs: 0, span: 0, firstRow: 0, rows: 0, ptrs, strides };
    let sum = 0;

    const oneTile = (o: number, slabs: number, i0: number, span: number): void => {
      f32 = rt.f32();
      const whole = span === inner;
      const r0 = o * inner + i0;
      const rows = slabs * span;
      const e0 = o * C * inner + i0; // the tile's first element of a wide operand
      for (let k = 0; k < staged.length; k++) {
        const s = staged[k]!;
        const op = s.op;
        if (op === null) {
          ptrs[k] = 0;
          continue;
        }
        if (op.constant !== undefined) {
          ptrs[k] = s.slot;
          continue;
        }
        if (s.inPlace) {
          ptrs[k] = s.at + (s.wide ? e0 : r0) * 4;
          strides[k] = s.wide ? inner : 0;
          continue;
        }
        ptrs[k] = s.slot;
        strides[k] = s.wide ? span : 0;
        if (op.output !== undefined || op.scratch === true) continue;
        if (!s.wide) copyIn(rt, f32, s, r0, rows, s.slot);
        else if (whole) copyIn(rt, f32, s, o * C * inner, slabs * C * inner, s.slot);
        else for (let c = 0; c < C; c++) copyIn(rt, f32, s, e0 + c * inner, span, s.slot + c * span * 4);
        f32 = rt.f32();
      }
      t.slabs = slabs;
      t.span = span;
      t.firstRow = r0;
      t.rows = rows;
      sum += run(t);
      f32 = rt.f32();
      for (let k = 0; k < staged.length; k++) {
        const s = staged[k]!;
        const op = s.op;
        if (op === null) continue;
        if (op.scratch === true && read !== undefined) read(k, r0, f32.subarray(s.slot >> 2, (s.slot >> 2) + rows));
        if (op.output === undefined || s.inPlace) continue;
        if (!s.wide) copyOut(f32, s, s.slot >> 2, rows, r0);
        else if (whole) copyOut(f32, s, s.slot >> 2, slabs * C * inner, o * C * inner);
        else for (let c = 0; c < C; c++) copyOut(f32, s, (s.slot >> 2) + c * span, span, e0 + c * inner);
      }
    };

    if (slabsPerTile >= 1) {
      const step = Math.min(slabsPerTile, outer);
      for (let o = 0; o < outer && done?.() !== true; o += step) oneTile(o, Math.min(step, outer - o), 0, inner);
    } else {
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner && done?.() !== true; i += tileRows) oneTile(o, 1, i, Math.min(tileRows, inner - i));
    }
    return sum;
  }
}

/** Elements [from, from + len) of the region (f32 index) written back to an output at its element `to`. */
function copyOut(f32: Float32Array, s: Staged, from: number, len: number, to: number): void {
  if (s.at >= 0) f32.copyWithin((s.at >> 2) + to, from, from + len);
  else s.op!.output!.array.set(f32.subarray(from, from + len), to);
}
