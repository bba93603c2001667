// exp and log in f64 without lookup tables, for every kernel of both builds (one lane), and for f64x2 lanes
// (the KL-divergence and Poisson kernels of assembly/probability.ts).
//
// Why not Math.exp / Math.log: at shrink level 0 AssemblyScript's Math.exp and Math.log are musl's table-driven
// versions (about 6.5 KB of tables in the module's data, 6.4 KB of a browser's gzipped download); these are the
// table-free algorithms of fdlibm that musl used before (Sun Microsystems' e_log.c and e_exp.c, "freely
// distributable", in musl's src/math/log.c and exp.c until 2017), under 1 ulp, the same that AssemblyScript
// compiles at shrink levels >= 1. The f64x2 versions run the same operations in the same order on the lanes
// they accept, so a lane gives the same bits either way.
//
// log: x = 2^k·(1 + f) with 1 + f in [√2/2, √2); s = f/(2 + f); log(1 + f) = f - hfsq + s·(hfsq + R(s²)), hfsq = f²/2,
//      R a degree-14 even polynomial (Remez, |error| < 2^-58.45); k·ln2 added in two parts (ln2_hi has 32 bits).
// exp: x = k·ln2 + r, |r| <= ln2/2 (ln2 in two parts, Cody-Waite); e^r = 1 + r + r·c/(2 - c), c = r - r²·P(r²),
//      P of degree 4 (Remez, |error| < 2^-59); the result scaled by 2^k.

const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INV_LN2: f64 = 1.44269504088896338700e+00;

const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;

/** High word of √2/2's bits: the reduction moves x's significand into [√2/2, √2). */
const SQRT_HALF_HI: u64 = 0x3fe6a09e;
/** e^x overflows above this (ln of the largest double), underflows to 0 below EXP_UNDERFLOW. */
const EXP_OVERFLOW: f64 = 7.09782712893383973096e+02;
const EXP_UNDERFLOW: f64 = -7.45133219101941108420e+02;
/** The f64x2 exp takes |x| <= EXP_VECTOR_MAX: k in [-1022, 1022], 2^k and the result both normal. */
const EXP_VECTOR_MAX: f64 = 708;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;
/** |x| <= 2^-28: e^x rounds to 1 + x. */
const TINY: f64 = 3.725290298461914e-9;

// The f64x2 functions read their constants from this table (a load per use) rather than from v128.const: V8
// (11.3, Node 20) rebuilds every v128 constant at each use inside a loop (movq, vmovq, vpunpcklqdq), which
// measured 1.6x slower than a load.
const VCONST = memory.data<f64>([
  LG1, LG1, LG2, LG2, LG3, LG3, LG4, LG4, LG5, LG5, LG6, LG6, LG7, LG7, LN2_HI, LN2_HI, LN2_LO, LN2_LO, // 0..8
  P1, P1, P2, P2, P3, P3, P4, P4, P5, P5, INV_LN2, INV_LN2, 0.5, 0.5, 1.0, 1.0, 2.0, 2.0, // 9..17
  MIN_NORMAL, MIN_NORMAL, Infinity, Infinity, EXP_VECTOR_MAX, EXP_VECTOR_MAX, TINY, TINY, // 18..21
]);
/** The bit patterns the f64x2 log and exp use, as VCONST (both lanes). */
const VBITS = memory.data<u64>([
  (0x3ff00000 - SQRT_HALF_HI) << 32, (0x3ff00000 - SQRT_HALF_HI) << 32, // 0: the reduction's offset
  0x000fffffffffffff, 0x000fffffffffffff, // 1: significand and the high word's low 20 bits
  SQRT_HALF_HI << 32, SQRT_HALF_HI << 32, // 2
  0x000003ff000003ff, 0x000003ff000003ff, // 3: 0x3ff in each i32
  1023, 1023, // 4: the exponent bias
]);
/** Entry i of VBITS. */
// @ts-ignore: decorator
@inline function vb(i: i32): v128 {
  return v128.load(VBITS + (<usize>i << 4));
}
/** Entry i of VCONST (both lanes). */
// @ts-ignore: decorator
@inline function vc(i: i32): v128 {
  return v128.load(VCONST + (<usize>i << 4));
}
const C_LG1 = 0;
const C_LG2 = 1;
const C_LG3 = 2;
const C_LG4 = 3;
const C_LG5 = 4;
const C_LG6 = 5;
const C_LG7 = 6;
const C_LN2_HI = 7;
const C_LN2_LO = 8;
const C_P1 = 9;
const C_P2 = 10;
const C_P3 = 11;
const C_P4 = 12;
const C_P5 = 13;
const C_INV_LN2 = 14;
const C_HALF = 15;
const C_ONE = 16;
const C_TWO = 17;
const C_MIN_NORMAL = 18;
const C_INFINITY = 19;
const C_EXP_VECTOR_MAX = 20;
const C_TINY = 21;

/** log(1 + f) - f + hfsq's pieces, for f = m - 1, m in [√2/2, √2): the fdlibm kernel. */
// @ts-ignore: decorator
@inline function logKernel(f: f64, dk: f64): f64 {
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  return s * (hfsq + (t2 + t1)) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

/** Natural logarithm, under 1 ulp; log(±0) = -inf, log(x < 0) = NaN, log(+inf) = +inf, NaN stays NaN. */
export function log64(x: f64): f64 {
  let u = reinterpret<u64>(x);
  let hx = <u32>(u >> 32);
  let k: i32 = 0;
  if (hx < 0x00100000 || (hx >> 31) != 0) {
    if (u << 1 == 0) return -1 / (x * x); // ±0
    if (hx >> 31) return (x - x) / 0.0; // x < 0 (and -NaN: NaN)
    // denormal: scale into the normal range
    k -= 54;
    x *= 1.8014398509481984e16; // 2^54
    u = reinterpret<u64>(x);
    hx = <u32>(u >> 32);
  } else if (hx >= 0x7ff00000) {
    return x; // +inf, NaN
  } else if (hx == 0x3ff00000 && u << 32 == 0) {
    return 0; // exactly 1
  }
  hx += 0x3ff00000 - <u32>SQRT_HALF_HI;
  k += <i32>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + <u32>SQRT_HALF_HI;
  u = (<u64>hx << 32) | (u & 0xffffffff);
  return logKernel(reinterpret<f64>(u) - 1.0, <f64>k);
}

/** e^r·2^k's significand part for |r| <= ln2/2 given as hi - lo: the fdlibm kernel. */
// @ts-ignore: decorator
@inline function expKernel(hi: f64, lo: f64): f64 {
  const r = hi - lo;
  const rr = r * r;
  const c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
  return 1.0 + (r * c / (2.0 - c) - lo + hi);
}

/** e^x, under 1 ulp; 0 below -745.13, +inf above 709.78, NaN stays NaN, denormal results rounded once. */
export function exp64(x: f64): f64 {
  if (!(x == x)) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const ax = Math.abs(x);
  if (ax <= TINY) return 1.0 + x; // |x| <= 2^-28: 1 + x is e^x rounded
  const k = nearest(x * INV_LN2); // |r| <= ln2/2 (fdlibm rounds halves away from 0: either is fine)
  const y = expKernel(x - k * LN2_HI, k * LN2_LO);
  return NativeMath.scalbn(y, <i32>k);
}

// ---- f64x2: lanes outside the domain named come out NaN (all bits set); a caller that sees a NaN in a block's
// results computes that block again one lane at a time (which also gives the NaN of a NaN input) ----

/** log64 of positive normal finite lanes, the same operations lane by lane; NaN in any other lane. */
// @ts-ignore: decorator
@inline export function vlog64(x: v128): v128 {
  const inside = v128.and(f64x2.ge(x, vc(C_MIN_NORMAL)), f64x2.lt(x, vc(C_INFINITY)));
  // the high word's offset (0x3ff00000 - 0x3fe6a09e) << 32 added to the whole 64 bits: the low word is untouched
  const u = i64x2.add(x, vb(0));
  const hx = i64x2.shr_u(u, 32);
  // k = (hx >> 20) - 0x3ff in the low i32 of each lane, gathered into lanes 0, 1 and widened to f64
  const ki = i32x4.sub(i64x2.shr_u(hx, 20), vb(3));
  const dk = f64x2.convert_low_i32x4_s(i8x16.shuffle(ki, ki, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11));
  const m = i64x2.add(v128.and(u, vb(1)), vb(2));
  const f = f64x2.sub(m, vc(C_ONE));
  const hfsq = f64x2.mul(f64x2.mul(vc(C_HALF), f), f);
  const s = f64x2.div(f, f64x2.add(vc(C_TWO), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(vc(C_LG2), f64x2.mul(w, f64x2.add(vc(C_LG4), f64x2.mul(w, vc(C_LG6))))));
  const t2 = f64x2.mul(z, f64x2.add(vc(C_LG1), f64x2.mul(w, f64x2.add(vc(C_LG3), f64x2.mul(w, f64x2.add(vc(C_LG5), f64x2.mul(w, vc(C_LG7))))))));
  const body = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, f64x2.add(t2, t1))), f64x2.mul(dk, vc(C_LN2_LO)));
  return v128.or(f64x2.add(f64x2.add(f64x2.sub(body, hfsq), f), f64x2.mul(dk, vc(C_LN2_HI))), v128.not(inside));
}

/** exp64 of lanes with |x| <= 708, the same operations lane by lane; NaN in any other lane. */
// @ts-ignore: decorator
@inline export function vexp64(x: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(x, vc(C_INV_LN2)));
  const hi = f64x2.sub(x, f64x2.mul(k, vc(C_LN2_HI)));
  const lo = f64x2.mul(k, vc(C_LN2_LO));
  const r = f64x2.sub(hi, lo);
  const rr = f64x2.mul(r, r);
  const poly = f64x2.add(vc(C_P4), f64x2.mul(rr, vc(C_P5)));
  const c = f64x2.sub(r, f64x2.mul(rr, f64x2.add(vc(C_P1), f64x2.mul(rr, f64x2.add(vc(C_P2), f64x2.mul(rr, f64x2.add(vc(C_P3), f64x2.mul(rr, poly))))))));
  const y = f64x2.add(vc(C_ONE), f64x2.add(f64x2.sub(f64x2.div(f64x2.mul(r, c), f64x2.sub(vc(C_TWO), c)), lo), hi));
  // 2^k from its bits: (k + 1023) << 52, k in [-1022, 1022]
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const scale = i64x2.shl(i64x2.add(ki, vb(4)), 52);
  // |x| <= 2^-28: 1 + x, as the one-lane version
  const tiny = f64x2.le(f64x2.abs(x), vc(C_TINY));
  const inside = f64x2.le(f64x2.abs(x), vc(C_EXP_VECTOR_MAX));
  return v128.or(v128.bitselect(f64x2.add(vc(C_ONE), x), f64x2.mul(y, scale), tiny), v128.not(inside));
}
