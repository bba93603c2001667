/**
 * The release builds' bytes, inlined by esbuild's `binary` loader (dist/index.js) or the test suite's Vite
 * plugin. The browser builds (dist/browser/, dist/fastloss.iife.js) replace this module with
 * src/release.browser.ts, which carries them gzipped (the scalar one in a chunk fetched only when it is used).
 */

import relaxedBytes from '../build/fastloss.relaxed.wasm';
import simdBytes from '../build/fastloss.simd.wasm';
import scalarBytes from '../build/fastloss.scalar.wasm';
import relaxedThreadsBytes from '../build/fastloss.relaxed-threads.wasm';
import simdThreadsBytes from '../build/fastloss.simd-threads.wasm';

/** The builds a bundle may carry and a user's engine picks from (src/wasm.ts). */
export type ReleaseBuild = 'relaxed' | 'simd' | 'scalar';

/** The builds this entry carries, best first. */
export const releaseBuilds: readonly ReleaseBuild[] = ['relaxed', 'simd', 'scalar'];

export function releaseModule(build: ReleaseBuild): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> {
  return build === 'relaxed' ? relaxedBytes : build === 'simd' ? simdBytes : scalarBytes;
}

/**
 * A part's kernels as a module of their own (assembly/parts.ts), or null: every kernel is in this entry's one
 * module (the page's ESM bundle carries its builds in parts: src/release.browser.ts).
 */
export function partModule(_build: ReleaseBuild, _part: string): Promise<Uint8Array<ArrayBuffer>> | null {
  return null;
}

/** What loadLosses() loads by default: every loss (Node reads its parts from disk at no cost worth saving). */
export const DEFAULT_LOSSES = 'all';

/**
 * The same kernels built over an imported shared memory (asconfig.json's '-threads' targets), which every thread
 * instantiates (src/threads.ts), or null for a build that has none (scalar: an engine with threads has SIMD).
 */
export function sharedReleaseModule(build: ReleaseBuild): Uint8Array<ArrayBuffer> | null {
  return build === 'relaxed' ? relaxedThreadsBytes : build === 'simd' ? simdThreadsBytes : null;
}
