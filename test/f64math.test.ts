/**
 * The table-free f64 exp and log of assembly/inline/f64math.ts (fdlibm's algorithms), through the exp_f64 and
 * log_f64 test kernels: pairs of lanes through the f64x2 versions (SIMD build), single values through the
 * one-lane versions (scalar build, the SIMD build's fallback for pairs outside the f64x2 domain and its tails).
 * Measured in ulps of the float64 result against V8's Math.exp / Math.log (fdlibm's code too, with exp's last
 * step rounded in another order), over a stride through the float64 bit patterns of each function's range, plus
 * the special values: two results each under 1 ulp of the true value are at most 1 ulp apart.
 */

import { describe, expect, it } from 'vitest';
import '../src/debug.js';
import type { Runtime } from '../src/wasm.js';
import { instantiateTesting, probeKernel } from './testing-build.js';

/** Distance in representable doubles between a and b (0 for equal values, both NaN, or ±0). */
function ulps(a: number, b: number): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  // map the sign-magnitude bit patterns onto a line
  const line = (x: bigint) => (x < 0n ? -(x & 0x7fffffffffffffffn) : x);
  const d = line(bits[0]!) - line(bits[1]!);
  return Number(d < 0n ? -d : d);
}

/** n doubles spread over [lo, hi] by bit pattern (so every binade gets its share), then the specials. */
function spread(lo: number, hi: number, n: number, specials: number[]): Float64Array {
  const x = new Float64Array(n + specials.length);
  const b = new BigInt64Array(new Float64Array([lo, hi]).buffer);
  const [blo, bhi] = [b[0]!, b[1]!];
  const step = (bhi - blo) / BigInt(n - 1);
  const out = new BigInt64Array(x.buffer, 0, n);
  for (let i = 0; i < n; i++) out[i] = blo + BigInt(i) * step + BigInt(i % 7);
  x.set(specials, n);
  return x;
}

function run(rt: Runtime, kernel: string, xs: Float64Array): Float64Array {
  const src = rt.heap.alloc(xs.length * 8);
  const dst = rt.heap.alloc(xs.length * 8);
  new Float64Array(rt.memory.buffer, src, xs.length).set(xs);
  probeKernel(rt, kernel)(xs.length, src, dst);
  const out = new Float64Array(rt.memory.buffer, dst, xs.length).slice();
  rt.heap.free(src);
  rt.heap.free(dst);
  return out;
}

const LOG_SPECIALS = [0, -0, -1, -Infinity, Infinity, NaN, 1, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, 0.7071067811865476, 1.4142135623730951];
const EXP_SPECIALS = [0, -0, NaN, Infinity, -Infinity, 708, -708, 708.0000000000001, 709.782712893384, 709.7827128933841, -745.1332191019411,
  -745.1332191019412, -740, 3.725290298461914e-9, -3.725290298461914e-9, 1e-300, 0.34657359027997264, -0.34657359027997264, 1];

describe.each(['simd', 'scalar', 'debug'] as const)('f64 exp and log: %s build', (build) => {
  it('log: within 1 ulp of Math.log on (0, max] by bit pattern (denormals included), exact specials', async () => {
    const rt = await instantiateTesting(build);
    // the negatives, a NaN and an odd count: the SIMD build's pairs, its one-lane fallback and its tail
    const xs = spread(5e-324, Number.MAX_VALUE, build === 'debug' ? 20001 : 400001, LOG_SPECIALS);
    const got = run(rt, 'log_f64', xs);
    let exact = 0;
    for (let i = 0; i < xs.length; i++) {
      const e = ulps(got[i]!, Math.log(xs[i]!));
      if (e === 0) exact++;
      else if (e > 1) expect.fail(`log(${xs[i]}) = ${got[i]}, Math.log ${Math.log(xs[i]!)}: ${e} ulps`);
    }
    // the same algorithm as V8's: all but a handful of results agree to the bit
    expect(exact / xs.length).toBeGreaterThan(0.999);
    const special = got.subarray(xs.length - LOG_SPECIALS.length);
    LOG_SPECIALS.forEach((x, i) => expect(Object.is(special[i], Math.log(x)) || ulps(special[i]!, Math.log(x)) === 0, `log(${x})`).toBe(true));
  });

  it('exp: within 1 ulp of Math.exp on [-746, 710] by bit pattern (denormal results included), specials', async () => {
    const rt = await instantiateTesting(build);
    const neg = spread(-746, -1e-300, build === 'debug' ? 10001 : 200001, []);
    const pos = spread(1e-300, 710, build === 'debug' ? 10000 : 200000, EXP_SPECIALS);
    const xs = new Float64Array(neg.length + pos.length);
    xs.set(neg);
    xs.set(pos, neg.length);
    const got = run(rt, 'exp_f64', xs);
    for (let i = 0; i < xs.length; i++) {
      const want = Math.exp(xs[i]!);
      const e = ulps(got[i]!, want);
      if (e > 1) expect.fail(`exp(${xs[i]}) = ${got[i]}, Math.exp ${want}: ${e} ulps`);
    }
    const special = got.subarray(xs.length - EXP_SPECIALS.length);
    EXP_SPECIALS.forEach((x, i) => expect(ulps(special[i]!, Math.exp(x)), `exp(${x}) = ${special[i]}`).toBeLessThanOrEqual(x === 1 ? 1 : 0));
  });
});
