/**
 * Kernel parameters by pointer. A loss's parameters (Huber's δ, a margin, CTC's blank, the row kernels' p0, p1 and
 * ignored label, …) reach its kernels as one block of 4-byte fields in wasm memory, `params`, whose layout each
 * kernel family declares once (assembly/inline/row_abi.ts RowParams, assembly/ctc.ts CtcParams, assembly/focal.ts's
 * four fields; the other elementwise and the pairwise kernels read one f32). A loss with more parameters adds fields, not arguments: the exports' signatures
 * do not change.
 *
 * The block is packed when the loss is bound (`packParams`) and placed at the runtime's parameter block by each
 * call that reaches wasm (a few stores), rather than kept in wasm memory for the bound loss's lifetime: a block per
 * bound loss would be freed only by a FinalizationRegistry, whose callbacks never run inside a synchronous loop that
 * binds losses (`fl.compute` with tensor options, say), so wasm memory would grow with the loop.
 */

import type { Runtime } from '../wasm.js';

/** One 4-byte field: a float32, or an int32. */
export type ParamField = { readonly f32: number } | { readonly i32: number };

/** A loss's parameters, packed as the kernels read them. */
export interface KernelParams {
  /** The fields' bits, in order. */
  readonly words: Int32Array;
}

const bits = new DataView(new ArrayBuffer(4));

/** Packs fields in order (float32 rounded as a kernel's f32 argument would be). */
export function packParams(...fields: readonly ParamField[]): KernelParams {
  const words = new Int32Array(fields.length);
  fields.forEach((field, i) => {
    if ('f32' in field) {
      bits.setFloat32(0, field.f32, true);
      words[i] = bits.getInt32(0, true);
    } else words[i] = field.i32 | 0;
  });
  return { words };
}

/** Writes the block at the runtime's parameter block and returns its byte offset (the kernels' `params`). */
export function placeParams(rt: Runtime, params: KernelParams): number {
  const at = rt.params;
  const i32 = rt.i32();
  const words = params.words;
  for (let i = 0; i < words.length; i++) i32[(at >> 2) + i] = words[i]!;
  return at;
}
