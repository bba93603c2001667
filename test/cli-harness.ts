/**
 * What the suites of the built command share (test/cli.test.ts, test/cli.shard.test.ts): the binary, the .npy
 * fixtures written by NumPy from PyTorch tensors (test/fixtures/cli, scripts/make_fixtures_cli.py) with PyTorch's
 * values, a runner, and the 1e-6 comparison.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/cli/', import.meta.url));

export interface Case {
  name: string;
  args: string[];
  value?: number;
  values?: number[];
  shape?: number[];
}
export const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { producer: string; cases: Case[] };

/** `node dist/cli.js ...args` in the fixtures' folder; `env` is added to this process's environment. */
export function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: FIXTURES, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Within 1e-6 of PyTorch's value (relative above 1, absolute below); NaN and infinities exactly. */
export function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want));
}
