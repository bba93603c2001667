/**
 * src/reduction.ts function by function, against values worked out by hand from the frameworks' rules:
 * Keras's squeeze_or_expand_to_same_rank and NumPy broadcasting of sample weights (which value meets which
 * weight), and the refusals' words (the reductions themselves: test/reducer.test.ts). The Keras fixtures check these through whole losses;
 * here each rule is seen alone, at its edges (empty, rank 0, the squeezed and the expanded side).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { LossContext } from '../src/options.js';
import { applyWeighting, broadcastShapes, kerasCommonShape, kerasGeometry, kerasWeighting } from '../src/reduction.js';
import { floatInput } from '../src/tensor.js';
import { instantiate, type Runtime } from '../src/wasm.js';
import { expectLossError } from './helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await instantiate('simd');
});
const ctx: LossContext = { loss: 'mean_squared_error', framework: 'tensorflow', jsBelow: 256 };
const weight = (data: number[], shape: number[]) => floatInput({ data: Float32Array.from(data), shape }, rt, 'mse', 'sampleWeight');

describe('kerasCommonShape (squeeze_or_expand_to_same_rank of y_true, y_pred)', () => {
  const cases: [number[], number[], number[] | null][] = [
    [[2, 3], [2, 3], [2, 3]],
    [[2, 3], [3, 2], null],
    [[4], [4, 1], [4, 1]], // rank-1 pred expanded
    [[4, 1], [4], [4, 1]], // rank-1 target expanded
    [[2, 3], [2, 3, 1], [2, 3]], // target's trailing 1 squeezed
    [[2, 3, 1], [2, 3], [2, 3]], // pred's trailing 1 squeezed
    [[2, 3], [2, 4, 1], null],
    [[2, 4, 1], [2, 3], null],
    [[3], [4, 1], null],
    [[4, 1], [3], null],
    [[2, 3], [2, 3, 2], null], // a trailing axis that is not 1 is not squeezed
    [[2, 3, 2], [2, 3], null],
    [[], [], []],
    [[], [1], []], // the target's only axis, of length 1, squeezed
  ];
  for (const [pred, target, want] of cases) {
    it(`pred [${pred}], target [${target}] -> ${want === null ? 'null' : `[${want}]`}`, () => expect(kerasCommonShape(pred, target)).toEqual(want));
  }
});

describe('kerasGeometry', () => {
  it('rows of the last axis; a scalar is one row of one', () => {
    expect(kerasGeometry([])).toEqual({ rows: 1, cols: 1, sampleShape: [] });
    expect(kerasGeometry([5])).toEqual({ rows: 1, cols: 5, sampleShape: [] });
    expect(kerasGeometry([2, 3, 4])).toEqual({ rows: 6, cols: 4, sampleShape: [2, 3] });
    expect(kerasGeometry([3, 0])).toEqual({ rows: 3, cols: 0, sampleShape: [3] });
  });
});

describe('broadcastShapes (NumPy, trailing axes aligned)', () => {
  const cases: [number[], number[], number[] | null][] = [
    [[2, 3], [3], [2, 3]],
    [[3], [2, 3], [2, 3]],
    [[2, 1], [1, 3], [2, 3]],
    [[2, 3], [2], null],
    [[], [4], [4]],
    [[4], [], [4]],
    [[5, 1, 2], [3, 1], [5, 3, 2]],
    [[0], [1], [0]],
    [[2, 0], [2, 1], [2, 0]],
  ];
  for (const [a, b, want] of cases) it(`[${a}] with [${b}]`, () => expect(broadcastShapes(a, b)).toEqual(want));
});

describe('kerasWeighting: which value meets which weight', () => {
  const cases: [string, number[], number[], number[], { shape: number[]; valueIndex: number[]; weights: number[]; weightSum: number }][] = [
    ['a scalar weight', [2, 3], [2], [], { shape: [2, 3], valueIndex: [0, 1, 2, 3, 4, 5], weights: [2, 2, 2, 2, 2, 2], weightSum: 2 }],
    ['one weight per sample', [3], [1, 2, 3], [3], { shape: [3], valueIndex: [0, 1, 2], weights: [1, 2, 3], weightSum: 6 }],
    ['[N, 1] against [N]: values expanded, none is [N, 1]', [3], [1, 2, 3], [3, 1], { shape: [3, 1], valueIndex: [0, 1, 2], weights: [1, 2, 3], weightSum: 6 }],
    ['[N] against [N, 1]: weights expanded', [3, 1], [1, 2, 3], [3], { shape: [3, 1], valueIndex: [0, 1, 2], weights: [1, 2, 3], weightSum: 6 }],
    ['[N, T, 1] against [N, T]: weights squeezed', [2, 2], [1, 2, 3, 4], [2, 2, 1], { shape: [2, 2], valueIndex: [0, 1, 2, 3], weights: [1, 2, 3, 4], weightSum: 10 }],
    ['[N, T] against [N, T, 1]: values squeezed', [2, 2, 1], [1, 2, 3, 4], [2, 2], { shape: [2, 2], valueIndex: [0, 1, 2, 3], weights: [1, 2, 3, 4], weightSum: 10 }],
    ['[T] against [N, T]: per column', [2, 3], [1, 2, 3], [3], { shape: [2, 3], valueIndex: [0, 1, 2, 3, 4, 5], weights: [1, 2, 3, 1, 2, 3], weightSum: 6 }],
    ['[N, 1] against [N, T]: per row', [2, 3], [5, 7], [2, 1], { shape: [2, 3], valueIndex: [0, 1, 2, 3, 4, 5], weights: [5, 5, 5, 7, 7, 7], weightSum: 12 }],
    ['[2, 1, 1] against [3]: broadcast to more values', [3], [1, 2], [2, 1, 1], { shape: [2, 1, 3], valueIndex: [0, 1, 2, 0, 1, 2], weights: [1, 1, 1, 2, 2, 2], weightSum: 3 }],
    ['values of shape []', [], [4], [], { shape: [], valueIndex: [0], weights: [4], weightSum: 4 }],
  ];
  for (const [what, valuesShape, data, wShape, want] of cases) {
    it(what, () => {
      const w = kerasWeighting(weight(data, wShape), valuesShape, ctx);
      expect({ shape: w.shape, size: w.size, valueIndex: Array.from(w.valueIndex), weights: Array.from(w.weights), weightSum: w.weightSum }).toEqual({
        ...want,
        size: want.valueIndex.length,
      });
    });
  }

  it('weights that do not broadcast are SHAPE_MISMATCH, naming both shapes', () => {
    const e = expectLossError(() => kerasWeighting(weight([1, 2], [2]), [2, 3], ctx), 'SHAPE_MISMATCH');
    expect([e.loss, e.argument, e.expected, e.received]).toEqual([
      'mean_squared_error (tensorflow)',
      'sampleWeight',
      "a shape that broadcasts (NumPy rules, trailing axes aligned, after Keras's squeeze_or_expand_to_same_rank) against the per-sample loss shape [2, 3]",
      'shape [2]',
    ]);
    expectLossError(() => kerasWeighting(weight([1, 2, 3], [3, 1]), [2], ctx), 'SHAPE_MISMATCH');
    // [2, 1] against [3]: the values are expanded to [3, 1] first, which [2, 1] does not broadcast with
    expectLossError(() => kerasWeighting(weight([1, 2], [2, 1]), [3], ctx), 'SHAPE_MISMATCH');
  });

  it('applyWeighting follows the index', () => {
    const w = kerasWeighting(weight([1, 2], [2, 1, 1]), [3], ctx); // [2, 1, 3]: value j meets weight i
    expect(Array.from(applyWeighting(Float32Array.of(10, 20, 30), w))).toEqual([10, 20, 30, 20, 40, 60]);
  });
});
