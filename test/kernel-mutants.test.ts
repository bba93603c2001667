/**
 * The list of kernel mutants (scripts/kernel-mutants.mjs, run by `npm run mutate -- kernels`) against assembly/ as
 * it is now: an edit to a kernel that removes or repeats a mutant's snippet, renames a judging suite, or adds a
 * kernel file without mutants fails here, instead of leaving the list to rot until the next mutation run.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../scripts/kernel-mutants.mjs';

const root = new URL('../', import.meta.url);
const source = (file: string) => readFileSync(new URL(`assembly/${file}`, root), 'utf8');
const occurrences = (text: string, snippet: string) => text.split(snippet).length - 1;

describe('scripts/kernel-mutants.mjs', () => {
  it('every snippet occurs exactly once in its kernel file, and its replacement differs', () => {
    for (const m of MUTANTS) {
      expect(existsSync(new URL(`assembly/${m.file}`, root)), `assembly/${m.file}`).toBe(true);
      expect(occurrences(source(m.file), m.find), `${m.file}: ${m.description}: ${JSON.stringify(m.find)}`).toBe(1);
      expect(m.replace, `${m.file}: ${m.description}`).not.toBe(m.find);
    }
  });

  it('no mutant is listed twice', () => {
    const keys = MUTANTS.map((m) => `${m.file}\0${m.find}\0${m.replace}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('every judging suite exists, and every mutant has one', () => {
    for (const m of MUTANTS) {
      expect(m.tests.length, `${m.file}: ${m.description}`).toBeGreaterThan(0);
      for (const t of m.tests) expect(existsSync(new URL(t, root)), `${m.file}: ${m.description}: ${t}`).toBe(true);
    }
  });

  it('every kernel file of assembly/ has mutants (the index files only re-export; parts.ts holds the page build\'s layout; testing.ts the tests\' probe kernels)', () => {
    const files = [
      ...readdirSync(new URL('assembly/', root)).filter((f) => f.endsWith('.ts') && !f.startsWith('index.') && !['parts.ts', 'testing.ts'].includes(f)),
      ...readdirSync(new URL('assembly/inline/', root)).filter((f) => f.endsWith('.ts')).map((f) => `inline/${f}`),
    ];
    const covered = new Set(MUTANTS.map((m) => m.file));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });
});
