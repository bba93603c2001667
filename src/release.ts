/**
 * The release builds' bytes, inlined by esbuild's `binary` loader (dist/index.js) or the test suite's Vite
 * plugin. The browser builds (dist/browser/, dist/fastloss.iife.js) replace this module with
 * src/release.browser.ts, which carries them gzipped (the scalar one in a chunk fetched only when it is used).
 */

import simdBytes from '../build/fastloss.simd.wasm';
import scalarBytes from '../build/fastloss.scalar.wasm';

export function releaseModule(build: 'simd' | 'scalar'): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> {
  return build === 'simd' ? simdBytes : scalarBytes;
}
