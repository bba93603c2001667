// What the numbers were measured on: CPU, memory, OS, runtimes, library versions, the fastloss build, the date.

import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The first value of a /proc/cpuinfo field, or ''. */
function cpuinfo(field) {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith(field));
    return line ? line.split(':')[1].trim() : '';
  } catch {
    return '';
  }
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The machine table's values. tfjs: setupTfjs()'s versions; torch: the server's hello, or a note. */
export function describeMachine({ tfjs, torch }) {
  const flags = cpuinfo('flags').split(' ');
  const simdFlags = ['avx2', 'fma', 'avx512f'].filter((f) => flags.includes(f)).join(', ') || 'no AVX2';
  const built = statSync(join(ROOT, 'dist', 'index.js')).mtime.toISOString();
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src', 'assembly') ? ', src/ or assembly/ with uncommitted changes' : '';
  return {
    cpu: cpuinfo('model name') || os.cpus()[0]?.model || 'unknown',
    cores: os.cpus().length,
    flags: simdFlags,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    fastloss: `dist/index.js built ${built}; git ${commit}${dirty}`,
    tfjs: tfjs
      ? `tfjs-core ${tfjs.core}, backend-cpu ${tfjs.cpu}, backend-wasm ${tfjs.wasm} ` +
        `(SIMD ${tfjs.wasmSimd ? 'on' : 'off'}, threads ${tfjs.wasmThreads ? 'on' : 'off'})`
      : 'not measured',
    torch: torch?.info
      ? `torch ${torch.info.torch}, numpy ${torch.info.numpy}, ${torch.info.threads} thread, CPU capability ` +
        `${torch.info.capability} (/usr/bin/python3)`
      : torch?.note ?? 'not measured',
    date: new Date().toISOString(),
  };
}
