/**
 * Real Keras 3.15.1 (TensorFlow 2.21, float64) values and gradients for Hinge, SquaredHinge, CategoricalHinge and
 * CosineSimilarity (test/fixtures/keras3/*.json, their producer line inside), on every implementation, every case
 * except the one list below; and the float64 references held to the same files.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kerasCategoricalHinge, kerasCosineSimilarity, kerasHinge, kerasSquaredHinge, type KerasReduction, type MarginRef } from '../src/reference/margin.js';
import { LossError } from '../src/errors.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

interface KerasTensor {
  shape: number[];
  data: Array<number | string>;
}
interface KerasCase {
  id: string;
  loss: string;
  options: Record<string, unknown>;
  inputs: Record<string, KerasTensor>;
  expected: { value?: number | KerasTensor; gradPred?: KerasTensor; error?: string };
}

const num = (x: number | string) => (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : (x as number));
const tensor = (t: KerasTensor) => ({ data: Float32Array.from(t.data, num), shape: t.shape });

const FILES = ['hinge', 'squared_hinge', 'categorical_hinge', 'cosine_similarity'];
const files = FILES.map((f) => JSON.parse(readFileSync(new URL(`./fixtures/keras3/${f}.json`, import.meta.url), 'utf8')) as { producer: string; cases: KerasCase[] });

/**
 * The cases the float64 references of src/reference/margin.ts do not model: their sample weights align leading
 * axes, where Keras 3 aligns trailing axes (NumPy broadcasting after squeeze_or_expand_to_same_rank: a weight [T]
 * against per-sample [N, T] weighs columns, [N] against [N, T] with N != T is an error, a [N, 1] weight against
 * per-sample [N] makes 'none' return [N, 1]). The product follows Keras on every case (below, and
 * test/keras3.test.ts); only the reference check skips these.
 */
function exception(c: KerasCase): string | null {
  const w = c.inputs.sampleWeight;
  if (w === undefined) return null;
  const rank = (c.inputs.pred!.shape.length || 1) - 1; // per-sample rank
  const trailing1 = w.shape.length === rank + 1 && w.shape[w.shape.length - 1] === 1;
  if (w.shape.length > 0 && w.shape.length < rank) return 'sample weight of lower rank than the per-sample loss: Keras broadcasts trailing axes';
  if (trailing1 && rank === 1 && c.options.reduction === 'none') return "a [N, 1] sample weight makes Keras's 'none' result [N, 1]";
  return null;
}

const EXCEPTED = files.flatMap((f) => f.cases.filter((c) => exception(c) !== null).map((c) => c.id));

it('every file names its producer; the reference skips only the sample-weight broadcasting cases', () => {
  for (const f of files) expect(f.producer).toMatch(/keras 3\.15\.1 on tensorflow 2\.21/);
  expect(EXCEPTED).toMatchSnapshot();
});

describe.each(IMPLEMENTATIONS)('Keras 3 fixtures: $label', (impl) => {
  for (const [k, f] of files.entries()) {
    it(FILES[k]!, async () => {
      const fl = await instance(impl);
      for (const c of f.cases) {
        const loss = fl.loss(c.loss, { framework: 'tensorflow', ...c.options });
        const inputs = Object.fromEntries(Object.entries(c.inputs).map(([name, t]) => [name, tensor(t)]));
        if (c.expected.error !== undefined) {
          expect(() => loss(inputs), c.id).toThrow(LossError);
          continue;
        }
        const want = typeof c.expected.value === 'number' ? [c.expected.value] : c.expected.value!.data.map(num);
        const got = loss(inputs);
        expectClose(typeof got === 'number' ? [got] : Array.from(got.data), want, `${c.id} value`);
        if (typeof c.expected.value !== 'number') expect((got as OutputTensor).shape, c.id).toEqual(c.expected.value!.shape);
        const g = loss.withGrad(inputs);
        expectClose(g.grad.pred!.data, c.expected.gradPred!.data.map(num), `${c.id} gradient`);
      }
    });
  }
});

function reference(c: KerasCase): MarginRef {
  const p = tensor(c.inputs.pred!);
  const t = tensor(c.inputs.target!);
  const w = c.inputs.sampleWeight;
  const o = { reduction: c.options.reduction as KerasReduction, ...(w ? { sampleWeight: tensor(w) } : {}) };
  if (c.loss === 'hinge') return kerasHinge(p.data, t.data, p.shape, o);
  if (c.loss === 'squared_hinge') return kerasSquaredHinge(p.data, t.data, p.shape, o);
  if (c.loss === 'categorical_hinge') return kerasCategoricalHinge(p.data, t.data, p.shape, o);
  return kerasCosineSimilarity(p.data, t.data, p.shape, { ...o, axis: (c.options.axis as number | undefined) ?? -1 });
}

it('the float64 references agree with Keras on every case they model', () => {
  let checked = 0;
  for (const f of files) {
    for (const c of f.cases) {
      if (exception(c) !== null || c.expected.error !== undefined) continue;
      const ref = reference(c);
      const want = typeof c.expected.value === 'number' ? [c.expected.value] : c.expected.value!.data.map(num);
      // Keras computed on the float64 inputs as given; the reference sees them rounded to float32.
      expectClose(typeof ref.value === 'number' ? [ref.value] : ref.value.data, want, `${c.id} reference value`, {}, 1e-6);
      expectClose(ref.grads.pred!, c.expected.gradPred!.data.map(num), `${c.id} reference gradient`, {}, 1e-6);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(250);
});
