/**
 * The row engine's tiling (src/engines/rows.ts runRows over src/engines/tiling.ts), driven directly with a probe kernel: a JavaScript
 * function of the wasm row kernels' ABI that computes a toy loss from whatever pointers and strides it is
 * given, and records every byte it touches. The loss suites cannot see the tiling: a block smaller than the
 * region allows only slows a run, and a block that overruns the region corrupts the next operand only when the
 * input sits at the region's exact capacity. Here each call is checked three ways:
 * - values, Σ, ∂/∂pred and ∂/∂target equal a float64 computation of the toy loss over the whole input;
 * - every byte a block reads or writes of a copied operand lies in the scratch region (or, for a row wider than
 *   the region, in the temporary block runRows allocated, which is freed before it returns), and no two
 *   operands share a byte;
 * - blocks are as large as the region allows: rows per block = the most for which the carved layout fits even
 *   when every region needs its 4 floats of alignment: (4·CHUNK − weights − 4·regions) / (floats per row),
 *   in whole slabs of `inner` rows when one fits, else one slab's inner range at a time.
 *
 * The toy loss per row (o, i) of [outer, C, inner], with class weights w (1 when absent), row factor s (rowScale,
 * 1 when absent) and the kernel's scale:
 *   dense:  v = ℓ · (Σ_c w_c · p_c · t_c + p0),  ∂v/∂p_c = scale·s·ℓ·w_c·t_c,  ∂v/∂t_c = scale·s·ℓ·w_c·p_c + p1
 *   labels: v = Σ_c w_c · p_c · (c = y ? 3 : 1), ∂v/∂p_c = scale·s·w_c·(c = y ? 3 : 1); v = 0 and ∂ = 0 when y = ignore
 * where ℓ is the row's rowLabels value (1 when absent).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { runRows, type JsRowKernel, type RowGeometry, type RowRun } from '../src/engines/rows.js';
import type { Labels } from '../src/engines/labels.js';
import type { GradDestination } from '../src/engines/tiling.js';
import { JsArrayInput, type FloatInput } from '../src/tensor.js';
import { CHUNK, instantiate, Runtime } from '../src/wasm.js';
import { withEveryPart } from './every-part.js';
import { expectClose, rng } from './helpers.js';

let rt: Runtime;

beforeAll(async () => {
  const built = await instantiate('simd');
  rt = await withEveryPart(new Runtime(built.build, built.exports));
});

const REGION_BYTES = 4 * CHUNK * 4;

type Place = 'copied' | 'f64' | 'number[]' | 'in place' | 'view';
interface Config {
  readonly outer: number;
  readonly C: number;
  readonly inner: number;
  readonly pred: Place;
  /** labels (int32 copied or in place) or a dense target */
  readonly target: 'labels' | 'labels in place' | Place;
  readonly grad: 'none' | 'js' | 'in place';
  readonly gradTarget: 'none' | 'js' | 'in place';
  readonly rowScale: boolean;
  readonly weights: boolean;
  readonly rowLabels: 'none' | 'copied' | 'in place';
  readonly ignore?: number;
}

interface Touch {
  readonly name: string;
  lo: number;
  hi: number;
}

interface Block {
  readonly ob: number;
  readonly len: number;
  readonly touches: Touch[];
}

/**
 * A probe kernel of the wasm row ABI computing the toy loss, recording each block and the bytes it touches. It reads
 * the frame and the parameter block as the wasm kernels do (assembly/inline/row_abi.ts: RowFrame, RowParams).
 */
function probe(blocks: Block[], dense: boolean): (frame: number, params: number) => number {
  return (frame, params) => {
    const f32 = rt.f32();
    const i32 = rt.i32();
    const field = (k: number) => i32[(frame >> 2) + k]!;
    const [ob, C, len, pred, ps, target, ts, grad, gs, gradT, gts, out, rowScale, weights] = Array.from({ length: 14 }, (_, k) => field(k)) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
    const scale = f32[(frame >> 2) + 14]!;
    const rowLabels = i32[(frame >> 2) + 15]!;
    const [p0, p1] = [f32[params >> 2]!, f32[(params >> 2) + 1]!];
    const ignore = i32[(params >> 2) + 2]!;
    const touches = new Map<string, Touch>();
    const touch = (name: string, byte: number): number => {
      const t = touches.get(name);
      if (t === undefined) touches.set(name, { name, lo: byte, hi: byte + 4 });
      else {
        t.lo = Math.min(t.lo, byte);
        t.hi = Math.max(t.hi, byte + 4);
      }
      return byte >> 2;
    };
    const wide = (name: string, ptr: number, stride: number, o: number, c: number, i: number) => touch(name, ptr + ((o * C + c) * stride + i) * 4);
    let sum = 0;
    for (let o = 0; o < ob; o++) {
      for (let i = 0; i < len; i++) {
        const r = o * len + i;
        const s = rowScale === 0 ? 1 : f32[touch('rowScale', rowScale + r * 4)]!;
        const l = rowLabels === 0 ? 1 : f32[touch('rowLabels', rowLabels + r * 4)]!;
        const y = dense ? -1 : i32[touch('labels', target + r * 4)]!;
        let v = 0;
        for (let c = 0; c < C; c++) {
          const w = weights === 0 ? 1 : f32[touch('weights', weights + c * 4)]!;
          const p = f32[wide('pred', pred, ps, o, c, i)]!;
          if (dense) {
            const t = f32[wide('target', target, ts, o, c, i)]!;
            v += w * p * t;
            if (grad !== 0) f32[wide('grad', grad, gs, o, c, i)] = scale * s * l * w * t;
            if (gradT !== 0) f32[wide('gradTarget', gradT, gts, o, c, i)] = scale * s * l * w * p + p1;
          } else {
            const k = y === ignore ? 0 : c === y ? 3 : 1;
            v += w * p * k;
            if (grad !== 0) f32[wide('grad', grad, gs, o, c, i)] = scale * s * w * k;
          }
        }
        if (dense) v = l * (v + p0);
        f32[touch('out', out + r * 4)] = v;
        sum += v;
      }
    }
    blocks.push({ ob, len, touches: [...touches.values()] });
    return sum;
  };
}

interface Made {
  readonly run: RowRun;
  readonly p: Float32Array;
  readonly t: Float32Array | Int32Array;
  readonly rs: Float32Array | null;
  readonly w: Float32Array | null;
  readonly rl: Float32Array | null;
  readonly grad: GradDestination | null;
  readonly gradTarget: GradDestination | null;
  /** [start, end) of each block runRows' caller allocated in wasm memory (tensors), to free afterwards */
  readonly allocated: number[];
  readonly inPlace: { name: string; lo: number; hi: number }[];
}

const f32Data = (n: number, r: () => number) => Float32Array.from({ length: n }, () => Math.fround(r() * 2 - 1));

function make(cfg: Config, seed: number): Made {
  const r = rng(seed);
  const { outer, C, inner } = cfg;
  const n = outer * C * inner;
  const rows = outer * inner;
  const geometry: RowGeometry = { outer, classes: C, inner, rowShape: [outer, inner] };
  const allocated: number[] = [];
  const inPlace: { name: string; lo: number; hi: number }[] = [];
  // every wasm allocation first (growth replaces the buffer), then the views
  const want = (name: string, on: boolean, count: number): number => {
    if (!on) return -1;
    const ptr = rt.heap.alloc(Math.max(4, count * 4));
    allocated.push(ptr);
    inPlace.push({ name, lo: ptr, hi: ptr + count * 4 });
    return ptr;
  };
  const predPtr = want('pred', cfg.pred === 'in place' || cfg.pred === 'view', n);
  const labelsPtr = want('labels', cfg.target === 'labels in place', rows);
  const targetPtr = want('target', cfg.target === 'in place' || cfg.target === 'view', n);
  const gradPtr = want('grad', cfg.grad === 'in place', n);
  const gradTPtr = want('gradTarget', cfg.gradTarget === 'in place', n);
  const rlPtr = want('rowLabels', cfg.rowLabels === 'in place', rows);

  const p = f32Data(n, r);
  const float = (data: Float32Array, place: Place, ptr: number, name: string): FloatInput => {
    const shape = [outer, C, inner];
    if (place === 'in place') {
      rt.f32().set(data, ptr >> 2);
      return { shape, size: data.length, ptr, array: new Float32Array(rt.buffer(), ptr, data.length) };
    }
    if (place === 'view') {
      // a Float32Array the caller made over wasm memory: found and read in place (src/engines/tiling.ts inPlace)
      const view = new Float32Array(rt.buffer(), ptr, data.length);
      view.set(data);
      return { shape, size: data.length, ptr: -1, array: view };
    }
    if (place === 'f64') return { shape, size: data.length, ptr: -1, array: Float64Array.from(data) };
    if (place === 'number[]') return new JsArrayInput([data.length], data.length, [Array.from(data)], data.length, 'probe', name);
    return { shape, size: data.length, ptr: -1, array: Float32Array.from(data) };
  };
  let t: Float32Array | Int32Array;
  let target: RowRun['target'];
  if (cfg.target === 'labels' || cfg.target === 'labels in place') {
    const labels = Int32Array.from({ length: rows }, () => Math.floor(r() * C));
    if (cfg.ignore !== undefined && rows > 0) labels[Math.floor(rows / 2)] = cfg.ignore;
    t = labels;
    let data: Int32Array<ArrayBufferLike> = labels;
    if (labelsPtr >= 0) {
      rt.i32().set(labels, labelsPtr >> 2);
      data = new Int32Array(rt.buffer(), labelsPtr, rows);
    }
    const l: Labels = { shape: [outer, inner], data, ptr: labelsPtr, valid: rows };
    target = { kind: 'labels', labels: l };
  } else {
    t = f32Data(n, r);
    target = { kind: 'dense', input: float(t, cfg.target, targetPtr, 'target') };
  }
  const dest = (how: 'none' | 'js' | 'in place', ptr: number): GradDestination | null =>
    how === 'none' ? null : how === 'js' ? { array: new Float32Array(n), ptr: -1 } : { array: new Float32Array(rt.buffer(), ptr, n), ptr };
  const grad = dest(cfg.grad, gradPtr);
  const gradTarget = dest(cfg.gradTarget, gradTPtr);
  const rs = cfg.rowScale ? Float32Array.from({ length: rows }, () => Math.fround(0.5 + r())) : null;
  const w = cfg.weights ? Float32Array.from({ length: C }, () => Math.fround(0.25 + r())) : null;
  const rl = cfg.rowLabels === 'none' ? null : Float32Array.from({ length: rows }, () => (r() < 0.5 ? -1 : 1));
  let rowLabels: FloatInput | null = null;
  if (rl !== null) {
    if (rlPtr >= 0) {
      rt.f32().set(rl, rlPtr >> 2);
      rowLabels = { shape: [outer, inner], size: rows, ptr: rlPtr, array: new Float32Array(rt.buffer(), rlPtr, rows) };
    } else rowLabels = { shape: [outer, inner], size: rows, ptr: -1, array: rl };
  }
  const run: RowRun = {
    geometry,
    where: 'rows (test)',
    pred: float(p, cfg.pred, predPtr, 'pred'),
    target,
    weights: w,
    scale: 0.75,
    rowScale: rs,
    p0: 0.125,
    p1: -0.5,
    ...(cfg.ignore === undefined ? {} : { ignore: cfg.ignore }),
    grad,
    gradTarget,
    rowLabels,
    rows: true,
  };
  return { run, p, t, rs, w, rl, grad, gradTarget, allocated, inPlace };
}

/** The toy loss in float64 over the whole input: per-row values, ∂/∂pred, ∂/∂target. */
function reference(cfg: Config, m: Made): { values: Float64Array; grad: Float64Array; gradTarget: Float64Array } {
  const { outer, C, inner } = cfg;
  const dense = !(m.t instanceof Int32Array);
  const values = new Float64Array(outer * inner);
  const grad = new Float64Array(outer * C * inner);
  const gradTarget = new Float64Array(outer * C * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const s = m.rs?.[r] ?? 1;
      const l = m.rl?.[r] ?? 1;
      let v = 0;
      for (let c = 0; c < C; c++) {
        const e = (o * C + c) * inner + i;
        const w = m.w?.[c] ?? 1;
        if (dense) {
          v += w * m.p[e]! * m.t[e]!;
          grad[e] = 0.75 * s * l * w * m.t[e]!;
          gradTarget[e] = 0.75 * s * l * w * m.p[e]! - 0.5;
        } else {
          const y = m.t[r]!;
          const k = y === cfg.ignore ? 0 : c === y ? 3 : 1;
          v += w * m.p[e]! * k;
          grad[e] = 0.75 * s * w * k;
        }
      }
      values[r] = dense ? l * (v + 0.125) : v;
    }
  }
  return { values, grad, gradTarget };
}

/**
 * How many of the four wide operands and of the per-row operands the configuration streams through the region,
 * and how many of the wide ones are Float64Arrays (staged as doubles and narrowed in place: twice the room).
 */
function operandCounts(cfg: Config, partial: boolean): { wide: number; narrow: number; doubled: number } {
  const copied = (place: string) => place !== 'in place' && place !== 'view';
  const dense = cfg.target !== 'labels' && cfg.target !== 'labels in place';
  // partial inner ranges copy every wide operand (compact, class stride = the range's length)
  const wideOps = [cfg.pred, dense ? cfg.target : null, cfg.grad === 'none' ? null : cfg.grad, cfg.gradTarget === 'none' ? null : cfg.gradTarget].filter((x) => x !== null);
  const wide = partial ? wideOps.length : wideOps.filter((x) => copied(x!)).length;
  const narrow = 1 + (cfg.rowScale ? 1 : 0) + (cfg.target === 'labels' ? 1 : 0) + (cfg.rowLabels === 'copied' ? 1 : 0);
  const doubled = [cfg.pred, dense ? cfg.target : null].filter((x) => x === 'f64').length;
  return { wide, narrow, doubled };
}

/** Rows per block the region allows when each carved region may lose 4 floats to alignment. */
function rowsAllowed(cfg: Config, wide: number, narrow: number, doubled: number): number {
  const weightFloats = cfg.weights ? Math.ceil(cfg.C / 4) * 4 : 0;
  return Math.floor((4 * CHUNK - weightFloats - 4 * (wide + narrow)) / ((wide + doubled) * cfg.C + narrow));
}

function check(cfg: Config, seed: number): Block[] {
  const m = make(cfg, seed);
  const dense = !(m.t instanceof Int32Array);
  const blocks: Block[] = [];
  const allocs: { ptr: number; bytes: number }[] = [];
  const frees: number[] = [];
  const heap = rt.heap;
  const alloc = heap.alloc.bind(heap);
  const free = heap.free.bind(heap);
  heap.alloc = (bytes: number) => {
    const ptr = alloc(bytes);
    allocs.push({ ptr, bytes });
    return ptr;
  };
  heap.free = (ptr: number) => {
    frees.push(ptr);
    free(ptr);
  };
  let result;
  try {
    result = runRows(rt, probe(blocks, dense), m.run);
  } finally {
    heap.alloc = alloc;
    heap.free = free;
  }
  const what = JSON.stringify(cfg);
  const ref = reference(cfg, m);
  expectClose(result.values!, ref.values, `${what}: values`, {}, 1e-5);
  expect(result.sum, what).toBeCloseTo(ref.values.reduce((a, b) => a + b, 0), 2);
  // a destination in wasm memory is read anew: a temporary block may have grown the memory (detaching old views)
  const n = cfg.outer * cfg.C * cfg.inner;
  const written = (d: GradDestination) => (d.ptr < 0 ? d.array : rt.f32().subarray(d.ptr >> 2, (d.ptr >> 2) + n));
  if (m.grad !== null) expectClose(written(m.grad), ref.grad, `${what}: grad`);
  if (m.gradTarget !== null) expectClose(written(m.gradTarget), ref.gradTarget, `${what}: gradTarget`);

  // memory: a temporary block only for a row wider than the region, freed before returning
  expect(frees, what).toEqual(allocs.map((a) => a.ptr));
  const region = allocs.length === 0 ? { lo: rt.slots[0]!, hi: rt.slots[0]! + REGION_BYTES } : { lo: allocs[0]!.ptr, hi: allocs[0]!.ptr + allocs[0]!.bytes };
  for (const [b, block] of blocks.entries()) {
    for (const t of block.touches) {
      const own = m.inPlace.find((x) => x.name === t.name && t.lo >= x.lo && t.hi <= x.hi);
      if (own === undefined) {
        expect([t.lo >= region.lo, t.hi <= region.hi], `${what}: block ${b}: ${t.name} [${t.lo}, ${t.hi}) outside [${region.lo}, ${region.hi})`).toEqual([true, true]);
      }
    }
    for (const a of block.touches) {
      for (const c of block.touches) {
        if (a !== c) expect(a.hi <= c.lo || c.hi <= a.lo, `${what}: block ${b}: ${a.name} overlaps ${c.name}`).toBe(true);
      }
    }
  }

  // block sizes: the most rows the region allows, in whole slabs when one fits
  const counts = operandCounts(cfg, false);
  const whole = rowsAllowed(cfg, counts.wide, counts.narrow, counts.doubled);
  const partial = cfg.inner > 1 && Math.floor(whole / cfg.inner) < 1;
  // a tensor is read and written in place, except a wide operand over partial inner ranges (copied compact)
  const wideNames = ['pred', 'target', 'grad', 'gradTarget'];
  for (const block of blocks) {
    for (const t of block.touches) {
      const own = m.inPlace.find((x) => x.name === t.name);
      if (own === undefined) continue;
      const inOwn = t.lo >= own.lo && t.hi <= own.hi;
      expect(inOwn, `${what}: ${t.name} ${inOwn ? 'read in place' : 'copied'}`).toBe(!(partial && wideNames.includes(t.name)));
    }
  }
  const { wide, narrow, doubled } = operandCounts(cfg, partial);
  const allowed = Math.max(1, rowsAllowed(cfg, wide, narrow, doubled));
  const expected: { ob: number; len: number }[] = [];
  const slabs = Math.floor(allowed / cfg.inner);
  if (slabs >= 1) for (let o = 0; o < cfg.outer; o += slabs) expected.push({ ob: Math.min(slabs, cfg.outer - o), len: cfg.inner });
  else for (let o = 0; o < cfg.outer; o++) for (let i = 0; i < cfg.inner; i += allowed) expected.push({ ob: 1, len: Math.min(allowed, cfg.inner - i) });
  expect(blocks.map(({ ob, len }) => ({ ob, len })), `${what}: blocks`).toEqual(expected);
  expect(allocs.length, `${what}: temporary blocks`).toBe(rowsAllowed(cfg, wide, narrow, doubled) < 1 ? 1 : 0);
  for (const ptr of m.allocated) rt.heap.free(ptr);
  return blocks;
}

const base: Config = { outer: 1, C: 1, inner: 1, pred: 'copied', target: 'copied', grad: 'none', gradTarget: 'none', rowScale: false, weights: false, rowLabels: 'none' };

describe('runRows: blocks fill the scratch region and stay inside it', () => {
  // Geometries around the region's edges: many whole slabs with a short last one; slabs of several inner
  // positions; an inner axis longer than a block (partial ranges, every wide operand copied compact); rows
  // wider than the region (a temporary block); rows exactly at capacity.
  const geometries: [number, number, number][] = [
    [9000, 7, 1], // 4 wide × 7 + narrow: a few blocks, the last short
    [700, 9, 5], // slabs of 5
    [2, 13, 5003], // partial ranges of a strided class axis
    [3, 16381, 1], // one row per block: C just under the region for one copied operand
    [2, 70000, 1], // a row wider than the region: a temporary block
    [1, 40000, 3], // partial ranges of one row each, inside a temporary block for two operands
    [5, 1, 4096], // C = 1
  ];
  const places: Place[] = ['copied', 'f64', 'number[]', 'in place', 'view'];
  let seed = 1;
  for (const [outer, C, inner] of geometries) {
    const r = rng(outer * 31 + C * 7 + inner);
    for (let k = 0; k < 4; k++) {
      const labels = r() < 0.4;
      const cfg: Config = {
        ...base,
        outer,
        C,
        inner,
        pred: places[Math.floor(r() * places.length)]!,
        target: labels ? (r() < 0.5 ? 'labels' : 'labels in place') : places[Math.floor(r() * places.length)]!,
        grad: (['none', 'js', 'in place'] as const)[Math.floor(r() * 3)]!,
        gradTarget: labels ? 'none' : (['none', 'js', 'in place'] as const)[Math.floor(r() * 3)]!,
        rowScale: r() < 0.5,
        weights: r() < 0.5,
        rowLabels: labels ? 'none' : (['none', 'copied', 'in place'] as const)[Math.floor(r() * 3)]!,
        ...(labels && r() < 0.5 ? { ignore: 0 } : {}),
      };
      const s = seed++;
      it(`[${outer}, ${C}, ${inner}] ${cfg.pred} pred, ${cfg.target} target, grad ${cfg.grad}, ∂target ${cfg.gradTarget}${cfg.rowScale ? ', rowScale' : ''}${cfg.weights ? ', weights' : ''}, rowLabels ${cfg.rowLabels}`, () => {
        check(cfg, s);
      });
    }
  }

  it('every operand streamed at once, with weights, at a geometry whose worst case fills the region exactly', () => {
    // 4 wide + 3 narrow (out, rowScale, rowLabels), C = 9: (65536 - 12 - 28) / 39 = 1679.6 -> 1679 rows per block
    const cfg: Config = { ...base, outer: 5000, C: 9, inner: 1, grad: 'js', gradTarget: 'js', rowScale: true, weights: true, rowLabels: 'copied' };
    const blocks = check(cfg, 99);
    expect(blocks[0]!.ob).toBe(1679);
  });

  it('exactly one whole slab fits: slabs of one, tensors still read in place', () => {
    // 1 copied wide operand (target) + out: (65536 - 8) / 14 = 4680 rows, one slab of 3000
    const blocks = check({ ...base, outer: 3, C: 13, inner: 3000, pred: 'in place' }, 11);
    expect(blocks.map((b) => [b.ob, b.len])).toEqual([[1, 3000], [1, 3000], [1, 3000]]);
  });

  it('an in-place tensor operand frees its share of the region: more rows per block', () => {
    const copied = check({ ...base, outer: 5000, C: 9, grad: 'js' }, 5);
    const inPlace = check({ ...base, outer: 5000, C: 9, grad: 'js', pred: 'in place', target: 'in place' }, 5);
    expect(inPlace[0]!.ob).toBeGreaterThan(2 * copied[0]!.ob);
  });

  it('no rows or no classes: no kernel call, zero sum, per-row values of zeros', () => {
    for (const [outer, C, inner] of [[0, 3, 2], [3, 0, 2], [3, 4, 0]] as const) {
      const blocks: Block[] = [];
      const m = make({ ...base, outer, C, inner }, 3);
      const result = runRows(rt, probe(blocks, true), m.run);
      expect(blocks).toEqual([]);
      expect(result.sum).toBe(0);
      expect(Array.from(result.values!)).toEqual(new Array(outer * inner).fill(0));
    }
  });

  it("the plain-JS twin runs at and below jsBelow elements, the kernel above; per-row values only when asked", () => {
    const m = make({ ...base, outer: 4, C: 3, inner: 2 }, 7);
    const calls: number[] = [];
    const twin: JsRowKernel = (geometry, pred, target, args) => {
      calls.push(pred.length);
      args.out.fill(2);
      return 16;
    };
    for (const [jsBelow, twinRuns] of [[24, true], [23, false], [undefined, false]] as const) {
      const blocks: Block[] = [];
      calls.length = 0;
      const result = runRows(rt, probe(blocks, true), { ...m.run, js: twin, ...(jsBelow === undefined ? {} : { jsBelow }) });
      expect([calls.length, blocks.length], `jsBelow ${jsBelow}`).toEqual(twinRuns ? [1, 0] : [0, 1]);
      if (twinRuns) {
        expect(result.sum).toBe(16);
        expect(Array.from(result.values!)).toEqual(new Array(8).fill(2));
      }
    }
    const noRows = runRows(rt, probe([], true), { ...m.run, rows: false });
    expect(noRows.values).toBeNull();
    const twinNoRows = runRows(rt, probe([], true), { ...m.run, rows: false, js: twin, jsBelow: 24 });
    expect(twinNoRows.values).toBeNull();
  });
});
