// PyTorch CPU (the OS package at /usr/bin/python3), one thread, in ONE long-lived child process
// (torch_server.py) spoken to in JSON lines. The child times its own calls; this side only asks for samples,
// so they interleave round by round with the in-process peers like any other peer's.

import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'torch_server.py');

/**
 * Starts a PyTorch peer script of bench/peers/ (the protocol of torch_peer.py). Returns { info, request, close },
 * or { note } when torch cannot be used (no python3, or it cannot import torch): the bench then goes on without
 * this peer. Requests go one at a time (the bench is sequential), so replies come back in order.
 */
export async function startPeer(script, { threads = 1, what: named } = {}) {
  const name = script.split('/').pop();
  // a .mjs peer (ONNX Runtime's, bench/peers/ort_crossentropy.mjs; the plain-JS loops, plain_child.mjs) speaks the
  // same protocol from a Node process
  const node = script.endsWith('.mjs');
  const what = named ?? (node ? 'ONNX Runtime' : 'PyTorch');
  let child;
  try {
    child = spawn(node ? process.execPath : PYTHON, [script], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, FASTLOSS_TORCH_THREADS: String(threads), FASTLOSS_ORT_THREADS: String(threads) },
    });
  } catch (err) {
    return { note: `${what} not measured: cannot start ${node ? process.execPath : PYTHON} (${err.message})` };
  }
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let failed = null;
  child.on('error', (err) => {
    failed = err;
  });
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${name} exited${failed ? `: ${failed.message}` : ''}`);
    return JSON.parse(value);
  };

  let info;
  try {
    info = await next();
  } catch (err) {
    return { note: `${what} not measured: ${err.message}` };
  }
  if (!info.ok) {
    child.stdin.end();
    return { note: `${what} not measured: ${node ? '' : `${PYTHON} `}${info.error}` };
  }
  const request = async (req) => {
    child.stdin.write(JSON.stringify(req) + '\n');
    const res = await next();
    if (!res.ok) throw new Error(`${name}: ${res.error} (request ${JSON.stringify(req)})`);
    return res;
  };
  return { info, request, close: () => child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n') };
}

/**
 * Starts the regression losses' peer (torch_server.py). Returns { info, request, load, drop, close }, or { note }.
 */
export async function startTorch(tmpDir) {
  const peer = await startPeer(SERVER);
  if (!peer.request) return peer;
  const { info, request, close } = peer;

  return {
    info,
    request,
    /** Sends one data set: a temporary raw float32 file, pred then target; the server maps it zero-copy. */
    async load(key, { pred, target }) {
      const path = join(tmpDir, `torch-data-${key}.f32`);
      const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      writeFileSync(path, bytes(pred));
      writeFileSync(path, bytes(target), { flag: 'a' });
      await request({ cmd: 'load', key, path, n: pred.length });
      rmSync(path); // numpy read it into its own memory
    },
    drop: (key) => request({ cmd: 'drop', key }),
    close,
  };
}

/** The PyTorch runner of workload w on data set `key`. */
export function torchRunners(w, torch, key, tmpDir) {
  if (!torch?.request) return [];
  const req = { key, loss: w.loss, grad: w.mode === 'grad' };
  return [
    {
      key: 'torch-1t',
      peer: `PyTorch ${torch.info.torch} (1 thread)`,
      input: 'torch.from_numpy (in place)',
      remote: {
        async check() {
          const gradPath = req.grad ? join(tmpDir, 'torch-grad.f32') : null;
          const { value } = await torch.request({ cmd: 'check', ...req, grad_path: gradPath });
          if (!gradPath) return { value, grad: null };
          const buf = readFileSync(gradPath);
          rmSync(gradPath);
          // Copy into a fresh, aligned buffer (a Buffer may sit at any offset of a shared pool).
          return { value, grad: new Float32Array(new Uint8Array(buf).buffer) };
        },
        calibrate: async (targetS) => (await torch.request({ cmd: 'calibrate', ...req, target_s: targetS })).k,
        sample: async (k) => (await torch.request({ cmd: 'sample', ...req, k })).per_call_s,
      },
    },
  ];
}
