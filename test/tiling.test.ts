/**
 * The tiling driver (src/engines/tiling.ts) on its own, and the elementwise engine's three kernel runs over it
 * (pairSum, pairRows, pairGrad): kernels over inputs wherever they are (in place in wasm memory, or staged tile by
 * tile through the scratch region: Float32Array, Float64Array narrowed on entry, number[] and nested arrays
 * converted as they are read), with outputs copied out tile by tile or written in place. The kernels here are
 * JavaScript functions with the wasm kernels' signature that read and write wasm memory, so each test sees exactly
 * which tiles the driver hands over (in order, covering every row once, one call when everything is in place, a
 * Float64Array taking twice the room) and compares every result with a float64 computation over the caller's
 * data. The loss suites reach these paths only through whole losses, at the tile sizes their cases happen to have.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { floatInput, WasmTensor, type FloatInput } from '../src/tensor.js';
import { pairGrad, pairRows, pairSum } from '../src/engines/elementwise.js';
import { inPlace, tile, type TileOperand } from '../src/engines/tiling.js';
import type { Kernels } from '../src/kernels.js';
import { CHUNK, instantiate, type Runtime } from '../src/wasm.js';
import { rng } from './helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await instantiate('simd');
});

const HALF = CHUNK / 2;
const f32 = (byteOffset: number, i: number) => rt.f32()[(byteOffset >> 2) + i]!;

/** Σ param·(p − t)², the MSE kernel's contract; records each call's n. */
function sumKernel(calls: number[]): Kernels['mse_sum_f32'] {
  return (n, p, t, param) => {
    calls.push(n);
    let s = 0;
    for (let i = 0; i < n; i++) s += param * (f32(p, i) - f32(t, i)) ** 2;
    return s;
  };
}

/** out[r] = scale · Σ_c param·(p − t)² for `rows` rows of `cols`. */
function rowsKernel(calls: number[]): Kernels['mse_rows_f32'] {
  return (rows, cols, p, t, out, param, scale) => {
    calls.push(rows);
    const m = rt.f32();
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += param * (f32(p, r * cols + c) - f32(t, r * cols + c)) ** 2;
      m[(out >> 2) + r] = s * scale;
    }
    return 0;
  };
}

/** g = scale · 2·param·(p − t); returns Σ param·(p − t)². */
function gradKernel(calls: number[]): Kernels['mse_grad_f32'] {
  return (n, p, t, g, param, scale) => {
    calls.push(n);
    const m = rt.f32();
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = f32(p, i) - f32(t, i);
      m[(g >> 2) + i] = scale * 2 * param * d;
      s += param * d * d;
    }
    return s;
  };
}

const scaleRows: Kernels['scale_rows_f32'] = (rows, cols, x, s) => {
  const m = rt.f32();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[(x >> 2) + r * cols + c]! *= m[(s >> 2) + r]!;
  return 0;
};

/** n float32-representable values, as every form a caller holds (and a tensor in wasm memory). */
function forms(n: number, seed: number, cols: number): [string, () => FloatInput, Float64Array][] {
  const r = rng(seed);
  const values = Float64Array.from({ length: n }, () => Math.fround(r() * 4 - 2));
  const nested = () => Array.from({ length: n / cols }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols)));
  return [
    ['Float32Array', () => floatInput(Float32Array.from(values), rt, 'mse', 'x'), values],
    ['Float64Array', () => floatInput(Float64Array.from(values, (v) => v + 1e-12), rt, 'mse', 'x'), values], // rounded on entry
    ['number[]', () => floatInput(Array.from(values), rt, 'mse', 'x'), values],
    ['nested', () => floatInput(nested(), rt, 'mse', 'x'), values],
    ['tensor', () => {
      const t = new WasmTensor(rt, [n], 'float32');
      t.data.set(values);
      return floatInput(t, rt, 'mse', 'x');
    }, values],
  ];
}

const sq = (p: Float64Array, t: Float64Array, from = 0, to = p.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += (p[i]! - t[i]!) ** 2;
  return s;
};

describe('where an input is', () => {
  it('inPlace: a tensor keeps its offset; a Float32Array viewing this memory is found; others are copied', () => {
    const t = new WasmTensor(rt, [4], 'float32');
    expect(inPlace(rt, floatInput(t, rt, 'mse', 'x')).ptr).toBe(t.byteOffset);
    const view = new Float32Array(rt.memory.buffer, t.byteOffset, 4);
    expect(inPlace(rt, floatInput(view, rt, 'mse', 'x')).ptr).toBe(t.byteOffset);
    expect(inPlace(rt, floatInput(new Float32Array(4), rt, 'mse', 'x')).ptr).toBe(-1);
    expect(inPlace(rt, floatInput(new Float64Array(rt.memory.buffer, 0, 2), rt, 'mse', 'x')).ptr).toBe(-1);
    expect(inPlace(rt, floatInput([1, 2], rt, 'mse', 'x')).ptr).toBe(-1);
    t.free();
  });

  it('a tile: every form lands in the region as float32; an input in place is not copied; a Float64Array takes twice the room', () => {
    const region = { lo: rt.slots[0]!, hi: rt.slots[0]! + 4 * CHUNK * 4 };
    const tileRows: Record<string, number> = {};
    for (const [name, make, values] of forms(5 * CHUNK + 8, 3, 8)) {
      const x = inPlace(rt, make());
      const seen: number[] = [];
      tile(rt, { outer: x.size, classes: 1, inner: 1 }, [{ width: 'wide', input: x }], ({ firstRow, rows, ptrs }) => {
        seen.push(rows);
        if (x.ptr >= 0) expect(ptrs[0], name).toBe(x.ptr + firstRow * 4);
        else expect([ptrs[0]! >= region.lo, ptrs[0]! + rows * 4 <= region.hi], name).toEqual([true, true]);
        const got = rt.f32().subarray(ptrs[0]! >> 2, (ptrs[0]! >> 2) + rows);
        for (let i = 0; i < rows; i += 997) expect(got[i], `${name} [${firstRow + i}]`).toBe(values[firstRow + i]);
        expect(got[rows - 1], name).toBe(values[firstRow + rows - 1]);
        return 0;
      });
      expect(seen.reduce((a, n) => a + n, 0), name).toBe(x.size);
      tileRows[name] = seen[0]!;
    }
    expect(tileRows.tensor).toBe(5 * CHUNK + 8); // in place: one call
    expect(tileRows.Float64Array).toBe(Math.floor(tileRows.Float32Array! / 2));
    expect(tileRows['number[]']).toBe(tileRows.Float32Array);
  });
});

describe('pairSum', () => {
  for (const n of [1, 5, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7]) {
    it(`every pair of forms, n = ${n}: the sum, tile by tile (one call in place)`, () => {
      const ps = forms(n, 10 + n, 1);
      const ts = forms(n, 20 + n, 1);
      for (const [pn, pm, pv] of ps) {
        for (const [tn, tm, tv] of ts) {
          const calls: number[] = [];
          const p = pm();
          const t = tm();
          const got = pairSum(rt, sumKernel(calls), p, t, 0.5, 'mse (pytorch)');
          expect(got, `${pn} × ${tn}`).toBeCloseTo(0.5 * sq(pv, tv), 6);
          const both = pn === 'tensor' && tn === 'tensor';
          expect(calls.reduce((a, b) => a + b, 0), `${pn} × ${tn}`).toBe(n);
          if (both) expect(calls, `${pn} × ${tn}`).toEqual([n]);
          // equal tiles but the last, each at least a slot of the region
          else for (let i = 0; i + 1 < calls.length; i++) expect([calls[i] === calls[0], calls[i]! >= HALF], `${pn} × ${tn}`).toEqual([true, true]);
        }
      }
    });
  }
});

describe('pairRows', () => {
  const cases: [number, number][] = [[3, 5], [1, 1], [CHUNK + 3, 1], [5, CHUNK / 4 + 1], [2, HALF + 5], [3, CHUNK + 9], [2, 2 * CHUNK + 1], [2, 3 * CHUNK]];
  for (const [rows, cols] of cases) {
    it(`[${rows}, ${cols}]: per-row sums times the scale, from every form`, () => {
      const n = rows * cols;
      const ps = forms(n, rows, cols);
      const ts = forms(n, cols + 1, cols);
      for (const [i, [pn, pm, pv]] of ps.entries()) {
        const [tn, tm, tv] = ts[(i + 1) % ts.length]!;
        const rowCalls: number[] = [];
        const [p, t] = [pm(), tm()];
        const before = rt.heap.allocatedBytes;
        const out = pairRows(rt, rowsKernel(rowCalls), rows, cols, p, t, 2, 0.25, 'mse (pytorch)');
        expect(rt.heap.allocatedBytes).toBe(before); // a row wider than the region: its block is freed
        expect(out.length).toBe(rows);
        for (let r = 0; r < rows; r++) expect(out[r], `${pn} × ${tn} row ${r}`).toBeCloseTo(Math.fround(0.5 * sq(pv, tv, r * cols, (r + 1) * cols)), 3);
        // whole rows per tile, every row once; rows wider than CHUNK are tiled by elements (the kernel called with
        // cols = 1 to map f, summed per row in float64): no block of wasm memory as large as a row
        expect(rowCalls.reduce((a, b) => a + b, 0), `${pn} × ${tn}`).toBe(cols > CHUNK ? rows * cols : rows);
      }
    });
  }
});

describe('pairGrad', () => {
  const cases: [number, number, boolean][] = [
    [4, 3, false], [4, 3, true], [CHUNK + 5, 1, false], [CHUNK + 5, 1, true], [7, CHUNK / 4 + 3, true], [2, CHUNK + 11, true], [3, HALF + 1, true],
  ];
  for (const [rows, cols, withRowScale] of cases) {
    for (const destInWasm of [false, true]) {
      it(`[${rows}, ${cols}]${withRowScale ? ', per-row factors' : ''}, gradient ${destInWasm ? 'in place' : 'copied out'}: every form`, () => {
        const n = rows * cols;
        const rowScale = withRowScale ? Float32Array.from({ length: rows }, (_, r) => 1 + (r % 5)) : null;
        const targets = forms(n, 6, cols);
        for (const [[pn, pm, pv], [tn, tm, tv]] of forms(n, 5, cols).map((f, i) => [f, targets[(i + 2) % targets.length]!] as const)) {
          const tensor = destInWasm ? new WasmTensor(rt, [n], 'float32') : null;
          const array = tensor === null ? new Float32Array(n) : (tensor.data as Float32Array);
          const calls: number[] = [];
          const s = pairGrad(rt, gradKernel(calls), scaleRows, rows, cols, pm(), tm(), 1, 0.5, rowScale, { array, ptr: tensor === null ? -1 : tensor.byteOffset }, 'mse (pytorch)');
          const grad = tensor === null ? array : (tensor.data as Float32Array);
          expect(s, `${pn} × ${tn}`).toBeCloseTo(sq(pv, tv), 4);
          for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 97))) {
            const factor = rowScale === null ? 1 : rowScale[Math.floor(i / cols)]!;
            expect(grad[i], `${pn} × ${tn} [${i}]`).toBeCloseTo(Math.fround(Math.fround(0.5 * 2 * (pv[i]! - tv[i]!)) * factor), 5);
          }
          expect(grad[n - 1]).toBeCloseTo((rowScale === null ? 1 : rowScale[rows - 1]!) * (pv[n - 1]! - tv[n - 1]!), 5);
          expect(calls.reduce((a, b) => a + b, 0)).toBe(n);
          tensor?.free();
        }
      });
    }
  }
});

describe('tile: any number of operands, per row or per element, in place or staged', () => {
  /**
   * A row kernel over [rows, cols]: out[r] = Σ_c p·t + label[r] (per row), e = p − t (per element); returns Σ out.
   * Buffers: 0 p, 1 t, 2 label (per row), 3 null, 4 out (per row), 5 e.
   */
  function run(rowsSeen: number[][]) {
    return ({ rows: count, ptrs, firstRow }: { rows: number; ptrs: readonly number[]; firstRow: number }) => {
      rowsSeen.push([firstRow, count]);
      const m = rt.f32();
      const cols = colsNow;
      let total = 0;
      expect(ptrs[3]).toBe(0);
      for (let r = 0; r < count; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) {
          const p = m[(ptrs[0]! >> 2) + r * cols + c]!;
          const t = m[(ptrs[1]! >> 2) + r * cols + c]!;
          s += p * t;
          m[(ptrs[5]! >> 2) + r * cols + c] = p - t;
        }
        s += m[(ptrs[2]! >> 2) + r]!;
        m[(ptrs[4]! >> 2) + r] = s;
        total += s;
      }
      return total;
    };
  }
  let colsNow = 0;

  const cases: [number, number][] = [[5, 3], [HALF + 3, 1], [HALF / 4 + 1, 4], [3, HALF], [2, HALF + 1], [1, 3 * HALF + 7]];
  for (const [rows, cols] of cases) {
    for (const where of ['copied', 'in place', 'mixed'] as const) {
      it(`[${rows}, ${cols}], inputs and outputs ${where}`, () => {
        colsNow = cols;
        const n = rows * cols;
        const r = rng(rows * 31 + cols);
        const p = Float32Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
        const t = Float32Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
        const labels = Float32Array.from({ length: rows }, (_, i) => i % 7);
        const tensors: WasmTensor[] = [];
        const wasm = (data: Float32Array) => {
          const x = new WasmTensor(rt, [data.length], 'float32');
          x.data.set(data);
          tensors.push(x);
          return x;
        };
        const inPlaceIn = where === 'in place';
        const pIn = floatInput(inPlaceIn || where === 'mixed' ? wasm(p) : p, rt, 'x', 'p');
        const tIn = floatInput(inPlaceIn ? wasm(t) : Array.from(t), rt, 'x', 't');
        const lIn = floatInput(inPlaceIn ? wasm(labels) : Float64Array.from(labels), rt, 'x', 'label');
        const outT = inPlaceIn || where === 'mixed' ? wasm(new Float32Array(rows)) : null;
        const eT = inPlaceIn ? wasm(new Float32Array(n)) : null;
        const out = outT === null ? new Float32Array(rows) : (outT.data as Float32Array);
        const e = eT === null ? new Float32Array(n) : (eT.data as Float32Array);
        const buffers: (TileOperand | null)[] = [
          { width: 'wide', input: pIn },
          { width: 'wide', input: tIn },
          { width: 'row', input: lIn },
          null,
          { width: 'row', output: { array: out, ptr: outT === null ? -1 : outT.byteOffset } },
          { width: 'wide', output: { array: e, ptr: eT === null ? -1 : eT.byteOffset } },
        ];
        const before = rt.heap.allocatedBytes;
        const seen: number[][] = [];
        const total = tile(rt, { outer: rows, classes: cols, inner: 1 }, buffers, run(seen));
        expect(rt.heap.allocatedBytes).toBe(before); // temporary blocks of long rows are freed
        const outNow = outT === null ? out : (outT.data as Float32Array);
        const eNow = eT === null ? e : (eT.data as Float32Array);
        let want = 0;
        for (let row = 0; row < rows; row++) {
          let s = 0;
          for (let c = 0; c < cols; c++) s += p[row * cols + c]! * t[row * cols + c]!;
          s += labels[row]!;
          want += Math.fround(s);
          expect(outNow[row], `row ${row}`).toBeCloseTo(s, 4);
        }
        expect(total).toBeCloseTo(want, 2);
        for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 101))) expect(eNow[i], `e[${i}]`).toBe(Math.fround(p[i]! - t[i]!));
        expect(eNow[n - 1]).toBe(Math.fround(p[n - 1]! - t[n - 1]!));
        // tiles of whole rows, in order, covering every row once, all of one size but the last; one call when
        // everything is in place
        if (inPlaceIn) expect(seen).toEqual([[0, rows]]);
        const block = seen[0]![1]!;
        expect(seen).toEqual(Array.from({ length: Math.ceil(rows / block) }, (_, k) => [k * block, Math.min(block, rows - k * block)]));
        for (const x of tensors) x.free();
      });
    }
  }
  // Eight operands, every one staged, the null one third: each holds a place of its own in the region, so one
  // placed at another's offset overwrites a value.
  // The last output may also be in place while the others are copied: its blocks are then at row·cols floats.
  for (const [rows, cols, fInPlace] of [[HALF / 2 + 5, 2, false], [7, 3, false], [HALF / 2 + 5, 2, true]] as [number, number, boolean][]) {
    it(`eight operands in the region, [${rows}, ${cols}]${fInPlace ? ', the last output in place' : ''}`, () => {
      const n = rows * cols;
      const r = rng(rows + 17 * cols);
      const p = Float32Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
      const t = Float32Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
      const w = Float32Array.from({ length: n }, () => Math.fround(r() + 0.5));
      const label = Float32Array.from({ length: rows }, (_, i) => (i % 5) - 2);
      const out = new Float32Array(rows);
      const e = new Float32Array(n);
      const fT = fInPlace ? new WasmTensor(rt, [n], 'float32') : null;
      const f = fT === null ? new Float32Array(n) : (fT.data as Float32Array);
      const buffers: (TileOperand | null)[] = [
        { width: 'wide', input: floatInput(p, rt, 'x', 'p') },
        { width: 'wide', input: floatInput(Array.from(t), rt, 'x', 't') },
        null,
        { width: 'row', input: floatInput(Float64Array.from(label), rt, 'x', 'label') },
        { width: 'wide', input: floatInput(w, rt, 'x', 'w') },
        { width: 'row', output: { array: out, ptr: -1 } },
        { width: 'wide', output: { array: e, ptr: -1 } },
        { width: 'wide', output: { array: f, ptr: fT === null ? -1 : fT.byteOffset } },
      ];
      // out[r] = Σ_c (p − t)·w + label[r];  e = p − t;  f = p·w
      const kernel = ({ rows: count, ptrs, firstRow }: { rows: number; ptrs: readonly number[]; firstRow: number }) => {
        expect(ptrs[2]).toBe(0);
        expect(new Set(ptrs.filter((x) => x !== 0)).size).toBe(7);
        if (fT !== null) expect(ptrs[7]).toBe(fT.byteOffset + firstRow * cols * 4);
        const m = rt.f32();
        const at = (k: number, i: number) => (ptrs[k]! >> 2) + i;
        for (let row = 0; row < count; row++) {
          let s = 0;
          for (let c = 0; c < cols; c++) {
            const i = row * cols + c;
            const d = m[at(0, i)]! - m[at(1, i)]!;
            s += d * m[at(4, i)]!;
            m[at(6, i)] = d;
            m[at(7, i)] = m[at(0, i)]! * m[at(4, i)]!;
          }
          m[at(5, row)] = s + m[at(3, row)]!;
        }
        return count;
      };
      expect(tile(rt, { outer: rows, classes: cols, inner: 1 }, buffers, kernel)).toBe(rows);
      for (let row = 0; row < rows; row++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += (p[row * cols + c]! - t[row * cols + c]!) * w[row * cols + c]!;
        expect(out[row], `out[${row}]`).toBeCloseTo(s + label[row]!, 5);
      }
      for (let i = 0; i < n; i++) {
        if (e[i] !== Math.fround(p[i]! - t[i]!)) expect(e[i], `e[${i}]`).toBe(Math.fround(p[i]! - t[i]!));
        const fNow = fT === null ? f : (fT.data as Float32Array);
        if (fNow[i] !== Math.fround(p[i]! * w[i]!)) expect(fNow[i], `f[${i}]`).toBe(Math.fround(p[i]! * w[i]!));
      }
      fT?.free();
    });
  }
});
