// The address of float32 (or int32) element i of an array at byte offset `base`: every kernel file's one helper
// (and of a float64 element: at64).

// @ts-ignore: decorator
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** The address of float64 element i (the f64 accumulators and coefficients some kernels keep in wasm memory). */
// @ts-ignore: decorator
@inline export function at64(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/**
 * The address of row (o, i) of an operand in the row ABI (src/losses/rows.ts): element (o, c, i) of an operand with
 * class stride s is at o·C·s + c·s + i, and the row's element c at rowAt(...) + c·s floats.
 */
// @ts-ignore: decorator
@inline export function rowAt(base: usize, o: i32, C: i32, s: i32, i: i32): usize {
  return base + (<usize>(o * C * s + i) << 2);
}
