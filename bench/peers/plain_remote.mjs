// The plain-JS peers of every suite, each timed in a process of its own (bench/peers/plain_child.mjs), started
// for one workload and closed after it. Measured in the bench's own process, among the other peers, a plain loop
// came out up to 2-3x slower than the same loop timed alone in a fresh process (the cosine loop of bench/margin.mjs:
// 37-56 ms against 18-20 ms, issue 21), which flattered fastloss. The value and gradient of the check call are
// still computed here, untimed, by the same function (for the error columns: a gradient is too large to send).

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPeer } from './torch.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'plain_child.mjs');
const DTYPES = new Map([
  [Float32Array, 'float32'],
  [Int32Array, 'int32'],
  [Float64Array, 'float64'],
]);
let files = 0;

/**
 * A remote runner for measureWorkload: `module` (a file of bench/peers/) exports PLAIN_PEERS[name], a function of
 * one object ({ ...arrays, ...params }) returning a number (the timed call); `check` is the untimed value call made
 * here, returning { value, grad }; `mayShorten` as measureWorkload reads it. Typed arrays are written to files under
 * `tmp` and read by the child. Returns the runner with a `close()`, or null (with `note`) when the child cannot
 * start.
 */
export async function plainRunner({ key = 'plain-js', peer, input = 'Float32Array', module, name, arrays, params = {}, check, tmp, mayShorten = false }) {
  const child = await startPeer(CHILD, { what: 'plain JS' });
  if (child.note !== undefined) return { note: child.note, runner: null };
  const specs = Object.entries(arrays).map(([k, a]) => {
    const dtype = DTYPES.get(a.constructor);
    if (dtype === undefined) throw new Error(`plain peer ${name}: ${k} is a ${a.constructor.name}, not a typed array the child reads`);
    const path = join(tmp, `plain-${process.pid}-${files++}-${k}.bin`);
    writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return { key: k, path, dtype };
  });
  await child.request({ cmd: 'load', module: join(HERE, module), name, arrays: specs, params });
  return {
    runner: {
      key,
      peer: `${peer}, in a process of its own`,
      input,
      mayShorten,
      remote: {
        check: async () => {
          // the child's call on the data it read gives the bits of the same call here, or it is timing something else
          const remote = (await child.request({ cmd: 'check' })).value;
          const same = (await import(pathToFileURL(join(HERE, module)).href)).PLAIN_PEERS[name]({ ...arrays, ...params });
          if (!Object.is(remote, typeof same === 'number' ? same : same.value)) throw new Error(`plain peer ${name}: the child computed ${remote}, this process ${same}`);
          return check();
        },
        calibrate: async (targetS) => (await child.request({ cmd: 'calibrate', target_s: targetS })).k,
        sample: async (k) => (await child.request({ cmd: 'sample', k })).per_call_s,
      },
    },
    close: () => child.close(),
  };
}
