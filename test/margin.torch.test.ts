/**
 * Golden values from PyTorch (test/fixtures/margin.torch.json, written by scripts/make_fixtures_margin.py with
 * Debian's torch 1.13 in float64 autograd): HingeEmbeddingLoss, MarginRankingLoss (under its three names) and
 * CosineEmbeddingLoss, values and the gradients of every differentiated input, on every implementation; and the
 * float64 references held to the same fixtures.
 */

import { describe, expect, it } from 'vitest';
import { torchCosineEmbedding, torchHingeEmbedding, torchMarginRanking, type MarginRef } from '../src/reference/margin.js';
import type { OutputTensor } from '../src/tensor.js';
import { asTensor, expectClose, IMPLEMENTATIONS, instance, loadFixture, type TorchCase } from './helpers.js';

const fixture = loadFixture('margin.torch.json');
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const wanted = (c: TorchCase) => (typeof c.value === 'number' ? [c.value] : c.value.data);

it('names its producer and covers every PyTorch loss of the families', () => {
  expect(fixture.producer).toMatch(/torch 1\.13.*1\.13\.1\+dfsg-4/);
  const names = new Set(fixture.cases.map((c) => c.name));
  expect([...names].sort()).toEqual(['MarginRankingLoss', 'categorical_hinge', 'cosine_embedding', 'hinge_embedding', 'margin_ranking']);
});

describe.each(IMPLEMENTATIONS)('PyTorch golden values: $label', (impl) => {
  it('every case', async () => {
    const fl = await instance(impl);
    for (const c of fixture.cases) {
      const loss = fl.loss(c.name, { framework: 'pytorch', ...c.options });
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, asTensor(v)]));
      expectClose(values(loss(inputs)), wanted(c), `${c.id} value`);
      const g = loss.withGrad(inputs, c.gradOutput ? { gradOutput: asTensor(c.gradOutput) } : {});
      expectClose(values(g.value), wanted(c), `${c.id} withGrad value`);
      for (const [name, want] of Object.entries(c.grad)) {
        expectClose(g.grad[name]!.data, want.data, `${c.id} grad ${name}`);
        expect(g.grad[name]!.shape).toEqual(want.shape);
      }
      expect(Object.keys(g.grad).sort()).toEqual(Object.keys(c.grad).sort());
      if (typeof c.value !== 'number') expect((loss(inputs) as OutputTensor).shape).toEqual(c.value.shape);
    }
  });
});

function reference(c: TorchCase): MarginRef {
  const o = { reduction: c.options.reduction as 'mean', ...(c.options.margin === undefined ? {} : { margin: c.options.margin as number }), ...(c.gradOutput ? { gradOutput: c.gradOutput.data } : {}) };
  const i = c.inputs;
  if (c.name === 'hinge_embedding') return torchHingeEmbedding(i.pred!.data, i.target!.data, i.pred!.shape, o);
  if (c.name === 'cosine_embedding') return torchCosineEmbedding(i.x1!.data, i.x2!.data, i.target!.data, i.x1!.shape, o);
  return torchMarginRanking(i.x1!.data, i.x2!.data, i.target!.data, i.x1!.shape, o);
}

it('the float64 references agree with PyTorch on every case', () => {
  for (const c of fixture.cases) {
    const ref = reference(c);
    expectClose(typeof ref.value === 'number' ? ref.value : ref.value.data, wanted(c), `${c.id} reference value`, {}, 1e-12);
    for (const [name, want] of Object.entries(c.grad)) expectClose(ref.grads[name]!, want.data, `${c.id} reference grad ${name}`, {}, 1e-12);
  }
});
