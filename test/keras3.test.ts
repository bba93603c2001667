/**
 * Real Keras: every case of test/fixtures/keras3/<loss>.json (values and gradients computed by Keras 3.15.1 on
 * TensorFlow 2.21 in float64; the producer is named in each file) on every implementation, for every Keras loss
 * that has landed. Cases where Keras raised (`expected.error`) must be a SHAPE_MISMATCH LossError here.
 * This is the Keras half's independent reference, as test/fixtures/*.torch.json is the PyTorch half's.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance } from './helpers.js';
import { loadLosses } from '../src/index.js';

interface KerasTensor {
  shape: number[];
  data: (number | string)[];
}
interface KerasCase {
  id: string;
  loss: string;
  options: Record<string, unknown>;
  inputs: Record<string, KerasTensor>;
  expected: { value?: number | string | KerasTensor; gradPred?: KerasTensor; error?: string };
}
interface KerasFile {
  producer: string;
  loss: string;
  cases: KerasCase[];
}

const num = (x: number | string): number => (typeof x === 'number' ? x : Number(x)); // 'NaN', 'Infinity', '-Infinity'
const dir = new URL('./fixtures/keras3/', import.meta.url);
const files: KerasFile[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as KerasFile);

/**
 * Known, explained departures from a real-Keras case: id → reason. (Empty: every case of every landed loss
 * passes as it is.)
 */
const EXCEPTIONS: Record<string, string> = {};

const probe = await loadLosses();
const landed = files.filter((f) => probe.implemented().some((l) => l.name === f.loss && l.frameworks.includes('tensorflow')));

function tensorInput(t: KerasTensor): { data: Float32Array; shape: number[] } {
  return { data: Float32Array.from(t.data, num), shape: t.shape };
}

function valueData(v: number | OutputTensor): number[] {
  return typeof v === 'number' ? [v] : Array.from(v.data);
}

describe.each(IMPLEMENTATIONS)('real Keras 3 fixtures: $label', (impl) => {
  it('covers every landed Keras loss', () => {
    expect(landed.map((f) => f.loss).length).toBeGreaterThanOrEqual(5);
    for (const f of landed) expect(f.producer).toMatch(/^keras 3\.15/);
  });
  for (const file of landed) {
    it(`${file.loss}: ${file.cases.length} cases`, async () => {
      const fl = await instance(impl);
      for (const c of file.cases) {
        if (EXCEPTIONS[c.id] !== undefined) continue;
        const loss = fl.loss(c.loss, { framework: 'tensorflow', ...c.options });
        const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, tensorInput(t)]));
        const label = `${c.id} ${JSON.stringify(c.options)} shapes ${Object.entries(c.inputs).map(([k, t]) => `${k}[${t.shape}]`).join(' ')}`;
        if (c.expected.error !== undefined) {
          expectLossError(() => loss(inputs), 'SHAPE_MISMATCH', label);
          expectLossError(() => loss.withGrad(inputs), 'SHAPE_MISMATCH', label);
          continue;
        }
        const want = c.expected.value!;
        const wantData = typeof want === 'object' ? want.data.map(num) : [num(want)];
        const got = loss(inputs);
        expectClose(valueData(got), wantData, `${label} value`);
        if (typeof want === 'object' && typeof got !== 'number') expect(got.shape, `${label} shape`).toEqual(want.shape);
        const g = loss.withGrad(inputs);
        expectClose(valueData(g.value), wantData, `${label} withGrad value`);
        expectClose(g.grad.pred!.data, c.expected.gradPred!.data.map(num), `${label} gradient`);
        expect(g.grad.pred!.shape).toEqual(c.expected.gradPred!.shape);
      }
    });
  }
});
