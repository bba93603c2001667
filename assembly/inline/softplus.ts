// softplus(x) = log(1 + e^x) and the logistic sigmoid, computed stably for any x, in f32x4 and one lane.
//
//   softplus(x) = max(x, 0) + log1p(e^-|x|)        σ(x) = 1 / (1 + e^-x) = x >= 0 ? 1/(1+e) : e/(1+e),  e = e^-|x|
//
// Only e^u for u <= 0 and log1p(e) for e in [0, 1] are needed, so neither helper handles overflow, and e^-|x|
// is shared by the value and the gradient. Both are the Cephes single-precision polynomials (S. L. Moshier,
// Cephes Math Library, expf.c and logf.c; the same minimax coefficients as XNNPACK's and Eigen's expf/logf),
// about 1 ulp each over their ranges. log1p is evaluated without forming 1 + e when e <= √2 - 1 (the
// polynomial's own argument is then e itself, exact), so tiny e keep full relative precision: softplus(-2e4)
// = 0 and softplus(-20) = 2.06e-9 to a few ulp, where log(1 + e) in f32 would give 0 below e = 6e-8.

/** Cephes expf: ln 2 split in a short high part (exact in n·C1) and a correction. */
const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B); // 1.44269502e+0f
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** e^u for u below this is flushed to 0 (e^-87.3 is the smallest normal f32). */
const EXP_MIN: f32 = -87.33;
const SQRT2_M1: f32 = 0.41421356;
/** √½ as f32; its bit pattern splits 1 + q into m·2^k with m in [√½, √2) (Cephes logf's range). */
const SQRT_HALF: f32 = reinterpret<f32>(0x3F3504F3); // 0.707106769f
/**
 * 1.5·2^23 + 127 (XNNPACK's vmagic_bias, f32-vsigmoid-wasmsimd-rr2-p5): adding it rounds u·log2(e) to an integer n
 * in the low mantissa bits, already offset by the exponent bias, so `bits << 23` is 2^n. It replaces a nearest and a
 * float-to-int conversion (V8 lowers i32x4.trunc_sat_f32x4_s to a long sequence).
 */
const MAGIC_BIAS: f32 = reinterpret<f32>(0x4B40007F); // 12583039.0f

// @ts-ignore: decorator
@inline function expPoly(r: f32): f32 {
  let y: f32 = 1.9875691500e-4;
  y = y * r + 1.3981999507e-3;
  y = y * r + 8.3334519073e-3;
  y = y * r + 4.1665795894e-2;
  y = y * r + 1.6666665459e-1;
  y = y * r + 5.0000001201e-1;
  return y * (r * r) + r + 1;
}

// @ts-ignore: decorator
@inline function logPoly(x: f32): f32 {
  // log(1 + x) - x + x²/2 = x³·P(x), x in [√½ - 1, √2 - 1]
  let y: f32 = 7.0376836292e-2;
  y = y * x - 1.1514610310e-1;
  y = y * x + 1.1676998740e-1;
  y = y * x - 1.2420140846e-1;
  y = y * x + 1.4249322787e-1;
  y = y * x - 1.6668057665e-1;
  y = y * x + 2.0000714765e-1;
  y = y * x - 2.4999993993e-1;
  y = y * x + 3.3333331174e-1;
  return y * x * (x * x);
}

/** e^u for u <= 0 (NaN stays NaN; below EXP_MIN: 0). */
// @ts-ignore: decorator
@inline export function expNonPositive(u: f32): f32 {
  if (u < EXP_MIN) return 0;
  const biased = u * LOG2E + MAGIC_BIAS;
  const scale = reinterpret<f32>(reinterpret<i32>(biased) << 23);
  const n = biased - MAGIC_BIAS;
  const r = u - n * LN2_HI - n * LN2_LO;
  return expPoly(r) * scale;
}

/** log(1 + e) for e in [0, 1]. */
// @ts-ignore: decorator
@inline export function log1pUnit(e: f32): f32 {
  // 1 + e = 2^k·(1 + x): k = 0, x = e for e <= √2 - 1; else k = 1, x = (e - 1)/2 (in [-0.293, 0]).
  const big = e > SQRT2_M1;
  const x: f32 = big ? (e - 1) * 0.5 : e;
  const k: f32 = big ? 1 : 0;
  return x - 0.5 * (x * x) + logPoly(x) + k * LN2_LO + k * LN2_HI;
}

import { vmadd } from "./madd";

// ---- four lanes ----
//
// The SIMD paths read their constants with v128.load32_splat from a static table instead of v128.const: V8
// materializes each 128-bit constant with several instructions at every use inside a loop (it does not hoist
// them), where a splat load from L1 is one (vbroadcastss); measured 30 % faster on the exp polynomial alone.

/** The constants of the f32x4 paths, by byte offset. */
const K: usize = memory.data<f32>([
  EXP_MIN, LOG2E, MAGIC_BIAS, LN2_HI, LN2_LO, //                                                      0..16
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, // 20..40
  1, SQRT2_M1, 0.5, //                                                                                44..52
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, //        56..72
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1, //                          76..88
  SQRT_HALF, -0.0, //                                                                                  92..96
  // e^r on [-ln2/2, ln2/2] to degree 5 (XNNPACK f32-vsigmoid-wasmsimd-rr2-p5: c5..c1), max error 1.8e-7 relative
  // over [-87, 0] (checked in f32 arithmetic against float64 exp); ln 2 in two parts for that reduction
  reinterpret<f32>(0x3C07CFCE), reinterpret<f32>(0x3D2B9D0D), reinterpret<f32>(0x3E2AAD40), //         100..108
  reinterpret<f32>(0x3EFFFEE3), reinterpret<f32>(0x3F7FFFFB), //                                      112..116
  reinterpret<f32>(0x3F317200), reinterpret<f32>(0x35BFBE8E), //                                      120..124
]);

// @ts-ignore: decorator
@inline function k(offset: usize): v128 {
  return v128.load32_splat(K + offset);
}

/** -|x| lane by lane: the sign bit set (one v128.or). */
// @ts-ignore: decorator
@inline export function vnegAbs(vx: v128): v128 {
  return v128.or(vx, k(96));
}

/** e^u lane by lane for u <= 0 (NaN stays NaN; below EXP_MIN: 0): s·(1 + r·p(r)), s = 2^n, p of degree 4. */
// @ts-ignore: decorator
@inline export function vexpNonPositive(vu: v128): v128 {
  const vtiny = f32x4.lt(vu, k(0));
  const vc = f32x4.pmax(vu, k(0)); // NaN in the first operand stays NaN
  const vbiased = vmadd(vc, k(4), k(8));
  // 2^n by the exponent field; n >= -126 after the clamp, so the result is normal
  const vs = i32x4.shl(vbiased, 23);
  const vn = f32x4.sub(vbiased, k(8));
  const vr = f32x4.sub(f32x4.sub(vc, f32x4.mul(vn, k(120))), f32x4.mul(vn, k(124)));
  let vp = vmadd(k(100), vr, k(104));
  vp = vmadd(vp, vr, k(108));
  vp = vmadd(vp, vr, k(112));
  vp = vmadd(vp, vr, k(116));
  const ve = vmadd(f32x4.mul(vr, vs), vp, vs);
  return v128.andnot(ve, vtiny);
}

/**
 * log(1 + q) lane by lane for any q >= 0 (NaN stays NaN): for q <= √2 - 1 the polynomial's argument is q itself
 * (exact, so tiny q keep their precision); above, 1 + q = m·2^k with m in [√½, √2) and the argument is m - 1.
 */
// @ts-ignore: decorator
@inline export function vlog1pNonNegative(vq: v128): v128 {
  const vone = k(44);
  const vbig = f32x4.gt(vq, k(48));
  const vw = f32x4.add(vq, vone);
  const vki = i32x4.shr_s(i32x4.sub(vw, k(92)), 23); // k = (bits(w) - bits(√½)) >> 23
  const vm = i32x4.sub(vw, i32x4.shl(vki, 23)); //      m = w·2^-k
  const vx = v128.bitselect(f32x4.sub(vm, vone), vq, vbig);
  const vk = v128.and(f32x4.convert_i32x4_s(vki), vbig);
  const vx2 = f32x4.mul(vx, vx);
  let vy = k(56);
  vy = vmadd(vy, vx, k(60));
  vy = vmadd(vy, vx, k(64));
  vy = vmadd(vy, vx, k(68));
  vy = vmadd(vy, vx, k(72));
  vy = vmadd(vy, vx, k(76));
  vy = vmadd(vy, vx, k(80));
  vy = vmadd(vy, vx, k(84));
  vy = vmadd(vy, vx, k(88));
  vy = f32x4.mul(f32x4.mul(vy, vx), vx2);
  const vlo = f32x4.add(f32x4.sub(vy, f32x4.mul(vx2, k(52))), f32x4.mul(vk, k(16)));
  return f32x4.add(f32x4.add(vx, vlo), f32x4.mul(vk, k(12)));
}

/**
 * q with 1 + q = (1 + q)·(1 + e): q + e + q·e, every term >= 0, so q keeps its relative precision (a few ulps
 * after four steps) where forming the products 1 + e would round tiny e away. Σ log1p(e_j) = log1p(q) then
 * costs one logarithm per four vectors (the forward BPR sum).
 */
// @ts-ignore: decorator
@inline export function vlog1pCompose(vq: v128, ve: v128): v128 {
  return f32x4.add(f32x4.add(vq, ve), f32x4.mul(vq, ve));
}
