/**
 * The scalar release build, gzipped, for browsers without WebAssembly SIMD: a chunk of its own in the browser
 * bundles, imported by src/release.browser.ts only when that build is wanted (the script-tag build carries it inline).
 */

import scalarPacked from '../build/fastloss.scalar.gz';

export { scalarPacked };
