/**
 * Keras Poisson (keras/src/losses/losses.py `poisson`): mean over the last axis of pred - target·log(pred + ε),
 * ε = 1e-7, no clip. Its edges, on every build and the JS path, against the float64 reference
 * (src/reference/crossentropy.ts kerasPoisson) and analytic values: the worked example of the Keras semantics
 * (target [2, 0], pred [1, 0.5] → 0.75, gradient [-0.5, 0.5]); pred = 0 costs -target·log ε; pred + ε < 0 gives a
 * NaN value while the gradient 1 - target/(pred + ε) stays finite (as Keras's); pred = -ε exactly is log 0.
 * The real-Keras fixtures are test/fixtures/wave3/poisson.json (test/wave3.test.ts).
 */

import { describe, expect, it } from 'vitest';
import { kerasElementwise, kerasPoisson } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

const EPS = 1e-7;
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe.each(IMPLEMENTATIONS)('Keras Poisson: $label', (impl) => {
  it('the worked example: 0.75 and gradient [-0.5, 0.5]; the same by every name', async () => {
    const fl = await instance(impl);
    for (const name of ['poisson', 'Poisson', 'poisson_loss']) {
      const loss = fl.loss(name);
      const inputs = { pred: [1, 0.5], target: [2, 0] };
      expectClose(loss(inputs) as number, (1 - 2 * Math.log(1 + EPS) + 0.5) / 2, `${name} value`); // 0.75 - 1e-7
      const g = loss.withGrad(inputs);
      expectClose(g.grad.pred!.data, [(1 - 2 / (1 + EPS)) / 2, 0.5], `${name} gradient`);
    }
  });

  it('pred = 0, pred + ε < 0 and pred = -ε: -t·log ε, NaN with a finite gradient, log 0', async () => {
    const fl = await instance(impl);
    const none = fl.loss('poisson', { reduction: 'none' });
    // ε as float32 Keras adds it: pred = -ε makes pred + ε exactly 0
    const e32 = Math.fround(EPS);
    const pred = Float32Array.of(0, 0, -0.5, -0.5, -e32, -e32);
    const target = Float32Array.of(3, 0, 2, 0, 1, 0);
    const shape = [6, 1];
    const got = none.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
    const v = values(got.value);
    expectClose(v[0]!, -3 * Math.log(e32), 'pred 0: -t·log ε');
    expect(v[1]).toBe(0);
    expect(v[2], 'log of a negative').toBeNaN();
    expect(v[3], 'and 0·NaN for t = 0, as in Keras').toBeNaN();
    expect(v[4], 'pred = -ε: -t·log 0').toBe(Infinity);
    expect(v[5], '0·log 0').toBeNaN();
    const ref = kerasElementwise(kerasPoisson, pred.subarray(0, 4), target.subarray(0, 4), [4, 1], 'mean', { reduction: 'none' });
    expectClose(v.slice(0, 4), values(ref.value as never), 'values against float64');
    const grad = Array.from(got.grad.pred.data);
    expectClose(grad.slice(0, 4), Array.from(ref.grad), 'gradients against float64');
    expect(grad.slice(0, 4).every(Number.isFinite), 'the gradient stays finite where the value is NaN').toBe(true);
    expect(grad[4], 'd/dpred at pred + ε = 0, t = 1: 1 - 1/0').toBe(-Infinity);
  });
});
