/**
 * The forward pass of a contiguous softmax row (assembly/crossentropy.ts sweepExpSum): Σ e^(x - m) in blocks of
 * 2048 classes, each block's max first and then its exps, with what was summed rescaled when a block raises the
 * running max. These rows cross block boundaries (C from 2047 to 6147, tails of 1-3 classes past a multiple of 4),
 * with the max (or a tie of it) in the first, a middle or the last block, where a lost or doubled rescale, a
 * tie counted in the wrong block or a dropped tail would move the value; checked against the float64 reference of
 * src/reference/crossentropy.ts on each build, fl.tensor in place and a Float32Array streamed, and where the true
 * class dominates (loss 1e-6..1e-3) to 1e-6 of each row's own value.
 */

import { describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { torchCrossEntropy } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { rng } from './helpers.js';

const BLOCK = 2048;
const WIDTHS = [BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 3, 3 * BLOCK + 2, 3 * BLOCK + 3];

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

/** Each row's value against its own float64 value, to `rel` of it. */
function expectRowsClose(got: number[], want: Float64Array, rel: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const err = Math.abs(got[i]! - w) / Math.abs(w);
    if (!(err <= rel)) expect.fail(`${label}: row ${i} got ${got[i]}, want ${w} (relative error ${err.toExponential(2)})`);
  }
}

/** The 'none' values of rows [rows, C] computed on both input paths: in place and streamed. */
function bothPaths(fl: FastLoss, pred: Float32Array, labels: Int32Array, C: number): number[][] {
  const rows = labels.length;
  const loss = fl.loss('CrossEntropyLoss', { reduction: 'none' });
  const streamed = values(loss({ pred: { data: pred, shape: [rows, C] }, target: labels }));
  const tp = fl.tensor([rows, C]);
  tp.data.set(pred);
  const inPlace = values(loss({ pred: tp, target: labels }));
  tp.free();
  return [streamed, inPlace];
}

/** Where a row puts its max: the first block, the block boundary, a middle block, the very last class. */
const maxAt = (C: number, row: number) => [0, Math.min(BLOCK, C - 1), Math.floor(C / 2), C - 1][row % 4]!;

describe.each(['relaxed', 'simd', 'scalar'] as const)('softmax rows wider than a sweep block: %s build', (build) => {
  const fl: Promise<FastLoss> = loadLosses({ build, jsBelow: 0, threads: 1 });

  it.each(WIDTHS)('C = %i: the max in the first, a boundary, a middle or the last block; ties of it across blocks', async (C) => {
    const f = await fl;
    const rows = 8;
    const r = rng(C);
    const pred = new Float32Array(rows * C);
    const labels = new Int32Array(rows);
    for (let row = 0; row < rows; row++) {
      const base = row * C;
      for (let c = 0; c < C; c++) pred[base + c] = 6 * r() - 3;
      const at = maxAt(C, row);
      // a max well above the rest, so that a block that misses it (or counts it twice) moves the sum
      pred[base + at] = 9;
      if (row >= 4) {
        // ties of the max in other blocks, before and after it (each an exact e^0 = 1 of the sum)
        pred[base + ((at + BLOCK + 5) % C)] = 9;
        pred[base + ((at + 2 * BLOCK + 7) % C)] = 9;
      }
      labels[row] = row % 2 === 0 ? at : (at + 17) % C;
    }
    const want = (torchCrossEntropy(pred, [rows, C], labels, [rows], { reduction: 'none' }).value as { data: Float64Array }).data;
    const [streamed, inPlace] = bothPaths(f, pred, labels, C);
    expectRowsClose(streamed!, want, 1e-6, `[${rows}, ${C}] streamed`);
    expectRowsClose(inPlace!, want, 1e-6, `[${rows}, ${C}] in place`);
  });

  it.each(WIDTHS)('C = %i: a dominant true class in each block position keeps a loss of 1e-6..1e-2 to 1e-6 of itself', async (C) => {
    const f = await fl;
    const rows = 8;
    const r = rng(7 * C);
    const pred = new Float32Array(rows * C);
    const labels = new Int32Array(rows);
    for (let row = 0; row < rows; row++) {
      const base = row * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        pred[base + c] = 2 * r() - 1;
        m = Math.max(m, pred[base + c]!);
      }
      const y = maxAt(C, row);
      labels[row] = y;
      // margins 14..21 over C ~ 2K-6K classes: losses C·e^-margin from about 5e-3 down to 2e-6
      pred[base + y] = m + 14 + row;
    }
    const want = (torchCrossEntropy(pred, [rows, C], labels, [rows], { reduction: 'none' }).value as { data: Float64Array }).data;
    expect(Math.max(...want)).toBeLessThan(1e-2);
    expect(Math.min(...want)).toBeGreaterThan(1e-7);
    const [streamed, inPlace] = bothPaths(f, pred, labels, C);
    expectRowsClose(streamed!, want, 1e-6, `[${rows}, ${C}] dominant, streamed`);
    expectRowsClose(inPlace!, want, 1e-6, `[${rows}, ${C}] dominant, in place`);
  });

  it('a row of equal logits is log C; NaN in a late block is NaN; -inf in a late block counts for nothing', async () => {
    const f = await fl;
    const C = 3 * BLOCK + 3;
    const rows = 3;
    const r = rng(5);
    const pred = new Float32Array(rows * C);
    for (let i = C; i < rows * C; i++) pred[i] = 2 * r() - 1;
    pred[C + 2 * BLOCK + 1] = NaN;
    pred[2 * C + 2 * BLOCK + 1] = -Infinity;
    const labels = new Int32Array([5, 6, 7]);
    const want = (torchCrossEntropy(pred, [rows, C], labels, [rows], { reduction: 'none' }).value as { data: Float64Array }).data;
    expect(want[0]).toBeCloseTo(Math.log(C), 12);
    expect(Number.isNaN(want[1]!)).toBe(true);
    for (const got of bothPaths(f, pred, labels, C)) {
      expect(Math.abs(got[0]! - Math.log(C)) / Math.log(C)).toBeLessThan(1e-6);
      expect(Number.isNaN(got[1]!)).toBe(true);
      expect(Math.abs(got[2]! - want[2]!) / want[2]!).toBeLessThan(1e-6);
    }
  });
});
