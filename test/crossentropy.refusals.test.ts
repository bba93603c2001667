/**
 * The cross-entropy rows' options and shapes at their edges, each refusal whole (code, loss, argument, expected,
 * received) and each edge that is accepted pinned by value: the families' suites assert the codes and the common
 * values; a changed word, or a bound moved by one, would pass them.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { refusal } from './helpers.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

const cce = 'categorical_crossentropy (tensorflow)';
const scce = 'sparse_categorical_crossentropy (tensorflow)';
const torchCe = 'categorical_crossentropy (pytorch)';

describe('cross-entropy options', () => {
  it('fromLogits is true or false', () => {
    expect(refusal(() => fl.loss('cce', { fromLogits: 'yes' } as never))).toEqual(['BAD_OPTION', cce, 'option "fromLogits"', 'true or false', '"yes"']);
    expect(refusal(() => fl.loss('cce', { fromLogits: 1 } as never))[4]).toBe('1');
  });

  it('integers: the axis, ignoreIndex, and ignoreClass (which may be null)', () => {
    expect(refusal(() => fl.loss('cce', { axis: 0.5 } as never))).toEqual(['BAD_OPTION', cce, 'option "axis"', 'an integer', '0.5']);
    // an integer axis that the call's pred does not have: named with pred's rank, both ends of the range
    const pred2 = { data: new Float32Array(6), shape: [2, 3] };
    for (const axis of [2, -3]) {
      expect(refusal(() => fl.loss('cce', { axis })({ pred: pred2, target: pred2 }))).toEqual(['BAD_OPTION', cce, 'option "axis"', 'an axis in [-2, 1] for pred of rank 2', String(axis)]);
    }
    expect(fl.loss('cce', { axis: -2 })({ pred: { data: Float32Array.of(0.5, 0.5, 0.5, 0.5), shape: [2, 2] }, target: { data: Float32Array.of(1, 0, 0, 1), shape: [2, 2] } })).toBeCloseTo(Math.log(2), 6);
    expect(refusal(() => fl.loss('CrossEntropyLoss', { ignoreIndex: 'none' } as never))).toEqual(['BAD_OPTION', torchCe, 'option "ignoreIndex"', 'an integer', '"none"']);
    expect(refusal(() => fl.loss('CrossEntropyLoss', { ignoreIndex: null } as never))).toEqual(['BAD_OPTION', torchCe, 'option "ignoreIndex"', 'an integer', 'null']);
    expect(refusal(() => fl.loss('scce', { ignoreClass: 1.5 } as never))).toEqual(['BAD_OPTION', scce, 'option "ignoreClass"', 'an integer or null', '1.5']);
    expect(fl.loss('scce', { ignoreClass: null } as never).options.ignoreClass).toBeNull();
    expect(fl.loss('scce', { ignoreClass: 2 }).options.ignoreClass).toBe(2);
  });

  it('labelSmoothing is in [0, 1], both ends included', () => {
    for (const bad of [-0.001, 1.001, NaN, '0.1']) {
      expect(refusal(() => fl.loss('cce', { labelSmoothing: bad } as never))).toEqual(['BAD_OPTION', cce, 'option "labelSmoothing"', 'a number in [0, 1]', typeof bad === 'string' ? '"0.1"' : String(bad)]);
    }
    // y ← y(1 - ls) + ls/C: at ls = 1 every class has 1/C, so the loss is the mean of -log p over the classes
    const pred = { data: Float32Array.of(0.25, 0.75), shape: [1, 2] };
    const target = { data: Float32Array.of(0, 1), shape: [1, 2] };
    expect(fl.loss('cce', { labelSmoothing: 1 })({ pred, target })).toBeCloseTo(-(Math.log(0.25) + Math.log(0.75)) / 2, 6);
    expect(fl.loss('cce', { labelSmoothing: 0 })({ pred, target })).toBeCloseTo(-Math.log(0.75), 6);
  });

  it("weight: a tensor or array of numbers, one per class", () => {
    expect(refusal(() => fl.loss('CrossEntropyLoss', { weight: 'heavy' } as never))).toEqual(['BAD_OPTION', torchCe, 'option "weight"', 'a tensor or array of numbers', '"heavy"']);
    const ce = fl.loss('CrossEntropyLoss', { weight: [1, 2] });
    const pred = { data: new Float32Array(6), shape: [2, 3] };
    expect(refusal(() => ce({ pred, target: [0, 1] }))).toEqual(['SHAPE_MISMATCH', torchCe, 'option "weight"', 'a 1-D weight of C = 3 elements (one per class)', 'shape [2]']);
    expect(refusal(() => fl.loss('CrossEntropyLoss', { weight: [[1, 2, 3]] })({ pred, target: [0, 1] }))[3]).toBe('a 1-D weight of C = 3 elements (one per class)');
  });
});

describe('cross-entropy shapes', () => {
  it('PyTorch: a scalar pred; targets that are neither class indices of the row shape nor probabilities of pred\'s', () => {
    const ce = fl.loss('CrossEntropyLoss');
    expect(refusal(() => ce({ pred: 1, target: 0 } as never))).toEqual(['SHAPE_MISMATCH', torchCe, 'pred', 'an input of shape [C], [N, C] or [N, C, d1, ...]', 'shape []']);
    const pred = { data: new Float32Array(6), shape: [2, 3] };
    expect(refusal(() => ce({ pred, target: [0, 1, 2] }))).toEqual([
      'SHAPE_MISMATCH', torchCe, 'target', "class indices of shape [2] (pred's shape without the class axis) or probabilities of pred's shape [2, 3]", 'shape [3]',
    ]);
    expect(refusal(() => fl.loss('NLLLoss')({ pred, target: [0, 1, 2] }))).toEqual([
      'SHAPE_MISMATCH', 'negative_log_likelihood (pytorch)', 'target', "class indices of shape [2] (pred's shape without the class axis)", 'shape [3]',
    ]);
    // a [C] pred with probabilities of [C] is the dense form, a number its one class index
    const one = { data: Float32Array.of(0, Math.log(3)), shape: [2] };
    const dense = ce({ pred: one, target: Float32Array.of(0, 1) });
    expect(dense).toBeCloseTo(-Math.log(0.75), 6);
    expect(ce({ pred: one, target: 1 })).toBeCloseTo(-Math.log(0.75), 6);
  });

  it('Keras sparse: labels [N] or [N, 1]; anything else named with the axis', () => {
    const scceLoss = fl.loss('scce');
    const pred = { data: Float32Array.of(0.25, 0.75, 0.5, 0.5), shape: [2, 2] };
    const want = -(Math.log(0.75) + Math.log(0.5)) / 2;
    expect(scceLoss({ pred, target: [1, 0] })).toBeCloseTo(want, 6);
    expect(scceLoss({ pred, target: [[1], [0]] })).toBeCloseTo(want, 6);
    expect(refusal(() => scceLoss({ pred, target: [[1, 0]] }))).toEqual(['SHAPE_MISMATCH', scce, 'target', "class indices of shape [2] (pred's shape without axis -1)", 'shape [1, 2]']);
    expect(refusal(() => scceLoss({ pred, target: [1, 0, 1] }))[4]).toBe('shape [3]');
    // a [C] pred is one sample: one label, as a number or a one-element array
    const one = { data: Float32Array.of(0.25, 0.75), shape: [2] };
    expect(scceLoss({ pred: one, target: 1 })).toBeCloseTo(-Math.log(0.75), 6);
    expect(scceLoss({ pred: one, target: [1] })).toBeCloseTo(-Math.log(0.75), 6);
    expect(refusal(() => fl.loss('cce')({ pred, target: { data: new Float32Array(6), shape: [2, 3] } }))).toEqual(['SHAPE_MISMATCH', cce, 'target', "pred's shape [2, 2]", 'shape [2, 3]']);
  });

  it('Keras sparse with ignoreClass: sample weights must not add axes', () => {
    const loss = fl.loss('scce', { ignoreClass: 0 });
    const pred = { data: new Float32Array(12).fill(0.5), shape: [2, 3, 2] };
    const target = { data: Float32Array.of(1, 0, 1, 1, 1, 0), shape: [2, 3] };
    for (const shape of [[4, 2, 3], [2, 1, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      expect(refusal(() => loss({ pred, target, sampleWeight: { data: new Float32Array(n).fill(1), shape } }))).toEqual([
        'SHAPE_MISMATCH', scce, 'sampleWeight', 'with ignoreClass, weights that broadcast to the per-sample shape [2, 3] without adding axes', `shape [${shape.join(', ')}]`,
      ]);
      // without ignoreClass the same weights broadcast
      expect(typeof fl.loss('scce')({ pred, target, sampleWeight: { data: new Float32Array(n).fill(1), shape } })).toBe('number');
    }
    // weights of the per-sample shape are fine: the ignored entries drop out, and sum_over_batch_size divides by
    // the entries kept (Keras's apply_mask rescales the mask by total / valid)
    const w = Float32Array.of(1, 2, 3, 4, 5, 6);
    const value = loss({ pred, target, sampleWeight: { data: w, shape: [2, 3] } }) as number;
    const kept = [0, 2, 3, 4]; // entries whose label is not 0
    expect(value).toBeCloseTo((kept.reduce((s, i) => s + w[i]!, 0) * Math.LN2) / kept.length, 6);
  });
});

describe('class-index targets: every form, and what each refusal says', () => {
  const nll = 'negative_log_likelihood (pytorch)';
  const expectedForms = 'class indices: an Int32Array, Float32Array, Float64Array, number[] or { data, shape } of integers';
  // log-probabilities [2, 3]: the loss of labels [2, 0] is -(lp[0][2] + lp[1][0]) / 2
  const pred = { data: Float32Array.of(-1, -2, -3, -4, -5, -6), shape: [2, 3] };
  const want = (3 + 4) / 2;

  it('every form of the same labels gives the same value; an int32 tensor is read in place', () => {
    const loss = fl.loss('NLLLoss');
    const int32 = fl.tensor([2], 'int32');
    int32.data.set([2, 0]);
    const float32 = fl.tensor([2]);
    float32.data.set([2, 0]);
    const forms: unknown[] = [
      [2, 0], Int32Array.of(2, 0), Float32Array.of(2, 0), Float64Array.of(2, 0), int32, float32,
      { data: [2, 0], shape: [2] }, { data: Int32Array.of(2, 0), shape: [2] }, { data: Float64Array.of(2, 0), shape: [2] }, { data: int32, shape: [2] },
    ];
    for (const target of forms) expect(loss({ pred, target } as never), String(target)).toBeCloseTo(want, 6);
    // nested labels against [N, C, d]
    const pred3 = { data: Float32Array.of(-1, -2, -3, -4, -5, -6, -7, -8), shape: [2, 2, 2] };
    expect(loss({ pred: pred3, target: [[1, 0], [0, 1]] })).toBeCloseTo((3 + 2 + 5 + 8) / 4, 6);
    int32.free();
    float32.free();
    expect(refusal(() => loss({ pred, target: int32 }))).toEqual(['FREED_TENSOR', nll, 'target', 'a tensor that has not been freed', 'a tensor after free()']);
  });

  it('refusals: a form that is no labels, a fraction, a class out of range (with and without an ignored index)', () => {
    const loss = fl.loss('NLLLoss');
    const refusedForms: [unknown, string][] = [
      ['2', '"2"'],
      [{ data: [2, 0], shape: [3] }, '{ data: an array of length 2, shape: [3] }'],
      [{ data: [2, 0], shape: [-2] }, '{ data: an array of length 2, shape: [-2] }'],
      // negative dimensions whose product is the data's length
      [{ data: [2, 0], shape: [-1, -2] }, '{ data: an array of length 2, shape: [-1, -2] }'],
      [{ data: [2, 0], shape: [2.5] }, '{ data: an array of length 2, shape: [2.5] }'],
      [{ data: [2, '0'], shape: [2] }, '{ data: an array of length 2, shape: [2] }'],
      [{ data: 'xy', shape: [2] }, '{ data: "xy", shape: [2] }'],
      [{ data: [2, 0], shape: 2 }, '{ data: an array of length 2, shape: 2 }'],
      [[[2], [0, 1]], 'an array of length 2'],
      [[2, 'a'], 'an array of length 2'],
      [null, 'null'],
    ];
    for (const [target, received] of refusedForms) {
      const got = refusal(() => loss({ pred, target } as never));
      expect(got.slice(0, 4), JSON.stringify(target)).toEqual(['BAD_DTYPE', nll, 'target', expectedForms]);
      expect(got[4], JSON.stringify(target)).toBe(received);
    }
    expect(refusal(() => loss({ pred, target: [2, 0.5] }))).toEqual(['BAD_DTYPE', nll, 'target[1]', 'an integer class index', '0.5']);
    expect(refusal(() => loss({ pred, target: [3, 0] }))).toEqual(['LABEL_OUT_OF_RANGE', nll, 'target[0]', 'a class index in [0, 3) or the ignored -100 (C = 3)', '3']);
    expect(refusal(() => fl.loss('scce')({ pred: { data: new Float32Array(6).fill(1 / 3), shape: [2, 3] }, target: [0, -1] }))).toEqual([
      'LABEL_OUT_OF_RANGE', 'sparse_categorical_crossentropy (tensorflow)', 'target[1]', 'a class index in [0, 3) (C = 3)', '-1',
    ]);
    // the ignored index is skipped wherever it is, and only it
    expect(loss({ pred, target: [-100, 0] })).toBeCloseTo(4, 6);
  });
});

describe('cross-entropy: the argument a bad input is named by, one sample, the default axis', () => {
  it('a pred, target or sampleWeight that is no tensor is named as itself, in both frameworks', () => {
    const pred = { data: new Float32Array(6).fill(0.5), shape: [2, 3] };
    const probs = { data: Float32Array.of(1, 0, 0, 0, 1, 0), shape: [2, 3] };
    for (const [name, loss, target] of [['cce', cce, probs], ['scce', scce, [0, 1]], ['CrossEntropyLoss', torchCe, [0, 1]]] as const) {
      const f = fl.loss(name as never) as unknown as (i: unknown) => number;
      expect(refusal(() => f({ pred: 'logits', target }))[2], `${loss} pred`).toBe('pred');
      expect(refusal(() => f({ pred, target: 'labels' }))[2], `${loss} target`).toBe('target');
      if (loss !== torchCe) expect(refusal(() => f({ pred, target, sampleWeight: 'w' }))[2], `${loss} sampleWeight`).toBe('sampleWeight');
    }
    // PyTorch probabilities of pred's shape (the dense path): a bad one named target too
    const ce = fl.loss('CrossEntropyLoss') as unknown as (i: unknown) => number;
    expect(refusal(() => ce({ pred, target: { data: 'x', shape: [2, 3] } }))[2]).toBe('target.data');
  });

  it("Keras sparse, one sample (pred [C]): its label as [k] is the label k, as Keras's squeeze reads it", () => {
    const scceLoss = fl.loss('scce', { fromLogits: true });
    const pred = Float32Array.of(0.1, 2, -1);
    const want = -(2 - Math.log(Math.exp(0.1) + Math.exp(2) + Math.exp(-1)));
    expect(scceLoss({ pred, target: [1] })).toBeCloseTo(want, 6);
    expect(refusal(() => scceLoss({ pred, target: [1, 0] }))[0]).toBe('SHAPE_MISMATCH');
  });

  it('Keras categorical: the class axis defaults to the last one (not axis 1) on rank-3 predictions', () => {
    const r = (i: number) => Math.fround(Math.sin(i) + 1.5);
    const pred = { data: Float32Array.from({ length: 24 }, (_, i) => r(i)), shape: [2, 3, 4] };
    const target = { data: Float32Array.from({ length: 24 }, (_, i) => (i % 4 === 1 ? 1 : 0)), shape: [2, 3, 4] };
    const byDefault = fl.loss('cce')({ pred, target });
    expect(byDefault).toBe(fl.loss('cce', { axis: -1 })({ pred, target }));
    expect(byDefault).not.toBeCloseTo(fl.loss('cce', { axis: 1 })({ pred, target }) as number, 3);
  });

  it('streaming needs a batch axis: a rank-1 pred is one sample', () => {
    const acc = fl.loss('scce').accumulator();
    expect(refusal(() => acc.update({ pred: Float32Array.of(0.2, 0.8), target: [1] }))).toEqual([
      'SHAPE_MISMATCH', scce, 'pred', 'a batch axis to stream (a rank-1 pred is one sample: one row)', 'shape [2]',
    ]);
  });
});
