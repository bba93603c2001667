/**
 * The size budget of the browser build: what a browser downloads for `import { loadLosses } from
 * 'fastloss'` through dist/browser/index.js (the entry and the chunks it imports: the JavaScript and both
 * release WebAssembly builds inlined, compressed together), gzipped as a web server sends it, held under a guard
 * (the goal is 60 KB: see GOAL). The script-tag build dist/fastloss.iife.js is held to the same guard. Neither carries the debug build or
 * @assemblyscript/loader, which only dist/browser/debug.js (the "browser" condition of `fastloss/debug`) has.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './consumer.js';

/**
 * The budget the browser issue asks for (60 KB) is not met: about 70 KB with every family landed (it was 80 KB).
 * What remains is the JavaScript (about 28 KB gzipped), AssemblyScript's table-driven f64 log and exp (about 6 KB of
 * f64 tables in the SIMD module: the table-free ones make the f64 kernels, KL divergence and Poisson, 1.4 to 2.8
 * times slower) and the SIMD loss kernels' unrolled exp/log (BCE with logits runs twice as slow unrolled
 * less). Until then this test holds the line where it is, so that nothing grows unnoticed, and prints the distance
 * to the 60 KB goal.
 */
const GOAL = 60 * 1024;
const BUDGET = 72 * 1024;

const read = (file: string) => readFileSync(path.join(ROOT, file));

/** The file and every file it imports statically, relative to it (the browser fetches them all). */
function downloaded(entry: string): string[] {
  const seen: string[] = [];
  const visit = (file: string) => {
    if (seen.includes(file)) return;
    seen.push(file);
    const code = read(file).toString('utf8');
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.[^"']+)["']/g)) visit(path.posix.join(path.posix.dirname(file), m[1]!));
  };
  visit(entry);
  return seen;
}

function gzipped(files: string[], level: number): number {
  return files.reduce((sum, f) => sum + gzipSync(read(f), { level }).length, 0);
}

const marker = (file: string) => {
  const b64 = read(file).toString('base64');
  const mid = Math.floor(b64.length / 2) & ~3;
  return b64.slice(mid, mid + 96);
};

describe('browser build size', () => {
  it(`dist/browser/index.js with its chunks, gzipped, is at most ${BUDGET / 1024} KB`, () => {
    const files = downloaded('dist/browser/index.js');
    expect(files.length).toBeGreaterThanOrEqual(1);
    const raw = files.reduce((s, f) => s + read(f).length, 0);
    const gz6 = gzipped(files, 6);
    const gz9 = gzipped(files, 9);
    const iife = gzipped(['dist/fastloss.iife.js'], 6);
    console.log(
      `browser download: ${files.join(' + ')}: ${raw} bytes, ${gz6} gzipped (level 6; ${gz9} at level 9); ` +
        `dist/fastloss.iife.js ${iife} gzipped; guard ${BUDGET}, room ${BUDGET - Math.max(gz6, iife)}; the 60 KB goal is ${Math.max(gz6, iife) - GOAL} bytes away`,
    );
    expect(gz6).toBeLessThanOrEqual(BUDGET);
    expect(iife).toBeLessThanOrEqual(BUDGET);
  });

  it('carries both release builds (packed) and never the debug build or its loader', () => {
    const text = [...downloaded('dist/browser/index.js'), 'dist/fastloss.iife.js'].map((f) => read(f).toString('utf8'));
    const pack = marker('build/fastloss.release.gz');
    const debug = marker('build/fastloss.debug.wasm');
    for (const t of text.slice(-1)) expect(t).toContain(pack);
    expect(text.slice(0, -1).join('\n')).toContain(pack);
    for (const t of text) {
      expect(t).not.toContain(debug);
      expect(t).not.toContain('__setArgumentsLength');
    }
    // the debug entry for browsers has them, and shares the runtime chunk with index.js
    const debugEntry = read('dist/browser/debug.js').toString('utf8');
    expect(debugEntry).toContain(debug);
    const shared = downloaded('dist/browser/index.js').slice(1);
    for (const chunk of shared) expect(downloaded('dist/browser/debug.js')).toContain(chunk);
  });
});
