/**
 * The release builds in the ESM browser bundle (dist/browser/), each a gzip stream inlined as base64 in a chunk of
 * its own and inflated on first use by the browser's own DecompressionStream (Chrome/Edge 80+, Firefox 113+,
 * Safari 16.4+, Node 18+). The entry carries none: loadLosses() imports the one chunk of the build the engine
 * runs (relaxed, else simd, else scalar; src/wasm.ts), so a page downloads one build, as the two-file loaders of
 * WebAssembly libraries (one .wasm per feature set) do, with no fetch of its own to configure. The script-tag build
 * (dist/fastloss.iife.js, one file) carries the simd and scalar builds instead: src/release.script.browser.ts.
 * scripts/build.mjs prints each size.
 */

import { inflate, type Bytes } from './release-inflate.browser.js';
import type { ReleaseBuild } from './release.js';

export const releaseBuilds: readonly ReleaseBuild[] = ['relaxed', 'simd', 'scalar'];

const modules: Partial<Record<ReleaseBuild, Promise<Bytes>>> = {};

const packs: Record<ReleaseBuild, () => Promise<Bytes>> = {
  relaxed: () => import('./release-relaxed.browser.js').then((m) => m.relaxedPacked),
  simd: () => import('./release-simd.browser.js').then((m) => m.simdPacked),
  scalar: () => import('./release-scalar.browser.js').then((m) => m.scalarPacked),
};

export function releaseModule(build: ReleaseBuild): Promise<Bytes> {
  return (modules[build] ??= packs[build]().then(inflate));
}

/** No build over shared memory in the browser bundles yet: a page runs on one thread (src/thread-pool.browser.ts). */
export function sharedReleaseModule(_build: ReleaseBuild): null {
  return null;
}
