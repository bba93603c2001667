/**
 * torch BCE's weight, broadcast against pred: the values and gradients of each broadcast shape and reduction,
 * worked by hand (p = 0.5, t = 0: each element's loss is ln 2, its gradient (p - t)/(p(1 - p)) = 2), and the
 * refusals, whole: a weight or pos_weight that does not broadcast, pos_weight without logits (BCELoss has none).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { refusal } from './helpers.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

describe('binary cross-entropy (PyTorch) weights', () => {
  const pred = { data: new Float32Array(6).fill(0.5), shape: [2, 3] };
  const target = { data: new Float32Array(6), shape: [2, 3] };

  it('a weight or pos_weight that does not broadcast to pred', () => {
    const weight = { data: Float32Array.of(1, 2), shape: [2] };
    expect(refusal(() => fl.loss('BCELoss', { weight })({ pred, target }))).toEqual([
      'SHAPE_MISMATCH', 'binary_crossentropy (pytorch)', 'option "weight"', "a shape that broadcasts to pred's shape [2, 3]", 'shape [2]',
    ]);
    expect(refusal(() => fl.loss('BCEWithLogitsLoss', { posWeight: { data: new Float32Array(4), shape: [4] } })({ pred, target }))).toEqual([
      'SHAPE_MISMATCH', 'binary_crossentropy (pytorch)', 'option "posWeight"', "a shape that broadcasts to pred's shape [2, 3]", 'shape [4]',
    ]);
    // a weight of higher rank than pred does not broadcast
    expect(refusal(() => fl.loss('BCELoss', { weight: { data: new Float32Array(6), shape: [1, 2, 3] } })({ pred, target }))[0]).toBe('SHAPE_MISMATCH');
  });

  it('pos_weight without logits', () => {
    expect(refusal(() => fl.loss('binary_crossentropy', { framework: 'pytorch', posWeight: { data: Float32Array.of(2), shape: [1] } } as never))).toEqual([
      'UNKNOWN_OPTION', 'binary_crossentropy (pytorch)', 'option "posWeight"',
      'posWeight only with fromLogits: true (BCEWithLogitsLoss); BCELoss takes reduction, fromLogits, weight', '"posWeight"',
    ]);
  });

  it('each broadcast shape weighs the elements it should, in the value and the gradient, for every reduction', () => {
    // w[i] for element i of [2, 3], by broadcast shape
    const cases: [number[], number[], number[]][] = [
      [[2, 1], [1, 3], [1, 1, 1, 3, 3, 3]],
      [[3], [1, 2, 4], [1, 2, 4, 1, 2, 4]],
      [[1, 3], [1, 2, 4], [1, 2, 4, 1, 2, 4]],
      [[1], [5], [5, 5, 5, 5, 5, 5]],
      [[2, 3], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]],
    ];
    for (const [shape, data, w] of cases) {
      const weight = { data: Float32Array.from(data), shape };
      const sum = w.reduce((a, b) => a + b, 0);
      const none = fl.loss('BCELoss', { weight, reduction: 'none' })({ pred, target });
      expect(none.shape, `[${shape}]`).toEqual([2, 3]);
      Array.from(none.data).forEach((v, i) => expect(v, `[${shape}] none[${i}]`).toBeCloseTo(w[i]! * Math.LN2, 6));
      expect(fl.loss('BCELoss', { weight, reduction: 'sum' })({ pred, target }), `[${shape}] sum`).toBeCloseTo(sum * Math.LN2, 5);
      const mean = fl.loss('BCELoss', { weight });
      expect(mean({ pred, target }), `[${shape}] mean`).toBeCloseTo((sum * Math.LN2) / 6, 6);
      const g = mean.withGrad({ pred, target });
      expect(g.value).toBeCloseTo((sum * Math.LN2) / 6, 6);
      Array.from(g.grad.pred!.data).forEach((v, i) => expect(v, `[${shape}] grad[${i}]`).toBeCloseTo((w[i]! * 2) / 6, 6));
      // an upstream gradient multiplies the weights
      const up = fl.loss('BCELoss', { weight, reduction: 'none' }).withGrad({ pred, target }, { gradOutput: { data: Float32Array.of(1, 1, 1, 2, 2, 2), shape: [2, 3] } });
      Array.from(up.grad.pred!.data).forEach((v, i) => expect(v, `[${shape}] upstream grad[${i}]`).toBeCloseTo(w[i]! * 2 * (i < 3 ? 1 : 2), 5));
      // streamed in two batches of one row: the weight's rows follow the batch only when it has pred's rank
      const acc = fl.loss('BCELoss', { weight, reduction: 'sum' }).accumulator();
      if (shape.length < 2 || shape[0] === 1) {
        const row = { data: new Float32Array(3).fill(0.5), shape: [1, 3] };
        const zero = { data: new Float32Array(3), shape: [1, 3] };
        acc.update({ pred: row, target: zero });
        acc.update({ pred: row, target: zero });
        expect(acc.result(), `[${shape}] streamed`).toBeCloseTo(sum * Math.LN2, 5);
      }
    }
  });
});
