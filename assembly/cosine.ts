// Cosine losses, per row of D contiguous elements (docs/semantics.md §2 cs). With the row sums
// dot = Σ a·b, sa = Σ a², sb = Σ b² (in f64), then per row in f64:
//
// Keras CosineSimilarity (keras/src/losses/losses.py cosine_similarity over keras/src/ops/nn.py normalize):
//   n(x) = x · inv(x),  inv(x) = min(rsqrt(Σ x²), 1/ε), ε = 1e-7        l = -Σ n(t)·n(p) = -dot·inv(t)·inv(p)
//   ∂l/∂p_k = -inv(t)·inv(p)·(t_k - dot·inv(p)²·p_k)   where rsqrt(Σp²) <= 1/ε (minimum's gradient goes there at a tie)
//           = -inv(t)·(1/ε)·t_k                         where the constant 1/ε is taken (a zero or tiny p row)
//   cosine_similarity_f32: the row ABI of src/engines/rows.ts (a = target, b = pred)
//
// torch CosineEmbeddingLoss (aten/src/ATen/native/Loss.cpp cosine_embedding_loss, EPSILON = 1e-12):
//   A = sa + ε, B = sb + ε, cos = dot / sqrt(A·B), ε = (float) 1e-12
//   l = 1 - cos where y = 1;  max(cos - margin, 0) where y = -1 (y has been checked to be ±1)
//   ∂cos/∂x1 = x2/sqrt(AB) - cos·x1/A,  ∂cos/∂x2 = x1/sqrt(AB) - cos·x2/B
//
//   cosine_embedding_f32: the row ABI with its trailing per-row operand (the ±1 labels), p0 = margin
//
// Both return Σ_r w_r·l_r with w_r = rowScale[r] (1 when rowScale = 0): a weighted sum in f64, where per-row
// values rounded to f32 and summed would lose the small totals of rows that cancel; write out[r] = l_r, and
// the gradients scale · w_r · ∂l when the gradient pointers are != 0.

import { runRowKernel } from './inline/row_abi';
import { hsum_f64x2, vwiden_hi, vwiden_lo } from "./inline/hsum";
import { at as ptr, rowAt } from "./inline/ptr";

/** 1/ε for Keras's ε = 1e-7, in f32: 1e7 exactly. */
const INV_EPSILON: f64 = 1e7;
/**
 * torch's EPSILON in cosine_embedding_loss: a float constant 1e-12 (aten/src/ATen/native/Loss.cpp), so
 * 9.99999996e-13 in the double arithmetic of a float64 tensor (measured: a zero x1 row's gradient x2/sqrt(A·B)
 * differs by 2e-9 relative between the two).
 */
const TORCH_EPSILON: f64 = <f64>(<f32>1e-12);


// Row sums, left in globals (a kernel returns one value).
let rowDot: f64 = 0;
let rowSa: f64 = 0;
let rowSb: f64 = 0;

// @ts-ignore: decorator
@inline function rowSums(cols: i32, a: usize, b: usize): void {
  // Products in f64 (a product of two f32 is exact there): rows that nearly cancel (cos near 0, summed over many
  // rows) keep their small totals; a row of D is in L1, and widening costs little beside the loads.
  let dot: f64 = 0;
  let sa: f64 = 0;
  let sb: f64 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    let vdot0 = f64x2.splat(0);
    let vdot1 = f64x2.splat(0);
    let vsa0 = f64x2.splat(0);
    let vsa1 = f64x2.splat(0);
    let vsb0 = f64x2.splat(0);
    let vsb1 = f64x2.splat(0);
    for (; c + 4 <= cols; c += 4) {
      const va = v128.load(ptr(a, c));
      const vb = v128.load(ptr(b, c));
      const va0 = vwiden_lo(va);
      const va1 = vwiden_hi(va);
      const vb0 = vwiden_lo(vb);
      const vb1 = vwiden_hi(vb);
      vdot0 = f64x2.add(vdot0, f64x2.mul(va0, vb0));
      vdot1 = f64x2.add(vdot1, f64x2.mul(va1, vb1));
      vsa0 = f64x2.add(vsa0, f64x2.mul(va0, va0));
      vsa1 = f64x2.add(vsa1, f64x2.mul(va1, va1));
      vsb0 = f64x2.add(vsb0, f64x2.mul(vb0, vb0));
      vsb1 = f64x2.add(vsb1, f64x2.mul(vb1, vb1));
    }
    dot = hsum_f64x2(f64x2.add(vdot0, vdot1));
    sa = hsum_f64x2(f64x2.add(vsa0, vsa1));
    sb = hsum_f64x2(f64x2.add(vsb0, vsb1));
  }
  rowSumsFrom(c, cols, a, 1, b, 1, dot, sa, sb);
}

/** out[c] = alpha·a[c] + beta·b[c] over a row. */
// @ts-ignore: decorator
@inline function combine(cols: i32, a: usize, b: usize, out: usize, alpha: f32, beta: f32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const valpha = f32x4.splat(alpha);
    const vbeta = f32x4.splat(beta);
    for (; c + 4 <= cols; c += 4) {
      v128.store(ptr(out, c), f32x4.add(f32x4.mul(v128.load(ptr(a, c)), valpha), f32x4.mul(v128.load(ptr(b, c)), vbeta)));
    }
  }
  for (; c < cols; c++) store<f32>(ptr(out, c), load<f32>(ptr(a, c)) * alpha + load<f32>(ptr(b, c)) * beta);
}

/** min(rsqrt(s), 1/ε), and whether the constant was taken (rsqrt(s) > 1/ε: minimum passes ties to rsqrt). */
// @ts-ignore: decorator
@inline function invNorm(s: f64): f64 {
  const r = 1 / Math.sqrt(s);
  return r <= INV_EPSILON ? r : INV_EPSILON; // NaN s: 1/ε (a NaN row is NaN through dot anyway)
}

/**
 * Σ a·b, Σ a², Σ b² over a strided row from column c on, added to the partial sums given: the whole row where the
 * row ABI's layout is strided (an axis other than the last), the tail after rowSums's SIMD loop otherwise.
 */
// @ts-ignore: decorator
@inline function rowSumsFrom(c: i32, cols: i32, a: usize, as: i32, b: usize, bs: i32, dot: f64, sa: f64, sb: f64): void {
  for (; c < cols; c++) {
    const x = <f64>load<f32>(ptr(a, c * as));
    const y = <f64>load<f32>(ptr(b, c * bs));
    dot += x * y;
    sa += x * x;
    sb += y * y;
  }
  rowDot = dot;
  rowSa = sa;
  rowSb = sb;
}

/**
 * Keras CosineSimilarity over rows of C values, in the row ABI of src/engines/rows.ts (element (o, c, i) of an
 * operand at o·C·s + c·s + i with its class stride s; contiguous rows, s = 1, take the SIMD paths): out[r] = l_r;
 * ∂l/∂pred scaled by scale·rowScale[r] into grad when grad != 0. Returns Σ_r w_r·l_r, w_r = rowScale[r] (1 when
 * rowScale = 0), from the f64 row values (rows whose values cancel keep their small total). No parameters.
 */
function cosineSimilarityRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
): f64 {
  assert(outer >= 0 && C >= 1 && inner >= 1, "expected outer >= 0, C >= 1, inner >= 1");
  let total: f64 = 0;
  const contiguous = ps == 1 && ts == 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const p = rowAt(pred, o, C, ps, i);
      const t = rowAt(target, o, C, ts, i);
      if (contiguous) rowSums(C, t, p);
      else rowSumsFrom(0, C, t, ts, p, ps, 0, 0, 0);
      const it = invNorm(rowSa);
      const ip = invNorm(rowSb);
      const l = -rowDot * it * ip;
      const w: f64 = rowScale != 0 ? <f64>load<f32>(ptr(rowScale, r)) : 1;
      total += l * w;
      store<f32>(ptr(out, r), <f32>l);
      if (grad == 0) continue;
      const factor = <f64>scale * w;
      const clamped = !(1 / Math.sqrt(rowSb) <= INV_EPSILON);
      // ∂l/∂p = alpha·t + beta·p
      const alpha = <f32>(-it * ip * factor);
      const beta = <f32>(clamped ? 0 : it * ip * ip * ip * rowDot * factor);
      const g = rowAt(grad, o, C, gs, i);
      if (contiguous && gs == 1) combine(C, t, p, g, alpha, beta);
      else for (let c = 0; c < C; c++) store<f32>(ptr(g, c * gs), load<f32>(ptr(t, c * ts)) * alpha + load<f32>(ptr(p, c * ps)) * beta);
    }
  }
  return total;
}

/**
 * torch CosineEmbeddingLoss over rows of C values, in the row ABI of src/engines/rows.ts with its trailing
 * per-row operand: pred = x1, target = x2 (both [outer, C], inner = 1: torch's input is [N, D] or [D]), `labels`
 * the ±1 label of each row (checked by the facade), p0 = the margin. out[r] = l_r; ∂l/∂x1 into grad and ∂l/∂x2
 * into gradTarget (both or neither), scaled by scale·rowScale[r]. Returns Σ_r w_r·l_r in f64.
 */
function cosineEmbeddingRows(
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, labels: usize,
): f64 {
  assert(outer >= 0 && C >= 1 && inner == 1, "expected outer >= 0, C >= 1, inner = 1");
  assert(ps == 1 && ts == 1 && (grad == 0 || (gs == 1 && gts == 1)), "rows of x1, x2 and their gradients are contiguous");
  let total: f64 = 0;
  const stride = <usize>C << 2;
  const m = <f64>p0;
  let x1 = pred;
  let x2 = target;
  let g1 = grad;
  let g2 = gradTarget;
  for (let r = 0; r < outer; r++) {
    rowSums(C, x1, x2);
    const a = rowSa + TORCH_EPSILON;
    const b = rowSb + TORCH_EPSILON;
    const den = Math.sqrt(a * b);
    const cos = rowDot / den;
    const positive = load<f32>(ptr(labels, r)) == 1;
    const z = cos - m;
    const l = positive ? 1 - cos : z < 0 ? 0 : z;
    const w: f64 = rowScale != 0 ? <f64>load<f32>(ptr(rowScale, r)) : 1;
    total += l * w;
    store<f32>(ptr(out, r), <f32>l);
    if (g1 != 0) {
      const factor = <f64>scale * w;
      const dl = positive ? -factor : z >= 0 ? factor : 0; // ∂l/∂cos · factor
      // ∂l/∂x1 = dl·(x2/den - cos/A·x1), ∂l/∂x2 = dl·(x1/den - cos/B·x2)
      combine(C, x1, x2, g1, <f32>(-dl * cos / a), <f32>(dl / den));
      combine(C, x1, x2, g2, <f32>(dl / den), <f32>(-dl * cos / b));
      g1 += stride;
      g2 += stride;
    }
    x1 += stride;
    x2 += stride;
  }
  return total;
}

// ---- exports: the row ABI (assembly/inline/row_abi.ts: a frame per tile, the loss's parameters) ----

export function cosine_similarity_f32(frame: usize, params: usize): f64 { return runRowKernel(cosineSimilarityRows, frame, params); }
export function cosine_embedding_f32(frame: usize, params: usize): f64 { return runRowKernel(cosineEmbeddingRows, frame, params); }
