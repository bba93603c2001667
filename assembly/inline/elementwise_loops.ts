// The loops of every elementwise kernel triple (assembly/regression.ts, probability.ts, margin.ts):
//   <loss>_sum_f32(n, pred, target, param): f64                      Σ f                       sumLoop
//   <loss>_rows_f32(rows, cols, pred, target, out, param, scale)      out[r] = scale · Σ_c f    rowsLoop (cols = 1: mapLoop)
//   <loss>_grad_f32(n, pred, target, grad, param, scale): f64        grad = scale · f', Σ f    gradLoop
// written once here, and specialised per export: each loop is @inline and generic over the family's math M, and
// takes the kind as a compile-time constant, so that after inlining every export is one straight loop with no
// branch on the kind (the family's switch functions fold away).
//
// M is a family's math: an @unmanaged class that is never instantiated and holds no data. Its methods are
// called on changetype<M>(0) (AssemblyScript has no static members of a type parameter; a method that never
// reads `this` does not care what it is), all @inline:
//   operand(kind, p, t) / voperand(kind, vp, vt)   what f is a function of besides t: d = p - t (regression) or p
//   loss, dloss(kind, x, t, param): f32             f and f'/gradFactor, one lane
//   vloss, vdloss(kind, vx, vt, vparam, param)      the same, four lanes (vparam = splat(param), hoisted)
//   gradFactor(kind): f32                           a constant f' is divided by, folded into the gradient's scale
//   signedTerms(kind): bool                         f may be negative: the 16-lane body widens each vector on
//                                                   its own, with no f32 tree (which would cancel)
//   tailCall(kind): bool                            the SIMD build's scalar tail (at most 3 elements) is one
//                                                   out-of-line function per family and loop, the kind a run-time
//                                                   argument, instead of a copy per export (where f holds an exp or
//                                                   a log, a copy costs more bytes than the call costs time)
//   narrowKind(kind): i32                           the kind the sum's 4-lane loop and tail run: the kind itself,
//                                                   but for a variant only the 16-lane body needs (margin's SIGNED),
//                                                   whose loops after the body are then the same code as the plain
//                                                   kind's, which the optimizer keeps once
//   mapRange(kind, n, p, t, out, param, scale)      the family's map (its kinds outside these loops included)
//   rowSum(kind, n, p, t, param): f64               Σ f over one row of the rows kernel
//
// The shape of each loop (XNNPACK's f32 reduction kernels, with f64 accumulators: assembly/inline/hsum.ts): a body
// of 16 lanes (sum) or 8 (gradient) over two independent f64x2 chains, a loop of 4 lanes, a scalar tail; the
// scalar build runs the scalar loop alone (ASC_FEATURE_SIMD is false there). Every f accumulates in f64.
// The loops assert nothing: each family's kernels assert their arguments themselves, so that the debug build's
// message names the family's file (test/debug-build.test.ts).

import { hsum_f64x2, vaccumulate, vwiden_hi, vwiden_lo } from "./hsum";
import { at } from "./ptr";

// ---- the scalar loops: the tails of the SIMD loops and the whole of the scalar build ----

/** acc + Σ f over [i, n). */
// @ts-ignore: decorator
@inline function scalarSum<M>(kind: i32, acc: f64, i: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  const m = changetype<M>(0);
  for (; i < n; i++) {
    const ti = load<f32>(at(t, i));
    acc += <f64>m.loss(kind, m.operand(kind, load<f32>(at(p, i)), ti), ti, param);
  }
  return acc;
}

/** out[j] = f·s over [i, n). */
// @ts-ignore: decorator
@inline function scalarMap<M>(kind: i32, i: i32, n: i32, p: usize, t: usize, out: usize, param: f32, s: f32): void {
  const m = changetype<M>(0);
  for (; i < n; i++) {
    const ti = load<f32>(at(t, i));
    store<f32>(at(out, i), m.loss(kind, m.operand(kind, load<f32>(at(p, i)), ti), ti, param) * s);
  }
}

/** grad[j] = f'·s over [i, n); returns acc + Σ f. */
// @ts-ignore: decorator
@inline function scalarGrad<M>(kind: i32, acc: f64, i: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, s: f32): f64 {
  const m = changetype<M>(0);
  for (; i < n; i++) {
    const ti = load<f32>(at(t, i));
    const x = m.operand(kind, load<f32>(at(p, i)), ti);
    store<f32>(at(grad, i), m.dloss(kind, x, ti, param) * s);
    acc += <f64>m.loss(kind, x, ti, param);
  }
  return acc;
}

// The out-of-line tails (M.tailCall): one instance per family, the kind a run-time argument.
function tailSum<M>(kind: i32, i: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  return scalarSum<M>(kind, 0, i, n, p, t, param);
}
function tailMap<M>(kind: i32, i: i32, n: i32, p: usize, t: usize, out: usize, param: f32, s: f32): void {
  scalarMap<M>(kind, i, n, p, t, out, param, s);
}
function tailGrad<M>(kind: i32, i: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, s: f32): f64 {
  return scalarGrad<M>(kind, 0, i, n, p, t, grad, param, s);
}

// ---- the loops ----

/** Σ f over n elements, in f64. */
// @ts-ignore: decorator
@inline export function sumLoop<M>(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  const m = changetype<M>(0);
  let acc: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vparam = f32x4.splat(param);
    let vacc0 = f64x2.splat(0);
    let vacc1 = f64x2.splat(0);
    for (; i + 16 <= n; i += 16) {
      const pi = at(p, i);
      const ti = at(t, i);
      const vt0 = v128.load(ti);
      const vt1 = v128.load(ti, 16);
      const vt2 = v128.load(ti, 32);
      const vt3 = v128.load(ti, 48);
      const vf0 = m.vloss(kind, m.voperand(kind, v128.load(pi), vt0), vt0, vparam, param);
      const vf1 = m.vloss(kind, m.voperand(kind, v128.load(pi, 16), vt1), vt1, vparam, param);
      const vf2 = m.vloss(kind, m.voperand(kind, v128.load(pi, 32), vt2), vt2, vparam, param);
      const vf3 = m.vloss(kind, m.voperand(kind, v128.load(pi, 48), vt3), vt3, vparam, param);
      if (m.signedTerms(kind)) {
        // f of either sign: no f32 tree (cancellation), each vector widened on its own
        vacc0 = vaccumulate(vaccumulate(vacc0, vf0), vf1);
        vacc1 = vaccumulate(vaccumulate(vacc1, vf2), vf3);
      } else {
        // Every f here is >= 0, so a two-level f32 tree over the four vectors rounds at most twice relative to
        // the partial sum (<= 1.2e-7); then one widening of its halves into two independent f64x2 chains.
        const vf = f32x4.add(f32x4.add(vf0, vf1), f32x4.add(vf2, vf3));
        vacc0 = f64x2.add(vacc0, vwiden_lo(vf));
        vacc1 = f64x2.add(vacc1, vwiden_hi(vf));
      }
    }
    const narrow = m.narrowKind(kind);
    for (; i + 4 <= n; i += 4) {
      const vt = v128.load(at(t, i));
      vacc0 = vaccumulate(vacc0, m.vloss(narrow, m.voperand(narrow, v128.load(at(p, i)), vt), vt, vparam, param));
    }
    acc = hsum_f64x2(f64x2.add(vacc0, vacc1));
    if (m.tailCall(kind)) return acc + (i < n ? tailSum<M>(narrow, i, n, p, t, param) : 0);
  }
  return scalarSum<M>(m.narrowKind(kind), acc, i, n, p, t, param);
}

/** out[i] = scale · f, elementwise. */
// @ts-ignore: decorator
@inline export function mapLoop<M>(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  const m = changetype<M>(0);
  let i = 0;
  const s = <f32>scale;
  if (ASC_FEATURE_SIMD) {
    const vparam = f32x4.splat(param);
    const vs = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) {
      const vt = v128.load(at(t, i));
      v128.store(at(out, i), f32x4.mul(m.vloss(kind, m.voperand(kind, v128.load(at(p, i)), vt), vt, vparam, param), vs));
    }
    if (m.tailCall(kind)) {
      if (i < n) tailMap<M>(kind, i, n, p, t, out, param, s);
      return;
    }
  }
  scalarMap<M>(kind, i, n, p, t, out, param, s);
}

/** out[r] = scale · Σ_c f over rows of cols elements (cols = 1: the family's map). */
// @ts-ignore: decorator
@inline export function rowsLoop<M>(kind: i32, rows: i32, cols: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  const m = changetype<M>(0);
  if (cols == 1) {
    m.mapRange(kind, rows, p, t, out, param, scale);
    return;
  }
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    store<f32>(at(out, r), <f32>(m.rowSum(kind, cols, p, t, param) * scale));
    p += stride;
    t += stride;
  }
}

/** grad[i] = scale · f'; returns Σ f in f64. */
// @ts-ignore: decorator
@inline export function gradLoop<M>(kind: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, scale: f64): f64 {
  const m = changetype<M>(0);
  let acc: f64 = 0;
  let i = 0;
  const s = <f32>(scale * <f64>m.gradFactor(kind));
  if (ASC_FEATURE_SIMD) {
    const vparam = f32x4.splat(param);
    const vs = f32x4.splat(s);
    let vacc0 = f64x2.splat(0);
    let vacc1 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const pi = at(p, i);
      const ti = at(t, i);
      const gi = at(grad, i);
      const vt0 = v128.load(ti);
      const vt1 = v128.load(ti, 16);
      const vx0 = m.voperand(kind, v128.load(pi), vt0);
      const vx1 = m.voperand(kind, v128.load(pi, 16), vt1);
      v128.store(gi, f32x4.mul(m.vdloss(kind, vx0, vt0, vparam, param), vs));
      v128.store(gi, f32x4.mul(m.vdloss(kind, vx1, vt1, vparam, param), vs), 16);
      vacc0 = vaccumulate(vacc0, m.vloss(kind, vx0, vt0, vparam, param));
      vacc1 = vaccumulate(vacc1, m.vloss(kind, vx1, vt1, vparam, param));
    }
    for (; i + 4 <= n; i += 4) {
      const vt = v128.load(at(t, i));
      const vx = m.voperand(kind, v128.load(at(p, i)), vt);
      v128.store(at(grad, i), f32x4.mul(m.vdloss(kind, vx, vt, vparam, param), vs));
      vacc0 = vaccumulate(vacc0, m.vloss(kind, vx, vt, vparam, param));
    }
    acc = hsum_f64x2(f64x2.add(vacc0, vacc1));
    if (m.tailCall(kind)) return acc + (i < n ? tailGrad<M>(kind, i, n, p, t, grad, param, s) : 0);
  }
  return scalarGrad<M>(kind, acc, i, n, p, t, grad, param, s);
}
