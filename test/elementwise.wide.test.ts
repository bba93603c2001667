/**
 * The elementwise engine's paths that only rows wider than the scratch region take (src/engines/elementwise.ts,
 * WIDE_ROW = CHUNK elements): Keras per-sample values over a last axis of more than 16,384 elements, and their
 * gradient with one factor per row (sample weights, or the upstream gradient of 'none'), tiled by elements with
 * each row segment scaled on its own. The rows are CHUNK + 37 wide, so tiles end inside rows and segments of one
 * row fall in two tiles. Checked against float64 oracles written here from Keras's formulas (MeanSquaredError:
 * mean over the last axis, times the sample weight, then the reduction), on every build and the JS path.
 *
 * The point of that path, checked with the heap full: no block of wasm memory as wide as a row (a Keras rank-1
 * input of 16M elements once took a 192 MB one).
 *
 * And the PyTorch stream of a loss whose kernel values are rescaled (SmoothL1Loss with beta != 1: the huber
 * kernel's value divided by beta): an accumulator over batches equals one call over their concatenation.
 */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { CHUNK, type Runtime } from '../src/wasm.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';

const ROWS = 3;
const COLS = CHUNK + 37;

describe.each(IMPLEMENTATIONS)('Keras rows wider than the scratch region: $label', (impl) => {
  const p = uniform(ROWS * COLS, 11);
  const t = uniform(ROWS * COLS, 12);
  const w = Float32Array.of(0.5, 2, 1.25);
  const shape = [ROWS, COLS];
  /** Keras MSE per sample: the mean over the last axis of (p - t)², in float64. */
  const perSample = Array.from({ length: ROWS }, (_, r) => {
    let s = 0;
    for (let c = 0; c < COLS; c++) s += (p[r * COLS + c]! - t[r * COLS + c]!) ** 2;
    return s / COLS;
  });
  /** d(loss)/d(pred) of row r: 2 (p - t) / COLS times the row's factor. */
  const gradOf = (factor: (r: number) => number) =>
    Float64Array.from({ length: ROWS * COLS }, (_, i) => (2 * (p[i]! - t[i]!) / COLS) * factor(Math.floor(i / COLS)));

  it('weighted values and the gradient with a weight per row (sum_over_batch_size and none)', async () => {
    const fl = await instance(impl);
    const inputs = { pred: { data: p, shape }, target: { data: t, shape }, sampleWeight: w };
    const mean = fl.loss('mse', { framework: 'tensorflow' });
    const want = perSample.reduce((a, l, r) => a + l * w[r]!, 0) / ROWS;
    expectClose(mean(inputs), want, 'value');
    const g = mean.withGrad(inputs);
    expectClose(g.value as number, want, 'withGrad value');
    expectClose(g.grad.pred.data, gradOf((r) => w[r]! / ROWS), 'gradient');
    const none = fl.loss('mse', { framework: 'tensorflow', reduction: 'none' });
    const values = none(inputs);
    expect(values.shape).toEqual([ROWS]);
    expectClose(values.data, perSample.map((l, r) => l * w[r]!), "'none' values");
  });

  it("'none' without weights: the values, and the gradient of an upstream gradient per row", async () => {
    const fl = await instance(impl);
    const inputs = { pred: { data: p, shape }, target: { data: t, shape } };
    const none = fl.loss('mse', { framework: 'tensorflow', reduction: 'none' });
    expectClose(none(inputs).data, perSample, 'values');
    const up = Float32Array.of(-1.5, 0.25, 3);
    const g = none.withGrad(inputs, { gradOutput: up });
    expectClose(g.grad.pred.data, gradOf((r) => up[r]!), 'gradient');
  });
});

describe('a Keras row wider than the scratch region takes no block of wasm memory', () => {
  it('forward, none and withGrad with a weight per row leave the memory as it was, with no free block in the heap', async () => {
    const fl = await loadLosses({ build: 'simd', jsBelow: 0 });
    const cols = 3 * CHUNK + 1; // a row of pred and target (and its gradient) wider than the region: 196,611 floats
    const shape = [2, cols];
    const p = uniform(2 * cols, 31);
    const t = uniform(2 * cols, 32);
    const inputs = { pred: { data: p, shape }, target: { data: t, shape }, sampleWeight: Float32Array.of(1, 3) };
    const mean = fl.loss('mse', { framework: 'tensorflow' });
    const none = fl.loss('mse', { framework: 'tensorflow', reduction: 'none' });
    const want = mean(inputs);
    // every free block of the heap taken (white-box: its free list), so any block a call takes grows the memory
    const heap = (fl as unknown as { runtime: Runtime }).runtime.heap;
    const free = (heap as unknown as { freeBlocks: { start: number; size: number }[] }).freeBlocks;
    const taken = [...free].map((b) => heap.alloc(b.size));
    const bytes = fl.memory.buffer.byteLength;
    try {
      expectClose(mean(inputs), want, 'forward');
      expect(none(inputs).data.length).toBe(2);
      expectClose(mean.withGrad(inputs).value as number, want, 'withGrad');
      expect(fl.memory.buffer.byteLength, 'the memory did not grow').toBe(bytes);
    } finally {
      for (const ptr of taken) heap.free(ptr);
    }
  });
});

describe.each(IMPLEMENTATIONS)('SmoothL1Loss(beta = 0.5) streamed: $label', (impl) => {
  it('an accumulator over batches equals one call over their concatenation (mean and sum)', async () => {
    const fl = await instance(impl);
    const p = uniform(4099, 21, -2, 2);
    const t = uniform(4099, 22, -2, 2);
    for (const reduction of ['mean', 'sum'] as const) {
      const loss = fl.loss('smooth_l1', { framework: 'pytorch', beta: 0.5, reduction });
      const acc = loss.accumulator();
      for (const [a, b] of [[0, 1000], [1000, 1001], [1001, 4099]] as const) acc.update({ pred: p.subarray(a, b), target: t.subarray(a, b) });
      expectClose(acc.result() as number, loss({ pred: p, target: t }), `${reduction}: stream vs one call`);
      // and against the definition: 0.5 d² / beta below beta, |d| - beta / 2 above
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const d = Math.abs(p[i]! - t[i]!);
        s += d < 0.5 ? (0.5 * d * d) / 0.5 : d - 0.25;
      }
      expectClose(acc.result() as number, reduction === 'mean' ? s / p.length : s, `${reduction}: the definition`);
    }
  });
});
