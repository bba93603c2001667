/**
 * src/tensor.ts at its own boundary: what floatInput makes of each input form (shape, size, where the data is,
 * the float32 values), and the exact argument path and text of each refusal. The loss suites see these only
 * through a loss's value or a message pattern, where a wrong shape of a scalar or a wrong index in a nested
 * path can pass unseen.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { LossError } from '../src/errors.js';
import { floatInput, forBlocks, JsArrayInput, sameShape, shapeSize, shapeString, WasmTensor } from '../src/tensor.js';
import { instantiate, type Runtime } from '../src/wasm.js';
import { expectLossError } from './helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await instantiate('simd');
});

const input = (value: unknown) => floatInput(value, rt, 'mse', 'pred');
const values = (x: { array: ArrayLike<number> }) => Array.from(x.array);
const refusal = (value: unknown, code: string): LossError => expectLossError(() => input(value), code, 'floatInput');

describe('shape helpers', () => {
  it('shapeSize, shapeString, sameShape', () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([5, 0])).toBe(0);
    expect(shapeString([])).toBe('[]');
    expect(shapeString([2, 3])).toBe('[2, 3]');
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([], [])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([2, 3], [2, 3, 1])).toBe(false);
    expect(sameShape([2], [2, 3])).toBe(false);
  });
});

describe('floatInput: each form', () => {
  it('a Float32Array is taken as it is, 1-D', () => {
    const a = Float32Array.of(1, 2, 3);
    const x = input(a);
    expect([x.shape, x.size, x.ptr, x.array === a]).toEqual([[3], 3, -1, true]);
  });

  it('a Float64Array and an Int32Array are taken as they are (narrowed later, block by block)', () => {
    const d = Float64Array.of(0.1, 2);
    const x = input(d);
    expect([x.shape, x.size, x.ptr, x.array === d]).toEqual([[2], 2, -1, true]);
    const i = Int32Array.of(-1, 7, 9);
    const y = input(i);
    expect([y.shape, y.size, y.array === i]).toEqual([[3], 3, true]);
  });

  it('a plain number is a scalar of shape []', () => {
    const x = input(2.5);
    expect([x.shape, x.size, x.ptr, values(x)]).toEqual([[], 1, -1, [2.5]]);
    expect(x.array).toBeInstanceOf(Float32Array);
    expect(values(input(0.1))).toEqual([Math.fround(0.1)]);
  });

  it('other typed arrays are converted to float32', () => {
    for (const a of [Uint8Array.of(1, 255), Int16Array.of(-3, 4), Uint32Array.of(7, 2 ** 32 - 1), Float32Array.of(1, 2)]) {
      const x = input(a);
      expect(x.array).toBeInstanceOf(Float32Array);
      expect([x.shape, x.ptr, values(x)]).toEqual([[2], -1, Array.from(a, (v) => Math.fround(v))]);
    }
  });

  it('number[] and nested arrays keep the caller arrays, with their shape', () => {
    const flat = input([1, 2, 3]);
    expect(flat).toBeInstanceOf(JsArrayInput);
    expect([flat.shape, flat.size, flat.ptr, values(flat)]).toEqual([[3], 3, -1, [1, 2, 3]]);
    const nested = input([[[1, 2, 3]], [[4, 5, 6]]]);
    expect([nested.shape, nested.size, values(nested)]).toEqual([[2, 1, 3], 6, [1, 2, 3, 4, 5, 6]]);
    const empty = input([]);
    expect([empty.shape, empty.size, values(empty)]).toEqual([[0], 0, []]);
    const emptyRows = input([[], []]);
    expect([emptyRows.shape, emptyRows.size, values(emptyRows)]).toEqual([[2, 0], 0, []]);
  });

  it('{ data, shape } with every kind of data', () => {
    const a = input({ data: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
    expect([a.shape, a.size, values(a)]).toEqual([[2, 3], 6, [1, 2, 3, 4, 5, 6]]);
    const f = Float32Array.of(1, 2, 3, 4);
    const b = input({ data: f, shape: [2, 2] });
    expect([b.shape, b.size, b.array === f]).toEqual([[2, 2], 4, true]);
    const c = input({ data: Float64Array.of(1, 2), shape: [2, 1] });
    expect([c.shape, values(c)]).toEqual([[2, 1], [1, 2]]);
    const s = input({ data: [7], shape: [] });
    expect([s.shape, s.size, values(s)]).toEqual([[], 1, [7]]);
    // the shape is copied: changing the caller's array later changes nothing
    const shape = [3];
    const d = input({ data: [1, 2, 3], shape });
    shape[0] = 9;
    expect(d.shape).toEqual([3]);
    const typedShape = [2];
    const e = input({ data: Float32Array.of(1, 2), shape: typedShape });
    typedShape[0] = 7;
    expect(e.shape).toEqual([2]);
  });

  it('a tensor of this instance is read in place; of another instance or int32, by value', async () => {
    const heapTensor = new WasmTensor(rt, [2, 2], 'float32');
    heapTensor.data.set([1, 2, 3, 4]);
    const x = input(heapTensor);
    expect([x.shape, x.size, x.ptr === heapTensor.byteOffset, values(x)]).toEqual([[2, 2], 4, true, [1, 2, 3, 4]]);
    const ints = new WasmTensor(rt, [2], 'int32');
    expect(input(ints).ptr).toBe(-1);
    const other = await instantiate('simd');
    expect(floatInput(heapTensor, other, 'mse', 'pred').ptr).toBe(-1);
    heapTensor.free();
    ints.free();
    expect(refusal(heapTensor, 'FREED_TENSOR').message).toBe(
      '[FREED_TENSOR] mse: pred: expected a tensor that has not been freed, received a tensor after free().',
    );
  });
});

describe('floatInput: refusals, with their exact words', () => {
  it('not a tensor at all', () => {
    for (const [value, text] of [[undefined, 'undefined'], [null, 'null'], ['x', '"x"'], [true, 'true'], [new Map(), 'a Map of size 0'], [{ data: [1] }, '{ data: an array of length 1 }']] as const) {
      const e = refusal(value, 'BAD_DTYPE');
      expect(e.argument).toBe('pred');
      expect(e.received).toBe(text);
      expect(e.expected).toBe('a tensor: { data, shape }, a Float32Array, Float64Array, Int32Array, number[] or nested number arrays');
    }
  });

  it('int64 data beyond int32 names the element and its value (int64 within it is narrowed: test/tensor.foreign.test.ts)', () => {
    const e = refusal(BigInt64Array.of(3n, 1n << 31n), 'LABEL_OUT_OF_RANGE');
    expect([e.argument, e.received, e.expected]).toEqual(['pred[1]', '2147483648', 'an int64 value within the int32 range']);
    const low = refusal(BigInt64Array.of(-(1n << 31n) - 1n), 'LABEL_OUT_OF_RANGE');
    expect([low.argument, low.received]).toEqual(['pred[0]', '-2147483649']);
    const u = refusal(BigUint64Array.of(5n, 1n << 63n), 'LABEL_OUT_OF_RANGE');
    expect([u.argument, u.received]).toEqual(['pred[1]', '9223372036854775808']);
    // the int32 range's own ends are taken, as int32
    const ends = input(BigInt64Array.of(2147483647n, -2147483648n, 0n));
    expect(ends.array).toBeInstanceOf(Int32Array);
    expect(Array.from(ends.array)).toEqual([2147483647, -2147483648, 0]);
  });

  it('a DataView', () => {
    const e = refusal(new DataView(new ArrayBuffer(8)), 'BAD_DTYPE');
    expect([e.argument, e.expected, e.received]).toEqual(['pred', 'a typed array of numbers', 'a DataView']);
  });

  it('a bad element is named by its index path, in every nesting', () => {
    const cases: [unknown, string, string][] = [
      [[1, 2, 'x'], 'pred[2]', '"x"'],
      [[[1, 2, 3], [4, null, 6]], 'pred[1][1]', 'null'],
      [[[[1, 2], [3, 4]], [[5, 6], [7, undefined]]], 'pred[1][1][1]', 'undefined'],
      [[[1, 2], [3, [4]]], 'pred[1][1]', 'an array of length 1'], // deeper than the shape the first elements gave
      [{ data: [1, 2, 3, true], shape: [2, 2] }, 'pred.data[3]', 'true'], // data is flat: the flat index
      [{ data: [0, [1]], shape: [2] }, 'pred.data[1]', 'an array of length 1'],
      [{ data: [[1], [2]], shape: [2] }, 'pred.data[0]', 'an array of length 1'], // not taken as nested [2, 1]
    ];
    for (const [value, argument, received] of cases) {
      const x = input(value);
      const e = expectLossError(() => x.array, 'BAD_DTYPE', argument);
      expect([e.argument, e.received, e.expected], argument).toEqual([argument, received, 'a number']);
    }
  });

  it('ragged nested arrays are SHAPE_MISMATCH at the first row that differs', () => {
    const e = refusal([[1, 2], [3]], 'SHAPE_MISMATCH');
    expect([e.argument, e.expected, e.received]).toEqual([
      'pred[1]',
      'an array of length 2 (nested arrays must be rectangular, shape [2, 2])',
      'an array of length 1',
    ]);
    const deep = refusal([[[1], [2]], [[3], 4]], 'SHAPE_MISMATCH');
    expect([deep.argument, deep.received]).toEqual(['pred[1][1]', '4']);
    const first = refusal([[1, 2], 5], 'SHAPE_MISMATCH');
    expect(first.argument).toBe('pred[1]');
  });

  it('a bad shape, and data of the wrong length', () => {
    for (const [shape, received] of [[[2, -1], '[2, -1]'], [[1.5], '[1.5]'], [['2'], '["2"]'], ['2', '"2"'], [null, 'null']] as const) {
      const e = refusal({ data: [1, 2], shape }, 'SHAPE_MISMATCH');
      expect([e.argument, e.expected, e.received]).toEqual(['pred.shape', 'an array of non-negative integers', received]);
    }
    const e = refusal({ data: [1, 2, 3], shape: [2, 2] }, 'SHAPE_MISMATCH');
    expect([e.argument, e.expected, e.received]).toEqual(['pred', 'data of length 4 for shape [2, 2]', 'data of length 3']);
    const f = refusal({ data: new Float32Array(5), shape: [4] }, 'SHAPE_MISMATCH');
    expect(f.received).toBe('data of length 5');
  });

  it('data that is not flat', () => {
    const t = new WasmTensor(rt, [2, 2], 'float32');
    const e = refusal({ data: t, shape: [4] }, 'BAD_DTYPE');
    expect([e.argument, e.expected]).toEqual(['pred.data', 'a flat typed array or number[]']);
    t.free();
    const bad = refusal({ data: 'abc', shape: [3] }, 'BAD_DTYPE');
    expect([bad.argument, bad.received]).toEqual(['pred.data', '"abc"']);
  });
});

describe('tensors in wasm memory: freed, and views from before the memory grew', () => {
  it('a freed tensor names the use', () => {
    const t = new WasmTensor(rt, [3], 'float32');
    const view = t.data;
    expect(t.data).toBe(view); // one live view, not a new one per read
    t.free();
    expect(t.freed).toBe(true);
    for (const [use, argument] of [[() => t.data, 'tensor.data'], [() => t.byteOffset, 'tensor.byteOffset'], [() => t.free(), 'tensor.free()']] as const) {
      const e = expectLossError(use, 'FREED_TENSOR', argument);
      expect([e.loss, e.argument, e.expected, e.received]).toEqual(['tensor', argument, 'a tensor that has not been freed', 'a tensor after free()']);
    }
  });

  it('a view saved before growth is DETACHED_VIEW, whatever its type; the tensor gives a fresh one', async () => {
    const own = await instantiate('simd');
    const t = new WasmTensor(own, [4], 'float32');
    t.data.set([1, 2, 3, 4]);
    const saved = [t.data, new Float64Array(own.memory.buffer, 0, 2), new Int32Array(own.memory.buffer, 0, 2)];
    const big = new WasmTensor(own, [8_000_000], 'float32'); // grows the memory: the saved views are detached
    for (const view of saved) {
      expect(view.length).toBe(0);
      const e = expectLossError(() => floatInput(view, own, 'mse', 'target'), 'DETACHED_VIEW', view.constructor.name);
      expect([e.loss, e.argument, e.expected, e.received]).toEqual([
        'mse',
        'target',
        'a live view: read tensor.data again after any call that may grow wasm memory (a saved view is detached when it grows)',
        `a ${view.constructor.name} of the wasm memory from before it grew (detached)`,
      ]);
    }
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    // an empty array of the caller's own is an empty input, not a detached view
    expect(floatInput(new Float64Array(0), own, 'mse', 'target').size).toBe(0);
    big.free();
    t.free();
  });
});

describe('JsArrayInput.read and forBlocks', () => {
  it('reads any window of a nested input, across rows, before and after the whole is converted', () => {
    const rows = Array.from({ length: 5 }, (_, r) => Array.from({ length: 3 }, (_, c) => r * 3 + c));
    const x = input(rows) as JsArrayInput;
    const windows: [number, number][] = [[0, 15], [1, 1], [2, 5], [4, 7], [14, 1], [3, 3]];
    const check = () => {
      for (const [start, len] of windows) {
        const dst = new Float32Array(len + 2).fill(-1);
        x.read(dst, 1, start, len);
        expect(Array.from(dst), `[${start}, +${len})`).toEqual([-1, ...Array.from({ length: len }, (_, i) => start + i), -1]);
      }
    };
    check();
    expect(values(x)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    check(); // now from the converted copy
  });

  it('a bad element past the first block is found with its index when that block is read', () => {
    const data = Array.from({ length: 20 }, (_, i) => i);
    (data as unknown[])[17] = 'q';
    const x = input(data) as JsArrayInput;
    x.read(new Float32Array(10), 0, 0, 10); // the bad element is not in this window
    const e = expectLossError(() => x.read(new Float32Array(10), 0, 10, 10), 'BAD_DTYPE');
    expect(e.argument).toBe('pred[17]');
  });

  it('forBlocks: typed data in one visit; number[] in blocks of 16384, stopping when a visit says so', () => {
    const typed = input(new Float32Array(40000));
    const seen: [number, number][] = [];
    expect(forBlocks(typed, (b, s) => (seen.push([s, b.length]), true))).toBe(true);
    expect(seen).toEqual([[0, 40000]]);
    const n = 40000;
    const arr = input(Array.from({ length: n }, (_, i) => i));
    const blocks: [number, number, number, number][] = [];
    expect(forBlocks(arr, (b, s) => (blocks.push([s, b.length, b[0]!, b[b.length - 1]!]), true))).toBe(true);
    expect(blocks).toEqual([[0, 16384, 0, 16383], [16384, 16384, 16384, 32767], [32768, 7232, 32768, 39999]]);
    let visits = 0;
    expect(forBlocks(arr, () => (visits++, false))).toBe(false);
    expect(visits).toBe(1);
    let count = 0;
    expect(forBlocks(input([]), () => (count++, true))).toBe(true);
    expect(count).toBe(0);
  });
});
