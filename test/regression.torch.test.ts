/**
 * Golden values from PyTorch (test/fixtures/regression.torch.json, written by scripts/make_fixtures.py with
 * Debian's torch 1.13 in float64 autograd; `npm run fixtures` regenerates it): every PyTorch-flavoured case,
 * value and gradient, on every implementation. The float64 references are held to the same fixtures, which is
 * what makes them trustworthy for the Keras side, where no TensorFlow can run here.
 */

import { describe, expect, it } from 'vitest';
import { torchHuber, torchLoss, torchSmoothL1, absoluteError, squaredError, type Pointwise } from '../src/reference/regression.js';
import type { OutputTensor } from '../src/tensor.js';
import { asTensor, expectClose, IMPLEMENTATIONS, instance, loadFixture, type TorchCase } from './helpers.js';

const fixture = loadFixture('regression.torch.json');
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const wanted = (c: TorchCase) => (typeof c.value === 'number' ? [c.value] : c.value.data);

it('names its producer', () => {
  expect(fixture.producer).toMatch(/torch 1\.13/);
  expect(fixture.cases.length).toBeGreaterThan(300);
});

describe.each(IMPLEMENTATIONS)('PyTorch golden values: $label', (impl) => {
  it('every case', async () => {
    const fl = await instance(impl);
    for (const c of fixture.cases) {
      const loss = fl.loss(c.name, { framework: 'pytorch', ...c.options });
      const inputs = { pred: asTensor(c.inputs.pred!), target: asTensor(c.inputs.target!) };
      expectClose(values(loss(inputs)), wanted(c), `${c.id} value`, { pred: c.inputs.pred!.data, target: c.inputs.target!.data });
      const g = loss.withGrad(inputs, c.gradOutput ? { gradOutput: asTensor(c.gradOutput) } : {});
      expectClose(values(g.value), wanted(c), `${c.id} withGrad value`);
      expectClose(g.grad.pred!.data, c.grad.pred!.data, `${c.id} grad`, { pred: c.inputs.pred!.data, target: c.inputs.target!.data });
      expect(g.grad.pred!.shape).toEqual(c.grad.pred!.shape);
      if (typeof c.value !== 'number') expect((loss(inputs) as OutputTensor).shape).toEqual(c.value.shape);
    }
  });
});

/** The reference each fixture case should agree with: it checks the oracle itself against PyTorch. */
function referenceFor(c: TorchCase): Pointwise {
  const o = c.options as { beta?: number; delta?: number };
  if (c.name === 'mse') return squaredError;
  if (c.name === 'mae') return absoluteError;
  if (c.name === 'HuberLoss') return torchHuber(o.delta ?? 1);
  if (c.name === 'huber' && o.delta !== undefined) return torchHuber(o.delta);
  return torchSmoothL1(o.beta ?? 1);
}

it('the float64 reference agrees with PyTorch on every case', () => {
  for (const c of fixture.cases) {
    const pred = c.inputs.pred!;
    const ref = torchLoss(referenceFor(c), pred.data, c.inputs.target!.data, pred.shape, {
      reduction: c.options.reduction as 'mean',
      ...(c.gradOutput ? { gradOutput: c.gradOutput.data } : {}),
    });
    expectClose(typeof ref.value === 'number' ? ref.value : ref.value.data, wanted(c), `${c.id} reference value`, {}, 1e-12);
    expectClose(ref.grad, c.grad.pred!.data, `${c.id} reference grad`, {}, 1e-12);
  }
});
