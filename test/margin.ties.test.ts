/**
 * Keras CategoricalHinge where the maximum over the negatives, max_j (1 - t_j)·p_j, is reached by several classes
 * at once: TensorFlow's reduce_max shares the gradient equally among tied maxima (docs/semantics.md §1, §2 ch),
 * so each of k tied classes gets 1/k of it. Rows of C = 3, 4, 7, 16, 33 classes (the SIMD max four classes at a
 * time and the one-lane rest) with 2 to 4 tied maxima, at z = neg - pos + 1 below, at and above 0 (the gradient
 * passes at 0), against the float64 reference, in every implementation (wasm builds with jsBelow 0, plain JS);
 * 'none', and 'sum' with sample weights.
 */

import { describe, it } from 'vitest';
import { kerasCategoricalHinge } from '../src/reference/margin.js';
import { expectClose, IMPLEMENTATIONS, instance, rng, uniform } from './helpers.js';

const ROWS = 12;

/** One-hot targets and predictions whose negatives tie at their max m in 2..4 classes, per row. */
function tiedRows(C: number, seed: number): { pred: Float32Array; target: Float32Array } {
  const r = rng(seed);
  const pred = new Float32Array(ROWS * C);
  const target = new Float32Array(ROWS * C);
  for (let row = 0; row < ROWS; row++) {
    const y = (row * 5) % C;
    const m = [0.5, 1, 2, -0.5][row % 4]!;
    const negatives = Array.from({ length: C }, (_, c) => c).filter((c) => c !== y);
    // a shuffle of the negatives: the first k of them tie at m, the others sit below it
    for (let i = negatives.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [negatives[i], negatives[j]] = [negatives[j]!, negatives[i]!];
    }
    const k = Math.min(2 + (row % 3), negatives.length);
    negatives.forEach((c, i) => (pred[row * C + c] = i < k ? m : m - 0.25 - 0.125 * i));
    target[row * C + y] = 1;
    // z = m - p_y + 1: 0 exactly, 0.5, or -1
    pred[row * C + y] = m + [1, 0.5, 2][Math.floor(row / 4) % 3]!;
  }
  return { pred, target };
}

const data = (v: number | { data: ArrayLike<number> }) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe.each(IMPLEMENTATIONS)('categorical hinge, tied maxima: $label', (impl) => {
  it.each([3, 4, 7, 16, 33])('C = %i', async (C) => {
    const fl = await instance(impl);
    const { pred, target } = tiedRows(C, C);
    const shape = [ROWS, C];
    const inputs = { pred: { data: pred, shape }, target: { data: target, shape } };
    const none = fl.loss('categorical_hinge', { reduction: 'none' }).withGrad(inputs);
    const refNone = kerasCategoricalHinge(pred, target, shape, { reduction: 'none' });
    expectClose(data(none.value), data(refNone.value), `C=${C} none value`);
    expectClose(none.grad.pred!.data, refNone.grads.pred!, `C=${C} none grad`, { pred, target });
    const sampleWeight = { data: uniform(ROWS, C + 1, 0.5, 2), shape: [ROWS] };
    const sum = fl.loss('categorical_hinge', { reduction: 'sum' }).withGrad({ ...inputs, sampleWeight });
    const refSum = kerasCategoricalHinge(pred, target, shape, { reduction: 'sum', sampleWeight });
    expectClose(data(sum.value), [refSum.value as number], `C=${C} sum value`);
    expectClose(sum.grad.pred!.data, refSum.grads.pred!, `C=${C} sum grad`, { pred, target });
  });
});
