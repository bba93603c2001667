/**
 * Binary cross-entropy where each element's loss is tiny and the elements differ by orders of magnitude, with a
 * bound relative to each element (1e-6 of its own float64 reference, computed on the float32-rounded inputs), not
 * to the largest element of the tensor as expectClose's: a rounding correction that is lost or has the wrong sign
 * moves a loss of 1e-6 by a few percent and one of 1e-3 by far less than 1e-6 of the tensor's largest.
 *
 * - Probabilities near the clip edges (docs/semantics.md §2 bce): p log-spaced over [1e-6, 1e-3] with target 0,
 *   where the loss is -log(1 - p) ≈ p and rests on log1m's correction of the rounding of 1 - p
 *   (assembly/probability.ts), and the mirror 1 - p with target 1. Keras clips to [ε, 1 - ε] (ε = 1e-7) and torch
 *   floors each log at -100: neither bites on [1e-6, 1e-3], so both are the plain logarithms there.
 * - Logits at large |x| on the side the target agrees with (x > 0, t = 1 and x < 0, t = 0): the loss is
 *   log1p(e^-|x|) alone, from e^-80 up to 0.31, and rests on vlog1p's correction of the rounding of 1 + e
 *   (assembly/inline/exp.ts); above |x| ≈ 16.6, 1 + e rounds to 1 and the correction is the whole loss. (|x| stays
 *   below 87.3, where the kernels flush e^-|x| to 0: documented in exp.ts, and a relative bound cannot hold there.)
 *
 * Elementwise values ('none', n = 35): the map kernels' 4-wide loop and a one-lane tail of three in the SIMD build,
 * the one-lane loop in the scalar build. Keras per-sample means over rows of 39 elements within 10% of each other
 * (so that a row's mean is as relative as its elements): the sum kernel's 16-wide body, one 4-wide vector and a
 * tail of three. Both builds, past the plain-JS twins (jsBelow 0).
 */

import { describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { kerasBinary, kerasElementwise, torchBinary, torchElementwise, type Pointwise } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';

const REL = 1e-6;
const N = 35;
const ROWS = 12;
const D = 39;

/** n float32 values log-spaced over [lo, hi]. */
function logSpaced(n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

/** rows × D float32 values: row r near the r-th of `rows` log-spaced centres over [lo, hi], up to 10% above it. */
function logSpacedRows(rows: number, lo: number, hi: number): Float32Array {
  const centres = logSpaced(rows, lo, hi);
  return Float32Array.from({ length: rows * D }, (_, k) => centres[Math.floor(k / D)]! * (1 + (0.1 * (k % D)) / (D - 1)));
}

const data = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

/** Every element within REL of its own reference (which is finite and nonzero here), the index and inputs named. */
function expectRelative(got: ArrayLike<number>, want: ArrayLike<number>, label: string, pred: Float32Array, target: Float32Array): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const err = Math.abs(g - w) / Math.abs(w);
    if (!(err <= REL)) expect.fail(`${label}: at i=${i} got ${g}, want ${w} (relative error ${err.toExponential(2)}; pred ${pred[i]}, target ${target[i]})`);
  }
}

interface Case {
  name: string;
  /** The loss as fl.loss takes it. */
  loss: [string, Record<string, unknown>];
  keras: boolean;
  ref: Pointwise;
  /** The elementwise inputs and a [ROWS, D] set for the Keras rows. */
  inputs: () => { pred: Float32Array; target: Float32Array };
  rows?: () => { pred: Float32Array; target: Float32Array };
}

const probsNearZero = () => ({ pred: logSpaced(N, 1e-6, 1e-3), target: new Float32Array(N) });
const probsNearOne = () => {
  const p = probsNearZero().pred;
  return { pred: p.map((x) => 1 - x), target: new Float32Array(N).fill(1) };
};
/** Logits of magnitude log-spaced over [1, 80], alternately x > 0 with t = 1 and x < 0 with t = 0. */
const agreeingLogits = () => {
  const pred = logSpaced(N, 1, 80).map((x, i) => (i % 2 === 0 ? x : -x));
  return { pred, target: pred.map((x) => (x > 0 ? 1 : 0)) };
};

// torch's BCEWithLogitsLoss is written literally in its reference as (1 - t)·x + log1p(e^-|x|) + max(-x, 0), which
// cancels in float64 at x = -80, t = 0 (-80 + (80 + 1.8e-35)); Keras's form max(x, 0) - x·t + log1p(e^-|x|) is
// the same function without the cancellation, and serves as the reference of both.
const CASES: Case[] = [
  { name: 'Keras BinaryCrossentropy, p in [1e-6, 1e-3], target 0', loss: ['BinaryCrossentropy', {}], keras: true, ref: kerasBinary(false), inputs: probsNearZero,
    rows: () => ({ pred: logSpacedRows(ROWS, 1e-6, 1e-3), target: new Float32Array(ROWS * D) }) },
  { name: 'Keras BinaryCrossentropy, 1 - p, target 1', loss: ['BinaryCrossentropy', {}], keras: true, ref: kerasBinary(false), inputs: probsNearOne,
    rows: () => ({ pred: logSpacedRows(ROWS, 1e-6, 1e-3).map((x) => 1 - x), target: new Float32Array(ROWS * D).fill(1) }) },
  { name: 'torch BCELoss, p in [1e-6, 1e-3], target 0', loss: ['BCELoss', {}], keras: false, ref: torchBinary(), inputs: probsNearZero },
  { name: 'torch BCELoss, 1 - p, target 1', loss: ['BCELoss', {}], keras: false, ref: torchBinary(), inputs: probsNearOne },
  { name: 'Keras BinaryCrossentropy from logits, |x| in [1, 80]', loss: ['BinaryCrossentropy', { fromLogits: true }], keras: true, ref: kerasBinary(true), inputs: agreeingLogits,
    rows: () => {
      const pred = logSpacedRows(ROWS, 1, 70).map((x, k) => (Math.floor(k / D) % 2 === 0 ? x : -x));
      return { pred, target: pred.map((x) => (x > 0 ? 1 : 0)) };
    } },
  { name: 'torch BCEWithLogitsLoss, |x| in [1, 80]', loss: ['BCEWithLogitsLoss', {}], keras: false, ref: kerasBinary(true), inputs: agreeingLogits },
];

describe.each(['relaxed', 'simd', 'scalar'] as const)('binary cross-entropy, each element to 1e-6 of itself: %s build', (build) => {
  const fl: Promise<FastLoss> = loadLosses({ build, jsBelow: 0 });

  it.each(CASES)('$name: elementwise values', async (c) => {
    const loss = (await fl).loss(c.loss[0], { ...c.loss[1], reduction: 'none' });
    const { pred, target } = c.inputs();
    // Keras: [N, 1], one element per sample, so each per-sample mean is the element's loss
    const shape = c.keras ? [N, 1] : [N];
    const ref = c.keras ? kerasElementwise(c.ref, pred, target, shape, 'mean', { reduction: 'none' }) : torchElementwise(c.ref, pred, target, shape, 'none');
    const want = (ref.value as { data: Float64Array }).data;
    expectRelative(data(loss({ pred: { data: pred, shape }, target: { data: target, shape } })), want, c.name, pred, target);
  });

  it.each(CASES.filter((c) => c.rows !== undefined))('$name: per-sample means over rows of 39', async (c) => {
    const loss = (await fl).loss(c.loss[0], { ...c.loss[1], reduction: 'none' });
    const { pred, target } = c.rows!();
    const shape = [ROWS, D];
    const want = (kerasElementwise(c.ref, pred, target, shape, 'mean', { reduction: 'none' }).value as { data: Float64Array }).data;
    const firsts = (x: Float32Array) => Float32Array.from({ length: ROWS }, (_, r) => x[r * D]!);
    expectRelative(data(loss({ pred: { data: pred, shape }, target: { data: target, shape } })), want, `${c.name}, rows`, firsts(pred), firsts(target));
  });
});
