/**
 * The relaxed release build in its compact form (optimised for size: the same kernels and bits), gzipped: a chunk
 * of its own in the ESM browser bundle, imported by src/release.browser.ts only when that build is the one the
 * engine runs.
 */

import relaxedPacked from '../build/fastloss.relaxed-compact.gz';

export { relaxedPacked };
