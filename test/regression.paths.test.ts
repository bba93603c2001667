/**
 * Paths a user's call can take that the conformance matrix does not force on its own, each against the float64
 * reference: the default instance's small-input paths (every form and rank, every reduction, withGrad), an
 * upstream gradient with a scalar reduction and together with sample weights, Keras's reconciliation of
 * [N, D] against [N, D, 1], elements inside the clip ranges asserted alone, NaN and ±inf for every loss.
 */

import { describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import type { KerasReduction } from '../src/reference/keras.js';
import { kerasLoss, percentageError, squaredLogError, torchLoss, type RefResult } from '../src/reference/regression.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, uniform } from './helpers.js';
import { caseLabel, REDUCTIONS, REGRESSION_CASES, type RegressionCase } from './regression.cases.js';

const values = (v: number | OutputTensor): number[] => (typeof v === 'number' ? [v] : Array.from(v.data));
const refValues = (r: RefResult): number[] => (typeof r.value === 'number' ? [r.value] : Array.from(r.value.data));

function reference(c: RegressionCase, pred: Float32Array, target: Float32Array, shape: number[], reduction: string, extra: { gradOutput?: ArrayLike<number>; sampleWeight?: { data: ArrayLike<number>; shape: number[] } } = {}): RefResult {
  return c.framework === 'pytorch'
    ? torchLoss(c.ref, pred, target, shape, { reduction: reduction as 'mean', ...(extra.gradOutput ? { gradOutput: extra.gradOutput } : {}) })
    : kerasLoss(c.ref, pred, shape, target, shape, { reduction: reduction as KerasReduction, ...extra })!;
}

function nested(data: Float32Array, shape: number[]): unknown {
  if (shape.length <= 1) return Array.from(data);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nested(data.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
}

const FORMS: Array<[string, (d: Float32Array, shape: number[]) => unknown]> = [
  ['Float32Array', (d) => d],
  ['Float64Array', (d) => Float64Array.from(d)],
  ['number[]', (d) => Array.from(d)],
  ['{ data: Float32Array, shape }', (d, shape) => ({ data: d, shape })],
  ['{ data: Float64Array, shape }', (d, shape) => ({ data: Float64Array.from(d), shape })],
  ['{ data: number[], shape }', (d, shape) => ({ data: Array.from(d), shape })],
  ['nested arrays', (d, shape) => nested(d, shape)],
];

let fl: FastLoss;

describe('the default instance (jsBelow 256): small inputs take the plain-JS paths', () => {
  it('every form and rank, every reduction, value and gradient', async () => {
    fl = await loadLosses();
    let seed = 1;
    for (const c of REGRESSION_CASES) {
      for (const reduction of REDUCTIONS[c.framework]) {
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const shape of [[7], [64], [4, 6], [2, 3, 5]]) {
          const n = shape.reduce((a, b) => a * b, 1);
          const { pred, target } = c.data(n, seed++);
          const ref = reference(c, pred, target, shape, reduction);
          for (const [form, make] of FORMS) {
            if (shape.length > 1 && (form === 'Float32Array' || form === 'Float64Array' || form === 'number[]')) continue;
            const label = `${caseLabel(c)} ${reduction} [${shape}] ${form}`;
            const inputs = { pred: make(pred, shape), target: make(target, shape) };
            expectClose(values(loss(inputs)), refValues(ref), `${label} value`);
            const g = loss.withGrad(inputs);
            expectClose(values(g.value), refValues(ref), `${label} withGrad value`);
            expectClose(g.grad.pred!.data, ref.grad, `${label} grad`, { pred, target });
            expect(g.grad.pred!.shape, label).toEqual(shape);
          }
        }
      }
    }
  });
});

describe.each([
  ['default instance', {}],
  ['wasm forced', { jsBelow: 0 }],
] as const)('upstream gradients and weights: %s', (_label, options) => {
  it('gradOutput with a scalar reduction scales the gradient', async () => {
    const f = await loadLosses(options);
    let seed = 100;
    for (const c of REGRESSION_CASES) {
      for (const reduction of REDUCTIONS[c.framework].filter((r) => r !== 'none')) {
        for (const shape of [[9], [3, 700]]) {
          const n = shape.reduce((a, b) => a * b, 1);
          const { pred, target } = c.data(n, seed++);
          const ref = reference(c, pred, target, shape, reduction, { gradOutput: [2.5] });
          const g = f.loss(c.name, { framework: c.framework, reduction, ...c.options }).withGrad({ pred: { data: pred, shape }, target: { data: target, shape } }, { gradOutput: 2.5 });
          expectClose(g.grad.pred!.data, ref.grad, `${caseLabel(c)} ${reduction} [${shape}] gradOutput 2.5`);
          expectClose(values(g.value), refValues(reference(c, pred, target, shape, reduction)), `${caseLabel(c)} value unscaled`);
        }
      }
    }
  });

  it('gradOutput together with sampleWeight, and the shape of what "none" returns', async () => {
    const f = await loadLosses(options);
    let seed = 200;
    for (const c of REGRESSION_CASES.filter((x) => x.framework === 'tensorflow')) {
      const loss = f.loss(c.name, { reduction: 'none', ...c.options });
      for (const [shape, wShape, outShape] of [
        [[4, 6], [4], [4]],
        [[4, 6], [4, 1], [4, 1]], // values [4] against weights [4, 1]: Keras gives [4, 1]
        [[3, 5, 2], [5], [3, 5]], // per column, trailing axes aligned
        [[3, 5, 2], [3, 1], [3, 5]],
        [[3, 5, 2], [3, 5, 1], [3, 5]],
        [[300, 2], [300], [300]],
      ] as Array<[number[], number[], number[]]>) {
        const n = shape.reduce((a, b) => a * b, 1);
        const { pred, target } = c.data(n, seed++);
        const w = uniform(wShape.reduce((a, b) => a * b, 1), seed++, 0, 2);
        const sampleWeight = { data: w, shape: [...wShape] };
        const gradOutput = uniform(outShape.reduce((a, b) => a * b, 1), seed++);
        const ref = reference(c, pred, target, [...shape], 'none', { sampleWeight, gradOutput });
        const inputs = { pred: { data: pred, shape: [...shape] }, target: { data: target, shape: [...shape] }, sampleWeight };
        const label = `${caseLabel(c)} [${shape}] weights [${wShape}]`;
        const g = f.loss(c.name, { reduction: 'none', ...c.options }).withGrad(inputs, { gradOutput: { data: gradOutput, shape: [...outShape] } });
        expect((g.value as OutputTensor).shape, label).toEqual([...outShape]);
        expectClose(values(g.value), refValues(ref), `${label} value`);
        expectClose(g.grad.pred!.data, ref.grad, `${label} grad`);
        expect((loss(inputs) as OutputTensor).shape).toEqual([...outShape]);
      }
    }
  });

  it('Keras reconciles [N, D] with [N, D, 1] and [N] with [N, 1]', async () => {
    const f = await loadLosses(options);
    for (const c of REGRESSION_CASES.filter((x) => x.framework === 'tensorflow')) {
      const { pred, target } = c.data(12, 7);
      for (const reduction of REDUCTIONS.tensorflow) {
        const loss = f.loss(c.name, { reduction, ...c.options });
        const ref = kerasLoss(c.ref, pred, [4, 3], target, [4, 3, 1], { reduction: reduction as KerasReduction })!;
        const got = loss.withGrad({ pred: { data: pred, shape: [4, 3] }, target: { data: target, shape: [4, 3, 1] } });
        expectClose(values(got.value), refValues(ref), `${caseLabel(c)} ${reduction} [4,3] vs [4,3,1]`);
        expectClose(got.grad.pred!.data, ref.grad, `${caseLabel(c)} ${reduction} grad`);
        if (reduction === 'none') expect((got.value as OutputTensor).shape).toEqual([4]);
        const ref1 = kerasLoss(c.ref, pred, [12], target, [12, 1], { reduction: reduction as KerasReduction })!;
        const got1 = loss.withGrad({ pred, target: { data: target, shape: [12, 1] } });
        expectClose(values(got1.value), refValues(ref1), `${caseLabel(c)} ${reduction} [12] vs [12,1]`);
        if (reduction === 'none') expect((got1.value as OutputTensor).shape).toEqual([12]);
      }
    }
  });
});

describe.each([
  ['default instance', {}],
  ['wasm forced', { jsBelow: 0 }],
  ['scalar build', { build: 'scalar', jsBelow: 0 }],
] as const)('edges: %s', (_label, options) => {
  it('elements inside the clip ranges, each alone (a relative tolerance over large neighbours cannot see them)', async () => {
    const f = await loadLosses(options);
    // Each element its own sample ([k, 1]), reduction 'none': one value per element.
    const cases = [
      ['mape', percentageError, Float32Array.of(1, -2, 0.5, 3e-8, 0), Float32Array.of(5e-8, -3e-8, 9e-8, 1e-7, 2e-8)],
      ['msle', squaredLogError, Float32Array.of(5e-8, 9.9e-8, -0.5, -1e-30, 1e-7, 2), Float32Array.of(1, 3e-8, 2, 0, -4, 5e-8)],
    ] as const;
    for (const [name, ref, pred, target] of cases) {
      const shape = [pred.length, 1];
      const want = kerasLoss(ref, pred, shape, target, shape, { reduction: 'none' })!;
      const got = f.loss(name, { reduction: 'none' }).withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
      const v = values(got.value);
      const wv = refValues(want);
      for (let i = 0; i < pred.length; i++) {
        expectClose([v[i]!], [wv[i]!], `${name} value at p=${pred[i]}, t=${target[i]}`);
        expectClose([got.grad.pred!.data[i]!], [want.grad[i]!], `${name} grad at p=${pred[i]}, t=${target[i]}`);
      }
    }
  });

  it('NaN and ±inf in either input, every loss, value and gradient', async () => {
    const f = await loadLosses(options);
    const pred = Float32Array.of(NaN, 1, Infinity, -Infinity, 2, NaN, Infinity, 0.5);
    const target = Float32Array.of(1, NaN, 1, 2, Infinity, NaN, Infinity, -Infinity);
    const shape = [pred.length, 1];
    for (const c of REGRESSION_CASES) {
      const want = reference(c, pred, target, c.framework === 'pytorch' ? [pred.length] : shape, 'none');
      const inputs = c.framework === 'pytorch' ? { pred, target } : { pred: { data: pred, shape }, target: { data: target, shape } };
      const got = f.loss(c.name, { framework: c.framework, reduction: 'none', ...c.options }).withGrad(inputs);
      expectClose(values(got.value), refValues(want), `${caseLabel(c)} value`, { pred, target });
      expectClose(got.grad.pred!.data, want.grad, `${caseLabel(c)} grad`, { pred, target });
    }
  });
});
