/**
 * torch MultiLabelSoftMarginLoss on every build and the plain-JS path, against the float64 transcription of torch's
 * code in src/reference/crossentropy.ts (checked here against the real-torch fixtures first, and its gradient
 * against central differences of its value): 1-D, 2-D and 3-D inputs, class counts 1..33 (the engine's tails),
 * every weight form ([C], [N, C], [N, 1], none), every reduction with gradOutput and `out`, every input form, the
 * edges (C = 0, an empty batch), the refusals, streaming. The real-torch cases are
 * test/fixtures/wave3/multilabel_soft_margin.json (test/wave3.test.ts).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutputTensor, TensorLike } from '../src/tensor.js';
import { multilabelSoftMarginReference } from '../src/reference/crossentropy.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, rng, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

function labels(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, (_, i) => (i % 5 === 2 ? Math.fround(r()) : r() < 0.5 ? 1 : 0));
}

interface FixtureCase {
  id: string;
  options: { reduction: string; weight?: { shape: number[]; data: number[] } };
  inputs: Record<string, { shape: number[]; data: number[] }>;
  expected: { value: number | { data: number[] } };
}

/** Index into a weight of `wshape` broadcast to `shape` (trailing axes aligned) for flat element i. */
function broadcastWeight(data: ArrayLike<number>, wshape: readonly number[], shape: readonly number[]): (i: number) => number {
  return (i) => {
    let j = 0;
    let stride = 1;
    for (let k = shape.length - 1, kw = wshape.length - 1; k >= 0; k--, kw--) {
      const coord = i % shape[k]!;
      i = Math.floor(i / shape[k]!);
      if (kw >= 0) {
        if (wshape[kw] !== 1) j += coord * stride;
        stride *= wshape[kw]!;
      }
    }
    return data[j]!;
  };
}

describe('the float64 reference of MultiLabelSoftMarginLoss', () => {
  it("is torch's own numbers on the real-torch cases of reduction 'none'", () => {
    const cases = JSON.parse(readFileSync(new URL('./fixtures/wave3/multilabel_soft_margin.json', import.meta.url), 'utf8')) as FixtureCase[];
    let checked = 0;
    for (const c of cases) {
      if (c.options.reduction !== 'none') continue;
      const { pred, target } = c.inputs;
      const w = c.options.weight;
      const ref = multilabelSoftMarginReference(pred!.data, target!.data, pred!.shape, w === undefined ? undefined : broadcastWeight(w.data, w.shape, pred!.shape));
      expectClose(ref.values, typeof c.expected.value === 'number' ? [c.expected.value] : c.expected.value.data, c.id);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('has the derivative of its value (central differences)', () => {
    const shape = [3, 5];
    const x = Float64Array.from(uniform(15, 2, -4, 4));
    const y = Float64Array.from(labels(15, 3));
    const w = (i: number) => 0.5 + (i % 3);
    const g = multilabelSoftMarginReference(x, y, shape, w).grad;
    for (let i = 0; i < 15; i++) {
      const up = x.slice();
      const down = x.slice();
      up[i]! += 1e-6;
      down[i]! -= 1e-6;
      const fd = (sum(multilabelSoftMarginReference(up, y, shape, w).values) - sum(multilabelSoftMarginReference(down, y, shape, w).values)) / 2e-6;
      expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-7);
    }
  });
});

describe.each(IMPLEMENTATIONS)('multilabel_soft_margin: $label', (impl) => {
  it('shapes, class counts 1..33, weight forms, every reduction: values and gradients', async () => {
    const fl = await instance(impl);
    for (const C of Array.from({ length: 33 }, (_, k) => k + 1)) {
      for (const shape of [[C], [3, C], [2, 2, C]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const N = n / C;
        const x = uniform(n, C * 7 + shape.length, -5, 5);
        const y = labels(n, C * 11 + shape.length);
        const forms: Array<[string, { data: Float32Array; shape: number[] } | undefined]> = [
          ['none', undefined],
          ['[C]', { data: uniform(C, C, 0.1, 2), shape: [C] }],
          ['[..., C]', { data: uniform(n, C + 1, 0.1, 2), shape }],
          ['[..., 1]', { data: uniform(N, C + 2, 0.1, 2), shape: [...shape.slice(0, -1), 1] }],
        ];
        for (const [label, weight] of forms) {
          const ref = multilabelSoftMarginReference(x, y, shape, weight === undefined ? undefined : broadcastWeight(weight.data, weight.shape, shape));
          const options = weight === undefined ? {} : { weight };
          const inputs = { pred: { data: x, shape }, target: { data: y, shape } };
          const where = `C ${C} [${shape}] weight ${label}`;
          const none = fl.loss('multilabel_soft_margin', { ...options, reduction: 'none' }).withGrad(inputs);
          expect((none.value as OutputTensor).shape, where).toEqual(shape.slice(0, -1));
          expectClose(values(none.value), ref.values, `${where} none`);
          expectClose(none.grad.pred!.data, ref.grad, `${where} none gradient`);
          const s = fl.loss('MultiLabelSoftMarginLoss', { ...options, reduction: 'sum' }).withGrad(inputs);
          expectClose(s.value as number, sum(ref.values), `${where} sum`);
          expectClose(s.grad.pred!.data, ref.grad, `${where} sum gradient`);
          const m = fl.loss('multilabel_soft_margin_loss', options).withGrad(inputs);
          expectClose(m.value as number, sum(ref.values) / N, `${where} mean`);
          expectClose(m.grad.pred!.data, Array.from(ref.grad, (g) => g / N), `${where} mean gradient`);
        }
      }
    }
  });

  it("gradOutput ('none': per sample; a scalar reduction: a number), out, and every input form", async () => {
    const fl = await instance(impl);
    const shape = [3, 4];
    const x = uniform(12, 5, -3, 3);
    const y = labels(12, 6);
    const ref = multilabelSoftMarginReference(x, y, shape);
    const up = Float32Array.of(2, -1, 0.5);
    const none = fl.loss('multilabel_soft_margin', { reduction: 'none' });
    const g = none.withGrad({ pred: { data: x, shape }, target: { data: y, shape } }, { gradOutput: { data: up, shape: [3] } }).grad.pred!.data;
    expectClose(g, Array.from(ref.grad, (v, i) => v * up[Math.floor(i / 4)]!), 'none, gradOutput');
    expectLossError(() => none.withGrad({ pred: { data: x, shape }, target: { data: y, shape } }, { gradOutput: { data: up, shape: [1, 3] } }), 'SHAPE_MISMATCH', 'gradOutput shape');
    const buffer = new Float32Array(12);
    const s = fl.loss('multilabel_soft_margin', { reduction: 'sum' }).withGrad({ pred: { data: x, shape }, target: { data: y, shape } }, { gradOutput: 3, out: { pred: buffer } });
    expect(s.grad.pred!.data).toBe(buffer);
    expectClose(buffer, Array.from(ref.grad, (v) => 3 * v), 'sum, gradOutput 3, out');
    const mean = fl.loss('multilabel_soft_margin');
    const nested = (a: Float32Array) => [Array.from(a.subarray(0, 4)), Array.from(a.subarray(4, 8)), Array.from(a.subarray(8, 12))];
    const t = fl.tensor(shape);
    t.data.set(x);
    const forms: Array<[string, TensorLike, TensorLike]> = [
      ['nested', nested(x), nested(y)],
      ['Float64Array', { data: Float64Array.from(x), shape }, { data: Float64Array.from(y), shape }],
      ['fl.tensor', t, { data: y, shape }],
    ];
    for (const [label, p, q] of forms) expectClose(mean({ pred: p, target: q }) as number, sum(ref.values) / 3, label);
    t.free();
  });

  it('the edges: no classes is NaN per sample, an empty batch is NaN (mean) and 0 (sum)', async () => {
    const fl = await instance(impl);
    const empty = new Float32Array(0);
    expect(values(fl.loss('multilabel_soft_margin', { reduction: 'none' })({ pred: { data: empty, shape: [2, 0] }, target: { data: empty, shape: [2, 0] } })).every(Number.isNaN)).toBe(true);
    expect(fl.loss('multilabel_soft_margin', { reduction: 'sum' })({ pred: { data: empty, shape: [2, 0] }, target: { data: empty, shape: [2, 0] } })).toBeNaN();
    expect(fl.loss('multilabel_soft_margin')({ pred: { data: empty, shape: [0, 4] }, target: { data: empty, shape: [0, 4] } })).toBeNaN();
    expect(fl.loss('multilabel_soft_margin', { reduction: 'sum' })({ pred: { data: empty, shape: [0, 4] }, target: { data: empty, shape: [0, 4] } })).toBe(0);
  });

  it('refuses a scalar input, a target of another shape, a weight that does not broadcast', async () => {
    const fl = await instance(impl);
    expectLossError(() => fl.loss('multilabel_soft_margin')({ pred: 1, target: 1 }), 'SHAPE_MISMATCH', 'rank 0');
    expectLossError(() => fl.loss('multilabel_soft_margin')({ pred: [[1, 2]], target: [1, 2] }), 'SHAPE_MISMATCH', 'target');
    expectLossError(() => fl.loss('multilabel_soft_margin', { weight: [1, 2, 3] })({ pred: [[1, 2]], target: [[1, 0]] }), 'SHAPE_MISMATCH', 'weight');
    const loose = fl.loss('multilabel_soft_margin') as unknown as (inputs: unknown, extra: unknown) => unknown;
    expectLossError(() => loose({ pred: [[1, 2]], target: [[1, 0]] }, {}), 'BAD_OPTION', 'second argument');
  });

  it('streams as the whole batch, every reduction', async () => {
    const fl = await instance(impl);
    const shape = [9, 5];
    const x = uniform(45, 8, -3, 3);
    const y = labels(45, 9);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const loss = fl.loss('multilabel_soft_margin', { reduction, weight: [1, 2, 0.5, 1, 3] });
      const whole = loss({ pred: { data: x, shape }, target: { data: y, shape } });
      const acc = loss.accumulator();
      for (const [a, b] of [[0, 4], [4, 9]] as const) acc.update({ pred: { data: x.subarray(a * 5, b * 5), shape: [b - a, 5] }, target: { data: y.subarray(a * 5, b * 5), shape: [b - a, 5] } });
      expectClose(values(acc.result()), values(whole), reduction);
    }
  });
});
