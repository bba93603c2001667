/**
 * Which path a call of an elementwise loss takes (src/engines/elementwise.ts). Three fast paths serve the forms
 * users hold without the general machinery: two 1-D Float32Arrays of a few elements (tinyPair), the scalar value
 * straight from the caller's arrays (directForward: number[] and nested arrays at any size for the regression
 * family, Float64Array, Float32Array and `{ data, shape }` up to jsBelow elements), and the small gradient of
 * every flat form (tinyView). Each declines to the general path for anything it does not handle, which then
 * computes the same value or reports the error. The value suites cannot tell a fast path that declines too often
 * (a silent slow-down) from one that is taken, nor see a fast path that accepts what it should not until the
 * input is malformed; these tests see both.
 *
 * How a path is seen, without instrumenting the product: the inputs object is a Proxy that counts reads of
 * `pred` (tinyPair reads it once, directForward twice, the general path twice more: checkInputNames and
 * floatInput), and every wasm export is wrapped to count calls (the fast paths call none).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { FastLoss } from '../src/index.js';
import { LossError } from '../src/errors.js';
import type { OutputTensor } from '../src/tensor.js';
import { instantiate, Runtime, type KernelExports } from '../src/wasm.js';
import { withEveryPart } from './every-part.js';
import { rng } from './helpers.js';

let fl: FastLoss;
let kernelCalls = 0;

beforeAll(async () => {
  const base = await instantiate('simd');
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base.exports)) {
    counted[name] =
      typeof value === 'function' && name !== 'heap_base'
        ? (...args: number[]) => {
            kernelCalls++;
            return (value as (...a: number[]) => number)(...args);
          }
        : value;
  }
  fl = new FastLoss(await withEveryPart(new Runtime(base.build, counted as unknown as KernelExports)), 256);
});

/** The call's result, how often it read `pred`, and how many wasm kernels it ran. */
function observe<T>(call: (inputs: Record<string, unknown>) => T, inputs: Record<string, unknown>): { result: T; predReads: number; kernels: number } {
  let predReads = 0;
  const proxy = new Proxy(inputs, {
    get(target, key, receiver) {
      if (key === 'pred') predReads++;
      return Reflect.get(target, key, receiver);
    },
  });
  kernelCalls = 0;
  const result = call(proxy);
  return { result, predReads, kernels: kernelCalls };
}

type Form = 'Float32Array' | 'Float64Array' | 'number[]' | 'nested' | '{ Float32Array, shape }' | '{ Float64Array, shape }' | '{ number[], shape }';

function asForm(data: Float32Array, shape: number[], form: Form): unknown {
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  switch (form) {
    case 'Float32Array': return data;
    case 'Float64Array': return Float64Array.from(data);
    case 'number[]': return Array.from(data);
    case 'nested': return Array.from({ length: data.length / cols }, (_, r) => Array.from(data.subarray(r * cols, (r + 1) * cols)));
    case '{ Float32Array, shape }': return { data, shape };
    case '{ Float64Array, shape }': return { data: Float64Array.from(data), shape };
    case '{ number[], shape }': return { data: Array.from(data), shape };
  }
}

/** The same numbers as tensors in wasm memory: never a fast path, the general one computes the reference. */
function tensorsOf(p: Float32Array, t: Float32Array, shape: number[]) {
  const pt = fl.tensor(shape);
  const tt = fl.tensor(shape);
  pt.data.set(p);
  tt.data.set(t);
  return { pred: pt, target: tt, free: () => (pt.free(), tt.free()) };
}

function data(n: number, seed: number): [Float32Array, Float32Array] {
  const r = rng(seed);
  const p = Float32Array.from({ length: n }, () => Math.fround(r() * 0.9 + 0.05));
  const t = Float32Array.from({ length: n }, () => Math.fround(r() * 0.9 + 0.05));
  return [p, t];
}

const closeTo = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-6 * Math.abs(want) + 1e-12);

// Losses on bindPairLoss, each framework: the regression family (its JS twins read number[] at any size), and
// the probability family's (Keras KLD sums its rows; torch kl_div).
const LOSSES: { name: string; framework: 'tensorflow' | 'pytorch'; reductions: string[]; options?: Record<string, unknown>; anySize: boolean }[] = [
  { name: 'mse', framework: 'tensorflow', reductions: ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight'], anySize: true },
  { name: 'mse', framework: 'pytorch', reductions: ['mean', 'sum'], anySize: true },
  { name: 'mae', framework: 'pytorch', reductions: ['mean', 'sum'], anySize: true },
  { name: 'huber', framework: 'tensorflow', reductions: ['sum_over_batch_size', 'sum'], options: { delta: 0.25 }, anySize: true },
  { name: 'smooth_l1', framework: 'pytorch', reductions: ['mean'], options: { beta: 0.25 }, anySize: true },
  { name: 'kld', framework: 'tensorflow', reductions: ['sum_over_batch_size', 'sum'], anySize: false },
  { name: 'kl_div', framework: 'pytorch', reductions: ['mean', 'sum'], anySize: false },
];

const FLAT_FORMS: Form[] = ['Float64Array', 'number[]', '{ Float32Array, shape }', '{ Float64Array, shape }', '{ number[], shape }'];

describe('the fast paths serve the forms users hold, with the general path\'s value', () => {
  for (const { name, framework, reductions, options, anySize } of LOSSES) {
    for (const reduction of reductions) {
      const loss = () => fl.loss(name, { framework, reduction, ...options } as never) as unknown as ((i: unknown) => number) & { withGrad: (i: unknown, o?: unknown) => { value: number; grad: { pred: OutputTensor } } };
      const label = `${name} (${framework}, ${reduction})`;

      it(`${label}: two 1-D Float32Arrays up to jsBelow read pred once, run no kernel`, () => {
        const f = loss();
        for (const n of [1, 7, 256]) {
          const [p, t] = data(n, n);
          const ref = tensorsOf(p, t, [n]);
          const want = f({ pred: ref.pred, target: ref.target });
          const wantGrad = f.withGrad({ pred: ref.pred, target: ref.target });
          ref.free();
          const v = observe(f, { pred: p, target: t });
          expect([v.predReads, v.kernels], `n ${n}`).toEqual([1, 0]);
          closeTo(v.result, want);
          const g = observe((i) => f.withGrad(i), { pred: p, target: t });
          expect([g.predReads, g.kernels], `withGrad n ${n}`).toEqual([1, 0]);
          closeTo(g.result.value, wantGrad.value);
          expect(g.result.grad.pred.shape).toEqual([n]);
          for (let i = 0; i < n; i++) closeTo(g.result.grad.pred.data[i]!, wantGrad.grad.pred.data[i]!);
        }
      });

      // [12, 8] = 96 elements; [1, 256], [256] the edge; [2, 3, 4] rank 3; [] a scalar; [5, 1] a column
      const shapes: number[][] = [[12, 8], [1, 256], [256], [2, 3, 4], [], [5, 1]];
      for (const shape of shapes) {
        it(`${label}: every other form of shape [${shape}] up to jsBelow: the value read straight from it, the gradient from a view`, () => {
          const f = loss();
          const n = shape.reduce((a, b) => a * b, 1);
          const [p, t] = data(n, 3 * n + shape.length);
          const ref = tensorsOf(p, t, shape);
          const want = f({ pred: ref.pred, target: ref.target });
          const wantGrad = f.withGrad({ pred: ref.pred, target: ref.target });
          ref.free();
          const forms: Form[] = shape.length <= 1 ? FLAT_FORMS : [...FLAT_FORMS, 'nested'];
          for (const form of shape.length === 0 ? (['{ Float32Array, shape }', '{ Float64Array, shape }', '{ number[], shape }'] as Form[]) : forms) {
            // a 1-D array stands for shape [n]: the forms without a shape are given only where that is the shape
            if ((form === 'Float64Array' || form === 'number[]') && shape.length !== 1) continue;
            const v = observe(f, { pred: asForm(p, shape, form), target: asForm(t, shape, form) });
            expect([v.predReads, v.kernels], form).toEqual([2, 0]);
            closeTo(v.result, want);
            if (form === 'nested') continue; // the gradient of nested arrays takes the general path
            const g = observe((i) => f.withGrad(i), { pred: asForm(p, shape, form), target: asForm(t, shape, form) });
            expect([g.predReads, g.kernels], `withGrad ${form}`).toEqual([1, 0]);
            closeTo(g.result.value, wantGrad.value);
            expect(g.result.grad.pred.shape, form).toEqual(shape);
            for (let i = 0; i < n; i++) closeTo(g.result.grad.pred.data[i]!, wantGrad.grad.pred.data[i]!);
          }
        });
      }

      it(`${label}: number[] and nested arrays above jsBelow ${anySize ? 'read straight, no kernel' : 'stream into the kernels'}`, () => {
        const f = loss();
        for (const shape of [[4099], [300, 3], [3, 300]]) {
          const n = shape.reduce((a, b) => a * b, 1);
          const [p, t] = data(n, n + 1);
          const ref = tensorsOf(p, t, shape);
          const want = f({ pred: ref.pred, target: ref.target });
          ref.free();
          for (const form of (shape.length === 1 ? ['number[]'] : ['nested', '{ number[], shape }']) as Form[]) {
            const v = observe(f, { pred: asForm(p, shape, form), target: asForm(t, shape, form) });
            if (anySize) expect([v.predReads, v.kernels], `${form} [${shape}]`).toEqual([2, 0]);
            else {
              expect(v.predReads, `${form} [${shape}]`).toBe(4);
              expect(v.kernels).toBeGreaterThan(0);
            }
            closeTo(v.result, want);
          }
        }
      });
    }
  }
});

describe('what the fast paths decline goes to the general path, which computes it or reports it', () => {
  const mse = () => fl.loss('mse', { framework: 'pytorch' }) as unknown as ((i: unknown) => number | OutputTensor) & { withGrad: (i: unknown, o?: unknown) => { value: number | OutputTensor } };
  const kerasMse = () => fl.loss('mse', { framework: 'tensorflow' }) as unknown as ((i: unknown) => number | OutputTensor) & { withGrad: (i: unknown, o?: unknown) => { value: number | OutputTensor } };
  const p = Float32Array.of(0.5, 0.25, 1, 2, 0.125, 3);
  const t = Float32Array.of(0, 1, 0.5, 1, 0, 2);
  const want = p.reduce((s, x, i) => s + (x - t[i]!) ** 2, 0) / 6; // torch 'mean' over the 6 elements

  /** The LossError code of a call, or its value. */
  const outcome = (fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof LossError) return e.code;
      throw e;
    }
  };

  type Callable = ((i: unknown) => unknown) & { withGrad: (i: unknown, o?: unknown) => unknown };
  const declined: [string, () => Callable, Record<string, unknown>, unknown][] = [
    ['Float32Array above jsBelow (the kernel path)', mse, { pred: new Float32Array(257).fill(1), target: new Float32Array(257) }, 1],
    ['empty arrays', mse, { pred: [], target: [] }, NaN],
    ['empty Float64Arrays', mse, { pred: new Float64Array(0), target: new Float64Array(0) }, NaN],
    ['empty Float32Arrays', mse, { pred: new Float32Array(0), target: new Float32Array(0) }, NaN],
    ['lengths that differ (number[])', mse, { pred: Array.from(p), target: Array.from(t).slice(1) }, 'SHAPE_MISMATCH'],
    ['lengths that differ (Float64Array)', mse, { pred: Float64Array.from(p), target: Float64Array.from(t).slice(1) }, 'SHAPE_MISMATCH'],
    ['lengths that differ (Float32Array)', mse, { pred: p, target: t.slice(1) }, 'SHAPE_MISMATCH'],
    ['a string among the numbers', mse, { pred: [0.5, '0.25', 1, 2, 0.125, 3], target: Array.from(t) }, 'BAD_DTYPE'],
    ['a string among the targets', mse, { pred: Array.from(p), target: [0, 1, 0.5, 1, 0, '2'] }, 'BAD_DTYPE'],
    ['ragged rows', mse, { pred: [[0.5, 0.25, 1], [2, 0.125]], target: [[0, 1, 0.5], [1, 0]] }, 'SHAPE_MISMATCH'],
    ['rows of another length in target', mse, { pred: [[0.5, 0.25, 1], [2, 0.125, 3]], target: [[0, 1, 0.5, 1], [0, 2]] }, 'SHAPE_MISMATCH'],
    ['a row that is no array', mse, { pred: [[0.5, 0.25, 1], 2], target: [[0, 1, 0.5], [1, 0, 2]] }, 'SHAPE_MISMATCH'],
    ['target rows that are no arrays', mse, { pred: [[0.5, 0.25, 1], [2, 0.125, 3]], target: [0, 1, 0.5, 1, 0, 2] }, 'SHAPE_MISMATCH'],
    ['rows of no columns', mse, { pred: [[], []], target: [[], []] }, NaN],
    ['a NaN among the numbers (the general path decides)', mse, { pred: [NaN, 0.25, 1, 2, 0.125, 3], target: Array.from(t) }, NaN],
    ['number[] against Float32Array', mse, { pred: Array.from(p), target: t }, want],
    ['Float64Array against number[]', mse, { pred: Float64Array.from(p), target: Array.from(t) }, want],
    ['Float32Array against Float64Array', mse, { pred: p, target: Float64Array.from(t) }, want],
    ['{ data, shape } against a bare array', mse, { pred: { data: p, shape: [2, 3] }, target: t }, 'SHAPE_MISMATCH'],
    ['a bare array against { data, shape }', mse, { pred: p, target: { data: t, shape: [2, 3] } }, 'SHAPE_MISMATCH'],
    ['{ data, shape } of other ranks', mse, { pred: { data: p, shape: [2, 3] }, target: { data: t, shape: [6] } }, 'SHAPE_MISMATCH'],
    ['{ data, shape } of other dimensions', mse, { pred: { data: p, shape: [2, 3] }, target: { data: t, shape: [3, 2] } }, 'SHAPE_MISMATCH'],
    ['a shape that does not fit the data', mse, { pred: { data: p, shape: [2, 2] }, target: { data: t, shape: [2, 2] } }, 'SHAPE_MISMATCH'],
    ['a shape with a fraction', mse, { pred: { data: p, shape: [1.5, 4] }, target: { data: t, shape: [1.5, 4] } }, 'SHAPE_MISMATCH'],
    ['a negative dimension', mse, { pred: { data: p, shape: [-2, -3] }, target: { data: t, shape: [-2, -3] } }, 'SHAPE_MISMATCH'],
    ['a dimension that is a string', mse, { pred: { data: p, shape: ['2', 3] }, target: { data: t, shape: ['2', 3] } }, 'SHAPE_MISMATCH'],
    ['a shape that is no array', mse, { pred: { data: p, shape: 6 }, target: { data: t, shape: 6 } }, 'SHAPE_MISMATCH'],
    ['data that is no array', mse, { pred: { data: 'x', shape: [1] }, target: { data: 'y', shape: [1] } }, 'BAD_DTYPE'],
    ['null inputs', mse, { pred: null, target: null }, 'BAD_DTYPE'],
    ['a tensor and an array', mse, { pred: undefined, target: t }, 'MISSING_INPUT'],
    ['an unknown input beside them', mse, { pred: p, target: t, weight: p }, 'UNKNOWN_INPUT'],
    ['Keras sampleWeight', kerasMse, { pred: p, target: t, sampleWeight: Float32Array.of(2) }, 'keras-weighted'],
    ['Keras sampleWeight with number[]', kerasMse, { pred: Array.from(p), target: Array.from(t), sampleWeight: [2] }, 'keras-weighted'],
  ];

  for (const [what, make, inputs, expected] of declined) {
    it(what, () => {
      const f = make();
      const seen = observe((i) => outcome(() => f(i)), inputs);
      const wanted = expected === 'keras-weighted' ? 2 * (p.reduce((s, x, i) => s + (x - t[i]!) ** 2, 0) / 6) : expected;
      if (typeof wanted === 'number') {
        expect(typeof seen.result, what).toBe('number');
        if (Number.isNaN(wanted)) expect(seen.result).toBeNaN();
        else closeTo(seen.result as number, wanted);
      } else expect(seen.result, what).toBe(wanted);
      // the general path read pred again (unless the call stopped before it: no pred, or a key it does not know)
      if (inputs.pred !== undefined && wanted !== 'UNKNOWN_INPUT') expect(seen.predReads, what).toBeGreaterThanOrEqual(3);
      const g = observe((i) => outcome(() => f.withGrad(i)), inputs);
      if (typeof wanted === 'number') {
        const value = (g.result as { value: number }).value;
        if (Number.isNaN(wanted)) expect(value).toBeNaN();
        else closeTo(value, wanted);
      } else expect(g.result, `withGrad: ${what}`).toBe(wanted);
    });
  }

  it("reduction 'none' and an upstream gradient are the general path's", () => {
    const none = fl.loss('mse', { framework: 'pytorch', reduction: 'none' }) as unknown as (i: unknown) => OutputTensor;
    const v = observe(none, { pred: Array.from(p), target: Array.from(t) });
    expect(v.predReads).toBeGreaterThanOrEqual(3);
    expect(Array.from(v.result.data)).toEqual(Array.from(p, (x, i) => Math.fround((x - t[i]!) ** 2)));
    // withGrad with reduction 'none': the small gradient (tinyView) declines for every flat form, so the value
    // is the per-element tensor and the gradient 2 (p - t) unscaled
    const noneGrad = fl.loss('mse', { framework: 'pytorch', reduction: 'none' });
    for (const form of ['number[]', 'Float64Array', 'Float32Array', '{ number[], shape }'] as const) {
      const g = observe((i) => noneGrad.withGrad(i as never), { pred: asForm(p, [p.length], form), target: asForm(t, [t.length], form) });
      expect(g.predReads, form).toBeGreaterThanOrEqual(3);
      const { value, grad } = g.result as unknown as { value: OutputTensor; grad: { pred: { data: Float32Array } } };
      expect(value.shape, form).toEqual([p.length]);
      expect(Array.from(value.data), form).toEqual(Array.from(p, (x, i) => Math.fround((x - t[i]!) ** 2)));
      for (let i = 0; i < p.length; i++) expect(grad.pred.data[i], form).toBeCloseTo(2 * (p[i]! - t[i]!), 5);
    }
    const f = mse();
    for (const pred of [p, Array.from(p), Float64Array.from(p)]) {
      const g = observe((i) => f.withGrad(i, { gradOutput: 3 }), { pred, target: Array.isArray(pred) ? Array.from(t) : pred instanceof Float64Array ? Float64Array.from(t) : t });
      expect(g.predReads).toBeGreaterThanOrEqual(3);
      closeTo((g.result as { value: number }).value, want);
    }
  });
});
