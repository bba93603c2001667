/**
 * The edge cases of docs/semantics.md §2 (hinge, ch, cs, bpr / phinge) with values worked out by hand, the errors
 * of these families (one bad input per error), agreement of the builds on large inputs, and memory.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, LossError, type FastLoss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, uniform } from './helpers.js';
import { asPlainJs, type PlainJsFastLoss } from './plain-js.js';
import { kerasHinge, kerasSquaredHinge } from '../src/reference/margin.js';
import { CHUNK } from '../src/wasm.js';

let fl: PlainJsFastLoss; // some tests below make a plain-JS user's mistakes, which the types would refuse
let scalar: FastLoss;
beforeAll(async () => {
  fl = asPlainJs(await loadLosses({ jsBelow: 0 }));
  scalar = await loadLosses({ build: 'scalar' });
});

function caught(fn: () => unknown): LossError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LossError) return err;
    throw err;
  }
  throw new Error('expected a LossError, nothing was thrown');
}

const data = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe('hinge: the whole-tensor 0/1 rule', () => {
  it('0/1 labels become -1/1; {-1, 0, 1} keeps its 0s (max(1 - 0·p, 0) = 1, gradient 0)', () => {
    const hinge = fl.loss('hinge');
    expect(hinge({ pred: [0.3, -0.2], target: [1, 0] })).toBeCloseTo((0.7 + 0.8) / 2, 6);
    // the fixture case hinge-edge-094 of Keras 3.15: target [-1, 0, 1, 1]
    const g = hinge.withGrad({ pred: [[0.3, -0.2, 1, -1]], target: [[-1, 0, 1, 1]] });
    expect(g.value).toBeCloseTo(1.0750000029802322, 7);
    expect(Array.from(g.grad.pred!.data)).toEqual([0.25, -0, -0.25, -0.25]); // -0, as Keras gives
    // one label that is not 0 or 1 anywhere in the tensor: nothing is converted
    expect(hinge({ pred: [[0.5, 0.5], [0.5, 0.5]], target: [[1, 0], [0, 2]] })).toBeCloseTo((0.5 + 1 + 1 + 0) / 4, 6);
    expect(hinge({ pred: [[0.5, 0.5], [0.5, 0.5]], target: [[1, 0], [0, 1]] })).toBeCloseTo((0.5 + 1.5 + 1.5 + 0.5) / 4, 6);
  });

  it('the gradient passes at 1 - y·p = 0 (squared: 0 there)', () => {
    expect(Array.from(fl.loss('hinge').withGrad({ pred: [1, -1], target: [1, -1] }).grad.pred!.data)).toEqual([-0.5, 0.5]);
    expect(Array.from(fl.loss('squared_hinge').withGrad({ pred: [1, 0], target: [1, 1] }).grad.pred!.data)).toEqual([0, -1]);
  });
});

describe('categorical hinge', () => {
  it('ties in the max split the gradient equally', () => {
    const g = fl.loss('ch').withGrad({ pred: [[1, 2, 2]], target: [[1, 0, 0]] });
    expect(g.value).toBe(2);
    expect(Array.from(g.grad.pred!.data)).toEqual([-1, 0.5, 0.5]);
    const three = fl.loss('ch').withGrad({ pred: [[0.5, 0.5, 0.5, 3]], target: [[0, 0, 0, 1]] });
    expect(three.value).toBe(0); // max(0.5 - 3 + 1, 0)
    expect(Array.from(three.grad.pred!.data)).toEqual([0, 0, 0, 0]);
    const atZero = fl.loss('ch').withGrad({ pred: [[0.5, 0.5, 0.5, 1.5]], target: [[0, 0, 0, 1]] });
    expect(atZero.value).toBe(0); // 0.5 - 1.5 + 1 = 0: the gradient passes
    expectClose(atZero.grad.pred!.data, [1 / 3, 1 / 3, 1 / 3, -1], 'ties at z = 0');
  });
});

describe('cosine similarity: zero and tiny vectors', () => {
  it('a zero pred row gives 0, with the gradient of the 1e7 branch; a zero target row gives 0 and no gradient', () => {
    // Keras 3.15 fixture cs-edge-087 (sum_over_batch_size over 3 rows)
    const g = fl.loss('cosine_similarity').withGrad({ pred: [[0, 0, 0], [1, 2, 3], [1e-9, 0, 0]], target: [[1, 2, 2], [0, 0, 0], [1, 0, 0]] });
    expectClose([g.value as number], [-0.0033333332390602286], 'value');
    expectClose(g.grad.pred!.data, [-1111111.111111111, -2222222.222222222, -2222222.222222222, 0, 0, 0, -3333333.333333333, 0, 0], 'gradient');
    const none = fl.loss('cosine_similarity', { reduction: 'none' })({ pred: [[0, 0], [3, 4]], target: [[1, 1], [3, 4]] });
    expectClose(data(none), [0, -1], 'zero row 0, parallel rows -1');
  });

  it('a one-element row: the gradient is 0 up to rounding', () => {
    const g = fl.loss('cosine_similarity').withGrad({ pred: [[0.7], [-2]], target: [[1.5], [3]] });
    expect(data(g.value)[0]).toBeCloseTo(0, 6); // (-1 + 1) / 2
    for (const x of g.grad.pred!.data) expect(Math.abs(x)).toBeLessThan(1e-6);
  });

  it('any axis: axis 0 of [3, 2] equals axis -1 of its transpose', () => {
    const a = fl.loss('cosine_similarity', { axis: 0, reduction: 'none' }).withGrad({ pred: [[1, 2], [3, 4], [5, 6]], target: [[1, 0], [0, 1], [1, 1]] });
    const b = fl.loss('cosine_similarity', { reduction: 'none' }).withGrad({ pred: [[1, 3, 5], [2, 4, 6]], target: [[1, 0, 1], [0, 1, 1]] });
    expectClose(data(a.value), data(b.value), 'values');
    const back = [0, 1, 2].flatMap((i) => [b.grad.pred!.data[i]!, b.grad.pred!.data[3 + i]!]);
    expectClose(a.grad.pred!.data, back, 'gradients');
  });
});

describe('cosine embedding', () => {
  it('a zero vector: cos 0, loss 1 (y = 1) or 0 (y = -1); gradient x2/(1e-6·sqrt(B)) for a zero x1', () => {
    const ce = fl.loss('cosine_embedding', { reduction: 'none' });
    expectClose(data(ce({ x1: [[0, 0], [0, 0]], x2: [[3, 4], [3, 4]], target: [1, -1] })), [1, 0], 'values');
    const g = fl.loss('cosine_embedding', { reduction: 'sum' }).withGrad({ x1: [0, 0], x2: [3, 4], target: 1 });
    const eps = Math.fround(1e-12);
    expectClose(g.grad.x1!.data, [-3 / Math.sqrt(eps * (25 + eps)), -4 / Math.sqrt(eps * (25 + eps))], 'gradient of a zero x1');
    expect(Array.from(g.grad.x2!.data)).toEqual([0, 0]);
  });
});

describe('bpr and pair hinge: huge differences, ties', () => {
  it('bpr = softplus(-d) stays finite for d = ±2e4 and keeps tiny values', () => {
    const loss = fl.loss('bpr', { reduction: 'none' });
    const pos = [2e4, -2e4, 0, 20, -20, 1e-3, 100];
    const neg = [0, 0, 0, 0, 0, 0, 0];
    const want = pos.map((d) => (d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d))));
    for (const f of [fl, scalar]) {
      const g = f.loss('bpr', { reduction: 'none' }).withGrad({ positive: pos, negative: neg });
      expectClose(data(g.value).slice(0, 5), want.slice(0, 5), 'values');
      expect(data(g.value)[0]).toBe(0);
      expect(data(g.value)[1]).toBe(2e4);
      expectClose([data(g.value)[3]!], [want[3]!], 'softplus(-20) to its own precision');
      const sig = pos.map((d) => -1 / (1 + Math.exp(d)));
      expectClose(g.grad.positive!.data, sig, 'gradient -σ(-d)');
      expectClose(g.grad.negative!.data, sig.map((x) => -x), 'gradient σ(-d)');
    }
    expect(loss({ positive: [0], negative: [0] }) as OutputTensor).toEqual({ data: Float32Array.of(Math.fround(Math.LN2)), shape: [1] });
  });

  it('bpr sums keep 1e-6 relative when every pair is well separated (a trained model: tiny losses)', () => {
    for (const [lo, hi] of [[5, 15], [15, 30], [-1, 1], [-40, 40]] as const) {
      for (const n of [16, 64, 1000, 65537]) {
        const d = uniform(n, n + lo, lo, hi);
        const zeros = new Float32Array(n);
        let want = 0;
        for (const x of d) want += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
        for (const f of [fl, scalar]) {
          const got = f.loss('bpr', { reduction: 'sum' })({ positive: d, negative: zeros }) as number;
          expect(Math.abs(got / want - 1), `d in [${lo}, ${hi}), n = ${n}, ${f.build}`).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('pair hinge passes the gradient at margin - d = 0', () => {
    const g = fl.loss('pair_hinge', { reduction: 'sum' }).withGrad({ positive: [1, 3, 0], negative: [0, 0, 0] });
    expect(g.value).toBe(1);
    expect(Array.from(g.grad.positive!.data)).toEqual([-1, 0, -1]);
    expect(Array.from(g.grad.negative!.data)).toEqual([1, -0, 1]);
  });
});

describe('errors', () => {
  it('LABEL_OUT_OF_RANGE names the index and the value, for every ±1 label', () => {
    let e = caught(() => fl.loss('hinge_embedding')({ pred: [1, 2, 3], target: [1, -1, 0] }));
    expect([e.code, e.argument, e.received]).toEqual(['LABEL_OUT_OF_RANGE', 'target[2]', '0']);
    e = caught(() => fl.loss('margin_ranking')({ x1: [1, 2], x2: [0, 0], target: [2, 1] }));
    expect([e.code, e.argument, e.received]).toEqual(['LABEL_OUT_OF_RANGE', 'target[0]', '2']);
    e = caught(() => fl.loss('cosine_embedding').withGrad({ x1: [[1, 2]], x2: [[0, 1]], target: [0.5] }));
    expect([e.code, e.argument, e.received]).toEqual(['LABEL_OUT_OF_RANGE', 'target[0]', '0.5']);
    expect(caught(() => fl.loss('ch', { framework: 'pytorch' })({ x1: [1], x2: [0], target: [NaN] })).code).toBe('LABEL_OUT_OF_RANGE');
  });

  it('labels given as number[] are scanned block by block: the index of a bad label past the first block, and Keras hinge\'s 0/1 rule over every block', () => {
    const n = 40000; // more than two scan blocks of 16384
    const ones: number[] = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const x = Array.from({ length: n }, (_, i) => (i % 7) / 7 - 0.5);
    const bad = [...ones];
    bad[n - 5] = 0;
    let e = caught(() => fl.loss('margin_ranking')({ x1: x, x2: x, target: bad }));
    expect([e.code, e.argument, e.received]).toEqual(['LABEL_OUT_OF_RANGE', `target[${n - 5}]`, '0']);
    e = caught(() => fl.loss('hinge_embedding').withGrad({ pred: x, target: bad }));
    expect([e.code, e.argument]).toEqual(['LABEL_OUT_OF_RANGE', `target[${n - 5}]`]);
    // 0/1 labels with a 2 in the last block: not converted (Keras converts only when every label is 0 or 1)
    const binary = Array.from({ length: n }, (_, i) => i % 2);
    const hinge = fl.loss('hinge', { reduction: 'sum' });
    const asF32 = (t: number[]) => hinge({ pred: Float32Array.from(x), target: Float32Array.from(t) }) as number;
    expectClose([hinge({ pred: x, target: binary }) as number], [asF32(binary)], 'hinge 0/1 number[]');
    const mixed = [...binary];
    mixed[n - 1] = 2;
    expectClose([hinge({ pred: x, target: mixed }) as number], [asF32(mixed)], 'hinge 0/1/2 number[]');
    expect(Math.abs(asF32(mixed) - asF32(binary))).toBeGreaterThan(0.01); // the rule decides the value
  });

  it('SHAPE_MISMATCH between paired inputs, for cosine embedding targets and ranks', () => {
    expect(caught(() => fl.loss('bpr')({ positive: [1, 2], negative: [1] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('margin_ranking')({ x1: [1, 2], x2: [1, 2], target: [1] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('cosine_embedding')({ x1: [[1, 2]], x2: [[1, 2]], target: [1, 1] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('cosine_embedding')({ x1: [[[1]]], x2: [[[1]]], target: [[1]] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('cosine_similarity')({ pred: [[1, 2]], target: [[1, 2, 3]] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('hinge')({ pred: [[1, 2]], target: [[1, 2, 3]] })).code).toBe('SHAPE_MISMATCH');
  });

  it('MISSING_INPUT / UNKNOWN_INPUT list the names; options are checked', () => {
    const e = caught(() => fl.loss('bpr')({ pred: [1], target: [0] }));
    expect(e.code).toBe('UNKNOWN_INPUT');
    expect(e.expected).toContain('positive');
    expect(caught(() => fl.loss('bpr')({ positive: [1] })).code).toBe('MISSING_INPUT');
    expect(caught(() => fl.loss('ch', { framework: 'pytorch' })({ pred: [1], target: [1] })).expected).toContain('x1');
    expect(caught(() => fl.loss('pair_hinge', { margin: Infinity })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('bpr', { margin: 1 })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('cosine_similarity', { axis: 1.5 })).code).toBe('BAD_OPTION');
    const axis = caught(() => fl.loss('cosine_similarity', { axis: 2 })({ pred: [[1, 2]], target: [[1, 2]] }));
    expect([axis.code, axis.argument]).toEqual(['BAD_OPTION', 'option "axis"']);
    expect(caught(() => fl.loss('bpr', { framework: 'pytorch' })).code).toBe('UNSUPPORTED_FRAMEWORK');
    expect(caught(() => fl.loss('CategoricalHinge', { framework: 'pytorch' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('hinge', { reduction: 'batchmean' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('bpr').withGrad({ positive: [1], negative: [0] }, { out: { pred: new Float32Array(1) } } as never)).code).toBe('BAD_OPTION');
  });

  it('BAD_DTYPE and FREED_TENSOR come through the shared input checks', () => {
    expect(caught(() => fl.loss('bpr')({ positive: ['a'] as unknown as number[], negative: [0] })).code).toBe('BAD_DTYPE');
    const x = fl.tensor([2]);
    x.free();
    expect(caught(() => fl.loss('cosine_embedding')({ x1: x, x2: [1, 2], target: 1 })).code).toBe('FREED_TENSOR');
  });

  it('names and aliases resolve (categorical_hinge with pytorch is MarginRankingLoss)', () => {
    expect(fl.loss('ch', { framework: 'pytorch' }).name).toBe('categorical_hinge');
    expect(fl.loss('MarginRankingLoss').options).toEqual({ reduction: 'mean', margin: 0 });
    expect(fl.loss('phinge').options).toEqual({ reduction: 'sum_over_batch_size', margin: 1 });
    expect(fl.loss('CosineSimilarity').options).toEqual({ reduction: 'sum_over_batch_size', axis: -1 });
    expect(fl.loss('HingeEmbeddingLoss').options).toEqual({ reduction: 'mean', margin: 1 });
    expect(fl.loss('cosine_embedding_loss').framework).toBe('pytorch');
  });
});

describe('builds agree, accumulation in f64, memory', () => {
  it('SIMD and scalar builds agree on 200,003 elements / rows, streamed and in place', async () => {
    const n = 200_003;
    const pos = uniform(n, 1, -30, 30);
    const neg = uniform(n, 2, -30, 30);
    for (const [name, inputs] of [
      ['bpr', { positive: pos, negative: neg }],
      ['pair_hinge', { positive: pos, negative: neg }],
      ['hinge', { pred: pos, target: Float32Array.from(neg, (x) => (x < 0 ? -1 : 1)) }],
      ['cosine_similarity', { pred: { data: pos.subarray(0, 3 * 65536), shape: [65536, 3] }, target: { data: neg.subarray(0, 3 * 65536), shape: [65536, 3] } }],
    ] as const) {
      const a = fl.loss(name).withGrad(inputs);
      const b = scalar.loss(name).withGrad(inputs);
      expectClose([a.value as number], [b.value as number], `${name} value`, {}, 1e-7);
      for (const key of Object.keys(a.grad)) expectClose(a.grad[key]!.data, b.grad[key]!.data, `${name} grad ${key}`, {}, 1e-6);
    }
  });

  it('4,194,304 pairs: bpr and hinge within 1e-6 relative of the float64 sum; wasm memory does not grow', () => {
    const n = 4_194_304;
    const pos = uniform(n, 3, -5, 5);
    const neg = uniform(n, 4, -5, 5);
    let sumB = 0;
    let sumH = 0;
    const y = Float32Array.from(neg, (x) => (x < 0 ? -1 : 1));
    for (let i = 0; i < n; i++) {
      const d = pos[i]! - neg[i]!;
      sumB += d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));
      sumH += Math.max(1 - y[i]! * pos[i]!, 0);
    }
    const bytes = fl.memory.buffer.byteLength;
    expect(Math.abs((fl.loss('bpr')({ positive: pos, negative: neg }) as number) / (sumB / n) - 1)).toBeLessThan(1e-6);
    expect(Math.abs((fl.loss('bpr').withGrad({ positive: pos, negative: neg }).value as number) / (sumB / n) - 1)).toBeLessThan(1e-6);
    expect(Math.abs((fl.loss('hinge')({ pred: pos, target: y }) as number) / (sumH / n) - 1)).toBeLessThan(1e-6);
    fl.loss('cosine_embedding').withGrad({ x1: { data: pos, shape: [n / 64, 64] }, x2: { data: neg, shape: [n / 64, 64] }, target: new Float32Array(n / 64).fill(1) });
    expect(fl.memory.buffer.byteLength).toBe(bytes);
  });
});

describe("hinge: the whole-tensor 0/1 rule, scanned in wasm (binary_labels_f32) against the float64 reference", () => {
  it('one label that is neither 0 nor 1, at a block edge or the end, decides; every input form; both builds and the JS path', async () => {
    const n = 2 * CHUNK + 5;
    const x = uniform(n, 5, -2, 2);
    const builds = [fl, asPlainJs(scalar), asPlainJs(await loadLosses({ jsBelow: Infinity }))];
    for (const at of [-1, 0, 3, CHUNK - 1, CHUNK, n - 1]) {
      for (const odd of [2, -1, 0.5, NaN]) {
        if (at < 0 && odd !== 2) continue;
        // 0/1 labels; at -1 none is odd (converted), else one odd label (not converted, the 0s stay 0)
        const t = Float32Array.from({ length: n }, (_, i) => (i * 7919) % 3 === 0 ? 0 : 1);
        if (at >= 0) t[at] = odd;
        for (const [name, ref] of [['hinge', kerasHinge], ['squared_hinge', kerasSquaredHinge]] as const) {
          const want = ref(x, t, [n], { reduction: 'sum' }).value as number;
          for (const [b, lib] of builds.entries()) {
            const loss = lib.loss(name, { reduction: 'sum' });
            const tensor = lib.tensor([n]);
            tensor.data.set(t);
            const forms: Record<string, unknown> = { Float32Array: t, 'fl.tensor': tensor, 'number[]': Array.from(t), Float64Array: Float64Array.from(t) };
            for (const [form, target] of Object.entries(forms)) {
              const got = loss({ pred: x, target }) as number;
              const label = `${name} build ${b} odd ${odd} at ${at} ${form}`;
              if (Number.isNaN(want)) expect(Number.isNaN(got), label).toBe(true);
              else expectClose([got], [want], label);
            }
            tensor.free();
          }
        }
      }
    }
  });

  it('streaming: a batch with an odd label after a converted batch is an error; odd-first batches fix "as given"', () => {
    const hinge = fl.loss('hinge');
    const n = CHUNK + 3;
    const zeroOne = Float32Array.from({ length: n }, (_, i) => i % 2);
    const odd = Float32Array.from(zeroOne);
    odd[n - 1] = 2;
    const x = uniform(n, 9, -1, 1);
    const acc = hinge.accumulator();
    acc.update({ pred: x, target: zeroOne });
    const e = caught(() => acc.update({ pred: x, target: odd }));
    expect([e.code, e.argument]).toEqual(['LABEL_OUT_OF_RANGE', 'target (batch 1)']);
    const acc2 = hinge.accumulator();
    acc2.update({ pred: x, target: odd });
    acc2.update({ pred: x, target: zeroOne }); // as given: 0/1 labels after an odd batch are consistent
    expect(Number.isFinite(acc2.result() as number)).toBe(true);
  });
});
