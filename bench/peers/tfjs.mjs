// TensorFlow.js 4.22: the cpu backend and the wasm backend (SIMD; tfjs runs it single-threaded in Node).
//
// Timed end to end ("e2e"), as a user holding Float32Arrays would call it: tf.tensor1d(existing array) for both
// inputs, the loss with Reduction.MEAN, dataSync() of the scalar, and dispose (tf.tidy). Forward+gradient uses
// tf.valueAndGrad with respect to pred and reads the gradient with dataSync() too. The backend is switched with
// tf.setBackend before each sample (outside the timed calls).
//
// tfjs-core's Node bundle registers no gradient functions (the @tensorflow/tfjs union package does that, and it is
// not installed). setupTfjs bundles tfjs-core's own dist/register_all_gradients.js with esbuild (a devDependency)
// into the temporary directory and imports it: that copy registers tfjs's real gradients into the global registry
// that the installed tfjs-core reads. If that fails, the forward+gradient workloads go without tfjs, with a note.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
const versionOf = (name) => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

/** Loads tfjs, both backends and the gradients. Returns { tf, versions, hasGrad, notes }. */
export async function setupTfjs(tmpDir) {
  const notes = [];
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the wasm binaries are loaded from a file path; it must end in '/'.
  setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
  for (const backend of ['cpu', 'wasm']) {
    const ok = await tf.setBackend(backend);
    if (!ok || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') failed`);
  }
  // The cpu backend prints a "install tfjs-node" banner on its first write; it would land in the tables' output.
  tf.findBackend('cpu').firstUse = false;
  let hasGrad = false;
  try {
    const out = join(tmpDir, 'tfjs-gradients.mjs');
    const entry = join(packageDir('@tensorflow/tfjs-core'), 'dist', 'register_all_gradients.js');
    const esbuild = join(dirname(require.resolve('esbuild/package.json')), 'bin', 'esbuild');
    execFileSync(esbuild, [entry, '--bundle', '--format=esm', '--platform=node', '--target=node20',
      `--outfile=${out}`, '--log-level=error']);
    await import(pathToFileURL(out).href);
    hasGrad = true;
  } catch (err) {
    notes.push(`tfjs forward+gradient not measured: could not register tfjs-core's gradients (${err.message})`);
  }
  const versions = {
    core: versionOf('@tensorflow/tfjs-core'),
    cpu: versionOf('@tensorflow/tfjs-backend-cpu'),
    wasm: versionOf('@tensorflow/tfjs-backend-wasm'),
    wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
  return { tf, versions, hasGrad, notes };
}

/** The loss functions, tfjs argument order (labels, predictions). */
function lossFn(tf, name) {
  const MEAN = tf.Reduction.MEAN;
  if (name === 'mse') return (t, p) => tf.losses.meanSquaredError(t, p, undefined, MEAN);
  if (name === 'mae') return (t, p) => tf.losses.absoluteDifference(t, p, undefined, MEAN);
  if (name === 'huber') return (t, p) => tf.losses.huberLoss(t, p, undefined, 1, MEAN);
  throw new Error(`no tfjs loss for ${name}`);
}

/** The tfjs-cpu and tfjs-wasm runners of workload w over the ordinary arrays { pred, target }. */
export function tfjsRunners(w, { tf, hasGrad }, { pred, target }) {
  if (w.mode === 'grad' && !hasGrad) return [];
  const L = lossFn(tf, w.loss);
  // One call, e2e. Returns [value, gradient or null]; tidy disposes every tensor made inside. The results leave
  // the tidy through variables, not as its return value: tidy walks whatever it returns looking for tensors, which
  // for a 16M-element Float32Array costs seconds.
  const once = () => {
    let value;
    let grad = null;
    tf.tidy(() => {
      const t = tf.tensor1d(target);
      const p = tf.tensor1d(pred);
      if (w.mode === 'fwd') {
        value = L(t, p).dataSync()[0];
      } else {
        const r = tf.valueAndGrad((x) => L(t, x))(p);
        value = r.value.dataSync()[0];
        grad = r.grad.dataSync();
      }
    });
    return [value, grad];
  };
  return ['cpu', 'wasm'].map((backend) => ({
    key: `tfjs-${backend}`,
    peer: `tfjs-${backend}`,
    input: 'Float32Array (e2e)',
    // tfjs-cpu takes 0.6-20 s per call at 16M elements: it alone may get fewer rounds (see measure.mjs).
    mayShorten: backend === 'cpu',
    before: async () => {
      await tf.setBackend(backend);
    },
    call: () => {
      const [value, grad] = once();
      return grad ? value + grad[0] : value;
    },
    check: async () => {
      await tf.setBackend(backend);
      if (tf.getBackend() !== backend) throw new Error(`tfjs backend is ${tf.getBackend()}, not ${backend}`);
      const before = tf.memory().numTensors;
      const [value, grad] = once();
      if (tf.memory().numTensors !== before) throw new Error(`tfjs-${backend} leaks tensors in ${w.id}`);
      return { value, grad: grad ? Float32Array.from(grad) : null };
    },
  }));
}
