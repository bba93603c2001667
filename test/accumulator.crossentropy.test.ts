/**
 * The cross-entropy family's accumulators beyond default options: PyTorch's weighted mean (class weights,
 * ignore_index, label smoothing), Keras's ignore_class with sample weights, BCE element weights, KLDivLoss's
 * batchmean; uneven batches (an empty one too) equal one call on the whole.
 */

import { expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';

it('weighted CE/NLL with ignoreIndex and label smoothing, SCCE ignoreClass with sample weights, BCE weight, KLD batchmean and Keras KLD weighted: batches equal the whole', async () => {
  const fl = await loadLosses();
  let a = 7;
  const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  const N = 37, C = 4;
  const logits = Float32Array.from({ length: N * C }, () => 4 * u() - 2);
  const labels = Float32Array.from({ length: N }, () => Math.floor(u() * C));
  labels[3] = -100; labels[10] = -100;
  const probs = Float32Array.from({ length: N * C }, () => 0.05 + 0.9 * u());
  const sw = Float32Array.from({ length: N }, () => 2 * u());
  const cases: Array<[string, Record<string, unknown>, (from: number, to: number) => Record<string, unknown>]> = [];
  const rows = (d: Float32Array, w: number, from: number, to: number) => ({ data: d.slice(from * w, to * w), shape: w === 1 ? [to - from] : [to - from, w] });
  for (const reduction of ['mean', 'sum']) {
    cases.push(['cce', { framework: 'pytorch', reduction, weight: [0.5, 2, 1, 3], ignoreIndex: -100, labelSmoothing: 0.1 }, (f, t) => ({ pred: rows(logits, C, f, t), target: rows(labels, 1, f, t) })]);
    cases.push(['nll', { reduction, weight: [0.5, 2, 1, 3] }, (f, t) => ({ pred: rows(logits, C, f, t), target: rows(labels, 1, f, t) })]);
    cases.push(['bce', { framework: 'pytorch', reduction, weight: [1, 2, 0.5, 3] }, (f, t) => ({ pred: rows(probs, C, f, t), target: rows(probs.map((x) => 1 - x), C, f, t) })]);
  }
  const kl = labels.map((y) => (y < 0 ? 1 : y));
  for (const reduction of ['sum_over_batch_size', 'sum', 'mean_with_sample_weight']) {
    cases.push(['scce', { reduction, ignoreClass: 1 }, (f, t) => ({ pred: rows(probs, C, f, t), target: rows(kl, 1, f, t), sampleWeight: rows(sw, 1, f, t) })]);
    cases.push(['scce', { reduction, ignoreClass: 1 }, (f, t) => ({ pred: rows(probs, C, f, t), target: rows(kl, 1, f, t) })]);
  }
  cases.push(['kld', { framework: 'pytorch', reduction: 'batchmean' }, (f, t) => ({ pred: rows(logits, C, f, t), target: rows(probs, C, f, t) })]);
  cases.push(['kld', { reduction: 'sum_over_batch_size' }, (f, t) => ({ pred: rows(probs, C, f, t), target: rows(probs.map((x) => 1 - x), C, f, t), sampleWeight: rows(sw, 1, f, t) })]);
  for (const [name, options, batch] of cases) {
    const loss = fl.loss(name, options);
    const want = loss(batch(0, N)) as number;
    const acc = loss.accumulator();
    for (const [f, t] of [[0, 5], [5, 5], [5, 11], [11, 30], [30, 37]] as const) acc.update(batch(f, t));
    const got = acc.result() as number;
    expect(Math.abs(got - want), `${name} ${JSON.stringify(options)}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
  }
});

