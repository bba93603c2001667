/**
 * The debug build: assertions on (`assert(n >= 0)`, …), unoptimized, `env.abort` kept. Instantiated through
 * @assemblyscript/loader, whose abort handler reads the message and file from memory and throws
 * `Error: <message> in <file>(<line>:<column>)`. Loaded only on `loadLosses({ build: 'debug' })`, so neither the
 * loader nor these bytes weigh on the release path (a separate chunk in dist/).
 */

import { instantiate } from '@assemblyscript/loader';
import debugBytes from '../build/fastloss.debug.wasm';
import type { KernelExports } from './wasm.js';

export async function instantiateDebug(): Promise<KernelExports> {
  const { exports } = await instantiate<Record<string, unknown>>(debugBytes, {});
  return exports as unknown as KernelExports;
}
