/**
 * The testing builds (build/fastloss.testing.{simd,scalar,debug}.wasm, made by `npm run build` from
 * assembly/index.testing.ts): every kernel of the release builds plus the probe kernels of assembly/testing.ts
 * (exp_f32, log_f32, exp_f64, …), which the builds a user loads leave out. Wrapped in the facade's Runtime, as
 * src/wasm.ts wraps a release build, so a test allocates, views and calls them the same way.
 */

import { instantiate as instantiateWithLoader } from '@assemblyscript/loader';
import { readFileSync } from 'node:fs';
import { Runtime, type KernelExports } from '../src/wasm.js';
import { withEveryPart } from './every-part.js';

/** The debug one keeps its assertions and `env.abort`, given by @assemblyscript/loader as src/debug.ts does. */
export async function instantiateTesting(build: 'relaxed' | 'simd' | 'scalar' | 'debug'): Promise<Runtime> {
  const bytes = readFileSync(new URL(`../build/fastloss.testing.${build}.wasm`, import.meta.url));
  if (build === 'debug') return withEveryPart(new Runtime('debug', (await instantiateWithLoader<Record<string, unknown>>(bytes, {})).exports as unknown as KernelExports));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return withEveryPart(new Runtime(build, instance.exports as unknown as KernelExports));
}

/** A probe kernel of a testing build (assembly/testing.ts: `(n, src, dst)` over arrays), which the release ABI's types do not name. */
export function probeKernel(rt: Runtime, name: string): (n: number, src: number, dst: number) => void {
  const fn = (rt.exports as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`the ${rt.build} testing build has no probe kernel "${name}"`);
  return fn as (n: number, src: number, dst: number) => void;
}
