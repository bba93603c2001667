/**
 * Keras LogCosh where its formula is delicate. Keras computes d + softplus(-2d) - log 2, which float32 cancels to
 * 0 for |d| below ~1e-3 (its value is d²/2 there); fastloss must still be within 1e-6 of the float64 reference
 * for a tensor of nothing but tiny differences, on every build and tail (the 16-lane body, the 4-lane loop, the
 * scalar tail), around the kernel's switch between its two formulas at |d| = 1, for |d| up to 1e4 and beyond
 * float32's exp range, and for ±inf and NaN. Analytic oracles: log cosh d = d²/2 - d⁴/12 + O(d⁶) near 0,
 * |d| - log 2 for large |d|, gradient tanh d.
 */

import { describe, expect, it } from 'vitest';
import type { OutputTensor } from '../src/index.js';
import { logCoshError } from '../src/reference/regression.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

const SIZES = [1, 3, 4, 5, 15, 16, 17, 33, 4099];

/** d values log-spaced over [lo, hi] with alternating signs, as float32. */
function logSpaced(n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * lo * (hi / lo) ** (n === 1 ? 0 : i / (n - 1)));
}

function reference(d: Float32Array): { values: number[]; grad: number[] } {
  return { values: Array.from(d, (x) => logCoshError.f(x, 0)), grad: Array.from(d, (x) => logCoshError.df(x, 0)) };
}

describe('the reference', () => {
  it('is the Taylor series near 0, log cosh in the middle, |d| - log 2 far out', () => {
    expect(logCoshError.f(1e-4, 0) / (1e-8 / 2 - 1e-16 / 12)).toBeCloseTo(1, 12);
    expect(logCoshError.f(1, 0)).toBeCloseTo(Math.log(Math.cosh(1)), 15);
    expect(logCoshError.f(1e4, 0)).toBe(1e4 - Math.log(2));
    expect(logCoshError.f(0.5, 2)).toBeCloseTo(Math.log(Math.cosh(1.5)), 15);
    expect(logCoshError.df(-3, 0)).toBe(Math.tanh(-3));
  });
});

describe.each(IMPLEMENTATIONS)('log_cosh: $label', (impl) => {
  it.each(SIZES)('only tiny differences (1e-7 .. 1e-3), %i elements: each per-element value within 1e-6 of float64', async (n) => {
    const fl = await instance(impl);
    const d = logSpaced(n, 1e-7, 1e-3);
    const target = new Float32Array(n);
    const ref = reference(d);
    // one sample per element ([n, 1]): 'none' gives every value, none of them cancelling to 0 as Keras's float32 does
    const none = fl.loss('log_cosh', { reduction: 'none' })({ pred: { data: d, shape: [n, 1] }, target: { data: target, shape: [n, 1] } }) as OutputTensor;
    for (let i = 0; i < n; i++) expect(Math.abs(none.data[i]! - ref.values[i]!), `d = ${d[i]}`).toBeLessThanOrEqual(1e-6 * ref.values[i]!);
    const { value, grad } = fl.loss('log_cosh', { reduction: 'sum' }).withGrad({ pred: { data: d, shape: [n, 1] }, target: { data: target, shape: [n, 1] } });
    expectClose(value, ref.values.reduce((a, b) => a + b, 0), 'sum');
    for (let i = 0; i < n; i++) expect(Math.abs(grad.pred!.data[i]! - ref.grad[i]!), `tanh(${d[i]})`).toBeLessThanOrEqual(1e-6 * Math.abs(ref.grad[i]!));
  });

  it.each(SIZES)('differences across the switch at |d| = 1 and out to 1e4, %i elements: values and gradients', async (n) => {
    const fl = await instance(impl);
    const d = logSpaced(n, 0.9, 1e4);
    d.set([0.99999994, 1, 1.0000001].slice(0, n));
    const target = new Float32Array(n);
    const ref = reference(d);
    const none = fl.loss('log_cosh', { reduction: 'none' })({ pred: { data: d, shape: [n, 1] }, target: { data: target, shape: [n, 1] } }) as OutputTensor;
    for (let i = 0; i < n; i++) expect(Math.abs(none.data[i]! - ref.values[i]!), `d = ${d[i]}`).toBeLessThanOrEqual(1e-6 * ref.values[i]!);
    const { grad } = fl.loss('log_cosh').withGrad({ pred: { data: d, shape: [n, 1] }, target: { data: target, shape: [n, 1] } });
    for (let i = 0; i < n; i++) expect(Math.abs(grad.pred!.data[i]! * n - ref.grad[i]!), `tanh(${d[i]})`).toBeLessThanOrEqual(2e-6 * Math.abs(ref.grad[i]!));
  });

  it('beyond float32 exp: |d| = 1e30 and ±inf give |d| - log 2 and ±1; NaN stays NaN; 0 gives 0 and gradient 0', async () => {
    const fl = await instance(impl);
    const d = Float32Array.of(1e30, -1e30, Infinity, -Infinity, NaN, 0, -0, 3000);
    const target = new Float32Array(d.length);
    const shape = [d.length, 1];
    const none = fl.loss('log_cosh', { reduction: 'none' })({ pred: { data: d, shape }, target: { data: target, shape } }) as OutputTensor;
    expect(Array.from(none.data)).toEqual([Math.fround(1e30), Math.fround(1e30), Infinity, Infinity, NaN, 0, 0, Math.fround(3000 - Math.LN2)]);
    const { grad } = fl.loss('log_cosh', { reduction: 'sum' }).withGrad({ pred: { data: d, shape }, target: { data: target, shape } });
    expect(Array.from(grad.pred!.data)).toEqual([1, -1, 1, -1, NaN, 0, -0, 1]);
  });

  it('Keras semantics: the mean over the last axis, then the reduction; the gradient tanh(d)/D (docs example)', async () => {
    const fl = await instance(impl);
    const { value, grad } = fl.loss('LogCosh').withGrad({ pred: [[1, -2]], target: [[0, 0]] });
    expect(value).toBeCloseTo(0.879392, 6);
    expectClose(grad.pred!.data, [Math.tanh(1) / 2, Math.tanh(-2) / 2], 'grad');
  });
});
