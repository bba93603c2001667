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
// The row ABI, shared by every row kernel of fastloss (src/engines/rows.ts calls it): each is exported as
// `kernel(frame, params) -> f64` (assembly/inline/row_abi.ts), whose two blocks give the body its arguments:
//   (outer, C, inner, pred, ps, target, ts, grad, gs, gradTarget, gts, out, rowScale, weights,
//    scale, p0, p1, ignore, rowLabels) -> f64
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
// Accuracy. exp is vexpneg (assembly/inline/exp.ts, < 2.5 ulp). Σ_c e^(x_c - m) is summed as T + S': T counts the
// classes equal to the max m (each e^0 = 1 exactly) and S' sums the others, so S' keeps its relative precision
// and log(T + S') is accurate when one class dominates and the loss is tiny (a float32 sum of 1 + small terms
// would round them away). The forward pass of a contiguous row reads it once, in 8 KB blocks each swept for its
// max and then for its exps while in L1, with the running sum rescaled when a block raises the max (sweepExpSum;
// Milakov & Gimelshein, "Online normalizer calculation for softmax", 2018, by block); the gradient runs max,
// then exp-and-store with the sum, then a scaling pass over the stored values (one exp per element; the row is in
// L1 for the later passes). Rows of at most 16 classes run four at a time, one row per lane; a strided class axis
// runs 16 (then 4) positions of the inner axis per class visit. Ignored labels are masked lane by lane.

import { runRowKernel } from './inline/row_abi';
import { vaccumulate, hsum_f64x2 } from "./inline/hsum";
import { EXPNEG_K, expf, expnegf, log1pf, logf, vexp, vexpneg, vexpnegWith, vlog, vlog1p } from "./inline/exp";
import { exp64, log64 } from "./inline/f64math";
import { at, rowAt } from "./inline/ptr";

/** Rows of at most this many classes run four at a time, one per lane (sparseLanes with ROWS). */
const ROW_LANES_MAX_C: i32 = 16;
/** The running maximum starts here, not at -inf: e^(x - m) is then never e^(-inf - -inf). */
const LOWEST: f32 = reinterpret<f32>(0xFF7FFFFF); // -3.40282347e+38f
/**
 * The forward pass of a contiguous row sweeps it in blocks of this many classes (8 KB: in L1 between a block's
 * max sweep and its exp sweep). Measured on [512, 50257] in place: see sparseRowSimd.
 */
const SWEEP_BLOCK: i32 = 2048;


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

/** Σ_c e^(x_c - m) over a strided row, in f64 (the scalar rows). */
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
  const logS = log64(S);
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

// ---- Σ_c e^(x_c - m) of one contiguous row, in one read of it (the forward pass) ----
//
// One read of the row from memory, in blocks of SWEEP_BLOCK classes. Each block is swept twice while
// it sits in L1: its max (loads and pmax only: the CPU keeps many cache misses in flight, so the block arrives
// at the memory's streaming rate), then e^(x - m) summed against the row's running max m. A single online
// sweep (a running max per lane, rescaled when it moves) reads the row once too, but its exps leave room for
// few misses in flight: over a [512, 50257] tensor in place (103 MB, out of cache) it took 2x the time of the
// same kernel on a copy of each row. When a block raises m, what was summed so far is rescaled once,
// (S' + T)·e^(m_old - m) becoming S' and T restarting at 0 (Milakov & Gimelshein's online normalizer, by block).
// Per block, the f32 lane sums (at most SWEEP_BLOCK / 16 terms each) are added to f64 totals.
// Not inlined: one copy serves every variant of the sparse kernel (the browser builds' size budget).

/** The row's max, set by sweepExpSum (a second return value). */
let sweepMax: f32 = 0;

/** Σ_c e^(x_c - m) = T + S' of a contiguous row of C >= 1 classes, with m its max (in sweepMax). */
// @ts-ignore: decorator
@inline function sweepExpSum(C: i32, p: usize): f64 {
  const vlowest = f32x4.splat(LOWEST);
  // vexpneg's constants in locals for the row (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)
  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 16), k2 = v128.load(EXPNEG_K, 32), k3 = v128.load(EXPNEG_K, 48);
  const k4 = v128.load(EXPNEG_K, 64), k5 = v128.load(EXPNEG_K, 80), k6 = v128.load(EXPNEG_K, 96), k7 = v128.load(EXPNEG_K, 112);
  const k8 = v128.load(EXPNEG_K, 128), k9 = v128.load(EXPNEG_K, 144);
  let c = 0;
  let m1: f32 = LOWEST;
  let Sd: f64 = 0;
  const C4 = C & ~3;
  for (let c0 = 0; c0 < C; c0 += SWEEP_BLOCK) {
    const c1 = min(c0 + SWEEP_BLOCK, C);
    const v1 = min(c1, C4);
    let vmb = vlowest;
    for (c = c0; c < v1; c += 4) vmb = f32x4.pmax(vmb, v128.load(at(p, c)));
    let mb = hmax(vmb);
    for (; c < c1; c++) {
      const x = load<f32>(at(p, c));
      mb = x > mb ? x : mb; // NaN is kept out of the max, and reaches the sum
    }
    if (mb > m1) {
      Sd *= exp64(<f64>m1 - <f64>mb);
      m1 = mb;
    }
    const vm = f32x4.splat(m1);
    const vzero = f32x4.splat(0);
    let vs = vzero;
    let vt = vzero; // the count of x == m, each lane
    for (c = c0; c < v1; c += 4) {
      const vx = v128.load(at(p, c));
      const veq = f32x4.eq(vx, vm);
      vs = f32x4.add(vs, v128.andnot(vexpnegWith(f32x4.sub(vx, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq));
      vt = f32x4.add(vt, v128.and(veq, vone()));
    }
    // the row's last C % 4 classes (exp64: a shared function, where an inlined expnegf would cost the browser
    // builds' size budget bytes for at most three elements a row)
    for (; c < c1; c++) {
      const x = load<f32>(at(p, c));
      Sd += exp64(<f64>(x - m1)); // in f64, a tie's exact 1 rounds nothing away
    }
    Sd += <f64>hsum(vt) + hsum_f64x2(vaccumulate(f64x2.splat(0), vs));
  }
  sweepMax = m1;
  return Sd;
}

// ---- sparse softmax cross-entropy: one contiguous row, f32x4 across the classes ----
//
// Σ_c e^(x_c - m) = T + S', with T the number of classes equal to the max m (each contributes exactly e^0 = 1)
// and S' the sum of the others, every term < 1. Summing S' apart keeps its own relative precision, where a float32
// running sum of 1 + small terms would round the small terms away: log(T + S') is then exact to float32 precision
// even when one class dominates and the loss is tiny (log(1 + S') ≈ S').

// @ts-ignore: decorator
@inline function vone(): v128 {
  return f32x4.splat(1);
}

// @ts-ignore: decorator
@inline function sparseRowSimd(SMOOTH: bool, C: i32, p: usize, y: i32, w: usize, wy: f32, W: f32, ls: f32, g: usize, sr: f32): f64 {
  let m: f32;
  let S: f64;
  const vlowest = f32x4.splat(LOWEST);
  let c = 0;
  if (g == 0) {
    S = sweepExpSum(C, p); // one read of the row (the function's comment says how)
    m = sweepMax;
  } else {
    // Gradient: max; then e = exp(x - m) stored into the gradient and summed (T apart); then the scaling below.
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
    let vt = f32x4.splat(0);
    c = 0;
    for (; c + 8 <= C; c += 8) {
      const vx0 = v128.load(at(p, c));
      const vx1 = v128.load(at(p, c), 16);
      const ve0 = vexpneg(f32x4.sub(vx0, vm));
      const ve1 = vexpneg(f32x4.sub(vx1, vm));
      v128.store(at(g, c), ve0);
      v128.store(at(g, c), ve1, 16);
      const veq0 = f32x4.eq(vx0, vm);
      const veq1 = f32x4.eq(vx1, vm);
      vs0 = f32x4.add(vs0, v128.andnot(ve0, veq0));
      vs1 = f32x4.add(vs1, v128.andnot(ve1, veq1));
      vt = f32x4.add(vt, f32x4.add(v128.and(veq0, vone()), v128.and(veq1, vone())));
    }
    for (; c + 4 <= C; c += 4) {
      const vx = v128.load(at(p, c));
      const ve = vexpneg(f32x4.sub(vx, vm));
      v128.store(at(g, c), ve);
      const veq = f32x4.eq(vx, vm);
      vs0 = f32x4.add(vs0, v128.andnot(ve, veq));
      vt = f32x4.add(vt, v128.and(veq, vone()));
    }
    let ss: f32 = 0;
    let st: f32 = 0;
    for (; c < C; c++) {
      const x = load<f32>(at(p, c));
      const e = expnegf(x - m);
      store<f32>(at(g, c), e);
      if (x == m) st += 1;
      else ss += e;
    }
    S = (<f64>hsum(vt) + <f64>st) + (<f64>hsum(f32x4.add(vs0, vs1)) + <f64>ss);
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
  const logS = log64(S);
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

// ---- sparse softmax cross-entropy: four lanes at once (positions of a strided class axis, or short rows) ----

/** log(T + S') for T >= 1 (an integer) and S' >= 0, corrected for the rounding of T + S' (as log1p). */
// @ts-ignore: decorator
@inline function vlogsum(vt: v128, vs: v128): v128 {
  const vu = f32x4.add(vt, vs);
  return f32x4.add(vlog(vu), f32x4.div(f32x4.add(f32x4.sub(vt, vu), vs), vu));
}

/**
 * Class c of four lanes: four positions of the inner axis (contiguous, class stride s), or with ROWS four
 * consecutive rows of C classes (a gather: for short rows, whose horizontal sums would cost more than their exps).
 */
// @ts-ignore: decorator
@inline function laneLoad(ROWS: bool, p: usize, C: i32, c: i32, s: i32): v128 {
  if (ROWS) return gather4(p, c, C + c, 2 * C + c, 3 * C + c);
  return v128.load(at(p, c * s));
}

/** Labels of four lanes with the ignored ones replaced by 0 (a safe index); the valid lanes as a mask. */
// @ts-ignore: decorator
@inline function safeLabels(vlab: v128, ignore: i32): v128 {
  return v128.andnot(vlab, i32x4.eq(vlab, i32x4.splat(ignore)));
}

/**
 * Four lanes: the loss into out (0 for ignored labels), the gradient when g != 0 (class stride gs, or row-major
 * rows with ROWS), and Σ loss. vsr: the gradient's scale per lane.
 */
// @ts-ignore: decorator
@inline function sparseLanes(ROWS: bool, SMOOTH: bool, C: i32, p: usize, s: i32, lab: usize, w: usize, W: f32, ls: f32, out: usize, g: usize, gs: i32, vsr: v128, ignore: i32): f64 {
  let vm = f32x4.splat(LOWEST);
  for (let c = 0; c < C; c++) vm = f32x4.pmax(vm, laneLoad(ROWS, p, C, c, s));
  let vs = f32x4.splat(0);
  let vt = f32x4.splat(0);
  let vsx = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const vx = laneLoad(ROWS, p, C, c, s);
    const veq = f32x4.eq(vx, vm);
    vs = f32x4.add(vs, v128.andnot(vexpneg(f32x4.sub(vx, vm)), veq));
    vt = f32x4.add(vt, v128.and(veq, vone()));
    if (SMOOTH) {
      const vd = f32x4.sub(vx, vm);
      vsx = f32x4.add(vsx, w == 0 ? vd : f32x4.mul(vd, f32x4.splat(load<f32>(at(w, c)))));
    }
  }
  const vlab = v128.load(lab);
  const vvalid = v128.not(i32x4.eq(vlab, i32x4.splat(ignore)));
  const vy = safeLabels(vlab, ignore);
  const vloss = v128.and(lanesLoss(ROWS, SMOOTH, C, p, s, vy, w, W, ls, vm, vt, vs, vsx), vvalid);
  v128.store(out, vloss);
  if (g != 0) {
    const vwy = lanesWeight(w, vy);
    const va = lanesGradFactor(SMOOTH, C, vwy, W, ls, vsr, f32x4.add(vt, vs));
    const vb = f32x4.mul(vsr, f32x4.splat(ls / <f32>C));
    const vhit = lanesHit(SMOOTH, vwy, ls, vsr);
    for (let c = 0; c < C; c++) {
      let v = f32x4.mul(vexpneg(f32x4.sub(laneLoad(ROWS, p, C, c, s), vm)), va);
      if (SMOOTH) v = f32x4.sub(v, w == 0 ? vb : f32x4.mul(vb, f32x4.splat(load<f32>(at(w, c)))));
      v = v128.and(f32x4.sub(v, v128.and(i32x4.eq(vlab, i32x4.splat(c)), vhit)), vvalid);
      if (ROWS) {
        store<f32>(at(g, c), f32x4.extract_lane(v, 0));
        store<f32>(at(g, C + c), f32x4.extract_lane(v, 1));
        store<f32>(at(g, 2 * C + c), f32x4.extract_lane(v, 2));
        store<f32>(at(g, 3 * C + c), f32x4.extract_lane(v, 3));
      } else v128.store(at(g, c * gs), v);
    }
  }
  return hsum_f64x2(vaccumulate(f64x2.splat(0), vloss));
}

/** The loss of four lanes whose max vm, tie count vt and sum vs (and smoothing sum vsx) are known. */
// @ts-ignore: decorator
@inline function lanesLoss(ROWS: bool, SMOOTH: bool, C: i32, p: usize, s: i32, vy: v128, w: usize, W: f32, ls: f32, vm: v128, vt: v128, vs: v128, vsx: v128): v128 {
  const y0 = i32x4.extract_lane(vy, 0);
  const y1 = i32x4.extract_lane(vy, 1);
  const y2 = i32x4.extract_lane(vy, 2);
  const y3 = i32x4.extract_lane(vy, 3);
  const vx0 = ROWS ? gather4(p, y0, C + y1, 2 * C + y2, 3 * C + y3) : gather4(p, y0 * s, y1 * s + 1, y2 * s + 2, y3 * s + 3);
  const vwy = w == 0 ? f32x4.splat(1) : gather4(w, y0, y1, y2, y3);
  const vlogS = vlogsum(vt, vs);
  let vloss = f32x4.mul(vwy, f32x4.add(f32x4.sub(vm, vx0), vlogS));
  if (SMOOTH) {
    const vsm = f32x4.sub(f32x4.mul(f32x4.splat(W), vlogS), vsx);
    vloss = f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vloss), f32x4.mul(f32x4.splat(ls / <f32>C), vsm));
  }
  return vloss;
}

/** vsr·k / S: the factor of e^(x - m) in the gradient of four lanes. */
// @ts-ignore: decorator
@inline function lanesGradFactor(SMOOTH: bool, C: i32, vwy: v128, W: f32, ls: f32, vsr: v128, vS: v128): v128 {
  const vk = SMOOTH ? f32x4.add(f32x4.mul(f32x4.splat(1 - ls), vwy), f32x4.splat((ls / <f32>C) * W)) : vwy;
  return f32x4.div(f32x4.mul(vsr, vk), vS);
}

// @ts-ignore: decorator
@inline function lanesHit(SMOOTH: bool, vwy: v128, ls: f32, vsr: v128): v128 {
  return SMOOTH ? f32x4.mul(f32x4.mul(vsr, f32x4.splat(1 - ls)), vwy) : f32x4.mul(vsr, vwy);
}

// @ts-ignore: decorator
@inline function lanesWeight(w: usize, vy: v128): v128 {
  if (w == 0) return f32x4.splat(1);
  return gather4(w, i32x4.extract_lane(vy, 0), i32x4.extract_lane(vy, 1), i32x4.extract_lane(vy, 2), i32x4.extract_lane(vy, 3));
}

/**
 * Sixteen positions of the inner axis: each class visit reads one whole 64-byte cache line (with a class stride of
 * a power of two, 4-position visits would come back to lines that their L1 set already evicted).
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
  // vexpneg's constants in locals for the block (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)
  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 16), k2 = v128.load(EXPNEG_K, 32), k3 = v128.load(EXPNEG_K, 48);
  const k4 = v128.load(EXPNEG_K, 64), k5 = v128.load(EXPNEG_K, 80), k6 = v128.load(EXPNEG_K, 96), k7 = v128.load(EXPNEG_K, 112);
  const k8 = v128.load(EXPNEG_K, 128), k9 = v128.load(EXPNEG_K, 144);
  const vzero = f32x4.splat(0);
  let vs0 = vzero;
  let vs1 = vzero;
  let vs2 = vzero;
  let vs3 = vzero;
  let vt0 = vzero;
  let vt1 = vzero;
  let vt2 = vzero;
  let vt3 = vzero;
  let vsx0 = vzero;
  let vsx1 = vzero;
  let vsx2 = vzero;
  let vsx3 = vzero;
  for (let c = 0; c < C; c++) {
    const pc = at(p, c * s);
    const vx0 = v128.load(pc);
    const vx1 = v128.load(pc, 16);
    const vx2 = v128.load(pc, 32);
    const vx3 = v128.load(pc, 48);
    const veq0 = f32x4.eq(vx0, vm0);
    const veq1 = f32x4.eq(vx1, vm1);
    const veq2 = f32x4.eq(vx2, vm2);
    const veq3 = f32x4.eq(vx3, vm3);
    const vd0 = f32x4.sub(vx0, vm0);
    const vd1 = f32x4.sub(vx1, vm1);
    const vd2 = f32x4.sub(vx2, vm2);
    const vd3 = f32x4.sub(vx3, vm3);
    vs0 = f32x4.add(vs0, v128.andnot(vexpnegWith(vd0, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq0));
    vs1 = f32x4.add(vs1, v128.andnot(vexpnegWith(vd1, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq1));
    vs2 = f32x4.add(vs2, v128.andnot(vexpnegWith(vd2, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq2));
    vs3 = f32x4.add(vs3, v128.andnot(vexpnegWith(vd3, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq3));
    const vo = vone();
    vt0 = f32x4.add(vt0, v128.and(veq0, vo));
    vt1 = f32x4.add(vt1, v128.and(veq1, vo));
    vt2 = f32x4.add(vt2, v128.and(veq2, vo));
    vt3 = f32x4.add(vt3, v128.and(veq3, vo));
    if (SMOOTH) {
      const vwc = w == 0 ? vo : f32x4.splat(load<f32>(at(w, c)));
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
  const vignore = i32x4.splat(ignore);
  const vvalid0 = v128.not(i32x4.eq(vlab0, vignore));
  const vvalid1 = v128.not(i32x4.eq(vlab1, vignore));
  const vvalid2 = v128.not(i32x4.eq(vlab2, vignore));
  const vvalid3 = v128.not(i32x4.eq(vlab3, vignore));
  const vy0 = v128.and(vlab0, vvalid0);
  const vy1 = v128.and(vlab1, vvalid1);
  const vy2 = v128.and(vlab2, vvalid2);
  const vy3 = v128.and(vlab3, vvalid3);
  const vl0 = v128.and(lanesLoss(false, SMOOTH, C, p, s, vy0, w, W, ls, vm0, vt0, vs0, vsx0), vvalid0);
  const vl1 = v128.and(lanesLoss(false, SMOOTH, C, at(p, 4), s, vy1, w, W, ls, vm1, vt1, vs1, vsx1), vvalid1);
  const vl2 = v128.and(lanesLoss(false, SMOOTH, C, at(p, 8), s, vy2, w, W, ls, vm2, vt2, vs2, vsx2), vvalid2);
  const vl3 = v128.and(lanesLoss(false, SMOOTH, C, at(p, 12), s, vy3, w, W, ls, vm3, vt3, vs3, vsx3), vvalid3);
  v128.store(out, vl0);
  v128.store(out, vl1, 16);
  v128.store(out, vl2, 32);
  v128.store(out, vl3, 48);
  if (g != 0) {
    const vscale = f32x4.splat(scale);
    const vsr0 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale), vscale);
    const vsr1 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 16), vscale);
    const vsr2 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 32), vscale);
    const vsr3 = rowScale == 0 ? vscale : f32x4.mul(v128.load(rowScale, 48), vscale);
    const vwy0 = lanesWeight(w, vy0);
    const vwy1 = lanesWeight(w, vy1);
    const vwy2 = lanesWeight(w, vy2);
    const vwy3 = lanesWeight(w, vy3);
    const va0 = lanesGradFactor(SMOOTH, C, vwy0, W, ls, vsr0, f32x4.add(vt0, vs0));
    const va1 = lanesGradFactor(SMOOTH, C, vwy1, W, ls, vsr1, f32x4.add(vt1, vs1));
    const va2 = lanesGradFactor(SMOOTH, C, vwy2, W, ls, vsr2, f32x4.add(vt2, vs2));
    const va3 = lanesGradFactor(SMOOTH, C, vwy3, W, ls, vsr3, f32x4.add(vt3, vs3));
    const vh0 = lanesHit(SMOOTH, vwy0, ls, vsr0);
    const vh1 = lanesHit(SMOOTH, vwy1, ls, vsr1);
    const vh2 = lanesHit(SMOOTH, vwy2, ls, vsr2);
    const vh3 = lanesHit(SMOOTH, vwy3, ls, vsr3);
    const vb = f32x4.splat(ls / <f32>C);
    for (let c = 0; c < C; c++) {
      const pc = at(p, c * s);
      const gc = at(g, c * gs);
      const vc = i32x4.splat(c);
      let v0 = f32x4.sub(f32x4.mul(vexpnegWith(f32x4.sub(v128.load(pc), vm0), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), va0), v128.and(i32x4.eq(vlab0, vc), vh0));
      let v1 = f32x4.sub(f32x4.mul(vexpnegWith(f32x4.sub(v128.load(pc, 16), vm1), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), va1), v128.and(i32x4.eq(vlab1, vc), vh1));
      let v2 = f32x4.sub(f32x4.mul(vexpnegWith(f32x4.sub(v128.load(pc, 32), vm2), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), va2), v128.and(i32x4.eq(vlab2, vc), vh2));
      let v3 = f32x4.sub(f32x4.mul(vexpnegWith(f32x4.sub(v128.load(pc, 48), vm3), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), va3), v128.and(i32x4.eq(vlab3, vc), vh3));
      if (SMOOTH) {
        const vwc = w == 0 ? vb : f32x4.mul(vb, f32x4.splat(load<f32>(at(w, c))));
        v0 = f32x4.sub(v0, f32x4.mul(vsr0, vwc));
        v1 = f32x4.sub(v1, f32x4.mul(vsr1, vwc));
        v2 = f32x4.sub(v2, f32x4.mul(vsr2, vwc));
        v3 = f32x4.sub(v3, f32x4.mul(vsr3, vwc));
      }
      v128.store(gc, v128.and(v0, vvalid0));
      v128.store(gc, v128.and(v1, vvalid1), 16);
      v128.store(gc, v128.and(v2, vvalid2), 32);
      v128.store(gc, v128.and(v3, vvalid3), 48);
    }
  }
  return hsum_f64x2(vaccumulate(vaccumulate(f64x2.splat(0), f32x4.add(vl0, vl1)), f32x4.add(vl2, vl3)));
}

// @ts-ignore: decorator
@inline function gather4(base: usize, i0: i32, i1: i32, i2: i32, i3: i32): v128 {
  // one load-splat and three lane loads (one instruction each: movss/pinsrd from memory)
  let v = v128.load32_splat(at(base, i0));
  v = v128.load32_lane(at(base, i1), v, 1);
  v = v128.load32_lane(at(base, i2), v, 2);
  return v128.load32_lane(at(base, i3), v, 3);
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
      if (inner == 1 && C <= ROW_LANES_MAX_C && o + 4 <= outer) {
        // four short rows at once, one per lane
        const vsr = rowScale == 0 ? f32x4.splat(scale) : f32x4.mul(v128.load(at(rowScale, o)), f32x4.splat(scale));
        total += sparseLanes(true, SMOOTH, C, po, 1, at(labels, o), w, W, ls, at(out, o), go, 1, vsr, ignore);
        o += 3;
        continue;
      }
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
        total += sparseLanes(false, SMOOTH, C, at(po, i), ps, at(labels, r), w, W, ls, at(out, r), go == 0 ? 0 : at(go, i), gs, vsr, ignore);
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
function sparseSoftmaxXentRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
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
function softmaxXentRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  const ls = <f64>p0;
  const u = ls / <f64>C;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const t = rowAt(target, o, C, ts, i);
      const m = rowMax(C, p, ps);
      const S = expSumF64(C, p, ps, m);
      const lse = <f64>m + log64(S);
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
        const gp = rowAt(grad, o, C, gs, i);
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
function sparseXentProbsRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const gp: usize = grad == 0 ? <usize>0 : rowAt(grad, o, C, gs, i);
      const y = load<i32>(at(labels, r));
      if (y == ignore) {
        store<f32>(at(out, r), 0);
        if (gp != 0) for (let c = 0; c < C; c++) store<f32>(at(gp, c * gs), 0);
        continue;
      }
      let Q: f64 = 0;
      for (let c = 0; c < C; c++) Q += clipProb(<f64>load<f32>(at(p, c * ps)));
      const qy = clipProb(<f64>load<f32>(at(p, y * ps)));
      const l = log64(Q) - log64(qy);
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
function xentProbsRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  const ls = <f64>p0;
  const u = ls / <f64>C;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const t = rowAt(target, o, C, ts, i);
      let P: f64 = 0;
      for (let c = 0; c < C; c++) P += <f64>load<f32>(at(p, c * ps));
      let l: f64 = 0;
      for (let c = 0; c < C; c++) {
        const yc = <f64>load<f32>(at(t, c * ts)) * (1 - ls) + u;
        l -= yc * log64(clipProb(<f64>load<f32>(at(p, c * ps)) / P));
      }
      store<f32>(at(out, r), <f32>l);
      total += l;
      if (grad != 0) {
        const sr = <f64>rowScaleAt(rowScale, scale, r);
        const gp = rowAt(grad, o, C, gs, i);
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
function nllRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, labels: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const gp: usize = grad == 0 ? <usize>0 : rowAt(grad, o, C, gs, i);
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

// ---- exports: the row ABI (assembly/inline/row_abi.ts: a frame per tile, the loss's parameters) ----

export function sparse_softmax_xent_f32(frame: usize, params: usize): f64 { return runRowKernel(sparseSoftmaxXentRows, frame, params); }
export function softmax_xent_f32(frame: usize, params: usize): f64 { return runRowKernel(softmaxXentRows, frame, params); }
export function sparse_xent_probs_f32(frame: usize, params: usize): f64 { return runRowKernel(sparseXentProbsRows, frame, params); }
export function xent_probs_f32(frame: usize, params: usize): f64 { return runRowKernel(xentProbsRows, frame, params); }
export function nll_f32(frame: usize, params: usize): f64 { return runRowKernel(nllRows, frame, params); }
