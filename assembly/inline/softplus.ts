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
  const n = nearest<f32>(u * LOG2E);
  const r = u - n * LN2_HI - n * LN2_LO;
  return expPoly(r) * reinterpret<f32>((<i32>n + 127) << 23);
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

// @ts-ignore: decorator
@inline function vexpPoly(vr: v128): v128 {
  let vy = f32x4.splat(1.9875691500e-4);
  vy = f32x4.add(f32x4.mul(vy, vr), f32x4.splat(1.3981999507e-3));
  vy = f32x4.add(f32x4.mul(vy, vr), f32x4.splat(8.3334519073e-3));
  vy = f32x4.add(f32x4.mul(vy, vr), f32x4.splat(4.1665795894e-2));
  vy = f32x4.add(f32x4.mul(vy, vr), f32x4.splat(1.6666665459e-1));
  vy = f32x4.add(f32x4.mul(vy, vr), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.add(f32x4.mul(vy, f32x4.mul(vr, vr)), vr), f32x4.splat(1));
}

/** e^u lane by lane for u <= 0 (NaN stays NaN; below EXP_MIN: 0). */
// @ts-ignore: decorator
@inline export function vexpNonPositive(vu: v128): v128 {
  const vtiny = f32x4.lt(vu, f32x4.splat(EXP_MIN));
  const vc = f32x4.pmax(vu, f32x4.splat(EXP_MIN)); // NaN in the first operand stays NaN
  const vn = f32x4.nearest(f32x4.mul(vc, f32x4.splat(LOG2E)));
  const vr = f32x4.sub(f32x4.sub(vc, f32x4.mul(vn, f32x4.splat(LN2_HI))), f32x4.mul(vn, f32x4.splat(LN2_LO)));
  // 2^n by the exponent field; n >= -126 after the clamp, so the result is normal
  const vscale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(vn), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(vexpPoly(vr), vscale), vtiny);
}

/** log(1 + e) lane by lane, e in [0, 1] (see log1pUnit). */
// @ts-ignore: decorator
@inline export function vlog1pUnit(ve: v128): v128 {
  const vbig = f32x4.gt(ve, f32x4.splat(SQRT2_M1));
  const vx = v128.bitselect(f32x4.mul(f32x4.sub(ve, f32x4.splat(1)), f32x4.splat(0.5)), ve, vbig);
  const vk = v128.and(vbig, f32x4.splat(1));
  const vx2 = f32x4.mul(vx, vx);
  let vy = f32x4.splat(7.0376836292e-2);
  vy = f32x4.sub(f32x4.mul(vy, vx), f32x4.splat(1.1514610310e-1));
  vy = f32x4.add(f32x4.mul(vy, vx), f32x4.splat(1.1676998740e-1));
  vy = f32x4.sub(f32x4.mul(vy, vx), f32x4.splat(1.2420140846e-1));
  vy = f32x4.add(f32x4.mul(vy, vx), f32x4.splat(1.4249322787e-1));
  vy = f32x4.sub(f32x4.mul(vy, vx), f32x4.splat(1.6668057665e-1));
  vy = f32x4.add(f32x4.mul(vy, vx), f32x4.splat(2.0000714765e-1));
  vy = f32x4.sub(f32x4.mul(vy, vx), f32x4.splat(2.4999993993e-1));
  vy = f32x4.add(f32x4.mul(vy, vx), f32x4.splat(3.3333331174e-1));
  vy = f32x4.mul(f32x4.mul(vy, vx), vx2);
  const vlo = f32x4.add(f32x4.sub(vy, f32x4.mul(vx2, f32x4.splat(0.5))), f32x4.mul(vk, f32x4.splat(LN2_LO)));
  return f32x4.add(f32x4.add(vx, vlo), f32x4.mul(vk, f32x4.splat(LN2_HI)));
}
