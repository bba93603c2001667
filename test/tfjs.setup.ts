/**
 * TensorFlow.js for the suites of fastloss/tfjs: tfjs-core with the cpu and wasm backends and tfjs-layers
 * (devDependencies), and tfjs's gradients. tfjs-core's Node bundle registers no gradient functions (the
 * @tensorflow/tfjs union package does, and is not installed): its own dist/register_all_gradients.js, bundled
 * with esbuild into a temporary file and imported, registers them into the global registry tfjs-core reads (the
 * bench's tfjs peer does the same, bench/peers/tfjs.mjs).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export type Tf = typeof import('@tensorflow/tfjs-core');
export type TfLayers = typeof import('@tensorflow/tfjs-layers');

let loaded: Promise<{ tf: Tf; layers: TfLayers }> | undefined;

export function loadTfjs(): Promise<{ tf: Tf; layers: TfLayers }> {
  return (loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
    const dir = mkdtempSync(join(tmpdir(), 'fastloss-tfjs-'));
    try {
      const out = join(dir, 'gradients.mjs');
      await esbuild.build({ entryPoints: [join(packageDir('@tensorflow/tfjs-core'), 'dist', 'register_all_gradients.js')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
      await import(/* @vite-ignore */ pathToFileURL(out).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const layers = await import('@tensorflow/tfjs-layers');
    await tf.setBackend('cpu');
    // the cpu backend prints an "install tfjs-node" banner on first use
    (tf.findBackend('cpu') as unknown as { firstUse: boolean }).firstUse = false;
    return { tf, layers };
  })());
}
