/**
 * Every refusal of the margin, ranking and cosine families, whole: code, loss, argument, expected and received
 * (the suites of these families assert the codes; a changed word in what a user reads would pass them).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { refusal } from './helpers.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

describe('margin, ranking and cosine refusals', () => {
  it('a margin that is not a finite number', () => {
    for (const [name, framework] of [['hinge_embedding', 'pytorch'], ['margin_ranking', 'pytorch'], ['cosine_embedding', 'pytorch']] as const) {
      expect(refusal(() => fl.loss(name, { margin: NaN } as never))).toEqual(['BAD_OPTION', `${name} (${framework})`, 'option "margin"', 'a finite number', 'NaN']);
      expect(refusal(() => fl.loss(name, { margin: '1' } as never))[4]).toBe('"1"');
    }
  });

  it('CosineSimilarity: an axis that is no integer, an out option of another input or size, shapes that do not meet', () => {
    expect(refusal(() => fl.loss('cosine_similarity', { axis: 0.5 } as never))).toEqual(['BAD_OPTION', 'cosine_similarity (tensorflow)', 'option "axis"', 'an integer axis', '0.5']);
    const cs = fl.loss('cosine_similarity');
    const pred = { data: new Float32Array(6).fill(1), shape: [2, 3] };
    // `out` is taken as by every engine (test/out.engines.test.ts): refused only for another input or size
    expect(refusal(() => cs.withGrad({ pred, target: pred }, { out: { target: new Float32Array(6) } } as never))).toEqual([
      'BAD_OPTION', 'cosine_similarity (tensorflow)', 'out.target', 'out.pred only (pred is the input with a gradient)', '"target"',
    ]);
    expect(refusal(() => cs.withGrad({ pred, target: pred }, { out: { pred: new Float32Array(5) } }))).toEqual([
      'BAD_OPTION', 'cosine_similarity (tensorflow)', 'out.pred', "6 elements (pred's size)", '5 elements',
    ]);
    expect(refusal(() => cs({ pred, target: { data: new Float32Array(4), shape: [2, 2] } }))).toEqual([
      'SHAPE_MISMATCH', 'cosine_similarity (tensorflow)', 'target', "pred's shape [2, 3] (or one that differs by a trailing axis of 1)", 'shape [2, 2]',
    ]);
    const acc = cs.accumulator();
    expect(refusal(() => acc.update({ pred: [1, 2, 3], target: [1, 2, 3] }))).toEqual([
      'SHAPE_MISMATCH', 'cosine_similarity (tensorflow)', 'pred', 'a batch axis to stream (a rank-1 pred is one sample: one row)', 'shape [3]',
    ]);
  });

  it('CosineEmbeddingLoss: the rank of x1, x2 against x1, one label per row', () => {
    const ce = fl.loss('cosine_embedding');
    const x = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape });
    expect(refusal(() => ce({ x1: x([1, 2, 3]), x2: x([1, 2, 3]), target: [1] }))).toEqual(['SHAPE_MISMATCH', 'cosine_embedding (pytorch)', 'x1', 'a 1-D [D] or 2-D [N, D] tensor', 'shape [1, 2, 3]']);
    expect(refusal(() => ce({ x1: x([2, 3]), x2: x([3, 2]), target: [1, 1] }))).toEqual(['SHAPE_MISMATCH', 'cosine_embedding (pytorch)', 'x2', "x1's shape [2, 3]", 'shape [3, 2]']);
    expect(refusal(() => ce({ x1: x([2, 3]), x2: x([2, 3]), target: [1, 1, 1] }))).toEqual(['SHAPE_MISMATCH', 'cosine_embedding (pytorch)', 'target', 'shape [2] (one label per row of x1)', 'shape [3]']);
    expect(refusal(() => ce({ x1: x([2, 3]), x2: x([2, 3]), target: [1, 0] }))).toEqual(['LABEL_OUT_OF_RANGE', 'cosine_embedding (pytorch)', 'target[1]', '1 or -1', '0']);
  });

  it('Keras hinge streamed: 0/1 labels converted in an earlier batch, then a batch that is not 0/1', () => {
    const acc = fl.loss('hinge').accumulator();
    acc.update({ pred: [0.5, -0.5], target: [0, 1] });
    expect(refusal(() => acc.update({ pred: [0.5, -0.5], target: [-1, 1] }))).toEqual([
      'LABEL_OUT_OF_RANGE', 'hinge (tensorflow)', 'target (batch 1)',
      'labels 0 or 1, as in the earlier batches (Keras converts 0/1 labels to -1/1 when the whole tensor is 0/1: an earlier batch of 0/1 labels was converted)',
      'a label other than 0 or 1',
    ]);
  });
  it('the pairwise losses: shapes that do not meet, a bad label, a bad sample weight, out over the label input', () => {
    const f32 = (n: number, v = 1) => new Float32Array(n).fill(v);
    const mr = fl.loss('margin_ranking');
    expect(refusal(() => mr({ x1: f32(3), x2: f32(4), target: f32(3) }))).toEqual(['SHAPE_MISMATCH', 'margin_ranking (pytorch)', 'x2', "x1's shape [3]", 'shape [4]']);
    expect(refusal(() => mr({ x1: f32(3), x2: f32(3), target: f32(2) }))).toEqual(['SHAPE_MISMATCH', 'margin_ranking (pytorch)', 'target', "x1's shape [3]", 'shape [2]']);
    expect(refusal(() => mr({ x1: 'a' as never, x2: f32(3), target: f32(3) }))[1]).toBe('margin_ranking (pytorch)');
    const bpr = fl.loss('bpr');
    expect(refusal(() => bpr({ positive: f32(3), negative: f32(2) }))).toEqual(['SHAPE_MISMATCH', 'bpr (tensorflow)', 'negative', "positive's shape [3]", 'shape [2]']);
    const weight = refusal(() => bpr({ positive: f32(3), negative: f32(3), sampleWeight: 'w' as never }));
    expect(weight.slice(0, 3)).toEqual(['BAD_DTYPE', 'bpr (tensorflow)', 'sampleWeight']);
    // the ±1 labels are an input too: a gradient written over them is refused as over x1 or x2
    const t = fl.tensor([4]);
    t.data.set([1, -1, 1, -1]);
    try {
      expect(refusal(() => mr.withGrad({ x1: f32(4), x2: f32(4), target: t }, { out: { x1: t } }))).toEqual([
        'BAD_OPTION', 'margin_ranking (pytorch)', 'out.x1', 'a buffer that overlaps no input and no other gradient', 'an overlapping buffer',
      ]);
    } finally {
      t.free();
    }
  });
});

describe('the row-reduced margin and cosine losses: the argument a bad input is named by, out over an input', () => {
  it('Keras categorical_hinge and cosine_similarity, torch cosine_embedding', () => {
    const m = { data: Float32Array.of(1, 0, 0, 1), shape: [2, 2] };
    for (const name of ['categorical_hinge', 'cosine_similarity'] as const) {
      const f = fl.loss(name) as unknown as (i: unknown) => number;
      expect(refusal(() => f({ pred: 'p', target: m }))[2], name).toBe('pred');
      expect(refusal(() => f({ pred: m, target: 't' }))[2], name).toBe('target');
      expect(refusal(() => f({ pred: m, target: m, sampleWeight: 'w' }))[2], name).toBe('sampleWeight');
    }
    const ce = fl.loss('cosine_embedding') as unknown as (i: unknown) => number;
    expect(refusal(() => ce({ x1: 'a', x2: m, target: [1, -1] }))[2]).toBe('x1');
    expect(refusal(() => ce({ x1: m, x2: 'b', target: [1, -1] }))[2]).toBe('x2');
    expect(refusal(() => ce({ x1: m, x2: m, target: 'y' }))[2]).toBe('target');
  });

  it('a gradient written over one of the inputs is refused (Keras rows, torch cosine_embedding)', () => {
    const t = fl.tensor([2, 2]);
    t.data.set([1, 0, 0, 1]);
    const other = { data: Float32Array.of(0.5, 0.5, 0.25, 1), shape: [2, 2] };
    try {
      expect(refusal(() => fl.loss('categorical_hinge').withGrad({ pred: t, target: other }, { out: { pred: t } }))).toEqual([
        'BAD_OPTION', 'categorical_hinge (tensorflow)', 'out.pred', 'a buffer that overlaps neither pred nor target', 'an overlapping buffer',
      ]);
      expect(refusal(() => fl.loss('cosine_embedding').withGrad({ x1: t, x2: other, target: [1, -1] }, { out: { x1: t } }))).toEqual([
        'BAD_OPTION', 'cosine_embedding (pytorch)', 'out.x1', 'a buffer that overlaps no input and no other gradient', 'an overlapping buffer',
      ]);
    } finally {
      t.free();
    }
  });
});
