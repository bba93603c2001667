// Gaussian negative log-likelihood: torch.nn.GaussianNLLLoss (torch/nn/functional.py `gaussian_nll_loss`),
// per element, with d = pred - target and v = max(var, eps) (torch's clamp):
//
//   l = 0.5·(log v + d²/v)  (+ 0.5·log 2π with `full`)
//   ∂l/∂pred = d/v = q              ∂l/∂var = 0.5·(1/v - d²/v²) = 0.5·r·(1 - d·q),  r = 1/v
//
// torch clamps var in place under no_grad, so the var gradient is the unclamped formula's at v, also where
// var < eps (var 0 and d 1 with eps 1e-6: -5e11): fastloss gives the same.
//
// Geometry: a block [O, K, I] of pred and target (contiguous), whose variances are var[o·I + i], broadcast over k:
// K = 1 for a var of pred's shape (I elements, each its own variance), I = 1 for one variance per row (var of pred's
// shape without the last axis, or with 1 there: K the row's length) or one for everything (O = 1), and I > 1, K > 1
// for a var with 1 on another axis ([N, 1, D] against [N, H, D]). The facade (src/losses/gaussian.part.ts) cuts a
// call into such blocks a tile at a time.
//
//   gaussian_nll_f32(O, K, I, pred, target, var, out, gp, gv, up, params, scale) -> Σ 0.5·(log v + d²/v), in f64
//
// out (values, 'none'), gp (∂/∂pred), gv (∂/∂var) and up (a factor per element: 'none''s upstream gradient) are
// byte offsets, 0 when absent. gp = scale·up·q; gv: with GV_ACCUMULATE (var broadcast over K > 1) f64 accumulators
// gv[o·I + i] += scale·up·∂l/∂var (the facade keeps them across blocks), otherwise float32 written per element.
// params: eps (f32, +0), c (f32, +4: 0.5·log 2π with full, else 0: added to `out` only, the sum is without it),
// flags (i32, +8), and a field the kernel sets (i32, +12): 1 when a variance it read is negative (torch's
// ValueError; the facade then refuses the call, after the kernels: the check costs no pass of its own).
//
// With one variance per row (I = 1) log v and 1/v are taken once per row: an element costs a subtraction and three
// multiply-adds. Otherwise an element costs a log (assembly/inline/exp.ts vlog, XNNPACK's, ~1 ulp) and a division.

import { vaccumulate, hsum_f64x2, vwiden_hi, vwiden_lo } from "./inline/hsum";
import { logf, vlog } from "./inline/exp";
import { log64 } from "./inline/f64math";
import { at, at64 } from "./inline/ptr";

/** flags: gv holds f64 accumulators (var broadcast over K > 1), else float32 per element. */
const GV_ACCUMULATE: i32 = 1;

/** The upstream factor of element j (1 without `up`). */
// @ts-ignore: decorator
@inline function upAt(up: usize, j: i32): f32 {
  return up == 0 ? <f32>1 : load<f32>(at(up, j));
}

// @ts-ignore: decorator
@inline function vupAt(up: usize, j: i32): v128 {
  return up == 0 ? f32x4.splat(1) : v128.load(at(up, j));
}

/** What rowShared leaves for the var gradient: Σ up and Σ up·d² of its row (f64, d exact). */
let sumUp: f64 = 0;
let sumUpD2: f64 = 0;
/** Set when a variance read by rowOwn is negative (compared, so a NaN never hides one): the facade refuses it. */
let negative: bool = false;

/**
 * One row of n elements sharing the variance v = 1/r (I = 1): writes out and gp, leaves Σ up and Σ up·d² in
 * sumUp and sumUpD2 (when `wantsVar`), and returns Σ d·q (f64): the caller adds 0.5·(n·log v + Σ d·q).
 */
// @ts-ignore: decorator
@inline function rowShared(n: i32, p: usize, t: usize, r: f32, logv: f32, c: f32, out: usize, gp: usize, up: usize, s: f32, wantsVar: bool): f64 {
  let dq: f64 = 0;
  let su: f64 = 0;
  let sud: f64 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vr = f32x4.splat(r);
    const vhalf = f32x4.splat(0.5);
    const vlogc = f32x4.splat(<f32>0.5 * logv + c);
    const vs = f32x4.splat(s);
    let vdq0 = f64x2.splat(0);
    let vdq1 = f64x2.splat(0);
    let vsu = f64x2.splat(0);
    let vsud = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const vd = f32x4.sub(v128.load(at(p, j)), v128.load(at(t, j)));
      const vq = f32x4.mul(vd, vr);
      const vdqj = f32x4.mul(vd, vq);
      vdq0 = f64x2.add(vdq0, vwiden_lo(vdqj));
      vdq1 = f64x2.add(vdq1, vwiden_hi(vdqj));
      if (out != 0) v128.store(at(out, j), f32x4.add(f32x4.mul(vhalf, vdqj), vlogc));
      const vu = vupAt(up, j);
      if (gp != 0) v128.store(at(gp, j), f32x4.mul(f32x4.mul(vs, vu), vq));
      if (wantsVar) {
        // Σ up·d² in f64 from the float32 inputs (d exact there): the var gradient cancels (1 - d²/v is of
        // either sign), so its terms keep every digit
        const vp = v128.load(at(p, j));
        const vt = v128.load(at(t, j));
        const dlo = f64x2.sub(vwiden_lo(vp), vwiden_lo(vt));
        const dhi = f64x2.sub(vwiden_hi(vp), vwiden_hi(vt));
        vsu = vaccumulate(vsu, vu);
        vsud = f64x2.add(vsud, f64x2.add(f64x2.mul(vwiden_lo(vu), f64x2.mul(dlo, dlo)), f64x2.mul(vwiden_hi(vu), f64x2.mul(dhi, dhi))));
      }
    }
    dq = hsum_f64x2(f64x2.add(vdq0, vdq1));
    su = hsum_f64x2(vsu);
    sud = hsum_f64x2(vsud);
  }
  for (; j < n; j++) {
    const d = load<f32>(at(p, j)) - load<f32>(at(t, j));
    const q = d * r;
    const dqj = d * q;
    dq += <f64>dqj;
    if (out != 0) store<f32>(at(out, j), <f32>0.5 * dqj + (<f32>0.5 * logv + c));
    const u = upAt(up, j);
    if (gp != 0) store<f32>(at(gp, j), s * u * q);
    if (wantsVar) {
      const d64 = <f64>load<f32>(at(p, j)) - <f64>load<f32>(at(t, j));
      su += <f64>u;
      sud += <f64>u * d64 * d64;
    }
  }
  sumUp = su;
  sumUpD2 = sud;
  return dq;
}

/**
 * One row of I elements, each with its own variance var[i] (I > 1): returns Σ l (without c) in f64; writes out,
 * gp, and gv (written, or added to f64 accumulators).
 */
// @ts-ignore: decorator
@inline function rowOwn(I: i32, p: usize, t: usize, vv: usize, eps: f32, c: f32, out: usize, gp: usize, gv: usize, up: usize, s: f32, accumulate: bool): f64 {
  let sum: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const veps = f32x4.splat(eps);
    const vhalf = f32x4.splat(0.5);
    const vone = f32x4.splat(1);
    const vc = f32x4.splat(c);
    const vs = f32x4.splat(s);
    let vsum = f64x2.splat(0);
    let vneg = v128.splat<i32>(0);
    for (; i + 4 <= I; i += 4) {
      const vraw = v128.load(at(vv, i));
      vneg = v128.or(vneg, f32x4.lt(vraw, f32x4.splat(0)));
      const vvar = f32x4.max(vraw, veps);
      const vr = f32x4.div(vone, vvar);
      const vd = f32x4.sub(v128.load(at(p, i)), v128.load(at(t, i)));
      const vq = f32x4.mul(vd, vr);
      const vdq = f32x4.mul(vd, vq);
      const vl = f32x4.mul(vhalf, f32x4.add(vlog(vvar), vdq));
      vsum = vaccumulate(vsum, vl); // of either sign: each vector widened on its own
      if (out != 0) v128.store(at(out, i), f32x4.add(vl, vc));
      const vsu = f32x4.mul(vs, vupAt(up, i));
      if (gp != 0) v128.store(at(gp, i), f32x4.mul(vsu, vq));
      if (gv != 0) {
        const vg = f32x4.mul(f32x4.mul(vsu, f32x4.mul(vhalf, vr)), f32x4.sub(vone, vdq));
        if (accumulate) {
          const a = at64(gv, i);
          v128.store(a, f64x2.add(v128.load(a), vwiden_lo(vg)));
          v128.store(a, f64x2.add(v128.load(a, 16), vwiden_hi(vg)), 16);
        } else v128.store(at(gv, i), vg);
      }
    }
    sum = hsum_f64x2(vsum);
    if (v128.any_true(vneg)) negative = true;
  }
  for (; i < I; i++) {
    const raw = load<f32>(at(vv, i));
    if (raw < 0) negative = true;
    const v = max<f32>(raw, eps);
    const r = <f32>1 / v;
    const d = load<f32>(at(p, i)) - load<f32>(at(t, i));
    const q = d * r;
    const dq = d * q;
    const l = <f32>0.5 * (logf(v) + dq);
    sum += <f64>l;
    if (out != 0) store<f32>(at(out, i), l + c);
    const su = s * upAt(up, i);
    if (gp != 0) store<f32>(at(gp, i), su * q);
    if (gv != 0) {
      const g = su * (<f32>0.5 * r) * (<f32>1 - dq);
      if (accumulate) store<f64>(at64(gv, i), load<f64>(at64(gv, i)) + <f64>g);
      else store<f32>(at(gv, i), g);
    }
  }
  return sum;
}

export function gaussian_nll_f32(O: i32, K: i32, I: i32, pred: usize, target: usize, vars: usize, out: usize, gp: usize, gv: usize, up: usize, params: usize, scale: f64): f64 {
  assert(O >= 0 && K >= 0 && I >= 1, "expected O >= 0, K >= 0, I >= 1");
  const eps = load<f32>(params);
  const c = load<f32>(params, 4);
  const accumulate = (load<i32>(params, 8) & GV_ACCUMULATE) != 0;
  assert(gv == 0 || accumulate || K == 1, "a var gradient per element needs K = 1");
  const s = <f32>scale;
  const slab = K * I;
  negative = false;
  let total: f64 = 0;
  for (let o = 0; o < O; o++) {
    const p = at(pred, o * slab);
    const t = at(target, o * slab);
    const ob = o * slab;
    if (I == 1) {
      // one variance for the row: log v and 1/v once
      const raw = load<f32>(at(vars, o));
      if (raw < 0) negative = true;
      const v = max<f32>(raw, eps);
      const r = <f32>1 / v;
      // log v once per row, in f64 (n·log v and Σ d²/v may cancel in the sum)
      const logv64 = log64(<f64>v);
      const dq = rowShared(K, p, t, r, <f32>logv64, c, out == 0 ? 0 : at(out, ob), gp == 0 ? 0 : at(gp, ob), up == 0 ? 0 : at(up, ob), s, gv != 0);
      total += 0.5 * (<f64>K * logv64 + dq);
      if (gv != 0) {
        // Σ_k s·up·0.5·(1/v - d²/v²) = s·0.5·(Σ up - Σ up·d²/v)/v, in f64
        const r64 = 1.0 / <f64>v;
        const g = <f64>s * 0.5 * r64 * (sumUp - r64 * sumUpD2);
        if (accumulate) store<f64>(at64(gv, o), load<f64>(at64(gv, o)) + g);
        else store<f32>(at(gv, o), <f32>g);
      }
    } else {
      for (let k = 0; k < K; k++) {
        const e = ob + k * I;
        total += rowOwn(
          I, at(pred, e), at(target, e), at(vars, o * I), eps, c,
          out == 0 ? 0 : at(out, e), gp == 0 ? 0 : at(gp, e), gv == 0 ? 0 : (accumulate ? at64(gv, o * I) : at(gv, e)), up == 0 ? 0 : at(up, e), s, accumulate,
        );
      }
    }
  }
  // the facade reads this flag (params +12) after each call, and refuses a negative variance as torch does
  if (negative) store<i32>(params, 1, 12);
  return total;
}
