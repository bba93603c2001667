/**
 * The row engine (src/engines/rows.ts) on every path a row loss can take, against the float64 references of
 * src/reference/crossentropy.ts: class-axis and batch tails 1..33 (the 16-wide, 4-wide and scalar loops of the
 * contiguous kernel, the 4-position lanes and the scalar tail of the strided one), blocks of whole slabs and
 * partial inner ranges of the scratch region, rows wider than the region, tensors read in place, ordinary
 * arrays streamed, and the two mixed, with the gradient into new arrays and into a caller's tensor; and the plain-JS
 * twin of the sparse softmax kernel (the plain-js path implementation) on the same cases.
 */

import { describe, expect, it } from 'vitest';
import { torchCrossEntropy, torchNll, kerasCategorical, kerasSparse, type RefResult } from '../src/reference/crossentropy.js';
import type { FastLoss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { CHUNK } from '../src/wasm.js';
import { expectClose, IMPLEMENTATIONS, instance, rng, uniform } from './helpers.js';

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const refValues = (r: RefResult) => (typeof r.value === 'number' ? [r.value] : Array.from(r.value.data));

function labels(n: number, C: number, seed: number, ignore?: number): Int32Array {
  const r = rng(seed);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.floor(r() * C);
  if (ignore !== undefined && n > 2) y[1] = ignore;
  return y;
}

function probabilities(shape: number[], seed: number): Float32Array {
  // positive rows along axis 1 (torch) normalised to 1
  const C = shape.length === 1 ? shape[0]! : shape[1]!;
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  const outer = shape.length === 1 ? 1 : shape[0]!;
  const p = uniform(outer * C * inner, seed, 0.01, 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += p[(o * C + c) * inner + i]!;
      for (let c = 0; c < C; c++) p[(o * C + c) * inner + i] = Math.fround(p[(o * C + c) * inner + i]! / s);
    }
  }
  return p;
}

/** Checks one torch case on three paths: streamed, in place (pred and labels as tensors), mixed with `out`. */
function torchCase(fl: FastLoss, shape: number[], kind: 'sparse' | 'dense' | 'nll', reduction: 'mean' | 'sum' | 'none', seed: number, opts: { weight?: boolean; ls?: number } = {}): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const C = shape.length === 1 ? shape[0]! : shape[1]!;
  const rowShape = shape.length === 1 ? [] : [shape[0]!, ...shape.slice(2)];
  const rows = rowShape.reduce((a, b) => a * b, 1);
  const pred = uniform(n, seed, -4, 4);
  const weight = opts.weight === true ? uniform(C, seed + 1, 0.2, 2) : undefined;
  const target = kind === 'dense' ? probabilities(shape, seed + 2) : labels(rows, C, seed + 3, -100);
  const tShape = kind === 'dense' ? shape : rowShape;
  const options = { reduction, ...(weight ? { weight } : {}), ...(opts.ls !== undefined && kind !== 'nll' ? { labelSmoothing: opts.ls } : {}) };
  const loss = fl.loss(kind === 'nll' ? 'NLLLoss' : 'CrossEntropyLoss', options);
  const ref =
    kind === 'nll'
      ? torchNll(pred, shape, target, { reduction, ...(weight ? { weight } : {}) })
      : torchCrossEntropy(pred, shape, target, tShape, { reduction, ...(weight ? { weight } : {}), labelSmoothing: opts.ls ?? 0 });
  const label = `${kind} [${shape}] ${reduction} ${JSON.stringify(opts)}`;
  const inputs = { pred: { data: pred, shape }, target: { data: target, shape: tShape } };
  expectClose(values(loss(inputs)), refValues(ref), `${label} value (streamed)`);
  const g = loss.withGrad(inputs);
  expectClose(values(g.value), refValues(ref), `${label} withGrad value (streamed)`);
  expectClose(g.grad.pred!.data, ref.grad, `${label} grad (streamed)`);
  // number[] data: converted block by block as it streams in (no whole float32 copy)
  const numbers = { pred: { data: Array.from(pred), shape }, target: { data: Array.from(target), shape: tShape } };
  expectClose(values(loss(numbers)), refValues(ref), `${label} value (number[])`);
  expectClose(loss.withGrad(numbers).grad.pred!.data, ref.grad, `${label} grad (number[])`);

  // in place: pred a float32 tensor, labels an int32 tensor (or the dense target a float32 tensor)
  const tp = fl.tensor(shape);
  tp.data.set(pred);
  const tt = fl.tensor(tShape, kind === 'dense' ? 'float32' : 'int32');
  tt.data.set(target);
  const gp = loss.withGrad({ pred: tp, target: tt });
  expectClose(values(gp.value), refValues(ref), `${label} value (in place)`);
  expectClose(gp.grad.pred!.data, ref.grad, `${label} grad (in place)`);
  // mixed: pred in place, target streamed, gradient into a tensor
  const out = fl.tensor(shape);
  loss.withGrad({ pred: tp, target: inputs.target }, { out: { pred: out } });
  expectClose(out.data, ref.grad, `${label} grad (mixed, into a tensor)`);
  out.free();
  tt.free();
  tp.free();
}

const TAILS = Array.from({ length: 33 }, (_, i) => i + 1);

describe.each(IMPLEMENTATIONS)('row engine, PyTorch losses: $label', (impl) => {
  it('class-axis tails 1..33 and batch tails 1..33 (contiguous rows)', async () => {
    const fl = await instance(impl);
    for (const C of TAILS) torchCase(fl, [3, C], 'sparse', 'none', C);
    for (const N of TAILS) torchCase(fl, [N, 7], 'sparse', 'mean', 100 + N, { weight: true, ls: 0.1 });
    for (const C of [1, 2, 5, 16, 17, 33]) {
      torchCase(fl, [4, C], 'dense', 'none', 200 + C, { weight: true, ls: 0.2 });
      torchCase(fl, [4, C], 'nll', 'sum', 300 + C, { weight: true });
      torchCase(fl, [4, C], 'sparse', 'sum', 400 + C, { ls: 0.3 });
    }
    torchCase(fl, [9], 'sparse', 'none', 5);
    torchCase(fl, [9], 'dense', 'mean', 6);
  });

  it('strided class axis: inner tails 1..33 (16-position and 4-position lanes, scalar tail), with ignored labels', async () => {
    const fl = await instance(impl);
    for (const inner of TAILS) torchCase(fl, [2, 3, inner], 'sparse', 'none', 40 + inner, { weight: true, ls: 0.2 });
    for (let inner = 1; inner <= 9; inner++) {
      torchCase(fl, [2, 5, inner], 'sparse', 'none', inner, { weight: true, ls: 0.1 });
      torchCase(fl, [3, 4, 1, inner], 'sparse', 'mean', 10 + inner);
      torchCase(fl, [2, 3, inner], 'dense', 'sum', 20 + inner, { ls: 0.1 });
      torchCase(fl, [2, 6, inner], 'nll', 'mean', 30 + inner, { weight: true });
    }
  });

  it('blocks of the scratch region: many slabs, partial inner ranges, rows wider than a slot and than the region', async () => {
    const fl = await instance(impl);
    const big = impl.build !== 'debug';
    torchCase(fl, [3000, 7], 'sparse', 'mean', 1, { weight: true });
    torchCase(fl, [2, 21, 40, 50], 'sparse', 'none', 2, { ls: 0.1 }); // 42·2000 floats: partial inner ranges
    torchCase(fl, [2, 21, 40, 50], 'dense', 'mean', 3);
    torchCase(fl, [3, CHUNK + 5], 'sparse', 'sum', 4);
    if (big) {
      torchCase(fl, [2, 3 * CHUNK], 'dense', 'mean', 5, { ls: 0.1 }); // three wide operands of 3·CHUNK: own block
      torchCase(fl, [1, 4, 3 * CHUNK], 'sparse', 'mean', 6);
    }
  });

  it('wasm memory stays flat for streamed inputs', async () => {
    const fl = await instance(impl);
    const loss = fl.loss('CrossEntropyLoss');
    const pred = uniform(2 * 21 * 40 * 50, 9);
    const target = { data: labels(4000, 21, 9), shape: [2, 40, 50] };
    loss.withGrad({ pred: { data: pred, shape: [2, 21, 40, 50] }, target });
    const bytes = fl.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) loss.withGrad({ pred: { data: pred, shape: [2, 21, 40, 50] }, target });
    expect(fl.memory.buffer.byteLength).toBe(bytes);
  });
});

describe.each(IMPLEMENTATIONS)('row engine, Keras losses: $label', (impl) => {
  it('CategoricalCrossentropy and SparseCategoricalCrossentropy over class and batch tails, both forms, any axis', async () => {
    const fl = await instance(impl);
    for (const fromLogits of [true, false]) {
      for (const C of [1, 2, 3, 4, 5, 15, 16, 17, 33]) {
        const shape = [5, C];
        const pred = fromLogits ? uniform(5 * C, C, -4, 4) : probabilities([5, C], C);
        const onehot = new Float32Array(5 * C);
        const y = labels(5, C, C);
        for (let r = 0; r < 5; r++) onehot[r * C + y[r]!] = 1;
        for (const reduction of ['sum_over_batch_size', 'none'] as const) {
          const cce = fl.loss('cce', { fromLogits, reduction, labelSmoothing: 0.1 });
          const ref = kerasCategorical(pred, onehot, shape, { fromLogits, reduction, labelSmoothing: 0.1 });
          const g = cce.withGrad({ pred: { data: pred, shape }, target: { data: onehot, shape } });
          expectClose(values(g.value), refValues(ref), `cce C=${C} ${fromLogits} ${reduction} value`);
          expectClose(g.grad.pred!.data, ref.grad, `cce C=${C} ${fromLogits} ${reduction} grad`);
          const scce = fl.loss('scce', { fromLogits, reduction });
          const refS = kerasSparse(pred, y, shape, { fromLogits, reduction });
          const gs = scce.withGrad({ pred: { data: pred, shape }, target: y });
          expectClose(values(gs.value), refValues(refS), `scce C=${C} ${fromLogits} ${reduction} value`);
          expectClose(gs.grad.pred!.data, refS.grad, `scce C=${C} ${fromLogits} ${reduction} grad`);
        }
      }
      // axis 0 and 1 of a [4, 3, 5] input (strided rows)
      for (const axis of [0, 1, -1]) {
        const shape = [4, 3, 5];
        const pred = fromLogits ? uniform(60, 7 + axis, -3, 3) : uniform(60, 7 + axis, 0.05, 1);
        const target = uniform(60, 8 + axis, 0, 1);
        const cce = fl.loss('cce', { fromLogits, axis });
        const ref = kerasCategorical(pred, target, shape, { fromLogits, axis });
        const g = cce.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
        expectClose(values(g.value), refValues(ref), `cce axis=${axis} ${fromLogits} value`);
        expectClose(g.grad.pred!.data, ref.grad, `cce axis=${axis} ${fromLogits} grad`);
      }
    }
  });
});

// Found by a new user's trial: a Float64Array of at most jsBelow elements reached the plain-JS twin unrounded, so
// it gave the float64 answer where every other form (and the kernels' path) gives the float32-rounded input's.
describe('the plain-JS path rounds a Float64Array to float32 like every other path', () => {
  it('CrossEntropyLoss and Keras CategoricalCrossentropy, [16, 4]: Float64Array = Float32Array = number[], to the bit', async () => {
    const { loadLosses } = await import('../src/index.js');
    const fl = await loadLosses({ build: 'simd' }); // default jsBelow: 64 elements take the plain-JS twin
    const x64 = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 3 + 1e-9 * i);
    const x32 = Float32Array.from(x64);
    const y = Array.from({ length: 16 }, (_, i) => i % 4);
    const probs = Float64Array.from({ length: 64 }, (_, i) => ((i % 4) === (Math.floor(i / 4) % 4) ? 0.7 : 0.1) + 1e-9);
    const ce = fl.loss('CrossEntropyLoss');
    const keras = fl.loss('CategoricalCrossentropy', { fromLogits: true });
    for (const [loss, target] of [[ce, y], [keras, { data: probs, shape: [16, 4] }]] as const) {
      const want = loss({ pred: { data: x32, shape: [16, 4] }, target: target as never }) as number;
      expect(loss({ pred: { data: x64, shape: [16, 4] }, target: target as never })).toBe(want);
      expect(loss({ pred: { data: Array.from(x64), shape: [16, 4] }, target: target as never })).toBe(want);
    }
  });
});
