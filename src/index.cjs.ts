/**
 * The CommonJS entry (dist/cjs/index.cjs, `require('fastloss')`): the public API of src/index.ts, plus the
 * hook through which dist/cjs/debug.cjs (`require('fastloss/debug')`) registers the debug build with this
 * file's runtime module. The ESM build shares that module between its entries through a chunk; a CommonJS
 * bundle cannot be split, so the hook is exported here instead (it is in no declaration file).
 */

export * from './index.js';
export { registerDebugBuild } from './wasm.js';
