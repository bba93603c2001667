/**
 * The `fastloss/debug` entry: importing it makes `loadLosses({ build: 'debug' })` available.
 *
 * ```ts
 * import 'fastloss/debug';
 * import { loadLosses } from 'fastloss';
 * const fl = await loadLosses({ build: 'debug' });
 * ```
 *
 * The debug build keeps the kernels' assertions (`assert(n >= 0)`, …), unoptimized, with `env.abort`; it is
 * instantiated through @assemblyscript/loader, whose abort handler reads the message and file from memory and
 * throws `Error: <message> in <file>(<line>:<column>)`. It lives in its own entry (not a dynamic import of the
 * main one) so that a bundler that inlines dynamic imports, as esbuild does without `--splitting`, never pulls
 * its 58 KB module and the loader into an application that did not ask for them.
 */

import { instantiate } from '@assemblyscript/loader';
import debugBytes from '../build/fastloss.debug.wasm';
import { registerDebugBuild, type KernelExports } from './wasm.js';

export async function instantiateDebug(): Promise<KernelExports> {
  const { exports } = await instantiate<Record<string, unknown>>(debugBytes, {});
  return exports as unknown as KernelExports;
}

registerDebugBuild(instantiateDebug);
