/**
 * Shared by the suites: the implementations under test, fixture loading, and the accuracy bound of docs/design.md §8:
 * every element within max(1e-6·|ref|, 1e-6·max|ref over the tensor|) of the float64 reference computed on the
 * float32-rounded inputs; NaN where the reference is NaN, the same infinity where it is infinite.
 */

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import '../src/debug.js'; // IMPLEMENTATIONS includes the debug build
import { loadLosses, LossError, type FastLoss } from '../src/index.js';
import type { Build } from '../src/wasm.js';

/** Each implementation the conformance suites run: the four wasm builds (forced past the JS path) and the JS path. */
export interface Implementation {
  label: string;
  build: Build;
  jsBelow: number;
  threads?: number;
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  // relaxed: 'auto' threads (2 on a 2-core machine: a large call over fl.tensors is split, src/threads.ts); simd:
  // one thread, the path of a browser page and of threads: 1
  { label: 'relaxed', build: 'relaxed', jsBelow: 0 },
  { label: 'simd', build: 'simd', jsBelow: 0, threads: 1 },
  { label: 'scalar', build: 'scalar', jsBelow: 0 },
  { label: 'debug', build: 'debug', jsBelow: 0 },
  { label: 'plain-js path', build: 'simd', jsBelow: Infinity },
];

const instances = new Map<string, Promise<FastLoss>>();

export function instance(impl: Implementation): Promise<FastLoss> {
  let fl = instances.get(impl.label);
  if (fl === undefined) {
    fl = loadLosses({ build: impl.build, jsBelow: impl.jsBelow, ...(impl.threads === undefined ? {} : { threads: impl.threads }) });
    instances.set(impl.label, fl);
  }
  return fl;
}

/** Deterministic float32 data: mulberry32. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n float32 values uniform in [lo, hi). */
export function uniform(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export const TOL = 1e-6;

/**
 * Asserts `got` matches `want` element by element within the docs/design.md §8 bound scaled by `rel` (default 1e-6).
 * The message names the index and the inputs there.
 */
export function expectClose(
  got: ArrayLike<number> | number,
  want: ArrayLike<number> | number,
  label: string,
  inputs: Record<string, ArrayLike<number>> = {},
  rel = TOL,
): void {
  const g = typeof got === 'number' ? [got] : Array.from(got);
  const w = typeof want === 'number' ? [want] : Array.from(want);
  expect(g.length, `${label}: length`).toBe(w.length);
  let scale = 0;
  for (const x of w) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    const at = () =>
      `${label}: at i=${i}/${w.length}${Object.entries(inputs)
        .map(([k, v]) => `, ${k}=${v[i] ?? '-'}`)
        .join('')}: got ${a}, want ${b}`;
    if (Number.isNaN(b)) {
      expect(Number.isNaN(a), at()).toBe(true);
    } else if (!Number.isFinite(b)) {
      expect(a, at()).toBe(b);
    } else {
      const tol = Math.max(rel * Math.abs(b), rel * scale);
      if (!(Math.abs(a - b) <= tol)) expect.fail(`${at()} (|diff| ${Math.abs(a - b)} > tol ${tol})`);
    }
  }
}

// ---- fixtures ----

type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface TorchCase {
  id: string;
  name: string;
  options: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  gradOutput?: FixtureTensor;
  value: number | FixtureTensor;
  grad: Record<string, FixtureTensor>;
}

export interface Fixture {
  producer: string;
  cases: TorchCase[];
}

function decode(x: unknown): unknown {
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decode(v as Encoded)]));
  return x;
}

export function loadFixture(name: string): Fixture {
  const raw = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
  return decode(raw) as Fixture;
}

export function asTensor(t: FixtureTensor): { data: Float32Array; shape: number[] } {
  return { data: Float32Array.from(t.data), shape: t.shape };
}

/** Asserts that `fn` throws a LossError with `code`. */
export function expectLossError(fn: () => unknown, code: string, label = ''): LossError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof LossError)) expect.fail(`${label}: expected a LossError ${code}, got ${String(e)}`);
    expect(e.code, `${label}: ${e.message}`).toBe(code);
    return e;
  }
  return expect.fail(`${label}: expected a LossError ${code}, nothing was thrown`);
}

/** A refusal whole: [code, loss, argument, expected, received] of the LossError `fn` throws (fails if none). */
export function refusal(fn: () => unknown): (string | undefined)[] {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof LossError)) return expect.fail(`expected a LossError, got ${String(e)}`);
    return [e.code, e.loss, e.argument, e.expected, e.received];
  }
  return expect.fail('expected a LossError, nothing was thrown');
}

/**
 * Cases a fast-check property runs: `runs`, or a fifth of it (at least 4) inside `npm run mutate`, where each
 * surviving mutant reruns every property that reaches it (Stryker starts its test workers with
 * STRYKER_MUTATOR_WORKER set). Fewer cases can only let more mutants survive: the score stays a lower bound.
 */
export function propertyRuns(runs: number): number {
  return process.env.STRYKER_MUTATOR_WORKER === undefined ? runs : Math.max(4, Math.ceil(runs / 5));
}
