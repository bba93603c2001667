/**
 * Keras 3's squeeze_or_expand_to_same_rank on a per-sample shape of [1] with a scalar sample weight: the values
 * are squeezed to shape [], and reduce_values returns a value of shape [] as it is, whatever the reduction
 * (keras/src/losses/loss.py). So every reduction gives w·v, 'mean_with_sample_weight' included (it does not
 * divide by Σw), and 'none' a tensor of shape []. The oracle is the analytic relation to the same loss
 * unweighted with reduction 'sum' (one sample: v), for every Keras loss the package implements, on the
 * plain-JS path and with wasm forced. (The engines that weigh in place once divided by Σw here.)
 */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose } from './helpers.js';

type Inputs = Record<string, { data: number[]; shape: number[] }>;

/** Inputs whose per-sample loss shape is [1]: one sample (a leading axis of 1) over the loss's last axis. */
function oneSample(name: string): Inputs {
  const pair = (pred: number[], target: number[]) => ({ pred: { data: pred, shape: [1, pred.length] }, target: { data: target, shape: [1, target.length] } });
  switch (name) {
    case 'sparse_categorical_crossentropy':
    case 'sparse_categorical_focal_crossentropy':
      return { pred: { data: [0.2, 0.5, 0.3], shape: [1, 3] }, target: { data: [1], shape: [1] } };
    case 'bpr':
    case 'pair_hinge':
      return { positive: { data: [0.3], shape: [1] }, negative: { data: [0.9], shape: [1] } };
    case 'hinge':
    case 'squared_hinge':
      return pair([0.3, -0.4, 1.5], [1, 0, 0]);
    case 'categorical_crossentropy':
    case 'categorical_focal_crossentropy':
    case 'binary_focal_crossentropy':
    case 'categorical_hinge':
    case 'kullback_leibler_divergence':
    case 'binary_crossentropy':
      return pair([0.2, 0.5, 0.3], [0, 1, 0]);
    default:
      return pair([0.3, 1.2, 2.5], [0.5, 1.0, 2.0]);
  }
}

describe.each([
  ['default instance', {}],
  ['wasm forced (jsBelow 0)', { jsBelow: 0 }],
] as const)("Keras's squeeze to a scalar per-sample value: %s", (_label, options) => {
  it('a per-sample shape [1] with a scalar weight gives w·v for every reduction, and shape [] for none', async () => {
    const fl = await loadLosses(options);
    const keras = fl.implemented().filter((l) => l.frameworks.includes('tensorflow'));
    expect(keras.length).toBeGreaterThanOrEqual(15);
    const w = 1.75;
    for (const { name } of keras) {
      const inputs = oneSample(name);
      const sum = fl.loss(name, { framework: 'tensorflow', reduction: 'sum' });
      const v = sum(inputs) as number;
      const g = sum.withGrad(inputs).grad;
      expect(Number.isFinite(v) && v !== 0, `${name}: a non-zero loss to scale`).toBe(true);
      const sampleWeight = { data: [w], shape: [] };
      for (const reduction of ['sum_over_batch_size', 'sum', 'mean_with_sample_weight'] as const) {
        const loss = fl.loss(name, { framework: 'tensorflow', reduction });
        const label = `${name} ${reduction}`;
        expectClose([loss({ ...inputs, sampleWeight }) as number], [w * v], `${label} value`);
        const gw = loss.withGrad({ ...inputs, sampleWeight });
        expectClose([gw.value as number], [w * v], `${label} withGrad value`);
        for (const k of Object.keys(g)) expectClose(gw.grad[k]!.data, Array.from(g[k]!.data, (x) => w * x), `${label} grad ${k}`);
      }
      const none = fl.loss(name, { framework: 'tensorflow', reduction: 'none' })({ ...inputs, sampleWeight }) as OutputTensor;
      expect(none.shape, `${name} none shape`).toEqual([]);
      expectClose(none.data, [w * v], `${name} none value`);
    }
  });
});
