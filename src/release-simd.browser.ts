/**
 * The simd release build, gzipped: a chunk of its own in the ESM browser bundle, imported by
 * src/release.browser.ts only when that build is the one the engine runs.
 */

import simdPacked from '../build/fastloss.simd.gz';

export { simdPacked };
