/**
 * Categorical focal cross-entropy (Keras CategoricalFocalCrossentropy) and its sparse form (class indices, Keras has
 * none: keras-team/keras#23442) on every build, against the float64 transcription of Keras's code in
 * src/reference/focal.ts and central finite differences of it: every class count 1..33, logits and probabilities,
 * γ 0, 0.5, 2, 2.5, α one number or one per class, label smoothing (K = pred's last axis, also with axis 0: Keras's
 * quirk), `axis` other than the last, ignoreClass with Keras's mask (the mean over the valid entries), every
 * reduction with sampleWeight; the edges (a zero row: NaN; C = 1); the refusals; fast-check properties (γ 0 and α 1
 * is Keras's CategoricalCrossentropy, value and gradient; the sparse loss is the dense one on one-hot labels). The
 * real-framework cases are test/fixtures/wave3/{categorical,sparse_categorical}_focal_crossentropy.json
 * (test/wave3.test.ts).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutputTensor } from '../src/tensor.js';
import { kerasCategoricalFocalValues, type KerasCategoricalFocalOptions } from '../src/reference/focal.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, propertyRuns, rng, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

/** Rows of probabilities (or logits) [rows, C] and their labels; one-hot targets of them. */
function rows(n: number, C: number, seed: number, logits: boolean): { pred: Float32Array; labels: Int32Array; onehot: Float32Array } {
  const r = rng(seed);
  const pred = logits ? uniform(n * C, seed, -4, 4) : Float32Array.from({ length: n * C }, () => 0.02 + r());
  const labels = Int32Array.from({ length: n }, () => Math.floor(r() * C));
  const onehot = Float32Array.from({ length: n * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0));
  return { pred, labels, onehot };
}

/** ∂(Σ_rows w_r·value_r)/∂pred by central differences of the float64 reference. */
function finiteDifferences(pred: Float32Array, target: ArrayLike<number>, shape: number[], o: KerasCategoricalFocalOptions, sparse: boolean, w: ArrayLike<number> | null = null): number[] {
  const x = Float64Array.from(pred);
  const total = () => Array.from(kerasCategoricalFocalValues(x, target, shape, o, sparse)).reduce((s, v, i) => s + v * (w === null ? 1 : w[i]!), 0);
  return Array.from(pred, (p, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(p));
    x[i] = p + h;
    const up = total();
    x[i] = p - h;
    const down = total();
    x[i] = p;
    return (up - down) / (2 * h);
  });
}

const OPTION_SETS: KerasCategoricalFocalOptions[] = [
  {},
  { fromLogits: true },
  { gamma: 0, alpha: 1 },
  { gamma: 0.5, labelSmoothing: 0.1 },
  { gamma: 2.5, fromLogits: true, labelSmoothing: 0.2 },
];

describe.each(IMPLEMENTATIONS)('categorical focal cross-entropy: $label', (impl) => {
  it('every class count 1..33, dense and sparse, each option set: values and gradients against the reference and its finite differences', async () => {
    const fl = await instance(impl);
    for (const o of OPTION_SETS) {
      for (let C = 1; C <= 33; C++) {
        const n = 3;
        const { pred, labels, onehot } = rows(n, C, C * 31 + 7, o.fromLogits === true);
        const shape = [n, C];
        const want = kerasCategoricalFocalValues(pred, onehot, shape, o);
        const label = `${JSON.stringify(o)} C=${C}`;
        const dense = fl.loss('categorical_focal', { ...o, reduction: 'none' } as never);
        const sparse = fl.loss('sparse_focal', { ...o, reduction: 'none' } as never);
        expectClose(values(dense({ pred: { data: pred, shape }, target: { data: onehot, shape } } as never)), want, `${label} dense`);
        expectClose(values(sparse({ pred: { data: pred, shape }, target: labels } as never)), want, `${label} sparse`);
        if (C === 1) continue; // one class: every row is 1 after the renormalisation, clipped: gradient 0 (below)
        const sum = fl.loss('cfce', { ...o, reduction: 'sum' } as never).withGrad({ pred: { data: pred, shape }, target: { data: onehot, shape } } as never);
        expectClose(sum.value as number, want.reduce((a, b) => a + b, 0), `${label} sum`);
        expectClose(sum.grad.pred!.data, finiteDifferences(pred, onehot, shape, o, false), `${label} gradient`, {}, 2e-5);
        const sg = fl.loss('scfce', { ...o, reduction: 'sum' } as never).withGrad({ pred: { data: pred, shape }, target: labels } as never);
        expectClose(sg.grad.pred!.data, sum.grad.pred!.data, `${label} sparse gradient`);
      }
    }
  });

  it('α per class, axis other than the last (label smoothing over pred\'s last axis), ignoreClass and sample weights in every reduction', async () => {
    const fl = await instance(impl);
    // α per class
    const { pred, labels, onehot } = rows(5, 4, 11, true);
    const alpha = [0.4, 0.1, 0.3, 0.2];
    const o = { fromLogits: true, alpha, labelSmoothing: 0.1 };
    const want = kerasCategoricalFocalValues(pred, onehot, [5, 4], o);
    expectClose(values(fl.loss('categorical_focal', { ...o, reduction: 'none' })({ pred: { data: pred, shape: [5, 4] }, target: { data: onehot, shape: [5, 4] } })), want, 'α per class');
    const g = fl.loss('sparse_focal', { ...o, reduction: 'sum' }).withGrad({ pred: { data: pred, shape: [5, 4] }, target: labels });
    expectClose(g.grad.pred!.data, finiteDifferences(pred, labels, [5, 4], o, true), 'α per class: gradient', {}, 2e-5);
    // axis 1 of [2, 3, 5]: classes along axis 1, K = 5 (the last axis) for the smoothing
    const shape = [2, 3, 5];
    const x = uniform(30, 12, -3, 3);
    const r = rng(13);
    const cls = Int32Array.from({ length: 10 }, () => Math.floor(r() * 3));
    const hot = new Float32Array(30);
    for (let i = 0; i < 2; i++) for (let k = 0; k < 5; k++) hot[(i * 3 + cls[i * 5 + k]!) * 5 + k] = 1;
    const ao = { axis: 1, fromLogits: true, labelSmoothing: 0.3, gamma: 1.5 };
    const wantAxis = kerasCategoricalFocalValues(x, hot, shape, ao);
    const dense = fl.loss('cfce', { ...ao, reduction: 'none' });
    const got = dense({ pred: { data: x, shape }, target: { data: hot, shape } }) as OutputTensor;
    expect(got.shape).toEqual([2, 5]);
    expectClose(got.data, wantAxis, 'axis 1');
    expectClose(values(fl.loss('scfce', { ...ao, reduction: 'none' })({ pred: { data: x, shape }, target: { data: cls, shape: [2, 5] } })), wantAxis, 'axis 1 sparse');
    const ga = fl.loss('scfce', { ...ao, reduction: 'sum' }).withGrad({ pred: { data: x, shape }, target: { data: cls, shape: [2, 5] } });
    expectClose(ga.grad.pred!.data, finiteDifferences(x, cls, shape, ao, true), 'axis 1 gradient', {}, 2e-5);
    // ignoreClass: ignored entries count 0, the mean divides by the others; weights multiply the mask
    const ig = { fromLogits: true, ignoreClass: 2 };
    const base = kerasCategoricalFocalValues(pred, labels, [5, 4], ig, true);
    const valid = Array.from(labels).filter((y) => y !== 2).length;
    const w = [1, 2, 0.5, 3, 1.5];
    const target = labels;
    const masked = base.map((v, i) => (labels[i] === 2 ? 0 : v));
    const cases: Array<[string, number]> = [
      ['sum_over_batch_size', masked.reduce((a, b, i) => a + b * w[i]!, 0) / valid],
      ['sum', masked.reduce((a, b, i) => a + b * w[i]!, 0)],
      ['mean_with_sample_weight', masked.reduce((a, b, i) => a + b * w[i]!, 0) / w.reduce((a, b, i) => a + (labels[i] === 2 ? 0 : b), 0)],
    ];
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(5);
    for (const [reduction, v] of cases) {
      const loss = fl.loss('sparse_focal', { ...ig, reduction: reduction as 'sum' });
      expectClose(loss({ pred: { data: pred, shape: [5, 4] }, target, sampleWeight: w }) as number, v, `ignoreClass ${reduction}`);
      // streamed in two batches: the same
      const acc = loss.accumulator();
      acc.update({ pred: { data: pred.subarray(0, 8), shape: [2, 4] }, target: target.subarray(0, 2), sampleWeight: w.slice(0, 2) });
      acc.update({ pred: { data: pred.subarray(8), shape: [3, 4] }, target: target.subarray(2), sampleWeight: w.slice(2) });
      expectClose(acc.result() as number, v, `ignoreClass ${reduction} streamed`);
    }
    const gi = fl.loss('sparse_focal', { ...ig, reduction: 'sum' }).withGrad({ pred: { data: pred, shape: [5, 4] }, target });
    for (let i = 0; i < 5; i++) if (labels[i] === 2) expect(Array.from(gi.grad.pred!.data.subarray(i * 4, i * 4 + 4))).toEqual([0, 0, 0, 0]);
  });

  it("Keras's worked example and edges: a row of zeros is NaN, one class is α·ε^γ·log(1 - ε) with gradient 0", async () => {
    const fl = await instance(impl);
    // SEMANTICS: y [0, 1, 0], p [0.2, 0.6, 0.2] → 0.25·0.4²·0.5108 = 0.020433, gradient [0.101299, -0.067533, 0.101299]
    const r = fl.loss('CategoricalFocalCrossentropy').withGrad({ pred: [[0.2, 0.6, 0.2]], target: [[0, 1, 0]] });
    expectClose(r.value as number, 0.25 * 0.16 * -Math.log(0.6), 'value');
    expectClose(r.grad.pred!.data, [0.101299, -0.067533, 0.101299], 'gradient', {}, 1e-5);
    const zero = fl.loss('cfce', { reduction: 'none' }).withGrad({ pred: [[0, 0, 0]], target: [[0, 1, 0]] });
    expect(values(zero.value)[0]).toBeNaN();
    for (const d of zero.grad.pred!.data) expect(d).toBeNaN();
    const one = fl.loss('cfce', { reduction: 'none', gamma: 2 }).withGrad({ pred: [[0.3], [5]], target: [[1], [1]] });
    expectClose(values(one.value), [0.25 * 1e-14 * -Math.log(1 - 1e-7), 0.25 * 1e-14 * -Math.log(1 - 1e-7)], 'one class', {}, 1e-5);
    expect(Array.from(one.grad.pred!.data, Math.abs)).toEqual([0, 0]);
    // a confidently wrong row on logits is clipped (no exact path here, unlike the binary loss): α(1 - ε)^γ·16.118, gradient 0
    const wrong = fl.loss('cfce', { fromLogits: true, reduction: 'none' }).withGrad({ pred: [[100, -100]], target: [[0, 1]] });
    expectClose(values(wrong.value), [0.25 * (1 - 1e-7) ** 2 * -Math.log(1e-7)], 'wrong row', {}, 1e-6);
    expect(Array.from(wrong.grad.pred!.data, Math.abs)).toEqual([0, 0]);
  });

  it('refuses what Keras refuses, and what fastloss does not guess', async () => {
    const fl = await instance(impl);
    const pred = { data: uniform(12, 3, 0.1, 1), shape: [3, 4] };
    expectLossError(() => fl.loss('cfce', { alpha: [0.1, 0.2] })({ pred, target: { data: new Float32Array(12), shape: [3, 4] } }), 'SHAPE_MISMATCH');
    expectLossError(() => fl.loss('cfce', { alpha: [0.1, 0.2, 0.3], axis: 0 })({ pred, target: { data: new Float32Array(12), shape: [3, 4] } }), 'BAD_OPTION');
    expectLossError(() => fl.loss('cfce', { alpha: [] as number[] }), 'BAD_OPTION');
    expectLossError(() => fl.loss('cfce', { alpha: [0.1, NaN] }), 'BAD_OPTION');
    expectLossError(() => fl.loss('cfce', { gamma: NaN }), 'BAD_OPTION');
    expectLossError(() => fl.loss('scfce')({ pred, target: [0, 4, 1] }), 'LABEL_OUT_OF_RANGE');
    expectLossError(() => fl.loss('scfce')({ pred, target: [0, -1, 1] }), 'LABEL_OUT_OF_RANGE');
    expectLossError(() => fl.loss('scfce')({ pred, target: [0, 1.5, 1] }), 'BAD_DTYPE');
    expectLossError(() => fl.loss('scfce')({ pred, target: [0, 1] }), 'SHAPE_MISMATCH');
    const e = expectLossError(() => fl.loss('cfce')({ pred, target: [0, 1, 2] }), 'SHAPE_MISMATCH');
    expect(e.suggestion).toBe('sparse_categorical_focal_crossentropy');
    expectLossError(() => fl.loss('cfce', { ignoreClass: 1 } as never), 'UNKNOWN_OPTION');
  });
});

describe('properties', () => {
  const impl = IMPLEMENTATIONS[1]!;
  const data = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean());

  it("γ 0 and α 1 is Keras's CategoricalCrossentropy; the sparse loss is the dense one on one-hot labels", async () => {
    const fl = await instance(impl);
    fc.assert(
      fc.property(data, fc.double({ min: 0, max: 0.5, noNaN: true }), ([n, C, seed, logits], ls) => {
        const { pred, labels, onehot } = rows(n, C, seed, logits);
        const shape = [n, C];
        const inputs = { pred: { data: pred, shape }, target: { data: onehot, shape } };
        const focal = fl.loss('cfce', { gamma: 0, alpha: 1, fromLogits: logits, labelSmoothing: ls }).withGrad(inputs);
        const cce = fl.loss('categorical_crossentropy', { fromLogits: logits, labelSmoothing: ls }).withGrad(inputs);
        expectClose(focal.value as number, cce.value as number, 'value');
        expectClose(focal.grad.pred!.data, cce.grad.pred!.data, 'gradient', {}, 2e-6);
        const sparse = fl.loss('scfce', { fromLogits: logits, labelSmoothing: ls, gamma: 1.5 }).withGrad({ pred: inputs.pred, target: labels });
        const dense = fl.loss('cfce', { fromLogits: logits, labelSmoothing: ls, gamma: 1.5 }).withGrad(inputs);
        expectClose(sparse.value as number, dense.value as number, 'sparse value');
        expectClose(sparse.grad.pred!.data, dense.grad.pred!.data, 'sparse gradient');
      }),
      { numRuns: propertyRuns(40), seed: 20261209 },
    );
  });
});
