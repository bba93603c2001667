// The overlap losses' kernels: Keras Dice and Tversky (keras/src/losses/losses.py `dice`, `tversky`; Milletari et
// al. 2016, Salehi et al. 2017). Both are functions of three sums per group of elements (a group: every element
// that the loss's `axis` reduces to one value):
//
//   TP = Σ y·p,   Y = Σ y,   P = Σ p        (y the target, p the prediction)
//
// Dice = 1 - 2·TP/(Y + P + ε) and Tversky = 1 - TP/(TP + α·(Y - TP) + β·(P - TP) + ε), since Keras's
// Σ y(1 - p) is Y - TP and Σ (1 - y)p is P - TP. The facade (src/losses/overlap.part.ts) turns the sums into the
// values, and each group's gradient into two coefficients: ∂l/∂p_i = a·y_i + b for every element of the group
// (the value is a function of the three sums, each linear in p_i with a slope of y_i, 0 or 1).
//
// The data of a call is a contiguous block [O, R, I]: O·I groups, each the R elements at stride I (group
// g = o·I + i). The facade cuts any reduction into such blocks (a reduced run of axes between two kept runs), a
// tile at a time. Sums accumulate in f64: within 2e-7 relative of the exact sums for inputs of one sign, whatever
// their number (groupSums says how its 16-element body rounds; the other loops round nothing but the f64 adds).
//
//   overlap_sums_f32(O, R, I, pred, target, acc, planes)     acc[g], acc[planes + g], acc[2·planes + g] += TP, Y, P
//   overlap_grad_f32(O, R, I, target, grad, coef, planes)    grad = a[g]·y + b[g]: a = coef[g], b = coef[planes + g]
//
// acc and coef are f64 arrays (byte offsets), laid out as planes `planes` elements apart: the facade calls the
// kernels on sub-blocks of one call's groups, so the planes' stride is the call's group count, not the block's.

import { hsum_f64x2, vwiden_hi, vwiden_lo } from "./inline/hsum";
import { at, at64 } from "./inline/ptr";

/** TP, Y, P of one group of n contiguous elements (I = 1), added to the group's three accumulators. */
// @ts-ignore: decorator
@inline function groupSums(n: i32, p: usize, t: usize, acc: usize, plane: usize): void {
  let tp: f64 = 0;
  let sy: f64 = 0;
  let sp: f64 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let vtp0 = f64x2.splat(0);
    let vtp1 = f64x2.splat(0);
    let vy0 = f64x2.splat(0);
    let vy1 = f64x2.splat(0);
    let vp0 = f64x2.splat(0);
    let vp1 = f64x2.splat(0);
    // 16 elements: each sum a two-level f32 tree over four vectors (the products y·p rounded once in f32), then
    // one widening of its halves into f64 chains, as assembly/inline/elementwise_loops.ts sumLoop: each rounding
    // is at most 2^-24 of the partial sum it makes, so for inputs of one sign (masks and probabilities) every sum is
    // within ~2e-7 relative of its exact value, and for inputs of either sign the roundings are as many small random
    // terms (a 2^21-element sum of uniform [-1, 1] data agrees with float64 to ~1e-8: test/overlap.test.ts). Half the
    // work of widening every element first: 6.6 -> 4.x ms over 16M elements in place (bench/overlap.mjs).
    for (; j + 16 <= n; j += 16) {
      const pj = at(p, j);
      const tj = at(t, j);
      const p0 = v128.load(pj);
      const p1 = v128.load(pj, 16);
      const p2 = v128.load(pj, 32);
      const p3 = v128.load(pj, 48);
      const t0 = v128.load(tj);
      const t1 = v128.load(tj, 16);
      const t2 = v128.load(tj, 32);
      const t3 = v128.load(tj, 48);
      const vtp = f32x4.add(f32x4.add(f32x4.mul(p0, t0), f32x4.mul(p1, t1)), f32x4.add(f32x4.mul(p2, t2), f32x4.mul(p3, t3)));
      const vy = f32x4.add(f32x4.add(t0, t1), f32x4.add(t2, t3));
      const vp = f32x4.add(f32x4.add(p0, p1), f32x4.add(p2, p3));
      vtp0 = f64x2.add(vtp0, vwiden_lo(vtp));
      vtp1 = f64x2.add(vtp1, vwiden_hi(vtp));
      vy0 = f64x2.add(vy0, vwiden_lo(vy));
      vy1 = f64x2.add(vy1, vwiden_hi(vy));
      vp0 = f64x2.add(vp0, vwiden_lo(vp));
      vp1 = f64x2.add(vp1, vwiden_hi(vp));
    }
    // 4 elements: each widened on its own, the product exact in f64
    for (; j + 4 <= n; j += 4) {
      const vp = v128.load(at(p, j));
      const vt = v128.load(at(t, j));
      const plo = vwiden_lo(vp);
      const phi = vwiden_hi(vp);
      const tlo = vwiden_lo(vt);
      const thi = vwiden_hi(vt);
      vtp0 = f64x2.add(vtp0, f64x2.mul(plo, tlo));
      vtp1 = f64x2.add(vtp1, f64x2.mul(phi, thi));
      vy0 = f64x2.add(vy0, tlo);
      vy1 = f64x2.add(vy1, thi);
      vp0 = f64x2.add(vp0, plo);
      vp1 = f64x2.add(vp1, phi);
    }
    tp = hsum_f64x2(f64x2.add(vtp0, vtp1));
    sy = hsum_f64x2(f64x2.add(vy0, vy1));
    sp = hsum_f64x2(f64x2.add(vp0, vp1));
  }
  for (; j < n; j++) {
    const pj = <f64>load<f32>(at(p, j));
    const tj = <f64>load<f32>(at(t, j));
    tp += pj * tj;
    sy += tj;
    sp += pj;
  }
  store<f64>(acc, load<f64>(acc) + tp);
  store<f64>(acc + plane, load<f64>(acc + plane) + sy);
  store<f64>(acc + 2 * plane, load<f64>(acc + 2 * plane) + sp);
}

/** One row of I contiguous elements, each its own group (i), added to the groups' accumulators from `acc`. */
// @ts-ignore: decorator
@inline function rowSums(I: i32, p: usize, t: usize, acc: usize, plane: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= I; i += 4) {
      const vp = v128.load(at(p, i));
      const vt = v128.load(at(t, i));
      const plo = vwiden_lo(vp);
      const phi = vwiden_hi(vp);
      const tlo = vwiden_lo(vt);
      const thi = vwiden_hi(vt);
      const a = at64(acc, i);
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(plo, tlo)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(phi, thi)), 16);
      const ay = a + plane;
      v128.store(ay, f64x2.add(v128.load(ay), tlo));
      v128.store(ay, f64x2.add(v128.load(ay, 16), thi), 16);
      const ap = ay + plane;
      v128.store(ap, f64x2.add(v128.load(ap), plo));
      v128.store(ap, f64x2.add(v128.load(ap, 16), phi), 16);
    }
  }
  for (; i < I; i++) {
    const pi = <f64>load<f32>(at(p, i));
    const ti = <f64>load<f32>(at(t, i));
    const a = at64(acc, i);
    store<f64>(a, load<f64>(a) + pi * ti);
    store<f64>(a + plane, load<f64>(a + plane) + ti);
    store<f64>(a + 2 * plane, load<f64>(a + 2 * plane) + pi);
  }
}

/**
 * Adds the sums TP, Y, P of the block [O, R, I] at `pred` and `target` to the accumulators of its O·I groups:
 * acc[g], acc[planes + g], acc[2·planes + g] (f64 elements), g = o·I + i.
 */
export function overlap_sums_f32(O: i32, R: i32, I: i32, pred: usize, target: usize, acc: usize, planes: i32): void {
  assert(O >= 0 && R >= 0 && I >= 1 && planes >= O * I, "expected O >= 0, R >= 0, I >= 1, planes >= O·I");
  const plane = <usize>planes << 3;
  const slab = R * I;
  for (let o = 0; o < O; o++) {
    const p = at(pred, o * slab);
    const t = at(target, o * slab);
    const a = at64(acc, o * I);
    if (I == 1) groupSums(R, p, t, a, plane);
    else for (let r = 0; r < R; r++) rowSums(I, at(p, r * I), at(t, r * I), a, plane);
  }
}

/** grad = a·y + b over n contiguous elements of one group (I = 1), in f64, rounded once. */
// @ts-ignore: decorator
@inline function groupGrad(n: i32, t: usize, grad: usize, a: f64, b: f64): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    const vb = f64x2.splat(b);
    for (; j + 4 <= n; j += 4) {
      const vt = v128.load(at(t, j));
      const lo = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(va, vwiden_lo(vt)), vb));
      const hi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(va, vwiden_hi(vt)), vb));
      v128.store(at(grad, j), i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    }
  }
  for (; j < n; j++) store<f32>(at(grad, j), <f32>(a * <f64>load<f32>(at(t, j)) + b));
}

/** grad = a[i]·y + b[i] over one row of I contiguous elements, each its own group (i). */
// @ts-ignore: decorator
@inline function rowGrad(I: i32, t: usize, grad: usize, coef: usize, plane: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= I; i += 4) {
      const vt = v128.load(at(t, i));
      const ca = at64(coef, i);
      const cb = ca + plane;
      const lo = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(v128.load(ca), vwiden_lo(vt)), v128.load(cb)));
      const hi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(v128.load(ca, 16), vwiden_hi(vt)), v128.load(cb, 16)));
      v128.store(at(grad, i), i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    }
  }
  for (; i < I; i++) {
    const ca = at64(coef, i);
    store<f32>(at(grad, i), <f32>(load<f64>(ca) * <f64>load<f32>(at(t, i)) + load<f64>(ca + plane)));
  }
}

/**
 * The gradient of the block [O, R, I]: grad = a[g]·y + b[g] for every element of group g = o·I + i, with
 * a = coef[g], b = coef[planes + g] (f64 elements; the reduction's factor and the upstream gradient are in them).
 */
export function overlap_grad_f32(O: i32, R: i32, I: i32, target: usize, grad: usize, coef: usize, planes: i32): void {
  assert(O >= 0 && R >= 0 && I >= 1 && planes >= O * I, "expected O >= 0, R >= 0, I >= 1, planes >= O·I");
  const plane = <usize>planes << 3;
  const slab = R * I;
  for (let o = 0; o < O; o++) {
    const t = at(target, o * slab);
    const g = at(grad, o * slab);
    const c = at64(coef, o * I);
    if (I == 1) groupGrad(R, t, g, load<f64>(c), load<f64>(c + plane));
    else for (let r = 0; r < R; r++) rowGrad(I, at(t, r * I), at(g, r * I), c, plane);
  }
}
