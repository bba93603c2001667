/**
 * Every input form of the same numbers gives the same value and gradient as the Float32Array form, for every
 * implemented loss and framework, every reduction, on the default instance (small inputs take the plain-JS
 * path) and with wasm forced: a property test over random shapes and data (fast-check).
 *
 * Forms: { data: Float32Array, shape } (the reference form), nested number arrays, { data: number[], shape },
 * { data: Float64Array, shape } (rounded to float32 on entry: the same numbers), fl.tensor(), and for 1-D
 * inputs the bare Float32Array, Float64Array and number[].
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, propertyRuns } from './helpers.js';

type Shape = number[];
interface Made {
  /** Every input as { data: Float32Array, shape }. */
  inputs: Record<string, { data: Float32Array; shape: Shape }>;
  /** The inputs whose form may vary (floating-point data). */
  floats: string[];
}

/** How to make valid inputs of a loss for a shape from uniform numbers in [0, 1). */
const MAKERS: Record<string, (shape: Shape, u: () => number, framework: 'tensorflow' | 'pytorch') => Made> = {};
const pairMaker = (lo: number, hi: number) => (shape: Shape, u: () => number): Made => {
  const n = shape.reduce((a, b) => a * b, 1);
  const make = () => Float32Array.from({ length: n }, () => lo + (hi - lo) * u());
  return { inputs: { pred: { data: make(), shape }, target: { data: make(), shape } }, floats: ['pred', 'target'] };
};
for (const name of ['mean_squared_error', 'mean_absolute_error', 'huber', 'smooth_l1', 'mean_absolute_percentage_error', 'log_cosh']) MAKERS[name] = pairMaker(-3, 3);
MAKERS.mean_squared_logarithmic_error = pairMaker(0, 3);
/** Probabilities in (0, 1) and 0/1-ish targets: binary cross-entropy (both frameworks' defaults take probabilities). */
MAKERS.binary_crossentropy = pairMaker(0.02, 0.98);
/** KL divergence: Keras takes probabilities, torch log-probabilities (negative numbers work for both as data). */
MAKERS.kullback_leibler_divergence = pairMaker(0.05, 0.95);
MAKERS.poisson_negative_log_likelihood = pairMaker(0.1, 3);
MAKERS.poisson = pairMaker(0.1, 3);
MAKERS.soft_margin = pairMaker(-3, 3);
MAKERS.binary_focal_crossentropy = pairMaker(0.02, 0.98);
MAKERS.dice = pairMaker(0, 1);
/** GaussianNLLLoss: pred, target and a var of pred's shape (positive), all three float inputs. */
MAKERS.gaussian_nll = (shape, u) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const make = (lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * u());
  return { inputs: { pred: { data: make(-2, 2), shape }, target: { data: make(-2, 2), shape }, var: { data: make(0.1, 2), shape } }, floats: ['pred', 'target', 'var'] };
};
/** MultiLabelSoftMarginLoss needs a class axis: a scalar shape becomes [1]. */
MAKERS.multilabel_soft_margin = (shape, u) => pairMaker(-3, 3)(shape.length === 0 ? [1] : shape, u);
MAKERS.tversky = pairMaker(0, 1);
/** Rows over a class axis: logits (or probabilities) and class indices of the shape without it. */
const classes = (probabilities: boolean, classAxis: 'last' | 1) => (shape: Shape, u: () => number): Made => {
  const n = shape.reduce((a, b) => a * b, 1);
  const C = shape[classAxis === 'last' ? shape.length - 1 : 1]!;
  const ls = classAxis === 'last' ? shape.slice(0, -1) : [shape[0]!, ...shape.slice(2)];
  const pred = Float32Array.from({ length: n }, () => (probabilities ? 0.05 + 0.9 * u() : 6 * u() - 3));
  const labels = Float32Array.from({ length: ls.reduce((a, b) => a * b, 1) }, () => Math.floor(u() * C) % C);
  return { inputs: { pred: { data: pred, shape }, target: { data: labels, shape: ls } }, floats: ['pred'] };
};
// Keras CCE: one-hot-ish soft targets of pred's shape; torch CE with class indices ([N, C] → [N]; [C] → []).
MAKERS.categorical_crossentropy = (shape, u) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const make = () => Float32Array.from({ length: n }, () => 0.05 + 0.9 * u());
  return { inputs: { pred: { data: make(), shape }, target: { data: make(), shape } }, floats: ['pred', 'target'] };
};
MAKERS.sparse_categorical_crossentropy = classes(true, 'last');
MAKERS.categorical_focal_crossentropy = MAKERS.categorical_crossentropy;
MAKERS.sparse_categorical_focal_crossentropy = classes(true, 'last');
MAKERS.negative_log_likelihood = (shape, u) => classes(false, 1)(shape.length === 1 ? [1, shape[0]!] : shape, u);
// The margin, similarity and ranking losses.
const floats = (n: number, u: () => number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * u());
const signs = (n: number, u: () => number) => Float32Array.from({ length: n }, () => (u() < 0.5 ? -1 : 1));
const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
/** Two differentiated inputs of one shape, and ±1 labels when the loss takes them. */
const twoInputs = (a: string, b: string, label?: string) => (shape: Shape, u: () => number): Made => {
  const n = size(shape);
  const inputs: Made['inputs'] = { [a]: { data: floats(n, u, -2, 2), shape }, [b]: { data: floats(n, u, -2, 2), shape } };
  if (label !== undefined) inputs[label] = { data: signs(n, u), shape };
  return { inputs, floats: [a, b] };
};
MAKERS.hinge = pairMaker(-2, 2);
MAKERS.squared_hinge = pairMaker(-2, 2);
MAKERS.cosine_similarity = pairMaker(-1, 1);
MAKERS.categorical_hinge = (shape, u, framework) => (framework === 'pytorch' ? twoInputs('x1', 'x2', 'target')(shape, u) : pairMaker(0, 1)(shape, u));
MAKERS.margin_ranking = twoInputs('x1', 'x2', 'target');
MAKERS.bpr = twoInputs('positive', 'negative');
MAKERS.pair_hinge = twoInputs('positive', 'negative');
MAKERS.hinge_embedding = (shape, u) => ({ inputs: { pred: { data: floats(size(shape), u, -2, 2), shape }, target: { data: signs(size(shape), u), shape } }, floats: ['pred'] });
MAKERS.cosine_embedding = (shape, u) => {
  const s2 = shape.length === 1 ? [1, shape[0]!] : [shape[0]!, size(shape.slice(1))];
  const n = size(s2);
  return {
    inputs: { x1: { data: floats(n, u, -1, 1), shape: s2 }, x2: { data: floats(n, u, -1, 1), shape: s2 }, target: { data: signs(s2[0]!, u), shape: [s2[0]!] } },
    floats: ['x1', 'x2'],
  };
};
/** CTC: log-probabilities [T, N, C] (a log-softmax of uniform logits), padded targets, full-length inputs. */
MAKERS.ctc = (shape, u) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const T = 4 + (n % 9);
  const N = 1 + (shape.length % 3);
  const C = 3 + (shape[0]! % 4);
  const S = 2;
  const lp = new Float32Array(T * N * C);
  for (let r = 0; r < T * N; r++) {
    const z = Array.from({ length: C }, () => 4 * u() - 2);
    const lse = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
    for (let c = 0; c < C; c++) lp[r * C + c] = z[c]! - lse;
  }
  const targets = Float32Array.from({ length: N * S }, () => 1 + Math.floor(u() * (C - 1)));
  return {
    inputs: {
      logProbs: { data: lp, shape: [T, N, C] },
      targets: { data: targets, shape: [N, S] },
      inputLengths: { data: new Float32Array(N).fill(T), shape: [N] },
      targetLengths: { data: Float32Array.from({ length: N }, (_, i) => 1 + (i % S)), shape: [N] },
    },
    floats: ['logProbs'],
  };
};

function nested(data: Float32Array, shape: Shape): unknown {
  if (shape.length <= 1) return Array.from(data);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nested(data.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
}

/** Each form of one input, by a label. */
function forms(fl: FastLoss, x: { data: Float32Array; shape: Shape }): Array<[string, unknown, () => void]> {
  const none = () => {};
  const t = fl.tensor(x.shape);
  t.data.set(x.data);
  const out: Array<[string, unknown, () => void]> = [
    ['nested', nested(x.data, x.shape), none],
    ['{ data: number[] }', { data: Array.from(x.data), shape: x.shape }, none],
    ['{ data: Float64Array }', { data: Float64Array.from(x.data), shape: x.shape }, none],
    ['fl.tensor', t, () => t.free()],
  ];
  if (x.shape.length === 1) {
    out.push(['Float32Array', x.data, none], ['Float64Array', Float64Array.from(x.data), none], ['number[]', Array.from(x.data), none]);
  }
  return out;
}

const values = (v: number | OutputTensor): number[] => (typeof v === 'number' ? [v] : Array.from(v.data));
const shapeOf = (v: number | OutputTensor): Shape | null => (typeof v === 'number' ? null : v.shape);

const shapes = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 1 }),
  fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 3 }),
  fc.constantFrom<number[]>([300], [20, 17], [3, 5, 21]), // above the default jsBelow (256): the wasm path on the default instance
);

describe.each([
  ['default instance', {}],
  ['wasm forced (jsBelow 0)', { jsBelow: 0 }],
] as const)('input forms agree: %s', (_label, options) => {
  it('every implemented loss has an input maker here', async () => {
    const fl = await loadLosses(options);
    for (const { name } of fl.implemented()) expect(MAKERS[name], name).toBeDefined();
  });

  it('value and gradient of every form equal the Float32Array form', async () => {
    const fl = await loadLosses(options);
    const reductions = { tensorflow: ['sum_over_batch_size', 'sum', 'none'], pytorch: ['mean', 'sum', 'none'] } as const;
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 2 ** 30 }), (shape, seed) => {
        let a = seed;
        const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
        for (const { name, frameworks } of fl.implemented()) {
          for (const framework of frameworks) {
            const made = MAKERS[name]!(shape, u, framework);
            for (const reduction of reductions[framework]) {
              const loss = fl.loss(name, { framework, reduction });
              const want = loss(made.inputs);
              const wantGrad = loss.withGrad(made.inputs);
              for (const input of made.floats) {
                for (const [form, value, cleanup] of forms(fl, made.inputs[input]!)) {
                  const inputs = { ...made.inputs, [input]: value };
                  const label = `${name} (${framework}, ${reduction}) ${input} as ${form}, shape [${shape}]`;
                  const got = loss(inputs);
                  expectClose(values(got), values(want), `${label} value`);
                  expect(shapeOf(got), label).toEqual(shapeOf(want));
                  const g = loss.withGrad(inputs);
                  expectClose(values(g.value), values(wantGrad.value), `${label} withGrad value`);
                  for (const k of Object.keys(wantGrad.grad)) {
                    expectClose(g.grad[k]!.data, wantGrad.grad[k]!.data, `${label} grad ${k}`);
                    expect(g.grad[k]!.shape, label).toEqual(wantGrad.grad[k]!.shape);
                  }
                  cleanup();
                }
              }
            }
          }
        }
      }),
      { numRuns: propertyRuns(25), seed: 20261129 },
    );
  });
});
