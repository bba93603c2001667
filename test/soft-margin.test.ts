/**
 * torch SoftMarginLoss (soft_margin_loss in aten/src/ATen/native/Loss.cpp): log(1 + e^(-y·x)) per element, any
 * real y, then the reduction. Its edges on every build and the JS path: torch's worked example
 * (x [1, -1], y 1 → [0.313262, 1.313262]); y = 0 (log 2, gradient 0); where torch's float32 log1p(exp(z))
 * overflows (z = -y·x > 88.7: inf, and a NaN gradient), fastloss gives the mathematical z and -y; NaN stays NaN.
 * The real-torch fixtures are test/fixtures/wave3/soft_margin.json (test/wave3.test.ts).
 */

import { describe, expect, it } from 'vitest';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

describe.each(IMPLEMENTATIONS)('SoftMarginLoss: $label', (impl) => {
  it("torch's example, by every name", async () => {
    const fl = await instance(impl);
    for (const name of ['soft_margin', 'SoftMarginLoss', 'soft_margin_loss']) {
      const none = fl.loss(name, { reduction: 'none' });
      expectClose(values(none({ pred: [1, -1], target: [1, 1] })), [softplus(-1), softplus(1)], name);
      expectClose(fl.loss(name)({ pred: [1, -1], target: [1, 1] }) as number, (softplus(-1) + softplus(1)) / 2, `${name} mean`);
    }
    expect(values(fl.loss('soft_margin', { reduction: 'none' })({ pred: [1, -1], target: [1, 1] }))[0]).toBeCloseTo(0.313262, 6);
  });

  it('y = 0, an overflow torch cannot hold, NaN', async () => {
    const fl = await instance(impl);
    const none = fl.loss('soft_margin', { reduction: 'none' });
    const pred = Float32Array.of(3, -100, 100, 95, NaN, 2);
    const target = Float32Array.of(0, 1, -1, -1, 1, NaN);
    const g = none.withGrad({ pred, target });
    const v = values(g.value);
    expectClose(v.slice(0, 4), [Math.LN2, 100, 100, 95], 'values');
    expect(v[4]).toBeNaN();
    expect(v[5]).toBeNaN();
    const d = Array.from(g.grad.pred!.data);
    expectClose(d.slice(0, 4), [0, -1, 1, 1], 'gradients: -y·σ(z)');
    expect(d[4]).toBeNaN();
    expect(d[5]).toBeNaN();
  });
});
