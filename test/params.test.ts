/**
 * Kernel parameters by pointer (src/engines/params.ts): the block's bits, its place in wasm memory, and the
 * contract that makes placing it per call safe: losses bound with different parameters and called in turn each
 * compute with their own (a block left from another loss's call would give that loss's numbers), and binding
 * thousands of losses takes no wasm memory (nothing is kept per bound loss).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { packParams, placeParams } from '../src/engines/params.js';
import { loadLosses, type FastLoss } from '../src/index.js';
import { kerasHuber } from '../src/reference/regression.js';

/** The mean of Huber's f over the elements, in float64 (the oracle of src/reference/): one Keras sample, or torch's mean. */
const huberReference = (pred: Float32Array, target: Float32Array, delta: number) => {
  const { f } = kerasHuber(delta);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += f(pred[i]!, target[i]!);
  return s / pred.length;
};

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses({ build: 'simd', jsBelow: 0 }); // every call through the kernels
});

describe('the parameter block', () => {
  it('packs float32 and int32 fields in order, placed at the runtime parameter block', () => {
    const p = packParams({ f32: 0.1 }, { i32: -100 }, { f32: -2 }, { i32: 7.9 });
    expect(Array.from(p.words)).toEqual([new Int32Array(Float32Array.of(0.1).buffer)[0], -100, new Int32Array(Float32Array.of(-2).buffer)[0], 7]);
    const rt = (fl as unknown as { runtime: { params: number; f32(): Float32Array; i32(): Int32Array } }).runtime;
    const at = placeParams(rt as never, p);
    expect(at).toBe(rt.params);
    expect([rt.f32()[at >> 2], rt.i32()[(at >> 2) + 1], rt.f32()[(at >> 2) + 2], rt.i32()[(at >> 2) + 3]]).toEqual([Math.fround(0.1), -100, -2, 7]);
  });

  it('losses with different parameters, called in turn, each compute with their own (elementwise, rows, CTC)', () => {
    const pred = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 3);
    const target = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i));
    const deltas = [0.25, 1, 2.5];
    const losses = deltas.map((delta) => fl.loss('huber', { delta }));
    for (let round = 0; round < 2; round++) {
      for (const [k, delta] of deltas.entries()) {
        expect(losses[k]!({ pred, target }) as number, `δ = ${delta}`).toBeCloseTo(huberReference(pred, target, delta), 6);
      }
    }
    // the row ABI's parameters: label smoothing 0 and 0.3 in turn
    const logits = { data: Float32Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7)), shape: [8, 5] };
    const labels = Int32Array.from({ length: 8 }, (_, i) => i % 5);
    const plain = fl.loss('cce', { framework: 'pytorch' });
    const smoothed = fl.loss('cce', { framework: 'pytorch', labelSmoothing: 0.3 });
    const [a, b] = [plain({ pred: logits, target: labels }) as number, smoothed({ pred: logits, target: labels }) as number];
    expect(plain({ pred: logits, target: labels })).toBe(a);
    expect(smoothed({ pred: logits, target: labels })).toBe(b);
    expect(a).not.toBeCloseTo(b, 3);
    // CTC's block: blank 0 and blank 4 in turn
    const T = 6, C = 5;
    const logProbs = { data: Float32Array.from({ length: T * C }, (_, i) => Math.log(1 / C) + 0.1 * Math.sin(i)), shape: [T, 1, C] };
    const inputs = (targets: number[]) => ({ logProbs, targets: Int32Array.from(targets), inputLengths: [T], targetLengths: [targets.length] });
    const blank0 = fl.loss('ctc', { blank: 0 });
    const blank4 = fl.loss('ctc', { blank: 4 });
    const [c0, c4] = [blank0(inputs([1, 2])) as number, blank4(inputs([1, 2])) as number];
    expect(blank0(inputs([1, 2]))).toBe(c0);
    expect(blank4(inputs([1, 2]))).toBe(c4);
    expect(c0).not.toBe(c4);
  });

  it('binding thousands of losses with distinct parameters takes no wasm memory', () => {
    const rt = (fl as unknown as { runtime: { heap: { allocatedBytes: number }; memory: WebAssembly.Memory } }).runtime;
    const pred = Float32Array.of(0.5, -1, 2, 3);
    const target = Float32Array.of(0, 0, 1, 1);
    fl.loss('huber', { delta: 0.5 })({ pred, target });
    const [bytes, pages] = [rt.heap.allocatedBytes, rt.memory.buffer.byteLength];
    for (let i = 1; i <= 5000; i++) fl.loss('huber', { delta: i / 1000 })({ pred, target });
    expect([rt.heap.allocatedBytes, rt.memory.buffer.byteLength]).toEqual([bytes, pages]);
  });
});
