// The kernels' .wasm files are imported as bytes: esbuild's `binary` loader in dist/, a small Vite plugin
// (vitest.config.ts) in the tests.
declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

// The release builds gzipped (src/release.browser.ts, src/release.script.browser.ts), bytes too, for the browser builds.
declare module '*.gz' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
