/**
 * Dice and Tversky (Keras 3) on every build and the plain-JS path, against the float64 transcription of Keras's
 * code in src/reference/overlap.ts (checked here against the real-Keras fixtures first, and its gradient against
 * central differences of its value): every way `axis` groups elements (null, one axis, negative, a run of axes
 * before, between and after kept ones, axes that are not one run and take the moved copy, the empty list, size-1
 * axes), tail lengths 1..33 on both axes the kernels walk (a group's run and a row of groups), tiles that cut rows
 * of groups mid-way, every input form, `out`, gradOutput, every reduction with sampleWeight (the value of shape []
 * that Keras returns as it is, and that a weight broadcasts), the edges (all zero, empty), the refusals, streaming,
 * fast-check properties, and float32 sums of 2^21 elements of either sign within 1e-6 of float64. The real-Keras
 * cases are test/fixtures/wave3/dice.json and tversky.json (test/wave3.test.ts).
 */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutputTensor, TensorLike } from '../src/tensor.js';
import { overlapReference, type OverlapOptions } from '../src/reference/overlap.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, propertyRuns, rng, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor in wasm memory holding `data`. */
function tensorOf(fl: Awaited<ReturnType<typeof instance>>, data: Float32Array, shape: readonly number[]) {
  const x = fl.tensor(shape);
  x.data.set(data);
  return x;
}

/** Binary targets, with a few soft ones. */
function targets(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? Math.fround(r()) : r() < 0.4 ? 1 : 0));
}

interface FixtureCase {
  id: string;
  options: Record<string, unknown>;
  inputs: Record<string, { shape: number[]; data: number[] }>;
  expected: { value?: number | { data: number[] }; grad?: { pred: { data: number[] } } };
}

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/wave3/${name}.json`, import.meta.url), 'utf8')) as FixtureCase[];

describe('the float64 reference of Dice and Tversky', () => {
  it("is Keras's own numbers on the real-Keras cases of reduction 'none' (value and gradient)", () => {
    let checked = 0;
    for (const [name, cases] of [['dice', fixture('dice')], ['tversky', fixture('tversky')]] as const) {
      for (const c of cases) {
        if (c.options.reduction !== 'none' || c.inputs.sampleWeight !== undefined) continue;
        const { pred, target } = c.inputs;
        const o: OverlapOptions = { axis: (c.options.axis as number | number[] | null | undefined) ?? null };
        if (name === 'tversky') Object.assign(o, { alpha: (c.options.alpha as number | undefined) ?? 0.5, beta: (c.options.beta as number | undefined) ?? 0.5 });
        const ref = overlapReference(pred!.data, target!.data, pred!.shape, o);
        const want = typeof c.expected.value === 'number' ? [c.expected.value] : c.expected.value!.data;
        expectClose(ref.values, want, `${c.id} value`);
        expectClose(ref.grad, c.expected.grad!.pred.data, `${c.id} grad`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("has the derivative of its value (central differences)", () => {
    const shape = [3, 4, 5];
    const p = Float64Array.from(uniform(60, 3, 0, 1));
    const t = Float64Array.from(targets(60, 4));
    for (const o of [{ axis: null }, { axis: [1] }, { axis: [0, 2], alpha: 0.3, beta: 0.8 }, { alpha: 1.2, beta: 0.1 }] as OverlapOptions[]) {
      const total = (x: Float64Array) => overlapReference(x, t, shape, o).values.reduce((a, b) => a + b, 0);
      const g = overlapReference(p, t, shape, o).grad;
      for (let e = 0; e < 60; e += 7) {
        const h = 1e-6;
        const up = p.slice();
        const down = p.slice();
        up[e]! += h;
        down[e]! -= h;
        expect(Math.abs((total(up) - total(down)) / (2 * h) - g[e]!), `${JSON.stringify(o)} e=${e}`).toBeLessThan(1e-7);
      }
    }
  });
});

/** The axis cases: the block each takes (see src/losses/overlap.part.ts overlapGroups). */
const AXES: ReadonlyArray<{ shape: number[]; axis: number | number[] | null; label: string }> = [
  { shape: [4, 5, 6], axis: null, label: 'null: one group' },
  { shape: [4, 5, 6], axis: [1, 2], label: 'trailing run: [O, R, 1]' },
  { shape: [4, 5, 6], axis: -1, label: 'negative axis' },
  { shape: [4, 5, 6], axis: [0, 1], label: 'leading run: [1, R, I]' },
  { shape: [3, 4, 5, 6], axis: [1, 2], label: 'middle run: [O, R, I] (channels last)' },
  { shape: [4, 5, 6], axis: 0, label: 'axis 0' },
  { shape: [4, 5, 6], axis: [0, 2], label: 'not one run: the moved copy' },
  { shape: [3, 4, 2, 5], axis: [3, 1], label: 'not one run, unordered' },
  { shape: [4, 1, 6], axis: [1], label: 'a size-1 axis only: groups of one' },
  { shape: [4, 1, 6, 1], axis: [1, 2], label: 'size-1 axes around the run' },
  { shape: [4, 5, 1, 6], axis: [0, 2, 3], label: 'a size-1 axis between reduced ones that are not one run' },
  { shape: [4, 5, 6], axis: [], label: 'no axis: every element its own group' },
  { shape: [], axis: null, label: 'a scalar' },
];

/** Tail lengths on the axes the kernels walk: a group's run (R) and a row of groups (I). */
const TAILS = Array.from({ length: 33 }, (_, k) => k + 1);

const LOSSES: ReadonlyArray<{ name: string; options: OverlapOptions }> = [
  { name: 'dice', options: {} },
  { name: 'tversky', options: { alpha: 0.5, beta: 0.5 } },
  { name: 'tversky', options: { alpha: 0.7, beta: 0.2 } },
];

function optionsOf(l: { name: string; options: OverlapOptions }, axis: number | number[] | null, reduction: string): Record<string, unknown> {
  return { ...(l.name === 'tversky' ? { alpha: l.options.alpha, beta: l.options.beta } : {}), axis, reduction };
}

describe.each(IMPLEMENTATIONS)('dice and tversky: $label', (impl) => {
  it.each(LOSSES)('$name $options: every way axis groups elements (values and gradient)', async (l) => {
    const fl = await instance(impl);
    for (const { shape, axis, label } of AXES) {
      const n = size(shape);
      const pred = uniform(n, 11 + n, -0.2, 1.2);
      const target = targets(n, 17 + n);
      const ref = overlapReference(pred, target, shape, { ...l.options, axis });
      const none = fl.loss(l.name, optionsOf(l, axis, 'none'));
      const out = none({ pred: { data: pred, shape }, target: { data: target, shape } }) as OutputTensor;
      expect(out.shape, label).toEqual(ref.shape);
      expectClose(out.data, ref.values, `${label} values`);
      const sum = fl.loss(l.name, optionsOf(l, axis, 'sum'));
      const r = sum.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
      expectClose(r.value as number, ref.values.reduce((a, b) => a + b, 0), `${label} sum`);
      expect(r.grad.pred!.shape, label).toEqual(shape);
      expectClose(r.grad.pred!.data, ref.grad, `${label} gradient`);
    }
  });

  it('tail lengths 1..33 on a group run and on a row of groups, values and gradients', async () => {
    const fl = await instance(impl);
    const loss = fl.loss('tversky', { alpha: 0.3, beta: 0.6, axis: 1, reduction: 'sum' });
    for (const k of TAILS) {
      for (const shape of [[2, k], [3, k, 5], [2, 6, k]]) {
        const n = size(shape);
        const pred = uniform(n, k, -1, 2);
        const target = targets(n, 100 + k);
        const ref = overlapReference(pred, target, shape, { axis: 1, alpha: 0.3, beta: 0.6 });
        const r = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
        expectClose(r.value as number, ref.values.reduce((a, b) => a + b, 0), `[${shape}] value`);
        expectClose(r.grad.pred!.data, ref.grad, `[${shape}] gradient`);
      }
    }
  });

  it('tiles that cut rows of groups mid-way (arrays staged tile by tile), and the same in place', async () => {
    const fl = await instance(impl);
    // I = 7 and R·I = 35000: the scratch tiles (16K elements) start and end inside rows and slabs
    for (const [shape, axis] of [[[3, 5000, 7], 1], [[2, 3, 7001], [1, 2]], [[40001], null], [[5, 9001], [-1]]] as const) {
      const n = size(shape);
      const pred = uniform(n, n, 0, 1);
      const target = targets(n, n + 1);
      const ref = overlapReference(pred, target, shape, { axis });
      const loss = fl.loss('dice', { axis, reduction: 'sum' });
      for (const form of ['array', 'tensor'] as const) {
        const p = form === 'array' ? { data: pred, shape: [...shape] } : tensorOf(fl, pred, [...shape]);
        const t = form === 'array' ? { data: target, shape: [...shape] } : tensorOf(fl, target, [...shape]);
        const r = loss.withGrad({ pred: p, target: t });
        expectClose(r.value as number, ref.values.reduce((a, b) => a + b, 0), `[${shape}] ${form} value`);
        expectClose(r.grad.pred!.data, ref.grad, `[${shape}] ${form} gradient`);
      }
    }
  });

  it('every input form gives the same value and gradient, and out is written in place', async () => {
    const fl = await instance(impl);
    const shape = [3, 2, 4];
    const pred = uniform(24, 5, 0, 1);
    const target = targets(24, 6);
    const nested = (x: Float32Array) => Array.from({ length: 3 }, (_, a) => Array.from({ length: 2 }, (_, b) => Array.from(x.subarray(a * 8 + b * 4, a * 8 + b * 4 + 4))));
    const ref = overlapReference(pred, target, shape, { axis: [1, 2] });
    const loss = fl.loss('dice', { axis: [1, 2] });
    const forms: Array<[string, TensorLike, TensorLike]> = [
      ['nested arrays', nested(pred), nested(target)],
      ['{ data: number[], shape }', { data: Array.from(pred), shape }, { data: Array.from(target), shape }],
      ['Float64Array', { data: Float64Array.from(pred), shape }, { data: Float64Array.from(target), shape }],
      ['Float32Array', { data: pred, shape }, { data: target, shape }],
      ['fl.tensor', tensorOf(fl, pred, shape), tensorOf(fl, target, shape)],
    ];
    const mean = ref.values.reduce((a, b) => a + b, 0) / 3;
    for (const [label, p, t] of forms) {
      const r = loss.withGrad({ pred: p, target: t });
      expectClose(r.value as number, mean, `${label} value`);
      expectClose(r.grad.pred!.data, Array.from(ref.grad, (g) => g / 3), `${label} gradient`);
    }
    const buffer = new Float32Array(24);
    const r = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } }, { out: { pred: buffer } });
    expect(r.grad.pred!.data).toBe(buffer);
    expectClose(buffer, Array.from(ref.grad, (g) => g / 3), 'out');
    const tensorOut = tensorOf(fl, new Float32Array(24), shape);
    const moved = fl.loss('dice', { axis: [0, 2] }).withGrad({ pred: tensorOf(fl, pred, shape), target: tensorOf(fl, target, shape) }, { out: { pred: tensorOut } });
    expectClose(moved.grad.pred!.data, Array.from(overlapReference(pred, target, shape, { axis: [0, 2] }).grad, (g) => g / 2), 'out tensor, moved copy');
    expectClose(tensorOut.data, moved.grad.pred!.data, 'the tensor holds it');
  });

  it("every reduction with and without sampleWeight, gradOutput for 'none'", async () => {
    const fl = await instance(impl);
    const shape = [4, 6];
    const pred = uniform(24, 8, 0, 1);
    const target = targets(24, 9);
    const w = Float32Array.of(0.5, 2, 0, 1.5);
    const inputs = { pred: { data: pred, shape }, target: { data: target, shape } };
    // per sample (axis 1): Keras's reduce_weighted_values of [N] values
    const per = overlapReference(pred, target, shape, { axis: 1 });
    const weighted = per.values.map((v, i) => v * w[i]!);
    const sumW = weighted.reduce((a, b) => a + b, 0);
    const cases: Array<['none' | 'sum' | 'sum_over_batch_size' | 'mean_with_sample_weight', number[] | number]> = [
      ['none', Array.from(weighted)],
      ['sum', sumW],
      ['sum_over_batch_size', sumW / 4],
      ['mean_with_sample_weight', sumW / 4],
    ];
    for (const [reduction, want] of cases) {
      const loss = fl.loss('dice', { axis: 1, reduction });
      const got = loss({ ...inputs, sampleWeight: w });
      expectClose(values(got), typeof want === 'number' ? [want] : want, `axis 1 ${reduction}`);
      const scale = reduction === 'sum_over_batch_size' || reduction === 'mean_with_sample_weight' ? 1 / 4 : 1;
      const g = loss.withGrad({ ...inputs, sampleWeight: w }).grad.pred!.data;
      expectClose(g, Array.from(per.grad, (x, e) => x * w[Math.floor(e / 6)]! * scale), `axis 1 ${reduction} gradient`);
    }
    // axis null: one value of shape [] that every reduction returns as it is, and that [N] weights broadcast
    const all = overlapReference(pred, target, shape).values[0]!;
    for (const reduction of ['none', 'sum', 'sum_over_batch_size', 'mean_with_sample_weight'] as const) {
      const loss = fl.loss('dice', { reduction });
      const v = loss(inputs);
      if (reduction === 'none') expect((v as OutputTensor).shape).toEqual([]);
      expectClose(values(v), [all], `null ${reduction}`);
    }
    const meanW = (0.5 + 2 + 0 + 1.5) / 4;
    expectClose(values(fl.loss('dice')({ ...inputs, sampleWeight: w })), [all * meanW], 'null, weights: l·mean(w)');
    expectClose(values(fl.loss('dice', { reduction: 'sum' })({ ...inputs, sampleWeight: w })), [all * 4 * meanW], 'null, weights: l·Σw');
    expectClose(values(fl.loss('dice', { reduction: 'mean_with_sample_weight' })({ ...inputs, sampleWeight: w })), [all], 'null, weights: l');
    expectClose(values(fl.loss('dice', { reduction: 'none' })({ ...inputs, sampleWeight: w })), Array.from(w, (x) => all * x), 'null, weights: l·w');
    const gNull = fl.loss('dice').withGrad({ ...inputs, sampleWeight: w }).grad.pred!.data;
    expectClose(gNull, Array.from(overlapReference(pred, target, shape).grad, (x) => x * meanW), 'null, weights: gradient');
    // gradOutput of 'none' per value
    const up = Float32Array.of(1, -2, 0.5, 3);
    const gUp = fl.loss('dice', { axis: 1, reduction: 'none' }).withGrad(inputs, { gradOutput: { data: up, shape: [4] } }).grad.pred!.data;
    expectClose(gUp, Array.from(per.grad, (x, e) => x * up[Math.floor(e / 6)]!), 'gradOutput');
  });

  it('the edges: all zero is 1 with a zero gradient, an empty input is 1, groups of no elements are 1', async () => {
    const fl = await instance(impl);
    const zeros = { pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } };
    for (const name of ['dice', 'tversky']) {
      const r = fl.loss(name, { axis: 1, reduction: 'none' }).withGrad(zeros);
      expect(values(r.value)).toEqual([1, 1]);
      expect(Array.from(r.grad.pred!.data)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(fl.loss(name)({ pred: [], target: [] })).toBe(1);
      expect(values(fl.loss(name, { axis: 1, reduction: 'none' })({ pred: { data: new Float32Array(0), shape: [3, 0] }, target: { data: new Float32Array(0), shape: [3, 0] } }))).toEqual([1, 1, 1]);
    }
    // Keras's squeeze_or_expand_to_same_rank: target [N, 1] against pred [N]
    expectClose(values(fl.loss('dice')({ pred: [0.5, 1], target: [[1], [0]] })), [1 - 1 / (2.5 + 1e-7)], 'squeezed target');
  });

  it('refuses a bad axis, shapes that differ, weights that do not broadcast, and streams of whole-batch values', async () => {
    const fl = await instance(impl);
    const inputs = { pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } };
    const e1 = expectLossError(() => fl.loss('dice', { axis: 2 })(inputs), 'BAD_OPTION', 'axis 2 of rank 2');
    expect(e1.message).toContain('rank 2');
    expectLossError(() => fl.loss('dice', { axis: -3 })(inputs), 'BAD_OPTION', 'axis -3');
    expect(expectLossError(() => fl.loss('tversky', { axis: [1, -1] })(inputs), 'BAD_OPTION', 'twice').message).toContain('each axis once');
    expectLossError(() => fl.loss('dice', { axis: 1.5 }), 'BAD_OPTION', 'a fractional axis');
    expectLossError(() => fl.loss('dice', { axis: '1' as never }), 'BAD_OPTION', 'a string axis');
    expectLossError(() => fl.loss('tversky', { alpha: Number.NaN }), 'BAD_OPTION', 'alpha NaN');
    expectLossError(() => fl.loss('tversky', { beta: 'x' as never }), 'BAD_OPTION', 'beta');
    expectLossError(() => fl.loss('dice')({ pred: inputs.pred, target: { data: new Float32Array(4), shape: [2, 2] } }), 'SHAPE_MISMATCH', 'target');
    expectLossError(() => fl.loss('dice', { axis: 1 })({ ...inputs, sampleWeight: [1, 2, 3] }), 'SHAPE_MISMATCH', 'weights');
    expectLossError(() => fl.loss('dice')({ pred: ['a'] as never, target: [1] }), 'BAD_DTYPE', 'a string');
    expectLossError(() => fl.loss('dice').accumulator().update(inputs), 'BAD_OPTION', 'stream of axis null');
    expectLossError(() => fl.loss('dice', { axis: [0, 1] }).accumulator().update(inputs), 'BAD_OPTION', 'stream over the batch axis');
  });

  it('streams per-sample values (axis [1, 2]) as the whole batch, every reduction', async () => {
    const fl = await instance(impl);
    const shape = [10, 3, 4];
    const pred = uniform(120, 21, 0, 1);
    const target = targets(120, 22);
    const w = uniform(10, 23, 0, 2);
    for (const reduction of ['sum', 'sum_over_batch_size', 'mean_with_sample_weight', 'none'] as const) {
      const loss = fl.loss('tversky', { alpha: 0.3, beta: 0.7, axis: [1, 2], reduction });
      const whole = loss({ pred: { data: pred, shape }, target: { data: target, shape }, sampleWeight: w });
      const acc = loss.accumulator();
      for (const [a, b] of [[0, 3], [3, 4], [4, 10]] as const) {
        acc.update({ pred: { data: pred.subarray(a * 12, b * 12), shape: [b - a, 3, 4] }, target: { data: target.subarray(a * 12, b * 12), shape: [b - a, 3, 4] }, sampleWeight: w.subarray(a, b) });
      }
      expectClose(values(acc.result()), values(whole), `stream ${reduction}`);
    }
  });
});

describe('dice and tversky: properties', () => {
  it('Dice is symmetric in pred and target; a binary mask against itself costs ~0; Tversky(0.5, 0.5) is Dice with 2ε', async () => {
    const fl = await instance(IMPLEMENTATIONS[1]!);
    const dice = fl.loss('dice', { axis: -1, reduction: 'none' });
    const tversky = fl.loss('tversky', { axis: -1, reduction: 'none' });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (d, rows, seed) => {
        const n = d * rows;
        const p = uniform(n, seed, 0, 1);
        const t = targets(n, seed + 1);
        const shape = [rows, d];
        const a = values(dice({ pred: { data: p, shape }, target: { data: t, shape } }));
        const b = values(dice({ pred: { data: t, shape }, target: { data: p, shape } }));
        expectClose(a, b, 'symmetric');
        const mask = Float32Array.from(t, (x) => (x >= 0.5 ? 1 : 0));
        // ~0 (ε/(2Σ)) for a row with a 1; a row of zeros is 0/ε: 1, as Keras
        const self = values(dice({ pred: { data: mask, shape }, target: { data: mask, shape } }));
        self.forEach((v, r) => {
          if (mask.subarray(r * d, (r + 1) * d).includes(1)) expect(v).toBeLessThan(1e-6);
          else expect(v).toBe(1);
        });
        const tv = values(tversky({ pred: { data: p, shape }, target: { data: t, shape } }));
        // Tversky(0.5, 0.5) = 1 - TP/(TP + (Y - TP)/2 + (P - TP)/2 + ε) = 1 - 2TP/(Y + P + 2ε)
        const direct = Array.from({ length: rows }, (_, r) => {
          let tp = 0;
          let y = 0;
          let q = 0;
          for (let c = 0; c < d; c++) {
            tp += p[r * d + c]! * t[r * d + c]!;
            y += t[r * d + c]!;
            q += p[r * d + c]!;
          }
          return 1 - (2 * tp) / (y + q + 2e-7);
        });
        expectClose(tv, direct, 'tversky 0.5 0.5');
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  it('float32 data of 2^21 elements of either sign: within 1e-6 of float64, per group and whole', async () => {
    const fl = await instance(IMPLEMENTATIONS[1]!);
    const n = 1 << 21;
    const shape = [4, n / 4];
    const p = uniform(n, 77, -1, 1);
    const t = uniform(n, 78, -1, 1);
    for (const axis of [null, [1]]) {
      const ref = overlapReference(p, t, shape, { axis, alpha: 0.4, beta: 0.9 });
      const got = fl.loss('tversky', { axis, alpha: 0.4, beta: 0.9, reduction: 'none' })({ pred: tensorOf(fl, p, shape), target: tensorOf(fl, t, shape) });
      expectClose(values(got), ref.values, `axis ${JSON.stringify(axis)}`);
    }
  });
});
