/**
 * loss.accumulator(): for every implemented loss, framework and reduction, the result over random batch splits
 * of a tensor equals the loss on the whole tensor to 1e-6 (a property test, fast-check); 'none' concatenates.
 * A landed loss without a batch maker here, or without a stream hook, fails the first test: a family that
 * lands must plug into both.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLosses, LossError, type FastLoss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectLossError, propertyRuns } from './helpers.js';

type Shape = number[];
interface Batched {
  data: Float32Array;
  shape: Shape;
  /** The batch axis of this input (axis 1 for CTC's logProbs [T, N, C]). */
  axis: number;
}
/** Inputs with N items along their batch axis, for the loss in `framework`. */
type Maker = (n: number, u: () => number, framework: string, variant: number) => Record<string, Batched>;

const ALL_REDUCTIONS = ['none', 'sum', 'mean', 'sum_over_batch_size', 'mean_with_sample_weight', 'batchmean'];

const uniform = (n: number, lo: number, hi: number, u: () => number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * u());

/** pred/target [N, D] (variant 1: [N], which Keras reads as one sample; variant 2: Keras sampleWeight [N]). */
const pairMaker =
  (lo: number, hi: number): Maker =>
  (n, u, framework, variant) => {
    const d = 1 + (variant % 4);
    const shape = variant % 3 === 1 ? [n] : [n, d];
    const size = shape.reduce((a, b) => a * b, 1);
    const out: Record<string, Batched> = {
      pred: { data: uniform(size, lo, hi, u), shape, axis: 0 },
      target: { data: uniform(size, lo, hi, u), shape, axis: 0 },
    };
    if (framework === 'tensorflow' && variant % 3 === 2) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
    return out;
  };

export const BATCH_MAKERS: Record<string, Maker> = {};
for (const name of ['mean_squared_error', 'mean_absolute_error', 'huber', 'smooth_l1', 'mean_absolute_percentage_error', 'log_cosh']) BATCH_MAKERS[name] = pairMaker(-3, 3);
BATCH_MAKERS.mean_squared_logarithmic_error = pairMaker(0, 3);
for (const name of ['binary_crossentropy', 'kullback_leibler_divergence']) BATCH_MAKERS[name] = pairMaker(0.05, 0.95);
BATCH_MAKERS.poisson_negative_log_likelihood = pairMaker(0, 3);
/** Class rows: pred [N, C] (Keras probabilities, torch logits / log-probabilities), targets one-hot or indices [N]. */
const rowsMaker =
  (sparse: (framework: string) => boolean): Maker =>
  (n, u, framework, variant) => {
    const C = 2 + (variant % 5);
    const pred = new Float32Array(n * C);
    const labels = Float32Array.from({ length: n }, () => Math.floor(u() * C));
    for (let r = 0; r < n; r++) {
      const z = Array.from({ length: C }, () => 0.05 + u());
      const s = z.reduce((a, b) => a + b, 0);
      for (let c = 0; c < C; c++) pred[r * C + c] = framework === 'pytorch' ? Math.log(z[c]! / s) : z[c]! / s;
    }
    const out: Record<string, Batched> = { pred: { data: pred, shape: [n, C], axis: 0 } };
    if (sparse(framework)) out.target = { data: labels, shape: [n], axis: 0 };
    else out.target = { data: Float32Array.from({ length: n * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0)), shape: [n, C], axis: 0 };
    if (framework === 'tensorflow' && variant % 2 === 1) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
    return out;
  };
BATCH_MAKERS.categorical_crossentropy = rowsMaker((f) => f === 'pytorch');
BATCH_MAKERS.sparse_categorical_crossentropy = rowsMaker(() => true);
BATCH_MAKERS.negative_log_likelihood = rowsMaker(() => true);
const pm1 = (n: number, u: () => number) => Float32Array.from({ length: n }, () => (u() < 0.5 ? -1 : 1));
/** Keras hinge: labels 0/1 (odd variants, converted) or ±1. */
const hingeMaker: Maker = (n, u, framework, variant) => {
  const m = pairMaker(-2, 2)(n, u, framework, variant);
  m.target!.data = m.target!.data.map((x) => (variant % 2 === 1 ? (x > 0 ? 1 : 0) : x > 0 ? 1 : -1));
  return m;
};
BATCH_MAKERS.hinge = hingeMaker;
BATCH_MAKERS.squared_hinge = hingeMaker;
/** Keras row losses: rank 2 (a rank-1 input is one row: it has no batch axis). */
const rowPairs: Maker = (n, u, framework, variant) => pairMaker(-2, 2)(n, u, framework, variant % 3 === 1 ? variant + 1 : variant);
BATCH_MAKERS.cosine_similarity = rowPairs;
BATCH_MAKERS.categorical_hinge = (n, u, framework, variant) => {
  if (framework === 'tensorflow') return rowPairs(n, u, framework, variant);
  return { x1: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, x2: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, target: { data: pm1(n, u), shape: [n], axis: 0 } };
};
BATCH_MAKERS.margin_ranking = BATCH_MAKERS.categorical_hinge;
BATCH_MAKERS.hinge_embedding = (n, u, framework, variant) => {
  const m = pairMaker(-2, 2)(n, u, framework, variant);
  m.target!.data = pm1(m.target!.data.length, u);
  return m;
};
BATCH_MAKERS.cosine_embedding = (n, u, _f, variant) => {
  const d = 1 + (variant % 4);
  return { x1: { data: uniform(n * d, -2, 2, u), shape: [n, d], axis: 0 }, x2: { data: uniform(n * d, -2, 2, u), shape: [n, d], axis: 0 }, target: { data: pm1(n, u), shape: [n], axis: 0 } };
};
const pairwise: Maker = (n, u, framework, variant) => {
  const out: Record<string, Batched> = { positive: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 }, negative: { data: uniform(n, -2, 2, u), shape: [n], axis: 0 } };
  if (framework === 'tensorflow' && variant % 2 === 1) out.sampleWeight = { data: uniform(n, 0, 2, u), shape: [n], axis: 0 };
  return out;
};
BATCH_MAKERS.bpr = pairwise;
BATCH_MAKERS.pair_hinge = pairwise;
/** CTC: logProbs [T, N, C] (batched on axis 1), targets [N, S], lengths [N]; some sequences infeasible (inf). */
BATCH_MAKERS.ctc = (n, u, _framework, variant) => {
  const T = 3 + (variant % 5);
  const C = 3 + (variant % 3);
  const S = 3;
  const lp = new Float32Array(T * n * C);
  for (let r = 0; r < T * n; r++) {
    const z = Array.from({ length: C }, () => 4 * u() - 2);
    const lse = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
    for (let c = 0; c < C; c++) lp[r * C + c] = z[c]! - lse;
  }
  return {
    logProbs: { data: lp, shape: [T, n, C], axis: 1 },
    targets: { data: Float32Array.from({ length: n * S }, () => 1 + Math.floor(u() * (C - 1))), shape: [n, S], axis: 0 },
    inputLengths: { data: Float32Array.from({ length: n }, () => 1 + Math.floor(u() * T)), shape: [n], axis: 0 },
    targetLengths: { data: Float32Array.from({ length: n }, () => Math.floor(u() * (S + 1))), shape: [n], axis: 0 },
  };
};

/** Items [from, to) of x along its batch axis. */
function slice(x: Batched, from: number, to: number): { data: Float32Array; shape: Shape } {
  const outer = x.shape.slice(0, x.axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(x.axis + 1).reduce((a, b) => a * b, 1);
  const n = x.shape[x.axis]!;
  const data = new Float32Array(outer * (to - from) * inner);
  for (let o = 0; o < outer; o++) data.set(x.data.subarray((o * n + from) * inner, (o * n + to) * inner), o * (to - from) * inner);
  const shape = [...x.shape];
  shape[x.axis] = to - from;
  return { data, shape };
}

function whole(inputs: Record<string, Batched>): Record<string, { data: Float32Array; shape: Shape }> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]));
}

/** Both NaN, the same infinity, or within 1e-6 relative (1e-6 absolute below 1). */
function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want));
}

/** The reductions a loss accepts in a framework. */
function reductionsOf(fl: FastLoss, name: string, framework: string): string[] {
  return ALL_REDUCTIONS.filter((reduction) => {
    try {
      fl.loss(name, { framework, reduction });
      return true;
    } catch (e) {
      if (e instanceof LossError && e.code === 'BAD_OPTION') return false;
      throw e;
    }
  });
}

describe('loss.accumulator()', () => {
  it('every implemented loss has a batch maker here and an accumulator for every reduction', async () => {
    const fl = await loadLosses();
    for (const { name, frameworks } of fl.implemented()) {
      expect(BATCH_MAKERS[name], `${name}: add a batch maker to test/accumulator.property.test.ts`).toBeDefined();
      for (const framework of frameworks) {
        for (const reduction of reductionsOf(fl, name, framework)) {
          const acc = fl.loss(name, { framework, reduction }).accumulator();
          expect(acc.mode, `${name} ${framework} ${reduction}`).toBe(reduction === 'none' ? 'concatenate' : 'reduce');
        }
      }
    }
  });

  describe.each([
    ['default instance', {}],
    ['wasm forced (jsBelow 0)', { jsBelow: 0 }],
  ] as const)('over random batch splits equals the loss on the concatenation: %s', (_label, options) => {
    it('every implemented loss, framework and reduction', async () => {
      const fl = await loadLosses(options);
      const losses = fl.implemented().flatMap(({ name, frameworks }) =>
        frameworks.flatMap((framework) => reductionsOf(fl, name, framework).map((reduction) => ({ name, framework, reduction }))),
      );
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 300 }),
          fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
          fc.integer({ min: 0, max: 11 }),
          fc.integer({ min: 1, max: 2 ** 30 }),
          (n, cutsRaw, variant, seed) => {
            let a = seed;
            const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
            const cuts = [0, ...cutsRaw.map((c) => c % (n + 1)).sort((x, y) => x - y), n];
            for (const { name, framework, reduction } of losses) {
              const made = BATCH_MAKERS[name]!(n, u, framework, variant);
              const loss = fl.loss(name, { framework, reduction });
              const label = `${name} (${framework}, ${reduction}) N=${n} variant ${variant} cuts [${cuts}]`;
              const rank1Keras = framework === 'tensorflow' && made.pred?.shape.length === 1;
              const acc = loss.accumulator();
              if (reduction === 'none' && rank1Keras) {
                // One Keras sample split along its only axis: 'none' of each part is a mean, which does not concatenate.
                if (n > 0) expect(() => acc.update(whole(made)), label).toThrow(/SHAPE_MISMATCH/);
                continue;
              }
              const want = loss(whole(made));
              for (let i = 0; i + 1 < cuts.length; i++) {
                acc.update(Object.fromEntries(Object.entries(made).map(([k, v]) => [k, slice(v, cuts[i]!, cuts[i + 1]!)])));
              }
              const got = acc.result();
              expect(acc.batches, label).toBe(cuts.length - 1);
              if (typeof want === 'number') {
                expect(typeof got, label).toBe('number');
                expect(close(got as number, want), `${label}: ${String(got)} vs ${want}`).toBe(true);
              } else {
                const g = got as OutputTensor;
                expect(g.shape, label).toEqual(want.shape);
                for (let i = 0; i < want.data.length; i++) expect(close(g.data[i]!, want.data[i]!), `${label} [${i}]`).toBe(true);
              }
              // reset() forgets everything: the whole tensor as one batch gives the same again.
              acc.reset();
              expect(acc.batches).toBe(0);
              const again = acc.update(whole(made)).result();
              if (typeof want === 'number') expect(close(again as number, want), `${label} after reset`).toBe(true);
              else expect(Array.from((again as OutputTensor).data), label).toEqual(Array.from(want.data));
            }
          },
        ),
        { numRuns: propertyRuns(40) },
      );
    });
  });
});

describe('loss.accumulator() rules', () => {
  it('an empty accumulator is the loss of an empty batch', async () => {
    const fl = await loadLosses();
    expect(fl.loss('mse', { framework: 'pytorch' }).accumulator().result()).toBeNaN();
    expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' }).accumulator().result()).toBe(0);
    expect(fl.loss('mse').accumulator().result()).toBe(0); // Keras divide_no_nan
    expect(fl.loss('mse', { reduction: 'none' }).accumulator().result()).toEqual({ data: new Float32Array(0), shape: [0] });
  });

  it('batches whose items differ in shape are SHAPE_MISMATCH, in both modes', async () => {
    const fl = await loadLosses();
    for (const reduction of ['sum', 'none'] as const) {
      const acc = fl.loss('mse', { framework: 'pytorch', reduction }).accumulator();
      acc.update({ pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } });
      expect(() => acc.update({ pred: { data: new Float32Array(4), shape: [2, 2] }, target: { data: new Float32Array(4), shape: [2, 2] } })).toThrow(
        /\[SHAPE_MISMATCH\] mean_squared_error \(pytorch\): batch 1 .*items of shape \[3\]/,
      );
      expect(acc.batches).toBe(1); // the bad batch was not counted
    }
  });

  it('items of another rank are SHAPE_MISMATCH too, with the whole message, in both modes', async () => {
    const fl = await loadLosses();
    for (const [reduction, what] of [['sum', 'its inputs'], ['none', 'its values']] as const) {
      const acc = fl.loss('mse', { framework: 'pytorch', reduction }).accumulator();
      acc.update({ pred: { data: new Float32Array(6), shape: [2, 3, 1] }, target: { data: new Float32Array(6), shape: [2, 3, 1] } });
      const e = expectLossError(() => acc.update({ pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } }), 'SHAPE_MISMATCH');
      expect([e.loss, e.argument, e.expected, e.received]).toEqual([
        'mean_squared_error (pytorch)', `batch 1 (${what})`, 'items of shape [3, 1] along axis 0, as the first batch', 'items of shape [3]',
      ]);
    }
  });

  it("a rank-0 'none' value does not concatenate (Keras, one sample), except where the family stacks them (unbatched CTC)", async () => {
    const fl = await loadLosses();
    const e = expectLossError(() => fl.loss('mse', { reduction: 'none' }).accumulator().update({ pred: [1, 2], target: [0, 0] }), 'SHAPE_MISMATCH');
    expect([e.loss, e.argument, e.expected, e.received]).toEqual([
      'mean_squared_error (tensorflow)',
      'batch 0',
      "inputs with a batch axis (this call's 'none' value has shape [], a reduction over the whole batch, which does not concatenate)",
      'a value of shape []',
    ]);
    // unbatched CTC: log-probabilities [T, C], one sequence a call; 'none' stacks the calls into [k]
    const ctc = fl.loss('ctc', { reduction: 'none' });
    const T = 4;
    const C = 3;
    const logProbs = { data: new Float32Array(T * C).fill(Math.log(1 / C)), shape: [T, C] };
    const one = { logProbs, targets: [1, 2], inputLengths: [T], targetLengths: [2] };
    const single = ctc(one) as OutputTensor;
    expect(single.shape).toEqual([]);
    const acc = ctc.accumulator();
    const got = acc.update(one).update(one).update(one).result() as OutputTensor;
    expect(got.shape).toEqual([3]);
    expect(Array.from(got.data)).toEqual([single.data[0], single.data[0], single.data[0]]);
  });

  it('an empty accumulator of a family with the default result rule: NaN in PyTorch, 0 in Keras, 0 for a sum', async () => {
    const fl = await loadLosses();
    expect(fl.loss('CrossEntropyLoss').accumulator().result()).toBeNaN();
    expect(fl.loss('CrossEntropyLoss', { reduction: 'sum' }).accumulator().result()).toBe(0);
    expect(fl.loss('categorical_crossentropy').accumulator().result()).toBe(0);
    expect(fl.loss('categorical_crossentropy', { reduction: 'sum' }).accumulator().result()).toBe(0);
  });

  it('Keras sampleWeight with a rank-1 pred does not stream (one sample, split along its last axis)', async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mse').accumulator();
    expect(() => acc.update({ pred: [1, 2], target: [0, 0], sampleWeight: [2] })).toThrow(/SHAPE_MISMATCH.*batch axis/);
  });

  it('the result does not reset, and update returns the accumulator', async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mae', { framework: 'pytorch', reduction: 'sum' }).accumulator();
    expect(acc.update({ pred: [1, 2], target: [0, 0] }).update({ pred: [3], target: [0] }).result()).toBe(6);
    expect(acc.result()).toBe(6);
  });

  it("'none' keeps copies: reusing a batch's arrays does not change the result", async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mse', { framework: 'pytorch', reduction: 'none' }).accumulator();
    const pred = new Float32Array([1, 2]);
    const target = new Float32Array(2);
    acc.update({ pred, target });
    pred.set([3, 4]);
    acc.update({ pred, target });
    expect(acc.result()).toEqual({ data: new Float32Array([1, 4, 9, 16]), shape: [4] });
  });
});
