/**
 * Where the gradients of a withGrad call go: `out` buffers the caller gave (written in place by the kernels when
 * they live in wasm memory), or new arrays; and the data once the kernels have written it.
 */

import { LossError } from '../errors.js';
import type { LossContext } from '../options.js';
import { JsArrayInput, WasmTensor, type FloatInput } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import type { GradDestination } from './tiling.js';

export type { GradDestination } from './tiling.js';

/**
 * The gradient's data once the kernels have written it. A destination in wasm memory (an `out` tensor, or a view
 * of the memory) is returned as a view taken now when the one taken before the call was detached: a block the
 * call took (the row engine's, for a row wider than the scratch region) may have grown the memory. 
 */
export function writtenData(rt: Runtime, dest: GradDestination, size: number): Float32Array {
  if (dest.ptr < 0 || dest.array.length === size) return dest.array;
  return rt.f32().subarray(dest.ptr >> 2, (dest.ptr >> 2) + size);
}

export function gradDestination(out: Readonly<Record<string, unknown>> | undefined, x: { p: FloatInput; t: FloatInput }, runtime: Runtime, ctx: LossContext): GradDestination {
  return gradDestinations(out, [{ name: 'pred', size: x.p.size }], [x.p, x.t], runtime, ctx).pred!;
}

/**
 * Where each differentiated input's gradient goes: `out[name]` when given (a Float32Array, or a float32
 * fl.tensor(), which the kernel writes in place), else a new array. Every engine takes `out` alike: only the
 * names of the inputs it differentiates, each of its input's size, none overlapping an input.
 */
export function gradDestinations(
  out: Readonly<Record<string, unknown>> | undefined,
  grads: ReadonlyArray<{ readonly name: string; readonly size: number }>,
  inputs: readonly FloatInput[],
  runtime: Runtime,
  ctx: LossContext,
): Record<string, GradDestination> {
  const result: Record<string, GradDestination> = {};
  if (out === undefined) {
    for (const g of grads) result[g.name] = { array: new Float32Array(g.size), ptr: -1 };
    return result;
  }
  const where = `${ctx.loss} (${ctx.framework})`;
  const bad = (argument: string, expected: string, received: string) =>
    new LossError({ code: 'BAD_OPTION', loss: where, argument, expected, received });
  const names = grads.map((g) => g.name);
  const only = names.length === 1 ? `out.${names[0]} only (${names[0]} is the input with a gradient)` : `${names.map((n) => `out.${n}`).join(', ')} only (the inputs with a gradient)`;
  for (const key in out) if (!names.includes(key)) throw bad(`out.${key}`, only, `"${key}"`);
  const overlapExpected =
    names.length > 1 ? 'a buffer that overlaps no input and no other gradient' : names[0] === 'pred' ? 'a buffer that overlaps neither pred nor target' : 'a buffer that overlaps no input';
  const taken: Float32Array[] = [];
  for (const { name, size } of grads) {
    const value = out[name];
    if (value === undefined) {
      result[name] = { array: new Float32Array(size), ptr: -1 };
      continue;
    }
    let array: Float32Array;
    let ptr = -1;
    if (value instanceof WasmTensor && value.dtype === 'float32' && !value.freed) {
      array = value.data as Float32Array;
      ptr = value.placeFor(runtime);
    } else if (value instanceof Float32Array) {
      array = value;
      if (array.buffer === runtime.buffer()) ptr = array.byteOffset;
    } else {
      throw bad(`out.${name}`, 'a Float32Array or a float32 fl.tensor()', value instanceof WasmTensor ? `a ${value.freed ? 'freed' : value.dtype} tensor` : typeof value);
    }
    if (array.length !== size) throw bad(`out.${name}`, `${size} elements (${name}'s size)`, `${array.length} elements`);
    const others = [...inputs.filter((i) => !(i instanceof JsArrayInput)).map((i) => i.array), ...taken];
    for (const other of others) {
      const overlaps = other.buffer === array.buffer && other.byteOffset < array.byteOffset + array.byteLength && array.byteOffset < other.byteOffset + other.byteLength;
      if (overlaps) throw bad(`out.${name}`, overlapExpected, 'an overlapping buffer');
    }
    taken.push(array);
    result[name] = { array, ptr };
  }
  return result;
}
