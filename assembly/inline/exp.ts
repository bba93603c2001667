// exp and log for f32x4 lanes, with one-lane twins for the scalar build and the SIMD loops' tails. The twins run
// the same operations in the same order, so a scalar build and a SIMD build agree to the bit.
//
// Accuracy, measured against Math.exp / Math.log of the f32 input, in ulps of the f32 result, over every
// float32 class (test/exp.test.ts walks normals, denormals, ±0, ±inf and NaN, both builds):
//   vexp     < 1 ulp on all of [-103.97, 88.72], denormal results included (two-step scaling, below);
//            0 below, +inf above, NaN for NaN. Measured: 0.976 ulp at most (x = -5.8606462), over every third
//            float32 bit pattern of [-104, 89] (SIMD build). The one vector exp of the kernels: CTC's own copy
//            (its window's -inf padding needs the clamp below) clamped at -110 instead of -104, and gave the same
//            bits for all 2^32 inputs (compared lane by lane when it was removed).
//   vexpneg  < 2.5 ulp on [-87.34, 0]; only for x <= 0 (softmax, sigmoid, softplus all need exp of a
//            non-positive argument); flushes results below 2^-126 to 0 (they cannot move a sum that holds 1).
//   vlog     < 1 ulp on (0, +inf], denormals included; log(±0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
//   vlog1p   log(1 + e) for 0 <= e <= 1 (softplus's log1p(exp(-|x|))), < 1.5 ulp: the rounding of 1 + e is
//            corrected with (e - (u - 1)) / u (Goldberg, "What every computer scientist should know about
//            floating-point arithmetic", 1991, theorem 4).
// Constants are the exact float32 bit patterns; AssemblyScript has no hex-float literals.
//
// The relaxed build fuses the polynomials' Horner steps and the reductions' n·ln2 + x (vmadd, ./madd.ts): the
// same bounds hold there (test/exp.test.ts runs on it too); its lanes may differ from the twins in the last bit.

import { vmadd } from "./madd";

// ---- exp: Cephes expf (S. Moshier, cephes/single/expf.c): x = n·ln2 + r, |r| <= ln2/2, with ln2 split in two
// (Cody-Waite) so n·C1 is exact; e^r = 1 + r + r²·P(r), P of degree 5. ----

const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B); // 1.44269502e+0f (log2 e)
const LN2_HI: f32 = reinterpret<f32>(0x3F318000); // 6.93359375e-1f (C1, 9 significant bits: n·C1 exact)
const LN2_LO: f32 = reinterpret<f32>(0xB95E8083); // -2.12194442e-4f (C2 = ln2 - C1)
const EXP_P0: f32 = reinterpret<f32>(0x39506967); // 1.98756912e-4f
const EXP_P1: f32 = reinterpret<f32>(0x3AB743CE); // 1.39819994e-3f
const EXP_P2: f32 = reinterpret<f32>(0x3C088908); // 8.33345205e-3f
const EXP_P3: f32 = reinterpret<f32>(0x3D2AA9C1); // 4.16657962e-2f
const EXP_P4: f32 = reinterpret<f32>(0x3E2AAAAA); // 1.66666657e-1f
const EXP_P5: f32 = reinterpret<f32>(0x3F000000); // 5.0e-1f
/** Arguments are clamped to [EXP_MIN, EXP_MAX] first: n then stays in [-150, 128], and the result is 0 or inf. */
const EXP_MAX: f32 = 89;
const EXP_MIN: f32 = -104;

/**
 * e^x. 2^n is applied as 2^(n>>1) · 2^(n - (n>>1)), two normal factors, so results in the denormal range
 * round once (from the normal product p·2^(n>>1)) and results past the largest float become +inf.
 */
// @ts-ignore: decorator
@inline export function vexp(vx: v128): v128 {
  vx = f32x4.pmax(f32x4.pmin(vx, f32x4.splat(EXP_MAX)), f32x4.splat(EXP_MIN)); // NaN stays NaN
  const vn = f32x4.nearest(f32x4.mul(vx, f32x4.splat(LOG2E)));
  let vr = f32x4.sub(vx, f32x4.mul(vn, f32x4.splat(LN2_HI)));
  vr = f32x4.sub(vr, f32x4.mul(vn, f32x4.splat(LN2_LO)));
  let vp = vmadd(f32x4.splat(EXP_P0), vr, f32x4.splat(EXP_P1));
  vp = vmadd(vp, vr, f32x4.splat(EXP_P2));
  vp = vmadd(vp, vr, f32x4.splat(EXP_P3));
  vp = vmadd(vp, vr, f32x4.splat(EXP_P4));
  vp = vmadd(vp, vr, f32x4.splat(EXP_P5));
  vp = f32x4.add(vmadd(vp, f32x4.mul(vr, vr), vr), f32x4.splat(1));
  const vni = i32x4.trunc_sat_f32x4_s(vn); // NaN → 0: p is NaN already
  const vn1 = i32x4.shr_s(vni, 1);
  const vn2 = i32x4.sub(vni, vn1);
  const vbias = i32x4.splat(127);
  const vs1 = i32x4.shl(i32x4.add(vn1, vbias), 23);
  const vs2 = i32x4.shl(i32x4.add(vn2, vbias), 23);
  return f32x4.mul(f32x4.mul(vp, vs1), vs2);
}

/** One-lane twin of vexp. */
// @ts-ignore: decorator
@inline export function expf(x: f32): f32 {
  x = x > EXP_MAX ? EXP_MAX : x;
  x = x < EXP_MIN ? EXP_MIN : x;
  const n = nearest<f32>(x * LOG2E);
  let r = x - n * LN2_HI;
  r = r - n * LN2_LO;
  let p = EXP_P0 * r + EXP_P1;
  p = p * r + EXP_P2;
  p = p * r + EXP_P3;
  p = p * r + EXP_P4;
  p = p * r + EXP_P5;
  p = p * (r * r) + r + 1;
  const ni = <i32>n; // x NaN: p is NaN, ni unused (wasm's i32.trunc_sat semantics: AssemblyScript's cast saturates)
  const n1 = ni >> 1;
  const n2 = ni - n1;
  return p * reinterpret<f32>((n1 + 127) << 23) * reinterpret<f32>((n2 + 127) << 23);
}

// ---- exp of x <= 0: XNNPACK's rr2-p5 (src/f32-raddstoreexpminusmax/gen/f32-raddstoreexpminusmax-wasmsimd-rr2-p5-u16-acc4.c):
// n = round(x·log2 e) by adding a magic bias whose low mantissa bits then hold n + 127, so `<< 23` gives 2^n
// with no conversion; r = x - n·ln2 in two steps; e^r = 1 + r·(c1 + r·(c2 + r·(c3 + r·(c4 + r·c5)))), a
// degree-5 minimax polynomial; 2^n·e^r = s + (r·s)·p. ----

const MAGIC_BIAS: f32 = reinterpret<f32>(0x4B40007F); // 0x1.8000FEp23f = 1.5·2^23 + 127
const MINUS_LN2_HI: f32 = reinterpret<f32>(0xBF317200); // -0x1.62E400p-1f
const MINUS_LN2_LO: f32 = reinterpret<f32>(0xB5BFBE8E); // -0x1.7F7D1Cp-20f
const EXPNEG_C5: f32 = reinterpret<f32>(0x3C07CFCE); // 0x1.0F9F9Cp-7f
const EXPNEG_C4: f32 = reinterpret<f32>(0x3D2B9D0D); // 0x1.573A1Ap-5f
const EXPNEG_C3: f32 = reinterpret<f32>(0x3E2AAD40); // 0x1.555A80p-3f
const EXPNEG_C2: f32 = reinterpret<f32>(0x3EFFFEE3); // 0x1.FFFDC6p-2f
const EXPNEG_C1: f32 = reinterpret<f32>(0x3F7FFFFB); // 0x1.FFFFF6p-1f
/** Below this e^x is a denormal: the result is flushed to 0 (XNNPACK's vdenorm_cutoff). */
const DENORM_CUTOFF: f32 = reinterpret<f32>(0xC2AEAC4F); // -0x1.5D589Ep6f = -87.3365402

/** e^x for x <= 0 (and NaN → NaN, -inf → 0). About 14 vector operations for 4 lanes. */
// @ts-ignore: decorator
@inline export function vexpneg(vx: v128): v128 {
  return vexpnegWith(
    vx, f32x4.splat(LOG2E), f32x4.splat(MAGIC_BIAS), f32x4.splat(MINUS_LN2_HI), f32x4.splat(MINUS_LN2_LO), f32x4.splat(EXPNEG_C5),
    f32x4.splat(EXPNEG_C4), f32x4.splat(EXPNEG_C3), f32x4.splat(EXPNEG_C2), f32x4.splat(EXPNEG_C1), f32x4.splat(DENORM_CUTOFF),
  );
}

/**
 * vexpneg's ten constants in memory, each in four lanes (EXPNEG_K + 16·k, in vexpnegWith's order), for a hot loop
 * that holds them in locals: `const k0 = v128.load(EXPNEG_K), …, k9 = v128.load(EXPNEG_K, 144)` before it, then
 * vexpnegWith(vx, k0, …, k9). Why: V8 13 (Node 24) builds a v128.const again at each use inside a loop where V8 11
 * and 12 (Node 20, 22) keep it in a register, and exp-bound loops ran 1.5-1.65x slower there (docs/design.md §11);
 * binaryen folds a constant held in a local back into v128.const, but not a value loaded from memory.
 */
export const EXPNEG_K: usize = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E,
  MAGIC_BIAS, MAGIC_BIAS, MAGIC_BIAS, MAGIC_BIAS,
  MINUS_LN2_HI, MINUS_LN2_HI, MINUS_LN2_HI, MINUS_LN2_HI,
  MINUS_LN2_LO, MINUS_LN2_LO, MINUS_LN2_LO, MINUS_LN2_LO,
  EXPNEG_C5, EXPNEG_C5, EXPNEG_C5, EXPNEG_C5,
  EXPNEG_C4, EXPNEG_C4, EXPNEG_C4, EXPNEG_C4,
  EXPNEG_C3, EXPNEG_C3, EXPNEG_C3, EXPNEG_C3,
  EXPNEG_C2, EXPNEG_C2, EXPNEG_C2, EXPNEG_C2,
  EXPNEG_C1, EXPNEG_C1, EXPNEG_C1, EXPNEG_C1,
  DENORM_CUTOFF, DENORM_CUTOFF, DENORM_CUTOFF, DENORM_CUTOFF,
], 16);

/** vexpneg with its constants given (as EXPNEG_K lays them out): the same operations, the same bits. */
// @ts-ignore: decorator
@inline export function vexpnegWith(vx: v128, kLog2e: v128, kMagic: v128, kLn2Hi: v128, kLn2Lo: v128, k5: v128, k4: v128, k3: v128, k2: v128, k1: v128, kCutoff: v128): v128 {
  let vn = vmadd(vx, kLog2e, kMagic);
  const vs = i32x4.shl(vn, 23);
  vn = f32x4.sub(vn, kMagic);
  let vt = vmadd(vn, kLn2Hi, vx);
  vt = vmadd(vn, kLn2Lo, vt);
  let vp = vmadd(k5, vt, k4);
  vp = vmadd(vp, vt, k3);
  vp = vmadd(vp, vt, k2);
  vp = vmadd(vp, vt, k1);
  vt = f32x4.mul(vt, vs);
  const vf = vmadd(vt, vp, vs);
  return v128.andnot(vf, f32x4.lt(vx, kCutoff));
}

/** One-lane twin of vexpneg (the flush is a branch-free mask too). */
// @ts-ignore: decorator
@inline export function expnegf(x: f32): f32 {
  let n = x * LOG2E + MAGIC_BIAS;
  const s = reinterpret<f32>(reinterpret<i32>(n) << 23);
  n = n - MAGIC_BIAS;
  let t = n * MINUS_LN2_HI + x;
  t = n * MINUS_LN2_LO + t;
  let p = EXPNEG_C5 * t + EXPNEG_C4;
  p = p * t + EXPNEG_C3;
  p = p * t + EXPNEG_C2;
  p = p * t + EXPNEG_C1;
  t = t * s;
  const f = t * p + s;
  return reinterpret<f32>(reinterpret<i32>(f) & ~(-(<i32>(x < DENORM_CUTOFF))));
}

// ---- log: Cephes logf (cephes/single/logf.c): x = m·2^e with m in [√½, √2), log x = (m - 1) + P(m - 1) + e·ln2,
// ln2 split in two; frexp by bit masks, denormals scaled by 2^23 first. ----

const SQRT_HALF: f32 = reinterpret<f32>(0x3F3504F3); // 7.07106769e-1f
const LOG_P0: f32 = reinterpret<f32>(0x3D9021BB); // 7.03768358e-2f
const LOG_P1: f32 = reinterpret<f32>(0xBDEBD1B8); // -1.15146101e-1f
const LOG_P2: f32 = reinterpret<f32>(0x3DEF251A); // 1.16769984e-1f
const LOG_P3: f32 = reinterpret<f32>(0xBDFE5D4F); // -1.24201410e-1f
const LOG_P4: f32 = reinterpret<f32>(0x3E11E9BF); // 1.42493233e-1f
const LOG_P5: f32 = reinterpret<f32>(0xBE2AAE50); // -1.66680574e-1f
const LOG_P6: f32 = reinterpret<f32>(0x3E4CCEAC); // 2.00007141e-1f
const LOG_P7: f32 = reinterpret<f32>(0xBE7FFFFC); // -2.49999940e-1f
const LOG_P8: f32 = reinterpret<f32>(0x3EAAAAAA); // 3.33333313e-1f
const TWO23: f32 = reinterpret<f32>(0x4B000000); // 8388608 = 2^23
const MIN_NORMAL: f32 = reinterpret<f32>(0x00800000); // 2^-126

// @ts-ignore: decorator
@inline export function vlog(vx: v128): v128 {
  const vden = f32x4.lt(vx, f32x4.splat(MIN_NORMAL)); // denormals (and 0, negatives: fixed at the end)
  const vy = v128.bitselect(f32x4.mul(vx, f32x4.splat(TWO23)), vx, vden);
  let ve = i32x4.sub(i32x4.shr_u(vy, 23), i32x4.splat(126));
  ve = i32x4.sub(ve, v128.and(vden, i32x4.splat(23)));
  const vm = v128.or(v128.and(vy, i32x4.splat(0x007FFFFF)), i32x4.splat(0x3F000000)); // [0.5, 1)
  const vsmall = f32x4.lt(vm, f32x4.splat(SQRT_HALF));
  ve = i32x4.add(ve, vsmall); // e - 1 where m < √½ (the mask is -1)
  const vz0 = f32x4.add(f32x4.sub(vm, f32x4.splat(1)), v128.and(vm, vsmall)); // 2m - 1 or m - 1
  const vz2 = f32x4.mul(vz0, vz0);
  let vp = vmadd(f32x4.splat(LOG_P0), vz0, f32x4.splat(LOG_P1));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P2));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P3));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P4));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P5));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P6));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P7));
  vp = vmadd(vp, vz0, f32x4.splat(LOG_P8));
  const vef = f32x4.convert_i32x4_s(ve);
  let vr = f32x4.mul(f32x4.mul(vp, vz0), vz2);
  vr = f32x4.add(vr, f32x4.mul(vef, f32x4.splat(LN2_LO)));
  vr = f32x4.sub(vr, f32x4.mul(vz2, f32x4.splat(0.5)));
  vr = f32x4.add(f32x4.add(vz0, vr), f32x4.mul(vef, f32x4.splat(LN2_HI)));
  // log(+inf) = +inf; log(±0) = -inf; log(x < 0) and log(NaN) = NaN.
  vr = v128.bitselect(vx, vr, f32x4.eq(vx, f32x4.splat(Infinity)));
  vr = v128.bitselect(f32x4.splat(-Infinity), vr, f32x4.eq(vx, f32x4.splat(0)));
  return v128.bitselect(f32x4.splat(NaN), vr, v128.not(f32x4.ge(vx, f32x4.splat(0))));
}

/** One-lane twin of vlog. */
// @ts-ignore: decorator
@inline export function logf(x: f32): f32 {
  const den = x < MIN_NORMAL;
  const y = den ? x * TWO23 : x;
  const bits = reinterpret<i32>(y);
  let e = <i32>(<u32>bits >> 23) - 126 - (den ? 23 : 0);
  const m = reinterpret<f32>((bits & 0x007FFFFF) | 0x3F000000);
  const small = m < SQRT_HALF;
  e -= <i32>small;
  const z0 = (m - 1) + (small ? m : 0);
  const z2 = z0 * z0;
  let p = LOG_P0 * z0 + LOG_P1;
  p = p * z0 + LOG_P2;
  p = p * z0 + LOG_P3;
  p = p * z0 + LOG_P4;
  p = p * z0 + LOG_P5;
  p = p * z0 + LOG_P6;
  p = p * z0 + LOG_P7;
  p = p * z0 + LOG_P8;
  const ef = <f32>e;
  let r = p * z0 * z2;
  r = r + ef * LN2_LO;
  r = r - z2 * 0.5;
  r = (z0 + r) + ef * LN2_HI;
  if (x == Infinity) return x;
  if (x == 0) return -Infinity;
  if (!(x >= 0)) return NaN;
  return r;
}

/** log(1 + e) for e in [0, 1]. */
// @ts-ignore: decorator
@inline export function vlog1p(ve: v128): v128 {
  const vu = f32x4.add(ve, f32x4.splat(1));
  // u - 1 is exact (Sterbenz); (e - (u - 1)) is what the rounding of 1 + e lost, divided by u: log's slope there.
  const vc = f32x4.div(f32x4.sub(ve, f32x4.sub(vu, f32x4.splat(1))), vu);
  return f32x4.add(vlog(vu), vc);
}

// @ts-ignore: decorator
@inline export function log1pf(e: f32): f32 {
  const u = e + 1;
  return logf(u) + (e - (u - 1)) / u;
}
