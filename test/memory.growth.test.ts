/**
 * Memory that grows during a call. A few calls take a block of wasm memory for the call's length: the row
 * engine for a row wider than the scratch region (C·operands above 64K floats), CTC for its workspace. When the
 * heap has no free block of that size the memory grows, which detaches every view of the old buffer, the views
 * the package itself took of the caller's tensors included. Each case here fills the heap first, so that the
 * call's block must grow the memory, and compares the call with the same call on ordinary arrays (no tensors,
 * nothing to detach): the same value, the same gradient, and a gradient written into an `out` tensor that reads
 * back through the tensor and through the returned data. One thread: an unshared memory, the one whose growth
 * detaches views (a shared memory's growth during a split call: test/threads.test.ts).
 */

import { describe, expect, it } from 'vitest';
import { FastLoss, loadLosses } from '../src/index.js';
import type { WasmTensor } from '../src/tensor.js';
import type { Runtime } from '../src/wasm.js';
import { randomLogProbs, randomTarget } from './ctc.cases.js';
import { rng } from './helpers.js';

/** Takes every free block of the instance's heap (white-box: the heap's free list), so the next block grows memory. */
function fillHeap(fl: FastLoss): () => void {
  const heap = (fl as unknown as { runtime: Runtime }).runtime.heap;
  const free = (heap as unknown as { freeBlocks: { start: number; size: number }[] }).freeBlocks;
  const taken = [...free].map((b) => heap.alloc(b.size));
  expect(free.length, 'no free block left').toBe(0);
  return () => {
    for (const ptr of taken) heap.free(ptr);
  };
}

function tensorOf(fl: FastLoss, data: Float32Array, shape: number[]): WasmTensor {
  const t = fl.tensor(shape);
  (t.data as Float32Array).set(data);
  return t;
}

const data = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.fround(r() * 4 - 2));
};

describe('memory that grows during a call', () => {
  // [1, 40000, 3]: the class axis is strided (inner 3) and a row of pred and its gradient (80,000 floats) is wider
  // than the scratch region, so runRows copies the tensor through a temporary block of its own
  const shape = [1, 40000, 3];
  const n = 120000;

  it('CrossEntropyLoss over a tensor: value, gradient, and the gradient in an out tensor', async () => {
    const fl = await loadLosses({ build: 'simd', threads: 1 });
    const ce = fl.loss('CrossEntropyLoss');
    const p = data(n, 1);
    const target = [[1, 39999, 7]];
    const want = ce.withGrad({ pred: { data: p, shape }, target });
    const pred = tensorOf(fl, p, shape);
    const out = fl.tensor(shape);
    // a tensor pred (copied through the block: a detached view of it was read), or an array pred with the
    // gradient written into an out tensor (the data returned was a view taken before the growth)
    for (const withOut of [false, true]) {
      const release = fillHeap(fl);
      const bytes = fl.memory.buffer.byteLength;
      const got = withOut ? ce.withGrad({ pred: { data: p, shape }, target }, { out: { pred: out } }) : ce.withGrad({ pred, target });
      expect(fl.memory.buffer.byteLength, 'the call grew the memory').toBeGreaterThan(bytes);
      // the value's blocks differ (in place: one strided pass; streamed: row by row), so its f64 sum may differ
      // in the last bits; each gradient element is the same row's softmax either way
      expect(Math.abs((got.value as number) / (want.value as number) - 1)).toBeLessThan(1e-7);
      expect(got.grad.pred!.data.length).toBe(n);
      expect(Array.from(got.grad.pred!.data)).toEqual(Array.from(want.grad.pred!.data));
      if (withOut) expect(Array.from(out.data)).toEqual(Array.from(want.grad.pred!.data));
      release();
    }
    const release = fillHeap(fl);
    expect(Math.abs((ce({ pred, target }) as number) / (ce({ pred: { data: p, shape }, target }) as number) - 1)).toBeLessThan(1e-7);
    release();
  });

  it('Keras cosine_similarity over axis 1 of two tensors: both gradients', async () => {
    const fl = await loadLosses({ build: 'simd', threads: 1 });
    const cos = fl.loss('cosine_similarity', { axis: 1 });
    const p = data(n, 2);
    const t = data(n, 3);
    const want = cos.withGrad({ pred: { data: p, shape }, target: { data: t, shape } });
    const pred = tensorOf(fl, p, shape);
    const target = tensorOf(fl, t, shape);
    const release = fillHeap(fl);
    const bytes = fl.memory.buffer.byteLength;
    const got = cos.withGrad({ pred, target });
    expect(fl.memory.buffer.byteLength).toBeGreaterThan(bytes);
    expect(got.value).toBe(want.value);
    expect(Array.from(got.grad.pred!.data)).toEqual(Array.from(want.grad.pred!.data));
    release();
  });

  it('CTCLoss over a logProbs tensor: the workspace grows the memory', async () => {
    const fl = await loadLosses({ build: 'simd', threads: 1 });
    const ctc = fl.loss('ctc', { reduction: 'sum' });
    const T = 200, N = 3, C = 12;
    const lp = randomLogProbs(T, N, C, 5);
    const r = rng(6);
    const targets = Array.from({ length: N }, () => randomTarget(40, C, 0, r));
    const rest = { targets: targets.flat(), inputLengths: new Array<number>(N).fill(T), targetLengths: targets.map((x) => x.length) };
    const want = ctc.withGrad({ logProbs: { data: lp, shape: [T, N, C] }, ...rest });
    const logProbs = tensorOf(fl, lp, [T, N, C]);
    const release = fillHeap(fl);
    const bytes = fl.memory.buffer.byteLength;
    const got = ctc.withGrad({ logProbs, ...rest });
    expect(fl.memory.buffer.byteLength).toBeGreaterThan(bytes);
    expect(got.value).toBe(want.value);
    expect(Array.from(got.grad.logProbs!.data)).toEqual(Array.from(want.grad.logProbs!.data));
    release();
  });
});
