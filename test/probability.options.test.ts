/**
 * The PyTorch options of the probability family that change the formula, each worked by hand in float64 from
 * torch's documented definitions, on the small-input (plain-JS) path and on the wasm path (n > jsBelow):
 * PoissonNLLLoss's log_input and full (Stirling's term t·log t - t + ½·log(2πt), where t > 1), KLDivLoss's
 * log_target, BCEWithLogitsLoss's pos_weight; exp arguments below -708 in PoissonNLLLoss and KLDivLoss(log_target);
 * and CosineEmbeddingLoss over an empty feature axis.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';

let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(want[i]!)));
};

/** n float32 values cycling through `values`. */
const cycle = (values: number[], n: number) => Float32Array.from({ length: n }, (_, i) => values[i % values.length]!);

describe('PyTorch probability options, value and gradient', () => {
  for (const n of [6, 3000]) {
    it(`PoissonNLLLoss: log_input, full, eps (n ${n})`, () => {
      const x = cycle([0.5, 1.5, 2, 0.25, 3, 1], n);
      const t = cycle([0, 1, 2, 3, 0.5, 4], n);
      const stirling = (v: number) => (v > 1 ? v * Math.log(v) - v + 0.5 * Math.log(2 * Math.PI * v) : 0);
      const cases: [Record<string, unknown>, (x: number, t: number) => number, (x: number, t: number) => number][] = [
        [{}, (a, b) => Math.exp(a) - b * a, (a, b) => Math.exp(a) - b],
        [{ full: true }, (a, b) => Math.exp(a) - b * a + stirling(b), (a, b) => Math.exp(a) - b],
        [{ logInput: false }, (a, b) => a - b * Math.log(a + 1e-8), (a, b) => 1 - b / (a + 1e-8)],
        [{ logInput: false, full: true, eps: 0.5 }, (a, b) => a - b * Math.log(a + 0.5) + stirling(b), (a, b) => 1 - b / (a + 0.5)],
      ];
      for (const [options, f, df] of cases) {
        const what = JSON.stringify(options);
        const none = fl.loss('PoissonNLLLoss', { ...options, reduction: 'none' } as never)({ pred: x, target: t }) as unknown as { data: Float32Array };
        close(none.data, Array.from(x, (a, i) => f(a, t[i]!)), `${what} none`);
        const g = fl.loss('PoissonNLLLoss', { ...options, reduction: 'sum' } as never).withGrad({ pred: x, target: t });
        close([g.value], [Array.from(x, (a, i) => f(a, t[i]!)).reduce((s, v) => s + v, 0)], `${what} sum`);
        close(g.grad.pred!.data, Array.from(x, (a, i) => df(a, t[i]!)), `${what} grad`);
      }
    });

    it(`KLDivLoss: log_target (n ${n})`, () => {
      const x = cycle([-0.5, -1.5, -2, -0.25], n); // log-probabilities
      const t = cycle([0, 0.25, 0.5, 0.75], n);
      const logT = cycle([-3, -1, -0.5, -2], n);
      const plain = fl.loss('KLDivLoss', { reduction: 'sum' }).withGrad({ pred: x, target: t });
      close([plain.value], [Array.from(x, (a, i) => (t[i] === 0 ? 0 : t[i]! * (Math.log(t[i]!) - a))).reduce((s, v) => s + v, 0)], 'value');
      close(plain.grad.pred!.data, Array.from(t, (b) => -b), 'grad');
      const logged = fl.loss('KLDivLoss', { reduction: 'sum', logTarget: true }).withGrad({ pred: x, target: logT });
      close([logged.value], [Array.from(x, (a, i) => Math.exp(logT[i]!) * (logT[i]! - a)).reduce((s, v) => s + v, 0)], 'log_target value');
      close(logged.grad.pred!.data, Array.from(logT, (b) => -Math.exp(b)), 'log_target grad');
    });

    it(`PoissonNLLLoss and KLDivLoss(log_target): exp arguments below -708, where e^x underflows to 0 (n ${n})`, () => {
      // A log-rate (or log-target) of -750 is a rate of 0 for float64: the loss is -t·x (or 0), the gradient -t (or
      // -0). The kernels' f64x2 exp takes |x| <= 708 only and computes a block holding such an element again one
      // element at a time (assembly/probability.ts): its values and gradients, not only its sum, must come back.
      const x = cycle([0.5, -1000, 0.25, -750, 1.5, -709.5], n);
      const t = cycle([1, 2, 0, 3, 2, 0.5], n);
      const poisson = fl.loss('PoissonNLLLoss', { reduction: 'none' });
      close(poisson({ pred: x, target: t }).data, Array.from(x, (a, i) => Math.exp(a) - t[i]! * a), 'PoissonNLLLoss none');
      const pg = fl.loss('PoissonNLLLoss', { reduction: 'sum' }).withGrad({ pred: x, target: t });
      close(pg.grad.pred!.data, Array.from(x, (a, i) => Math.exp(a) - t[i]!), 'PoissonNLLLoss grad');
      const logT = cycle([-800, -1, -710, -0.5], n);
      const kx = cycle([-0.5, -1.5, -2, -0.25], n);
      const kld = fl.loss('KLDivLoss', { reduction: 'none', logTarget: true }).withGrad({ pred: kx, target: logT });
      close((kld.value as unknown as { data: Float32Array }).data, Array.from(kx, (a, i) => Math.exp(logT[i]!) * (logT[i]! - a)), 'KLDivLoss log_target none');
      close(kld.grad.pred!.data, Array.from(logT, (b) => -Math.exp(b)), 'KLDivLoss log_target grad');
    });

    it(`BCEWithLogitsLoss: pos_weight per class, with and without weight (n ${n})`, () => {
      const C = 3;
      const rows = n / C;
      const x = cycle([0, 1, -2, 0.5, -0.5, 2], n);
      const y = cycle([1, 0, 1, 1, 0, 0], n);
      const pw = [2, 0.5, 3];
      const w = [1, 2, 0.25];
      const logSig = (v: number) => -Math.log1p(Math.exp(-v));
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      for (const weight of [undefined, w]) {
        const f = (i: number) => (weight?.[i % C] ?? 1) * -(pw[i % C]! * y[i]! * logSig(x[i]!) + (1 - y[i]!) * logSig(-x[i]!));
        const df = (i: number) => (weight?.[i % C] ?? 1) * (sig(x[i]!) * (pw[i % C]! * y[i]! + 1 - y[i]!) - pw[i % C]! * y[i]!);
        const options = { posWeight: { data: Float32Array.from(pw), shape: [C] }, ...(weight === undefined ? {} : { weight: { data: Float32Array.from(weight), shape: [C] } }) };
        const what = weight === undefined ? 'pos_weight' : 'pos_weight and weight';
        const pred = { data: x, shape: [rows, C] };
        const target = { data: y, shape: [rows, C] };
        const none = fl.loss('BCEWithLogitsLoss', { ...options, reduction: 'none' })({ pred, target });
        close(none.data, Array.from({ length: n }, (_, i) => f(i)), `${what} none`);
        const g = fl.loss('BCEWithLogitsLoss', options).withGrad({ pred, target });
        close([g.value], [Array.from({ length: n }, (_, i) => f(i)).reduce((s, v) => s + v, 0) / n], `${what} mean`);
        close(g.grad.pred!.data, Array.from({ length: n }, (_, i) => df(i) / n), `${what} grad`);
      }
    });
  }

  it('CosineEmbeddingLoss over an empty feature axis: cos is 0, so 1 for y = 1 and max(0, -margin) for y = -1', () => {
    const x = { data: new Float32Array(0), shape: [2, 0] };
    for (const margin of [0.5, -0.5]) {
      const none = fl.loss('CosineEmbeddingLoss', { margin, reduction: 'none' })({ x1: x, x2: x, target: [1, -1] });
      expect(Array.from(none.data), `margin ${margin}`).toEqual([1, Math.max(0, -margin)]);
      expect(fl.loss('CosineEmbeddingLoss', { margin, reduction: 'sum' })({ x1: x, x2: x, target: [1, -1] })).toBe(1 + Math.max(0, -margin));
    }
  });
});
