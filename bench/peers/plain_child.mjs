// A plain-JS peer in a process of its own (bench/peers/plain_remote.mjs starts one per workload and peer): the
// loop a user writes, timed where nothing else has run, so that no other peer's type feedback, garbage or heap
// shapes its figure. The process holds only this loop's data, read from the files the bench wrote, and speaks the
// JSON lines of the other child peers (bench/peers/torch_peer.py): load, check, calibrate, sample, quit. The loop
// is timed as bench/measure.mjs times in-process peers: a timing function compiled from its own source, the
// inputs passed at call time, K calls per sample (calibrateK), the heap collected before each sample.
//
// load: { module, name, arrays: [{ key, path, dtype }], params }: `module` (a file of bench/peers/) exports
// PLAIN_PEERS, whose `name` entry is called with one object, { ...arrays, ...params }.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { calibrateK } from '../measure.mjs';
import { serve } from './child_protocol.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const TYPES = { float32: Float32Array, int32: Int32Array, float64: Float64Array };

let fn = null;
let args = null;
let loop = null;
let sink = 0;

function read({ path, dtype }) {
  const bytes = readFileSync(path);
  const T = TYPES[dtype];
  if (T === undefined) throw new Error(`unknown dtype ${dtype}`);
  // a fresh buffer of its own, aligned, as the user's array would be
  return new T(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function sample(k) {
  gc();
  const t0 = process.hrtime.bigint();
  sink += loop(k, args);
  return Number(process.hrtime.bigint() - t0) / 1e9 / k;
}

async function handle(req) {
  switch (req.cmd) {
    case 'load': {
      const peers = (await import(pathToFileURL(req.module).href)).PLAIN_PEERS;
      fn = peers?.[req.name];
      if (typeof fn !== 'function') throw new Error(`${req.module} has no plain peer ${req.name}`);
      args = { ...Object.fromEntries(req.arrays.map((a) => [a.key, read(a)])), ...(req.params ?? {}) };
      loop = new Function('call', 'return function loop(k, args) { let acc = 0; for (let i = 0; i < k; i++) acc += call(args); return acc; };')(fn);
      return {};
    }
    case 'check': {
      const r = fn(args);
      return { value: typeof r === 'number' ? r : r.value };
    }
    case 'calibrate':
      return { k: await calibrateK(async (k) => sample(k), req.target_s) };
    case 'sample':
      return { per_call_s: sample(req.k) };
    default:
      throw new Error(`unknown command ${req.cmd}`);
  }
}

await serve({ node: process.version }, handle, () => (sink === 0.5 ? 1 : 0)); // sink read once, so no engine drops the timed results
