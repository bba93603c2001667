/**
 * src/reducer.ts, rule by rule, against values worked out by hand from the frameworks' rules: Keras's
 * reduce_values with divide_no_nan (and a weighted value of shape [] returned as it is), mean_with_sample_weight's
 * Σ of the weights, the mask's divisor, broadcast weights' gradient factors, PyTorch's mean of nothing (NaN, zero
 * gradient) and 'batchmean', the upstream gradient's checks and words, and a stream's statistics and result.
 * The losses' suites check the same rules through whole losses; here each is seen alone, at its edges.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { Framework } from '../src/frameworks.js';
import type { LossContext } from '../src/options.js';
import { Reducer, type ReductionTerms } from '../src/reducer.js';
import { kerasWeighting, type Reduction } from '../src/reduction.js';
import { floatInput } from '../src/tensor.js';
import { instantiate, type Runtime } from '../src/wasm.js';
import { expectLossError } from './helpers.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await instantiate('simd');
});
const ctx: LossContext = { loss: 'mean_squared_error', framework: 'tensorflow', jsBelow: 256 };
const keras = (reduction: Reduction) => new Reducer('tensorflow', reduction, ctx);
const torch = (reduction: Reduction) => new Reducer('pytorch' as Framework, reduction, { ...ctx, framework: 'pytorch' });
const weight = (data: number[], shape: number[]) => floatInput({ data: Float32Array.from(data), shape }, rt, 'mse', 'sampleWeight');
const values = (...v: number[]) => Float32Array.from(v);

describe('the value of a call', () => {
  it("Keras: 'none' keeps the values and their shape, shape [] is returned as it is, the rest reduce (divide_no_nan)", () => {
    const v = values(1, 2, 3, 6);
    expect(keras('none').value({ count: 4, shape: [2, 2] }, v)).toEqual({ data: v, shape: [2, 2] });
    expect(keras('sum_over_batch_size').value({ count: 1, shape: [] }, values(5))).toBe(5);
    expect(keras('sum').value({ count: 1, shape: [] }, values(5))).toBe(5);
    expect(keras('sum').value({ count: 4, shape: [4] }, v)).toBe(12);
    expect(keras('sum_over_batch_size').value({ count: 4, shape: [4] }, v)).toBe(3);
    expect(keras('mean').value({ count: 4, shape: [4] }, v)).toBe(3);
    // mean_with_sample_weight divides by Σ weights as given; without weights it is the plain mean
    expect(keras('mean_with_sample_weight').fromSum({ count: 4, shape: [4], weightSum: 6 }, 12)).toBe(2);
    expect(keras('sum_over_batch_size').fromSum({ count: 4, shape: [4], weightSum: 6 }, 12)).toBe(3);
    expect(keras('mean_with_sample_weight').value({ count: 4, shape: [4] }, v)).toBe(3);
    expect(keras('sum_over_batch_size').value({ count: 0, shape: [0] }, new Float32Array(0))).toBe(0);
    expect(keras('mean_with_sample_weight').fromSum({ count: 4, shape: [4], weightSum: 0 }, 5)).toBe(0);
    // a mask (ignore_class): the mean divides by the unmasked count
    expect(keras('sum_over_batch_size').fromSum({ count: 4, shape: [4], divisor: 2 }, 12)).toBe(6);
  });

  it('Keras: weights one per value multiply in float64; broadcast weights weigh the broadcast product', () => {
    const w = values(0.5, 2, 1, 0);
    expect(keras('sum').value({ count: 4, shape: [4], weights: w }, values(1, 2, 3, 6))).toBe(0.5 + 4 + 3);
    expect(keras('none').value({ count: 4, shape: [4], weights: w }, values(1, 2, 3, 6))).toEqual({ data: values(0.5, 4, 3, 0), shape: [4] });
    const b = kerasWeighting(weight([1, 2], [2, 1, 1]), [3], ctx); // [2, 1, 3]: value j meets weight i
    const t: ReductionTerms = { count: 3, shape: b.shape, broadcast: b, weightSum: b.weightSum };
    expect(keras('sum').value(t, values(10, 20, 30))).toBe(180);
    expect(keras('sum_over_batch_size').value(t, values(10, 20, 30))).toBe(30); // 6 weighted values
    expect(keras('mean_with_sample_weight').value(t, values(10, 20, 30))).toBe(60); // Σw = 3
    expect(keras('none').value(t, values(10, 20, 30))).toEqual({ data: values(10, 20, 30, 20, 40, 60), shape: [2, 1, 3] });
  });

  it("PyTorch: 'mean' of nothing is NaN, 'batchmean' divides by the leading axis, a divisor replaces the count", () => {
    expect(torch('sum').value({ count: 4, shape: [4] }, values(1, 2, 3, 6))).toBe(12);
    expect(torch('mean').value({ count: 4, shape: [4] }, values(1, 2, 3, 6))).toBe(3);
    expect(torch('mean').value({ count: 0, shape: [0] }, new Float32Array(0))).toBeNaN();
    expect(torch('batchmean').value({ count: 4, shape: [2, 2] }, values(1, 2, 3, 6))).toBe(6);
    expect(torch('batchmean').value({ count: 1, shape: [] }, values(5))).toBe(5);
    expect(torch('mean').fromSum({ count: 4, shape: [4], divisor: 8 }, 12)).toBe(1.5);
    // PyTorch returns a rank-0 value reduced like any other (Keras's as-is rule is Keras's)
    expect(torch('mean').value({ count: 1, shape: [] }, values(5))).toBe(5);
    expect(torch('none').value({ count: 1, shape: [] }, values(5))).toEqual({ data: values(5), shape: [] });
  });
});

describe('the gradient factors', () => {
  it("the reduction's factor: 1/count, 1/Σw, 1 for 'sum', 'none' and Keras shape []; 0 for a divisor of 0", () => {
    expect([keras('sum').factor({ count: 4, shape: [4] }), keras('none').factor({ count: 4, shape: [4] })]).toEqual([1, 1]);
    expect([
      keras('sum_over_batch_size').factor({ count: 4, shape: [4], weightSum: 2 }),
      keras('mean').factor({ count: 4, shape: [4], weightSum: 2 }),
      keras('mean_with_sample_weight').factor({ count: 4, shape: [4], weightSum: 2 }),
    ]).toEqual([0.25, 0.25, 0.5]);
    expect([keras('sum_over_batch_size').factor({ count: 0, shape: [0] }), keras('mean_with_sample_weight').factor({ count: 4, shape: [4], weightSum: 0 })]).toEqual([0, 0]);
    expect(keras('mean_with_sample_weight').factor({ count: 8, shape: [8] })).toBe(0.125);
    expect(keras('mean').factor({ count: 1, shape: [] })).toBe(1);
    expect([torch('sum').factor({ count: 4, shape: [4] }), torch('none').factor({ count: 4, shape: [4] }), torch('mean').factor({ count: 4, shape: [4] })]).toEqual([1, 1, 0.25]);
    expect(torch('mean').factor({ count: 0, shape: [0] })).toBe(0); // the mean of nothing: NaN value, zero gradient
    expect(torch('batchmean').factor({ count: 6, shape: [3, 2] })).toBe(1 / 3);
  });

  it('gradScale: the factor times a number upstream, weights as row factors, a tensor upstream per value', () => {
    const w = values(2, 3);
    expect(keras('sum_over_batch_size').gradScale({ count: 2, shape: [2], weights: w }, 4)).toEqual({ scale: 2, rowScale: w });
    expect(keras('none').gradScale({ count: 2, shape: [2], weights: w }, values(1, 5))).toEqual({ scale: 1, rowScale: values(2, 15) });
    expect(torch('none').gradScale({ count: 2, shape: [2] }, values(1, 5))).toEqual({ scale: 1, rowScale: values(1, 5) });
  });

  it('broadcast weights: Σ over the weighted values each value meets of weight × factor × upstream', () => {
    const b = kerasWeighting(weight([1, 2], [2, 1, 1]), [3], ctx);
    const t: ReductionTerms = { count: 3, shape: b.shape, broadcast: b, weightSum: b.weightSum };
    // d(sum)/d(value j) = Σ_i w_i = 3; mean over 6 weighted values: 3/6 (× upstream 2); mean_with_sample_weight: 3/Σw = 3/3
    expect(Array.from(keras('sum').gradScale(t, 1).rowScale!)).toEqual([3, 3, 3]);
    expect(Array.from(keras('sum_over_batch_size').gradScale(t, 2).rowScale!)).toEqual([1, 1, 1]);
    expect(Array.from(keras('mean_with_sample_weight').gradScale(t, 1).rowScale!)).toEqual([1, 1, 1]);
    expect(keras('sum').gradScale(t, 1).scale).toBe(1);
    // 'none': one upstream value per weighted value
    expect(Array.from(keras('none').gradScale(t, values(1, 0, 0, 0, 0, 1)).rowScale!)).toEqual([1, 0, 2]);
    const scalar = kerasWeighting(weight([4], []), [], ctx);
    const ts: ReductionTerms = { count: 1, shape: scalar.shape, broadcast: scalar, weightSum: scalar.weightSum };
    expect(Array.from(keras('sum_over_batch_size').gradScale(ts, 1).rowScale!)).toEqual([4]); // shape []: no division
  });
});

describe('the upstream gradient (withGrad gradOutput)', () => {
  it('none given: 1; a scalar reduction takes a number or a one-element tensor', () => {
    const t = { shape: [] };
    expect(keras('sum').upstream(undefined, t, rt)).toBe(1);
    expect(keras('sum').upstream(2.5, t, rt)).toBe(2.5);
    expect(keras('mean').upstream([3], t, rt)).toBe(3);
    expect(keras('sum').upstream({ data: [4], shape: [1, 1] }, t, rt)).toBe(4);
    const e = expectLossError(() => keras('sum').upstream([1, 2], t, rt), 'SHAPE_MISMATCH');
    expect([e.loss, e.argument, e.expected, e.received]).toEqual(['mean_squared_error (tensorflow)', 'gradOutput', 'a number or a one-element tensor (the loss is a scalar)', 'shape [2]']);
  });

  it("'none' takes a tensor of the loss's shape, as float32", () => {
    const t = { shape: [3] };
    const none = keras('none');
    const f = Float32Array.of(1, 2, 3);
    expect(none.upstream(f, t, rt)).toBe(f);
    const d = none.upstream(Float64Array.of(0.1, 2, 3), t, rt) as Float32Array;
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([Math.fround(0.1), 2, 3]);
    const e = expectLossError(() => none.upstream(Float32Array.of(1, 2), t, rt), 'SHAPE_MISMATCH');
    expect([e.argument, e.expected, e.received]).toEqual(['gradOutput', "the loss's shape [3]", 'shape [2]']);
    expectLossError(() => none.upstream({ data: [1, 2, 3], shape: [3, 1] }, t, rt), 'SHAPE_MISMATCH');
    const bad = expectLossError(() => none.upstream('x', t, rt), 'BAD_DTYPE');
    expect([bad.loss, bad.argument]).toEqual(['mean_squared_error (tensorflow)', 'gradOutput']);
  });
});

describe('a stream', () => {
  it("a batch's share of the divisor, and the result from the totals (Keras 0 for 0, PyTorch NaN)", () => {
    expect(keras('mean_with_sample_weight').stats({ count: 4, shape: [4], weightSum: 2.5 }, 7)).toEqual({ sum: 7, count: 2.5 });
    expect(keras('sum_over_batch_size').stats({ count: 4, shape: [4], weightSum: 2.5 }, 7)).toEqual({ sum: 7, count: 4 });
    expect(torch('mean').stats({ count: 4, shape: [4], divisor: 9 }, 7)).toEqual({ sum: 7, count: 9 });
    expect(torch('batchmean').stats({ count: 6, shape: [3, 2] }, 7)).toEqual({ sum: 7, count: 3 });
    expect([keras('sum').result(7, 0), keras('mean').result(7, 2), keras('mean').result(0, 0)]).toEqual([7, 3.5, 0]);
    expect(torch('mean').result(0, 0)).toBeNaN();
    expect(torch('sum').result(7, 0)).toBe(7);
  });
});
