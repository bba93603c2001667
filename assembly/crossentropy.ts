// Cross-entropy over a class axis (docs/semantics.md §2 cce, scce, nll): softmax cross-entropy with class
// indices or probability targets, its probability forms (Keras from_logits=False), and the negative
// log-likelihood of log-probabilities.
//
// Geometry. Every row kernel sees a tensor as [outer, C, inner]: the class axis in the middle. Keras's last axis
// is inner = 1 (rows contiguous); PyTorch's class axis 1 of [N, C, d1, ...] is outer = N, inner = d1·...; Keras's
// `axis` is any split. Element (o, c, i) of a [O, C, I] operand is at o·C·s + c·s + i, with s the operand's class
// stride (s = I when outer > 1; the facade may hand one o with a partial inner range, where a tensor read in place
// keeps its own stride). Per-row operands ([O, I]: labels, out, rowScale) are dense.
// inner = 1 runs across the class axis in f32x4; inner > 1 runs four positions of the inner axis per vector
// (the classes are a strided loop): no transpose in either case.
//
// The row ABI, shared by every row kernel of fastloss (src/losses/rows.ts calls it):
//   kernel(outer, C, inner, pred, ps, target, ts, grad, gs, gradTarget, gts, out, rowScale, weights,
//          scale, p0, p1, ignore) -> f64
//   target: i32 labels [O, I] (sparse kernels) or f32 [O, C, I] with class stride ts (dense kernels);
//   grad: 0 for a forward pass, else ∂/∂pred written with class stride gs, times scale·rowScale[row]
//   (rowScale 0: 1); gradTarget/gts: ∂/∂target for kernels that have it (none here: 0);
//   out[row] = the row's loss (weighted by the class weight where there is one); returns Σ out in f64;
//   weights: f32 class weights [C] or 0; p0, p1: the kernel's parameters; ignore: the ignored label.
//
// Kernels and their math (lse = log Σ_c e^x_c, computed as m + log Σ e^(x_c - m) with m the row max):
//   sparse_softmax_xent_f32   l = (1-ls)·w_y·(lse - x_y) + (ls/C)·(W·lse - Σ_c w_c x_c)
//                             p0 = ls (label smoothing), p1 = W = Σ_c w_c (C without weights)
//                             ∂l/∂x_j = softmax_j·((1-ls)·w_y + (ls/C)·W) - (1-ls)·w_y·[j = y] - (ls/C)·w_j
//                             (torch CrossEntropyLoss with class indices, aten/src/ATen/native/LossNLL.cpp
//                             cross_entropy_loss_label_smoothing; Keras SparseCategoricalCrossentropy(from_logits))
//   softmax_xent_f32          dense targets: y' = y·(1-ls) + ls/C, T = Σ w_c y'_c, l = T·lse - Σ w_c y'_c x_c
//                             ∂l/∂x_j = a·softmax_j - w_j y'_j with a = T (p1 = 1: torch's autograd) or 1
//                             (p1 = 0: TF's softmax_cross_entropy_with_logits gradient, softmax - y)
//   sparse_xent_probs_f32     Keras SCCE on probabilities (TF backend): q = clip(p, ε, 1-ε),
//                             l = log Σ q - log q_y; ∂l/∂p_j = [ε <= p_j <= 1-ε]·(1/Σq - [j = y]/q_j)
//   xent_probs_f32            Keras CCE on probabilities: q = clip(p/Σp, ε, 1-ε), l = -Σ y' log q;
//                             with g_j = -y'_j/q_j where ε <= p_j/Σp <= 1-ε (else 0):
//                             ∂l/∂p_j = (g_j - Σ_k g_k·p_k/Σp) / Σp
//   nll_f32                   torch NLLLoss: l = -w_y·x_y, ∂l/∂x_j = -w_y·[j = y]
// Rows whose label is `ignore` get l = 0 and a zero gradient.
//
// Accuracy. exp is vexpneg (assembly/inline/exp.ts, < 2.5 ulp); the forward pass keeps an online max and
// sum in one read of the row (Milakov & Gimelshein, "Online normalizer calculation for softmax", 2018), per
// lane, in f32 (a row of C classes sums C/16 terms per accumulator). When Σ e^(x - m) < 2 the loss can be small
// (one class dominates) and the f32 rounding of 1 + small terms would show: such rows are summed again in f64.
// The gradient runs max, then exp-and-store with the sum, then a scaling pass over the stored values (one exp
// per element; the row is in L1 for the later passes).

import { vaccumulate, hsum_f64x2 } from "./inline/hsum";
import { expf, expnegf, log1pf, logf, vexp, vexpneg, vlog, vlog1p } from "./inline/exp";

/** The running maximum starts here, not at -inf: e^(x - m) is then never e^(-inf - -inf). */
const LOWEST: f32 = reinterpret<f32>(0xFF7FFFFF); // -3.40282347e+38f

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  const a = Mathf.max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1));
  const b = Mathf.max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3));
  return Mathf.max(a, b);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ_c e^(x_c - m) over a strided row, in f64 (the careful sum for rows where one class dominates). */
// @ts-ignore: decorator
@inline function expSumF64(C: i32, p: usize, s: i32, m: f32): f64 {
  let acc: f64 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    if (s == 1) {
      const vm = f32x4.splat(m);
      let vacc = f64x2.splat(0);
      for (; c + 4 <= C; c += 4) vacc = vaccumulate(vacc, vexpneg(f32x4.sub(v128.load(at(p, c)), vm)));
      acc = hsum_f64x2(vacc);
    }
  }
  for (; c < C; c++) acc += <f64>expnegf(load<f32>(at(p, c * s)) - m);
  return acc;
}

// ---- sparse softmax cross-entropy: one row, scalar (any class stride) ----

/**
 * The loss of one row and, when grad != 0, its gradient. x is read with class stride s, the gradient written
 * with stride gs. wy = w_y, sr = the gradient's scale for this row.
 */
// @ts-ignore: decorator
@inline function sparseRowScalar(SMOOTH: bool, C: i32, p: usize, s: i32, y: i32, w: usize, wy: f32, W: f32, ls: f32, g: usize, gs: i32, sr: f32): f64 {
  let m = LOWEST;
  for (let c = 0; c < C; c++) {
    const x = load<f32>(at(p, c * s));
    m = x > m ? x : m; // NaN is kept out of m, and reaches the sum
  }
  const S = expSumF64(C, p, s, m);
  let sx: f64 = 0;
  if (SMOOTH) {
    // Σ w_c·(x_c - m): relative to m, so W·lse - Σ w_c x_c = W·log S - this has no cancellation of large logits
    if (w == 0) for (let c = 0; c < C; c++) sx += <f64>(load<f32>(at(p, c * s)) - m);
    else for (let c = 0; c < C; c++) sx += <f64>load<f32>(at(w, c)) * <f64>(load<f32>(at(p, c * s)) - m);
  }
  const logS = Math.log(S);
  const picked = (<f64>m - <f64>load<f32>(at(p, y * s))) + logS; // lse - x_y
  let loss: f64 = <f64>wy * picked;
  if (SMOOTH) loss = (1 - <f64>ls) * loss + (<f64>ls / <f64>C) * (<f64>W * logS - sx);
  if (g != 0) {
    const k: f32 = SMOOTH ? (<f32>1 - ls) * wy + (ls / <f32>C) * W : wy;
    const a = <f32>(<f64>(sr * k) / S);
    const b = SMOOTH ? sr * ls / <f32>C : 0;
    for (let c = 0; c < C; c++) {
      let v = expnegf(load<f32>(at(p, c * s)) - m) * a;
      if (SMOOTH) v -= b * (w == 0 ? 1 : load<f32>(at(w, c)));
      store<f32>(at(g, c * gs), v);
    }
    const gy = at(g, y * gs);
    store<f32>(gy, load<f32>(gy) - sr * (SMOOTH ? (1 - ls) * wy : wy));
  }
  return loss;
}

// ---- sparse softmax cross-entropy: one contiguous row, f32x4 across the classes ----

// @ts-ignore: decorator
@inline function sparseRowSimd(SMOOTH: bool, C: i32, p: usize, y: i32, w: usize, wy: f32, W: f32, ls: f32, g: usize, sr: f32): f64 {
  let m: f32;
  let S: f64;
  const vlowest = f32x4.splat(LOWEST);
  let c = 0;
  if (g == 0) {
    // Forward: the online max-and-sum, one read of the row. Each lane keeps its own running max vm and a sum
    // relative to it; a 16-element block whose max exceeds vm in some lane first rescales the sums.
    let vm = vlowest;
    let vs0 = f32x4.splat(0);
    let vs1 = f32x4.splat(0);
    let vs2 = f32x4.splat(0);
    let vs3 = f32x4.splat(0);
    for (; c + 16 <= C; c += 16) {
      const pc = at(p, c);
      const vx0 = v128.load(pc);
      const vx1 = v128.load(pc, 16);
      const vx2 = v128.load(pc, 32);
      const vx3 = v128.load(pc, 48);
      const vb = f32x4.pmax(f32x4.pmax(vx0, vx1), f32x4.pmax(vx2, vx3));
      if (v128.any_true(f32x4.gt(vb, vm))) {
        const vnew = f32x4.pmax(vm, vb);
        const vr = vexpneg(f32x4.sub(vm, vnew));
        vs0 = f32x4.mul(vs0, vr);
        vs1 = f32x4.mul(vs1, vr);
        vs2 = f32x4.mul(vs2, vr);
        vs3 = f32x4.mul(vs3, vr);
        vm = vnew;
      }
      vs0 = f32x4.add(vs0, vexpneg(f32x4.sub(vx0, vm)));
      vs1 = f32x4.add(vs1, vexpneg(f32x4.sub(vx1, vm)));
      vs2 = f32x4.add(vs2, vexpneg(f32x4.sub(vx2, vm)));
      vs3 = f32x4.add(vs3, vexpneg(f32x4.sub(vx3, vm)));
    }
    vs0 = f32x4.add(f32x4.add(vs0, vs1), f32x4.add(vs2, vs3));
    for (; c + 4 <= C; c += 4) {
      const vx = v128.load(at(p, c));
      if (v128.any_true(f32x4.gt(vx, vm))) {
        const vnew = f32x4.pmax(vm, vx);
        vs0 = f32x4.mul(vs0, vexpneg(f32x4.sub(vm, vnew)));
        vm = vnew;
      }
      vs0 = f32x4.add(vs0, vexpneg(f32x4.sub(vx, vm)));
    }
    // Scalar tail, online too.
    let sm = LOWEST;
    let ss: f32 = 0;
    for (; c < C; c++) {
      const x = load<f32>(at(p, c));
      if (x > sm) {
        ss *= expnegf(sm - x);
        sm = x;
      }
      ss += expnegf(x - sm);
    }
    m = Mathf.max(hmax(vm), sm);
    const S32 = hsum(f32x4.mul(vs0, vexpneg(f32x4.sub(vm, f32x4.splat(m))))) + ss * expnegf(sm - m);
    S = <f64>S32;
    if (S32 < 2) S = expSumF64(C, p, 1, m); // one class dominates: the careful sum (see the header)
  } else {
    // Gradient: max; then e = exp(x - m) stored into the gradient and summed; then the scaling below.
    let vm0 = vlowest;
    let vm1 = vlowest;
    for (; c + 8 <= C; c += 8) {
      vm0 = f32x4.pmax(vm0, v128.load(at(p, c)));
      vm1 = f32x4.pmax(vm1, v128.load(at(p, c), 16));
    }
    for (; c + 4 <= C; c += 4) vm0 = f32x4.pmax(vm0, v128.load(at(p, c)));
    m = hmax(f32x4.pmax(vm0, vm1));
    for (; c < C; c++) {
      const x = load<f32>(at(p, c));
      m = x > m ? x : m;
    }
    const vm = f32x4.splat(m);
    let vs0 = f32x4.splat(0);
    let vs1 = f32x4.splat(0);
    c = 0;
    for (; c + 8 <= C; c += 8) {
      const ve0 = vexpneg(f32x4.sub(v128.load(at(p, c)), vm));
      const ve1 = vexpneg(f32x4.sub(v128.load(at(p, c), 16), vm));
      v128.store(at(g, c), ve0);
      v128.store(at(g, c), ve1, 16);
      vs0 = f32x4.add(vs0, ve0);
      vs1 = f32x4.add(vs1, ve1);
    }
    for (; c + 4 <= C; c += 4) {
      const ve = vexpneg(f32x4.sub(v128.load(at(p, c)), vm));
      v128.store(at(g, c), ve);
      vs0 = f32x4.add(vs0, ve);
    }
    let ss: f32 = 0;
    for (; c < C; c++) {
      const e = expnegf(load<f32>(at(p, c)) - m);
      store<f32>(at(g, c), e);
      ss += e;
    }
    const S32 = hsum(f32x4.add(vs0, vs1)) + ss;
    S = <f64>S32;
    if (S32 < 2) {
      // the careful sum, from the stored exponentials
      let vacc = f64x2.splat(0);
      c = 0;
      for (; c + 4 <= C; c += 4) vacc = vaccumulate(vacc, v128.load(at(g, c)));
      let acc = hsum_f64x2(vacc);
      for (; c < C; c++) acc += <f64>load<f32>(at(g, c));
      S = acc;
    }
  }
  let sx: f64 = 0;
  if (SMOOTH) {
    c = 0;
    let vacc = f64x2.splat(0);
    const vmax = f32x4.splat(m);
    if (w == 0) for (; c + 4 <= C; c += 4) vacc = vaccumulate(vacc, f32x4.sub(v128.load(at(p, c)), vmax));
    else for (; c + 4 <= C; c += 4) vacc = vaccumulate(vacc, f32x4.mul(f32x4.sub(v128.load(at(p, c)), vmax), v128.load(at(w, c))));
    sx = hsum_f64x2(vacc);
    for (; c < C; c++) sx += <f64>(load<f32>(at(p, c)) - m) * (w == 0 ? 1 : <f64>load<f32>(at(w, c)));
  }
  const logS = Math.log(S);
  const picked = (<f64>m - <f64>load<f32>(at(p, y))) + logS;
  let loss: f64 = <f64>wy * picked;
  if (SMOOTH) loss = (1 - <f64>ls) * loss + (<f64>ls / <f64>C) * (<f64>W * logS - sx);
  if (g != 0) {
    const k: f32 = SMOOTH ? (<f32>1 - ls) * wy + (ls / <f32>C) * W : wy;
    const a = <f32>(<f64>(sr * k) / S);
    const va = f32x4.splat(a);
    const b = SMOOTH ? sr * ls / <f32>C : 0;
    const vb = f32x4.splat(b);
    c = 0;
    for (; c + 4 <= C; c += 4) {
      let v = f32x4.mul(v128.load(at(g, c)), va);
      if (SMOOTH) v = f32x4.sub(v, w == 0 ? vb : f32x4.mul(vb, v128.load(at(w, c))));
      v128.store(at(g, c), v);
    }
    for (; c < C; c++) {
      let v = load<f32>(at(g, c)) * a;
      if (SMOOTH) v -= b * (w == 0 ? 1 : load<f32>(at(w, c)));
      store<f32>(at(g, c), v);
    }
    const gy = at(g, y);
    store<f32>(gy, load<f32>(gy) - sr * (SMOOTH ? (1 - ls) * wy : wy));
  }
  return loss;
}

// ---- sparse softmax cross-entropy: four positions of the inner axis at once (class axis strided) ----

/**
 * Positions i..i+3 of one outer slab. Lanes whose Σ e^(x - m) < 2 or whose label is ignored are redone by the
 * scalar row (which also writes their gradient column).
 */
// @ts-ignore: decorator
@inline function sparseLanes(SMOOTH: bool, C: i32, p: usize, s: i32, lab: usize, w: usize, W: f32, ls: f32, out: usize, g: usize, gs: i32, vsr: v128, ignore: i32): f64 {
  let vm = f32x4.splat(LOWEST);
  for (let c = 0; c < C; c++) vm = f32x4.pmax(vm, v128.load(at(p, c * s)));
  let vs = f32x4.splat(0);
  let vsx = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const vx = v128.load(at(p, c * s));
    vs = f32x4.add(vs, vexpneg(f32x4.sub(vx, vm)));
    if (SMOOTH) {
      const vd = f32x4.sub(vx, vm);
      vsx = f32x4.add(vsx, w == 0 ? vd : f32x4.mul(vd, f32x4.splat(load<f32>(at(w, c)))));
    }
  }
  const vlogS = vlog(vs);
  const vlab = v128.load(lab);
  // Per lane: the picked logit and its class weight.
  const y0 = i32x4.extract_lane(vlab, 0);
  const y1 = i32x4.extract_lane(vlab, 1);
  const y2 = i32x4.extract_lane(vlab, 2);
  const y3 = i32x4.extract_lane(vlab, 3);
  const careful =
    v128.any_true(f32x4.lt(vs, f32x4.splat(2))) || y0 == ignore || y1 == ignore || y2 == ignore || y3 == ignore;
  if (careful) {
    // Rare: do each lane as a scalar row (its own max, the f64 sum, ignored labels).
    let total: f64 = 0;
    for (let k = 0; k < 4; k++) {
      const y = load<i32>(at(lab, k));
      const gk = g == 0 ? 0 : at(g, k);
      let l: f64 = 0;
      if (y == ignore) {
        if (g != 0) for (let c = 0; c < C; c++) store<f32>(at(gk, c * gs), 0);
      } else {
        const wy: f32 = w == 0 ? 1 : load<f32>(at(w, y));
        l = sparseRowScalar(SMOOTH, C, at(p, k), s, y, w, wy, W, ls, gk, gs, laneOf(vsr, k));
      }
      store<f32>(at(out, k), <f32>l);
      total += l;
    }
    return total;
  }
  const vx0 = gather4(p, y0 * s, y1 * s + 1, y2 * s + 2, y3 * s + 3);
  const vwy = w == 0 ? f32x4.splat(1) : gather4(w, y0, y1, y2, y3);
  const vpicked = f32x4.add(f32x4.sub(vm, vx0), vlogS);
  let vloss = f32x4.mul(vwy, vpicked);
  if (SMOOTH) {
    const vsm = f32x4.sub(f32x4.mul(f32x4.splat(W), vlogS), vsx);
    vloss = f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vloss), f32x4.mul(f32x4.splat(ls / <f32>C), vsm));
  }
  v128.store(out, vloss);
  if (g != 0) {
    const vk = SMOOTH ? f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vwy), f32x4.splat((ls / <f32>C) * W)) : vwy;
    const va = f32x4.div(f32x4.mul(vsr, vk), vs);
    const vb = f32x4.mul(vsr, f32x4.splat(ls / <f32>C));
    const vhit = SMOOTH ? f32x4.mul(f32x4.mul(vsr, f32x4.splat(1 - ls)), vwy) : f32x4.mul(vsr, vwy);
    for (let c = 0; c < C; c++) {
      let v = f32x4.mul(vexpneg(f32x4.sub(v128.load(at(p, c * s)), vm)), va);
      if (SMOOTH) v = f32x4.sub(v, w == 0 ? vb : f32x4.mul(vb, f32x4.splat(load<f32>(at(w, c)))));
      v = f32x4.sub(v, v128.and(i32x4.eq(vlab, i32x4.splat(c)), vhit));
      v128.store(at(g, c * gs), v);
    }
  }
  return hsum_f64x2(vaccumulate(f64x2.splat(0), vloss));
}

/** The loss of four lanes whose max vm and sum vs (and smoothing sum vsx) are known; stores it at out. */
// @ts-ignore: decorator
@inline function lanesLoss(SMOOTH: bool, C: i32, p: usize, s: i32, vlab: v128, w: usize, W: f32, ls: f32, out: usize, vm: v128, vs: v128, vsx: v128): v128 {
  const y0 = i32x4.extract_lane(vlab, 0);
  const y1 = i32x4.extract_lane(vlab, 1);
  const y2 = i32x4.extract_lane(vlab, 2);
  const y3 = i32x4.extract_lane(vlab, 3);
  const vx0 = gather4(p, y0 * s, y1 * s + 1, y2 * s + 2, y3 * s + 3);
  const vwy = w == 0 ? f32x4.splat(1) : gather4(w, y0, y1, y2, y3);
  const vlogS = vlog(vs);
  let vloss = f32x4.mul(vwy, f32x4.add(f32x4.sub(vm, vx0), vlogS));
  if (SMOOTH) {
    const vsm = f32x4.sub(f32x4.mul(f32x4.splat(W), vlogS), vsx);
    vloss = f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vloss), f32x4.mul(f32x4.splat(ls / <f32>C), vsm));
  }
  v128.store(out, vloss);
  return vloss;
}

/** vsr·k / vs: the factor of e^(x - m) in the gradient of four lanes. */
// @ts-ignore: decorator
@inline function lanesGradFactor(SMOOTH: bool, C: i32, vwy: v128, W: f32, ls: f32, vsr: v128, vs: v128): v128 {
  const vk = SMOOTH ? f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vwy), f32x4.splat((ls / <f32>C) * W)) : vwy;
  return f32x4.div(f32x4.mul(vsr, vk), vs);
}

// @ts-ignore: decorator
@inline function lanesHit(SMOOTH: bool, vwy: v128, ls: f32, vsr: v128): v128 {
  return SMOOTH ? f32x4.mul(f32x4.mul(vsr, f32x4.splat(1 - ls)), vwy) : f32x4.mul(vsr, vwy);
}

// @ts-ignore: decorator
@inline function lanesWeight(w: usize, vlab: v128): v128 {
  if (w == 0) return f32x4.splat(1);
  return gather4(w, i32x4.extract_lane(vlab, 0), i32x4.extract_lane(vlab, 1), i32x4.extract_lane(vlab, 2), i32x4.extract_lane(vlab, 3));
}

/**
 * Sixteen positions of the inner axis: each class visit reads one whole 64-byte cache line per class (with a
 * class stride of a power of two, 4-position visits would come back to lines that the L1 set already evicted).
 * Groups with a careful lane (Σ < 2, an ignored label) are redone four positions at a time.
 */
// @ts-ignore: decorator
@inline function sparseLanes16(SMOOTH: bool, C: i32, p: usize, s: i32, lab: usize, w: usize, W: f32, ls: f32, out: usize, g: usize, gs: i32, rowScale: usize, scale: f32, ignore: i32): f64 {
  const vlowest = f32x4.splat(LOWEST);
  let vm0 = vlowest;
  let vm1 = vlowest;
  let vm2 = vlowest;
  let vm3 = vlowest;
  for (let c = 0; c < C; c++) {
    const pc = at(p, c * s);
    vm0 = f32x4.pmax(vm0, v128.load(pc));
    vm1 = f32x4.pmax(vm1, v128.load(pc, 16));
    vm2 = f32x4.pmax(vm2, v128.load(pc, 32));
    vm3 = f32x4.pmax(vm3, v128.load(pc, 48));
  }
  let vs0 = f32x4.splat(0);
  let vs1 = f32x4.splat(0);
  let vs2 = f32x4.splat(0);
  let vs3 = f32x4.splat(0);
  let vsx0 = f32x4.splat(0);
  let vsx1 = f32x4.splat(0);
  let vsx2 = f32x4.splat(0);
  let vsx3 = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const pc = at(p, c * s);
    const vd0 = f32x4.sub(v128.load(pc), vm0);
    const vd1 = f32x4.sub(v128.load(pc, 16), vm1);
    const vd2 = f32x4.sub(v128.load(pc, 32), vm2);
    const vd3 = f32x4.sub(v128.load(pc, 48), vm3);
    vs0 = f32x4.add(vs0, vexpneg(vd0));
    vs1 = f32x4.add(vs1, vexpneg(vd1));
    vs2 = f32x4.add(vs2, vexpneg(vd2));
    vs3 = f32x4.add(vs3, vexpneg(vd3));
    if (SMOOTH) {
      const vwc = w == 0 ? f32x4.splat(1) : f32x4.splat(load<f32>(at(w, c)));
      vsx0 = f32x4.add(vsx0, f32x4.mul(vd0, vwc));
      vsx1 = f32x4.add(vsx1, f32x4.mul(vd1, vwc));
      vsx2 = f32x4.add(vsx2, f32x4.mul(vd2, vwc));
      vsx3 = f32x4.add(vsx3, f32x4.mul(vd3, vwc));
    }
  }
  const vlab0 = v128.load(lab);
  const vlab1 = v128.load(lab, 16);
  const vlab2 = v128.load(lab, 32);
  const vlab3 = v128.load(lab, 48);
  const vtwo = f32x4.splat(2);
  const vignore = i32x4.splat(ignore);
  const vcareful = v128.or(
    v128.or(v128.or(f32x4.lt(vs0, vtwo), f32x4.lt(vs1, vtwo)), v128.or(f32x4.lt(vs2, vtwo), f32x4.lt(vs3, vtwo))),
    v128.or(v128.or(i32x4.eq(vlab0, vignore), i32x4.eq(vlab1, vignore)), v128.or(i32x4.eq(vlab2, vignore), i32x4.eq(vlab3, vignore))),
  );
  if (v128.any_true(vcareful)) {
    let total: f64 = 0;
    for (let k = 0; k < 16; k += 4) {
      const vsr = rowScale == 0 ? f32x4.splat(scale) : f32x4.mul(v128.load(at(rowScale, k)), f32x4.splat(scale));
      total += sparseLanes(SMOOTH, C, at(p, k), s, at(lab, k), w, W, ls, at(out, k), g == 0 ? 0 : at(g, k), gs, vsr, ignore);
    }
    return total;
  }
  const vl0 = lanesLoss(SMOOTH, C, p, s, vlab0, w, W, ls, out, vm0, vs0, vsx0);
  const vl1 = lanesLoss(SMOOTH, C, at(p, 4), s, vlab1, w, W, ls, at(out, 4), vm1, vs1, vsx1);
  const vl2 = lanesLoss(SMOOTH, C, at(p, 8), s, vlab2, w, W, ls, at(out, 8), vm2, vs2, vsx2);
  const vl3 = lanesLoss(SMOOTH, C, at(p, 12), s, vlab3, w, W, ls, at(out, 12), vm3, vs3, vsx3);
  if (g != 0) {
    const vscale = f32x4.splat(scale);
    const vsr0 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale), vscale);
    const vsr1 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 16), vscale);
    const vsr2 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 32), vscale);
    const vsr3 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 48), vscale);
    const vwy0 = lanesWeight(w, vlab0);
    const vwy1 = lanesWeight(w, vlab1);
    const vwy2 = lanesWeight(w, vlab2);
    const vwy3 = lanesWeight(w, vlab3);
    const va0 = lanesGradFactor(SMOOTH, C, vwy0, W, ls, vsr0, vs0);
    const va1 = lanesGradFactor(SMOOTH, C, vwy1, W, ls, vsr1, vs1);
    const va2 = lanesGradFactor(SMOOTH, C, vwy2, W, ls, vsr2, vs2);
    const va3 = lanesGradFactor(SMOOTH, C, vwy3, W, ls, vsr3, vs3);
    const vh0 = lanesHit(SMOOTH, vwy0, ls, vsr0);
    const vh1 = lanesHit(SMOOTH, vwy1, ls, vsr1);
    const vh2 = lanesHit(SMOOTH, vwy2, ls, vsr2);
    const vh3 = lanesHit(SMOOTH, vwy3, ls, vsr3);
    const vb = f32x4.splat(ls / <f32>C);
    for (let c = 0; c < C; c++) {
      const pc = at(p, c * s);
      const gc = at(g, c * gs);
      const vc = i32x4.splat(c);
      let v0 = f32x4.sub(f32x4.mul(vexpneg(f32x4.sub(v128.load(pc), vm0)), va0), v128.and(i32x4.eq(vlab0, vc), vh0));
      let v1 = f32x4.sub(f32x4.mul(vexpneg(f32x4.sub(v128.load(pc, 16), vm1)), va1), v128.and(i32x4.eq(vlab1, vc), vh1));
      let v2 = f32x4.sub(f32x4.mul(vexpneg(f32x4.sub(v128.load(pc, 32), vm2)), va2), v128.and(i32x4.eq(vlab2, vc), vh2));
      let v3 = f32x4.sub(f32x4.mul(vexpneg(f32x4.sub(v128.load(pc, 48), vm3)), va3), v128.and(i32x4.eq(vlab3, vc), vh3));
      if (SMOOTH) {
        const vwc = w == 0 ? vb : f32x4.mul(vb, f32x4.splat(load<f32>(at(w, c))));
        v0 = f32x4.sub(v0, f32x4.mul(vsr0, vwc));
        v1 = f32x4.sub(v1, f32x4.mul(vsr1, vwc));
        v2 = f32x4.sub(v2, f32x4.mul(vsr2, vwc));
        v3 = f32x4.sub(v3, f32x4.mul(vsr3, vwc));
      }
      v128.store(gc, v0);
      v128.store(gc, v1, 16);
      v128.store(gc, v2, 32);
      v128.store(gc, v3, 48);
    }
  }
  return hsum_f64x2(vaccumulate(vaccumulate(f64x2.splat(0), f32x4.add(vl0, vl1)), f32x4.add(vl2, vl3)));
}

// @ts-ignore: decorator
@inline function gather4(base: usize, i0: i32, i1: i32, i2: i32, i3: i32): v128 {
  let v = f32x4.splat(load<f32>(at(base, i0)));
  v = f32x4.replace_lane(v, 1, load<f32>(at(base, i1)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(base, i2)));
  return f32x4.replace_lane(v, 3, load<f32>(at(base, i3)));
}

// @ts-ignore: decorator
@inline function laneOf(v: v128, k: i32): f32 {
  if (k == 0) return f32x4.extract_lane(v, 0);
  if (k == 1) return f32x4.extract_lane(v, 1);
  if (k == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline function rowScaleAt(rowScale: usize, scale: f32, r: i32): f32 {
  return rowScale == 0 ? scale : scale * load<f32>(at(rowScale, r));
}

// @ts-ignore: decorator
@inline function sparseKernel(SMOOTH: bool, outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, grad: usize, gs: i32, out: usize, rowScale: usize, w: usize, scale: f32, ls: f32, W: f32, ignore: i32): f64 {
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    const po = pred + (<usize>(o * C * ps) << 2);
    const go: usize = grad == 0 ? 0 : grad + (<usize>(o * C * gs) << 2);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      if (inner == 1) {
        // contiguous rows
        const r = o;
        const y = load<i32>(at(labels, r));
        let l: f64 = 0;
        if (y == ignore) {
          if (go != 0) memory.fill(go, 0, <usize>C << 2);
        } else {
          const wy: f32 = w == 0 ? 1 : load<f32>(at(w, y));
          l = sparseRowSimd(SMOOTH, C, po, y, w, wy, W, ls, go, rowScaleAt(rowScale, scale, r));
        }
        store<f32>(at(out, r), <f32>l);
        total += l;
        if (C == 1 && go != 0) {
          const x = load<f32>(po);
          store<f32>(go, y == ignore ? 0 : x - x); // see below
        }
        continue;
      }
      for (; i + 16 <= inner; i += 16) {
        const r = o * inner + i;
        total += sparseLanes16(SMOOTH, C, at(po, i), ps, at(labels, r), w, W, ls, at(out, r), go == 0 ? 0 : at(go, i), gs, rowScale == 0 ? 0 : at(rowScale, r), scale, ignore);
      }
      for (; i + 4 <= inner; i += 4) {
        const r = o * inner + i;
        const vsr = rowScale == 0 ? f32x4.splat(scale) : f32x4.mul(v128.load(at(rowScale, r)), f32x4.splat(scale));
        total += sparseLanes(SMOOTH, C, at(po, i), ps, at(labels, r), w, W, ls, at(out, r), go == 0 ? 0 : at(go, i), gs, vsr, ignore);
      }
    }
    for (; i < inner; i++) {
      const r = o * inner + i;
      const y = load<i32>(at(labels, r));
      let l: f64 = 0;
      if (y == ignore) {
        if (go != 0) for (let c = 0; c < C; c++) store<f32>(at(go, c * gs + i), 0);
      } else {
        const wy: f32 = w == 0 ? 1 : load<f32>(at(w, y));
        l = sparseRowScalar(SMOOTH, C, at(po, i), ps, y, w, wy, W, ls, go == 0 ? 0 : at(go, i), gs, rowScaleAt(rowScale, scale, r));
      }
      store<f32>(at(out, r), <f32>l);
      total += l;
    }
    if (C == 1 && go != 0) {
      // One class: softmax is exactly 1 and the gradient exactly 0 (NaN where x is not finite, as torch), which
      // the general expression above only approximates (its factors round separately).
      for (let i = 0; i < inner; i++) {
        const x = load<f32>(at(po, i));
        store<f32>(at(go, i), load<i32>(at(labels, o * inner + i)) == ignore ? 0 : x - x);
      }
    }
  }
  return total;
}

/** Softmax cross-entropy with class indices (row ABI; p0 = label smoothing, p1 = Σ class weights or C). */
export function sparse_softmax_xent_f32(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  assert(outer <= 1 || (ps == inner && (grad == 0 || gs == inner)), "strides of a multi-slab block must be inner");
  if (p0 == 0) return sparseKernel(false, outer, C, inner, pred, ps, labels, grad, gs, out, rowScale, weights, scale, 0, p1, ignore);
  return sparseKernel(true, outer, C, inner, pred, ps, labels, grad, gs, out, rowScale, weights, scale, p0, p1, ignore);
}

// ---- dense targets, probability forms, NLL: scalar rows over any stride, f64 sums (not throughput paths) ----

// @ts-ignore: decorator
@inline function rowMax(C: i32, p: usize, s: i32): f32 {
  let m = LOWEST;
  for (let c = 0; c < C; c++) {
    const x = load<f32>(at(p, c * s));
    m = x > m ? x : m;
  }
  return m;
}

/** Softmax cross-entropy with probability targets (row ABI; p0 = ls, p1 = 1: torch's exact gradient, 0: TF's). */
export function softmax_xent_f32(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  const ls = <f64>p0;
  const u = ls / <f64>C;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = pred + (<usize>(o * C * ps + i) << 2);
      const t = target + (<usize>(o * C * ts + i) << 2);
      const m = rowMax(C, p, ps);
      const S = expSumF64(C, p, ps, m);
      const lse = <f64>m + Math.log(S);
      let T: f64 = 0;
      let B: f64 = 0;
      for (let c = 0; c < C; c++) {
        const wc: f64 = weights == 0 ? 1 : <f64>load<f32>(at(weights, c));
        const yc = <f64>load<f32>(at(t, c * ts)) * (1 - ls) + u;
        T += wc * yc;
        // y·(x - lse) summed as y·(x - m) - y·log S keeps the large m out of a difference of sums
        B += wc * yc * (<f64>load<f32>(at(p, c * ps)) - <f64>m);
      }
      const l = T * (lse - <f64>m) - B;
      store<f32>(at(out, r), <f32>l);
      total += l;
      if (grad != 0) {
        const sr = <f64>rowScaleAt(rowScale, scale, r);
        const a = ((p1 != 0 ? T : 1) * sr) / S;
        const gp = grad + (<usize>(o * C * gs + i) << 2);
        for (let c = 0; c < C; c++) {
          const wc: f64 = weights == 0 ? 1 : <f64>load<f32>(at(weights, c));
          const yc = <f64>load<f32>(at(t, c * ts)) * (1 - ls) + u;
          const e = <f64>expnegf(load<f32>(at(p, c * ps)) - m);
          store<f32>(at(gp, c * gs), <f32>(e * a - sr * (wc * yc))); // one class: e·a = sr·T exactly
        }
      }
    }
  }
  return total;
}

// Keras's clip to [ε, 1 - ε], in f64 with ε = 1e-7 as Keras computes on float64 inputs (float32 Keras rounds
// 1 - ε to 0.99999988: a confidently wrong "1" then costs 15.94 instead of 16.12).
const EPSILON_F64: f64 = 1e-7;
const ONE_MINUS_EPSILON_F64: f64 = 1 - 1e-7;

// @ts-ignore: decorator
@inline function clipProb(x: f64): f64 {
  return x < EPSILON_F64 ? EPSILON_F64 : x > ONE_MINUS_EPSILON_F64 ? ONE_MINUS_EPSILON_F64 : x; // NaN stays NaN
}

// @ts-ignore: decorator
@inline function inClip(x: f64): bool {
  return x >= EPSILON_F64 && x <= ONE_MINUS_EPSILON_F64;
}

/** Keras SCCE on probabilities, TF backend (row ABI; no parameters). */
export function sparse_xent_probs_f32(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32,
): f64 {
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = pred + (<usize>(o * C * ps + i) << 2);
      const gp = grad == 0 ? 0 : grad + (<usize>(o * C * gs + i) << 2);
      const y = load<i32>(at(labels, r));
      if (y == ignore) {
        store<f32>(at(out, r), 0);
        if (gp != 0) for (let c = 0; c < C; c++) store<f32>(at(gp, c * gs), 0);
        continue;
      }
      let Q: f64 = 0;
      for (let c = 0; c < C; c++) Q += clipProb(<f64>load<f32>(at(p, c * ps)));
      const qy = clipProb(<f64>load<f32>(at(p, y * ps)));
      const l = Math.log(Q) - Math.log(qy);
      store<f32>(at(out, r), <f32>l);
      total += l;
      if (gp != 0) {
        const sr = <f64>rowScaleAt(rowScale, scale, r);
        for (let c = 0; c < C; c++) {
          const x = <f64>load<f32>(at(p, c * ps));
          let v: f64 = 0;
          if (inClip(x)) v = sr * (1 / Q - (c == y ? 1 / x : 0));
          store<f32>(at(gp, c * gs), <f32>v);
        }
      }
    }
  }
  return total;
}

/** Keras CCE on probabilities (row ABI; p0 = label smoothing). */
export function xent_probs_f32(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32,
): f64 {
  const ls = <f64>p0;
  const u = ls / <f64>C;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = pred + (<usize>(o * C * ps + i) << 2);
      const t = target + (<usize>(o * C * ts + i) << 2);
      let P: f64 = 0;
      for (let c = 0; c < C; c++) P += <f64>load<f32>(at(p, c * ps));
      let l: f64 = 0;
      for (let c = 0; c < C; c++) {
        const yc = <f64>load<f32>(at(t, c * ts)) * (1 - ls) + u;
        l -= yc * Math.log(clipProb(<f64>load<f32>(at(p, c * ps)) / P));
      }
      store<f32>(at(out, r), <f32>l);
      total += l;
      if (grad != 0) {
        const sr = <f64>rowScaleAt(rowScale, scale, r);
        const gp = grad + (<usize>(o * C * gs + i) << 2);
        // g_c = -y'_c / q_c where q_c is inside the clip; ∂l/∂p_j = (g_j - Σ_c g_c q_c) / Σp
        let gq: f64 = 0;
        for (let c = 0; c < C; c++) {
          if (inClip(<f64>load<f32>(at(p, c * ps)) / P)) gq -= <f64>load<f32>(at(t, c * ts)) * (1 - ls) + u;
        }
        for (let c = 0; c < C; c++) {
          const q = <f64>load<f32>(at(p, c * ps)) / P;
          const gc = inClip(q) ? -(<f64>load<f32>(at(t, c * ts)) * (1 - ls) + u) / q : 0;
          store<f32>(at(gp, c * gs), <f32>(sr * (gc - gq) / P));
        }
      }
    }
  }
  return total;
}

/** torch NLLLoss (row ABI; weights optional). */
export function nll_f32(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32,
): f64 {
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = pred + (<usize>(o * C * ps + i) << 2);
      const gp: usize = grad == 0 ? <usize>0 : grad + (<usize>(o * C * gs + i) << 2);
      const y = load<i32>(at(labels, r));
      if (gp != 0) for (let c = 0; c < C; c++) store<f32>(at(gp, c * gs), 0);
      if (y == ignore) {
        store<f32>(at(out, r), 0);
        continue;
      }
      const wy: f32 = weights == 0 ? 1 : load<f32>(at(weights, y));
      const l = -<f64>wy * <f64>load<f32>(at(p, y * ps));
      store<f32>(at(out, r), <f32>l);
      total += l;
      if (gp != 0) store<f32>(at(gp, y * gs), -wy * rowScaleAt(rowScale, scale, r));
    }
  }
  return total;
}

// ---- the exp and log helpers as kernels, for the accuracy tests (dst[i] = f(src[i])) ----

export function exp_f32(n: i32, src: usize, dst: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(at(dst, i), vexp(v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), expf(load<f32>(at(src, i))));
}

export function expneg_f32(n: i32, src: usize, dst: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(at(dst, i), vexpneg(v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), expnegf(load<f32>(at(src, i))));
}

export function log_f32(n: i32, src: usize, dst: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(at(dst, i), vlog(v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), logf(load<f32>(at(src, i))));
}

export function log1p_f32(n: i32, src: usize, dst: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(at(dst, i), vlog1p(v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), log1pf(load<f32>(at(src, i))));
}
