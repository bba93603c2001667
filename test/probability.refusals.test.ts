/**
 * The probability family's refusals, whole: torch BCE's weight and pos_weight that do not broadcast, and
 * pos_weight without logits (BCELoss has none).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { LossError, loadLosses, type FastLoss } from '../src/index.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

function whole(fn: () => unknown): unknown[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LossError);
    const err = e as LossError;
    return [err.code, err.loss, err.argument, err.expected, err.received];
  }
  throw new Error('no error');
}

describe('binary cross-entropy (PyTorch) weights', () => {
  const pred = { data: new Float32Array(6).fill(0.5), shape: [2, 3] };
  const target = { data: new Float32Array(6), shape: [2, 3] };

  it('a weight or pos_weight that does not broadcast to pred', () => {
    const weight = { data: Float32Array.of(1, 2), shape: [2] };
    expect(whole(() => fl.loss('BCELoss', { weight })({ pred, target }))).toEqual([
      'SHAPE_MISMATCH', 'binary_crossentropy (pytorch)', 'option "weight"', "a shape that broadcasts to pred's shape [2, 3]", 'shape [2]',
    ]);
    expect(whole(() => fl.loss('BCEWithLogitsLoss', { posWeight: { data: new Float32Array(4), shape: [4] } })({ pred, target }))).toEqual([
      'SHAPE_MISMATCH', 'binary_crossentropy (pytorch)', 'option "posWeight"', "a shape that broadcasts to pred's shape [2, 3]", 'shape [4]',
    ]);
    // [2, 1] and [3] and [1, 3] broadcast; a weight of higher rank than pred does not
    for (const shape of [[2, 1], [3], [1, 3], [1]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      expect(typeof fl.loss('BCELoss', { weight: { data: new Float32Array(n).fill(2), shape } })({ pred, target })).toBe('number');
    }
    expect(whole(() => fl.loss('BCELoss', { weight: { data: new Float32Array(6), shape: [1, 2, 3] } })({ pred, target }))[0]).toBe('SHAPE_MISMATCH');
  });

  it('pos_weight without logits', () => {
    expect(whole(() => fl.loss('binary_crossentropy', { framework: 'pytorch', posWeight: { data: Float32Array.of(2), shape: [1] } } as never))).toEqual([
      'UNKNOWN_OPTION', 'binary_crossentropy (pytorch)', 'option "posWeight"',
      'posWeight only with fromLogits: true (BCEWithLogitsLoss); BCELoss takes reduction, fromLogits, weight', '"posWeight"',
    ]);
  });
});
