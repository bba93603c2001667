// Builds everything `npm install` needs (the `prepare` script; `--kernels`: the four wasm builds only):
//   build/fastloss.{relaxed,simd,scalar,debug}.wasm   the kernels, from one source (ASC_FEATURE_SIMD and
//                                                       ASC_FEATURE_RELAXED_SIMD branches)
//   build/fastloss.testing.{relaxed,simd,scalar,debug}.wasm  the same with the tests' probe kernels (assembly/testing.ts)
//   dist/index.js, dist/debug.js (the `fastloss/debug` entry: the debug build and its loader), dist/cli.js,
//   dist/*.d.ts
//   dist/browser/{index,debug}.js (ESM for browsers) and dist/fastloss.iife.js (a script tag's global
//   `fastloss`): minified, both release modules inlined compressed, the debug build only in dist/browser/debug.js
// and reports each module's size, gzipped. Generated files are never committed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import asc from 'assemblyscript/asc';
import * as esbuild from 'esbuild';
import zopfli from '@gfx/zopfli';
import { kernelDeclarations, kernelTypes } from './kernel-types.mjs';

import { fileURLToPath } from 'node:url';
const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
mkdirSync('build', { recursive: true });

/**
 * The parts of the page's build, in the order of their data slots (assembly/parts.ts), each built from
 * assembly/index.<part>.ts: the list the facade has (src/lazy-parts.ts LAZY_PARTS), read from there.
 */
const PART_ORDER = JSON.parse(/LAZY_PARTS = (\[[^\]]*\])/.exec(readFileSync('src/lazy-parts.ts', 'utf8'))[1].replace(/'/g, '"'));
/** The builds a browser bundle carries, each as a core and its parts. */
const PAGE_TARGETS = ['relaxed-compact', 'simd-compact', 'scalar'];

/** A constant of assembly/parts.ts (one source for the kernels' layout and this script). */
function partsConstant(name) {
  const m = new RegExp(`export const ${name}: usize = (\\d+);`).exec(readFileSync('assembly/parts.ts', 'utf8'));
  if (m === null) throw new Error(`assembly/parts.ts: no constant ${name}`);
  return Number(m[1]);
}

/** The value a module's data_end() returns (a constant: read from its text format, as no engine here runs every build). */
function dataEnd(out) {
  const m = /data_end \(result i32\)\s+i32\.const (\d+)/.exec(readFileSync(`${out}.wat`, 'utf8'));
  if (m === null) throw new Error(`${out}.wat: no data_end`);
  return Number(m[1]);
}

/**
 * One target of the page's build: build/fastloss.<target>.core.wasm and build/fastloss.<target>.<part>.wasm, each
 * part at its slot's --memoryBase, importing the core's memory. Checks the layout: the core's static data ends
 * below the first slot, each part's within its own.
 */
async function pageBuild(target) {
  const start = partsConstant('PART_DATA_START');
  const slot = partsConstant('PART_DATA_SLOT');
  const end = partsConstant('PART_DATA_END');
  await asBuild('assembly/index.core.ts', target, `build/fastloss.${target}.core`);
  if (dataEnd(`build/fastloss.${target}.core`) > start) throw new Error(`the core's static data (to ${dataEnd(`build/fastloss.${target}.core`)}) reaches the parts' slots (from ${start}): raise PART_DATA_START in assembly/parts.ts`);
  for (const [i, part] of PART_ORDER.entries()) {
    const base = start + i * slot;
    if (base + slot > end) throw new Error(`no slot for the part ${part}: raise PART_DATA_END in assembly/parts.ts`);
    const out = `build/fastloss.${target}.${part}`;
    await asBuild(`assembly/index.${part}.ts`, target, out, ['--importMemory', '--noExportMemory', '--memoryBase', String(base)]);
    if (dataEnd(out) > base + slot) throw new Error(`${out}: its static data (${base} to ${dataEnd(out)}) overflows its slot of ${slot} bytes (PART_DATA_SLOT in assembly/parts.ts)`);
  }
}

/** One asc build: an entry file, a target of asconfig.json, and where it goes. */
async function writeKernelTypes() {
  const text = kernelTypes(await kernelDeclarations());
  if (!existsSync('src/kernels.ts') || readFileSync('src/kernels.ts', 'utf8') !== text) writeFileSync('src/kernels.ts', text);
}

async function asBuild(entry, target, out, flags = []) {
  const { error, stderr } = await asc.main([entry, '--config', 'asconfig.json', '--target', target, '--outFile', `${out}.wasm`, '--textFile', `${out}.wat`, ...flags], { stdout: process.stdout, stderr: process.stderr });
  if (error) {
    console.error(stderr.toString());
    throw error;
  }
  const bytes = readFileSync(`${out}.wasm`);
  console.log(`${out}.wasm  ${bytes.length} bytes, ${gzipSync(bytes).length} gzipped`);
}
// The release and debug builds: the wasm ABI (assembly/index.ts). The '-compact' ones, which the browser bundles
// carry, are the same source optimised for size (binaryen's shrink level 2): about 1 KB less gzipped, the same bits
// (test/compact.test.ts), and as fast in Chromium within a few percent (docs/design.md §9b).
// (relaxed-compact is built in parts only, below: no bundle carries it whole)
for (const target of ['relaxed', 'simd', 'scalar', 'debug', 'relaxed-threads', 'simd-threads', 'simd-compact']) await asBuild('assembly/index.ts', target, `build/fastloss.${target}`);
// The page's build in parts (assembly/parts.ts): the core a page loads first, and each part over the core's
// imported memory with its static data in a slot of its own, for the builds a browser bundle carries.
for (const target of PAGE_TARGETS) await pageBuild(target);
// The ABI's TypeScript types, from the compiler's own declarations of it: src/kernels.ts (committed, so that the
// facade type-checks without a build; test/kernels.test.ts regenerates it and compares).
await writeKernelTypes();
// The testing builds: the same kernels with the probe kernels of assembly/testing.ts (the exp and log helpers over
// arrays, for test/exp.test.ts and test/f64math.test.ts), which no build a user loads carries.
for (const target of ['relaxed', 'simd', 'scalar', 'debug']) await asBuild('assembly/index.testing.ts', target, `build/fastloss.testing.${target}`);
// `--kernels`: the kernels alone (what the test suite loads, through src/release.ts and src/debug.ts), for the kernel
// mutants of scripts/mutate-kernels.mjs, which rebuild them once per mutant. (Not `--wasm`: asc reads that one
// from process.argv itself, as the path of a compiler binary.)
if (process.argv.includes('--kernels')) process.exit(0);

// dist/ is overwritten in place (not removed first), so a process reading it meanwhile never sees it vanish.
const result = await esbuild.build({
  entryPoints: { index: 'src/index.ts', debug: 'src/debug.ts', cli: 'src/cli.ts', tfjs: 'src/tfjs.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true, // index, debug and cli share chunks: debug registers itself with the index's runtime module
  format: 'esm',
  platform: 'neutral',
  target: 'es2022', // an explicit target makes esbuild emit a Uint8Array.fromBase64 fallback (docs/toolchain.md §5)
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
// The browser builds carry each release module gzipped: the ESM one each in a chunk of its own, of which a page
// imports the one its engine runs (src/release.browser.ts); the script-tag one the simd and scalar builds
// (src/release.script.browser.ts). Compressed with Zopfli (a gzip stream any inflater reads, DecompressionStream
// included): about 6% smaller than zlib's level 9, for a few seconds of build time. (Compressed together, the
// two modules share little: deflate's 32 KB window holds no more than a part of the SIMD module.)
const gz = (b) => gzipSync(b, { level: 9 }).length;
const b64gz = (b) => gz(Buffer.from(b.toString('base64')));
async function packModule(name) {
  const wasm = readFileSync(`build/${name}.wasm`);
  const pack = Buffer.from(await zopfli.gzipAsync(wasm, { numiterations: 15 }));
  writeFileSync(`build/${name}.gz`, pack);
  console.log(`build/${name}.gz  ${pack.length} bytes: ${b64gz(pack)} gzipped once inlined (${b64gz(wasm)} inlined as it is)`);
}
// the script tag's whole builds, and the ESM bundle's builds in parts
for (const target of ['simd-compact', 'scalar']) await packModule(`fastloss.${target}`);
for (const target of PAGE_TARGETS) for (const module of ['core', ...PART_ORDER]) await packModule(`fastloss.${target}.${module}`);
for (const old of ['release', 'relaxed', 'simd', 'relaxed-compact']) rmSync(`build/fastloss.${old}.gz`, { force: true }); // packs of former layouts
// dist/browser/: ESM for <script type="module"> and bundlers (package.json's "browser" condition), split like
// dist/ so that its debug entry registers with the same runtime module. dist/fastloss.iife.js: one classic
// script setting the global `fastloss` (it works from file://, where module scripts are blocked), no debug build.
// An explicit target makes esbuild emit its base64 decoder fallback (Uint8Array.fromBase64 is recent).
const releaseFor = (file) => ({
  name: 'fastloss-release-browser',
  setup(build) {
    // src/release.js, imported from src/ (./release.js) or from a subfolder (../release.js)
    build.onResolve({ filter: /^\.\.?\/release\.js$/ }, () => ({ path: path.resolve(root, 'src', file) }));
    // no worker threads in the browser bundles yet (src/thread-pool.browser.ts): neither the pool nor the
    // tiling driver's split (src/engines/tiling-parallel.browser.ts)
    build.onResolve({ filter: /^\.\/(thread-pool|tiling-parallel)\.js$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts')) }));
  },
});
const browser = {
  bundle: true,
  platform: 'browser',
  target: ['es2022', 'chrome100', 'firefox113', 'safari16.4'],
  loader: { '.wasm': 'binary', '.gz': 'binary' },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
const esm = await esbuild.build({
  ...browser,
  plugins: [releaseFor('release.browser.ts')],
  entryPoints: { index: 'src/index.ts', debug: 'src/debug.ts' },
  outdir: 'dist/browser',
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
});
const browserOutputs = new Set(Object.keys(esm.metafile.outputs).map((f) => path.resolve(f)));
for (const file of readdirSync('dist/browser/chunks')) {
  const full = path.resolve('dist/browser/chunks', file);
  if (!browserOutputs.has(full)) rmSync(full);
}
// (one file: the parts' code imported statically, src/losses/part-code.static.ts)
const staticParts = { name: 'fastloss-static-parts', setup: (build) => build.onResolve({ filter: /^\.\/part-code\.js$/ }, (args) => ({ path: path.resolve(args.resolveDir, 'part-code.static.ts') })) };
await esbuild.build({ ...browser, plugins: [releaseFor('release.script.browser.ts'), staticParts], entryPoints: ['src/index.ts'], outfile: 'dist/fastloss.iife.js', format: 'iife', globalName: 'fastloss' });
// dist/browser/tfjs.js: fastloss/tfjs for pages and bundlers, a file of its own that takes LossError from the index
// (not a third entry of the split above: a chunk shared with it would move part of the index out of its file and
// add the bytes of the imports between them to every page).
await esbuild.build({
  ...browser,
  entryPoints: ['src/tfjs.ts'],
  outfile: 'dist/browser/tfjs.js',
  format: 'esm',
  plugins: [{ name: 'fastloss-tfjs-browser', setup: (build) => build.onResolve({ filter: /^\.\/errors\.js$/ }, () => ({ path: './index.js', external: true })) }],
});
// What a page fetches up front (the entry and its static imports), and the chunks it may import later.
const downloaded = [];
const lazy = new Set();
const walk = (file) => {
  if (downloaded.includes(file)) return;
  downloaded.push(file);
  for (const i of esm.metafile.outputs[file].imports) {
    if (i.kind === 'dynamic-import') lazy.add(i.path);
    else walk(i.path);
  }
};
walk('dist/browser/index.js');
const gzSum = (files) => files.reduce((sum, f) => sum + gz(readFileSync(f)), 0);
const chunkOf = (name) => [...lazy].find((f) => path.basename(f).startsWith(`${name}-`));
/** A lazy chunk and what it imports statically that the entry has not fetched already. */
const withImports = (file, seen = new Set(downloaded)) => {
  if (seen.has(file)) return [];
  seen.add(file);
  return [file, ...esm.metafile.outputs[file].imports.filter((i) => i.kind !== 'dynamic-import').flatMap((i) => withImports(i.path, seen))];
};
const pageTarget = { relaxed: 'relaxed-compact', simd: 'simd-compact', scalar: 'scalar' };
console.log(
  `dist/browser/index.js: ${gzSum(downloaded)} bytes gzipped with its static chunks, and the core of the one build a page imports: ` +
    Object.entries(pageTarget).map(([b, t]) => `${b} ${gzSum([chunkOf(`fastloss.${t}.core`)])}`).join(', ') +
    '; each part loaded on demand (its code, and its kernels of the relaxed build): ' +
    PART_ORDER.map((p) => `${p} ${gzSum(withImports(chunkOf(`${p}.part`)))} + ${gzSum([chunkOf(`fastloss.relaxed-compact.${p}`)])}`).join(', ') +
    `; dist/fastloss.iife.js ${gz(readFileSync('dist/fastloss.iife.js'))}`,
);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await buildCommonJs();
// What `import { loadLosses } from 'fastloss'` loads: index.js and the chunks it imports (not cli, not debug).
const main = result.metafile.outputs['dist/index.js'];
const loaded = ['dist/index.js', ...main.imports.map((i) => i.path)];
const bytes = loaded.reduce((sum, f) => sum + readFileSync(f).length, 0);
const debug = readFileSync('dist/debug.js').length;
console.log(`dist: ${bytes} bytes loaded by import (the three release wasm modules inlined); fastloss/debug adds ${debug}`);

/**
 * dist/cjs/: the same library for `require('fastloss')` (package.json's "require" conditions). esbuild cannot
 * split CommonJS, so index.cjs is one file, and debug.cjs reaches the index's runtime module by requiring
 * ./index.cjs (src/index.cjs.ts adds the hook it registers with, not declared in the types). The types are the
 * ESM declarations copied as .d.cts, their relative imports pointed at the .cjs names, so TypeScript reads
 * them as CommonJS declarations (a .d.ts under "type": "module" is ESM to it, and a CommonJS file may not
 * import that).
 */
async function buildCommonJs() {
  const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', loader: { '.wasm': 'binary' }, legalComments: 'none', logLevel: 'warning' };
  await esbuild.build({ ...common, entryPoints: ['src/index.cjs.ts'], outfile: 'dist/cjs/index.cjs' });
  await esbuild.build({
    ...common,
    entryPoints: ['src/debug.ts'],
    outfile: 'dist/cjs/debug.cjs',
    plugins: [
      {
        name: 'fastloss-debug-cjs',
        setup(build) {
          build.onResolve({ filter: /^\.\/wasm\.js$/ }, () => ({ path: './index.cjs', external: true }));
        },
      },
    ],
  });
  // fastloss/tfjs: its LossError is the index's (one class for `instanceof`), as debug.cjs reaches its runtime
  await esbuild.build({
    ...common,
    entryPoints: ['src/tfjs.ts'],
    outfile: 'dist/cjs/tfjs.cjs',
    plugins: [{ name: 'fastloss-tfjs-cjs', setup: (build) => build.onResolve({ filter: /^\.\/errors\.js$/ }, () => ({ path: './index.cjs', external: true })) }],
  });
  const copyDeclarations = (from, to) => {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      const full = path.join(from, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'cjs' && name !== 'browser' && name !== 'chunks') copyDeclarations(full, path.join(to, name));
      } else if (name.endsWith('.d.ts')) {
        const text = readFileSync(full, 'utf8').replace(/(from\s+|import\()(['"])(\.\.?\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
        writeFileSync(path.join(to, name.replace(/\.d\.ts$/, '.d.cts')), text);
      }
    }
  };
  copyDeclarations('dist', 'dist/cjs');
}
