/**
 * Which path an elementwise call takes (src/engines/elementwise.ts): at most jsBelow elements, the plain-JS twin
 * for every input form, reduction, and withGrad, with no wasm call at all; one element more, the kernels, except
 * where plain JS is the faster path by design: a scalar reduction of a number[] regression loss is summed straight
 * from the arrays (a copy into wasm memory would cost more than the loop). The value suites cannot tell these
 * paths apart (each gives the same numbers); here every wasm export is wrapped to count its calls, and each call's
 * value and gradient are compared with an instance that runs everything in wasm (jsBelow 0).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { FastLoss, loadLosses, type Loss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { instantiate, Runtime, type KernelExports } from '../src/wasm.js';
import { withEveryPart } from './every-part.js';
import { expectClose } from './helpers.js';

const JS_BELOW = 64;
const calls: string[] = [];
let counted: FastLoss;
let wasmOnly: FastLoss;

beforeAll(async () => {
  const base = await instantiate('simd');
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base.exports)) {
    wrapped[name] =
      typeof value === 'function' && name !== 'heap_base'
        ? (...args: number[]) => {
            calls.push(name);
            return (value as (...a: number[]) => number)(...args);
          }
        : value;
  }
  counted = new FastLoss(await withEveryPart(new Runtime(base.build, wrapped as unknown as KernelExports)), JS_BELOW);
  wasmOnly = await loadLosses({ build: 'simd', jsBelow: 0 });
});

const LOSSES = [
  ['mse', 'pytorch', {}],
  ['mse', 'tensorflow', {}],
  ['smooth_l1', 'pytorch', { beta: 0.5 }],
  ['huber', 'tensorflow', { delta: 0.3 }],
  ['bce', 'tensorflow', {}],
  ['kld', 'pytorch', {}],
] as const;

/** Every input form of n elements: number[], nested [n, 1], { data: number[], shape }, Float32Array, Float64Array, fl.tensor. */
function forms(fl: FastLoss, p: number[], t: number[]): Record<string, [unknown, unknown]> {
  const n = p.length;
  const tensor = (a: number[]) => {
    const x = fl.tensor([n]);
    x.data.set(a);
    return x;
  };
  return {
    'number[]': [p, t],
    nested: [p.map((v) => [v]), t.map((v) => [v])],
    '{ data, shape }': [{ data: p, shape: [n] }, { data: t, shape: [n] }],
    Float32Array: [Float32Array.from(p), Float32Array.from(t)],
    Float64Array: [Float64Array.from(p), Float64Array.from(t)],
    'fl.tensor': [tensor(p), tensor(t)],
  };
}

const dataOf = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe('the elementwise paths at jsBelow and one element above', () => {
  it.each(LOSSES)('%s (%s): JS at jsBelow for every form, the kernels above it, the same numbers either way', (name, framework, options) => {
    for (const n of [JS_BELOW, JS_BELOW + 1]) {
      const p = Array.from({ length: n }, (_, i) => Math.fround(((i * 37) % 11) / 12 + 0.04));
      const t = Array.from({ length: n }, (_, i) => Math.fround(((i * 5) % 7) / 7 + 0.02));
      const mine = forms(counted, p, t);
      const theirs = forms(wasmOnly, p, t);
      for (const form of Object.keys(mine)) {
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const where = `${name} (${framework}) n=${n} ${form} ${reduction}`;
          const loss = counted.loss(name, { framework, reduction, ...options } as never) as Loss;
          const reference = wasmOnly.loss(name, { framework, reduction, ...options } as never) as Loss;
          const [pp, tt] = mine[form]!;
          const [rp, rt] = theirs[form]!;
          calls.length = 0;
          const value = loss({ pred: pp, target: tt } as never);
          const forwardCalls = calls.length;
          calls.length = 0;
          const g = loss.withGrad({ pred: pp, target: tt } as never);
          const gradCalls = calls.length;
          expectClose(dataOf(value), dataOf(reference({ pred: rp, target: rt } as never)), `${where}: value`);
          const rg = reference.withGrad({ pred: rp, target: rt } as never);
          expectClose(dataOf(g.value), dataOf(rg.value), `${where}: withGrad value`);
          expectClose(g.grad.pred!.data, rg.grad.pred!.data, `${where}: gradient`);
          if (n <= JS_BELOW) {
            expect([forwardCalls, gradCalls], `${where}: no wasm call`).toEqual([0, 0]);
          } else {
            expect(gradCalls, `${where}: the gradient in wasm`).toBeGreaterThan(0);
            const summedFromArrays = form !== 'Float32Array' && form !== 'Float64Array' && form !== 'fl.tensor' && reduction !== 'none' && (name === 'mse' || name === 'smooth_l1' || name === 'huber');
            if (summedFromArrays) expect(forwardCalls, `${where}: summed from the arrays`).toBe(0);
            else expect(forwardCalls, `${where}: the value in wasm`).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});

/** What a call gives: its values (value and gradient), or its error's code and message. */
function outcome(fn: () => unknown): { values: number[] } | { error: string } {
  try {
    const r = fn() as number | OutputTensor | { value: number | OutputTensor; grad: Record<string, { data: Float32Array }> };
    if (typeof r === 'number' || 'data' in r) return { values: dataOf(r as number | OutputTensor) };
    return { values: [...dataOf(r.value), ...Object.values(r.grad).flatMap((g) => Array.from(g.data))] };
  } catch (e) {
    return { error: `${(e as { code?: string }).code}: ${(e as Error).message}` };
  }
}

describe('the small-input fast paths decide as the general path does', () => {
  // Calls a fast path could take wrongly: sizes, shapes or forms that differ, extra inputs, empty inputs, bad data.
  const f32 = (...v: number[]) => Float32Array.from(v);
  const CALLS: [string, Record<string, unknown>][] = [
    ['Float32Arrays of different lengths', { pred: f32(0.2, 0.4, 0.6), target: f32(0.1, 0.3) }],
    ['Float32Array and Float64Array', { pred: f32(0.2, 0.4, 0.6), target: Float64Array.of(0.1, 0.3, 0.9) }],
    ['Float64Arrays of different lengths', { pred: Float64Array.of(0.2, 0.4, 0.6), target: Float64Array.of(0.1, 0.3) }],
    ['number[] against [n, 1]', { pred: [0.2, 0.4, 0.6], target: { data: [0.1, 0.3, 0.9], shape: [3, 1] } }],
    ['[3] against [1, 3]', { pred: { data: [0.2, 0.4, 0.6], shape: [3] }, target: { data: [0.1, 0.3, 0.9], shape: [1, 3] } }],
    ['[2, 2] against [2, 2]', { pred: { data: f32(0.2, 0.4, 0.6, 0.8), shape: [2, 2] }, target: { data: [0.1, 0.3, 0.9, 0.7], shape: [2, 2] } }],
    ['[2, 2] against [4]', { pred: { data: f32(0.2, 0.4, 0.6, 0.8), shape: [2, 2] }, target: f32(0.1, 0.3, 0.9, 0.7) }],
    ['negative dimensions', { pred: { data: [0.2, 0.4], shape: [-1, -2] }, target: { data: [0.1, 0.3], shape: [-1, -2] } }],
    ['a fractional dimension', { pred: { data: [0.2, 0.4], shape: [2.5] }, target: { data: [0.1, 0.3], shape: [2.5] } }],
    ['a shape that is no array', { pred: { data: [0.2, 0.4], shape: 2 }, target: { data: [0.1, 0.3], shape: 2 } }],
    ['data longer than the shape', { pred: { data: f32(0.2, 0.4, 0.6), shape: [2] }, target: { data: f32(0.1, 0.3, 0.5), shape: [2] } }],
    ['data that is a string', { pred: { data: 'xy', shape: [2] }, target: { data: [0.1, 0.3], shape: [2] } }],
    ['a string element', { pred: ['0.2', 0.4], target: [0.1, 0.3] }],
    ['ragged nested arrays', { pred: [[0.2, 0.4], [0.6]], target: [[0.1, 0.3], [0.5]] }],
    ['a ragged target', { pred: [[0.2, 0.4], [0.6, 0.8]], target: [[0.1, 0.3], [0.5, 0.7, 0.9]] }],
    ['rows longer than the first, in both', { pred: [[0.2, 0.4], [0.6, 0.8, 0.1]], target: [[0.1, 0.3], [0.5, 0.7, 0.9]] }],
    ['nested against flat', { pred: [[0.2, 0.4], [0.6, 0.8]], target: [0.1, 0.3, 0.5, 0.7] }],
    ['empty Float32Arrays', { pred: f32(), target: f32() }],
    ['empty number[]', { pred: [], target: [] }],
    ['a sample weight', { pred: f32(0.2, 0.4, 0.6), target: f32(0.1, 0.3, 0.9), sampleWeight: f32(1, 2, 3) }],
    ['an unknown input', { pred: f32(0.2, 0.4, 0.6), target: f32(0.1, 0.3, 0.9), weights: f32(1, 2, 3) }],
    ['a missing target', { pred: f32(0.2, 0.4, 0.6) }],
    ['null', null as unknown as Record<string, unknown>],
  ];

  it.each(LOSSES)('%s (%s): every odd small call, forward and withGrad, every reduction', async (name, framework, options) => {
    const fl = await loadLosses({ build: 'simd' }); // the default jsBelow: the fast paths are live
    expect((fl as unknown as { jsBelow: number }).jsBelow, 'the default instance takes small inputs in JS').toBeGreaterThan(3);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const fast = fl.loss(name, { framework, reduction, ...options } as never) as Loss;
      const general = wasmOnly.loss(name, { framework, reduction, ...options } as never) as Loss;
      for (const [label, inputs] of CALLS) {
        const where = `${name} (${framework}) ${reduction}, ${label}`;
        for (const call of ['forward', 'withGrad'] as const) {
          const run = (loss: Loss) => () => (call === 'forward' ? loss(inputs as never) : loss.withGrad(inputs as never));
          const a = outcome(run(fast));
          const b = outcome(run(general));
          if ('error' in b) expect(a, `${where} ${call}`).toEqual(b);
          else {
            expect('values' in a ? 'values' : a.error, `${where} ${call}`).toBe('values');
            expectClose((a as { values: number[] }).values, b.values, `${where} ${call}`);
          }
        }
      }
    }
  });
});

describe('the refusals of the elementwise engine, whole', () => {
  const whole = (fn: () => unknown): (string | undefined)[] => {
    try {
      fn();
    } catch (e) {
      const x = e as { code?: string; loss?: string; argument?: string; expected?: string; received?: string };
      return [x.code, x.loss, x.argument, x.expected, x.received];
    }
    return ['nothing thrown'];
  };
  const FORMS = 'a tensor: { data, shape }, a Float32Array, Float64Array, Int32Array, number[] or nested number arrays';

  it.each([0, 64])('shapes, data, missing inputs, a stream that cannot split (jsBelow %i)', async (jsBelow) => {
    const fl = await loadLosses({ build: 'simd', jsBelow });
    const torch = fl.loss('mse', { framework: 'pytorch' });
    const keras = fl.loss('mse');
    const mseT = 'mean_squared_error (pytorch)';
    const mseK = 'mean_squared_error (tensorflow)';
    expect(whole(() => torch({ pred: [1, 2, 3], target: [1, 2] }))).toEqual(['SHAPE_MISMATCH', mseT, 'target', "pred's shape [3]", 'shape [2]']);
    expect(whole(() => keras({ pred: [[1, 2, 3]], target: [[1, 2]] }))).toEqual(['SHAPE_MISMATCH', mseK, 'target', "pred's shape [1, 3] (or one that differs by a trailing axis of 1)", 'shape [1, 2]']);
    expect(whole(() => keras({ pred: [1, 2], target: 'x' } as never))).toEqual(['BAD_DTYPE', mseK, 'target', FORMS, '"x"']);
    expect(whole(() => keras({ pred: [1, 2], target: [1, 2], sampleWeight: 'w' } as never))).toEqual(['BAD_DTYPE', mseK, 'sampleWeight', FORMS, '"w"']);
    for (const call of [() => keras(null as never), () => keras.withGrad(null as never), () => keras(undefined as never)]) {
      expect(whole(call)).toEqual(['MISSING_INPUT', mseK, 'inputs', 'an object of named inputs { pred, target, sampleWeight? }', expect.any(String)]);
    }
    const acc = keras.accumulator();
    expect(whole(() => acc.update({ pred: [1, 2, 3], target: [0, 0, 0], sampleWeight: [2] }))).toEqual([
      'SHAPE_MISMATCH', mseK, 'pred', 'a batch axis to stream with sampleWeight (a rank-1 pred is one Keras sample, split along its last axis)', 'shape [3]',
    ]);
  });

  it.each([0, 64])('a Keras rank-1 pred streamed is one sample for every reduction; torch batchmean of a rank-0 pair (jsBelow %i)', async (jsBelow) => {
    const fl = await loadLosses({ build: 'simd', jsBelow });
    for (const reduction of ['sum', 'sum_over_batch_size'] as const) {
      const loss = fl.loss('mse', { reduction });
      const acc = loss.accumulator();
      acc.update({ pred: [1, 2, 3], target: [0, 0, 0] });
      acc.update({ pred: [4], target: [0] });
      // one sample: the mean of the squares over its only axis, whatever the reduction
      expect(acc.result(), reduction).toBeCloseTo((1 + 4 + 9 + 16) / 4, 6);
    }
    const kld = fl.loss('kld', { framework: 'pytorch', reduction: 'batchmean' });
    // rank 0: torch's kl_div divides by input.size(0) only when input.dim() != 0, so a 0-d pair is its own value
    expect(kld({ pred: { data: [-0.5], shape: [] }, target: { data: [0.25], shape: [] } })).toBeCloseTo(0.25 * (Math.log(0.25) + 0.5), 6);
  });
});
