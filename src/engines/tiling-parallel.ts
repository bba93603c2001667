/**
 * A call of the tiling driver split across the instance's threads (./tiling.ts's header says when): what is not
 * in wasm memory is placed whole in one block, the parts' kernel calls run on every thread (src/threads.ts), and
 * the parts' values are summed in part order. Node's entries only: the browser bundles carry
 * ./tiling-parallel.browser.ts (scripts/build.mjs), a page having one thread.
 */

import { MAX_JOBS } from '../kernel-steps.js';
import { CALL_BLOCK, type Runtime } from '../wasm.js';
import { align4, copyIn, type Layout, type Staged, type Tile, type TilePlan } from './staging.js';

/** Parts per thread of a split call: the caller takes the parts a worker has not claimed yet (src/threads.ts). */
const PARTS_PER_THREAD = 2;
/** Elementwise parts start on a multiple of this many elements: whole 64-byte lines, whole SIMD vectors. */
const PART_ALIGN = 16;
/**
 * The fewest inner positions in a part cut from a slab: the row kernels read a span of 1 as rows whose classes are
 * contiguous (the flat layout), which a part of a strided slab is not, and short strided spans waste the lines
 * they load.
 */
const MIN_SPAN = 16;

/** Whether a call can be split: its wide inputs are all in wasm memory (the rest is placed whole). */
export function splittable(staged: readonly Staged[]): boolean {
  return staged.every((s) => s.op === null || s.op.input === undefined || !s.wide || s.at >= 0);
}

/**
 * The call split across threads (see the header): what is not in place is placed whole in one block, the parts'
 * kernel calls run on every thread, and the parts' values are summed in part order (src/threads.ts).
 */
export function tileParallel(rt: Runtime, layout: Layout, staged: readonly Staged[], plan: TilePlan, read?: (k: number, firstRow: number, values: Float32Array) => void): number {
  const { outer, classes: C, inner } = layout;
  const rows = outer * inner;
  const floatsOf = (s: Staged): number => {
    const op = s.op!;
    if (op.constant !== undefined) return align4(op.constant.length);
    return align4((s.wide ? C * rows : rows) * (s.f64 ? 2 : 1));
  };
  const placed = staged.filter((s) => s.op !== null && (s.op.constant !== undefined || s.at < 0));
  const bytes = placed.reduce((a, s) => a + floatsOf(s) * 4, 0);
  const block = bytes > 0 ? rt.heap.alloc(bytes) : -1;
  try {
    let cursor = block;
    for (const s of placed) {
      s.slot = cursor;
      cursor += floatsOf(s) * 4;
      const op = s.op!;
      if (op.constant !== undefined) rt.f32().set(op.constant, s.slot >> 2);
      else if (op.input !== undefined || op.labels !== undefined) copyIn(rt, rt.f32(), s, 0, s.wide ? C * rows : rows, s.slot);
    }
    // the parts: whole slabs when there are enough of them, else each slab's inner range cut in pieces
    const parts = Math.min(MAX_JOBS, rt.threads * PARTS_PER_THREAD);
    const ranges: [o: number, slabs: number, i0: number, span: number][] = [];
    const pieces = Math.min(Math.ceil(parts / outer), Math.floor(inner / MIN_SPAN));
    if (outer >= parts || pieces <= 1) {
      const align = C === 1 && inner === 1 ? PART_ALIGN : 1;
      const edge = (k: number) => (k === parts ? outer : Math.floor((k * outer) / parts / align) * align);
      for (let k = 0; k < parts; k++) if (edge(k + 1) > edge(k)) ranges.push([edge(k), edge(k + 1) - edge(k), 0, inner]);
    } else {
      const edge = (k: number) => Math.floor((k * inner) / pieces);
      for (let o = 0; o < outer; o++) for (let k = 0; k < pieces; k++) if (edge(k + 1) > edge(k)) ranges.push([o, 1, edge(k), edge(k + 1) - edge(k)]);
    }
    const jobs = ranges.map(([o, slabs, i0, span], k) => {
      const r0 = o * inner + i0;
      const e0 = o * C * inner + i0;
      const ptrs = staged.map((s) => {
        if (s.op === null) return 0;
        if (s.op.constant !== undefined) return s.slot;
        const at = s.at >= 0 ? s.at : s.slot;
        return at + (s.wide ? e0 : r0) * 4;
      });
      const strides = staged.map((s) => (s.op !== null && s.wide && s.op.constant === undefined ? inner : 0));
      const t: Tile = { slabs, span, firstRow: r0, rows: slabs * span, ptrs, strides };
      return plan.steps(t, rt.frames + k * CALL_BLOCK);
    });
    const sum = rt.pool!.run(jobs, plan.where);
    const f32 = rt.f32();
    staged.forEach((s, k) => {
      const op = s.op;
      if (op === null || s.at >= 0) return;
      const n = s.wide ? C * rows : rows;
      if (op.scratch === true && read !== undefined) read(k, 0, f32.subarray(s.slot >> 2, (s.slot >> 2) + n));
      if (op.output !== undefined) op.output.array.set(f32.subarray(s.slot >> 2, (s.slot >> 2) + n));
    });
    return sum;
  } finally {
    if (block >= 0) rt.heap.free(block);
  }
}

