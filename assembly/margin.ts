// Margin losses: hinge-type functions of a prediction p and a target t (docs/semantics.md §2 hinge, ch).
//
// Elementwise, f and f' = ∂f/∂p (Keras averages f over the last axis; the facade applies that 1/D):
//   HINGE            Keras Hinge          y = t·(1 + c) - c,  z = 1 - y·p,   f = max(z, 0)     f' = -y where z >= 0
//   SQUARED_HINGE    Keras SquaredHinge   same y and z,                       f = max(z, 0)²    f' = -2y·max(z, 0)
//   HINGE_EMBEDDING  torch               f = p where t = 1, else max(m - p, 0)                 f' = 1, or -1 where m - p >= 0
// `param` is c for the Keras kinds: 1 maps 0/1 labels to -1/1 (y = 2t - 1), 0 keeps them (y = t); the facade
// sets it to 1 only when every label of the tensor is 0 or 1 (keras/src/losses/losses.py,
// convert_binary_labels_to_hinge). For HINGE_EMBEDDING it is the margin m; the facade has checked that every
// t is ±1 (torch's at::where(target != 1, …) + at::where(target != -1, …) in aten/src/ATen/native/Loss.cpp).
// max(z, 0) passes the gradient at z = 0 (Keras ops.maximum and torch clamp_min_ both do), and a NaN z gives
// NaN values and a 0 gradient (the comparison z >= 0 is false), as both frameworks' max gradients.
//
// Kernels, the contract of assembly/regression.ts and its loops (assembly/inline/elementwise_loops.ts; pointers in
// bytes, counts in elements):
//   <loss>_sum_f32(n, pred, target, params): f64                     Σ f
//   <loss>_rows_f32(rows, cols, pred, target, out, params, scale)     out[r] = scale · Σ_c f   (cols = 1: map)
//   <loss>_grad_f32(n, pred, target, grad, params, scale): f64       grad = scale · f', returns Σ f
//   params: the loss's parameter block; these kernels read one f32 there (param below).
//
// Per row (Keras CategoricalHinge, keras/src/losses/losses.py categorical_hinge), over the last axis of D:
//   pos = Σ t·p,  neg = max_j (1 - t_j)·p_j,  l = max(neg - pos + 1, 0)
//   ∂l/∂p_j = -t_j + (1 - t_j)·[j is one of the k maxima]/k   where neg - pos + 1 >= 0, else 0
// (TensorFlow's reduce_max gradient shares the gradient equally among tied maxima.)
//   categorical_hinge_f32: the row ABI of src/engines/rows.ts (see the kernel); pos accumulates in f64.

import { runRowKernel } from './inline/row_abi';
import { vaccumulate, hsum_f64x2 } from "./inline/hsum";
import { gradLoop, mapLoop, rowsLoop, sumLoop } from "./inline/elementwise_loops";
import { selectf } from "./inline/pminmax";
import { at as ptr, rowAt } from "./inline/ptr";

const HINGE: i32 = 0;
const SQUARED_HINGE: i32 = 1;
const HINGE_EMBEDDING: i32 = 2;


// ---- f and f' (divided by 2 for SQUARED_HINGE: gradFactor), one lane and four lanes ----

// @ts-ignore: decorator
@inline function gradFactor(kind: i32): f32 {
  return kind == SQUARED_HINGE ? 2 : 1;
}

/** max(z, 0) keeping NaN, without a branch. */
// @ts-ignore: decorator
@inline function relu(z: f32): f32 {
  return selectf(0, z, z < 0);
}

// @ts-ignore: decorator
@inline function loss(kind: i32, p: f32, t: f32, param: f32): f32 {
  if (kind == HINGE_EMBEDDING) return selectf(p, relu(param - p), t == 1);
  const y = t * (1 + param) - param;
  const m = relu(<f32>1 - y * p);
  return kind == SQUARED_HINGE ? m * m : m;
}

// @ts-ignore: decorator
@inline function dloss(kind: i32, p: f32, t: f32, param: f32): f32 {
  if (kind == HINGE_EMBEDDING) return selectf(1, selectf(-1, 0, param - p >= 0), t == 1);
  const y = t * (1 + param) - param;
  const z: f32 = 1 - y * p;
  if (kind == SQUARED_HINGE) return selectf(-y * z, 0, z > 0);
  return selectf(-y, 0, z >= 0);
}

// @ts-ignore: decorator
@inline function vloss(kind: i32, vp: v128, vt: v128, vparam: v128, signed: bool = false): v128 {
  const vzero = f32x4.splat(0);
  if (kind == HINGE_EMBEDDING) {
    return v128.bitselect(vp, f32x4.pmax(f32x4.sub(vparam, vp), vzero), f32x4.eq(vt, f32x4.splat(1)));
  }
  // signed (c = 0, the labels are used as they are): y = t, two operations fewer per vector
  const vy = signed ? vt : f32x4.sub(f32x4.mul(vt, f32x4.add(vparam, f32x4.splat(1))), vparam);
  const vm = f32x4.pmax(f32x4.sub(f32x4.splat(1), f32x4.mul(vy, vp)), vzero); // NaN z stays NaN
  return kind == SQUARED_HINGE ? f32x4.mul(vm, vm) : vm;
}

// @ts-ignore: decorator
@inline function vdloss(kind: i32, vp: v128, vt: v128, vparam: v128): v128 {
  const vzero = f32x4.splat(0);
  const vone = f32x4.splat(1);
  if (kind == HINGE_EMBEDDING) {
    const vneg = v128.and(f32x4.ge(f32x4.sub(vparam, vp), vzero), f32x4.splat(-1));
    return v128.bitselect(vone, vneg, f32x4.eq(vt, vone));
  }
  const vy = f32x4.sub(f32x4.mul(vt, f32x4.add(vparam, vone)), vparam);
  const vz = f32x4.sub(vone, f32x4.mul(vy, vp));
  if (kind == SQUARED_HINGE) return v128.and(f32x4.mul(f32x4.neg(vy), vz), f32x4.gt(vz, vzero));
  return v128.and(f32x4.neg(vy), f32x4.ge(vz, vzero));
}

// ---- loops: the shared skeletons of assembly/inline/elementwise_loops.ts, over this family's math ----

/**
 * A flag on a Keras kind: c = 0 (the labels are used as they are), so y = t, which the SIMD sum takes for the
 * common case of ±1 labels (see sumRange). Only vloss reads it; the rest of the math sees the kind without it.
 */
const SIGNED: i32 = 4;

/** This family's math for the shared loops (assembly/inline/elementwise_loops.ts says what each method is). */
@final @unmanaged class Margin {
  // @ts-ignore: decorator
  @inline operand(kind: i32, p: f32, t: f32): f32 { return p; }
  // @ts-ignore: decorator
  @inline voperand(kind: i32, vp: v128, vt: v128): v128 { return vp; }
  // @ts-ignore: decorator
  @inline loss(kind: i32, p: f32, t: f32, param: f32): f32 { return loss(kind & ~SIGNED, p, t, param); }
  // @ts-ignore: decorator
  @inline dloss(kind: i32, p: f32, t: f32, param: f32): f32 { return dloss(kind & ~SIGNED, p, t, param); }
  // @ts-ignore: decorator
  @inline vloss(kind: i32, vp: v128, vt: v128, vparam: v128, param: f32): v128 { return vloss(kind & ~SIGNED, vp, vt, vparam, (kind & SIGNED) != 0); }
  // @ts-ignore: decorator
  @inline vdloss(kind: i32, vp: v128, vt: v128, vparam: v128, param: f32): v128 { return vdloss(kind & ~SIGNED, vp, vt, vparam); }
  // @ts-ignore: decorator
  @inline gradFactor(kind: i32): f32 { return gradFactor(kind & ~SIGNED); }
  /** HINGE_EMBEDDING's f = p where t = 1 has either sign. */
  // @ts-ignore: decorator
  @inline signedTerms(kind: i32): bool { return (kind & ~SIGNED) == HINGE_EMBEDDING; }
  // @ts-ignore: decorator
  @inline narrowKind(kind: i32): i32 { return kind & ~SIGNED; }
  // @ts-ignore: decorator
  @inline tailCall(kind: i32): bool { return false; }
  // @ts-ignore: decorator
  @inline mapRange(kind: i32, n: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void { mapLoop<Margin>(kind, n, p, t, out, param, scale); }
  // @ts-ignore: decorator
  @inline rowSum(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 { return rowSum(kind, n, p, t, param); }
}

/**
 * Σ f over [0, n): the Keras kinds with c = 0 (labels already ±1, the common case) take a loop where y = t, which
 * is what a bandwidth-bound sum over data in cache (the streamed arrays path) spends its time on.
 */
// @ts-ignore: decorator
@inline function sumRange(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  if (ASC_FEATURE_SIMD && kind != HINGE_EMBEDDING && param == 0) return sumLoop<Margin>(kind | SIGNED, n, p, t, param);
  return sumLoop<Margin>(kind, n, p, t, param);
}

/** Σ f over one row: a call to the kind's exported sum kernel (no second copy of its loops in the rows kernels). */
// @ts-ignore: decorator
@inline function rowSum(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  return sumOfKind(kind, n, p, t, param);
}

/**
 * Σ f of a kind, the one copy of each kind's loops: its exported sum kernel and the rows kernels' rows both call
 * it (the kind is a constant in every branch, so each branch is that kind's specialised loop).
 */
function sumOfKind(kind: i32, n: i32, p: usize, t: usize, param: f32): f64 {
  if (kind == HINGE) return sumRange(HINGE, n, p, t, param);
  if (kind == SQUARED_HINGE) return sumRange(SQUARED_HINGE, n, p, t, param);
  return sumRange(HINGE_EMBEDDING, n, p, t, param);
}

// @ts-ignore: decorator
@inline function rowsKernel(kind: i32, rows: i32, cols: i32, p: usize, t: usize, out: usize, param: f32, scale: f64): void {
  assert(rows >= 0 && cols >= 1, "expected rows >= 0 and cols >= 1");
  rowsLoop<Margin>(kind, rows, cols, p, t, out, param, scale);
}

// @ts-ignore: decorator
@inline function gradKernel(kind: i32, n: i32, p: usize, t: usize, grad: usize, param: f32, scale: f64): f64 {
  assert(n >= 0, "expected n >= 0");
  return gradLoop<Margin>(kind, n, p, t, grad, param, scale);
}

// ---- categorical hinge, per row (the row ABI of src/engines/rows.ts) ----

// @ts-ignore: decorator
@inline function rowMaxNegative(cols: i32, p: usize, ps: i32, t: usize, ts: i32): f32 {
  // max_j (1 - t_j)·p_j
  let m: f32 = -Infinity;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    if (ps == 1 && ts == 1) {
      let vm = f32x4.splat(-Infinity);
      const vone = f32x4.splat(1);
      for (; c + 4 <= cols; c += 4) {
        vm = f32x4.pmax(vm, f32x4.mul(f32x4.sub(vone, v128.load(ptr(t, c))), v128.load(ptr(p, c))));
      }
      m = Mathf.max(Mathf.max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), Mathf.max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
    }
  }
  for (; c < cols; c++) m = Mathf.max(m, (<f32>1 - load<f32>(ptr(t, c * ts))) * load<f32>(ptr(p, c * ps)));
  return m;
}

// @ts-ignore: decorator
@inline function rowDot(cols: i32, p: usize, ps: i32, t: usize, ts: i32): f64 {
  let acc: f64 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    if (ps == 1 && ts == 1) {
      let vacc = f64x2.splat(0);
      for (; c + 4 <= cols; c += 4) vacc = vaccumulate(vacc, f32x4.mul(v128.load(ptr(t, c)), v128.load(ptr(p, c))));
      acc = hsum_f64x2(vacc);
    }
  }
  for (; c < cols; c++) acc += <f64>(load<f32>(ptr(t, c * ts)) * load<f32>(ptr(p, c * ps)));
  return acc;
}

/**
 * Keras CategoricalHinge over rows of C classes, in the row ABI (src/engines/rows.ts; element (o, c, i) of an
 * operand at o·C·s + c·s + i with its class stride s): out[r] = l_r; ∂l/∂p scaled by scale·rowScale[r] into grad
 * when grad != 0. Returns Σ_r w_r·l_r with w_r = rowScale[r] (1 when rowScale = 0), in f64: the weighted total
 * straight from the f64 row values, where summing f32 out[r]·w_r would round each row first.
 * No parameters (p0, p1, weights, ignore, gradTarget unused).
 */
function categoricalHingeRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const t = rowAt(target, o, C, ts, i);
      const pos = rowDot(C, p, ps, t, ts);
      const neg = rowMaxNegative(C, p, ps, t, ts);
      const z = <f64>neg - pos + 1;
      const l = z < 0 ? 0 : z; // NaN stays NaN
      const w: f64 = rowScale != 0 ? <f64>load<f32>(ptr(rowScale, r)) : 1;
      total += l * w;
      store<f32>(ptr(out, r), <f32>l);
      if (grad == 0) continue;
      const g = rowAt(grad, o, C, gs, i);
      if (!(z >= 0)) {
        for (let c = 0; c < C; c++) store<f32>(ptr(g, c * gs), 0);
        continue;
      }
      const factor = <f64>scale * w;
      let ties = 0;
      for (let c = 0; c < C; c++) ties += <i32>((<f32>1 - load<f32>(ptr(t, c * ts))) * load<f32>(ptr(p, c * ps)) == neg);
      const share = <f32>(factor / <f64>ties);
      const f = <f32>factor;
      for (let c = 0; c < C; c++) {
        const tc = load<f32>(ptr(t, c * ts));
        const q: f32 = 1 - tc;
        store<f32>(ptr(g, c * gs), selectf(q * share, 0, q * load<f32>(ptr(p, c * ps)) == neg) - tc * f);
      }
    }
  }
  return total;
}

// ---- exports ----

export function hinge_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(HINGE, n, pred, target, load<f32>(params)); }
export function squared_hinge_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(SQUARED_HINGE, n, pred, target, load<f32>(params)); }
export function hinge_embedding_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumOfKind(HINGE_EMBEDDING, n, pred, target, load<f32>(params)); }

export function hinge_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(HINGE, rows, cols, pred, target, out, load<f32>(params), scale); }
export function squared_hinge_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(SQUARED_HINGE, rows, cols, pred, target, out, load<f32>(params), scale); }
export function hinge_embedding_rows_f32(rows: i32, cols: i32, pred: usize, target: usize, out: usize, params: usize, scale: f64): void { rowsKernel(HINGE_EMBEDDING, rows, cols, pred, target, out, load<f32>(params), scale); }

export function hinge_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(HINGE, n, pred, target, grad, load<f32>(params), scale); }
export function squared_hinge_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(SQUARED_HINGE, n, pred, target, grad, load<f32>(params), scale); }
export function hinge_embedding_grad_f32(n: i32, pred: usize, target: usize, grad: usize, params: usize, scale: f64): f64 { return gradKernel(HINGE_EMBEDDING, n, pred, target, grad, load<f32>(params), scale); }

/**
 * What Keras's whole-tensor rule (convert_binary_labels_to_hinge) needs to know of the labels t[0..n): bit 0 set
 * when some label is 0 (either sign), bit 1 when some label is neither 0 nor 1 (NaN included). One pass with no
 * branch per element (a JS loop over random 0/1 labels mispredicts half its branches: 4-8 ms per million labels).
 */
export function binary_labels_f32(n: i32, t: usize): i32 {
  let zero = 0;
  let other = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let vzero = i32x4.splat(0);
    let vother = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(ptr(t, i));
      const z = f32x4.eq(v, f32x4.splat(0));
      vzero = v128.or(vzero, z);
      vother = v128.or(vother, v128.not(v128.or(z, f32x4.eq(v, f32x4.splat(1)))));
    }
    zero = <i32>v128.any_true(vzero);
    other = <i32>v128.any_true(vother);
  }
  for (; i < n; i++) {
    const v = load<f32>(ptr(t, i));
    const z = <i32>(v == 0);
    zero |= z;
    other |= <i32>(v != 1) & (z ^ 1);
  }
  return zero | (other << 1);
}

// ---- exports: the row ABI (assembly/inline/row_abi.ts: a frame per tile, the loss's parameters) ----

export function categorical_hinge_f32(frame: usize, params: usize): f64 { return runRowKernel(categoricalHingeRows, frame, params); }
