/**
 * Softmax cross-entropy with class indices where the true class dominates, so that each row's loss,
 * log(1 + Σ_{c≠y} e^(x_c - x_y)), is small (1e-6 to 1e-3) and rests on the rounding correction of log(T + S')
 * (assembly/crossentropy.ts vlogsum: T counts the classes at the max, S' sums the others): checked to 1e-6 of each
 * row's own float64 reference (src/reference), not of the largest row's as expectClose's bound, which a lost
 * correction (an error up to 6e-8 in log(1 + S')) stays far inside.
 *
 * The paths: short rows four at a time, one per lane (C <= 16 classes); a strided class axis, 16 then 4 positions
 * of the inner axis per vector and a one-lane rest; a contiguous long row (C = 33). torch CrossEntropyLoss and
 * Keras SparseCategoricalCrossentropy(from_logits), 'none', both builds past the plain-JS twins (jsBelow 0).
 */

import { describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { kerasSparse, torchCrossEntropy } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { rng } from './helpers.js';

const REL = 1e-6;

/**
 * Logits of shape [outer, C, inner] (torch's layout; inner = 1 is [rows, C]) and a label per row: the others
 * uniform in [-1, 1], the label's logit their max plus a margin log-spaced over [6, 14] across the rows.
 */
function dominant(outer: number, C: number, inner: number, seed: number): { pred: Float32Array; labels: Int32Array } {
  const r = rng(seed);
  const rows = outer * inner;
  const pred = new Float32Array(outer * C * inner);
  const labels = new Int32Array(rows);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const row = o * inner + i;
      const y = (row * 7) % C;
      labels[row] = y;
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        if (c === y) continue;
        const x = 2 * r() - 1;
        pred[(o * C + c) * inner + i] = x;
        m = Math.max(m, Math.fround(x));
      }
      const margin = 6 * (14 / 6) ** (rows === 1 ? 0 : row / (rows - 1));
      pred[(o * C + y) * inner + i] = C === 1 ? 0 : m + margin;
    }
  }
  return { pred, labels };
}

function expectRelative(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!);
    if (!(err <= REL)) expect.fail(`${label}: row ${i} got ${got[i]}, want ${want[i]} (relative error ${err.toExponential(2)})`);
  }
}

const data = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe.each(['relaxed', 'simd', 'scalar'] as const)('cross-entropy of a dominant class, each row to 1e-6 of itself: %s build', (build) => {
  const fl: Promise<FastLoss> = loadLosses({ build, jsBelow: 0 });

  it.each([
    [12, 2, 1],
    [12, 3, 1],
    [12, 4, 1],
    [12, 10, 1],
    [12, 16, 1],
    [5, 33, 1],
    [2, 3, 21],
    [2, 10, 21],
  ])('torch CrossEntropyLoss, [outer, C, inner] = [%i, %i, %i]', async (outer, C, inner) => {
    const { pred, labels } = dominant(outer, C, inner, 100 * C + inner);
    const shape = inner === 1 ? [outer, C] : [outer, C, inner];
    const targetShape = inner === 1 ? [outer] : [outer, inner];
    const loss = (await fl).loss('CrossEntropyLoss', { reduction: 'none' });
    const got = data(loss({ pred: { data: pred, shape }, target: { data: labels, shape: targetShape } }));
    const ref = torchCrossEntropy(pred, shape, labels, targetShape, { reduction: 'none' });
    expectRelative(got, (ref.value as { data: Float64Array }).data, `[${shape}]`);
  });

  it.each([4, 10, 33])('Keras SparseCategoricalCrossentropy from logits, [12, %i]', async (C) => {
    const { pred, labels } = dominant(12, C, 1, C);
    const shape = [12, C];
    const loss = (await fl).loss('SparseCategoricalCrossentropy', { fromLogits: true, reduction: 'none' });
    const got = data(loss({ pred: { data: pred, shape }, target: { data: labels, shape: [12] } }));
    const ref = kerasSparse(pred, labels, shape, { fromLogits: true, reduction: 'none' });
    expectRelative(got, (ref.value as { data: Float64Array }).data, `Keras [${shape}]`);
  });
});
