// ONNX Runtime peer of bench/crossentropy.mjs: onnxruntime-node (what a Node user installs for native speed)
// running PyTorch's F.cross_entropy exported as ONNX's SoftmaxCrossEntropyLoss (bench/peers/make_onnx_models.py;
// the .onnx files are committed beside it), forward only (an inference session has no gradient). A child process of
// its own, spoken to in the JSON lines of bench/peers/torch_peer.py (load, drop, check, calibrate, sample, quit),
// timing its own calls by the same rules. FASTLOSS_ORT_THREADS=1: intraOpNumThreads and interOpNumThreads 1;
// =default: ONNX Runtime's own choice (every core).
//
// onnxruntime-node is not a dependency of fastloss: it is installed on first use into a cache folder
// (~/.cache/fastloss/ort, or FASTLOSS_ORT_DIR) with `npm install --ignore-scripts` (the CPU binaries ship inside the
// package; its install script only fetches GPU ones, which needs a network). Without it the first line says why and
// the bench goes on without this peer.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrateK } from '../measure.mjs';
import { reply, serve } from './child_protocol.mjs';

const VERSION = '1.31.1';
const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = process.env.FASTLOSS_ORT_DIR ?? join(homedir(), '.cache', 'fastloss', 'ort');

function loadOrt() {
  const pkg = join(DIR, 'node_modules', 'onnxruntime-node', 'package.json');
  if (!existsSync(pkg) || JSON.parse(readFileSync(pkg, 'utf8')).version !== VERSION) {
    mkdirSync(DIR, { recursive: true });
    if (!existsSync(join(DIR, 'package.json'))) writeFileSync(join(DIR, 'package.json'), '{ "name": "fastloss-ort-cache", "private": true }\n');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', `onnxruntime-node@${VERSION}`], { cwd: DIR, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return createRequire(join(DIR, 'package.json'))('onnxruntime-node');
}

let ort;
try {
  ort = loadOrt();
} catch (err) {
  reply({ ok: false, error: `cannot install or load onnxruntime-node ${VERSION} (${String(err.message).split('\n')[0]})` });
  process.exit(0);
}

const oneThread = (process.env.FASTLOSS_ORT_THREADS ?? '1') !== 'default';
const sessionOptions = oneThread ? { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' } : {};
const sessions = new Map(); // rank -> session
const session = async (rank) => {
  if (!sessions.has(rank)) sessions.set(rank, await ort.InferenceSession.create(readFileSync(join(HERE, `softmax_cross_entropy_${rank}d.onnx`)), sessionOptions));
  return sessions.get(rank);
};
const data = new Map(); // key -> { session, feeds }

async function handle(req) {
  switch (req.cmd) {
    case 'load': {
      if (req.loss !== undefined && req.loss !== 'ce') throw new Error(`no ONNX model for ${req.loss}`);
      const bytes = readFileSync(req.pred_path);
      const pred = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const raw = readFileSync(req.target_path);
      const labels = new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
      const feeds = {
        logits: new ort.Tensor('float32', pred, req.shape),
        labels: new ort.Tensor('int64', BigInt64Array.from(labels, (v) => BigInt(v)), req.target_shape), // ONNX labels are int64
      };
      data.set(req.key, { session: await session(req.shape.length), feeds });
      return {};
    }
    case 'drop':
      data.delete(req.key);
      return {};
    case 'check':
      if (req.grad) throw new Error('an ONNX Runtime inference session has no gradient');
      return { value: await call(req.key) };
    case 'calibrate':
      return { k: await calibrate(req.key, req.target_s) };
    case 'sample':
      return { per_call_s: await sample(req.key, req.k) };
    default:
      throw new Error(`unknown command ${req.cmd}`);
  }
}

async function call(key) {
  const { session, feeds } = data.get(key);
  const out = await session.run(feeds);
  return out.loss.data[0];
}

async function sample(key, k) {
  const t0 = performance.now();
  for (let i = 0; i < k; i++) await call(key);
  return (performance.now() - t0) / 1000 / k;
}

const calibrate = (key, targetS) => calibrateK((k) => sample(key, k), targetS);

await serve({ ort: VERSION, threads: oneThread ? 1 : 'default' }, handle);
