// Scalar pseudo-min and pseudo-max, the one-lane versions of wasm's f32x4.pmin / f32x4.pmax:
//   pmin(a, b) = b < a ? b : a        pmax(a, b) = a < b ? b : a
// A NaN in `a` is returned as is; a NaN in `b` is not. They compile to a compare and a select, where f32.min
// and f32.max (IEEE NaN and ±0 rules) cost V8 a branchy sequence on x86.

// @ts-ignore: decorator
@inline export function pmin(a: f32, b: f32): f32 {
  return select<f32>(b, a, b < a);
}

// @ts-ignore: decorator
@inline export function pmax(a: f32, b: f32): f32 {
  return select<f32>(b, a, a < b);
}
