// The address of float32 (or int32) element i of an array at byte offset `base`: every kernel file's one helper.

// @ts-ignore: decorator
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}
