/** A gzipped release build inflated by the browser's own DecompressionStream (no inflater in the bundle). */

export type Bytes = Uint8Array<ArrayBuffer>;

export async function inflate(packed: Bytes): Promise<Bytes> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('fastloss: this browser has no DecompressionStream (Chrome 80+, Firefox 113+ and Safari 16.4+ have it), which the browser build needs to unpack its WebAssembly');
  }
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
