// Reductions and rescaling shared by every loss family. "mean" is a sum times 1/n, applied by the facade;
// what needs the kernels is the per-row rescaling of a gradient (Keras sample weights, a 'none' reduction's
// gradOutput), done in place on the gradient block before it leaves wasm memory.


import { at as ptr } from "./inline/ptr";

/** x[r, c] *= s[r] for a row-major [rows, cols] block, in place. cols = 1 is an elementwise product. */
export function scale_rows_f32(rows: i32, cols: i32, x: usize, s: usize): void {
  assert(rows >= 0 && cols >= 1, "expected rows >= 0 and cols >= 1");
  if (cols == 1) {
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 4 <= rows; i += 4) v128.store(ptr(x, i), f32x4.mul(v128.load(ptr(x, i)), v128.load(ptr(s, i))));
    }
    for (; i < rows; i++) store<f32>(ptr(x, i), load<f32>(ptr(x, i)) * load<f32>(ptr(s, i)));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const sr = load<f32>(ptr(s, r));
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f32x4.splat(sr);
      for (; c + 4 <= cols; c += 4) v128.store(ptr(x, c), f32x4.mul(v128.load(ptr(x, c)), vs));
    }
    for (; c < cols; c++) store<f32>(ptr(x, c), load<f32>(ptr(x, c)) * sr);
    x += <usize>cols << 2;
  }
}
