/**
 * Golden values from PyTorch (test/fixtures/ctc.torch.json, written by scripts/make_fixtures_ctc.py with Debian's
 * torch 1.13 in float64): every case × reduction, the value, the true gradient wrt logProbs (gradOf 'logProbs')
 * and torch's own logits-form gradient (gradOf 'logits'), on every implementation; and the float64 reference held
 * to the same values.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ctcReference } from '../src/reference/ctc.js';
import { expectLogitsGradClose } from './ctc.cases.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Result {
  value: Num | Num[];
  gradLogProbs: Num[];
  gradLogits: Num[];
  gradOutput?: number | number[];
}
interface Case {
  id: string;
  shape: number[];
  blank: number;
  zeroInfinity: boolean;
  logProbs: Num[];
  targets: { shape: number[]; data: number[] };
  inputLengths: number[];
  targetLengths: number[];
  results: Record<'mean' | 'sum' | 'none', Result>;
}

const decode = (x: Num): number => (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x);
const fixture = JSON.parse(readFileSync(new URL('./fixtures/ctc.torch.json', import.meta.url), 'utf8')) as { producer: string; cases: Case[] };
const REDUCTIONS = ['mean', 'sum', 'none'] as const;

function scalesOf(c: Case, reduction: (typeof REDUCTIONS)[number], gradOutput: number[]): number[] {
  const N = c.inputLengths.length;
  return c.targetLengths.map((l, n) => (reduction === 'none' ? gradOutput[n]! : reduction === 'sum' ? 1 : 1 / (Math.max(l, 1) * N)));
}

it('names its producer and covers the cases', () => {
  expect(fixture.producer).toMatch(/torch 1\.13.*1\.13\.1\+dfsg-4/);
  const ids = fixture.cases.map((c) => c.id);
  for (const id of ['blank-last', 'blank-middle', 'repeats', 'infeasible-zero-infinity', 'infeasible-concatenated', 'unbatched']) expect(ids).toContain(id);
});

describe.each(IMPLEMENTATIONS)('PyTorch golden values (ctc): $label', (impl) => {
  for (const c of fixture.cases) {
    it(c.id, async () => {
      const fl = await instance(impl);
      const logProbs = { data: Float32Array.from(c.logProbs.map(decode)), shape: c.shape };
      const inputs = { logProbs, targets: c.targets, inputLengths: c.inputLengths, targetLengths: c.targetLengths };
      for (const reduction of REDUCTIONS) {
        const r = c.results[reduction];
        const want = Array.isArray(r.value) ? r.value.map(decode) : [decode(r.value)];
        const gradOutput = r.gradOutput === undefined ? undefined : Array.isArray(r.gradOutput) ? r.gradOutput : [r.gradOutput];
        const go = gradOutput === undefined ? undefined : { gradOutput: c.shape.length === 3 ? gradOutput : { data: gradOutput, shape: [] } };
        for (const gradOf of ['logProbs', 'logits'] as const) {
          const loss = fl.loss('CTCLoss', { blank: c.blank, reduction, zeroInfinity: c.zeroInfinity, gradOf });
          const label = `${c.id} ${reduction} ${gradOf}`;
          const v = loss(inputs);
          expectClose(typeof v === 'number' ? [v] : v.data, want, `${label} value`);
          const g = loss.withGrad(inputs, go);
          expect(g.grad.logProbs!.shape).toEqual(c.shape);
          if (gradOf === 'logProbs') expectClose(g.grad.logProbs!.data, r.gradLogProbs.map(decode), `${label} grad`);
          else expectLogitsGradClose(g.grad.logProbs!.data, r.gradLogits.map(decode), scalesOf(c, reduction, gradOutput ?? []), `${label} grad`);
        }
      }
    });
  }
});

describe('the float64 reference against PyTorch', () => {
  it('every case', () => {
    for (const c of fixture.cases) {
      const [T, N, C] = c.shape.length === 3 ? c.shape : [c.shape[0]!, 1, c.shape[1]!];
      const data = c.targets.data;
      let pos = 0;
      const S = c.targets.shape.length === 2 ? c.targets.shape[1]! : c.targetLengths.length === 1 ? data.length : 0;
      const targets = c.targetLengths.map((l, n) => {
        const start = S > 0 ? n * S : pos;
        pos += l;
        return data.slice(start, start + l);
      });
      for (const reduction of REDUCTIONS) {
        const r = c.results[reduction];
        const gradOutput = r.gradOutput === undefined ? undefined : Array.isArray(r.gradOutput) ? r.gradOutput : [r.gradOutput];
        for (const gradOf of ['logProbs', 'logits'] as const) {
          const ref = ctcReference({ logProbs: c.logProbs.map(decode), T: T!, N: N!, C: C!, targets, inputLengths: c.inputLengths, blank: c.blank, reduction, zeroInfinity: c.zeroInfinity, gradOf, gradOutput });
          const want = Array.isArray(r.value) ? r.value.map(decode) : [decode(r.value)];
          expectClose(typeof ref.value === 'number' ? [ref.value] : ref.value, want, `${c.id} ${reduction} value`, {}, 1e-12);
          expectClose(ref.grad, (gradOf === 'logits' ? r.gradLogits : r.gradLogProbs).map(decode), `${c.id} ${reduction} ${gradOf} grad`, {}, 1e-10);
        }
      }
    }
  });
});
