/**
 * Every refusal of CTCLoss, whole (code, loss, argument, expected, received): options, the rank of logProbs,
 * the blank against C, lengths of each kind, padded and concatenated targets, labels out of range or blank.
 * The CTC suites assert the codes; a changed word, or a bound moved by one, would pass them.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { refusal } from './helpers.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

const where = 'ctc (pytorch)';
/** log-probabilities [T, N, C] (uniform), or [T, C] when n is 0 */
const lp = (T: number, N: number, C: number) => ({ data: new Float32Array(T * Math.max(N, 1) * C).fill(-Math.log(C)), shape: N === 0 ? [T, C] : [T, N, C] });

describe('CTCLoss refusals', () => {
  it('options: blank, zeroInfinity', () => {
    for (const [blank, received] of [[-1, '-1'], [1.5, '1.5'], ['0', '"0"']] as const) {
      expect(refusal(() => fl.loss('CTCLoss', { blank } as never))).toEqual(['BAD_OPTION', where, 'option "blank"', 'an integer >= 0 (a class index)', received]);
    }
    expect(refusal(() => fl.loss('CTCLoss', { zeroInfinity: 1 } as never))).toEqual(['BAD_OPTION', where, 'option "zeroInfinity"', 'true or false', '1']);
    expect(fl.loss('CTCLoss', { blank: 0 }).options.blank).toBe(0);
  });

  it('logProbs of another rank; a blank that is no class', () => {
    const ctc = fl.loss('CTCLoss');
    const base = { targets: [[1]], inputLengths: [2], targetLengths: [1] };
    expect(refusal(() => ctc({ ...base, logProbs: { data: new Float32Array(3), shape: [3] } }))).toEqual(['SHAPE_MISMATCH', where, 'logProbs', 'a shape [T, N, C] (or [T, C] for one sequence)', 'shape [3]']);
    expect(refusal(() => fl.loss('CTCLoss', { blank: 3 })({ ...base, logProbs: lp(2, 1, 3) }))).toEqual(['BAD_OPTION', where, 'option "blank"', 'a class index below C = 3', '3']);
    expect(typeof fl.loss('CTCLoss', { blank: 2 })({ ...base, logProbs: lp(2, 1, 3) })).toBe('number');
  });

  it('lengths: one per sequence, integers, within T and S', () => {
    const ctc = fl.loss('CTCLoss');
    const logProbs = lp(4, 2, 3);
    const targets = [[1, 2], [2, 1]];
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4], targetLengths: [2, 2] }))).toEqual(['SHAPE_MISMATCH', where, 'inputLengths', 'shape [2] (one length per sequence)', 'shape [1]']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [[4, 4]], targetLengths: [2, 2] }))).toEqual(['SHAPE_MISMATCH', where, 'inputLengths', 'shape [2] (one length per sequence)', 'shape [1, 2]']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, 4], targetLengths: [2, 2, 2] }))).toEqual(['SHAPE_MISMATCH', where, 'targetLengths', 'shape [2] (one length per sequence)', 'shape [3]']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, 3.5], targetLengths: [2, 2] }))).toEqual(['BAD_DTYPE', where, 'inputLengths[1]', 'an integer', '3.5']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, 2 ** 31], targetLengths: [2, 2] }))).toEqual(['BAD_DTYPE', where, 'inputLengths[1]', 'an integer', String(2 ** 31)]);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [5, 4], targetLengths: [2, 2] }))).toEqual(['BAD_LENGTHS', where, 'inputLengths[0]', 'a length in [0, 4] (T)', '5']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, -1], targetLengths: [2, 2] }))).toEqual(['BAD_LENGTHS', where, 'inputLengths[1]', 'a length in [0, 4] (T)', '-1']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, 4], targetLengths: [2, -1] }))).toEqual(['BAD_LENGTHS', where, 'targetLengths[1]', 'a length >= 0', '-1']);
    expect(refusal(() => ctc({ logProbs, targets, inputLengths: [4, 4], targetLengths: [3, 2] }))).toEqual(['BAD_LENGTHS', where, 'targetLengths[0]', "a length in [0, 2] (the padded targets' S)", '3']);
    // the edges are accepted: T itself, S itself, 0
    expect(typeof ctc({ logProbs, targets, inputLengths: [4, 0], targetLengths: [2, 0] })).toBe('number');
  });

  it('targets: padded [N, S] of N rows, or a concatenation of the sum of the lengths', () => {
    const ctc = fl.loss('CTCLoss');
    const logProbs = lp(4, 2, 3);
    const lengths = { inputLengths: [4, 4], targetLengths: [2, 1] };
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: [[1, 2], [2, 1], [1, 1]] }))).toEqual(['SHAPE_MISMATCH', where, 'targets', '[2, S] (padded) or a 1-D concatenation', 'shape [3, 2]']);
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: [1, 2] }))).toEqual(['BAD_LENGTHS', where, 'targets', 'a 1-D concatenation of length 3 (the sum of targetLengths)', 'length 2']);
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: { data: Int32Array.of(1, 2, 1), shape: [1, 1, 3] } }))).toEqual(['SHAPE_MISMATCH', where, 'targets', '[2, S] (padded) or a 1-D concatenation', 'shape [1, 1, 3]']);
    // the same labels padded and concatenated give one value
    expect(ctc({ logProbs, ...lengths, targets: [1, 2, 2] })).toBeCloseTo(ctc({ logProbs, ...lengths, targets: [[1, 2], [2, 0]] }) as number, 6);
  });

  it('labels: in [0, C), never the blank, named by sample and position in each layout', () => {
    const ctc = fl.loss('CTCLoss');
    const logProbs = lp(4, 2, 3);
    const lengths = { inputLengths: [4, 4], targetLengths: [2, 1] };
    const expected = 'a class index in [0, 3) other than the blank (0)';
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: [[1, 2], [3, 0]] }))).toEqual(['LABEL_OUT_OF_RANGE', where, 'targets[1, 0] (sample 1, position 0)', expected, '3']);
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: [[1, 0], [2, 0]] }))).toEqual(['LABEL_OUT_OF_RANGE', where, 'targets[0, 1] (sample 0, position 1)', expected, '0']);
    expect(refusal(() => ctc({ logProbs, ...lengths, targets: [1, 2, -1] }))).toEqual(['LABEL_OUT_OF_RANGE', where, 'targets[2] (sample 1, position 0)', expected, '-1']);
    expect(refusal(() => ctc({ logProbs: lp(4, 0, 3), inputLengths: [4], targetLengths: [2], targets: [1, 3] }))).toEqual(['LABEL_OUT_OF_RANGE', where, 'targets[1] (sample 0, position 1)', expected, '3']);
    expect(refusal(() => fl.loss('CTCLoss', { blank: 2 })({ logProbs, ...lengths, targets: [1, 2, 1] }))[3]).toBe('a class index in [0, 3) other than the blank (2)');
  });
});
