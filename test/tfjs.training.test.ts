/**
 * fastloss/tfjs in TensorFlow.js training: for every loss TensorFlow.js also has, a few training steps of a small
 * tfjs model compiled with the fastloss loss give the same weights (to 1e-5) as with the Keras 3 formula written
 * in tfjs ops and differentiated by tfjs (the independent reference here: Keras's own definitions, keras/src/losses/
 * losses.py, with its epsilon 1e-7); and where TensorFlow.js's own loss of the same name departs from Keras
 * (hinge and squared hinge do not convert 0/1 labels), the weights it trains to show the difference. On the cpu
 * backend, and the wasm backend for a subset.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { tfjsLoss } from '../src/tfjs.js';
import { rng } from './helpers.js';
import { loadTfjs, type Tf, type TfLayers } from './tfjs.setup.js';

type T = ReturnType<Tf['tensor']>;
const EPS = 1e-7;

/** Keras 3's per-sample losses (sum_over_batch_size then takes their mean), in tfjs ops. */
function kerasFormulas(tf: Tf): Record<string, (y: T, p: T) => T> {
  const clip = (x: T, lo: number, hi: number) => tf.clipByValue(x, lo, hi);
  const mean = (x: T) => tf.mean(x, -1);
  /** keras.losses.hinge's convert_binary_labels_to_hinge: 2y - 1 when every label is 0 or 1 */
  const hingeLabels = (y: T) => (tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1))).dataSync()[0] ? tf.sub(tf.mul(y, 2), 1) : y);
  /** keras.ops.normalize: x·min(rsqrt(Σx²), 1/ε) */
  const normalize = (x: T) => tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), -1, true)), 1 / EPS));
  return {
    mean_squared_error: (y, p) => mean(tf.square(tf.sub(p, y))),
    mean_absolute_error: (y, p) => mean(tf.abs(tf.sub(p, y))),
    mean_absolute_percentage_error: (y, p) => tf.mul(100, mean(tf.div(tf.abs(tf.sub(y, p)), tf.maximum(tf.abs(y), EPS)))),
    mean_squared_logarithmic_error: (y, p) => mean(tf.square(tf.sub(tf.log1p(tf.maximum(p, EPS)), tf.log1p(tf.maximum(y, EPS))))),
    huber: (y, p) => {
      // 0.5e² where |e| <= 1, |e| - 0.5 beyond: with q = min(|e|, 1), 0.5q² + (|e| - q) (tfjs has no gradient for
      // the comparison Keras's tf.where takes)
      const a = tf.abs(tf.sub(p, y));
      const q = tf.minimum(a, 1);
      return mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q)));
    },
    log_cosh: (y, p) => {
      const x = tf.sub(p, y);
      return mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
    },
    hinge: (y, p) => mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(y), p)))),
    squared_hinge: (y, p) => mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(y), p))))),
    categorical_crossentropy: (y, p) => {
      const q = clip(tf.div(p, tf.sum(p, -1, true)), EPS, 1 - EPS);
      return tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1));
    },
    sparse_categorical_crossentropy: (y, p) => {
      // the TensorFlow backend: log of the clipped probabilities, then sparse softmax cross-entropy on them
      const z = tf.log(clip(p, EPS, 1 - EPS));
      const onehot = tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), p.shape[1]!);
      return tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(onehot, z), -1));
    },
    binary_crossentropy: (y, p) => {
      const q = clip(p, EPS, 1 - EPS);
      return tf.neg(mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))));
    },
    kullback_leibler_divergence: (y, p) => {
      const [tc, pc] = [clip(y, EPS, 1), clip(p, EPS, 1)];
      return tf.sum(tf.mul(tc, tf.log(tf.div(tc, pc))), -1);
    },
    cosine_similarity: (y, p) => tf.neg(tf.sum(tf.mul(normalize(y), normalize(p)), -1)),
  };
}

interface Case {
  /** the output layer: units and activation */
  units: number;
  activation: 'linear' | 'softmax' | 'sigmoid';
  /** targets [N, units] (or [N, 1] class indices) */
  target: (n: number, u: () => number) => { data: number[]; shape: [number, number] };
  /** TensorFlow.js's own loss of that name (tfjs-layers), and whether it agrees with Keras on these data */
  tfjs?: { name: string; agrees: boolean };
  /**
   * Train by optimizer.minimize instead of model.compile: tfjs-layers checks a compiled model's targets against
   * its output's shape unless the loss is its own sparse one, so sparse labels [N, 1] need a custom loop.
   */
  loop?: boolean;
}

const N = 16;
const FEATURES = 5;
const uniform = (units: number, lo: number, hi: number) => (n: number, u: () => number) => ({ data: Array.from({ length: n * units }, () => lo + (hi - lo) * u()), shape: [n, units] as [number, number] });
const oneHot = (units: number) => (n: number, u: () => number) => ({ data: Array.from({ length: n }, () => Math.floor(u() * units)).flatMap((k) => Array.from({ length: units }, (_, c) => (c === k ? 1 : 0))), shape: [n, units] as [number, number] });
const zeroOne = (units: number) => (n: number, u: () => number) => ({ data: Array.from({ length: n * units }, () => (u() < 0.5 ? 0 : 1)), shape: [n, units] as [number, number] });
const distribution = (units: number) => (n: number, u: () => number) => {
  const rows = Array.from({ length: n }, () => {
    const z = Array.from({ length: units }, () => 0.05 + u());
    const s = z.reduce((a, b) => a + b, 0);
    return z.map((v) => v / s);
  });
  return { data: rows.flat(), shape: [n, units] as [number, number] };
};

const CASES: Record<string, Case> = {
  mean_squared_error: { units: 3, activation: 'linear', target: uniform(3, -2, 2), tfjs: { name: 'meanSquaredError', agrees: true } },
  mean_absolute_error: { units: 3, activation: 'linear', target: uniform(3, -2, 2), tfjs: { name: 'meanAbsoluteError', agrees: true } },
  mean_absolute_percentage_error: { units: 3, activation: 'linear', target: uniform(3, 0.5, 2), tfjs: { name: 'meanAbsolutePercentageError', agrees: true } },
  mean_squared_logarithmic_error: { units: 3, activation: 'sigmoid', target: uniform(3, 0, 3), tfjs: { name: 'meanSquaredLogarithmicError', agrees: true } },
  huber: { units: 3, activation: 'linear', target: uniform(3, -3, 3) },
  log_cosh: { units: 3, activation: 'linear', target: uniform(3, -2, 2), tfjs: { name: 'logcosh', agrees: true } },
  hinge: { units: 3, activation: 'linear', target: zeroOne(3), tfjs: { name: 'hinge', agrees: false } },
  squared_hinge: { units: 3, activation: 'linear', target: zeroOne(3), tfjs: { name: 'squaredHinge', agrees: false } },
  categorical_crossentropy: { units: 4, activation: 'softmax', target: oneHot(4), tfjs: { name: 'categoricalCrossentropy', agrees: true } },
  sparse_categorical_crossentropy: {
    units: 4,
    activation: 'softmax',
    target: (n, u) => ({ data: Array.from({ length: n }, () => Math.floor(u() * 4)), shape: [n, 1] }),
    tfjs: { name: 'sparseCategoricalCrossentropy', agrees: true },
    loop: true,
  },
  binary_crossentropy: { units: 3, activation: 'sigmoid', target: zeroOne(3), tfjs: { name: 'binaryCrossentropy', agrees: true } },
  kullback_leibler_divergence: { units: 4, activation: 'softmax', target: distribution(4), tfjs: { name: 'kullbackLeiblerDivergence', agrees: true } },
  cosine_similarity: { units: 3, activation: 'linear', target: uniform(3, -2, 2), tfjs: { name: 'cosineProximity', agrees: true } },
};

let tf: Tf;
let layers: TfLayers;
let fl: FastLoss;
beforeAll(async () => {
  ({ tf, layers } = await loadTfjs());
  fl = await loadLosses();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The weights after `steps` SGD steps of one batch, from the same start, with `loss`. */
async function train(c: Case, loss: unknown, steps: number): Promise<number[][]> {
  const u = rng(11);
  const x = tf.tensor2d(Array.from({ length: N * FEATURES }, () => 2 * u() - 1), [N, FEATURES]);
  const t = c.target(N, u);
  const y = tf.tensor2d(t.data, t.shape);
  const model = layers.sequential({ layers: [layers.layers.dense({ units: 8, activation: 'tanh', inputShape: [FEATURES] }), layers.layers.dense({ units: c.units, activation: c.activation })] });
  // the same start for every run: weights from a fixed generator
  const w = rng(23);
  model.setWeights(model.getWeights().map((v) => tf.tensor(Array.from({ length: v.size }, () => w() - 0.5), v.shape)));
  const optimizer = tf.train.sgd(0.1);
  if (c.loop === true && typeof loss === 'function') {
    for (let i = 0; i < steps; i++) optimizer.minimize(() => tf.mean((loss as (y: T, p: T) => T)(y, model.apply(x) as T)) as never);
  } else {
    model.compile({ optimizer, loss: loss as never });
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  }
  const weights = model.getWeights().map((v) => Array.from(v.dataSync()));
  model.dispose();
  tf.dispose([x, y]);
  return weights;
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((v, i) => v.map((x, j) => Math.abs(x - b[i]![j]!))));

describe.each(['cpu', 'wasm'])('model.compile({ loss: tfjsLoss(tf, fl.loss(name)) }) on the %s backend', (backend) => {
  const names = backend === 'cpu' ? Object.keys(CASES) : ['mean_squared_error', 'categorical_crossentropy', 'binary_crossentropy', 'hinge'];
  it.each(names)('%s: the weights of Keras 3 after 3 steps (to 1e-5)', async (name) => {
    await tf.setBackend(backend);
    const c = CASES[name]!;
    const keras = kerasFormulas(tf)[name]!;
    const viaFastloss = await train(c, tfjsLoss(tf, fl.loss(name)), 3);
    const viaKeras = await train(c, keras, 3);
    const untrained = await train(c, keras, 0);
    expect(maxDiff(viaFastloss, viaKeras), `${name}: fastloss against the Keras formula`).toBeLessThan(1e-5);
    // the steps moved the weights: a loss whose gradient were lost would fail here, not pass by standing still
    expect(maxDiff(viaKeras, untrained), `${name}: training moved the weights`).toBeGreaterThan(1e-3);
    if (c.tfjs !== undefined && backend === 'cpu') {
      const viaTfjs = await train(c, c.tfjs.name, 3);
      if (c.tfjs.agrees) expect(maxDiff(viaTfjs, viaKeras), `tfjs '${c.tfjs.name}' agrees with Keras here`).toBeLessThan(1e-5);
      // tfjs's hinge and squaredHinge take 0/1 labels as they are; Keras (and fastloss) convert them to -1/1
      else expect(maxDiff(viaTfjs, viaKeras), `tfjs '${c.tfjs.name}' departs from Keras`).toBeGreaterThan(1e-3);
    }
  });
});
