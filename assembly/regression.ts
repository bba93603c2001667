// Regression losses: elementwise functions of a prediction p and a target t (docs/semantics.md §2: mse, mae,
// mape, msle, huber; smooth_l1 is huber scaled by 1/beta, applied by the facade).
//
// With d = p - t:
//   SQUARED      mse        f = d²                                   f' = 2d
//   ABSOLUTE     mae        f = |d|                                  f' = sign(d)        (0 at d = 0; at NaN: 0;
//                                                                    with param != 0, torch's smooth_l1 at β = 0:
//                                                                    1 where d > 0, -1 where d <= 0, NaN kept)
//   HUBER        huber      m = min(|d|, δ),  f = m·(|d| - m/2)      f' = clamp(d, -δ, δ)
//   PERCENTAGE   mape       f = 100·|d| / max(|t|, ε)                f' = 100·sign(d) / max(|t|, ε)
//   SQUARED_LOG  msle       f = (log1p(max(p, ε)) - log1p(max(t, ε)))²
//                                              f' = 2·(log1p(p) - log1p(max(t, ε))) / (1 + p) where p >= ε, else 0
//   LOG_COSH     log_cosh   f = log(cosh d)                          f' = tanh(d)
// f' is ∂f/∂p. ε = 1e-7 is Keras's backend.epsilon().
//
// log_cosh: Keras writes it d + softplus(-2d) - log 2 (keras/src/losses/losses.py, log_cosh), which in float32
// cancels to 0 for |d| below about 1e-3 (the value is d²/2 there): Keras's own float32 result is 0 at d = 1e-4. So
// with a = |d|: below 1, log(cosh a) = log1p(cosh a - 1) = log1p(2·sinh²(a/2)), sinh by its Taylor series (no
// cancellation anywhere), and tanh a = sinh a / cosh a = 2·s·sqrt(1 + s²) / (1 + 2s²), s = sinh(a/2); from 1 on,
// (a - log 2) + log1p(e^(-2a)) and tanh a = (1 - e^(-2a)) / (1 + e^(-2a)), whose terms no longer cancel. Both
// branches are computed and one selected, so the SIMD loops stay branch-free; a = ±inf gives inf and ±1, NaN stays NaN.
//
// min and max are the "pseudo" forms, pmin(a, b) = b < a ? b : a (wasm's f32x4.pmin): one x86 minps, where
// wasm's IEEE f32x4.min costs V8 a sequence of about eight instructions (its NaN and ±0 rules). Every pmin and
// pmax here has the data in the first operand, so a NaN there still comes out: pmin(NaN, δ) = NaN. The one-lane
// paths use branch-free bit-mask selects instead (assembly/inline/pminmax.ts).
//
// The Huber form m·(|d| - m/2) is both of Keras's branches in one expression (|d| <= δ gives d²/2, otherwise
// δ|d| - δ²/2) with no select, and its derivative is a clamp: both frameworks' boundary conventions (Keras
// `<=`, torch `<`) give the same value and gradient at |d| = δ, so one kernel serves Keras Huber, torch
// HuberLoss (δ) and torch SmoothL1Loss (β: f/β, f'/β).
//
// msle is evaluated in f64, scalar: log(max(p, ε) + 1) in f32 loses all precision for p near ε (1 + 1e-7
// rounds to 1.00000012), and the f64 reference is the contract. It is not a throughput loss.
//
// torch's L1Loss and SmoothL1Loss(β = 0) are the same function with different gradients at ties and NaN: L1
// backward is sign(d) (torch.sign(NaN) = 0, sign(0) = 0); smooth_l1's CPU backward
// (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp, smooth_l1_backward) tests `x <= -β` first, so at β = 0 a tie
// gives -1, and it ends in `x / β` (NaN) when neither comparison holds. ABSOLUTE's param selects the second
// (measured with torch 1.13, test/fixtures/regression.torch.json).
//
// Kernels (pointers in bytes, counts in elements; `params` points at the loss's parameter block, whose one f32,
// `param` below, is δ for HUBER and the NaN flag for ABSOLUTE):
//   <loss>_sum_f32(n, pred, target, params): f64                     Σ f
//   <loss>_rows_f32(rows, cols, pred, target, out, params, scale)     out[r] = scale · Σ_c f   (cols = 1: map)
//   <loss>_grad_f32(n, pred, target, grad, params, scale): f64       grad = scale · f', returns Σ f
// The loops are the elementwise families' shared ones (assembly/inline/elementwise_loops.ts: a 16-element SIMD
// body, a 4-element SIMD loop and a scalar tail; f accumulates in f64), over the class Regression below.

import { expf, log1pf, vexp, vlog1p } from "./inline/exp";
import { vmadd } from "./inline/madd";
import { gradLoop, mapLoop, rowsLoop, sumLoop } from "./inline/elementwise_loops";
import { maxNonNegative, minNonNegative, selectf } from "./inline/pminmax";
import { sign, vsign } from "./inline/sign";
import { at as ptr } from "./inline/ptr";

const SQUARED: i32 = 0;
const ABSOLUTE: i32 = 1;
const HUBER: i32 = 2;
const PERCENTAGE: i32 = 3;
const SQUARED_LOG: i32 = 4;
const LOG_COSH: i32 = 5;

/** keras.backend.epsilon() = 1e-7, as float32 (TF converts it to the input's dtype). */
const EPSILON: f32 = reinterpret<f32>(0x33D6BF95); // 1.00000001e-7f
/** The same ε in f64 for msle, which runs in f64 (see above). */
const EPSILON_F64: f64 = 1e-7;
/** ln 2, float32. */
const LN2: f32 = reinterpret<f32>(0x3F317218); // 6.93147182e-1f
/** 1/3!, 1/5!, 1/7!, 1/9!: sinh's Taylor coefficients. */
const SINH_C3: f32 = reinterpret<f32>(0x3E2AAAAB); // 1.66666672e-1f
const SINH_C5: f32 = reinterpret<f32>(0x3C088889); // 8.33333377e-3f
const SINH_C7: f32 = reinterpret<f32>(0x39500D01); // 1.98412701e-4f
const SINH_C9: f32 = reinterpret<f32>(0x3638EF1D); // 2.75573188e-6f

/** f' is returned divided by this constant; the loops fold it into `scale` once instead of per element. */
// @ts-ignore: decorator
@inline function gradFactor(kind: i32): f32 {
  if (kind == SQUARED) return 2;
  if (kind == PERCENTAGE) return 100;
  return 1;
}

// ---- f and f'/gradFactor, one lane and four lanes. Kind is a compile-time constant after inlining. ----

/**
 * sinh(x) for 0 <= x <= 0.5 by its Taylor series to x⁹: the next term, x¹¹/11!, is below 2^-24 of sinh x there.
 */
// @ts-ignore: decorator
@inline function sinhHalf(x: f32): f32 {
  const x2 = x * x;
  return x + x * x2 * (SINH_C3 + x2 * (SINH_C5 + x2 * (SINH_C7 + x2 * SINH_C9)));
}

// @ts-ignore: decorator
@inline function vsinhHalf(vx: v128): v128 {
  const vx2 = f32x4.mul(vx, vx);
  let vp = vmadd(vx2, f32x4.splat(SINH_C9), f32x4.splat(SINH_C7));
  vp = vmadd(vx2, vp, f32x4.splat(SINH_C5));
  vp = vmadd(vx2, vp, f32x4.splat(SINH_C3));
  return f32x4.add(vx, f32x4.mul(f32x4.mul(vx, vx2), vp));
}

// The four log_cosh helpers below are functions, not @inline: each holds an exp and a log, and inlined into every
// loop of the family they cost 25 KB of the SIMD module (3.5 KB gzipped); a call per four lanes costs little
// beside them.

/** e^x and log1p for the log_cosh helpers, called (not inlined) so the module carries one copy of each for them. */
function expOne(x: f32): f32 {
  return expf(x);
}
function log1pOne(x: f32): f32 {
  return log1pf(x);
}
function vexpCall(vx: v128): v128 {
  return vexp(vx);
}
function vlog1pCall(vx: v128): v128 {
  return vlog1p(vx);
}

/** log(cosh a), a = |d| (see the header: two branches, both computed). */
function logCosh(a: f32): f32 {
  const s = sinhHalf(a * <f32>0.5);
  const small = a < 1;
  const y = small ? <f32>2 * s * s : expOne(<f32>-2 * a);
  return (small ? <f32>0 : a - LN2) + log1pOne(y);
}

function vlogCosh(va: v128): v128 {
  const vs = vsinhHalf(f32x4.mul(va, f32x4.splat(0.5)));
  const vsmall = f32x4.lt(va, f32x4.splat(1));
  const vy = v128.bitselect(f32x4.mul(f32x4.splat(2), f32x4.mul(vs, vs)), vexpCall(f32x4.mul(va, f32x4.splat(-2))), vsmall);
  return f32x4.add(v128.andnot(f32x4.sub(va, f32x4.splat(LN2)), vsmall), vlog1pCall(vy));
}

/** tanh(d), with d's sign (see the header). */
function tanhOf(d: f32): f32 {
  const a = Mathf.abs(d);
  const s = sinhHalf(a * <f32>0.5);
  const u = expOne(<f32>-2 * a);
  const small = a < 1;
  const num = small ? <f32>2 * s * Mathf.sqrt(<f32>1 + s * s) : <f32>1 - u;
  const den = small ? <f32>1 + <f32>2 * s * s : <f32>1 + u;
  return copysign<f32>(num / den, d);
}

function vtanh(vd: v128): v128 {
  const va = f32x4.abs(vd);
  const vs = vsinhHalf(f32x4.mul(va, f32x4.splat(0.5)));
  const vu = vexpCall(f32x4.mul(va, f32x4.splat(-2)));
  const vsmall = f32x4.lt(va, f32x4.splat(1));
  const vs2 = f32x4.mul(vs, vs);
  const vnum = v128.bitselect(f32x4.mul(f32x4.add(vs, vs), f32x4.sqrt(f32x4.add(f32x4.splat(1), vs2))), f32x4.sub(f32x4.splat(1), vu), vsmall);
  const vden = v128.bitselect(f32x4.add(f32x4.splat(1), f32x4.add(vs2, vs2)), f32x4.add(f32x4.splat(1), vu), vsmall);
  const vsignbit = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(f32x4.div(vnum, vden), vsignbit), v128.and(vd, vsignbit)); // copysign; NaN stays NaN
}

// @ts-ignore: decorator
@inline function loss(kind: i32, d: f32, t: f32, param: f32): f32 {
  if (kind == SQUARED) return d * d;
  if (kind == LOG_COSH) return logCosh(Mathf.abs(d));
  if (kind == ABSOLUTE) return Mathf.abs(d);
  if (kind == HUBER) {
    const a = Mathf.abs(d);
    const m = minNonNegative(a, param); // a NaN a gives δ here, and NaN from (a - m/2)
    return m * (a - m * 0.5);
  }
  return Mathf.abs(d) * 100 / maxNonNegative(Mathf.abs(t), EPSILON); // PERCENTAGE
}

// @ts-ignore: decorator
@inline function dloss(kind: i32, d: f32, t: f32, param: f32): f32 {
  if (kind == SQUARED) return d;
  if (kind == LOG_COSH) return tanhOf(d);
  if (kind == ABSOLUTE) {
    if (param == 0) return sign(d);
    return d != d ? d : (d > 0 ? <f32>1 : <f32>-1); // smooth_l1(β = 0): torch's `x <= -β` branch takes the tie
  }
  if (kind == HUBER) {
    // clamp(d, -δ, δ) = copysign(min(|d|, δ), d), and NaN stays NaN
    const a = Mathf.abs(d);
    return selectf(d, copysign<f32>(minNonNegative(a, param), d), a != a);
  }
  return sign(d) / maxNonNegative(Mathf.abs(t), EPSILON); // PERCENTAGE
}

// @ts-ignore: decorator
@inline function vloss(kind: i32, vd: v128, vt: v128, vparam: v128): v128 {
  if (kind == SQUARED) return f32x4.mul(vd, vd);
  if (kind == LOG_COSH) return vlogCosh(f32x4.abs(vd));
  if (kind == ABSOLUTE) return f32x4.abs(vd);
  if (kind == HUBER) {
    const va = f32x4.abs(vd);
    const vm = f32x4.pmin(va, vparam);
    return f32x4.mul(vm, f32x4.sub(va, f32x4.mul(vm, f32x4.splat(0.5))));
  }
  return f32x4.div(f32x4.mul(f32x4.abs(vd), f32x4.splat(100)), f32x4.pmax(f32x4.abs(vt), f32x4.splat(EPSILON)));
}

// @ts-ignore: decorator
@inline function vdloss(kind: i32, vd: v128, vt: v128, vparam: v128): v128 {
  if (kind == SQUARED) return vd;
  if (kind == LOG_COSH) return vtanh(vd);
  if (kind == ABSOLUTE) {
    // param != 0 selects torch's smooth_l1 backward at β = 0: -1 where d <= 0 (ties included), 1 where d > 0,
    // NaN kept; param = 0 is L1's sign(d) (0 at ties and NaN).
    const vsmooth = v128.bitselect(vd, v128.bitselect(f32x4.splat(1), f32x4.splat(-1), f32x4.gt(vd, f32x4.splat(0))), f32x4.ne(vd, vd));
    return v128.bitselect(vsmooth, vsign(vd), f32x4.ne(vparam, f32x4.splat(0)));
  }
  if (kind == HUBER) return f32x4.pmax(f32x4.pmin(vd, vparam), f32x4.neg(vparam));
  return f32x4.div(vsign(vd), f32x4.pmax(f32x4.abs(vt), f32x4.splat(EPSILON)));
}

// msle, f64 (see the header).
// @ts-ignore: decorator
@inline function log1pClipped(x: f32): f64 {
  return Math.log1p(Math.max(<f64>x, EPSILON_F64));
}

// @ts-ignore: decorator
@inline function squaredLogLoss(p: f32, t: f32): f64 {
  const e = log1pClipped(p) - log1pClipped(t);
  return e * e;
}

// @ts-ignore: decorator
@inline function squaredLogGrad(p: f32, t: f32): f64 {
  // maximum(p, ε) passes the gradient to p where p >= ε (ties to the first argument, as TF's _MaximumGrad).
  if (!(<f64>p >= EPSILON_F64)) return 0;
  return 2 * (log1pClipped(p) - log1pClipped(t)) / (1 + <f64>p);
}

// ---- loops: the shared skeletons of assembly/inline/elementwise_loops.ts, over this family's math; msle runs its
// own scalar f64 loops (see the header) ----

/** This family's math for the shared loops (assembly/inline/elementwise_loops.ts says what each method is). */
@final @unmanaged class Regression {
  // @ts-ignore: decorator
  @inline operand(kind: i32, p: f32, t: f32): f32 { return p - t; }
  // @ts-ignore: decorator
  @inline voperand(kind: i32, vp: v128, vt: v128): v128 { return f32x4.sub(vp, vt); }
  // @ts-ignore: decorator
  @inline loss(kind: i32, d: f32, t: f32, param: f32): f32 { return loss(kind, d, t, param); }
  // @ts-ignore: decorator
  @inline dloss(kind: i32, d: f32, t: f32, param: f32): f32 { return dloss(kind, d, t, param); }
  // @ts-ignore: decorator
  @inline vloss(kind: i32, vd: v128, vt: v128, vparam: v128, param: f32): v128 { return vloss(kind, vd, vt, vparam); }
  // @ts-ignore: decorator
  @inline vdloss(kind: i32, vd: v128, vt: v128, vparam: v128, param: f32): v128 { return vdloss(kind, vd, vt, vparam); }
  // @ts-ignore: decorator
  @inline gradFactor(kind: i32): f32 { return gradFactor(kind); }
  // @ts-ignore: decorator
  @inline signedTerms(kind: i32): bool { return false; }
  // @ts-ignore: decorator
  @inline narrowKind(kind: i32): i32 { return kind; }
  // @ts-ignore: decorator
  @inline tailCall(kind: i32): bool { return false; }
  // @ts-ignore: decorator
  @inline mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void { mapRange(kind, n, p, t, out, param, scale); }
  /** Σ f over a row, inlined: rows of a few columns are common here (Keras's per-sample means). */
  // @ts-ignore: decorator
  @inline rowSum(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 { return sumRange(kind, n, p, t, param); }
}

/** Σ f over n elements, in f64. */
// @ts-ignore: decorator
@inline function sumRange(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  let acc: f64 = 0;
  let i = 0;
  if (kind == SQUARED_LOG) {
    for (; i < n; i++) acc += squaredLogLoss(load<f32>(ptr(p, i)), load<f32>(ptr(t, i)));
    return acc;
  }
  return sumLoop<Regression>(kind, n, p, t, param);
}

/** out[i] = scale · f, elementwise. */
// @ts-ignore: decorator
@inline function mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  let i = 0;
  if (kind == SQUARED_LOG) {
    for (; i < n; i++) store<f32>(ptr(out, i), <f32>(squaredLogLoss(load<f32>(ptr(p, i)), load<f32>(ptr(t, i))) * scale));
    return;
  }
  mapLoop<Regression>(kind, n, p, t, out, param, scale);
}

// @ts-ignore: decorator
@inline function rowsKernel(kind: i32, rows: i32, cols: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  assert(rows >= 0 && cols >= 1, "expected rows >= 0 and cols >= 1");
  rowsLoop<Regression>(kind, rows, cols, p, t, out, param, scale);
}

/** grad[i] = scale · f'; returns Σ f in f64. */
// @ts-ignore: decorator
@inline function gradKernel(kind: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, scale: f64): f64 {
  assert(n >= 0, "expected n >= 0");
  if (kind == SQUARED_LOG) {
    let acc: f64 = 0;
    let i = 0;
    for (; i < n; i++) {
      const pi = load<f32>(ptr(p, i));
      const ti = load<f32>(ptr(t, i));
      acc += squaredLogLoss(pi, ti);
      store<f32>(ptr(grad, i), <f32>(squaredLogGrad(pi, ti) * scale));
    }
    return acc;
  }
  return gradLoop<Regression>(kind, n, p, t, grad, param, scale);
}

// ---- exports: the wasm ABI of this family ----

export function mse_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(SQUARED, n, pred, target, load<f32>(params)); }
export function mae_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(ABSOLUTE, n, pred, target, load<f32>(params)); }
export function huber_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(HUBER, n, pred, target, load<f32>(params)); }
export function mape_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(PERCENTAGE, n, pred, target, load<f32>(params)); }
export function msle_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(SQUARED_LOG, n, pred, target, load<f32>(params)); }

export function mse_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(SQUARED, rows, cols, pred, target, out, load<f32>(params), scale); }
export function mae_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(ABSOLUTE, rows, cols, pred, target, out, load<f32>(params), scale); }
export function huber_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(HUBER, rows, cols, pred, target, out, load<f32>(params), scale); }
export function mape_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(PERCENTAGE, rows, cols, pred, target, out, load<f32>(params), scale); }
export function msle_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(SQUARED_LOG, rows, cols, pred, target, out, load<f32>(params), scale); }

export function mse_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(SQUARED, n, pred, target, grad, load<f32>(params), scale); }
export function mae_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(ABSOLUTE, n, pred, target, grad, load<f32>(params), scale); }
export function huber_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(HUBER, n, pred, target, grad, load<f32>(params), scale); }
export function mape_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(PERCENTAGE, n, pred, target, grad, load<f32>(params), scale); }
export function msle_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(SQUARED_LOG, n, pred, target, grad, load<f32>(params), scale); }
export function log_cosh_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(LOG_COSH, n, pred, target, load<f32>(params)); }
export function log_cosh_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(LOG_COSH, rows, cols, pred, target, out, load<f32>(params), scale); }
export function log_cosh_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(LOG_COSH, n, pred, target, grad, load<f32>(params), scale); }
