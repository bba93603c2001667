/**
 * CTC test cases shared by the suites: random log-probabilities (log_softmax of uniform logits), random
 * targets with repeats, and the tolerance exception of the logits-form gradient.
 */

import { expect } from 'vitest';
import { rng, TOL } from './helpers.js';

/**
 * Tolerance exception (the package's bound is max(1e-6·|ref|, 1e-6·max|ref|)): the logits-form gradient
 * s_n·(exp(lp) - posterior) is a difference of two terms of size up to |s_n| that cancel where the model is
 * nearly certain (T = 1, or one alignment): its error is that of the f32 posterior, 1e-7 of |s_n|, however small
 * the difference. It is held to 1e-6·max(max|ref|, max|s_n|) instead. The true gradient (the default) meets the
 * package's bound.
 */
export function expectLogitsGradClose(got: ArrayLike<number>, want: ArrayLike<number>, scales: number[], label: string): void {
  let scale = Math.max(...scales.map(Math.abs));
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (Number.isNaN(b)) expect(Number.isNaN(a), `${label}: at ${i}: got ${a}, want NaN`).toBe(true);
    else if (!(Math.abs(a - b) <= TOL * scale)) expect.fail(`${label}: at ${i}: got ${a}, want ${b} (tol ${TOL * scale})`);
  }
}

export interface CtcCase {
  label: string;
  T: number;
  N: number;
  C: number;
  blank: number;
  logProbs: Float32Array;
  targets: number[][];
  inputLengths: number[];
}

/** log_softmax of uniform logits (spread `spread`), as float32. */
export function randomLogProbs(T: number, N: number, C: number, seed: number, spread = 4): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(T * N * C);
  for (let row = 0; row < T * N; row++) {
    let m = -Infinity;
    const x = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      x[c] = spread * (2 * r() - 1);
      m = Math.max(m, x[c]!);
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[c]! - m);
    for (let c = 0; c < C; c++) out[row * C + c] = x[c]! - m - Math.log(s);
  }
  return out;
}

/** A random target of length L over classes != blank, with repeats when `repeats`. */
export function randomTarget(L: number, C: number, blank: number, r: () => number, repeats = true): number[] {
  const out: number[] = [];
  for (let i = 0; i < L; i++) {
    if (repeats && i > 0 && r() < 0.25) out.push(out[i - 1]!);
    else {
      let c = Math.floor(r() * (C - 1));
      if (c >= blank) c++;
      out.push(c);
    }
  }
  return out;
}

export function makeCase(label: string, T: number, N: number, C: number, blank: number, seed: number, opts: { lengths?: 'full' | 'random'; maxL?: number; infeasible?: boolean } = {}): CtcCase {
  const r = rng(seed * 7 + 1);
  const logProbs = randomLogProbs(T, N, C, seed);
  const targets: number[][] = [];
  const inputLengths: number[] = [];
  for (let n = 0; n < N; n++) {
    const Tn = opts.lengths === 'full' ? T : Math.max(1, Math.floor(T * (0.5 + 0.5 * r())));
    const maxL = Math.min(opts.maxL ?? Math.floor(T / 2), Math.floor(Tn / 2));
    let L = Math.floor(r() * (maxL + 1));
    if (opts.infeasible && n === 0) L = Tn + 1;
    if (n === N - 1 && N > 1) L = 0; // an empty target
    targets.push(randomTarget(L, C, blank, r));
    inputLengths.push(Tn);
  }
  return { label, T, N, C, blank, logProbs, targets, inputLengths };
}

export const CASES: CtcCase[] = [
  makeCase('T=1 N=1 C=2', 1, 1, 2, 0, 1),
  makeCase('T=5 N=3 C=4 blank 0', 5, 3, 4, 0, 2),
  makeCase('T=12 N=4 C=6 blank last', 12, 4, 6, 5, 3),
  makeCase('T=20 N=5 C=7 blank middle', 20, 5, 7, 3, 4),
  makeCase('T=33 N=3 C=5 repeats', 33, 3, 5, 0, 5, { maxL: 16 }),
  makeCase('T=50 N=4 C=29 full lengths', 50, 4, 29, 0, 6, { lengths: 'full', maxL: 20 }),
  makeCase('T=17 N=3 C=6 infeasible sample', 17, 3, 6, 0, 7, { infeasible: true }),
  makeCase('T=200 N=2 C=40 long', 200, 2, 40, 0, 8, { lengths: 'full', maxL: 50 }),
];

/** The padded [N, S] form of the targets (pad value 1 or blank+1: ignored). */
export function padded(c: CtcCase): { data: Int32Array; shape: number[] } {
  const S = Math.max(1, ...c.targets.map((t) => t.length));
  const data = new Int32Array(c.N * S).fill(c.blank === 0 ? 1 : 0);
  c.targets.forEach((t, n) => data.set(t, n * S));
  return { data, shape: [c.N, S] };
}

