// a·b + c on f32x4 lanes: one relaxed_madd in the relaxed build (asconfig.json target "relaxed": --enable
// relaxed-simd), a multiply then an add in the others.
//
// Relaxed SIMD (WebAssembly relaxed-simd proposal, phase 5; V8 without a flag from Node 22 and Chrome 114) lets
// an engine compute f32x4.relaxed_madd fused (one rounding, an FMA instruction: x86 FMA3, Arm NEON fmla) or
// unfused (two roundings) as the CPU has it. On the CPUs that have FMA (every x86-64 since Haswell, every
// 64-bit Arm), it is one instruction for two and the result is the exactly rounded a·b + c; without, it is this
// module's plain SIMD result. Either way each use below is within the accuracy the callers are tested to (a
// Horner step of a polynomial, a Cody-Waite reduction whose product is exact anyway): a result may differ in its
// last bit between the relaxed build and the others, and between machines, never beyond that.
//
// Only relaxed_madd is used: relaxed_min/max, laneselect, swizzle, trunc and dot products are not (their results
// on NaN, out-of-range indices and lane masks vary by CPU, which the kernels' NaN handling does not allow).

// @ts-ignore: decorator
@inline export function vmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
