/** Tensors in wasm memory, the allocator behind them, and the input forms the facade accepts. */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { Heap } from '../src/heap.js';

describe('fl.tensor', () => {
  it('is read in place, its data stays valid when memory grows, and free() returns its memory', async () => {
    const fl = await loadLosses({ jsBelow: 0 });
    const x = fl.tensor([4, 3]);
    expect(x.shape).toEqual([4, 3]);
    x.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const before = fl.memory.buffer;
    const big = fl.tensor([4_000_000]); // forces growth: every earlier view is detached
    expect(fl.memory.buffer).not.toBe(before);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' })({ pred: x, target: { data: new Float32Array(12), shape: [4, 3] } })).toBe(650);
    const offset = big.byteOffset;
    big.free();
    const again = fl.tensor([4_000_000]);
    expect(again.byteOffset).toBe(offset); // the freed block is reused
    again.free();
    x.free();
    expect(x.freed).toBe(true);
  });

  it('int32 tensors and tensors of another instance are ordinary inputs', async () => {
    const a = await loadLosses({ jsBelow: 0 });
    const b = await loadLosses({ jsBelow: 0 });
    const xa = a.tensor([3]);
    xa.data.set([1, 2, 3]);
    const xi = b.tensor([3], 'int32');
    xi.data.set([1, 1, 1]);
    expect(b.compute('mse', { pred: xa, target: xi }, { framework: 'pytorch', reduction: 'sum' })).toBe(5);
  });
});

describe('input forms', () => {
  it('nested arrays, { data, shape }, Float64Array (rounded to float32), Int32Array and a plain number', async () => {
    const fl = await loadLosses();
    const mse = fl.loss('mse', { framework: 'pytorch', reduction: 'sum' });
    expect(mse({ pred: [[1, 2], [3, 4]], target: { data: [0, 0, 0, 0], shape: [2, 2] } })).toBe(30);
    expect(mse({ pred: Float64Array.of(0.1), target: Float64Array.of(0) })).toBe(Math.fround(0.1) ** 2);
    expect(mse({ pred: Int32Array.of(2, 3), target: [0, 0] })).toBe(13);
    expect(mse({ pred: 2, target: 0 })).toBe(4);
    // @ts-expect-error not a TensorLike, but any array of numbers is accepted at run time
    expect(mse({ pred: Uint8Array.of(2, 3), target: [0, 0] })).toBe(13);
  });
});

describe('Heap', () => {
  it('aligns to 16 bytes, reuses and coalesces freed blocks, and grows by pages', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(memory, 100);
    const a = heap.alloc(10);
    const b = heap.alloc(100);
    const c = heap.alloc(1000);
    expect([a % 16, b % 16, c % 16]).toEqual([0, 0, 0]);
    expect(a).toBeGreaterThanOrEqual(100);
    heap.free(b);
    heap.free(a);
    expect(heap.alloc(110)).toBe(a); // a and b merged
    const big = heap.alloc(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000);
    heap.free(big);
    heap.free(c);
    expect(heap.allocatedBytes).toBe(112);
    expect(() => heap.free(12345)).toThrow();
  });
});
