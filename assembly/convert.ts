// Conversions of input data inside wasm memory. A Float64Array input is copied into the scratch region as it
// is (a byte copy: TypedArray.prototype.set between equal element types is a memmove) and narrowed to float32
// here, four lanes at a time, instead of element by element in JavaScript (a mixed-type TypedArray set).

import { at64 } from "./inline/ptr";

// @ts-ignore: decorator
@inline function at32(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * dst[i] = f32(src[i]) for n float64 values (round to nearest even, as Math.fround and Float32Array stores do).
 * dst may start where src starts: each step reads its doubles before it writes the floats, and the write
 * position never passes the read position.
 */
export function narrow_f64_f32(n: i32, src: usize, dst: usize): void {
  assert(n >= 0, "expected n >= 0");
  assert(dst <= src || dst >= src + (<usize>n << 3), "dst must not start inside src past its first byte");
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const va = f32x4.demote_f64x2_zero(v128.load(at64(src, i)));
      const vb = f32x4.demote_f64x2_zero(v128.load(at64(src, i + 2)));
      v128.store(at32(dst, i), v128.shuffle<i64>(va, vb, 0, 2)); // [a0, a1, b0, b1]
    }
  }
  for (; i < n; i++) store<f32>(at32(dst, i), <f32>load<f64>(at64(src, i)));
}
