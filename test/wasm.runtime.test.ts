/**
 * src/wasm.ts and src/release.ts: which module each build instantiates, the memory views that follow growth,
 * the small-input scratch buffers, and the error for a kernel a build lacks.
 */

import type { KernelName } from '../src/kernels.js';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseBuilds, releaseModule } from '../src/release.js';
import { instantiate, relaxedSimdSupported, simdSupported, type Runtime } from '../src/wasm.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await instantiate('simd');
});

const built = (name: string) => new Uint8Array(readFileSync(new URL(`../build/fastloss.${name}.wasm`, import.meta.url)));

describe('builds', () => {
  it('Node has SIMD and, from 22 (or 20 with its flag, set by test/setup-relaxed.ts), relaxed SIMD: auto picks relaxed; each build instantiates its own module', async () => {
    expect(simdSupported()).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    expect((await instantiate('auto')).build).toBe('relaxed');
    for (const build of ['relaxed', 'simd', 'scalar'] as const) {
      expect((await instantiate(build)).build).toBe(build);
      expect(Array.from(await releaseModule(build)), build).toEqual(Array.from(built(build)));
    }
    // the relaxed build holds relaxed_madd (0xfd 0x105), the others none; the scalar build no v128 at all
    const has = (bytes: Uint8Array, ...op: number[]) => bytes.some((_, i) => op.every((b, k) => bytes[i + k] === b));
    expect(has(built('relaxed'), 0xfd, 0x85, 0x02)).toBe(true);
    expect(WebAssembly.validate(built('simd'))).toBe(true);
    expect(releaseBuilds).toEqual(['relaxed', 'simd', 'scalar']);
  });

  it('a kernel the build lacks is a plain Error naming it (a build mistake, not a user one)', () => {
    // (a name outside the ABI is a type error too: the casts make the call a build mistake's at run time)
    expect(() => rt.kernel('no_such_kernel' as KernelName)).toThrow(new Error('fastloss: the simd build has no kernel "no_such_kernel"'));
    expect(() => rt.kernel('memory' as KernelName)).toThrow(/has no kernel "memory"/); // an export that is not a function
    expect(typeof rt.kernel('narrow_f64_f32')).toBe('function');
  });
});

describe('memory views', () => {
  it('f32, f64, i32 and buffer() cover the whole memory, and follow it when it grows', async () => {
    const own = await instantiate('simd');
    const check = () => {
      const bytes = own.memory.buffer.byteLength;
      expect([own.f32().length, own.f64().length, own.i32().length]).toEqual([bytes / 4, bytes / 8, bytes / 4]);
      expect(own.buffer()).toBe(own.memory.buffer);
    };
    check();
    const f64 = own.f64();
    expect(own.f64()).toBe(f64); // one view while the memory stays
    own.memory.grow(2);
    check();
    own.f64()[3] = 1.5;
    expect(new Float64Array(own.memory.buffer)[3]).toBe(1.5);
    own.i32()[5] = -7;
    expect(new Int32Array(own.memory.buffer)[5]).toBe(-7);
  });
});

describe('jsScratch (the small-input paths reuse two buffers)', () => {
  it('at least n elements, a power of two from 256, the same buffer while it is big enough; null past 65536', async () => {
    const own = await instantiate('simd');
    const a = own.jsScratch(0, 10)!;
    expect(a.length).toBe(256);
    expect(own.jsScratch(0, 256)).toBe(a);
    const b = own.jsScratch(1, 3)!;
    expect(b).not.toBe(a); // two independent buffers: pred's and target's
    const grown = own.jsScratch(0, 257)!;
    expect(grown.length).toBe(512);
    expect(own.jsScratch(0, 300)).toBe(grown);
    expect(own.jsScratch(1, 3)).toBe(b);
    expect(own.jsScratch(0, 65536)!.length).toBe(65536);
    expect(own.jsScratch(0, 65537)).toBeNull();
    expect(own.jsScratch(0, 1000)!.length).toBe(65536); // grown buffers are kept
  });
});
