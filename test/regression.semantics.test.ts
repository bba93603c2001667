/**
 * What docs/semantics.md states in words, pinned as numbers, on the reference and on every implementation; analytic
 * oracles (huber(δ → ∞) = ½·MSE, smooth_l1(β = 0) = L1, HuberLoss(δ) = δ·SmoothL1Loss(β = δ)); Keras's shape
 * rules; empty inputs; NaN and infinities.
 */

import { describe, expect, it } from 'vitest';
import { kerasHuber, kerasLoss, percentageError, squaredLogError } from '../src/reference/regression.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';

const num = (v: number | OutputTensor): number => {
  if (typeof v !== 'number') throw new Error(`expected a number, got a tensor of shape [${v.shape}]`);
  return v;
};
const tensor = (v: number | OutputTensor): OutputTensor => {
  if (typeof v === 'number') throw new Error('expected a tensor');
  return v;
};

describe('the references say what docs/semantics.md says', () => {
  it('mape: t = 0 divides by ε = 1e-7 (|p|·1e9 with the factor 100)', () => {
    expect(percentageError.f(3, 0)).toBeCloseTo(3e9, -1);
  });
  it('msle: negative values are clipped to ε, not NaN, and the gradient is 0 there', () => {
    expect(squaredLogError.f(-5, -2)).toBe(0);
    expect(squaredLogError.df(-5, 3)).toBe(0);
    expect(Number.isNaN(squaredLogError.f(-1, 2))).toBe(false);
  });
  it('Keras huber: 0.5·e² inside δ (inclusive), δ|e| - 0.5δ² outside', () => {
    const h = kerasHuber(1);
    expect(h.f(1, 0)).toBe(0.5);
    expect(h.f(3, 0)).toBe(2.5);
    expect(h.df(1, 0)).toBe(1);
  });
});

describe.each(IMPLEMENTATIONS)('semantics: $label', (impl) => {
  it('Keras averages the last axis, then sum_over_batch_size averages the samples', async () => {
    const fl = await instance(impl);
    const pred = [[1, 2, 3], [4, 5, 6]];
    const target = [[1, 1, 1], [1, 1, 1]];
    // per-sample MSE: (0+1+4)/3 = 5/3 and (9+16+25)/3 = 50/3
    expect(num(fl.compute('mse', { pred, target }))).toBeCloseTo(55 / 6, 6);
    expect(num(fl.compute('mse', { pred, target }, { reduction: 'sum' }))).toBeCloseTo(55 / 3, 5);
    const none = tensor(fl.compute('mse', { pred, target }, { reduction: 'none' }));
    expect(none.shape).toEqual([2]);
    expectClose(none.data, [5 / 3, 50 / 3], 'Keras none');
    // PyTorch: sum over every element
    expect(num(fl.compute('mse', { pred, target }, { framework: 'pytorch', reduction: 'sum' }))).toBeCloseTo(55, 5);
    expect(tensor(fl.compute('mse', { pred, target }, { framework: 'pytorch', reduction: 'none' })).shape).toEqual([2, 3]);
  });

  it('Keras sample weights multiply the per-sample losses; sum_over_batch_size still divides by their count', async () => {
    const fl = await instance(impl);
    const inputs = { pred: [[1, 2, 3], [4, 5, 6]], target: [[1, 1, 1], [1, 1, 1]], sampleWeight: [2, 0] };
    expect(num(fl.compute('mse', inputs))).toBeCloseTo((2 * 5) / 3 / 2, 6);
  });

  it('Keras reconciles [N] with [N, 1] (squeeze_or_expand_to_same_rank); PyTorch requires equal shapes', async () => {
    const fl = await instance(impl);
    const pred = Float32Array.of(1, 2, 3);
    const target = { data: Float32Array.of(0, 0, 0), shape: [3, 1] };
    // [3] is expanded to [3, 1]: three samples of one element, not one sample of three.
    expect(tensor(fl.compute('mse', { pred, target }, { reduction: 'none' })).shape).toEqual([3]);
    expect(num(fl.compute('mse', { pred, target }))).toBeCloseTo(14 / 3, 6);
    expect(() => fl.compute('mse', { pred, target }, { framework: 'pytorch' })).toThrow(/SHAPE_MISMATCH/);
  });

  it('Keras treats a shape-[] input as [1]; none gives a shape-[] tensor', async () => {
    const fl = await instance(impl);
    const none = tensor(fl.compute('mae', { pred: 3, target: 1 }, { reduction: 'none' }));
    expect(none.shape).toEqual([]);
    expect(Array.from(none.data)).toEqual([2]);
    const g = fl.loss('mae').withGrad({ pred: 3, target: 1 });
    expect(g.grad.pred!.shape).toEqual([]);
    expect(Array.from(g.grad.pred!.data)).toEqual([1]);
  });

  it('analytic oracles: huber(δ huge) = ½·MSE; HuberLoss(δ) = δ·SmoothL1Loss(β = δ); SmoothL1Loss(β = 0) = L1Loss', async () => {
    const fl = await instance(impl);
    const pred = uniform(101, 5);
    const target = uniform(101, 6);
    const mse = num(fl.compute('mse', { pred, target }));
    expectClose(num(fl.compute('huber', { pred, target }, { delta: 1e6 })), mse / 2, 'huber δ=1e6 vs mse/2');
    const huber = num(fl.compute('HuberLoss', { pred, target }, { delta: 0.7 }));
    const smooth = num(fl.compute('SmoothL1Loss', { pred, target }, { beta: 0.7 }));
    expectClose(huber, 0.7 * smooth, 'HuberLoss(0.7) vs 0.7·SmoothL1Loss(0.7)');
    expectClose(num(fl.compute('smooth_l1', { pred, target }, { beta: 0 })), num(fl.compute('L1Loss', { pred, target })), 'β = 0');
  });

  it('empty inputs: PyTorch mean is NaN and sum 0; Keras sums of no samples are 0, a mean over an empty axis NaN', async () => {
    const fl = await instance(impl);
    const empty = new Float32Array(0);
    expect(num(fl.compute('mse', { pred: empty, target: empty }, { framework: 'pytorch' }))).toBeNaN();
    expect(num(fl.compute('mse', { pred: empty, target: empty }, { framework: 'pytorch', reduction: 'sum' }))).toBe(0);
    const g = fl.loss('mse', { framework: 'pytorch' }).withGrad({ pred: empty, target: empty });
    expect(g.value).toBeNaN();
    expect(g.grad.pred!.data.length).toBe(0);
    const rows0 = { data: empty, shape: [0, 3] };
    expect(num(fl.compute('mse', { pred: rows0, target: rows0 }))).toBe(0);
    expect(num(fl.compute('mse', { pred: rows0, target: rows0 }, { reduction: 'sum' }))).toBe(0);
    expect(tensor(fl.compute('mse', { pred: rows0, target: rows0 }, { reduction: 'none' })).shape).toEqual([0]);
    const cols0 = { data: empty, shape: [2, 0] };
    expect(Array.from(tensor(fl.compute('mae', { pred: cols0, target: cols0 }, { reduction: 'none' })).data)).toEqual([NaN, NaN]);
    expect(num(fl.compute('mae', { pred: empty, target: empty }))).toBeNaN(); // one sample, the mean of nothing
  });

  it('NaN and infinities propagate as the frameworks propagate them', async () => {
    const fl = await instance(impl);
    const pred = Float32Array.of(NaN, Infinity, 1, -Infinity, 2);
    const target = Float32Array.of(0, 0, Infinity, 1, 2);
    const mse = tensor(fl.compute('mse', { pred, target }, { framework: 'pytorch', reduction: 'none' }));
    expect(Array.from(mse.data)).toEqual([NaN, Infinity, Infinity, Infinity, 0]);
    const l1 = fl.loss('L1Loss', { reduction: 'none' }).withGrad({ pred, target });
    expect(Array.from(l1.grad.pred!.data)).toEqual([0, 1, -1, -1, 0]); // torch.sign(NaN) = 0
    const hub = fl.loss('HuberLoss', { reduction: 'none', delta: 0.5 }).withGrad({ pred, target });
    expect(Array.from(hub.grad.pred!.data)).toEqual([NaN, 0.5, -0.5, -0.5, 0]);
    // SmoothL1Loss(β = 0): torch's backward tests x <= -β first, so the tie p = t (here the last element: the
    // one-lane tail after a SIMD vector) gives -1, and NaN stays NaN (docs/semantics.md §2 huber)
    const sl1 = fl.loss('SmoothL1Loss', { reduction: 'none', beta: 0 }).withGrad({ pred, target });
    expect(Array.from(sl1.grad.pred!.data)).toEqual([NaN, 1, -1, -1, -1]);
    expect(num(fl.compute('mse', { pred, target }))).toBeNaN();
  });

  it('mape with t = 0 and msle with negative values, against the reference', async () => {
    const fl = await instance(impl);
    const pred = Float32Array.of(3, -2, 0.5, 1e-9, -1);
    const target = Float32Array.of(0, 0, 0.25, -3, 2);
    for (const [name, ref] of [['mape', percentageError], ['msle', squaredLogError]] as const) {
      const want = kerasLoss(ref, pred, [5], target, [5], { reduction: 'sum' })!;
      const got = fl.loss(name).withGrad({ pred, target });
      expectClose(num(got.value), want.value as number, `${name} value`);
      expectClose(got.grad.pred!.data, want.grad, `${name} grad`, { pred, target });
    }
  });
});
