import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** Imports `*.wasm` as its bytes, as esbuild's `binary` loader does for dist/ (src/wasm-modules.d.ts). */
function wasmBytes(): Plugin {
  return {
    name: 'fastloss-wasm-bytes',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wasm')) return null;
      const base64 = readFileSync(id).toString('base64');
      return `export default new Uint8Array(Buffer.from(${JSON.stringify(base64)}, 'base64'));`;
    },
  };
}

export default defineConfig({
  plugins: [wasmBytes()],
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-relaxed.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The 64M-element and 16M-element cases hold ~1 GB of arrays: one worker at a time on this 2-core machine
    // keeps memory and timing predictable.
    pool: 'forks',
    fileParallelism: false,
  },
});
