// The elementwise probability losses (docs/semantics.md §2 bce, kld, pnll): functions f(p, t) of a prediction and
// a target, run by the elementwise engine (src/engines/elementwise.ts) with the kernel triple of
// assembly/regression.ts: <loss>_sum_f32, <loss>_rows_f32, <loss>_grad_f32.
//
//   BCE            Keras, probabilities   y = t(1 - ls) + ls/2, q = clip(p, ε, 1 - ε) (1 - ε in float64: see vloss)
//                                         f = -(y·log q + (1 - y)·log(1 - q))
//                                         f' = (q - y) / (q(1 - q)) where ε <= p <= 1 - ε, else 0
//   BCE_LOGITS     Keras and torch        y as above (torch: ls = 0), e = exp(-|x|)
//                                         f = max(x, 0) - x·y + log1p(e)            (no overflow at |x| = 1e4)
//                                         f' = σ(x) - y, σ(x) = 1/(1 + e) for x >= 0, e/(1 + e) below
//                                         (the mathematical 0.5 - y at x = 0; TF's autodiff of max gives -y)
//   BCE_TORCH      torch BCELoss          f = -(t·max(log p, -100) + (1 - t)·max(log(1 - p), -100))
//                                         f' = (p - t) / max(p(1 - p), 1e-12)   (aten/src/ATen/native/Loss.cpp)
//   KLD            Keras KLDivergence     tc = clip(t, ε, 1), pc = clip(p, ε, 1), f = tc·log(tc/pc)
//                                         f' = -tc/p where ε <= p <= 1, else 0
//   KLD_TORCH      torch KLDivLoss        param 0: f = xlogy(t, t) - t·x, f' = -t
//                  (x = log-probabilities)  param 1 (log_target): f = e^t·(t - x), f' = -e^t
//   POISSON_LOG    torch PoissonNLLLoss   f = e^x - t·x, f' = e^x - t
//   POISSON        (log_input=False)      f = x - t·log(x + eps), f' = 1 - t/(x + eps); param = eps
//   *_FULL         full=True              f += t·log t - t + ½·log(2πt) where t > 1 (no gradient)
//   SOFT_MARGIN    torch SoftMarginLoss   z = -t·x, e = exp(-|z|), f = max(z, 0) + log1p(e) = log(1 + e^z)
//                                         f' = -t·σ(z)   (any real t; torch's log1p(exp(z)) overflows to inf
//                                         past z = 88.7 in float32, this form does not)
// ε = 1e-7 (keras.backend.epsilon()). BCE's weights and pos_weight are applied by the facade: a weight is a
// factor per element, and pos_weight pw folds into one (l = a·f(x, pw·t/a) with a = 1 + (pw - 1)·t).
//
// BCE and BCE_LOGITS are the throughput losses (16M-element BCE with logits): f32x4 with vexpneg, vlog and
// vlog1p (assembly/inline/exp.ts); BCE's clipped logs are assembly/inline/binary_ce.ts's, shared with the focal loss. KLD and Poisson run in f64 (a KL
// term near t = p is a small difference of logs), two elements at a time with the table-free f64x2 exp and log of
// assembly/inline/f64math.ts, in blocks of BLOCK64 elements: a lane outside their domain (0, a negative, an
// infinity, NaN, an exp argument past ±708) comes out NaN, and a block whose sum is NaN is computed again one
// element at a time (run64), which gives each element its exact value, NaN only where it is NaN.

import { hsum_f64x2 } from "./inline/hsum";
import { gradLoop, mapLoop, rowsLoop, sumLoop } from "./inline/elementwise_loops";
import { bceProbability, dbceProbability, EPSILON, log1m, vbceProbability, vdbceProbability, vlog1m } from "./inline/binary_ce";
import { expnegf, log1pf, logf, vexpneg, vlog, vlog1p } from "./inline/exp";
import { exp64, log64, vexp64, vlog64 } from "./inline/f64math";
import { at } from "./inline/ptr";

const BCE: i32 = 0;
const BCE_LOGITS: i32 = 1;
const BCE_TORCH: i32 = 2;
const KLD: i32 = 3;
const KLD_TORCH: i32 = 4;
const POISSON_LOG: i32 = 5;
const POISSON: i32 = 6;
const POISSON_LOG_FULL: i32 = 7;
const POISSON_FULL: i32 = 8;
const SOFT_MARGIN: i32 = 9;

const EPSILON_F64: f64 = <f64>EPSILON;
/** torch BCELoss clamps each log at -100 and the gradient's denominator at 1e-12. */
const LOG_FLOOR: f32 = -100;
const DENOMINATOR_FLOOR: f32 = reinterpret<f32>(0x2B8CBCCC); // 1.00000000e-12f
const HALF_LOG_2PI: f64 = 0.9189385332046728; // ½·log(2π)

// @ts-ignore: decorator
@inline function simdKind(kind: i32): bool {
  return kind == BCE || kind == BCE_LOGITS || kind == BCE_TORCH || kind == SOFT_MARGIN;
}

// ---- f32 forms (BCE family) ----

/**
 * softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|) on four lanes (NaN stays NaN: pmax keeps its first
 * operand), and σ(z) = 1/(1 + e) for z >= 0, e/(1 + e) below, e = e^-|z|. Called, not inlined: SoftMarginLoss's
 * three loops share one copy of the exp and log (each inlined copy cost about 270 bytes of the gzipped module), at
 * the price of a call per four lanes.
 */
function vsoftplus(vz: v128): v128 {
  return f32x4.add(f32x4.pmax(vz, f32x4.splat(0)), vlog1p(vexpneg(f32x4.neg(f32x4.abs(vz)))));
}

function vsigmoid(vz: v128): v128 {
  const ve = vexpneg(f32x4.neg(f32x4.abs(vz)));
  const vnum = v128.bitselect(f32x4.splat(1), ve, f32x4.ge(vz, f32x4.splat(0))); // NaN: e (NaN)
  return f32x4.div(vnum, f32x4.add(f32x4.splat(1), ve));
}

// @ts-ignore: decorator
@inline function vsmooth(vt: v128, ls: f32): v128 {
  return f32x4.add(f32x4.mul(vt, f32x4.splat(1 - ls)), f32x4.splat(0.5 * ls));
}

// @ts-ignore: decorator
@inline function vloss(kind: i32, vp: v128, vt: v128, param: f32): v128 {
  if (kind == BCE) {
    // Keras clips q to [ε, 1 - ε] with 1 - ε = 1 - 1e-7 exactly in float64 (0.99999988 in float32 Keras):
    // assembly/inline/binary_ce.ts
    return vbceProbability(vp, vsmooth(vt, param));
  }
  if (kind == BCE_LOGITS) {
    const vy = vsmooth(vt, param);
    const ve = vexpneg(f32x4.neg(f32x4.abs(vp)));
    return f32x4.add(f32x4.sub(f32x4.pmax(vp, f32x4.splat(0)), f32x4.mul(vp, vy)), vlog1p(ve));
  }
  if (kind == SOFT_MARGIN) return vsoftplus(f32x4.neg(f32x4.mul(vt, vp)));
  // BCE_TORCH
  const vfloor = f32x4.splat(LOG_FLOOR);
  const va = f32x4.pmax(vlog(vp), vfloor);
  const vb = f32x4.pmax(vlog1m(vp), vfloor);
  return f32x4.neg(f32x4.add(f32x4.mul(vt, va), f32x4.mul(f32x4.sub(f32x4.splat(1), vt), vb)));
}

// @ts-ignore: decorator
@inline function vdloss(kind: i32, vp: v128, vt: v128, param: f32): v128 {
  if (kind == BCE) return vdbceProbability(vp, vsmooth(vt, param));
  if (kind == BCE_LOGITS) {
    const vy = vsmooth(vt, param);
    const ve = vexpneg(f32x4.neg(f32x4.abs(vp)));
    const vnum = v128.bitselect(f32x4.splat(1), ve, f32x4.ge(vp, f32x4.splat(0))); // NaN: e (NaN)
    return f32x4.sub(f32x4.div(vnum, f32x4.add(f32x4.splat(1), ve)), vy);
  }
  if (kind == SOFT_MARGIN) return f32x4.neg(f32x4.mul(vt, vsigmoid(f32x4.neg(f32x4.mul(vt, vp)))));
  const vden = f32x4.pmax(f32x4.mul(vp, f32x4.sub(f32x4.splat(1), vp)), f32x4.splat(DENOMINATOR_FLOOR));
  return f32x4.div(f32x4.sub(vp, vt), vden);
}

// @ts-ignore: decorator
@inline function loss32(kind: i32, p: f32, t: f32, param: f32): f32 {
  if (kind == BCE) return bceProbability(p, t * (<f32>1 - param) + <f32>0.5 * param);
  if (kind == BCE_LOGITS) {
    const y: f32 = t * (<f32>1 - param) + <f32>0.5 * param;
    const e = expnegf(-Mathf.abs(p));
    return ((p > 0 ? p : 0) - p * y) + log1pf(e);
  }
  if (kind == SOFT_MARGIN) {
    const z = -(t * p);
    const e = expnegf(-Mathf.abs(z));
    return (z > 0 ? z : 0) + log1pf(e); // NaN z: e and so log1pf(e) are NaN
  }
  let a = logf(p);
  a = a < LOG_FLOOR ? LOG_FLOOR : a;
  let b = log1m(p);
  b = b < LOG_FLOOR ? LOG_FLOOR : b;
  return -(t * a + (1 - t) * b);
}

// @ts-ignore: decorator
@inline function dloss32(kind: i32, p: f32, t: f32, param: f32): f32 {
  if (kind == BCE) return dbceProbability(p, t * (<f32>1 - param) + <f32>0.5 * param);
  if (kind == BCE_LOGITS) {
    const y: f32 = t * (<f32>1 - param) + <f32>0.5 * param;
    const e = expnegf(-Mathf.abs(p));
    return (p >= 0 ? 1 : e) / (1 + e) - y;
  }
  if (kind == SOFT_MARGIN) {
    const z = -(t * p);
    const e = expnegf(-Mathf.abs(z));
    return -t * ((z >= 0 ? 1 : e) / (1 + e));
  }
  let den = p * (1 - p);
  den = den < DENOMINATOR_FLOOR ? DENOMINATOR_FLOOR : den;
  return (p - t) / den;
}

// ---- f64 forms (KL divergence, Poisson) ----

// @ts-ignore: decorator
@inline function stirling(t: f64): f64 {
  return t > 1 ? t * log64(t) - t + HALF_LOG_2PI + 0.5 * log64(t) : 0;
}

// @ts-ignore: decorator
@inline function loss64(kind: i32, p: f64, t: f64, param: f32): f64 {
  if (kind == KLD) {
    const tc = Math.min(Math.max(t, EPSILON_F64), 1);
    const pc = Math.min(Math.max(p, EPSILON_F64), 1);
    return tc * log64(tc / pc);
  }
  if (kind == KLD_TORCH) {
    if (param != 0) return exp64(t) * (t - p);
    return (t == 0 ? 0 : t * log64(t)) - t * p; // xlogy(t, t): 0 where t = 0 (NaN stays NaN)
  }
  let f: f64;
  if (kind == POISSON_LOG || kind == POISSON_LOG_FULL) f = exp64(p) - t * p;
  else f = p - t * log64(p + <f64>param);
  if (kind == POISSON_LOG_FULL || kind == POISSON_FULL) f += stirling(t);
  return f;
}

// @ts-ignore: decorator
@inline function dloss64(kind: i32, p: f64, t: f64, param: f32): f64 {
  if (kind == KLD) {
    const tc = Math.min(Math.max(t, EPSILON_F64), 1);
    return p >= EPSILON_F64 && p <= 1 ? -tc / p : 0;
  }
  if (kind == KLD_TORCH) return param != 0 ? -exp64(t) : -t;
  if (kind == POISSON_LOG || kind == POISSON_LOG_FULL) return exp64(p) - t;
  return 1 - t / (p + <f64>param);
}

/**
 * loss64 of two lanes, the same operations as the one-lane form; NaN in a lane outside the domain of vlog64 or
 * vexp64 (0, negatives, denormals, infinities, NaN, |x| > 708), which sends its block to the one-lane loop.
 */
// @ts-ignore: decorator
@inline function vloss64(kind: i32, vp: v128, vt: v128, param: f32): v128 {
  const vone = f64x2.splat(1);
  if (kind == KLD) {
    const veps = f64x2.splat(EPSILON_F64);
    const vtc = f64x2.min(f64x2.max(vt, veps), vone);
    return f64x2.mul(vtc, vlog64(f64x2.div(vtc, f64x2.min(f64x2.max(vp, veps), vone))));
  }
  if (kind == KLD_TORCH) {
    if (param != 0) return f64x2.mul(vexp64(vt), f64x2.sub(vt, vp));
    const vzero = f64x2.eq(vt, f64x2.splat(0));
    // xlogy(t, t): log 1 = 0 where t = 0, masked to 0
    const vxlogy = v128.andnot(f64x2.mul(vt, vlog64(v128.bitselect(vone, vt, vzero))), vzero);
    return f64x2.sub(vxlogy, f64x2.mul(vt, vp));
  }
  let vf: v128;
  if (kind == POISSON_LOG || kind == POISSON_LOG_FULL) vf = f64x2.sub(vexp64(vp), f64x2.mul(vt, vp));
  else vf = f64x2.sub(vp, f64x2.mul(vt, vlog64(f64x2.add(vp, f64x2.splat(<f64>param)))));
  if (kind == POISSON_LOG_FULL || kind == POISSON_FULL) {
    // stirling(t) where t > 1, else 0
    const vbig = f64x2.gt(vt, vone);
    const vl = vlog64(v128.bitselect(vt, vone, vbig));
    const vs = f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(vt, vl), vt), f64x2.splat(HALF_LOG_2PI)), f64x2.mul(f64x2.splat(0.5), vl));
    vf = f64x2.add(vf, v128.and(vs, vbig));
  }
  return vf;
}

/** dloss64 of two lanes (see vloss64: its exp has the domain of the loss's, so the loss's NaN covers it). */
// @ts-ignore: decorator
@inline function vdloss64(kind: i32, vp: v128, vt: v128, param: f32): v128 {
  const vone = f64x2.splat(1);
  if (kind == KLD) {
    const veps = f64x2.splat(EPSILON_F64);
    const vtc = f64x2.min(f64x2.max(vt, veps), vone);
    const vinside = v128.and(f64x2.ge(vp, veps), f64x2.le(vp, vone));
    return v128.and(f64x2.neg(f64x2.div(vtc, vp)), vinside);
  }
  if (kind == KLD_TORCH) return param == 0 ? f64x2.neg(vt) : f64x2.neg(vexp64(vt));
  if (kind == POISSON_LOG || kind == POISSON_LOG_FULL) return f64x2.sub(vexp64(vp), vt);
  return f64x2.sub(vone, f64x2.div(vt, f64x2.add(vp, f64x2.splat(<f64>param))));
}

/** Elements per block of the f64x2 loops: a block whose sum is NaN is computed again one element at a time. */
const BLOCK64: i32 = 512;

/**
 * The one-element loop over [i, end): out[j] = f·scale where out != 0, grad[j] = f'·gscale where grad != 0;
 * returns Σ f. Not inlined, the kind a run-time argument: one copy serves every kernel (tails, and blocks whose
 * f64x2 sum was NaN).
 */
function run64(kind: i32, i: i32, end: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 {
  let acc: f64 = 0;
  for (; i < end; i++) {
    const pi = <f64>load<f32>(at(p, i));
    const ti = <f64>load<f32>(at(t, i));
    let f: f64;
    if (kind == KLD) f = loss64(KLD, pi, ti, param);
    else if (kind == KLD_TORCH) f = loss64(KLD_TORCH, pi, ti, param);
    else if (kind == POISSON_LOG) f = loss64(POISSON_LOG, pi, ti, param);
    else if (kind == POISSON) f = loss64(POISSON, pi, ti, param);
    else if (kind == POISSON_LOG_FULL) f = loss64(POISSON_LOG_FULL, pi, ti, param);
    else f = loss64(POISSON_FULL, pi, ti, param);
    acc += f;
    if (out != 0) store<f32>(at(out, i), <f32>(f * scale));
    if (grad != 0) {
      let d: f64;
      if (kind == KLD) d = dloss64(KLD, pi, ti, param);
      else if (kind == KLD_TORCH) d = dloss64(KLD_TORCH, pi, ti, param);
      else if (kind == POISSON_LOG || kind == POISSON_LOG_FULL) d = dloss64(POISSON_LOG, pi, ti, param);
      else d = dloss64(POISSON, pi, ti, param);
      store<f32>(at(grad, i), <f32>(d * gscale));
    }
  }
  return acc;
}

/** Two f32 at `p`, widened to f64x2 (a cvtps2pd from memory). */
// @ts-ignore: decorator
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two f64 lanes narrowed to f32 and stored at `p`. */
// @ts-ignore: decorator
@inline function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/**
 * The f64 kinds' loop, two elements per step in blocks of BLOCK64: Σ f, with out[j] = f·scale where out != 0 and
 * grad[j] = f'·gscale where grad != 0 (the sum, map and gradient kernels share it: see the per-kind functions
 * below, one copy of the f64x2 code per kind).
 */
// @ts-ignore: decorator
@inline function loop64(kind: i32, n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 {
  let acc: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vscale = f64x2.splat(scale);
    const vgscale = f64x2.splat(gscale);
    for (const even = n & ~1; i < even; ) {
      const end = min(i + BLOCK64, even);
      let vacc = f64x2.splat(0);
      for (let j = i; j < end; j += 2) {
        const vp = load2(at(p, j));
        const vt = load2(at(t, j));
        const vf = vloss64(kind, vp, vt, param);
        vacc = f64x2.add(vacc, vf);
        if (out != 0) store2(at(out, j), f64x2.mul(vf, vscale));
        if (grad != 0) store2(at(grad, j), f64x2.mul(vdloss64(kind, vp, vt, param), vgscale));
      }
      const block = hsum_f64x2(vacc);
      acc += block == block ? block : run64(kind, i, end, p, t, out, grad, param, scale, gscale);
      i = end;
    }
  }
  return acc + (i < n ? run64(kind, i, n, p, t, out, grad, param, scale, gscale) : 0);
}

// One function per f64 kind, called by its sum, map and gradient kernels.
function kld_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(KLD, n, p, t, out, grad, param, scale, gscale); }
function kld_torch_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(KLD_TORCH, n, p, t, out, grad, param, scale, gscale); }
function poisson_log_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(POISSON_LOG, n, p, t, out, grad, param, scale, gscale); }
function poisson_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(POISSON, n, p, t, out, grad, param, scale, gscale); }
function poisson_log_full_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(POISSON_LOG_FULL, n, p, t, out, grad, param, scale, gscale); }
function poisson_full_loop64(n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 { return loop64(POISSON_FULL, n, p, t, out, grad, param, scale, gscale); }

// @ts-ignore: decorator
@inline function run64Kind(kind: i32, n: i32, p: usize, t: usize, out: usize, grad: usize, param: f32, scale: f64, gscale: f64): f64 {
  if (kind == KLD) return kld_loop64(n, p, t, out, grad, param, scale, gscale);
  if (kind == KLD_TORCH) return kld_torch_loop64(n, p, t, out, grad, param, scale, gscale);
  if (kind == POISSON_LOG) return poisson_log_loop64(n, p, t, out, grad, param, scale, gscale);
  if (kind == POISSON) return poisson_loop64(n, p, t, out, grad, param, scale, gscale);
  if (kind == POISSON_LOG_FULL) return poisson_log_full_loop64(n, p, t, out, grad, param, scale, gscale);
  return poisson_full_loop64(n, p, t, out, grad, param, scale, gscale);
}

// ---- loops: the BCE kinds run the shared skeletons of assembly/inline/elementwise_loops.ts over this family's
// math; the f64 kinds run loop64 (above) ----

/** This family's f32 math for the shared loops (assembly/inline/elementwise_loops.ts says what each method is). */
@final @unmanaged class Probability {
  // @ts-ignore: decorator
  @inline operand(kind: i32, p: f32, t: f32): f32 { return p; }
  // @ts-ignore: decorator
  @inline voperand(kind: i32, vp: v128, vt: v128): v128 { return vp; }
  // @ts-ignore: decorator
  @inline loss(kind: i32, p: f32, t: f32, param: f32): f32 { return loss32(kind, p, t, param); }
  // @ts-ignore: decorator
  @inline dloss(kind: i32, p: f32, t: f32, param: f32): f32 { return dloss32(kind, p, t, param); }
  // @ts-ignore: decorator
  @inline vloss(kind: i32, vp: v128, vt: v128, vparam: v128, param: f32): v128 { return vloss(kind, vp, vt, param); }
  // @ts-ignore: decorator
  @inline vdloss(kind: i32, vp: v128, vt: v128, vparam: v128, param: f32): v128 { return vdloss(kind, vp, vt, param); }
  // @ts-ignore: decorator
  @inline gradFactor(kind: i32): f32 { return 1; }
  /** f >= 0 for every BCE kind. */
  // @ts-ignore: decorator
  @inline signedTerms(kind: i32): bool { return false; }
  /** The scalar exp and log of a tail are worth a call, not a copy per kernel. */
  // @ts-ignore: decorator
  @inline narrowKind(kind: i32): i32 { return kind; }
  // @ts-ignore: decorator
  @inline tailCall(kind: i32): bool { return true; }
  // @ts-ignore: decorator
  @inline mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void { mapRange(kind, n, p, t, out, param, scale); }
  // @ts-ignore: decorator
  @inline rowSum(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 { return rowSum(kind, n, p, t, param); }
}

// @ts-ignore: decorator
@inline function sumRange(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  if (!simdKind(kind)) return run64Kind(kind, n, p, t, 0, 0, param, 0, 0);
  return sumLoop<Probability>(kind, n, p, t, param);
}

// @ts-ignore: decorator
@inline function mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  if (!simdKind(kind)) {
    run64Kind(kind, n, p, t, out, 0, param, scale, 0);
    return;
  }
  mapLoop<Probability>(kind, n, p, t, out, param, scale);
}

/**
 * Σ f over one row: a call to the kind's exported sum kernel (a call per row costs nothing next to the row, and
 * the rows kernels then carry no copy of the sum loops: about 2,000 wat lines each with BCE's inlined exp and log).
 */
// @ts-ignore: decorator
@inline function rowSum(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  return sumOfKind(kind, n, p, t, param);
}

/**
 * Σ f of a kind, the one copy of each kind's loops: its exported sum kernel and the rows kernels' rows both call
 * it (the kind is a constant in every branch, so each branch is that kind's specialised loop).
 */
function sumOfKind(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  if (kind == BCE) return sumRange(BCE, n, p, t, param);
  if (kind == BCE_LOGITS) return sumRange(BCE_LOGITS, n, p, t, param);
  if (kind == BCE_TORCH) return sumRange(BCE_TORCH, n, p, t, param);
  if (kind == SOFT_MARGIN) return sumRange(SOFT_MARGIN, n, p, t, param);
  if (kind == KLD) return sumRange(KLD, n, p, t, param);
  if (kind == KLD_TORCH) return sumRange(KLD_TORCH, n, p, t, param);
  if (kind == POISSON_LOG) return sumRange(POISSON_LOG, n, p, t, param);
  if (kind == POISSON) return sumRange(POISSON, n, p, t, param);
  if (kind == POISSON_LOG_FULL) return sumRange(POISSON_LOG_FULL, n, p, t, param);
  return sumRange(POISSON_FULL, n, p, t, param);
}

// @ts-ignore: decorator
@inline function rowsKernel(kind: i32, rows: i32, cols: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  assert(rows >= 0 && cols >= 1, "expected rows >= 0 and cols >= 1");
  rowsLoop<Probability>(kind, rows, cols, p, t, out, param, scale);
}

// @ts-ignore: decorator
@inline function gradKernel(kind: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, scale: f64): f64 {
  assert(n >= 0, "expected n >= 0");
  if (!simdKind(kind)) {
    return run64Kind(kind, n, p, t, 0, grad, param, 0, scale);
  }
  return gradLoop<Probability>(kind, n, p, t, grad, param, scale);
}

// ---- exports ----

export function bce_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(BCE, n, pred, target, load<f32>(params)); }
export function bce_logits_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(BCE_LOGITS, n, pred, target, load<f32>(params)); }
export function soft_margin_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(SOFT_MARGIN, n, pred, target, load<f32>(params)); }
export function bce_torch_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(BCE_TORCH, n, pred, target, load<f32>(params)); }
export function kld_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(KLD, n, pred, target, load<f32>(params)); }
export function kld_torch_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(KLD_TORCH, n, pred, target, load<f32>(params)); }
export function poisson_log_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(POISSON_LOG, n, pred, target, load<f32>(params)); }
export function poisson_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(POISSON, n, pred, target, load<f32>(params)); }
export function poisson_log_full_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(POISSON_LOG_FULL, n, pred, target, load<f32>(params)); }
export function poisson_full_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(POISSON_FULL, n, pred, target, load<f32>(params)); }

export function bce_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(BCE, rows, cols, pred, target, out, load<f32>(params), scale); }
export function bce_logits_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(BCE_LOGITS, rows, cols, pred, target, out, load<f32>(params), scale); }
export function soft_margin_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(SOFT_MARGIN, rows, cols, pred, target, out, load<f32>(params), scale); }
export function bce_torch_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(BCE_TORCH, rows, cols, pred, target, out, load<f32>(params), scale); }
export function kld_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(KLD, rows, cols, pred, target, out, load<f32>(params), scale); }
export function kld_torch_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(KLD_TORCH, rows, cols, pred, target, out, load<f32>(params), scale); }
export function poisson_log_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(POISSON_LOG, rows, cols, pred, target, out, load<f32>(params), scale); }
export function poisson_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(POISSON, rows, cols, pred, target, out, load<f32>(params), scale); }
export function poisson_log_full_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(POISSON_LOG_FULL, rows, cols, pred, target, out, load<f32>(params), scale); }
export function poisson_full_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(POISSON_FULL, rows, cols, pred, target, out, load<f32>(params), scale); }

export function bce_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(BCE, n, pred, target, grad, load<f32>(params), scale); }
export function bce_logits_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(BCE_LOGITS, n, pred, target, grad, load<f32>(params), scale); }
export function soft_margin_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(SOFT_MARGIN, n, pred, target, grad, load<f32>(params), scale); }
export function bce_torch_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(BCE_TORCH, n, pred, target, grad, load<f32>(params), scale); }
export function kld_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(KLD, n, pred, target, grad, load<f32>(params), scale); }
export function kld_torch_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(KLD_TORCH, n, pred, target, grad, load<f32>(params), scale); }
export function poisson_log_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(POISSON_LOG, n, pred, target, grad, load<f32>(params), scale); }
export function poisson_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(POISSON, n, pred, target, grad, load<f32>(params), scale); }
export function poisson_log_full_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(POISSON_LOG_FULL, n, pred, target, grad, load<f32>(params), scale); }
export function poisson_full_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(POISSON_FULL, n, pred, target, grad, load<f32>(params), scale); }
