// The floor: the cheapest loop that still reads both inputs of an elementwise loss once, the way a loss kernel does.
//
//   floor_sum_f32(n, p, t): f64  =  Σ (p[i] + t[i])
//
// Pointers are byte offsets into the imported memory (fastloss's own memory, so its tensors are read in place);
// counts are elements. 16 elements per iteration: eight f32x4 loads, the sums p + t folded to one f32x4 in f32, then
// widened into two f64x2 accumulators (the accuracy rule of docs/design.md: accumulate in f64); a 4-lane loop and a
// scalar tail. A loss kernel does the same loads and accumulation plus its arithmetic, so on memory-bound sizes
// (16M elements = 128 MiB read) its time can at best approach this one.
//
// Compiled by bench/floor.mjs (asc -O3 --runtime stub --noAssert --enable simd --use abort= --importMemory).
// This file is AssemblyScript, not TypeScript: it is never imported by the package.

export function floor_sum_f32(n: i32, p: usize, t: usize): f64 {
  // Two f64x2 accumulators: the low and the high half of each 16-element block sum.
  let vacc0 = f64x2.splat(0);
  let vacc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const pi = p + (<usize>i << 2);
    const ti = t + (<usize>i << 2);
    // The 16 sums p + t folded to 4 lanes in f32 (3 more adds), then widened once: the least work per byte read.
    const vs01 = f32x4.add(
      f32x4.add(v128.load(pi), v128.load(ti)),
      f32x4.add(v128.load(pi, 16), v128.load(ti, 16)),
    );
    const vs23 = f32x4.add(
      f32x4.add(v128.load(pi, 32), v128.load(ti, 32)),
      f32x4.add(v128.load(pi, 48), v128.load(ti, 48)),
    );
    const vs = f32x4.add(vs01, vs23);
    vacc0 = f64x2.add(vacc0, f64x2.promote_low_f32x4(vs));
    vacc1 = f64x2.add(vacc1, f64x2.promote_low_f32x4(i8x16.shuffle(vs, vs, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
  }
  for (; i + 4 <= n; i += 4) {
    const vs = f32x4.add(v128.load(p + (<usize>i << 2)), v128.load(t + (<usize>i << 2)));
    vacc0 = f64x2.add(vacc0, f64x2.promote_low_f32x4(vs));
    vacc1 = f64x2.add(vacc1, f64x2.promote_low_f32x4(i8x16.shuffle(vs, vs, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
  }
  const vacc = f64x2.add(vacc0, vacc1);
  let acc = f64x2.extract_lane(vacc, 0) + f64x2.extract_lane(vacc, 1);
  for (; i < n; i++) {
    acc += <f64>(load<f32>(p + (<usize>i << 2)) + load<f32>(t + (<usize>i << 2)));
  }
  return acc;
}
