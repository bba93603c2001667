/**
 * The exp and log helpers of assembly/inline/exp.ts, measured in ulps of the float32 result against Math.exp /
 * Math.log of the float32 input, over the whole float32 range: a stride through every bit pattern (normals,
 * denormals, both signs) plus ±0, ±inf, NaN and the edges of each helper's domain, in the SIMD build (4-lane
 * body, one-lane tail) and the scalar build (one-lane twins). The bounds asserted are the ones the header of
 * exp.ts states.
 */

import { describe, expect, it } from 'vitest';
import type { Runtime } from '../src/wasm.js';
import { instantiateTesting, probeKernel } from './testing-build.js';

/** One ulp of float32 at the (float64) value e: the spacing of floats of e's binade; 2^-149 in the denormals. */
function ulp(e: number): number {
  const a = Math.abs(e);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 1, -1, 0.5, 2, 3.4028234663852886e38, -3.4028234663852886e38,
  88.72283935546875, 88.7228317, 89, -87.33654022216797, -87.3365, -103.97208404541016, -104, 1e-7, 0.99999988];

/** Every 4099th float32 bit pattern (about a million values over all classes), then the specials. */
function inputs(): Float32Array {
  const n = Math.floor(2 ** 32 / 4099);
  const bits = new Uint32Array(n + SPECIALS.length);
  for (let i = 0; i < n; i++) bits[i] = (i * 4099 + 7) >>> 0;
  const x = new Float32Array(bits.buffer);
  x.set(SPECIALS, n);
  return x;
}

interface Measured {
  worst: number;
  at: number;
}

/** Runs kernel(n, src, dst) over the inputs in [lo, hi] and returns the largest error in ulps. */
function measure(rt: Runtime, kernel: string, ref: (x: number) => number, lo: number, hi: number): Measured {
  const all = inputs();
  const xs = all.filter((x) => Number.isNaN(x) || (x >= lo && x <= hi));
  const src = rt.heap.alloc(xs.length * 4);
  const dst = rt.heap.alloc(xs.length * 4);
  rt.f32().set(xs, src >> 2);
  probeKernel(rt, kernel)(xs.length, src, dst);
  const out = rt.f32().slice(dst >> 2, (dst >> 2) + xs.length);
  rt.heap.free(src);
  rt.heap.free(dst);
  let worst = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const e = ref(x);
    const r = out[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(r)) expect.fail(`${kernel}(${x}) = ${r}, want NaN`);
      continue;
    }
    const rounded = Math.fround(e);
    if (!Number.isFinite(rounded)) {
      if (r !== rounded) expect.fail(`${kernel}(${x}) = ${r}, want ${rounded}`);
      continue;
    }
    // A NaN or infinite result where the float32 reference is finite fails here, naming the input: folded into
    // the running worst it would be a NaN error, which every later element overwrites.
    if (!Number.isFinite(r)) expect.fail(`${kernel}(${x}) = ${r}, want ${rounded}`);
    const err = Math.abs(r - e) / ulp(e);
    if (err > worst) {
      worst = err;
      at = x;
    }
  }
  return { worst, at };
}

describe.each(['relaxed', 'simd', 'scalar'] as const)('exp and log in ulps: %s build', (build) => {
  it('vexp: < 1 ulp over [-104, 89] and beyond (denormal results included; 0 below, +inf above, NaN)', async () => {
    const rt = await instantiateTesting(build);
    const m = measure(rt, 'exp_f32', Math.exp, -Infinity, Infinity);
    expect(m.worst, `worst at x = ${m.at}`).toBeLessThan(1);
  });

  it('vexpneg: < 2.5 ulp over [-87.34, 0]; flushes to 0 below, NaN stays NaN', async () => {
    const rt = await instantiateTesting(build);
    const m = measure(rt, 'expneg_f32', Math.exp, -87.33654, 0);
    expect(m.worst, `worst at x = ${m.at}`).toBeLessThan(2.5);
    // below the cutoff: exactly 0 (the result would be a denormal), and -inf → 0; the NaN input measure() always
    // adds stays NaN
    const below = measure(rt, 'expneg_f32', (x) => (Number.isNaN(x) ? NaN : 0), -Infinity, -87.3366);
    expect(below.worst).toBe(0);
  });

  it('vlog: < 1 ulp over (0, +inf] with denormals; log(±0) = -inf, log(x < 0) = log(NaN) = NaN', async () => {
    const rt = await instantiateTesting(build);
    const m = measure(rt, 'log_f32', Math.log, -Infinity, Infinity);
    expect(m.worst, `worst at x = ${m.at}`).toBeLessThan(1);
  });

  it('vlog1p: < 1.5 ulp over [0, 1]', async () => {
    const rt = await instantiateTesting(build);
    const m = measure(rt, 'log1p_f32', Math.log1p, 0, 1);
    expect(m.worst, `worst at x = ${m.at}`).toBeLessThan(1.5);
  });
});
