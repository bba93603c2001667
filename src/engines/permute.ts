/**
 * Axes moved in a copy: what an engine does when the axes its kernels reduce are not where they walk them (Keras's
 * BinaryFocalCrossentropy `axis` other than the last: src/losses/focal.part.ts; Dice's and Tversky's reduced axes
 * that are not one run: src/losses/overlap.part.ts), and the gradient moved back.
 */

import { shapeSize } from '../tensor.js';

/**
 * `x` (of `shape`) with its axes in the order `perm` (axis k of the copy is axis perm[k] of x), as float32, into
 * `out` when given (a gradient's destination) or a new array.
 */
export function permuted(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[], out: Float32Array = new Float32Array(shapeSize(shape))): Float32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  // walk the copy in order; `at` is the element of x it holds
  const dims = perm.map((d) => shape[d]!);
  const steps = perm.map((d) => strides[d]!);
  const coord = new Array<number>(rank).fill(0);
  let at = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[at]!;
    for (let k = rank - 1; k >= 0; k--) {
      at += steps[k]!;
      if (++coord[k]! < dims[k]!) break;
      at -= steps[k]! * coord[k]!;
      coord[k] = 0;
    }
  }
  return out;
}

/** The permutation that undoes `perm`: permuted(permuted(x, s, perm), perm-moved s, inverse(perm)) is x. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((d, k) => (inv[d] = k));
  return inv;
}
