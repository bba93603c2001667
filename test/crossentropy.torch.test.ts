/**
 * Golden values from PyTorch (test/fixtures/crossentropy.torch.json, written by scripts/make_fixtures_crossentropy.py
 * with Debian's torch 1.13 in float64 autograd): every PyTorch case of the probability losses, value and gradient,
 * on every implementation; and the float64 references of src/reference/crossentropy.ts held to the same values.
 */

import { describe, expect, it } from 'vitest';
import {
  torchBinary,
  torchBinaryLogits,
  torchCrossEntropy,
  torchElementwise,
  torchKld,
  torchNll,
  torchPoisson,
  type RefResult,
} from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance, loadFixture, type FixtureTensor, type TorchCase } from './helpers.js';

const fixture = loadFixture('crossentropy.torch.json');
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const wanted = (c: TorchCase) => (typeof c.value === 'number' ? [c.value] : c.value.data);

function input(t: FixtureTensor & { dtype?: string }) {
  return { data: t.dtype === 'int64' ? Int32Array.from(t.data) : Float32Array.from(t.data), shape: t.shape };
}

it('names its producer and covers every PyTorch loss of the family', () => {
  expect(fixture.producer).toMatch(/torch 1\.13/);
  const names = new Set(fixture.cases.map((c) => c.name));
  for (const n of ['CrossEntropyLoss', 'NLLLoss', 'BCELoss', 'BCEWithLogitsLoss', 'KLDivLoss', 'PoissonNLLLoss']) expect(names.has(n), n).toBe(true);
});

describe.each(IMPLEMENTATIONS)('PyTorch golden values: $label', (impl) => {
  it('every case', async () => {
    const fl = await instance(impl);
    for (const c of fixture.cases) {
      const loss = fl.loss(c.name, { framework: 'pytorch', ...c.options });
      const inputs = { pred: input(c.inputs.pred!), target: input(c.inputs.target!) };
      const at = { pred: c.inputs.pred!.data, target: c.inputs.target!.data };
      if (c.gradOutput === undefined) expectClose(values(loss(inputs)), wanted(c), `${c.id} value`, at);
      const g = loss.withGrad(inputs, c.gradOutput ? { gradOutput: input(c.gradOutput) } : {});
      expectClose(values(g.value), wanted(c), `${c.id} withGrad value`, at);
      expectClose(g.grad.pred!.data, c.grad.pred!.data, `${c.id} grad`, at);
      expect(g.grad.pred!.shape, c.id).toEqual(c.grad.pred!.shape);
      if (typeof c.value !== 'number') expect((g.value as OutputTensor).shape, c.id).toEqual(c.value.shape);
    }
  });
});

/** The reference for a fixture case: checks the oracle itself against PyTorch. */
function reference(c: TorchCase): RefResult {
  const o = c.options as Record<string, unknown>;
  const p = c.inputs.pred!;
  const t = c.inputs.target!;
  const reduction = o.reduction as 'mean';
  const go = c.gradOutput?.data;
  const weight = o.weight as number[] | undefined;
  const common = { reduction, ...(weight ? { weight } : {}), ...(go ? { gradOutput: go } : {}) };
  switch (c.name) {
    case 'CrossEntropyLoss':
    case 'cce':
      return torchCrossEntropy(p.data, p.shape, t.data, t.shape, { ...common, ignoreIndex: (o.ignoreIndex as number) ?? -100, labelSmoothing: (o.labelSmoothing as number) ?? 0 });
    case 'NLLLoss':
    case 'nll':
      return torchNll(p.data, p.shape, t.data, { ...common, ignoreIndex: (o.ignoreIndex as number) ?? -100 });
    case 'KLDivLoss':
    case 'kld':
      return torchElementwise(torchKld(o.logTarget === true), p.data, t.data, p.shape, o.reduction as 'batchmean', go);
    case 'PoissonNLLLoss':
    case 'pnll':
      return torchElementwise(torchPoisson(o.logInput !== false, o.full === true, (o.eps as number) ?? 1e-8), p.data, t.data, p.shape, reduction, go);
    default: {
      const w = weight === undefined ? undefined : broadcastLast(weight, p.shape);
      const pw = o.posWeight === undefined ? undefined : broadcastLast(o.posWeight as number[], p.shape);
      const f = c.name === 'BCEWithLogitsLoss' || o.fromLogits === true ? torchBinaryLogits(w, pw) : torchBinary(w);
      return torchElementwise(f, p.data, t.data, p.shape, reduction, go);
    }
  }
}

/** A weight of the last axis's length (or the full size, or one element) as a function of the flat index. */
function broadcastLast(nested: number[], shape: number[]): (k: number) => number {
  const w = (nested as unknown[]).flat(8) as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  if (w.length === n) return (k) => w[k]!;
  return (k) => w[k % w.length]!;
}

it('the float64 references agree with PyTorch on every case', () => {
  for (const c of fixture.cases) {
    const ref = reference(c);
    expectClose(typeof ref.value === 'number' ? [ref.value] : ref.value.data, wanted(c), `${c.id} reference value`, {}, 1e-9);
    expectClose(ref.grad, c.grad.pred!.data, `${c.id} reference grad`, {}, 1e-9);
  }
});
