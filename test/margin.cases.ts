/**
 * The margin, ranking and cosine losses under test, each with its float64 reference, its inputs and their
 * domain: the matrix the conformance, tail and gradient suites iterate.
 */

import {
  bpr,
  kerasCategoricalHinge,
  kerasCosineSimilarity,
  kerasHinge,
  kerasSquaredHinge,
  pairHinge,
  torchCosineEmbedding,
  torchHingeEmbedding,
  torchMarginRanking,
  type KerasReduction,
  type MarginRef,
} from '../src/reference/margin.js';
import { rng, uniform } from './helpers.js';

export type Framework = 'tensorflow' | 'pytorch';

export interface RefOptions {
  reduction: string;
  sampleWeight?: { data: Float32Array; shape: number[] };
  gradOutput?: ArrayLike<number>;
}

export interface MarginCase {
  label: string;
  name: string;
  framework: Framework;
  options: Record<string, number>;
  /** 'elementwise': pred/target or a, b elementwise; 'rows': reduces the last axis (or `axis`). */
  geometry: 'elementwise' | 'lastAxisMean' | 'rows';
  /** Inputs for an input shape (labels shaped as the case says). */
  data(shape: number[], seed: number): Record<string, { data: Float32Array; shape: number[] }>;
  differentiated: readonly string[];
  /** The per-sample loss shape for an input shape. */
  lossShape(shape: number[]): number[];
  ref(inputs: Record<string, { data: Float32Array; shape: number[] }>, o: RefOptions): MarginRef;
}

const signs = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1));
};
const bits = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? 0 : 1));
};
const ternary = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(r() * 3) - 1);
};
const oneHot = (shape: number[], seed: number) => {
  const dims = shape.length === 0 ? [1] : shape;
  const d = dims[dims.length - 1]!;
  const rows = dims.slice(0, -1).reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const t = new Float32Array(rows * d);
  for (let i = 0; i < rows; i++) t[i * d + Math.floor(r() * d)] = 1;
  return t;
};
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const lastAxisOff = (shape: number[]) => (shape.length === 0 ? [] : shape.slice(0, -1));
const same = (shape: number[]) => [...shape];
const k = (o: RefOptions) => ({ reduction: o.reduction as KerasReduction, ...(o.sampleWeight ? { sampleWeight: o.sampleWeight } : {}), ...(o.gradOutput ? { gradOutput: o.gradOutput } : {}) });
const t = (o: RefOptions) => ({ reduction: o.reduction as 'mean', ...(o.gradOutput ? { gradOutput: o.gradOutput } : {}) });

function predTarget(labels: (shape: number[], seed: number) => Float32Array, lo = -2, hi = 2) {
  return (shape: number[], seed: number) => ({
    pred: { data: uniform(size(shape), seed, lo, hi), shape },
    target: { data: labels(shape, seed + 1000), shape },
  });
}

function hingeCase(name: 'hinge' | 'squared_hinge', labelName: string, labels: (n: number, seed: number) => Float32Array): MarginCase {
  const ref = name === 'hinge' ? kerasHinge : kerasSquaredHinge;
  return {
    label: `${name} (${labelName} labels)`,
    name,
    framework: 'tensorflow',
    options: {},
    geometry: 'lastAxisMean',
    data: predTarget((shape, seed) => labels(size(shape), seed)),
    differentiated: ['pred'],
    lossShape: lastAxisOff,
    ref: (i, o) => ref(i.pred!.data, i.target!.data, i.pred!.shape, k(o)),
  };
}

function pairs(names: [string, string], label: boolean) {
  return (shape: number[], seed: number) => ({
    [names[0]]: { data: uniform(size(shape), seed, -3, 3), shape },
    [names[1]]: { data: uniform(size(shape), seed + 1000, -3, 3), shape },
    ...(label ? { target: { data: signs(size(shape), seed + 2000), shape } } : {}),
  });
}

function marginRanking(name: string, margin: number): MarginCase {
  return {
    label: `${name}(pytorch, margin=${margin})`,
    name,
    framework: 'pytorch',
    options: { margin },
    geometry: 'elementwise',
    data: pairs(['x1', 'x2'], true),
    differentiated: ['x1', 'x2'],
    lossShape: same,
    ref: (i, o) => torchMarginRanking(i.x1!.data, i.x2!.data, i.target!.data, i.x1!.shape, { ...t(o), margin }),
  };
}

export const MARGIN_CASES: readonly MarginCase[] = [
  hingeCase('hinge', '±1', signs),
  hingeCase('hinge', '0/1', bits),
  hingeCase('hinge', '{-1, 0, 1}', ternary),
  hingeCase('squared_hinge', '±1', signs),
  hingeCase('squared_hinge', '0/1', bits),
  {
    label: 'categorical_hinge (one-hot)',
    name: 'categorical_hinge',
    framework: 'tensorflow',
    options: {},
    geometry: 'rows',
    data: predTarget(oneHot),
    differentiated: ['pred'],
    lossShape: lastAxisOff,
    ref: (i, o) => kerasCategoricalHinge(i.pred!.data, i.target!.data, i.pred!.shape, k(o)),
  },
  {
    label: 'categorical_hinge (soft labels)',
    name: 'categorical_hinge',
    framework: 'tensorflow',
    options: {},
    geometry: 'rows',
    data: predTarget((shape, seed) => uniform(size(shape), seed, 0, 1)),
    differentiated: ['pred'],
    lossShape: lastAxisOff,
    ref: (i, o) => kerasCategoricalHinge(i.pred!.data, i.target!.data, i.pred!.shape, k(o)),
  },
  ...[-1, 0].map(
    (axis): MarginCase => ({
      label: `cosine_similarity (axis ${axis})`,
      name: 'cosine_similarity',
      framework: 'tensorflow',
      options: { axis },
      geometry: 'rows',
      data: predTarget((shape, seed) => uniform(size(shape), seed, -2, 2)),
      differentiated: ['pred'],
      lossShape: (shape) => {
        const dims = shape.length === 0 ? [1] : shape;
        const ax = axis < 0 ? axis + dims.length : axis;
        return [...dims.slice(0, ax), ...dims.slice(ax + 1)];
      },
      ref: (i, o) => kerasCosineSimilarity(i.pred!.data, i.target!.data, i.pred!.shape, { ...k(o), axis }),
    }),
  ),
  ...[1, 0.5].map(
    (margin): MarginCase => ({
      label: `hinge_embedding(margin=${margin})`,
      name: 'hinge_embedding',
      framework: 'pytorch',
      options: { margin },
      geometry: 'elementwise',
      data: predTarget((shape, seed) => signs(size(shape), seed)),
      differentiated: ['pred'],
      lossShape: same,
      ref: (i, o) => torchHingeEmbedding(i.pred!.data, i.target!.data, i.pred!.shape, { ...t(o), margin }),
    }),
  ),
  marginRanking('margin_ranking', 0),
  marginRanking('margin_ranking', 0.25),
  marginRanking('categorical_hinge', 0.5),
  {
    label: 'bpr',
    name: 'bpr',
    framework: 'tensorflow',
    options: {},
    geometry: 'elementwise',
    data: pairs(['positive', 'negative'], false),
    differentiated: ['positive', 'negative'],
    lossShape: same,
    ref: (i, o) => bpr(i.positive!.data, i.negative!.data, i.positive!.shape, k(o)),
  },
  ...[1, 0.5].map(
    (margin): MarginCase => ({
      label: `pair_hinge(margin=${margin})`,
      name: 'pair_hinge',
      framework: 'tensorflow',
      options: { margin },
      geometry: 'elementwise',
      data: pairs(['positive', 'negative'], false),
      differentiated: ['positive', 'negative'],
      lossShape: same,
      ref: (i, o) => pairHinge(i.positive!.data, i.negative!.data, i.positive!.shape, { ...k(o), margin }),
    }),
  ),
  ...[0, 0.25, -0.5].map(
    (margin): MarginCase => ({
      label: `cosine_embedding(margin=${margin})`,
      name: 'cosine_embedding',
      framework: 'pytorch',
      options: { margin },
      geometry: 'rows',
      data: (shape, seed) => ({
        x1: { data: uniform(size(shape), seed), shape },
        x2: { data: uniform(size(shape), seed + 1000), shape },
        target: { data: signs(size(shape.slice(0, -1)), seed + 2000), shape: shape.slice(0, -1) },
      }),
      differentiated: ['x1', 'x2'],
      lossShape: (shape) => shape.slice(0, -1),
      ref: (i, o) => torchCosineEmbedding(i.x1!.data, i.x2!.data, i.target!.data, i.x1!.shape, { ...t(o), margin }),
    }),
  ),
];

export const REDUCTIONS: Record<Framework, readonly string[]> = {
  tensorflow: ['sum_over_batch_size', 'mean', 'sum', 'none', 'mean_with_sample_weight'],
  pytorch: ['mean', 'sum', 'none'],
};

/** Input shapes a case takes. */
export function shapesOf(c: MarginCase): number[][] {
  if (c.name === 'cosine_embedding') return [[7], [1, 4], [3, 5], [5, 33]];
  if (c.name === 'cosine_similarity' && c.options.axis === 0) return [[7], [3, 5], [2, 3, 4], [5, 1]];
  // one-element rows have a gradient that is 0 in exact arithmetic, rounding noise in any other (the semantics
  // suite checks it is within 1e-6 of 0 there)
  if (c.name === 'cosine_similarity') return [[7], [3, 5], [2, 3, 4]];
  return [[], [1], [7], [3, 5], [2, 3, 4]];
}
