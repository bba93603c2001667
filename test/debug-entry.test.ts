/**
 * The debug build ships in its own entry, `fastloss/debug` (src/debug.ts): without it, `build: 'debug'` is a
 * LossError that says what to import; once it is imported, the debug build loads. This file imports neither
 * test/helpers.ts nor src/debug.ts up front, so it starts without the registration (vitest isolates files).
 */

import { describe, expect, it } from 'vitest';
import * as src from '../src/index.js';

async function refusal(load: Promise<unknown>): Promise<src.LossError> {
  const e: unknown = await load.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  expect((e as Error).name).toBe('LossError');
  return e as src.LossError;
}

describe("loadLosses({ build: 'debug' })", () => {
  it("src: BAD_OPTION saying to import 'fastloss/debug', then the debug build once src/debug.ts is imported", async () => {
    const e = await refusal(src.loadLosses({ build: 'debug' }));
    expect(e).toBeInstanceOf(src.LossError);
    expect(e.code).toBe('BAD_OPTION');
    expect(e.argument).toBe('option "build"');
    expect(e.message).toContain("import 'fastloss/debug'");
    await import('../src/debug.js');
    expect((await src.loadLosses({ build: 'debug' })).build).toBe('debug');
  });

  it('dist: the same through the package entries', async () => {
    const dist = (await import(/* @vite-ignore */ new URL('../dist/index.js', import.meta.url).href)) as typeof src;
    const e = await refusal(dist.loadLosses({ build: 'debug' }));
    expect(e).toBeInstanceOf(dist.LossError);
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain("import 'fastloss/debug'");
    // the other builds need nothing more
    expect((await dist.loadLosses({ build: 'scalar' })).build).toBe('scalar');
    await import(/* @vite-ignore */ new URL('../dist/debug.js', import.meta.url).href);
    const fl = await dist.loadLosses({ build: 'debug' });
    expect(fl.build).toBe('debug');
    expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' })({ pred: [1, 2], target: [0, 0] })).toBe(5);
  });
});
