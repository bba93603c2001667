/**
 * What a plain-JavaScript caller can get wrong in the call itself, and the messages it gets:
 * - a second argument to a loss call (`mse(inputs, { reduction: 'sum' })`): options belong to fl.loss(), so it is
 *   a LossError on every loss, framework and build path, and on accumulator.update(), never silently dropped;
 * - messages that name what was really given: an int64 label beyond int32 (its index and value), CTC targets of
 *   rank 2 with unbatched log-probabilities [T, C], class indices given to Keras's one-hot crossentropy.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, LossError, type FastLoss, type Loss } from '../src/index.js';
import { refusal } from './helpers.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

const SECOND =
  'no second argument: a loss is called with its inputs alone; give options to fl.loss(name, options) or fl.compute(name, inputs, options), and withGrad its { gradOutput, out }';

describe('a second argument to a loss call', () => {
  it('mse(inputs, { reduction: "sum" }) is refused (it returned the mean), on the small and the large path', () => {
    for (const n of [4, 4096]) {
      const pred = Float32Array.from({ length: n }, (_, i) => i / n);
      const target = new Float32Array(n);
      const mse = fl.loss('mse', { framework: 'pytorch' }) as unknown as (inputs: unknown, extra?: unknown) => number;
      expect(refusal(() => mse({ pred, target }, { reduction: 'sum' }))).toEqual(['BAD_OPTION', 'mean_squared_error (pytorch)', 'second argument of the call', SECOND, 'an object with keys {reduction}']);
      // the same options where they belong
      expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' })({ pred, target })).toBeCloseTo(Array.from(pred, (p) => p * p).reduce((a, b) => a + b, 0), 3);
    }
  });

  it('every loss, in every framework, refuses it before reading its inputs; an explicit undefined is no argument', () => {
    let count = 0;
    for (const { name, frameworks } of fl.implemented()) {
      for (const framework of frameworks) {
        const loss = fl.loss(name, { framework }) as Loss;
        const where = `${name} (${framework})`;
        for (const extra of [{ reduction: 'sum' }, 'sum', 0, null]) {
          const r = refusal(() => (loss as (inputs: unknown, extra: unknown) => unknown)({}, extra));
          expect(r.slice(0, 3), `${where} with ${String(extra)}`).toEqual(['BAD_OPTION', where, 'second argument of the call']);
        }
        // undefined: the inputs are then read (and here refused for what they are)
        expect(refusal(() => (loss as (inputs: unknown, extra: unknown) => unknown)({}, undefined))[0], where).toBe('MISSING_INPUT');
        count++;
      }
    }
    expect(count).toBe(40); // every (loss, framework) of the table
  });

  it('accumulator.update(batch, options) is refused too', () => {
    for (const { name, frameworks } of fl.implemented()) {
      for (const framework of frameworks) {
        const acc = (fl.loss(name, { framework }) as Loss).accumulator() as { update(b: unknown, e: unknown): unknown };
        expect(refusal(() => acc.update({}, { reduction: 'sum' })).slice(0, 3)).toEqual(['BAD_OPTION', `${name} (${framework})`, 'second argument of the call']);
      }
    }
  });

  it('the message says where options go', () => {
    try {
      (fl.loss('mae') as (i: unknown, o: unknown) => unknown)({ pred: [1], target: [0] }, { reduction: 'sum' });
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(LossError);
      expect((e as Error).message).toBe(`[BAD_OPTION] mean_absolute_error (tensorflow): second argument of the call: expected ${SECOND}, received an object with keys {reduction}.`);
    }
  });
});

describe('messages name what was given', () => {
  it('int64 labels ({ data: BigInt64Array, shape }, as ONNX Runtime and PyTorch hold them) are narrowed to int32; one beyond it is named', () => {
    const pred = [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]];
    const nll = fl.loss('nll');
    expect(nll({ pred, target: { data: new BigInt64Array([1n, 2n]), shape: [2] } as never })).toBe(nll({ pred, target: [1, 2] }));
    const r = refusal(() => nll({ pred, target: { data: new BigInt64Array([1n, 1n << 40n]), shape: [2] } as never }));
    expect(r).toEqual(['LABEL_OUT_OF_RANGE', 'negative_log_likelihood (pytorch)', 'target.data[1]', 'an int64 value within the int32 range', '1099511627776']);
    expect(refusal(() => nll({ pred, target: BigInt64Array.of(0n, -(1n << 31n) - 1n) as never }))[2]).toBe('target[1]');
  });

  it('CTC: rank-2 targets with unbatched logProbs [T, C] are told to be [S], not "[1, S] (padded)"', () => {
    const logProbs = { data: new Float32Array(6).fill(Math.log(1 / 3)), shape: [2, 3] };
    const expected = '[S] (one sequence: logProbs [T, C] has no batch axis)';
    // the data fit the lengths (once refused as not "[1, S] (padded)", which is what it was)
    expect(refusal(() => fl.loss('ctc')({ logProbs, targets: [[1, 2]], inputLengths: [2], targetLengths: [2] }))).toEqual(['SHAPE_MISMATCH', 'ctc (pytorch)', 'targets', expected, 'shape [1, 2]']);
    // and where they do not (once a BAD_LENGTHS about a concatenation)
    expect(refusal(() => fl.loss('ctc')({ logProbs, targets: [[1], [2], [1]], inputLengths: [2], targetLengths: [2] }))).toEqual(['SHAPE_MISMATCH', 'ctc (pytorch)', 'targets', expected, 'shape [3, 1]']);
    // the unbatched forms that are right still work: [S] targets, with lengths as one-element arrays
    expect(fl.loss('ctc')({ logProbs, targets: [1], inputLengths: [2], targetLengths: [1] })).toBeGreaterThan(0);
  });

  it("Keras categorical_crossentropy given class indices suggests sparse_categorical_crossentropy (or PyTorch's)", () => {
    const pred = [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]];
    try {
      fl.loss('cce')({ pred, target: [2, 0] });
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(LossError);
      const err = e as LossError;
      expect([err.code, err.argument, err.expected, err.received, err.suggestion]).toEqual([
        'SHAPE_MISMATCH',
        'target',
        "one-hot or probability targets of pred's shape [2, 3]",
        "shape [2], pred's shape without its class axis, as class indices have",
        'sparse_categorical_crossentropy',
      ]);
      expect(err.message).toMatch(/Did you mean "sparse_categorical_crossentropy" \(it takes class indices, as does categorical_crossentropy with framework 'pytorch'\)\?$/);
    }
    // a target of another shape keeps the plain message
    expect(refusal(() => fl.loss('cce')({ pred, target: [2, 0, 1] }))).toEqual(['SHAPE_MISMATCH', 'categorical_crossentropy (tensorflow)', 'target', "pred's shape [2, 3]", 'shape [3]']);
  });
});
