// Binary focal cross-entropy (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017): Keras
// BinaryFocalCrossentropy (keras/src/losses/losses.py `binary_focal_crossentropy`) and torchvision's
// `sigmoid_focal_loss` (torchvision/ops/focal_loss.py). Per element, with y = t(1 - ls) + ls/2 the (smoothed) label:
//
//   m = 1 - p_t,  p_t = y·p + (1 - y)(1 - p)           the focal base; computed as y(1 - p) + (1 - y)p, or from
//                                                      e = exp(-|x|) on logits (below), never as 1 - p_t: p_t
//                                                      rounds to 1 long before 1 - p_t is 0
//   f = w · m^γ · b                                     w = y·α + (1 - y)(1 - α) when class-balanced, else 1
//
//   FOCAL         Keras, probabilities   b = Keras's clipped BCE of p (q = clip(p, ε, 1 - ε), 1 - ε in float64:
//                                        assembly/inline/binary_ce.ts); m from the raw p (Keras clips in b only)
//                                        f' = w·(m^γ·b' + b·γm^(γ-1)·(1 - 2y)),  b' = (q - y)/(q(1 - q)) inside
//                                        the clip, 0 outside
//   FOCAL_LOGITS  Keras fromLogits and   b = max(x, 0) - x·y + log1p(e): exact, as Keras's TF backend computes it
//                 torchvision            (sigmoid_cross_entropy_with_logits) and torchvision's BCE with logits;
//                                        m = (y·e + 1 - y)/(1 + e) for x >= 0, (y + (1 - y)e)/(1 + e) below
//                                        f' = w·(m^γ·(σ(x) - y) + b·γm^(γ-1)·(1 - 2y)·σ(x)σ(-x)), σ(x) - y as
//                                        (1 - y) - σ(-x) for x >= 0: no cancellation where σ(x) rounds to 1
//
// m^γ: γ = 2 (the default of both) is m·m; any other γ is exp(γ·log|m|), with pow's rules where that form is not:
// m = 0 gives 0^γ (1 for γ = 0, inf for γ < 0), m < 0 (a probability outside [0, 1], a soft label outside it)
// gives (-1)^γ·|m|^γ for an integer γ and NaN otherwise. γm^(γ-1) is γ·m^γ/m, and at m = 0 on probabilities (p
// is 0 or 1 and equals its label) what the frameworks' pow gradient gives there: 0 for γ > 1, 1 for γ = 1, and
// otherwise an infinity that their chain rule through p_t's two products turns into NaN (measured on TensorFlow
// 2.21 and torch 2.13), except torch's pow at the exponent 0, whose gradient is 0 (aten pow_backward), so
// torchvision's γ = 0 is plain BCE in value and gradient. On logits m is never 0 for a finite x: where
// exp(-|x|) underflows (|x| > 87.3) the focal term takes its limit, 0. (The frameworks' float32 1 - p_t is 0 from
// |x| = 16.6, float64's from 36.7, and their gradient NaN there for γ < 1: fastloss's stays finite.)
//
// params (4-byte fields): γ f32, α f32, ls f32, flags i32 (BALANCED: w as above; TORCH_POW: torch's pow gradient
// at γ = 0). The loops (assembly/inline/elementwise_loops.ts) carry γ as their parameter; the other fields are read
// into globals by each export before its loop (each thread's instance reads them from the shared block).
//
// Kernels: focal_{sum,rows,grad}_f32 and focal_logits_{sum,rows,grad}_f32, the elementwise contract of
// assembly/regression.ts.

import { gradLoop, mapLoop, rowsLoop, sumLoop } from "./inline/elementwise_loops";
import { bceProbability, dbceProbability, vbceProbability, vdbceProbability } from "./inline/binary_ce";
import { expf, expnegf, log1pf, logf, vexp, vexpneg, vlog, vlog1p } from "./inline/exp";
import { exp64, log64 } from "./inline/f64math";
import { at, rowAt } from "./inline/ptr";
import { runRowKernel } from "./inline/row_abi";

const FOCAL: i32 = 0;
const FOCAL_LOGITS: i32 = 1;

/** flags: the class-balancing weight w applies. */
const BALANCED: i32 = 1;
/** flags: torch's pow, whose gradient at the exponent 0 is 0 (TensorFlow's is 0·m^-1: NaN at m = 0). */
const TORCH_POW: i32 = 2;

// The loss's fields besides γ, read from its params block by each export (setup).
let alpha: f32 = 0;
let smoothing: f32 = 0;
let balanced: bool = false;
/** m^γ at m = 0, and γm^(γ-1) there (see the header). */
let powAtZero: f32 = 0;
let dpowAtZero: f32 = 0;
/** (-1)^γ: the sign of m^γ for m < 0, NaN for a γ that is not an integer. */
let negativeSign: f32 = 1;

function setup(params: usize): f32 {
  const gamma = load<f32>(params);
  alpha = load<f32>(params, 4);
  smoothing = load<f32>(params, 8);
  const flags = load<i32>(params, 12);
  balanced = (flags & BALANCED) != 0;
  powAtZero = gamma > 0 ? 0 : gamma == 0 ? 1 : Infinity;
  if (gamma == 0) dpowAtZero = (flags & TORCH_POW) != 0 ? 0 : NaN;
  else dpowAtZero = gamma > 1 ? 0 : gamma == 1 ? 1 : NaN;
  const integral = Mathf.floor(gamma) == gamma;
  negativeSign = !integral ? NaN : Mathf.abs(gamma) < 16777216 && (<i32>gamma & 1) != 0 ? -1 : 1; // from 2^24 every f32 is even
  return gamma;
}

// ---- m^γ and γm^(γ-1), one lane and four ----

// @ts-ignore: decorator
@inline function powm(m: f32, gamma: f32): f32 {
  if (gamma == 2) return m * m;
  let r = expf(gamma * logf(Mathf.abs(m)));
  if (m < 0) r *= negativeSign;
  return m == 0 ? powAtZero : r;
}

// @ts-ignore: decorator
@inline function dpowm(m: f32, pw: f32, gamma: f32): f32 {
  if (gamma == 2) return m + m;
  return m == 0 ? dpowAtZero : gamma * pw / m;
}

// @ts-ignore: decorator
@inline function vpowm(vm: v128, gamma: f32, vgamma: v128): v128 {
  if (gamma == 2) return f32x4.mul(vm, vm);
  let vr = vexp(f32x4.mul(vgamma, vlog(f32x4.abs(vm))));
  vr = v128.bitselect(f32x4.mul(vr, f32x4.splat(negativeSign)), vr, f32x4.lt(vm, f32x4.splat(0)));
  return v128.bitselect(f32x4.splat(powAtZero), vr, f32x4.eq(vm, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function vdpowm(vm: v128, vpw: v128, gamma: f32, vgamma: v128): v128 {
  if (gamma == 2) return f32x4.add(vm, vm);
  return v128.bitselect(f32x4.splat(dpowAtZero), f32x4.div(f32x4.mul(vgamma, vpw), vm), f32x4.eq(vm, f32x4.splat(0)));
}

// ---- the label, the class weight, the focal base ----

// @ts-ignore: decorator
@inline function smooth(t: f32): f32 {
  return t * (<f32>1 - smoothing) + <f32>0.5 * smoothing;
}

// @ts-ignore: decorator
@inline function vsmooth(vt: v128): v128 {
  return f32x4.add(f32x4.mul(vt, f32x4.splat(<f32>1 - smoothing)), f32x4.splat(<f32>0.5 * smoothing));
}

/** w = y·α + (1 - y)(1 - α), or 1. */
// @ts-ignore: decorator
@inline function weight(y: f32): f32 {
  return balanced ? y * alpha + (<f32>1 - y) * (<f32>1 - alpha) : 1;
}

// @ts-ignore: decorator
@inline function vweight(vy: v128): v128 {
  if (!balanced) return f32x4.splat(1);
  return f32x4.add(f32x4.mul(vy, f32x4.splat(alpha)), f32x4.mul(f32x4.sub(f32x4.splat(1), vy), f32x4.splat(<f32>1 - alpha)));
}

/** m = y(1 - p) + (1 - y)p: 1 - p_t without the cancellation. */
// @ts-ignore: decorator
@inline function baseOfProbability(p: f32, y: f32): f32 {
  return y * (<f32>1 - p) + (<f32>1 - y) * p;
}

// @ts-ignore: decorator
@inline function vbaseOfProbability(vp: v128, vy: v128): v128 {
  const vone = f32x4.splat(1);
  return f32x4.add(f32x4.mul(vy, f32x4.sub(vone, vp)), f32x4.mul(f32x4.sub(vone, vy), vp));
}

// ---- f and f', one lane (the SIMD loops' tails and the scalar build; called, not inlined, as the vector forms) ----

// @ts-ignore: decorator
@inline function loss32(kind: i32, p: f32, t: f32, gamma: f32): f32 {
  return kind == FOCAL ? lossOfProbability(p, t, gamma) : lossOfLogits(p, t, gamma);
}

// @ts-ignore: decorator
@inline function dloss32(kind: i32, p: f32, t: f32, gamma: f32): f32 {
  return kind == FOCAL ? dlossOfProbability(p, t, gamma) : dlossOfLogits(p, t, gamma);
}

function lossOfProbability(p: f32, t: f32, gamma: f32): f32 {
  const y = smooth(t);
  return weight(y) * powm(baseOfProbability(p, y), gamma) * bceProbability(p, y);
}

function lossOfLogits(x: f32, t: f32, gamma: f32): f32 {
  const y = smooth(t);
  const e = expnegf(-Mathf.abs(x));
  const r = <f32>1 / (<f32>1 + e);
  const b = ((x > 0 ? x : 0) - x * y) + log1pf(e);
  const m = (x >= 0 ? y * e + (<f32>1 - y) : y + (<f32>1 - y) * e) * r;
  return weight(y) * powm(m, gamma) * b;
}

function dlossOfProbability(p: f32, t: f32, gamma: f32): f32 {
  const y = smooth(t);
  const m = baseOfProbability(p, y);
  const pw = powm(m, gamma);
  return weight(y) * (pw * dbceProbability(p, y) + bceProbability(p, y) * dpowm(m, pw, gamma) * (<f32>1 - (y + y)));
}

function dlossOfLogits(x: f32, t: f32, gamma: f32): f32 {
  const y = smooth(t);
  const e = expnegf(-Mathf.abs(x));
  const r = <f32>1 / (<f32>1 + e);
  const b = ((x > 0 ? x : 0) - x * y) + log1pf(e);
  const m = (x >= 0 ? y * e + (<f32>1 - y) : y + (<f32>1 - y) * e) * r;
  const er = e * r;
  const sigmoidMinusY = x >= 0 ? (<f32>1 - y) - er : er - y;
  const pw = powm(m, gamma);
  // m = 0 only where exp(-|x|) underflowed (never for a finite x): the focal term's limit there is 0
  const dpow = m == 0 ? <f32>0 : dpowm(m, pw, gamma);
  return weight(y) * (pw * sigmoidMinusY + b * dpow * (<f32>1 - (y + y)) * (er * r));
}

// ---- f and f', four lanes ----

// @ts-ignore: decorator
@inline function vloss(kind: i32, vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  return kind == FOCAL ? vlossOfProbability(vp, vt, gamma, vgamma) : vlossOfLogits(vp, vt, gamma, vgamma);
}

// @ts-ignore: decorator
@inline function vdloss(kind: i32, vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  return kind == FOCAL ? vdlossOfProbability(vp, vt, gamma, vgamma) : vdlossOfLogits(vp, vt, gamma, vgamma);
}

// Inlined into each loop (the loops' 16- and 8-lane bodies keep four and two exp chains in flight): out of line,
// one copy per kind, the part was 4.4 KB gzipped instead of 9.1 KB, and a forward over 16M logits took 118 ms
// instead of 69 ms (measured, Node 20, simd build: a call per four lanes spills its v128 arguments and serialises
// the chains). A page pays the bytes only when it loads a focal loss.

// @ts-ignore: decorator
@inline function vlossOfProbability(vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  const vy = vsmooth(vt);
  return f32x4.mul(f32x4.mul(vweight(vy), vpowm(vbaseOfProbability(vp, vy), gamma, vgamma)), vbceProbability(vp, vy));
}

// @ts-ignore: decorator
@inline function vlossOfLogits(vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  const vone = f32x4.splat(1);
  const vy = vsmooth(vt);
  const ve = vexpneg(f32x4.neg(f32x4.abs(vp)));
  const vr = f32x4.div(vone, f32x4.add(vone, ve));
  const vb = f32x4.add(f32x4.sub(f32x4.pmax(vp, f32x4.splat(0)), f32x4.mul(vp, vy)), vlog1p(ve));
  const vnoty = f32x4.sub(vone, vy);
  const vpos = f32x4.ge(vp, f32x4.splat(0));
  const vm = f32x4.mul(v128.bitselect(f32x4.add(f32x4.mul(vy, ve), vnoty), f32x4.add(vy, f32x4.mul(vnoty, ve)), vpos), vr);
  return f32x4.mul(f32x4.mul(vweight(vy), vpowm(vm, gamma, vgamma)), vb);
}

// @ts-ignore: decorator
@inline function vdlossOfProbability(vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  const vy = vsmooth(vt);
  const vside = f32x4.sub(f32x4.splat(1), f32x4.add(vy, vy));
  const vm = vbaseOfProbability(vp, vy);
  const vpw = vpowm(vm, gamma, vgamma);
  const vfocal = f32x4.mul(f32x4.mul(vbceProbability(vp, vy), vdpowm(vm, vpw, gamma, vgamma)), vside);
  return f32x4.mul(vweight(vy), f32x4.add(f32x4.mul(vpw, vdbceProbability(vp, vy)), vfocal));
}

// @ts-ignore: decorator
@inline function vdlossOfLogits(vp: v128, vt: v128, gamma: f32, vgamma: v128): v128 {
  const vone = f32x4.splat(1);
  const vy = vsmooth(vt);
  const vside = f32x4.sub(vone, f32x4.add(vy, vy));
  const ve = vexpneg(f32x4.neg(f32x4.abs(vp)));
  const vr = f32x4.div(vone, f32x4.add(vone, ve));
  const vb = f32x4.add(f32x4.sub(f32x4.pmax(vp, f32x4.splat(0)), f32x4.mul(vp, vy)), vlog1p(ve));
  const vnoty = f32x4.sub(vone, vy);
  const vpos = f32x4.ge(vp, f32x4.splat(0)); // NaN: false, and e is NaN
  const vm = f32x4.mul(v128.bitselect(f32x4.add(f32x4.mul(vy, ve), vnoty), f32x4.add(vy, f32x4.mul(vnoty, ve)), vpos), vr);
  const ver = f32x4.mul(ve, vr); // σ(-|x|)
  // σ(x) - y as (1 - y) - σ(-x) for x >= 0 and σ(x) - y below: no cancellation where σ(x) rounds to 1
  const vsigmoidMinusY = v128.bitselect(f32x4.sub(vnoty, ver), f32x4.sub(ver, vy), vpos);
  const vpw = vpowm(vm, gamma, vgamma);
  const vslope = f32x4.mul(ver, vr); // σ(x)σ(-x)
  // m = 0 only where exp(-|x|) underflowed (never for a finite x): the focal term's limit there is 0
  const vdpow = v128.andnot(vdpowm(vm, vpw, gamma, vgamma), f32x4.eq(vm, f32x4.splat(0)));
  const vfocal = f32x4.mul(f32x4.mul(f32x4.mul(vb, vdpow), vside), vslope);
  return f32x4.mul(vweight(vy), f32x4.add(f32x4.mul(vpw, vsigmoidMinusY), vfocal));
}

// ---- loops: the shared skeletons of assembly/inline/elementwise_loops.ts, with γ as their parameter ----

/** This family's math for the shared loops (assembly/inline/elementwise_loops.ts says what each method is). */
@final @unmanaged class Focal {
  // @ts-ignore: decorator
  @inline operand(kind: i32, p: f32, t: f32): f32 { return p; }
  // @ts-ignore: decorator
  @inline voperand(kind: i32, vp: v128, vt: v128): v128 { return vp; }
  // @ts-ignore: decorator
  @inline loss(kind: i32, p: f32, t: f32, gamma: f32): f32 { return loss32(kind, p, t, gamma); }
  // @ts-ignore: decorator
  @inline dloss(kind: i32, p: f32, t: f32, gamma: f32): f32 { return dloss32(kind, p, t, gamma); }
  // @ts-ignore: decorator
  @inline vloss(kind: i32, vp: v128, vt: v128, vgamma: v128, gamma: f32): v128 { return vloss(kind, vp, vt, gamma, vgamma); }
  // @ts-ignore: decorator
  @inline vdloss(kind: i32, vp: v128, vt: v128, vgamma: v128, gamma: f32): v128 { return vdloss(kind, vp, vt, gamma, vgamma); }
  // @ts-ignore: decorator
  @inline gradFactor(kind: i32): f32 { return 1; }
  /** f >= 0 wherever p, y and α are in [0, 1] (Keras does not check α: a weight outside gives terms of either sign). */
  // @ts-ignore: decorator
  @inline signedTerms(kind: i32): bool { return false; }
  // @ts-ignore: decorator
  @inline narrowKind(kind: i32): i32 { return kind; }
  /** The scalar exp and log of a tail are worth a call, not a copy per kernel. */
  // @ts-ignore: decorator
  @inline tailCall(kind: i32): bool { return true; }
  // @ts-ignore: decorator
  @inline mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, gamma: f32, scale: f64): void { mapLoop<Focal>(kind, n, p, t, out, gamma, scale); }
  // @ts-ignore: decorator
  @inline rowSum(kind: i32, n: i32, p: usize, t: usize, gamma: f32): f64 { return sumOfKind(kind, n, p, t, gamma); }
}

/** Σ f of a kind: the one copy of each kind's sum loop (its sum kernel and its rows kernel's rows call it). */
function sumOfKind(kind: i32, n: i32, p: usize, t: usize, gamma: f32): f64 {
  if (kind == FOCAL) return sumLoop<Focal>(FOCAL, n, p, t, gamma);
  return sumLoop<Focal>(FOCAL_LOGITS, n, p, t, gamma);
}

// @ts-ignore: decorator
@inline function rowsKernel(kind: i32, rows: i32, cols: i32, p: usize, t: usize, out: usize, params: usize, scale: f64): void {
  assert(rows >= 0 && cols >= 1, "expected rows >= 0 and cols >= 1");
  rowsLoop<Focal>(kind, rows, cols, p, t, out, setup(params), scale);
}

// @ts-ignore: decorator
@inline function gradKernel(kind: i32, n: i32, p: usize, t: usize, grad: usize, params: usize, scale: f64): f64 {
  assert(n >= 0, "expected n >= 0");
  return gradLoop<Focal>(kind, n, p, t, grad, setup(params), scale);
}

// ---- exports ----

export function focal_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(FOCAL, n, pred, target, setup(params)); }
export function focal_logits_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(FOCAL_LOGITS, n, pred, target, setup(params)); }

export function focal_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(FOCAL, rows, cols, pred, target, out, params, scale); }
export function focal_logits_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(FOCAL_LOGITS, rows, cols, pred, target, out, params, scale); }

export function focal_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(FOCAL, n, pred, target, grad, params, scale); }
export function focal_logits_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(FOCAL_LOGITS, n, pred, target, grad, params, scale); }

// ---- categorical focal cross-entropy, per row (the row ABI of src/engines/rows.ts) ----
//
// Keras `categorical_focal_crossentropy` (keras/src/losses/losses.py), and the sparse form fastloss adds (its
// labels one-hot: keras-team/keras#23442), over rows of C classes along `axis`:
//   s = softmax(x) on logits, else x;  o = s / Σ s (Keras renormalises, after a softmax too);  q = clip(o, ε, 1 - ε)
//   y = t(1 - ls) + ls/K (K = the size of pred's last axis, whatever the axis: Keras's quirk)
//   l = Σ_c α_c·(1 - q_c)^γ·(-y_c·log q_c)          (α_c: the class weights when given, else α)
//   g_c = ∂l/∂o_c = α_c·(γ(1 - q_c)^(γ-1)·y_c·log q_c - (1 - q_c)^γ·y_c/q_c) inside the clip, 0 outside
//   ∂l/∂s_j = (g_j - Σ_c g_c·o_c)/S;  on logits ∂l/∂x_j = s_j·(∂l/∂s_j - Σ_c s_c·∂l/∂s_c) = s_j·(g_j - G)/S
// (the softmax's own term vanishes: Σ_c s_c·(g_c - G)/S = 0 when o = s/S). f64 per element, as Keras on float64
// inputs (1 - ε = 1 - 1e-7 exactly); a row of zero probabilities is 0/0: NaN, as Keras.
// params: p0 = ls, p1 = K, the ignored label (sparse), then γ (f32, +12), α (f32, +16), flags (i32, +20: LOGITS,
// SPARSE). Rows whose label is the ignored one get l = 0 and a zero gradient (Keras's mask: the engine divides).

const LOGITS_ROWS: i32 = 1;
const SPARSE_ROWS: i32 = 2;
const EPSILON64: f64 = 1e-7;
const ONE_MINUS_EPSILON64: f64 = 1 - 1e-7;

let rowGamma: f64 = 2;
let rowAlpha: f64 = 0.25;
let rowFlags: i32 = 0;

/** (1 - q)^γ for q in [ε, 1 - ε] (a positive base: exp and log are exact enough). */
// @ts-ignore: decorator
@inline function focalPow(u: f64, gamma: f64): f64 {
  return gamma == 2 ? u * u : gamma == 0 ? 1 : exp64(gamma * log64(u));
}

/** α·(1 - q)^γ·(-y·log q), q = clip(o). */
// @ts-ignore: decorator
@inline function focalTerm(o: f64, y: f64, a: f64, gamma: f64): f64 {
  const q = Math.min(Math.max(o, EPSILON64), ONE_MINUS_EPSILON64); // NaN stays NaN
  return -a * focalPow(1 - q, gamma) * y * log64(q);
}

/** ∂/∂o of focalTerm: 0 outside the clip (its bounds included in it, as TensorFlow's clip gradient). */
// @ts-ignore: decorator
@inline function focalSlope(o: f64, y: f64, a: f64, gamma: f64): f64 {
  if (!(o >= EPSILON64 && o <= ONE_MINUS_EPSILON64)) return o != o ? o : 0;
  const u = 1 - o;
  const pw = focalPow(u, gamma);
  return a * (gamma * (pw / u) * y * log64(o) - pw * y / o);
}

function categoricalFocalRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  const logits = (rowFlags & LOGITS_ROWS) != 0;
  const sparse = (rowFlags & SPARSE_ROWS) != 0;
  const ls = <f64>p0;
  const smoothing = ls / <f64>p1; // ls/K
  const gamma = rowGamma;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const g: usize = grad != 0 ? rowAt(grad, o, C, gs, i) : 0;
      const label = sparse ? load<i32>(at(target, r)) : 0;
      const t: usize = sparse ? 0 : rowAt(target, o, C, ts, i);
      if (sparse && label == ignore) {
        store<f32>(at(out, r), 0);
        if (g != 0) for (let c = 0; c < C; c++) store<f32>(at(g, c * gs), 0);
        continue;
      }
      // s (softmax or as given) and S
      let max: f64 = -Infinity;
      if (logits) for (let c = 0; c < C; c++) max = Math.max(max, <f64>load<f32>(at(p, c * ps)));
      let S: f64 = 0;
      for (let c = 0; c < C; c++) {
        const x = <f64>load<f32>(at(p, c * ps));
        S += logits ? exp64(x - max) : x;
      }
      // l, and G = Σ_c g_c·o_c for the gradient (g_c recomputed below rather than kept in f32)
      let l: f64 = 0;
      let G: f64 = 0;
      for (let c = 0; c < C; c++) {
        const x = <f64>load<f32>(at(p, c * ps));
        const oc = (logits ? exp64(x - max) : x) / S;
        const yc = (sparse ? (c == label ? 1 - ls : 0) : <f64>load<f32>(at(t, c * ts)) * (1 - ls)) + smoothing;
        const ac = weights != 0 ? <f64>load<f32>(at(weights, c)) : rowAlpha;
        l += focalTerm(oc, yc, ac, gamma);
        if (g != 0) G += focalSlope(oc, yc, ac, gamma) * oc;
      }
      const w: f64 = rowScale != 0 ? <f64>load<f32>(at(rowScale, r)) : 1;
      total += l * w;
      store<f32>(at(out, r), <f32>l);
      if (g == 0) continue;
      const factor = <f64>scale * w / S;
      for (let c = 0; c < C; c++) {
        const x = <f64>load<f32>(at(p, c * ps));
        const e = logits ? exp64(x - max) : x;
        const yc = (sparse ? (c == label ? 1 - ls : 0) : <f64>load<f32>(at(t, c * ts)) * (1 - ls)) + smoothing;
        const ac = weights != 0 ? <f64>load<f32>(at(weights, c)) : rowAlpha;
        const d = focalSlope(e / S, yc, ac, gamma) - G;
        store<f32>(at(g, c * gs), <f32>(factor * (logits ? e * d : d)));
      }
    }
  }
  return total;
}

/** categorical_focal_f32(frame, params): the row ABI (assembly/inline/row_abi.ts); the fields past it set here. */
export function categorical_focal_f32(frame: usize, params: usize): f64 {
  rowGamma = <f64>load<f32>(params, 12);
  rowAlpha = <f64>load<f32>(params, 16);
  rowFlags = load<i32>(params, 20);
  return runRowKernel(categoricalFocalRows, frame, params);
}
