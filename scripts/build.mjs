// Builds everything `npm install` needs (the `prepare` script):
//   build/fastloss.{simd,scalar,debug}.wasm   the kernels, from one source (ASC_FEATURE_SIMD branches)
//   dist/index.js (+ a lazy chunk for the debug build), dist/cli.js, dist/*.d.ts
// and reports each module's size, gzipped. Generated files are never committed.
import { mkdirSync, readFileSync } from 'node:fs';
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
await esbuild.build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true, // the debug build and its loader become a chunk loaded only by loadLosses({ build: 'debug' })
  format: 'esm',
  platform: 'neutral',
  target: 'es2022', // an explicit target makes esbuild emit a Uint8Array.fromBase64 fallback (TOOLCHAIN.md §5)
  loader: { '.wasm': 'binary' },
  external: ['node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log(`dist/index.js  ${readFileSync('dist/index.js').length} bytes (wasm inlined)`);
