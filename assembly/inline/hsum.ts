// Horizontal sums and f64 accumulation of f32x4 vectors.
//
// Every reduction in fastloss accumulates in f64: a 16M-element f32 running sum drifts by ~6e-4 relative
// (measured, docs/toolchain.md §4), f64x2 accumulators cost nothing on a bandwidth-bound loop and keep the error
// near 1e-9. The pattern follows XNNPACK's f32-rsum kernels, with the accumulator widened.

/** Lanes 0 and 1 of an f32x4, widened to f64x2. */
// @ts-ignore: decorator
@inline export function vwiden_lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 of an f32x4, widened to f64x2 (a pshufd, then cvtps2pd). */
// @ts-ignore: decorator
@inline export function vwiden_hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
}

/** Adds the four f32 lanes of `v` to the two f64 lanes of `acc` (lanes 0,1 then 2,3). */
// @ts-ignore: decorator
@inline export function vaccumulate(acc: v128, v: v128): v128 {
  return f64x2.add(f64x2.add(acc, vwiden_lo(v)), vwiden_hi(v));
}

/** Sum of the two f64 lanes. */
// @ts-ignore: decorator
@inline export function hsum_f64x2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}
