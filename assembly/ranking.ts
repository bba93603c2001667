// Pairwise ranking losses: functions of two scores a, b (and a ±1 label y for margin ranking) that depend on
// d = a - b only, so ∂f/∂b = -∂f/∂a (docs/semantics.md §2 ch, bpr / phinge).
//
//   MARGIN_RANKING  torch MarginRankingLoss   z = -y·d + m,  f = max(z, 0)               ∂f/∂a = -y where z >= 0
//   BPR             Rendle et al. 2009        f = -log σ(d) = softplus(-d)               ∂f/∂a = -σ(-d)
//   PAIR_HINGE      pairwise hinge            z = m - d,     f = max(z, 0)               ∂f/∂a = -1 where z >= 0
// `param` is the margin m. MarginRankingLoss is `(-target * (input1 - input2) + margin).clamp_min_(0)` in
// aten/src/ATen/native/Loss.cpp; clamp_min passes the gradient at z = 0, as Keras's maximum does for the hinge.
// BPR ("BPR: Bayesian Personalized Ranking from Implicit Feedback", Rendle et al., UAI 2009) is softplus(-d)
// computed stably (assembly/inline/softplus.ts): d = -2e4 gives 2e4, d = 2e4 gives 0, never inf or NaN.
// The label y is read only by MARGIN_RANKING (the facade passes any pointer, e.g. 0, for the others).
//
// Kernels (pointers in bytes, counts in elements; `params` points at the loss's parameter block, whose one f32,
// `param` below, is the margin):
//   <loss>_sum_f32(n, a, b, y, params): f64                        Σ f
//   <loss>_map_f32(n, a, b, y, out, params, scale)                  out = scale · f
//   <loss>_grad_f32(n, a, b, y, ga, gb, params, scale): f64        ga = scale · ∂f/∂a, gb = -ga; returns Σ f

import { vaccumulate, hsum_f64x2 } from "./inline/hsum";
import { selectf } from "./inline/pminmax";
import { expNonPositive, log1pUnit, vexpNonPositive, vlog1pCompose, vlog1pNonNegative, vnegAbs } from "./inline/softplus";
import { at as ptr } from "./inline/ptr";

const MARGIN_RANKING: i32 = 0;
const BPR: i32 = 1;
const PAIR_HINGE: i32 = 2;


// ---- one lane ----

// @ts-ignore: decorator
@inline function loss(kind: i32, d: f32, y: f32, m: f32): f32 {
  if (kind == BPR) return selectf(0, -d, d > 0) + log1pUnit(expNonPositive(-Mathf.abs(d)));
  const z = kind == MARGIN_RANKING ? -y * d + m : m - d;
  return selectf(0, z, z < 0); // NaN stays NaN
}

// @ts-ignore: decorator
@inline function dloss(kind: i32, d: f32, y: f32, m: f32): f32 {
  if (kind == BPR) {
    // σ(-d) = 1/(1+e) where -d >= 0, e/(1+e) otherwise, e = e^-|d|
    const e = expNonPositive(-Mathf.abs(d));
    return -selectf(1, e, d <= 0) / (1 + e);
  }
  if (kind == MARGIN_RANKING) return selectf(-y, 0, -y * d + m >= 0);
  return selectf(-1, 0, m - d >= 0);
}

// ---- four lanes ----

/** e^-|d| for BPR (shared by its value and gradient); unused by the other kinds. */
// @ts-ignore: decorator
@inline function vexpAbs(kind: i32, vd: v128): v128 {
  return kind == BPR ? vexpNonPositive(vnegAbs(vd)) : f32x4.splat(0);
}

// @ts-ignore: decorator
@inline function vloss(kind: i32, vd: v128, vy: v128, vm: v128, ve: v128): v128 {
  const vzero = f32x4.splat(0);
  if (kind == BPR) return f32x4.add(f32x4.pmax(f32x4.neg(vd), vzero), vlog1pNonNegative(ve));
  const vz = kind == MARGIN_RANKING ? f32x4.add(f32x4.mul(f32x4.neg(vy), vd), vm) : f32x4.sub(vm, vd);
  return f32x4.pmax(vz, vzero); // NaN stays NaN
}

// @ts-ignore: decorator
@inline function vdloss(kind: i32, vd: v128, vy: v128, vm: v128, ve: v128): v128 {
  const vzero = f32x4.splat(0);
  const vone = f32x4.splat(1);
  if (kind == BPR) return f32x4.neg(f32x4.div(v128.bitselect(vone, ve, f32x4.le(vd, vzero)), f32x4.add(vone, ve)));
  const vz = kind == MARGIN_RANKING ? f32x4.add(f32x4.mul(f32x4.neg(vy), vd), vm) : f32x4.sub(vm, vd);
  const vg = kind == MARGIN_RANKING ? f32x4.neg(vy) : f32x4.splat(-1);
  return v128.and(vg, f32x4.ge(vz, vzero));
}

// ---- loops ----

/** d = a - b over the four pairs at byte `offset` from a and b (the vector loops' one load of the scores). */
// @ts-ignore: decorator
@inline function vdAt(a: usize, b: usize, offset: usize): v128 {
  return f32x4.sub(v128.load(a + offset), v128.load(b + offset));
}

/** The four labels at byte `offset` from y: read by MARGIN_RANKING only, ones for the other kinds. */
// @ts-ignore: decorator
@inline function vyAt(kind: i32, y: usize, offset: usize): v128 {
  return kind == MARGIN_RANKING ? v128.load(y + offset) : f32x4.splat(1);
}

// The scalar loops: the whole of the scalar build, and the tails after the SIMD loops (at most three pairs), which
// the SIMD build calls out of line (tailSum, tailMap, tailGrad: one function per loop shape, the kind a runtime
// argument, a call per kernel call, instead of a copy of the scalar math per kernel).

/** acc + Σ f over [i, n). */
// @ts-ignore: decorator
@inline function scalarSum(kind: i32, acc: f64, i: i32, n: i32, a: usize, b: usize, y: usize, m: f32): f64 {
  for (; i < n; i++) {
    const yi: f32 = kind == MARGIN_RANKING ? load<f32>(ptr(y, i)) : 1;
    acc += <f64>loss(kind, load<f32>(ptr(a, i)) - load<f32>(ptr(b, i)), yi, m);
  }
  return acc;
}

/** out[j] = f·s over [i, n). */
// @ts-ignore: decorator
@inline function scalarMap(kind: i32, i: i32, n: i32, a: usize, b: usize, y: usize, out: usize, m: f32, s: f32): void {
  for (; i < n; i++) {
    const yi: f32 = kind == MARGIN_RANKING ? load<f32>(ptr(y, i)) : 1;
    store<f32>(ptr(out, i), loss(kind, load<f32>(ptr(a, i)) - load<f32>(ptr(b, i)), yi, m) * s);
  }
}

/** ga[j] = f'·s, gb[j] = -ga[j] over [i, n); returns acc + Σ f. */
// @ts-ignore: decorator
@inline function scalarGrad(kind: i32, acc: f64, i: i32, n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, m: f32, s: f32): f64 {
  for (; i < n; i++) {
    const yi: f32 = kind == MARGIN_RANKING ? load<f32>(ptr(y, i)) : 1;
    const d = load<f32>(ptr(a, i)) - load<f32>(ptr(b, i));
    const g = dloss(kind, d, yi, m) * s;
    store<f32>(ptr(ga, i), g);
    store<f32>(ptr(gb, i), -g);
    acc += <f64>loss(kind, d, yi, m);
  }
  return acc;
}

function tailSum(kind: i32, i: i32, n: i32, a: usize, b: usize, y: usize, m: f32): f64 {
  return scalarSum(kind, 0, i, n, a, b, y, m);
}

function tailMap(kind: i32, i: i32, n: i32, a: usize, b: usize, y: usize, out: usize, m: f32, s: f32): void {
  scalarMap(kind, i, n, a, b, y, out, m, s);
}

function tailGrad(kind: i32, i: i32, n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, m: f32, s: f32): f64 {
  return scalarGrad(kind, 0, i, n, a, b, y, ga, gb, m, s);
}

// @ts-ignore: decorator
@inline function sumKernel(kind: i32, n: i32, a: usize, b: usize, y: usize, m: f32): f64 {
  assert(n >= 0, "expected n >= 0");
  let acc: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    let vacc0 = f64x2.splat(0);
    let vacc1 = f64x2.splat(0);
    if (kind == BPR) {
      // Σ softplus(-d) over 16 pairs = Σ max(-d, 0) + log1p(q), 1 + q = Π (1 + e^-|d|): one logarithm per four
      // vectors (assembly/inline/softplus.ts vlog1pCompose); every term is >= 0, so the f32 sums round at most a
      // few times relative to the result.
      const vzero = f32x4.splat(0);
      for (; i + 16 <= n; i += 16) {
        const ai = ptr(a, i);
        const bi = ptr(b, i);
        const vd0 = f32x4.sub(v128.load(ai), v128.load(bi));
        const vd1 = f32x4.sub(v128.load(ai, 16), v128.load(bi, 16));
        const vd2 = f32x4.sub(v128.load(ai, 32), v128.load(bi, 32));
        const vd3 = f32x4.sub(v128.load(ai, 48), v128.load(bi, 48));
        let vq = vexpNonPositive(vnegAbs(vd0));
        vq = vlog1pCompose(vq, vexpNonPositive(vnegAbs(vd1)));
        vq = vlog1pCompose(vq, vexpNonPositive(vnegAbs(vd2)));
        vq = vlog1pCompose(vq, vexpNonPositive(vnegAbs(vd3)));
        const vr01 = f32x4.add(f32x4.pmax(f32x4.neg(vd0), vzero), f32x4.pmax(f32x4.neg(vd1), vzero));
        const vr23 = f32x4.add(f32x4.pmax(f32x4.neg(vd2), vzero), f32x4.pmax(f32x4.neg(vd3), vzero));
        vacc0 = vaccumulate(vacc0, f32x4.add(vr01, vr23));
        vacc1 = vaccumulate(vacc1, vlog1pNonNegative(vq));
      }
    }
    for (; i + 8 <= n; i += 8) {
      const ai = ptr(a, i);
      const bi = ptr(b, i);
      const yi = ptr(y, i);
      const vd0 = vdAt(ai, bi, 0);
      const vd1 = vdAt(ai, bi, 16);
      const vy0 = vyAt(kind, yi, 0);
      const vy1 = vyAt(kind, yi, 16);
      vacc0 = vaccumulate(vacc0, vloss(kind, vd0, vy0, vm, vexpAbs(kind, vd0)));
      vacc1 = vaccumulate(vacc1, vloss(kind, vd1, vy1, vm, vexpAbs(kind, vd1)));
    }
    for (; i + 4 <= n; i += 4) {
      const vd = vdAt(ptr(a, i), ptr(b, i), 0);
      vacc0 = vaccumulate(vacc0, vloss(kind, vd, vyAt(kind, ptr(y, i), 0), vm, vexpAbs(kind, vd)));
    }
    return hsum_f64x2(f64x2.add(vacc0, vacc1)) + (i < n ? tailSum(kind, i, n, a, b, y, m) : 0);
  }
  return scalarSum(kind, acc, i, n, a, b, y, m);
}

// @ts-ignore: decorator
@inline function mapKernel(kind: i32, n: i32, a: usize, b: usize, y: usize, out: usize, m: f32, scale: f64): void {
  assert(n >= 0, "expected n >= 0");
  let i = 0;
  const s = <f32>scale;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    const vs = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) {
      const vd = vdAt(ptr(a, i), ptr(b, i), 0);
      v128.store(ptr(out, i), f32x4.mul(vloss(kind, vd, vyAt(kind, ptr(y, i), 0), vm, vexpAbs(kind, vd)), vs));
    }
    if (i < n) tailMap(kind, i, n, a, b, y, out, m, s);
    return;
  }
  scalarMap(kind, i, n, a, b, y, out, m, s);
}

// @ts-ignore: decorator
@inline function gradKernel(kind: i32, n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, m: f32, scale: f64): f64 {
  assert(n >= 0, "expected n >= 0");
  let acc: f64 = 0;
  let i = 0;
  const s = <f32>scale;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    const vs = f32x4.splat(s);
    let vacc0 = f64x2.splat(0);
    let vacc1 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const ai = ptr(a, i);
      const bi = ptr(b, i);
      const yi = ptr(y, i);
      const vd0 = vdAt(ai, bi, 0);
      const vd1 = vdAt(ai, bi, 16);
      const vy0 = vyAt(kind, yi, 0);
      const vy1 = vyAt(kind, yi, 16);
      const ve0 = vexpAbs(kind, vd0);
      const ve1 = vexpAbs(kind, vd1);
      const vg0 = f32x4.mul(vdloss(kind, vd0, vy0, vm, ve0), vs);
      const vg1 = f32x4.mul(vdloss(kind, vd1, vy1, vm, ve1), vs);
      vacc0 = vaccumulate(vacc0, vloss(kind, vd0, vy0, vm, ve0));
      vacc1 = vaccumulate(vacc1, vloss(kind, vd1, vy1, vm, ve1));
      v128.store(ptr(ga, i), vg0);
      v128.store(ptr(ga, i), vg1, 16);
      v128.store(ptr(gb, i), f32x4.neg(vg0));
      v128.store(ptr(gb, i), f32x4.neg(vg1), 16);
    }
    for (; i + 4 <= n; i += 4) {
      const vd = vdAt(ptr(a, i), ptr(b, i), 0);
      const vy = vyAt(kind, ptr(y, i), 0);
      const ve = vexpAbs(kind, vd);
      const vg = f32x4.mul(vdloss(kind, vd, vy, vm, ve), vs);
      vacc0 = vaccumulate(vacc0, vloss(kind, vd, vy, vm, ve));
      v128.store(ptr(ga, i), vg);
      v128.store(ptr(gb, i), f32x4.neg(vg));
    }
    return hsum_f64x2(f64x2.add(vacc0, vacc1)) + (i < n ? tailGrad(kind, i, n, a, b, y, ga, gb, m, s) : 0);
  }
  return scalarGrad(kind, acc, i, n, a, b, y, ga, gb, m, s);
}

// ---- exports ----

export function margin_ranking_sum_f32(n: i32, a: usize, b: usize, y: usize, params: usize): f64 { return sumKernel(MARGIN_RANKING, n, a, b, y, load<f32>(params)); }
export function bpr_sum_f32(n: i32, a: usize, b: usize, y: usize, params: usize): f64 { return sumKernel(BPR, n, a, b, y, load<f32>(params)); }
export function pair_hinge_sum_f32(n: i32, a: usize, b: usize, y: usize, params: usize): f64 { return sumKernel(PAIR_HINGE, n, a, b, y, load<f32>(params)); }

export function margin_ranking_map_f32(n: i32, a: usize, b: usize, y: usize, out: usize, params: usize, scale: f64): void { mapKernel(MARGIN_RANKING, n, a, b, y, out, load<f32>(params), scale); }
export function bpr_map_f32(n: i32, a: usize, b: usize, y: usize, out: usize, params: usize, scale: f64): void { mapKernel(BPR, n, a, b, y, out, load<f32>(params), scale); }
export function pair_hinge_map_f32(n: i32, a: usize, b: usize, y: usize, out: usize, params: usize, scale: f64): void { mapKernel(PAIR_HINGE, n, a, b, y, out, load<f32>(params), scale); }

export function margin_ranking_grad_f32(n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, params: usize, scale: f64): f64 { return gradKernel(MARGIN_RANKING, n, a, b, y, ga, gb, load<f32>(params), scale); }
export function bpr_grad_f32(n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, params: usize, scale: f64): f64 { return gradKernel(BPR, n, a, b, y, ga, gb, load<f32>(params), scale); }
export function pair_hinge_grad_f32(n: i32, a: usize, b: usize, y: usize, ga: usize, gb: usize, params: usize, scale: f64): f64 { return gradKernel(PAIR_HINGE, n, a, b, y, ga, gb, load<f32>(params), scale); }
