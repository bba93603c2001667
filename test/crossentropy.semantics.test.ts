/**
 * The values docs/semantics.md states for the family, reproduced by the float64 references and by fastloss (every
 * implementation): the clip constants, the -100 clamp, logits of ±1e4, huge-logit CCE, rows of all -inf, every label
 * ignored, KLD's clipped target, Stirling only where t > 1, and the two softmax gradients for soft targets.
 */

import { describe, expect, it } from 'vitest';
import { kerasBinary, kerasCategorical, kerasElementwise, kerasKld, kerasSparse, torchBinary, torchCrossEntropy, torchElementwise, torchPoisson } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { IMPLEMENTATIONS, instance } from './helpers.js';

const num = (v: number | OutputTensor) => (typeof v === 'number' ? v : v.data[0]!);
const close = (a: number, b: number, rel = 1e-6) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-12);

describe('the references reproduce the stated values', () => {
  it('Keras BCE: a confidently wrong 0 or 1 costs -log(1e-7) = 16.118 (float64 Keras; 15.94 in float32)', () => {
    close(kerasElementwise(kerasBinary(false), [1], [0], [1], 'mean').value as number, -Math.log(1e-7));
    close(16.118095650958317, -Math.log(1e-7));
  });
  it('torch BCELoss: a confidently wrong 0 or 1 costs exactly 100, gradient ±1e12', () => {
    const r = torchElementwise(torchBinary(), [0, 1], [1, 0], [2], 'sum');
    expect(r.value).toBe(200);
    close(r.grad[0]!, -1 / Math.fround(1e-12));
    close(r.grad[1]!, 1 / Math.fround(1e-12));
  });
  it('Keras CCE from logits: huge logits cost 200 and 2e4 (no clipping)', () => {
    close(kerasCategorical([100, -100], [0, 1], [2], { fromLogits: true }).value as number, 200);
    close(kerasCategorical([1e4, -1e4], [0, 1], [2], { fromLogits: true }).value as number, 2e4);
  });
  it('Keras KLD: t = 0 contributes 1e-7·log(1e-7/p)', () => {
    close(kerasElementwise(kerasKld, [0.5], [0], [1], 'sum').value as number, 1e-7 * Math.log(1e-7 / 0.5));
  });
  it('Keras SCCE with every label ignored is 0; torch CE is NaN (mean), 0 (sum)', () => {
    expect(kerasSparse([1, 2, 3, 4], [1, 1], [2, 2], { fromLogits: true, ignoreClass: 1 }).value).toBe(0);
    expect(torchCrossEntropy([1, 2, 3, 4], [2, 2], [-100, -100], [2], {}).value).toBeNaN();
    expect(torchCrossEntropy([1, 2, 3, 4], [2, 2], [-100, -100], [2], { reduction: 'sum' }).value).toBe(0);
  });
  it('PoissonNLLLoss full: Stirling only where t > 1', () => {
    close(torchElementwise(torchPoisson(true, true, 1e-8), [0], [1], [1], 'sum').value as number, 1);
    close(torchElementwise(torchPoisson(true, true, 1e-8), [0], [2], [1], 'sum').value as number, 1 + 2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI));
  });
});

describe.each(IMPLEMENTATIONS)('fastloss reproduces them: $label', (impl) => {
  it('the clip constants, the -100 clamp and logits of ±1e4', async () => {
    const fl = await instance(impl);
    close(num(fl.loss('bce')({ pred: [1, 0], target: [0, 1] })), -Math.log(1e-7));
    const torchBce = fl.loss('BCELoss', { reduction: 'sum' }).withGrad({ pred: [0, 1, 0, 1], target: [1, 0, 0, 1] });
    expect(torchBce.value).toBe(200);
    close(torchBce.grad.pred!.data[0]!, -1 / Math.fround(1e-12));
    expect(torchBce.grad.pred!.data[2]).toBe(0);
    const logits = fl.loss('BCEWithLogitsLoss', { reduction: 'none' }).withGrad({ pred: [1e4, -1e4, 1e4, -1e4], target: [0, 1, 1, 0] });
    expect(Array.from((logits.value as OutputTensor).data)).toEqual([1e4, 1e4, 0, 0]);
    expect(Array.from(logits.grad.pred!.data)).toEqual([1, -1, 0, 0]);
    close(num(fl.loss('cce', { fromLogits: true })({ pred: [1e4, -1e4], target: [0, 1] })), 2e4);
    close(num(fl.loss('CrossEntropyLoss')({ pred: [[1e4, 0, -1e4]], target: [2] })), 2e4);
  });

  it('Keras BCE: the clip passes the gradient at its bound p = ε (float32 1.00000001e-7), not below it', async () => {
    // clip_by_value passes the gradient where ε <= p <= 1 - ε, bounds included (§1); p = ε is the float32 ε
    // TensorFlow compares with. Nine elements: the 4-wide SIMD loop twice, then the one-lane tail, each with p = ε.
    const fl = await instance(impl);
    const eps = Math.fround(1e-7);
    const below = new Float32Array(new Uint32Array([new Uint32Array(Float32Array.of(eps).buffer)[0]! - 1]).buffer)[0]!;
    const pred = Float32Array.of(eps, 0.5, below, eps, 0, 1 - 2 ** -23, 1 - 2 ** -24, 1, eps);
    const target = Float32Array.of(1, 1, 1, 0, 1, 0, 0, 0, 1);
    const shape = [pred.length, 1];
    const g = fl.loss('bce', { reduction: 'sum' }).withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
    const ref = kerasElementwise(kerasBinary(false), pred, target, shape, 'mean', { reduction: 'sum' });
    expect(ref.grad[0]).toBeCloseTo(-1 / eps, -1); // inside: (p - y)/(p(1 - p))
    expect(ref.grad[2]).toBe(0); // the float32 below ε: clipped
    for (let i = 0; i < pred.length; i++) close(g.grad.pred!.data[i]!, ref.grad[i]!);
  });

  it('rows of all -inf are NaN, every label ignored is NaN with a zero gradient (torch) or 0 (Keras)', async () => {
    const fl = await instance(impl);
    const ce = fl.loss('CrossEntropyLoss', { reduction: 'none' });
    const r = ce.withGrad({ pred: [[-Infinity, -Infinity, -Infinity], [0, -Infinity, 1]], target: [0, 2] });
    const v = (r.value as OutputTensor).data;
    expect(v[0]).toBeNaN();
    close(v[1]!, Math.log(1 + Math.E) - 1);
    const mean = fl.loss('CrossEntropyLoss').withGrad({ pred: [[1, 2], [3, 4]], target: [-100, -100] });
    expect(mean.value).toBeNaN();
    expect(Array.from(mean.grad.pred!.data)).toEqual([0, 0, 0, 0]);
    expect(fl.loss('NLLLoss', { reduction: 'sum' })({ pred: [[1, 2], [3, 4]], target: [-100, -100] })).toBe(0);
    const scce = fl.loss('scce', { fromLogits: true, ignoreClass: 1 }).withGrad({ pred: [[1, 2], [3, 4]], target: [1, 1] });
    expect(scce.value).toBe(0);
    expect(Array.from(scce.grad.pred!.data)).toEqual([0, 0, 0, 0]);
  });

  it('soft targets that do not sum to 1: Keras (TF) gradient softmax - y, torch (Σy)·softmax - y', async () => {
    const fl = await instance(impl);
    const x = [1, 2, 3];
    const y = [0.5, 0.5, 0.5];
    const e = x.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    const keras = fl.loss('cce', { fromLogits: true, reduction: 'sum' }).withGrad({ pred: x, target: y }).grad.pred!.data;
    const torch = fl.loss('CrossEntropyLoss', { reduction: 'sum' }).withGrad({ pred: { data: x, shape: [3] }, target: { data: y, shape: [3] } }).grad.pred!.data;
    for (let c = 0; c < 3; c++) {
      close(keras[c]!, e[c]! / s - 0.5, 1e-6);
      close(torch[c]!, (1.5 * e[c]!) / s - 0.5, 1e-6);
    }
  });

  it('KLDivLoss: 0 where the target is 0; batchmean divides by the batch size', async () => {
    const fl = await instance(impl);
    expect(fl.loss('KLDivLoss', { reduction: 'sum' })({ pred: [-5, -1], target: [0, 0] })).toBe(0);
    const t = [0.25, 0.75, 0.5, 0.5];
    const p = [-1, -0.5, -2, -0.1];
    const sum = num(fl.loss('KLDivLoss', { reduction: 'sum' })({ pred: { data: p, shape: [2, 2] }, target: { data: t, shape: [2, 2] } }));
    close(num(fl.loss('KLDivLoss', { reduction: 'batchmean' })({ pred: { data: p, shape: [2, 2] }, target: { data: t, shape: [2, 2] } })), sum / 2);
    close(num(fl.loss('KLDivLoss')({ pred: { data: p, shape: [2, 2] }, target: { data: t, shape: [2, 2] } })), sum / 4);
  });
});
