/**
 * The release builds' bytes, inlined by esbuild's `binary` loader (dist/index.js) or the test suite's Vite
 * plugin. The browser builds (dist/browser/, dist/fastloss.iife.js) replace this module with
 * src/release.browser.ts, which carries them gzipped (the scalar one in a chunk fetched only when it is used).
 */

import relaxedBytes from '../build/fastloss.relaxed.wasm';
import simdBytes from '../build/fastloss.simd.wasm';
import scalarBytes from '../build/fastloss.scalar.wasm';

/** The builds a bundle may carry and a user's engine picks from (src/wasm.ts). */
export type ReleaseBuild = 'relaxed' | 'simd' | 'scalar';

/** The builds this entry carries, best first. */
export const releaseBuilds: readonly ReleaseBuild[] = ['relaxed', 'simd', 'scalar'];

export function releaseModule(build: ReleaseBuild): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> {
  return build === 'relaxed' ? relaxedBytes : build === 'simd' ? simdBytes : scalarBytes;
}
