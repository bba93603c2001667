// A copy of the tree in a temporary directory, for the scripts that judge mutants (scripts/mutate-kernels.mjs,
// scripts/mutate-recheck.mjs): each mutant is written into the copy, never into the working tree, and its suites
// run there with vitest in a process group of their own. The copy is removed at the end, on Ctrl-C and on a crash.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

let tree = null;
let child = null;

/** Copies `entries` (paths relative to the repository) into a new temporary directory, node_modules linked. */
export function openTree(prefix, entries) {
  tree = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of entries) cpSync(join(root, entry), join(tree, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  return tree;
}

export function closeTree() {
  if (child !== null) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // its own process group: vitest and its workers
    } catch {
      // already gone
    }
    child = null;
  }
  if (tree !== null) {
    rmSync(tree, { recursive: true, force: true });
    tree = null;
  }
}

/** Ctrl-C and kills end the children and remove the copy; `report` says where the results so far are. */
export function closeTreeOnExit(report) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping (the results so far are in ${report})`);
      closeTree();
      process.exit(130);
    });
  }
  process.on('exit', closeTree);
}

/** Runs node with `args` in the copy; resolves with its exit, output and time, or timedOut. */
export function run(args, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const p = spawn(process.execPath, args, { cwd: tree, detached: true, env: { ...process.env, FORCE_COLOR: '0' } });
    child = p;
    let output = '';
    const keep = (d) => {
      output = (output + d.toString()).slice(-20000);
    };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      child = null;
      resolve({ code, timedOut, output, ms: Date.now() - started });
    });
  });
}

/** Runs `files` in the copy with vitest's JSON reporter; returns the parsed report (null if none was written). */
export async function vitest(files, timeoutMs, bail) {
  const out = join(tree, '.vitest-result.json');
  rmSync(out, { force: true });
  const args = ['node_modules/vitest/vitest.mjs', 'run', ...files, '--reporter=json', `--outputFile=${out}`, ...(bail ? ['--bail=1'] : [])];
  const r = await run(args, timeoutMs);
  const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
  return { ...r, report };
}

/** The failing tests of a vitest JSON report, in the order of `files`. */
export function failures(report, files) {
  const list = [];
  const results = [...report.testResults].sort((a, b) => rank(a.name) - rank(b.name));
  function rank(name) {
    const i = files.findIndex((f) => name.endsWith(f));
    return i < 0 ? files.length : i;
  }
  for (const r of results) {
    const file = files.find((f) => r.name.endsWith(f)) ?? r.name;
    const failed = r.assertionResults.filter((a) => a.status === 'failed');
    for (const a of failed) list.push({ file, test: a.fullName, message: firstLine(a.failureMessages?.[0]) });
    if (failed.length === 0 && r.status === 'failed') list.push({ file, test: '(the suite failed to run)', message: firstLine(r.message) });
  }
  return list;
}

export const firstLine = (s) => (s ?? '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 240) ?? '';

export const secs = (t) => Math.round((Date.now() - t) / 1000);
