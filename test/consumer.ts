/**
 * A throwaway consumer project: a temp directory whose node_modules/fastloss links to this repository, so
 * that `import … from 'fastloss'` (or `require('fastloss')`) resolves as an installed package does, through
 * package.json's "exports" and "sideEffects", to the built dist/ (`npm test` builds it first).
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

export interface ConsumerProject {
  readonly dir: string;
  write(file: string, text: string): string;
  remove(): void;
}

/** `parent` (default: the system's temporary directory) is where the project is made. */
export function consumerProject(prefix: string, parent = tmpdir()): ConsumerProject {
  if (!existsSync(path.join(ROOT, 'dist/index.js')) || !existsSync(path.join(ROOT, 'dist/index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  }
  const dir = mkdtempSync(path.join(parent, `fastloss-${prefix}-`));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'fastloss'), 'dir');
  return {
    dir,
    write(file, text) {
      const full = path.join(dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Diagnostic {
  /** Relative to the project's directory, '/'-separated; '?' for a line that names no file. */
  file: string;
  line: number;
  code: string;
  text: string;
}

/**
 * `tsc -p <dir>`, run *in* the project's directory: tsc prints each file's path relative to its working
 * directory, so that is what the paths are read against (read against the project from elsewhere, they only
 * came out right where the repository and the temporary directory sat at the same depth).
 */
export function runTsc(dir: string, emit = true): Diagnostic[] {
  let out = '';
  try {
    execFileSync(process.execPath, [TSC, '-p', '.', '--pretty', 'false', ...(emit ? [] : ['--noEmit'])], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? String(e);
  }
  const diagnostics: Diagnostic[] = [];
  for (const line of out.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m !== null) diagnostics.push({ file: path.relative(dir, path.resolve(dir, m[1]!)).split(path.sep).join('/'), line: Number(m[2]), code: m[3]!, text: m[4]! });
    else if (line.startsWith('error') || (line.trim() !== '' && diagnostics.length === 0)) diagnostics.push({ file: '?', line: 0, code: '?', text: line });
  }
  return diagnostics;
}

/** Runs a file of the project with this Node; returns stdout (throws with stderr on a non-zero exit). */
export function runNode(dir: string, file: string): string {
  try {
    return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`node ${file} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}
