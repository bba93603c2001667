// Probe kernels for the tests, in the testing builds only (build/fastloss.testing.{simd,scalar}.wasm, from
// assembly/index.testing.ts): the inline exp and log helpers as kernels over arrays, so that test/exp.test.ts and
// test/f64math.test.ts can measure them in ulps over every float class, in both builds. The release builds, which
// users load, leave them out.

import { expf, expnegf, log1pf, logf, vexp, vexpneg, vlog, vlog1p } from "./inline/exp";
import { exp64, log64, vexp64, vlog64 } from "./inline/f64math";
import { at } from "./inline/ptr";


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

// ---- the f64 exp and log of assembly/inline/f64math.ts as kernels, for the accuracy tests (dst[i] = f(src[i]),
// float64 arrays): pairs through the f64x2 versions, a pair with a NaN lane again through the one-lane ones ----

// @ts-ignore: decorator
@inline function map64(LOG: bool, n: i32, src: usize, dst: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const at = <usize>i << 3;
      const x = v128.load(src + at);
      const v = LOG ? vlog64(x) : vexp64(x);
      if (v128.any_true(f64x2.ne(v, v))) {
        one64(LOG, src + at, dst + at);
        one64(LOG, src + at + 8, dst + at + 8);
      } else v128.store(dst + at, v);
    }
  }
  for (; i < n; i++) one64(LOG, src + (<usize>i << 3), dst + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function one64(LOG: bool, src: usize, dst: usize): void {
  const x = load<f64>(src);
  store<f64>(dst, LOG ? log64(x) : exp64(x));
}

export function exp_f64(n: i32, src: usize, dst: usize): void { map64(false, n, src, dst); }
export function log_f64(n: i32, src: usize, dst: usize): void { map64(true, n, src, dst); }
