/**
 * What every engine takes alike (docs/design.md §5, §3): withGrad's `out` (a Float32Array or a float32
 * fl.tensor() per differentiated input, written in place), and Keras sample weights that broadcast the
 * per-sample values to more of them (values [N] with weights [K, N]: Keras multiplies, then reduces the product).
 * Once, `out` was refused by the pairwise, cosine, categorical-hinge and CTC engines and such weights by the
 * pairwise, cosine and categorical-hinge ones, while the others took both. Checked here for every (loss,
 * framework) against the same call without them: `out` against the new arrays withGrad returns, the weights
 * against the loss's own unweighted 'none' values weighted and reduced by hand as Keras's reduce_values does.
 */

import { describe, expect, it } from 'vitest';
import type { FastLoss, Loss, OutputTensor } from '../src/index.js';
import { expectClose, IMPLEMENTATIONS, instance, refusal } from './helpers.js';

const N = 4;
const D = 3;
const T = 5;
const C = 4;
const wave = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + s) * 0.4 + 0.5);

/** Inputs of each loss: pred-like inputs of [N, D] (or [N] for margin ranking), with the loss's targets. */
function inputsOf(name: string, framework: string): Record<string, unknown> {
  const t = (data: Float32Array, shape: number[]) => ({ data, shape });
  if (name === 'ctc') {
    const lp = wave(T * 2 * C, 1).map((x) => Math.log(x / 2));
    return { logProbs: t(lp, [T, 2, C]), targets: [[1, 2], [3, 1]], inputLengths: [5, 4], targetLengths: [2, 2] };
  }
  if (name === 'bpr' || name === 'pair_hinge') return { positive: t(wave(N * D, 1), [N, D]), negative: t(wave(N * D, 2), [N, D]) };
  if (name === 'margin_ranking' || (name === 'categorical_hinge' && framework === 'pytorch')) return { x1: t(wave(N, 1), [N]), x2: t(wave(N, 2), [N]), target: [1, -1, 1, -1] };
  if (name === 'gaussian_nll') return { pred: t(wave(N * D, 1), [N, D]), target: t(wave(N * D, 3), [N, D]), var: t(wave(N * D, 4), [N, D]) };
  if (name === 'cosine_embedding') return { x1: t(wave(N * D, 1), [N, D]), x2: t(wave(N * D, 2), [N, D]), target: [1, -1, 1, -1] };
  if (name === 'sparse_categorical_crossentropy' || name === 'sparse_categorical_focal_crossentropy' || name === 'negative_log_likelihood') return { pred: t(wave(N * D, 1), [N, D]), target: [0, 1, 2, 1] };
  if (name === 'categorical_crossentropy' && framework === 'pytorch') return { pred: t(wave(N * D, 1), [N, D]), target: [0, 1, 2, 1] };
  if (['hinge', 'squared_hinge', 'hinge_embedding'].includes(name)) return { pred: t(wave(N * D, 1), [N, D]), target: t(Float32Array.from({ length: N * D }, (_, i) => (i % 2 ? 1 : -1)), [N, D]) };
  return { pred: t(wave(N * D, 1), [N, D]), target: t(wave(N * D, 3), [N, D]) };
}

async function everyLoss(fl: FastLoss): Promise<Array<[string, string]>> {
  return fl.implemented().flatMap(({ name, frameworks }) => frameworks.map((f) => [name, f] as [string, string]));
}

describe('withGrad options on every loss', () => {
  it('a misspelt option is UNKNOWN_OPTION with a suggestion, a non-object BAD_OPTION: never ignored (each engine and family)', async () => {
    const fl = await instance(IMPLEMENTATIONS[1]!);
    for (const [name, framework] of await everyLoss(fl)) {
      const loss = fl.loss(name, { framework }) as Loss;
      const inputs = inputsOf(name, framework);
      expect(refusal(() => loss.withGrad(inputs, { gradoutput: 2 } as never)), `${name} (${framework})`).toEqual([
        'UNKNOWN_OPTION', `${name} (${framework})`, 'withGrad option "gradoutput"', 'gradOutput or out', '"gradoutput"',
      ]);
      expect(refusal(() => loss.withGrad(inputs, 5 as never))[0], `${name} (${framework})`).toBe('BAD_OPTION');
    }
  });
});

describe.each(IMPLEMENTATIONS)('withGrad(inputs, { out }) on every engine: $label', (impl) => {
  it('every loss writes each gradient into its out buffer, Float32Array or fl.tensor, equal to the new arrays', async () => {
    const fl = await instance(impl);
    const losses = await everyLoss(fl);
    expect(losses.length).toBe(40);
    for (const [name, framework] of losses) {
      const loss = fl.loss(name, { framework }) as Loss;
      const inputs = inputsOf(name, framework);
      const plain = loss.withGrad(inputs);
      const where = `${name} (${framework})`;
      // Float32Arrays of the JS heap: the result's data is the buffer itself
      const arrays = Object.fromEntries(Object.entries(plain.grad).map(([k, g]) => [k, new Float32Array(g.data.length).fill(NaN)]));
      const viaArrays = loss.withGrad(inputs, { out: arrays });
      expectClose(viaArrays.value as number, plain.value as number, `${where} value`);
      for (const [k, g] of Object.entries(plain.grad)) {
        expect(viaArrays.grad[k]!.data, `${where} grad.${k} is out.${k}`).toBe(arrays[k]);
        expectClose(arrays[k]!, g.data, `${where} out.${k}`);
      }
      // tensors in wasm memory, written in place by the kernel
      const tensors = Object.fromEntries(Object.entries(plain.grad).map(([k, g]) => [k, fl.tensor(g.shape)]));
      const viaTensors = loss.withGrad(inputs, { out: tensors });
      for (const [k, g] of Object.entries(plain.grad)) {
        expectClose(tensors[k]!.data, g.data, `${where} tensor out.${k}`);
        expect(Array.from(viaTensors.grad[k]!.data), `${where} grad.${k} reads the tensor`).toEqual(Array.from(tensors[k]!.data));
      }
      for (const x of Object.values(tensors)) x.free();
    }
  });

  it('out names only the inputs with a gradient, each of its size, overlapping no input', async () => {
    const fl = await instance(impl);
    for (const [name, framework] of await everyLoss(fl)) {
      const loss = fl.loss(name, { framework }) as Loss;
      const inputs = inputsOf(name, framework);
      const names = Object.keys(loss.withGrad(inputs).grad);
      const where = `${name} (${framework})`;
      expect(refusal(() => loss.withGrad(inputs, { out: { nope: new Float32Array(1) } })).slice(0, 3), where).toEqual(['BAD_OPTION', where, 'out.nope']);
      const first = names[0]!;
      const size = (loss.withGrad(inputs).grad[first]!.data.length);
      expect(refusal(() => loss.withGrad(inputs, { out: { [first]: new Float32Array(size + 1) } })), where).toEqual(['BAD_OPTION', where, `out.${first}`, `${size} elements (${first}'s size)`, `${size + 1} elements`]);
      const own = (inputs[first] as { data: Float32Array }).data;
      expect(refusal(() => loss.withGrad(inputs, { out: { [first]: own } })).slice(0, 3), where).toEqual(['BAD_OPTION', where, `out.${first}`]);
    }
  });

  it('each refusal whole: the names an engine differentiates, and two gradients never share a buffer', async () => {
    const fl = await instance(impl);
    let pairs = 0;
    for (const [name, framework] of await everyLoss(fl)) {
      const loss = fl.loss(name, { framework }) as Loss;
      const inputs = inputsOf(name, framework);
      const grads = loss.withGrad(inputs).grad;
      const names = Object.keys(grads);
      const where = `${name} (${framework})`;
      const only = names.length === 1 ? `out.${names[0]} only (${names[0]} is the input with a gradient)` : `${names.map((n) => `out.${n}`).join(', ')} only (the inputs with a gradient)`;
      expect(refusal(() => loss.withGrad(inputs, { out: { nope: new Float32Array(1) } })), where).toEqual(['BAD_OPTION', where, 'out.nope', only, '"nope"']);
      const first = names[0]!;
      const own = (inputs[first] as { data: Float32Array }).data;
      const overlap = names.length > 1 ? 'a buffer that overlaps no input and no other gradient' : first === 'pred' ? 'a buffer that overlaps neither pred nor target' : 'a buffer that overlaps no input';
      expect(refusal(() => loss.withGrad(inputs, { out: { [first]: own } })), where).toEqual(['BAD_OPTION', where, `out.${first}`, overlap, 'an overlapping buffer']);
      if (names.length < 2) continue;
      pairs++;
      // one buffer for both gradients: the second would overwrite the first
      const shared = new Float32Array(grads[first]!.data.length);
      const [a, b] = names as [string, string];
      expect(refusal(() => loss.withGrad(inputs, { out: { [a]: shared, [b]: shared } })), where).toEqual(['BAD_OPTION', where, `out.${b}`, overlap, 'an overlapping buffer']);
      // inputs as number[] from JSON (never in wasm memory, nothing to overlap) with out: the same gradients
      const plainInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (v as { data?: Float32Array }).data instanceof Float32Array ? { data: Array.from((v as { data: Float32Array }).data), shape: (v as { shape: number[] }).shape } : v]));
      const out = Object.fromEntries(names.map((k) => [k, new Float32Array(grads[k]!.data.length)]));
      loss.withGrad(plainInputs, { out });
      for (const k of names) expectClose(out[k]!, grads[k]!.data, `${where} out.${k} from number[] inputs`);
    }
    expect(pairs, 'losses with two gradients').toBeGreaterThanOrEqual(4);
  });
});

/** Keras's reduce_values over the broadcast product of unweighted values `v` (shape [N]) and weights `w` [K, N]. */
function kerasReduce(v: ArrayLike<number>, w: Float32Array, K: number, reduction: string): { value: number | number[]; factors: number[] } {
  const n = v.length;
  const product: number[] = [];
  for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) product.push(v[i]! * w[k * n + i]!);
  let weightSum = 0;
  for (const x of w) weightSum += x;
  const scale = reduction === 'sum' || reduction === 'none' ? 1 : 1 / (reduction === 'mean_with_sample_weight' ? weightSum : K * n);
  const factors = Array.from({ length: n }, (_, i) => {
    let f = 0;
    for (let k = 0; k < K; k++) f += w[k * n + i]! * scale;
    return f;
  });
  if (reduction === 'none') return { value: product, factors };
  return { value: product.reduce((a, b) => a + b, 0) * scale, factors };
}

describe.each(IMPLEMENTATIONS)('Keras sample weights that add axes, on every engine: $label', (impl) => {
  it('weights [2, ...values] against every Keras loss and reduction: value and gradient as Keras reduces them', async () => {
    const fl = await instance(impl);
    let count = 0;
    for (const [name, framework] of await everyLoss(fl)) {
      if (framework !== 'tensorflow') continue;
      const inputs = inputsOf(name, framework);
      const unweighted = fl.loss(name, { framework, reduction: 'none' }) as Loss;
      const values = unweighted(inputs) as OutputTensor; // per-sample values, unweighted
      const K = 2;
      const w = Float32Array.from({ length: K * values.data.length }, (_, i) => 0.25 + ((i * 7) % 5) / 4);
      const sampleWeight = { data: w, shape: [K, ...values.shape] };
      for (const reduction of ['sum_over_batch_size', 'sum', 'mean_with_sample_weight', 'none']) {
        const where = `${name} ${reduction}`;
        const loss = fl.loss(name, { framework, reduction }) as Loss;
        const want = kerasReduce(values.data, w, K, reduction);
        const got = loss({ ...inputs, sampleWeight });
        if (reduction === 'none') {
          expect((got as OutputTensor).shape, where).toEqual([K, ...values.shape]);
          expectClose((got as OutputTensor).data, want.value as number[], where);
        } else expectClose(got as number, want.value as number, where);
        // the gradient: each per-sample value's factor (Σ of its weights times the reduction's), through 'none'
        const { grad } = loss.withGrad({ ...inputs, sampleWeight });
        const reference = unweighted.withGrad(inputs, { gradOutput: { data: Float32Array.from(want.factors), shape: values.shape } }).grad;
        for (const [k, g] of Object.entries(reference)) expectClose(grad[k]!.data, g.data, `${where} grad.${k}`);
        // and streamed: one accumulator over the whole batch is the call
        // (except a value over the whole batch, Dice's and Tversky's default axis null: batches cannot add it up,
        // and an accumulator refuses it: test/overlap.test.ts)
        if (reduction !== 'none' && values.shape.length > 0) expectClose(loss.accumulator().update({ ...inputs, sampleWeight }).result() as number, got as number, `${where} accumulator`);
      }
      count++;
    }
    expect(count).toBe(22); // every Keras loss
  });
});
