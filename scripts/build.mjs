// Builds everything `npm install` needs (the `prepare` script):
//   build/fastloss.{simd,scalar,debug}.wasm   the kernels, from one source (ASC_FEATURE_SIMD branches)
//   dist/index.js, dist/debug.js (the `fastloss/debug` entry: the debug build and its loader), dist/cli.js,
//   dist/*.d.ts
// and reports each module's size, gzipped. Generated files are never committed.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import asc from 'assemblyscript/asc';
import * as esbuild from 'esbuild';

import { fileURLToPath } from 'node:url';
const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
mkdirSync('build', { recursive: true });

for (const target of ['simd', 'scalar', 'debug']) {
  const { error, stderr } = await asc.main(['--config', 'asconfig.json', '--target', target], { stdout: process.stdout, stderr: process.stderr });
  if (error) {
    console.error(stderr.toString());
    throw error;
  }
  const bytes = readFileSync(`build/fastloss.${target}.wasm`);
  console.log(`build/fastloss.${target}.wasm  ${bytes.length} bytes, ${gzipSync(bytes).length} gzipped`);
}

// dist/ is overwritten in place (not removed first), so a process reading it meanwhile never sees it vanish.
const result = await esbuild.build({
  entryPoints: { index: 'src/index.ts', debug: 'src/debug.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true, // index, debug and cli share chunks: debug registers itself with the index's runtime module
  format: 'esm',
  platform: 'neutral',
  target: 'es2022', // an explicit target makes esbuild emit a Uint8Array.fromBase64 fallback (TOOLCHAIN.md §5)
  loader: { '.wasm': 'binary' },
  external: ['node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Chunk names carry a content hash: remove the chunks an earlier build left (after writing the new ones).
const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(f)));
for (const file of readdirSync('dist/chunks')) {
  const full = path.resolve('dist/chunks', file);
  if (!outputs.has(full)) rmSync(full);
}
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// What `import { loadLosses } from 'fastloss'` loads: index.js and the chunks it imports (not cli, not debug).
const main = result.metafile.outputs['dist/index.js'];
const loaded = ['dist/index.js', ...main.imports.map((i) => i.path)];
const bytes = loaded.reduce((sum, f) => sum + readFileSync(f).length, 0);
const debug = readFileSync('dist/debug.js').length;
console.log(`dist: ${bytes} bytes loaded by import (both release wasm modules inlined); fastloss/debug adds ${debug}`);
