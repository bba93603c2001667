/**
 * Bad input, one test per error code the family can raise: each a LossError with its stable code, naming the
 * loss, the argument (the label's index), what was expected and what came.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { LossError, loadLosses } from '../src/index.js';
import { asPlainJs, type PlainJsFastLoss } from './plain-js.js';

let fl: PlainJsFastLoss; // the mistakes below are a plain-JS user's: the types would refuse them
beforeAll(async () => {
  fl = asPlainJs(await loadLosses());
});

function caught(f: () => unknown): LossError {
  try {
    f();
  } catch (e) {
    if (e instanceof LossError) return e;
    throw e;
  }
  throw new Error('expected a LossError');
}

const logits = { data: new Float32Array(12), shape: [3, 4] };

describe('cross-entropy bad input', () => {
  it('BAD_DTYPE: a non-integer or NaN class index names the index and the value', () => {
    for (const labels of [Float32Array.of(0, 1.5, 2), [0, 1, NaN], Float64Array.of(0, 1, 2.25)]) {
      const e = caught(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: labels }));
      expect(e.code).toBe('BAD_DTYPE');
      expect(e.loss).toBe('categorical_crossentropy (pytorch)');
      expect(e.argument).toMatch(/^target\[[12]\]$/);
      expect(e.message).toMatch(/integer class index/);
    }
    expect(caught(() => fl.loss('scce')({ pred: logits, target: [0, 0.5, 1] })).argument).toBe('target[1]');
    expect(caught(() => fl.loss('NLLLoss')({ pred: logits, target: ['a', 0, 1] })).code).toBe('BAD_DTYPE');
    // the array's type decides nothing: integral floats are indices
    expect(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: Float64Array.of(0, 3, 2) })).not.toThrow();
  });

  it('LABEL_OUT_OF_RANGE: an index outside [0, C) that is not the ignored one names index, value and C', () => {
    const e = caught(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: Int32Array.of(0, 4, 1) }));
    expect(e.code).toBe('LABEL_OUT_OF_RANGE');
    expect(e.argument).toBe('target[1]');
    expect(e.received).toBe('4');
    expect(e.expected).toMatch(/C = 4/);
    expect(caught(() => fl.loss('NLLLoss')({ pred: logits, target: [0, -1, 1] })).code).toBe('LABEL_OUT_OF_RANGE');
    expect(caught(() => fl.loss('scce', { ignoreClass: 9 })({ pred: logits, target: [0, -100, 1] })).code).toBe('LABEL_OUT_OF_RANGE');
    // the ignored label is not out of range
    expect(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: [0, -100, 1] })).not.toThrow();
    expect(() => fl.loss('CrossEntropyLoss', { ignoreIndex: 7 })({ pred: logits, target: [0, 7, 1] })).not.toThrow();
    expect(() => fl.loss('scce', { ignoreClass: -1 })({ pred: logits, target: [0, -1, 1] })).not.toThrow();
  });

  it('SHAPE_MISMATCH: targets of the wrong shape, a class weight of the wrong length', () => {
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: [0, 1] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('cce')({ pred: logits, target: { data: new Float32Array(8), shape: [2, 4] } })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('scce')({ pred: logits, target: [0, 1, 2, 3] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('CrossEntropyLoss', { weight: [1, 2, 3] })({ pred: logits, target: [0, 1, 2] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('BCEWithLogitsLoss', { posWeight: [1, 2, 3] })({ pred: logits, target: logits })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('BCELoss', { weight: [1, 2, 3] })({ pred: logits, target: logits })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('kld')({ pred: logits, target: new Float32Array(12) })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: 3, target: 0 })).code).toBe('SHAPE_MISMATCH');
  });

  it('BAD_OPTION: out-of-domain values, and options that contradict a class name', () => {
    expect(caught(() => fl.loss('cce', { labelSmoothing: 1.5 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('bce', { fromLogits: 'yes' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('CrossEntropyLoss', { ignoreIndex: 0.5 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('BCEWithLogitsLoss', { fromLogits: false })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('PoissonNLLLoss', { eps: -1 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('kld', { framework: 'pytorch', reduction: 'avg' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('CrossEntropyLoss', { weight: 'heavy' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('cce', { axis: 2 })({ pred: logits, target: logits })).code).toBe('BAD_OPTION');
  });

  it('UNKNOWN_OPTION: options the chosen framework does not have, with a suggestion for a near miss', () => {
    expect(caught(() => fl.loss('CrossEntropyLoss', { fromLogits: true })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('bce', { framework: 'pytorch', labelSmoothing: 0.1 })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('BCELoss', { posWeight: [2] })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('scce', { ignoreClas: 1 })).suggestion).toBe('ignoreClass');
    expect(caught(() => fl.loss('KLDivLoss', { logTarge: true })).suggestion).toBe('logTarget');
  });

  it('UNSUPPORTED_FRAMEWORK, MISSING_INPUT, UNKNOWN_INPUT, FREED_TENSOR', () => {
    expect(caught(() => fl.loss('scce', { framework: 'pytorch' })).code).toBe('UNSUPPORTED_FRAMEWORK');
    expect(caught(() => fl.loss('nll', { framework: 'keras' })).code).toBe('UNSUPPORTED_FRAMEWORK');
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: logits })).code).toBe('MISSING_INPUT');
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: logits, target: [0, 1, 2], sampleWeight: [1, 1, 1] })).code).toBe('UNKNOWN_INPUT');
    expect(caught(() => fl.loss('cce')({ pred: logits, targets: logits })).suggestion).toBe('target');
    const t = fl.tensor([3, 4]);
    const y = fl.tensor([3], 'int32');
    y.free();
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: t, target: y })).code).toBe('FREED_TENSOR');
    t.free();
    expect(caught(() => fl.loss('CrossEntropyLoss')({ pred: t, target: [0, 1, 2] })).code).toBe('FREED_TENSOR');
  });
});
