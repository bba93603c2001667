/**
 * Real Keras: test/fixtures/keras3/*.json (copied from the project's Keras 3.15.1 on TensorFlow 2.21 runs, float64,
 * gradients by tf.GradientTape of sum(loss); the producer is named in each file) for binary, categorical and
 * sparse categorical cross-entropy and KL divergence: every case on every implementation, and the float64
 * references of src/reference/crossentropy.ts held to the same values. Keras computed in float64 on the float32
 * values of the inputs; fastloss computes in float32, so the bound is the package's 1e-6.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LossError } from '../src/index.js';
import { kerasBinary, kerasCategorical, kerasElementwise, kerasKld, kerasSparse, RefError, type KerasOptions, type KerasReduction, type RefResult } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

interface KTensor {
  shape: number[];
  dtype: string;
  data: Array<number | string>;
}

interface KCase {
  id: string;
  loss: string;
  options: Record<string, unknown>;
  inputs: Record<string, KTensor>;
  expected: { value?: number | string | KTensor; gradPred?: KTensor; error?: string };
}

const FILES = ['binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'kullback_leibler_divergence'];

const num = (x: number | string) => (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : (x as number));

function load(name: string): { producer: string; cases: KCase[] } {
  return JSON.parse(readFileSync(new URL(`./fixtures/keras3/${name}.json`, import.meta.url), 'utf8')) as { producer: string; cases: KCase[] };
}

function tensor(t: KTensor) {
  return { data: t.dtype.startsWith('int') ? Int32Array.from(t.data as number[]) : Float32Array.from(t.data.map(num)), shape: t.shape };
}

function wantedValue(c: KCase): number[] {
  const v = c.expected.value!;
  return typeof v === 'object' ? v.data.map(num) : [num(v)];
}

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe.each(IMPLEMENTATIONS)('real Keras 3.15: $label', (impl) => {
  for (const file of FILES) {
    it(file, async () => {
      const fl = await instance(impl);
      const { producer, cases } = load(file);
      expect(producer).toMatch(/keras 3\.15/);
      const failures: string[] = [];
      for (const c of cases) {
        try {
          const loss = fl.loss(c.loss, { framework: 'tensorflow', ...c.options });
          const inputs: Record<string, unknown> = {};
          for (const [k, t] of Object.entries(c.inputs)) inputs[k] = tensor(t);
          if (c.expected.error !== undefined) {
            expect(() => loss(inputs), c.id).toThrow(LossError);
            continue;
          }
          const g = loss.withGrad(inputs);
          expectClose(values(loss(inputs)), wantedValue(c), `${c.id} value`);
          expectClose(values(g.value), wantedValue(c), `${c.id} withGrad value`);
          expectClose(g.grad.pred!.data, c.expected.gradPred!.data.map(num), `${c.id} grad`);
        } catch (e) {
          failures.push(`${c.id}: ${(e as Error).message.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]); // every case, sample weights broadcast as Keras 3 does included
    });
  }
});


function reference(c: KCase): RefResult {
  const p = c.inputs.pred!;
  const t = c.inputs.target!;
  const sw = c.inputs.sampleWeight;
  const o = c.options as { reduction: KerasReduction; fromLogits?: boolean; labelSmoothing?: number; axis?: number; ignoreClass?: number };
  const common: KerasOptions = { reduction: o.reduction, ...(sw ? { sampleWeight: { data: sw.data.map(num), shape: sw.shape } } : {}) };
  const pd = p.data.map(num);
  const td = t.data.map(num);
  const fromLogits = o.fromLogits === true;
  if (c.loss === 'binary_crossentropy') return kerasElementwise(kerasBinary(fromLogits, o.labelSmoothing ?? 0), pd, td, p.shape, 'mean', common);
  if (c.loss === 'kullback_leibler_divergence') return kerasElementwise(kerasKld, pd, td, p.shape, 'sum', common);
  if (c.loss === 'categorical_crossentropy') return kerasCategorical(pd, td, p.shape, { ...common, fromLogits, labelSmoothing: o.labelSmoothing ?? 0, axis: o.axis ?? -1 });
  return kerasSparse(pd, td, p.shape, { ...common, fromLogits, ignoreClass: o.ignoreClass ?? null });
}

it('the float64 references agree with real Keras on every case (errors included)', () => {
  for (const file of FILES) {
    for (const c of load(file).cases) {
      if (c.expected.error !== undefined) {
        expect(() => reference(c), c.id).toThrow(RefError);
        continue;
      }
      const r = reference(c);
      expectClose(typeof r.value === 'number' ? [r.value] : r.value.data, wantedValue(c), `${c.id} reference value`, {}, 1e-6);
      expectClose(r.grad, c.expected.gradPred!.data.map(num), `${c.id} reference grad`, {}, 1e-6);
    }
  }
});
