/**
 * The release builds in the script-tag bundle (dist/fastloss.iife.js, a classic script that also works from
 * file://, where module scripts and their chunks are blocked): one file, so whatever it carries every page
 * downloads. It carries the simd build (every browser with DecompressionStream has WebAssembly SIMD) and the
 * scalar one, and leaves the relaxed build out: with it the file would hold three builds where a page runs one
 * (the ESM bundle, dist/browser/, carries all three, each in chunks of its own: its core and its parts).
 */

import { inflate, type Bytes } from './release-inflate.browser.js';
import type { ReleaseBuild } from './release.js';
import simdPacked from '../build/fastloss.simd-compact.gz';
import scalarPacked from '../build/fastloss.scalar.gz';

export const releaseBuilds: readonly ReleaseBuild[] = ['simd', 'scalar'];

const modules: Partial<Record<ReleaseBuild, Promise<Bytes>>> = {};

export function releaseModule(build: ReleaseBuild): Promise<Bytes> {
  return (modules[build] ??= inflate(build === 'scalar' ? scalarPacked : simdPacked));
}

/** Every kernel is in the one module of each build here: loadLosses() loads every loss. */
export function partModule(_build: ReleaseBuild, _part: string): null {
  return null;
}

export const DEFAULT_LOSSES = 'all';

/** No build over shared memory in the browser bundles yet: a page runs on one thread (src/thread-pool.browser.ts). */
export function sharedReleaseModule(_build: ReleaseBuild): null {
  return null;
}
