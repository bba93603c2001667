/**
 * The third wave's real-framework fixtures (test/fixtures/wave3/<loss>.json: Keras 3.15.1 on TensorFlow 2.21,
 * torch 2.13, torchvision 0.28, all in float64 on float32-representable inputs; each case names its producer in
 * `reference`): every case of every landed (loss, framework), by the name the case uses (aliases, class and
 * function names), on every implementation: the value and the gradient of each differentiated input within
 * fastloss's standard (1e-6 of the reference, relative to the element or to the tensor's largest), and a case the
 * framework refuses is the LossError code it names.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LossError, loadLosses, type OutputTensor } from '../src/index.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

interface FixtureTensor {
  shape: number[];
  dtype: string;
  data: Array<number | string>;
}
interface FixtureCase {
  id: string;
  loss: string;
  alias: string;
  framework: 'tensorflow' | 'pytorch';
  reference: string;
  options: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  expected: { value?: number | string | FixtureTensor; grad?: Record<string, FixtureTensor>; error?: string };
}

const num = (x: number | string): number => (typeof x === 'number' ? x : Number(x)); // 'NaN', 'Infinity', '-Infinity'
const dir = new URL('./fixtures/wave3/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const cases = files.flatMap((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as FixtureCase[]);
const probe = await loadLosses();
const landed = (c: FixtureCase) => probe.implemented().some((l) => l.name === c.loss && l.frameworks.includes(c.framework));

function input(t: FixtureTensor): { data: Float32Array | Int32Array; shape: number[] } {
  return { data: t.dtype.startsWith('int') ? Int32Array.from(t.data, num) : Float32Array.from(t.data, num), shape: t.shape };
}

const values = (v: number | OutputTensor | FixtureTensor | string): number[] =>
  typeof v === 'number' || typeof v === 'string' ? [num(v)] : Array.from(v.data as ArrayLike<number | string>, num);

describe('the wave-3 fixtures', () => {
  it('are real-framework values, and every one of a landed loss runs below', () => {
    expect(cases.length).toBeGreaterThanOrEqual(36);
    // (the sparse focal loss, which no framework ships, is Keras's own categorical focal function on one-hot labels
    // with SparseCategoricalCrossentropy's masking: its cases say "derived: keras.losses...")
    for (const c of cases) expect(c.reference, c.id).toMatch(/^(keras\.losses\.|torch|torchvision|derived: keras\.losses\.)/);
    expect(cases.filter(landed).map((c) => c.loss)).toContain('log_cosh');
  });
});

describe.each(IMPLEMENTATIONS)('wave-3 fixtures: $label', (impl) => {
  for (const c of cases.filter(landed)) {
    it(`${c.id} (${c.alias}, ${JSON.stringify(c.options)})`, async () => {
      const fl = await instance(impl);
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, input(t)]));
      if (c.expected.error !== undefined) {
        // an option the framework refuses is refused by fl.loss (before any call), inputs by the call
        const call = () => fl.loss(c.alias, { ...c.options, framework: c.framework })(inputs);
        expect(call, c.id).toThrow(LossError);
        try {
          call();
        } catch (e) {
          expect((e as LossError).code).toBe(c.expected.error);
        }
        return;
      }
      const loss = fl.loss(c.alias, { ...c.options, framework: c.framework });
      const value = loss(inputs);
      expectClose(values(value), values(c.expected.value!), `${c.id} value`);
      const { grad } = loss.withGrad(inputs);
      for (const [name, want] of Object.entries(c.expected.grad ?? {})) {
        expect(grad[name]!.shape, `${c.id} grad ${name} shape`).toEqual(want.shape);
        expectClose(grad[name]!.data, values(want), `${c.id} grad ${name}`);
      }
    });
  }
});
