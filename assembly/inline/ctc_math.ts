// exp for the CTC kernel (assembly/ctc.ts), four lanes at a time. To be unified with the cross-entropy
// family's helpers.
//
// vexp: Cody-Waite range reduction with ln 2 split in two (C1 = 0.693359375 exact in 9 bits, C2 = ln 2 - C1),
// n = round(x·log2 e), r = x - n·C1 - n·C2 (|r| <= ln2/2), and Cephes expf's polynomial
// e^r ≈ 1 + r + r²·P5(r) (degree 7 in all; Cephes math library, S. L. Moshier, expf.c). Measured: at most 0.97 ulp
// of the float32 result against Math.exp of the f32 input (4M inputs each over [-104, 89], [-1, 1], [-87.5, -86]
// and [-20, 0], normal results). 2^n is applied as two factors 2^(n>>1)·2^(n-(n>>1)) so that every n from the
// clamped range [-110, 89] (n in [-159, 128]) is two normal powers of two: denormal results round as the
// hardware rounds them, exp(-inf) and anything below -104 is exactly 0, exp(x > 88.72) is +inf. NaN stays NaN
// (pmin/pmax keep a NaN first operand).

const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const LO: f32 = -110;
const HI: f32 = 89;

/** e^x in each lane (see the header). */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(HI)), f32x4.splat(LO));
  const fn = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(C1)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(C2)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const n = i32x4.trunc_sat_f32x4_s(fn);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** The exponent e of a positive normal float x (2^e <= x < 2^(e+1)); garbage for 0, denormals, inf, NaN. */
// @ts-ignore: decorator
@inline export function exponentOf(x: f32): i32 {
  return ((reinterpret<i32>(x) >>> 23) & 0xff) - 127;
}

/** 2^e as a float, for -126 <= e <= 127. */
// @ts-ignore: decorator
@inline export function pow2(e: i32): f32 {
  return reinterpret<f32>((e + 127) << 23);
}
