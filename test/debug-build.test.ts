/**
 * The debug build keeps AssemblyScript's assertions and its env.abort import; @assemblyscript/loader's abort
 * handler turns a failed assertion into an Error naming the kernel's file and line. The facade validates its
 * inputs so that no assertion ever fires through the API: here a kernel is called directly with a bad count.
 */

import { describe, expect, it } from 'vitest';
import '../src/debug.js';
import { instantiate } from '../src/wasm.js';

describe('debug build', () => {
  it('reports a failed kernel assertion as a readable error', async () => {
    const rt = await instantiate('debug');
    expect(rt.build).toBe('debug');
    const [slot] = rt.slots;
    expect(() => rt.kernel('mse_rows_f32')(-1, 3, slot!, slot!, slot!, 0, 1)).toThrow(/expected rows >= 0 and cols >= 1.*assembly\/regression\.ts:\d+:\d+/);
    expect(() => rt.kernel('scale_rows_f32')(2, 0, slot!, slot!)).toThrow(/assembly\/reduce\.ts/);
    // the release builds have no assertions and no imports
    const release = await instantiate('simd');
    expect(() => release.kernel('mse_rows_f32')(-1, 3, slot!, slot!, slot!, 0, 1)).not.toThrow();
  });
});
