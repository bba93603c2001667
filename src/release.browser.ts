/**
 * The release builds in a browser bundle: build/fastloss.release.gz is one gzip stream of
 * `u32 scalarLength (little-endian) ++ scalar.wasm ++ simd.wasm`, inlined as base64 and inflated once, on the
 * first loadLosses(), by the browser's own DecompressionStream. Both modules in one stream share their
 * dictionary (the builds come from one source, so much of one repeats in the other), which is why this is
 * smaller to download than the two modules inlined as they are: scripts/build.mjs prints both sizes.
 * DecompressionStream exists in Chrome/Edge 80+, Firefox 113+, Safari 16.4+ and Node 18+.
 */

import packed from '../build/fastloss.release.gz';

type Modules = Record<'simd' | 'scalar', Uint8Array<ArrayBuffer>>;

let modules: Promise<Modules> | undefined;

export function releaseModule(build: 'simd' | 'scalar'): Promise<Uint8Array<ArrayBuffer>> {
  modules ??= unpack();
  return modules.then((m) => m[build]);
}

async function unpack(): Promise<Modules> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('fastloss: this browser has no DecompressionStream (Chrome 80+, Firefox 113+ and Safari 16.4+ have it), which the browser build needs to unpack its WebAssembly');
  }
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const scalarLength = new DataView(bytes.buffer).getUint32(0, true);
  return { scalar: bytes.subarray(4, 4 + scalarLength), simd: bytes.subarray(4 + scalarLength) };
}
