// Keras's binary cross-entropy of a probability (keras/src/backend/tensorflow/nn.py binary_crossentropy, from_logits
// False), for y a (smoothed) label and p a probability, shared by assembly/probability.ts (BCE) and
// assembly/focal.ts (the focal loss's b):
//
//   q = clip(p, ε, 1 - ε),  b = -(y·log q + (1 - y)·log(1 - q)),  b' = (q - y)/(q(1 - q)) inside the clip, else 0
//
// ε = 1e-7 (keras.backend.epsilon()); 1 - ε is 1 - 1e-7 exactly as in float64 Keras (0.99999988 in float32 Keras).
// Both clips are taken on the smaller of p and 1 - p (exact in float32 from p >= 0.5), so log q and log(1 - q) are
// log(small) and log1m(small) in the right order: a confidently wrong 0 or 1 costs -log(1e-7) = 16.118.
// log(1 - q) is log(u) + ((1 - u) - q)/u with u = 1 - q rounded, the same correction as log1p: exact to an ulp
// even where q is tiny and 1 - q rounds.

import { logf, vlog } from "./exp";

export const EPSILON: f32 = reinterpret<f32>(0x33D6BF95); // 1.00000001e-7f
export const MIN_NORMAL: f32 = reinterpret<f32>(0x00800000); // 2^-126

/** log(1 - q) for q in [0, 1]. */
// @ts-ignore: decorator
@inline export function vlog1m(vq: v128): v128 {
  const vone = f32x4.splat(1);
  const vu = f32x4.sub(vone, vq);
  // u = 0 (q = 1): log u = -inf, and the correction 0/0 is kept at 0 by the floor on the divisor
  const vc = f32x4.div(f32x4.sub(f32x4.sub(vone, vu), vq), f32x4.pmax(vu, f32x4.splat(MIN_NORMAL)));
  return f32x4.add(vlog(vu), vc);
}

// @ts-ignore: decorator
@inline export function log1m(q: f32): f32 {
  const u: f32 = <f32>1 - q;
  return logf(u) + ((1 - u) - q) / (u < MIN_NORMAL ? MIN_NORMAL : u);
}

/** b of four lanes. */
// @ts-ignore: decorator
@inline export function vbceProbability(vp: v128, vy: v128): v128 {
  const vone = f32x4.splat(1);
  const vlow = f32x4.le(vp, f32x4.splat(0.5));
  const vsmall = f32x4.pmax(v128.bitselect(vp, f32x4.sub(vone, vp), vlow), f32x4.splat(EPSILON));
  const vl0 = vlog(vsmall);
  const vl1 = vlog1m(vsmall);
  const vlogq = v128.bitselect(vl0, vl1, vlow);
  const vlog1q = v128.bitselect(vl1, vl0, vlow);
  return f32x4.neg(f32x4.add(f32x4.mul(vy, vlogq), f32x4.mul(f32x4.sub(vone, vy), vlog1q)));
}

/** b' of four lanes: inside the clip, p >= ε and 1 - p >= ε (p <= 1 - 1e-7 in float64: 1 - p is exact there). */
// @ts-ignore: decorator
@inline export function vdbceProbability(vp: v128, vy: v128): v128 {
  const vcomplement = f32x4.sub(f32x4.splat(1), vp);
  const vinside = v128.and(f32x4.ge(vp, f32x4.splat(EPSILON)), f32x4.ge(vcomplement, f32x4.splat(EPSILON)));
  const vd = f32x4.div(f32x4.sub(vp, vy), f32x4.mul(vp, vcomplement));
  return v128.and(vd, vinside);
}

/** b, one lane (the same operations as vbceProbability). */
// @ts-ignore: decorator
@inline export function bceProbability(p: f32, y: f32): f32 {
  const low = p <= 0.5;
  let small = low ? p : <f32>1 - p;
  small = small < EPSILON ? EPSILON : small;
  const l0 = logf(small);
  const l1 = log1m(small);
  return -(y * (low ? l0 : l1) + (1 - y) * (low ? l1 : l0));
}

/** b', one lane. */
// @ts-ignore: decorator
@inline export function dbceProbability(p: f32, y: f32): f32 {
  const complement = <f32>1 - p;
  if (!(p >= EPSILON && complement >= EPSILON)) return 0;
  return (p - y) / (p * complement);
}
