/**
 * The elementwise probability kernels (assembly/probability.ts) at every tail length 1..33 (16-wide body, 4-wide
 * loop, scalar tail) and across scratch blocks, streamed and in place, forward and gradient, against the float64
 * references; Keras rows (the mean or, for KLD, the sum over the last axis; BCE, KLD, Poisson) across the same tails; Keras KLD's
 * gradient at p = 1 exactly (the clip's upper bound) in the f64x2 pairs and the one-lane tail.
 */

import { describe, it } from 'vitest';
import { kerasBinary, kerasElementwise, kerasKld, kerasPoisson, torchBinary, torchBinaryLogits, torchElementwise, torchKld, torchPoisson, torchSoftMargin, type Pointwise } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { CHUNK } from '../src/wasm.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';

const WASM = IMPLEMENTATIONS.filter((i) => i.jsBelow === 0);
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

interface Case {
  name: string;
  options: Record<string, unknown>;
  ref: Pointwise;
  pred: (n: number, seed: number) => Float32Array;
  target: (n: number, seed: number) => Float32Array;
}

const probs = (n: number, seed: number) => uniform(n, seed, 0.001, 0.999);
const logits = (n: number, seed: number) => uniform(n, seed, -8, 8);
const unit = (n: number, seed: number) => uniform(n, seed, 0, 1);

const TORCH: Case[] = [
  { name: 'BCELoss', options: {}, ref: torchBinary(), pred: probs, target: unit },
  { name: 'BCEWithLogitsLoss', options: {}, ref: torchBinaryLogits(), pred: logits, target: unit },
  { name: 'KLDivLoss', options: {}, ref: torchKld(false), pred: (n, s) => uniform(n, s, -5, 0), target: unit },
  { name: 'KLDivLoss', options: { logTarget: true }, ref: torchKld(true), pred: (n, s) => uniform(n, s, -5, 0), target: (n, s) => uniform(n, s, -5, 0) },
  { name: 'PoissonNLLLoss', options: { full: true }, ref: torchPoisson(true, true, 1e-8), pred: (n, s) => uniform(n, s, -2, 2), target: (n, s) => uniform(n, s, 0, 5) },
  { name: 'PoissonNLLLoss', options: { logInput: false }, ref: torchPoisson(false, false, 1e-8), pred: (n, s) => uniform(n, s, 0.1, 5), target: (n, s) => uniform(n, s, 0, 5) },
  { name: 'SoftMarginLoss', options: {}, ref: torchSoftMargin, pred: logits, target: (n, s) => uniform(n, s, -2, 2) },
];

const KERAS: Array<Case & { rowReduce: 'mean' | 'sum' }> = [
  { name: 'bce', options: { labelSmoothing: 0.1 }, ref: kerasBinary(false, 0.1), pred: probs, target: unit, rowReduce: 'mean' },
  { name: 'bce', options: { fromLogits: true }, ref: kerasBinary(true, 0), pred: logits, target: unit, rowReduce: 'mean' },
  { name: 'kld', options: {}, ref: kerasKld, pred: probs, target: unit, rowReduce: 'sum' },
  { name: 'poisson', options: {}, ref: kerasPoisson, pred: (n, s) => uniform(n, s, 0.1, 5), target: (n, s) => uniform(n, s, 0, 5), rowReduce: 'mean' },
];

const TAILS = Array.from({ length: 33 }, (_, i) => i + 1);

describe.each(WASM)('probability kernels, tails and blocks: $label', (impl) => {
  it('PyTorch forms, n = 1..33 and across blocks, streamed and in place', async () => {
    const fl = await instance(impl);
    const sizes = [...TAILS, CHUNK + 3, ...(impl.build === 'debug' ? [] : [3 * CHUNK + 7])];
    for (const c of TORCH) {
      for (const reduction of ['sum', 'none'] as const) {
        const loss = fl.loss(c.name, { reduction, ...c.options });
        for (const n of sizes) {
          const pred = c.pred(n, n);
          const target = c.target(n, n + 1);
          const ref = torchElementwise(c.ref, pred, target, [n], reduction);
          const want = typeof ref.value === 'number' ? [ref.value] : Array.from(ref.value.data);
          const label = `${c.name} ${JSON.stringify(c.options)} ${reduction} n=${n}`;
          const g = loss.withGrad({ pred, target });
          expectClose(values(loss({ pred, target })), want, `${label} value`);
          expectClose(values(g.value), want, `${label} withGrad value`);
          expectClose(g.grad.pred!.data, ref.grad, `${label} grad`, { pred, target });
          const tp = fl.tensor([n]);
          tp.data.set(pred);
          expectClose(loss.withGrad({ pred: tp, target }).grad.pred!.data, ref.grad, `${label} grad (in place)`);
          tp.free();
        }
      }
    }
  });

  it('Keras KLDivergence gradient on one-hot predictions (p exactly 0 and 1), odd last axes', async () => {
    // The gradient is -t where p = 1 (inside the clip [ε, 1], bound included) and 0 where p = 0 (below ε). An
    // odd number of elements runs f64x2 pairs and a one-lane tail: the hot class is placed in either lane of a
    // pair and, in the last row, in the tail.
    const fl = await instance(impl);
    const loss = fl.loss('kullback_leibler_divergence', { framework: 'tensorflow', reduction: 'none' });
    for (const shape of [[5, 7], [3, 9], [1, 33], [4, 5]]) {
      const [R, D] = shape as [number, number];
      const hot = (r: number) => {
        if (r === R - 1) return D - 1;
        const h = (3 * r) % D;
        return (r * D + h) % 2 === r % 2 ? h : (h + 1) % D;
      };
      const pred = Float32Array.from({ length: R * D }, (_, k) => (k % D === hot(Math.floor(k / D)) ? 1 : 0));
      // soft targets: each row a distribution with every class above 0
      const raw = uniform(R * D, R * D, 0.05, 1);
      const target = raw.map((x, k) => {
        let s = 0;
        for (let c = 0; c < D; c++) s += raw[Math.floor(k / D) * D + c]!;
        return x / s;
      });
      const ref = kerasElementwise(kerasKld, pred, target, shape, 'sum', { reduction: 'none' });
      const g = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
      const label = `kld one-hot ${JSON.stringify(shape)}`;
      expectClose(values(g.value), Array.from((ref.value as { data: Float64Array }).data), `${label} value`);
      expectClose(g.grad.pred!.data, ref.grad, `${label} grad`, { pred, target });
    }
  });

  it('Keras rows over last axes of 1..33', async () => {
    const fl = await instance(impl);
    for (const c of KERAS) {
      const loss = fl.loss(c.name, { reduction: 'none', ...c.options });
      for (const D of TAILS) {
        const shape = [3, D];
        const pred = c.pred(3 * D, D);
        const target = c.target(3 * D, D + 7);
        const ref = kerasElementwise(c.ref, pred, target, shape, c.rowReduce, { reduction: 'none' });
        const g = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
        const label = `${c.name} ${JSON.stringify(c.options)} D=${D}`;
        expectClose(values(g.value), Array.from((ref.value as { data: Float64Array }).data), `${label} value`);
        expectClose(g.grad.pred!.data, ref.grad, `${label} grad`, { pred, target });
      }
    }
  });
});
