/**
 * Binary focal cross-entropy (Keras BinaryFocalCrossentropy, torchvision sigmoid_focal_loss) on every build and
 * the plain-JS path, against the float64 transcriptions of the frameworks' code in src/reference/focal.ts (checked
 * here against the real-framework fixtures first) and central finite differences of them: every tail length 1..33
 * and sizes past the SIMD bodies, each kind (probabilities, logits, torchvision) with γ 2 (the kernels' own branch)
 * and the general pow (0, 0.5, 1, 2.5, 3), class balancing and label smoothing; the edges of the frameworks (p_t = 1
 * exactly, saturated logits, a wrong logit's exact cost, m < 0); Keras's `axis` other than the last (values, the
 * gradient moved back, `out`, sampleWeight, streaming); every input form; the refusals; fast-check properties
 * (γ 0 is BCE; Keras on logits with class balancing is torchvision's mean); float32 sums of 2^21 elements within
 * 1e-6 of float64. The real-framework cases are test/fixtures/wave3/binary_focal_crossentropy.json (test/wave3.test.ts).
 */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutputTensor } from '../src/tensor.js';
import { kerasFocalElement, kerasFocalValues, torchvisionFocalElement, type KerasFocalOptions } from '../src/reference/focal.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, propertyRuns, rng, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const f32 = (xs: ArrayLike<number>) => Float32Array.from(xs);

/** Binary labels (and a few soft ones when `soft`), float32. */
function labels(n: number, seed: number, soft = false): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, (_, i) => (soft && i % 5 === 2 ? Math.fround(r()) : r() < 0.4 ? 1 : 0));
}

/** Central difference of an element function in float64 (the reference), at float32 inputs away from kinks. */
function slope(f: (x: number) => number, x: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
}

interface Kind {
  label: string;
  framework: 'tensorflow' | 'pytorch';
  options: Record<string, unknown>;
  /** The per-element term the reference gives, and the data a call gets. */
  element: (p: number, t: number) => number;
  pred: (n: number, seed: number) => Float32Array;
}

function kerasKind(o: KerasFocalOptions): Kind {
  return {
    label: `keras ${JSON.stringify(o)}`,
    framework: 'tensorflow',
    options: { ...o },
    element: (p, t) => kerasFocalElement(p, t, o),
    // probabilities inside the clip (the gradient is smooth there), or logits of either sign
    pred: (n, seed) => (o.fromLogits === true ? uniform(n, seed, -6, 6) : uniform(n, seed, 0.02, 0.98)),
  };
}

function torchKind(alpha: number, gamma: number): Kind {
  return {
    label: `torchvision alpha ${alpha} gamma ${gamma}`,
    framework: 'pytorch',
    options: { alpha, gamma },
    element: (x, t) => torchvisionFocalElement(x, t, alpha, gamma),
    pred: (n, seed) => uniform(n, seed, -6, 6),
  };
}

const KINDS: Kind[] = [
  kerasKind({}),
  kerasKind({ fromLogits: true }),
  kerasKind({ gamma: 0 }),
  kerasKind({ gamma: 0.5, labelSmoothing: 0.1 }),
  kerasKind({ gamma: 1, applyClassBalancing: true, alpha: 0.6 }),
  kerasKind({ gamma: 2.5, fromLogits: true, applyClassBalancing: true, labelSmoothing: 0.2 }),
  kerasKind({ gamma: 3, fromLogits: true }),
  torchKind(0.25, 2),
  torchKind(-1, 0),
  torchKind(0.7, 1.5),
];

describe('the float64 reference', () => {
  it('is real Keras and torchvision on every per-element case of the fixtures', () => {
    const cases = JSON.parse(readFileSync(new URL('./fixtures/wave3/binary_focal_crossentropy.json', import.meta.url), 'utf8')) as Array<{
      id: string; framework: string; options: Record<string, number | boolean | string>;
      inputs: Record<string, { shape: number[]; data: number[] }>; expected: { value?: number | string | { data: Array<number | string> }; error?: string };
    }>;
    let checked = 0;
    for (const c of cases) {
      if (c.expected.error !== undefined || c.inputs.sampleWeight !== undefined || c.options.reduction !== 'none' && c.framework === 'tensorflow') continue;
      if (c.framework === 'pytorch' && (c.options.reduction ?? 'none') !== 'none') continue;
      const { pred, target } = c.inputs;
      const o = c.options as KerasFocalOptions & { axis?: number };
      const v = c.expected.value!;
      const want = typeof v === 'object' ? v.data.map(Number) : [Number(v)];
      const got =
        c.framework === 'tensorflow'
          ? Array.from(kerasFocalValues(pred!.data, target!.data, pred!.shape, o.axis ?? -1, o).data)
          : pred!.data.map((x, i) => torchvisionFocalElement(x, target!.data[i]!, (o.alpha as number | undefined) ?? 0.25, (o.gamma as number | undefined) ?? 2));
      expectClose(got, want, c.id, {}, 1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});

describe.each(IMPLEMENTATIONS)('binary focal cross-entropy: $label', (impl) => {
  it('every tail length 1..33 and past the SIMD bodies, each kind: values and gradients against the reference and its finite differences', async () => {
    const fl = await instance(impl);
    for (const kind of KINDS) {
      for (const n of [...Array.from({ length: 33 }, (_, i) => i + 1), 64, 1031, 4099]) {
        const pred = kind.pred(n, n * 7 + 1);
        const target = labels(n, n * 13 + 5, kind.label.includes('Smoothing') || kind.framework === 'pytorch');
        const terms = Array.from(pred, (p, i) => kind.element(p, target[i]!));
        const sum = terms.reduce((a, b) => a + b, 0);
        const label = `${kind.label} n=${n}`;
        // per element ('none' on a [n, 1] pred: Keras's mean over an axis of 1 is the term itself)
        const shape = [n, 1];
        const none = fl.loss('focal', { ...kind.options, framework: kind.framework, reduction: 'none' });
        expectClose(values(none({ pred: { data: pred, shape }, target: { data: target, shape } })), terms, `${label} none`, { pred, target });
        // the scalar reductions on a flat [n] (Keras: one sample, the mean over it)
        const mean = fl.loss('focal', { ...kind.options, framework: kind.framework, reduction: kind.framework === 'pytorch' ? 'mean' : 'sum_over_batch_size' });
        const sumLoss = fl.loss('focal', { ...kind.options, framework: kind.framework, reduction: 'sum' });
        expectClose(mean({ pred, target }) as number, sum / n, `${label} mean`);
        expectClose(sumLoss({ pred: { data: pred, shape }, target: { data: target, shape } }) as number, sum, `${label} sum`);
        const { value, grad } = sumLoss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
        expectClose(value as number, sum, `${label} withGrad value`);
        const fd = Array.from(pred, (p, i) => slope((x) => kind.element(x, target[i]!), p));
        expectClose(grad.pred!.data, fd, `${label} gradient`, { pred, target }, 2e-5);
      }
    }
  });

  it("Keras's worked example, a wrong logit's exact cost, and the frameworks' edges", async () => {
    const fl = await instance(impl);
    // SEMANTICS: y [1, 0], p [0.9, 0.3], defaults → 0.016577, gradient [-0.016092, 0.171288]
    const r = fl.loss('BinaryFocalCrossentropy').withGrad({ pred: [0.9, 0.3], target: [1, 0] });
    expectClose(r.value as number, (0.01 * -Math.log(0.9) + 0.09 * -Math.log(0.7)) / 2, 'value');
    expectClose(r.grad.pred!.data, [-0.016092, 0.171288], 'gradient', {}, 5e-6);
    // on logits the BCE is exact (Keras's TF backend): a wrong logit of 20 costs 20 → mean 10
    expectClose(fl.loss('focal', { fromLogits: true })({ pred: [20, 20], target: [1, 0] }) as number, 10, 'wrong logit');
    // torchvision: a wrong logit of 40 costs (1 - α)·40; a right one about 0; ±1e4 exact
    const tv = fl.loss('sigmoid_focal_loss');
    expectClose(values(tv({ pred: [40, -1e4, 1e4], target: [0, 0, 0] })), [0.75 * 40, 0, 0.75 * 1e4], 'torchvision saturated');
    // p_t = 1 exactly (p 1 with y 1, p 0 with y 0): value 0; gradient 0 for γ > 1, NaN for γ < 1 in Keras (γ 0
    // included: TensorFlow's pow gradient there is 0·0^-1), 0 for torchvision's γ 0 (torch's pow_backward)
    for (const [gamma, want] of [[3, 0], [1, null], [0.25, NaN], [0, NaN]] as const) {
      const g = fl.loss('focal', { gamma, reduction: 'none' }).withGrad({ pred: [[1, 0]], target: [[1, 0]] });
      if (gamma !== 0) expect(values(g.value)[0]).toBe(0);
      for (const d of g.grad.pred!.data) if (want === null) expect(Number.isFinite(d), `γ ${gamma}`).toBe(true); else if (Number.isNaN(want)) expect(d, `γ ${gamma}`).toBeNaN(); else expect(d).toBe(want);
    }
    const torchZero = fl.loss('sigmoid_focal_loss', { gamma: 0, alpha: -1 }).withGrad({ pred: [200, -200], target: [1, 0] });
    expect(Array.from(torchZero.grad.pred!.data, Math.abs)).toEqual([0, 0]);
    // a correct logit of 20 with γ 0.5: 1 - p_t is 2e-9, not a float32 1 - 1 = 0, so the gradient is finite
    const far = fl.loss('focal', { fromLogits: true, gamma: 0.5, reduction: 'sum' }).withGrad({ pred: [[20], [-20]], target: [[1], [0]] });
    // f = m^½·b with m ≈ b ≈ e = e^-20: f' = -(½ + 1)·e^1.5 (a float64 1 - p_t is too coarse for finite differences here)
    const e = Math.exp(-20);
    expectClose(far.grad.pred!.data, [-1.5 * e ** 1.5, 1.5 * e ** 1.5], 'far logits', {}, 1e-4);
    // on logits the gradient is finite everywhere (fastloss's departure from the frameworks' NaN for γ < 1 where
    // their 1 - p_t rounds to 0: docs/semantics.md bfce): through |x| = 87.3, where exp(-|x|) underflows in float32
    // (the focal term's limit, 0), and past float64's 745, on every build and the plain-JS path alike
    const xs = [16, 17, 37, 87, 87.5, 90, 200, 800];
    const shape = [2 * xs.length, 1];
    const big = { pred: { data: f32([...xs, ...xs.map((x) => -x)]), shape }, target: { data: f32([...xs.map(() => 1), ...xs.map(() => 0)]), shape } };
    for (const [framework, gamma] of [['tensorflow', 0], ['tensorflow', 0.5], ['tensorflow', 2], ['pytorch', 0.5], ['pytorch', 0]] as const) {
      const o = framework === 'tensorflow' ? { fromLogits: true, gamma, reduction: 'none' as const } : { gamma, reduction: 'none' as const };
      const g = fl.loss('focal', { ...o, framework } as never).withGrad(big as never);
      for (const [i, d] of Array.from(g.grad.pred!.data).entries()) {
        expect(Number.isFinite(d), `${framework} γ ${gamma} x ${big.pred.data[i]}`).toBe(true);
        expect(Math.abs(d), `${framework} γ ${gamma} x ${big.pred.data[i]}`).toBeLessThan(2e-7);
      }
    }
    // m = 1 - p_t < 0 (a probability above 1 with label 1: Keras clips it in the BCE only): integer γ keeps
    // pow's sign, any other γ is NaN, as TensorFlow's pow
    const above = (gamma: number) => fl.loss('focal', { gamma, reduction: 'sum' })({ pred: [1.5], target: [1] }) as number;
    expectClose(above(3), kerasFocalElement(1.5, 1, { gamma: 3 }), 'γ 3 at p 1.5');
    expect(above(3)).toBeLessThan(0);
    expectClose(above(2), kerasFocalElement(1.5, 1, { gamma: 2 }), 'γ 2 at p 1.5');
    expect(above(2.5)).toBeNaN();
    // NaN propagates; an empty batch follows each framework (Keras 0; torch mean NaN, sum 0)
    expect(values(fl.loss('focal', { reduction: 'none' })({ pred: [[NaN, 0.5]], target: [[1, 0]] }))[0]).toBeNaN();
    expect(fl.loss('focal')({ pred: { data: [], shape: [0, 3] }, target: { data: [], shape: [0, 3] } })).toBe(0);
    expect(fl.loss('sigmoid_focal_loss', { reduction: 'mean' })({ pred: [], target: [] })).toBeNaN();
    expect(fl.loss('sigmoid_focal_loss', { reduction: 'sum' })({ pred: [], target: [] })).toBe(0);
    // torchvision's default reduction is 'none'
    expect(values(tv({ pred: [2, -1], target: [1, 1] })).length).toBe(2);
    expectClose(values(tv({ pred: [2, -1], target: [1, 1] })), [0.000451, 0.175467], 'torchvision example', {}, 5e-4);
  });

  it("Keras's axis other than the last: values, the gradient moved back, out, sampleWeight and the stream", async () => {
    const fl = await instance(impl);
    const shape = [4, 5, 6];
    const pred = uniform(120, 3, 0.05, 0.95);
    const target = labels(120, 4);
    for (const axis of [0, 1, -2, 2, -1]) {
      const o = { gamma: 1.5, applyClassBalancing: true, alpha: 0.3 };
      const want = kerasFocalValues(pred, target, shape, axis, o);
      const none = fl.loss('focal', { ...o, axis, reduction: 'none' });
      const got = none({ pred: { data: pred, shape }, target: { data: target, shape } }) as OutputTensor;
      expect(got.shape, `axis ${axis}`).toEqual(want.shape);
      expectClose(got.data, want.data, `axis ${axis} none`);
      // the gradient of the sum, element by element, against finite differences (each element sits in one sample)
      const a = axis < 0 ? axis + 3 : axis;
      const d = shape[a]!;
      const out = new Float32Array(120);
      const g = fl.loss('focal', { ...o, axis, reduction: 'sum' }).withGrad({ pred: { data: pred, shape }, target: { data: target, shape } }, { out: { pred: out } });
      expect(g.grad.pred!.data).toBe(out);
      expect(g.grad.pred!.shape).toEqual(shape);
      expectClose(g.value as number, want.data.reduce((s, v) => s + v, 0), `axis ${axis} sum`);
      expectClose(out, Array.from(pred, (p, i) => slope((x) => kerasFocalElement(x, target[i]!, o), p) / d), `axis ${axis} gradient`, {}, 2e-5);
      // sampleWeight on the per-sample values, in their order; 'none' with gradOutput
      const w = uniform(want.data.length, 9, 0, 2);
      const weighted = fl.loss('focal', { ...o, axis, reduction: 'sum' })({ pred: { data: pred, shape }, target: { data: target, shape }, sampleWeight: { data: w, shape: want.shape } }) as number;
      expectClose(weighted, want.data.reduce((s, v, i) => s + v * w[i]!, 0), `axis ${axis} weighted`);
      const up = none.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } }, { gradOutput: { data: w, shape: want.shape } });
      const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
      const sampleOf = (i: number) => Math.floor(i / (d * inner)) * inner + (i % inner);
      expectClose(up.grad.pred!.data, Array.from(pred, (p, i) => (w[sampleOf(i)]! * slope((x) => kerasFocalElement(x, target[i]!, o), p)) / d), `axis ${axis} gradOutput`, {}, 2e-5);
    }
    // streaming: batches along axis 0 give the whole call's mean for an axis past it; axis 0 is refused
    const byOne = fl.loss('focal', { axis: 1 });
    const acc = byOne.accumulator();
    for (let b = 0; b < 4; b++) acc.update({ pred: { data: pred.subarray(b * 30, b * 30 + 30), shape: [1, 5, 6] }, target: { data: target.subarray(b * 30, b * 30 + 30), shape: [1, 5, 6] } });
    expectClose(acc.result() as number, byOne({ pred: { data: pred, shape }, target: { data: target, shape } }) as number, 'streamed axis 1');
    expectLossError(() => fl.loss('focal', { axis: 0 }).accumulator().update({ pred: { data: pred, shape }, target: { data: target, shape } }), 'BAD_OPTION');
    expectLossError(() => fl.loss('focal', { axis: 3 })({ pred: { data: pred, shape }, target: { data: target, shape } }), 'BAD_OPTION');
  });

  it('every input form gives the same value and gradient', async () => {
    const fl = await instance(impl);
    const n = 300;
    const pred = uniform(n, 21, -4, 4);
    const target = labels(n, 22);
    const loss = fl.loss('sigmoid_focal_loss', { reduction: 'mean' });
    const want = loss({ pred, target }) as number;
    expectClose(want, Array.from(pred, (x, i) => torchvisionFocalElement(x, target[i]!)).reduce((a, b) => a + b, 0) / n, 'Float32Array');
    const rows = (x: Float32Array) => Array.from({ length: 30 }, (_, r) => Array.from(x.subarray(r * 10, r * 10 + 10)));
    const forms: Array<[string, unknown, unknown]> = [
      ['number[]', Array.from(pred), Array.from(target)],
      ['nested', rows(pred), rows(target)],
      ['Float64Array', Float64Array.from(pred), Float64Array.from(target)],
      ['{ data, shape }', { data: pred, shape: [30, 10] }, { data: target, shape: [30, 10] }],
    ];
    const tp = fl.tensor([n]);
    const tt = fl.tensor([n]);
    tp.data.set(pred);
    tt.data.set(target);
    forms.push(['fl.tensor', tp, tt]);
    const wantGrad = loss.withGrad({ pred, target }).grad.pred!.data;
    for (const [label, p, t] of forms) {
      expectClose(loss({ pred: p as never, target: t as never }) as number, want, label);
      expectClose(loss.withGrad({ pred: p as never, target: t as never }).grad.pred!.data, wantGrad, `${label} gradient`);
    }
    const out = fl.tensor([n]);
    const g = loss.withGrad({ pred: tp, target: tt }, { out: { pred: out } });
    expectClose(out.data as Float32Array, wantGrad, 'out tensor');
    expect(g.grad.pred!.data.buffer).toBe(out.data.buffer);
    for (const t of [tp, tt, out]) t.free();
  });

  it('refuses what the frameworks refuse, naming the option or input', async () => {
    const fl = await instance(impl);
    expectLossError(() => fl.loss('sigmoid_focal_loss', { alpha: 1.5 }), 'BAD_OPTION');
    expectLossError(() => fl.loss('sigmoid_focal_loss', { alpha: -0.5 }), 'BAD_OPTION');
    expectLossError(() => fl.loss('focal', { gamma: Infinity }), 'BAD_OPTION');
    expectLossError(() => fl.loss('focal', { gamma: '2' as never }), 'BAD_OPTION');
    expectLossError(() => fl.loss('focal', { labelSmoothing: 1.5 }), 'BAD_OPTION');
    expectLossError(() => fl.loss('focal', { axis: 0.5 }), 'BAD_OPTION');
    expectLossError(() => fl.loss('sigmoid_focal_loss', { fromLogits: true } as never), 'UNKNOWN_OPTION');
    expectLossError(() => fl.loss('focal', { framework: 'pytorch', labelSmoothing: 0.1 } as never), 'UNKNOWN_OPTION');
    expectLossError(() => fl.loss('focal', { posWeight: [1] } as never), 'UNKNOWN_OPTION');
    expectLossError(() => fl.loss('sigmoid_focal_loss')({ pred: [1, 2], target: [1] }), 'SHAPE_MISMATCH');
    expectLossError(() => fl.loss('focal', { axis: 1 })({ pred: { data: [1, 2, 3, 4], shape: [2, 2] }, target: [1, 0, 1] }), 'SHAPE_MISMATCH');
    expectLossError(() => fl.loss('focal')({ pred: [[0.5, 0.5], [0.1, 0.2]], target: [[1, 0], [0, 1]], sampleWeight: [1, 2, 3] }), 'SHAPE_MISMATCH');
    // Keras does not check alpha (any number weighs), nor γ; torchvision does not check γ
    expect(Number.isFinite(fl.loss('focal', { applyClassBalancing: true, alpha: 2, gamma: -1 })({ pred: [0.3], target: [1] }) as number)).toBe(true);
  });
});

describe('properties', () => {
  const impl = IMPLEMENTATIONS[1]!;
  const data = fc.integer({ min: 1, max: 300 }).chain((n) =>
    fc.tuple(
      fc.float32Array({ minLength: n, maxLength: n, min: -8, max: 8, noNaN: true }),
      fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
    ),
  );

  it('γ 0 is BCE: Keras in value (probabilities and logits), torchvision without α in value and gradient', async () => {
    const fl = await instance(impl);
    fc.assert(
      fc.property(data, fc.boolean(), ([x, t], logits) => {
        const pred = logits ? x : x.map((v) => Math.fround((v + 8) / 16));
        const focal = fl.loss('focal', { gamma: 0, fromLogits: logits })({ pred, target: f32(t) }) as number;
        const bce = fl.loss('bce', { fromLogits: logits })({ pred, target: f32(t) }) as number;
        expectClose(focal, bce, 'keras γ 0');
        const tv = fl.loss('sigmoid_focal_loss', { gamma: 0, alpha: -1, reduction: 'mean' }).withGrad({ pred: x, target: f32(t) });
        const torch = fl.loss('BCEWithLogitsLoss').withGrad({ pred: x, target: f32(t) });
        expectClose(tv.value as number, torch.value as number, 'torch γ 0');
        expectClose(tv.grad.pred!.data, torch.grad.pred!.data, 'torch γ 0 gradient', {}, 2e-6);
      }),
      { numRuns: propertyRuns(40), seed: 20261207 },
    );
  });

  it("Keras on logits with class balancing is torchvision's mean; focusing never costs more than BCE", async () => {
    const fl = await instance(impl);
    fc.assert(
      fc.property(data, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.5, 1, 2, 3), ([x, t], alpha, gamma) => {
        const keras = fl.loss('focal', { fromLogits: true, applyClassBalancing: true, alpha, gamma }).withGrad({ pred: x, target: f32(t) });
        const torch = fl.loss('sigmoid_focal_loss', { alpha, gamma, reduction: 'mean' }).withGrad({ pred: x, target: f32(t) });
        expectClose(keras.value as number, torch.value as number, 'value');
        expectClose(keras.grad.pred!.data, torch.grad.pred!.data, 'gradient');
        const plain = fl.loss('bce', { fromLogits: true })({ pred: x, target: f32(t) }) as number;
        const focal = fl.loss('focal', { fromLogits: true, gamma })({ pred: x, target: f32(t) }) as number;
        expect(focal).toBeLessThanOrEqual(plain * (1 + 1e-6));
      }),
      { numRuns: propertyRuns(40), seed: 20261208 },
    );
  });
});

describe('accuracy', () => {
  it('a float32 sum of 2^21 elements is within 1e-6 of float64, each kind, every build', async () => {
    const n = 2 ** 21 + 3;
    for (const impl of IMPLEMENTATIONS.slice(0, 3)) {
      const fl = await instance(impl);
      for (const kind of [KINDS[0]!, KINDS[5]!, KINDS[7]!]) {
        const pred = kind.pred(n, 99);
        const target = labels(n, 98);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += kind.element(pred[i]!, target[i]!);
        const got = fl.loss('focal', { ...kind.options, framework: kind.framework, reduction: 'sum' })({ pred, target }) as number;
        expect(Math.abs(got - (kind.framework === 'tensorflow' ? sum / n : sum)) / Math.abs(kind.framework === 'tensorflow' ? sum / n : sum), `${impl.label} ${kind.label}`).toBeLessThan(1e-6);
      }
    }
  });
});
