/**
 * The release builds in a browser bundle, each a gzip stream inlined as base64 and inflated on first use by the
 * browser's own DecompressionStream (Chrome/Edge 80+, Firefox 113+, Safari 16.4+, Node 18+): the SIMD build
 * here, in the code every page downloads; the scalar build in src/release-scalar.browser.ts, a chunk of its own
 * that is imported only when it is asked for: by a browser without WebAssembly SIMD (every browser that has
 * DecompressionStream has SIMD too, unless it was turned off), or by loadLosses({ build: 'scalar' }). So a
 * page downloads one build, as the two-file loaders of WebAssembly libraries (one .wasm per feature set) do,
 * without a fetch of its own. scripts/build.mjs prints each size.
 */

import simdPacked from '../build/fastloss.simd.gz';

type Bytes = Uint8Array<ArrayBuffer>;

const modules: Partial<Record<'simd' | 'scalar', Promise<Bytes>>> = {};

export function releaseModule(build: 'simd' | 'scalar'): Promise<Bytes> {
  return (modules[build] ??= build === 'simd' ? inflate(simdPacked) : import('./release-scalar.browser.js').then((m) => inflate(m.scalarPacked)));
}

async function inflate(packed: Bytes): Promise<Bytes> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('fastloss: this browser has no DecompressionStream (Chrome 80+, Firefox 113+ and Safari 16.4+ have it), which the browser build needs to unpack its WebAssembly');
  }
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
