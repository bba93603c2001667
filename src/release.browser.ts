/**
 * The release builds in the ESM browser bundle (dist/browser/), in parts: each a gzip stream inlined as base64
 * in a chunk of its own and inflated on first use by the browser's own DecompressionStream (Chrome/Edge 80+,
 * Firefox 113+, Safari 16.4+, Node 18+). The entry carries none: loadLosses() imports the core of the one build
 * the engine runs (relaxed, else simd, else scalar; src/wasm.ts), and a part's module of that build when a loss
 * of the part is loaded (src/losses/parts.ts; assembly/parts.ts lays them out over the core's memory). So a page
 * downloads one build and the parts it uses, as the two-file loaders of WebAssembly libraries (one .wasm per
 * feature set) do, with no fetch of its own to configure. The script-tag build (dist/fastloss.iife.js, one file)
 * carries the simd and scalar builds whole instead: src/release.script.browser.ts. scripts/build.mjs prints each
 * size.
 */

import { inflate, type Bytes } from './release-inflate.browser.js';
import type { LazyPart } from './lazy-parts.js';
import type { ReleaseBuild } from './release.js';

export const releaseBuilds: readonly ReleaseBuild[] = ['relaxed', 'simd', 'scalar'];

/** What loadLosses() loads by default in a page: the core's losses; the others when asked for (fl.load). */
export const DEFAULT_LOSSES = 'core';

type Pack = () => Promise<{ default: Bytes }>;

const cores: Record<ReleaseBuild, Pack> = {
  relaxed: () => import('../build/fastloss.relaxed-compact.core.gz'),
  simd: () => import('../build/fastloss.simd-compact.core.gz'),
  scalar: () => import('../build/fastloss.scalar.core.gz'),
};

const parts: Record<ReleaseBuild, Record<LazyPart, Pack>> = {
  relaxed: {
    margin: () => import('../build/fastloss.relaxed-compact.margin.gz'),
    cosine: () => import('../build/fastloss.relaxed-compact.cosine.gz'),
    ctc: () => import('../build/fastloss.relaxed-compact.ctc.gz'),
    focal: () => import('../build/fastloss.relaxed-compact.focal.gz'),
    overlap: () => import('../build/fastloss.relaxed-compact.overlap.gz'),
    gaussian: () => import('../build/fastloss.relaxed-compact.gaussian.gz'),
  },
  simd: {
    margin: () => import('../build/fastloss.simd-compact.margin.gz'),
    cosine: () => import('../build/fastloss.simd-compact.cosine.gz'),
    ctc: () => import('../build/fastloss.simd-compact.ctc.gz'),
    focal: () => import('../build/fastloss.simd-compact.focal.gz'),
    overlap: () => import('../build/fastloss.simd-compact.overlap.gz'),
    gaussian: () => import('../build/fastloss.simd-compact.gaussian.gz'),
  },
  scalar: {
    margin: () => import('../build/fastloss.scalar.margin.gz'),
    cosine: () => import('../build/fastloss.scalar.cosine.gz'),
    ctc: () => import('../build/fastloss.scalar.ctc.gz'),
    focal: () => import('../build/fastloss.scalar.focal.gz'),
    overlap: () => import('../build/fastloss.scalar.overlap.gz'),
    gaussian: () => import('../build/fastloss.scalar.gaussian.gz'),
  },
};

const modules = new Map<string, Promise<Bytes>>();

function unpacked(key: string, pack: Pack): Promise<Bytes> {
  let bytes = modules.get(key);
  if (bytes === undefined) {
    bytes = pack().then((m) => inflate(m.default));
    // a chunk that did not arrive (the network) may be asked for again
    bytes.catch(() => modules.delete(key));
    modules.set(key, bytes);
  }
  return bytes;
}

export function releaseModule(build: ReleaseBuild): Promise<Bytes> {
  return unpacked(build, cores[build]);
}

/** The part's kernels of the build, a module over the core's memory. */
export function partModule(build: ReleaseBuild, part: string): Promise<Bytes> {
  return unpacked(`${build}/${part}`, parts[build][part as LazyPart]);
}

/** No build over shared memory in the browser bundles yet: a page runs on one thread (src/thread-pool.browser.ts). */
export function sharedReleaseModule(_build: ReleaseBuild): null {
  return null;
}
