/**
 * torch GaussianNLLLoss on every build and the plain-JS path, against the float64 transcription of torch's code in
 * src/reference/regression.ts (checked here against the real-torch fixtures first, and its gradients against central
 * differences of its value): every form of var (pred's shape, without the last axis, with 1 on each axis, one
 * number, a shape-[] tensor), lengths 1..33 on both axes the kernel walks (a row sharing one variance, a row of
 * variances), tiles that cut rows (arrays staged) and the same in place, `full` and `eps`, every reduction with
 * gradOutput and `out` (both gradients), every input form, torch's clamp (value at eps, gradient as if unclamped),
 * the refusals (var's shape, a negative variance, target's shape), streaming, and float32 sums of 2^21 elements
 * within 1e-6 of float64. The real-torch cases are test/fixtures/wave3/gaussian_nll.json (test/wave3.test.ts).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutputTensor, TensorLike } from '../src/tensor.js';
import { gaussianNllReference } from '../src/reference/regression.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface FixtureCase {
  id: string;
  options: { reduction: string; full?: boolean; eps?: number };
  inputs: Record<string, { shape: number[]; data: number[] }>;
  expected: { value?: number | { data: number[] }; grad?: Record<string, { data: number[] }>; error?: string };
}

/** Every var form of pred's shape: [label, var's shape]. */
function varShapes(shape: readonly number[]): Array<[string, number[]]> {
  const forms: Array<[string, number[]]> = [
    ['of pred', [...shape]],
    ['one number', []],
  ];
  if (shape.length >= 1) forms.push(['without the last axis', shape.slice(0, -1)]);
  shape.forEach((d, k) => {
    if (d !== 1) forms.push([`1 on axis ${k}`, shape.map((x, j) => (j === k ? 1 : x))]);
  });
  return forms;
}

describe('the float64 reference of GaussianNLLLoss', () => {
  it("is torch's own numbers on the real-torch cases (values, and both gradients of their sum)", () => {
    const cases = JSON.parse(readFileSync(new URL('./fixtures/wave3/gaussian_nll.json', import.meta.url), 'utf8')) as FixtureCase[];
    let checked = 0;
    for (const c of cases) {
      if (c.expected.error !== undefined || c.options.reduction !== 'none') continue;
      const { pred, target } = c.inputs;
      const v = c.inputs.var!;
      const ref = gaussianNllReference(pred!.data, target!.data, v.data, pred!.shape, v.shape, c.options);
      expectClose(ref.values, typeof c.expected.value === 'number' ? [c.expected.value] : c.expected.value!.data, `${c.id} value`, {}, 1e-5);
      expectClose(ref.gradPred, c.expected.grad!.pred!.data, `${c.id} grad pred`, {}, 1e-5);
      if (c.expected.grad!.var !== undefined) expectClose(ref.gradVar, c.expected.grad!.var.data, `${c.id} grad var`, {}, 1e-5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('has the derivatives of its value (central differences), for pred and for every form of var', () => {
    const shape = [3, 4];
    const p = Float64Array.from(uniform(12, 1, -2, 2));
    const t = Float64Array.from(uniform(12, 2, -2, 2));
    for (const [label, vs] of varShapes(shape)) {
      const v = Float64Array.from(uniform(size(vs), 3, 0.3, 2));
      const total = (pp: ArrayLike<number>, vv: ArrayLike<number>) => sum(gaussianNllReference(pp, t, vv, shape, vs).values);
      const ref = gaussianNllReference(p, t, v, shape, vs);
      const h = 1e-6;
      for (let e = 0; e < 12; e++) {
        const up = p.slice();
        const down = p.slice();
        up[e]! += h;
        down[e]! -= h;
        expect(Math.abs((total(up, v) - total(down, v)) / (2 * h) - ref.gradPred[e]!), `${label} pred ${e}`).toBeLessThan(1e-6);
      }
      for (let j = 0; j < v.length; j++) {
        const up = v.slice();
        const down = v.slice();
        up[j]! += h;
        down[j]! -= h;
        expect(Math.abs((total(p, up) - total(p, down)) / (2 * h) - ref.gradVar[j]!), `${label} var ${j}`).toBeLessThan(1e-5);
      }
    }
  });
});

describe.each(IMPLEMENTATIONS)('gaussian_nll: $label', (impl) => {
  it('every form of var, lengths 1..33 on both axes, full and eps: values and both gradients', async () => {
    const fl = await instance(impl);
    for (let k = 1; k <= 33; k++) {
      for (const shape of [[k], [3, k], [k, 5], [2, k, 3]]) {
        const n = size(shape);
        const p = uniform(n, k, -2, 2);
        const t = uniform(n, k + 100, -2, 2);
        for (const [label, vs] of varShapes(shape)) {
          const v = uniform(size(vs), k + 200, 0.05, 2);
          const options = k % 2 === 0 ? { full: true } : { eps: 0.1 };
          const ref = gaussianNllReference(p, t, v, shape, vs, options);
          const inputs = { pred: { data: p, shape }, target: { data: t, shape }, var: { data: v, shape: vs } };
          const where = `[${shape}] var ${label} [${vs}] ${JSON.stringify(options)}`;
          const none = fl.loss('gaussian_nll', { ...options, reduction: 'none' }).withGrad(inputs);
          expectClose(values(none.value), ref.values, `${where} none`);
          expectClose(none.grad.pred!.data, ref.gradPred, `${where} grad pred`);
          expect(none.grad.var!.shape, where).toEqual(vs);
          expectClose(none.grad.var!.data, ref.gradVar, `${where} grad var`);
          const mean = fl.loss('GaussianNLLLoss', options).withGrad(inputs);
          expectClose(mean.value as number, sum(ref.values) / n, `${where} mean`);
          expectClose(mean.grad.var!.data, Array.from(ref.gradVar, (g) => g / n), `${where} mean grad var`);
        }
      }
    }
  });

  it('tiles that cut rows (arrays staged), and the same in place', async () => {
    const fl = await instance(impl);
    for (const [shape, vs] of [[[3, 7001, 7], [3, 1, 7]], [[5, 9001], [5]], [[40001], []], [[2, 20001], [2, 20001]], [[6001, 5], [1, 5]]] as const) {
      const n = size(shape);
      const p = uniform(n, n, -2, 2);
      const t = uniform(n, n + 1, -2, 2);
      const v = uniform(size(vs), n + 2, 0.1, 2);
      const ref = gaussianNllReference(p, t, v, shape, vs);
      const loss = fl.loss('gaussian_nll', { reduction: 'sum' });
      for (const form of ['arrays', 'tensors'] as const) {
        const tensor = (data: Float32Array, s: readonly number[]) => {
          const x = fl.tensor(s);
          x.data.set(data);
          return x;
        };
        const inputs =
          form === 'arrays'
            ? { pred: { data: p, shape: [...shape] }, target: { data: t, shape: [...shape] }, var: { data: v, shape: [...vs] } }
            : { pred: tensor(p, shape), target: tensor(t, shape), var: tensor(v, vs) };
        const r = loss.withGrad(inputs);
        expectClose(r.value as number, sum(ref.values), `[${shape}] var [${vs}] ${form} value`);
        expectClose(r.grad.pred!.data, ref.gradPred, `[${shape}] ${form} grad pred`);
        expectClose(r.grad.var!.data, ref.gradVar, `[${shape}] var [${vs}] ${form} grad var`);
      }
    }
  });

  it("gradOutput of 'none', out for both gradients, every input form, a JS number var", async () => {
    const fl = await instance(impl);
    const shape = [2, 3];
    const p = Float32Array.of(0.5, -1, 2, 0.25, 1.5, -0.75);
    const t = Float32Array.of(0, 0.5, 1, -1, 1, 0);
    const v = Float32Array.of(0.5, 2);
    const ref = gaussianNllReference(p, t, v, shape, [2]);
    const up = Float32Array.of(1, -2, 0.5, 3, 0, 1);
    const gOut = new Float32Array(6);
    const vOut = new Float32Array(2);
    const r = fl.loss('gaussian_nll', { reduction: 'none' }).withGrad(
      { pred: { data: p, shape }, target: { data: t, shape }, var: v },
      { gradOutput: { data: up, shape }, out: { pred: gOut, var: vOut } },
    );
    expect(r.grad.pred!.data).toBe(gOut);
    expect(r.grad.var!.data).toBe(vOut);
    expectClose(gOut, Array.from(ref.gradPred, (g, e) => g * up[e]!), 'gradOutput pred');
    const gv = [0, 0];
    for (let e = 0; e < 6; e++) {
      const d = p[e]! - t[e]!;
      const vv = v[Math.floor(e / 3)]!;
      gv[Math.floor(e / 3)]! += up[e]! * 0.5 * (1 / vv - (d * d) / (vv * vv));
    }
    expectClose(vOut, gv, 'gradOutput var');
    const mean = sum(ref.values) / 6;
    const nested = (a: Float32Array) => [Array.from(a.subarray(0, 3)), Array.from(a.subarray(3))];
    const forms: Array<[string, TensorLike, TensorLike, TensorLike]> = [
      ['nested', nested(p), nested(t), Array.from(v)],
      ['Float64Array', { data: Float64Array.from(p), shape }, { data: Float64Array.from(t), shape }, { data: Float64Array.from(v), shape: [2] }],
      ['number[] data', { data: Array.from(p), shape }, { data: Array.from(t), shape }, { data: Array.from(v), shape: [2] }],
    ];
    for (const [label, a, b, c] of forms) expectClose(fl.loss('gaussian_nll')({ pred: a, target: b, var: c }) as number, mean, label);
    // one number, and a shape-[] tensor: the same
    const one = gaussianNllReference(p, t, [0.7], shape, []);
    expectClose(fl.loss('gaussian_nll')({ pred: { data: p, shape }, target: { data: t, shape }, var: 0.7 }) as number, sum(one.values) / 6, 'number var');
    const g = fl.loss('gaussian_nll', { reduction: 'sum' }).withGrad({ pred: { data: p, shape }, target: { data: t, shape }, var: { data: [0.7], shape: [] } });
    expect(g.grad.var!.shape).toEqual([]);
    expectClose(g.grad.var!.data, one.gradVar, 'shape-[] var gradient');
  });

  it("torch's clamp: the value at eps, the var gradient as if unclamped (also at var 0); eps 0 with var 0 is NaN", async () => {
    const fl = await instance(impl);
    const r = fl.loss('gaussian_nll', { reduction: 'none' }).withGrad({ pred: [1, 2, 1], target: [0, 0, 0], var: [0.5, 1e-8, 0] });
    expectClose(values(r.value), [0.5 * (Math.log(0.5) + 2), 0.5 * (Math.log(1e-6) + 4e6), 0.5 * (Math.log(1e-6) + 1e6)], 'clamped values', {}, 1e-6);
    expectClose(r.grad.var!.data, [0.5 * (2 - 4), 0.5 * (1e6 - 4e12), 0.5 * (1e6 - 1e12)], 'unclamped gradient', {}, 1e-6);
    expect(values(fl.loss('gaussian_nll', { eps: 0, reduction: 'none' })({ pred: [1], target: [0], var: [0] }))[0]).toBeNaN();
  });

  it("refuses var's shapes torch refuses, a negative variance, another target shape, a negative eps; empty is NaN / 0", async () => {
    const fl = await instance(impl);
    const pt = { pred: { data: new Float32Array(24), shape: [6, 4] }, target: { data: new Float32Array(24), shape: [6, 4] } };
    for (const vs of [[1, 1], [1], [6, 4, 1], [6, 5], [4]]) {
      const e = expectLossError(() => fl.loss('gaussian_nll')({ ...pt, var: { data: new Float32Array(size(vs)).fill(1), shape: vs } }), 'SHAPE_MISMATCH', `var [${vs}]`);
      expect(e.argument).toBe('var');
    }
    const neg = expectLossError(() => fl.loss('gaussian_nll')({ pred: [1, 2, 3], target: [0, 0, 0], var: [1, -0.5, 2] }), 'LABEL_OUT_OF_RANGE', 'negative');
    expect([neg.argument, neg.received]).toEqual(['var[1]', '-0.5']);
    expectLossError(() => fl.loss('gaussian_nll')({ pred: [[1, 2]], target: [[1, 2]], var: [-1] }), 'LABEL_OUT_OF_RANGE', 'negative row variance');
    // in the first of several vectors of a variance per element (the SIMD body), and among variances broadcast
    const nine = Float32Array.from({ length: 9 }, (_, i) => (i === 1 ? -2 : 1));
    const wide = expectLossError(() => fl.loss('gaussian_nll')({ pred: new Float32Array(9), target: new Float32Array(9), var: nine }), 'LABEL_OUT_OF_RANGE', 'negative in a SIMD body');
    expect(wide.argument).toBe('var[1]');
    expectLossError(() => fl.loss('gaussian_nll')({ pred: { data: new Float32Array(18), shape: [2, 9] }, target: { data: new Float32Array(18), shape: [2, 9] }, var: { data: nine, shape: [1, 9] } }), 'LABEL_OUT_OF_RANGE', 'negative broadcast');
    expectLossError(() => fl.loss('gaussian_nll')({ pred: [1, 2], target: [1], var: 1 }), 'SHAPE_MISMATCH', 'target');
    expectLossError(() => fl.loss('gaussian_nll', { eps: -1 }), 'BAD_OPTION', 'eps');
    expectLossError(() => fl.loss('gaussian_nll', { full: 1 as never }), 'BAD_OPTION', 'full');
    expectLossError(() => fl.loss('gaussian_nll')({ pred: [1], target: [1] } as never), 'MISSING_INPUT', 'var');
    const empty = { pred: { data: new Float32Array(0), shape: [0, 4] }, target: { data: new Float32Array(0), shape: [0, 4] }, var: { data: new Float32Array(0), shape: [0, 4] } };
    expect(fl.loss('gaussian_nll')(empty)).toBeNaN();
    expect(fl.loss('gaussian_nll', { reduction: 'sum' })(empty)).toBe(0);
  });

  it('streams as the whole batch (var per row sliced with pred, or one number)', async () => {
    const fl = await instance(impl);
    const shape = [8, 5];
    const p = uniform(40, 7, -2, 2);
    const t = uniform(40, 8, -2, 2);
    const v = uniform(8, 9, 0.2, 2);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const loss = fl.loss('gaussian_nll', { reduction, full: true });
      const whole = loss({ pred: { data: p, shape }, target: { data: t, shape }, var: { data: v, shape: [8] } });
      const acc = loss.accumulator();
      for (const [a, b] of [[0, 3], [3, 8]] as const) acc.update({ pred: { data: p.subarray(a * 5, b * 5), shape: [b - a, 5] }, target: { data: t.subarray(a * 5, b * 5), shape: [b - a, 5] }, var: { data: v.subarray(a, b), shape: [b - a] } });
      expectClose(values(acc.result()), values(whole), reduction);
    }
  });
});

describe('gaussian_nll: accuracy', () => {
  it('float32 data of 2^21 elements: the mean within 1e-6 of float64, for a var of pred and one per row', async () => {
    const fl = await instance(IMPLEMENTATIONS[1]!);
    const n = 1 << 21;
    const shape = [1024, n / 1024];
    const p = uniform(n, 31, -3, 3);
    const t = uniform(n, 32, -3, 3);
    for (const vs of [shape, [1024]]) {
      const v = uniform(size(vs), 33, 0.05, 3);
      const ref = gaussianNllReference(p, t, v, shape, vs);
      const x = fl.tensor(shape);
      x.data.set(p);
      const got = fl.loss('gaussian_nll')({ pred: x, target: { data: t, shape }, var: { data: v, shape: vs } });
      expectClose(got as number, sum(ref.values) / n, `var [${vs}]`);
      x.free();
    }
  });
});
