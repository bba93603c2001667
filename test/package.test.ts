/**
 * What ships: dist/index.js (ESM, the wasm inlined, built by `npm test` first) gives the same results as the
 * sources the other suites import, loads its debug build from the `fastloss/debug` entry, and imports no runtime
 * dependency.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as src from '../src/index.js';
import { uniform } from './helpers.js';

const distUrl = new URL('../dist/index.js', import.meta.url);

describe('dist/', () => {
  it('computes what src/ computes, on every build', async () => {
    const dist = (await import(/* @vite-ignore */ distUrl.href)) as typeof src;
    await import(/* @vite-ignore */ new URL('../dist/debug.js', import.meta.url).href);
    const pred = uniform(1000, 3);
    const target = uniform(1000, 4);
    for (const build of ['simd', 'scalar', 'debug'] as const) {
      const a = await dist.loadLosses({ build });
      const b = await src.loadLosses({ build });
      expect(a.build).toBe(build);
      for (const name of ['mse', 'mae', 'huber', 'mape', 'msle']) {
        expect(a.loss(name)({ pred, target })).toBe(b.loss(name)({ pred, target }));
      }
    }
    // @ts-expect-error an unknown literal name does not compile either
    await expect(dist.loadLosses().then((fl) => fl.loss("nope"))).rejects.toBeInstanceOf(dist.LossError);
  });

  it('imports nothing at run time but its own chunks', () => {
    const dir = new URL('../dist/', import.meta.url);
    const files = ['index.js', 'debug.js', ...readdirSync(new URL('chunks/', dir)).map((f) => `chunks/${f}`)];
    for (const f of files) {
      const code = readFileSync(new URL(f, dir), 'utf8');
      const imports = [...code.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
      for (const spec of imports) expect(spec, `${f} imports ${spec}`).toMatch(/^\.\.?\//);
    }
  });

  it('declares its types', () => {
    const dts = readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8');
    expect(dts).toContain('export declare function loadLosses');
  });
});

describe('bundled for a browser', () => {
  it('esbuild bundles dist/index.js for platform browser with no Node built-ins', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      stdin: { contents: "import { loadLosses } from './dist/index.js'; globalThis.fastloss = loadLosses;", resolveDir: fileURLToPath(new URL('..', import.meta.url)) },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s+["']node:/);
    expect(code.length).toBeGreaterThan(10_000);
  });
});
