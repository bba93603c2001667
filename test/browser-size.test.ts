/**
 * The size budget of the browser build: what a browser downloads for `import { loadLosses } from
 * 'fastloss'` through dist/browser/index.js (the entry and the chunks it imports statically: the JavaScript and
 * the SIMD release build inlined, gzipped), gzipped as a web server sends it, at most 60 KB. The scalar release
 * build is inlined too, in a chunk of its own that the runtime imports only where WebAssembly SIMD does not
 * validate (or when a caller asks for it): held, with the rest, to a guard, as is the script-tag build
 * dist/fastloss.iife.js, which carries both in one file. None carries the debug build or
 * @assemblyscript/loader, which only dist/browser/debug.js (the "browser" condition of `fastloss/debug`) has.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './consumer.js';

/** The budget of the browser issue: what a page with WebAssembly SIMD downloads. */
const GOAL = 60 * 1024;
/** Everything of the ESM build a page can fetch (the scalar chunk included), and the script-tag build. */
const BUDGET = 72 * 1024;

const read = (file: string) => readFileSync(path.join(ROOT, file));

/** The file and every file it imports, relative to it: statically (fetched with it) or dynamically (on demand). */
function imported(entry: string): { fetched: string[]; lazy: string[] } {
  const fetched: string[] = [];
  const lazy: string[] = [];
  const visit = (file: string) => {
    if (fetched.includes(file)) return;
    fetched.push(file);
    const code = read(file).toString('utf8');
    const at = (spec: string) => path.posix.join(path.posix.dirname(file), spec);
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.[^"']+)["']/g)) visit(at(m[1]!));
    for (const m of code.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g)) if (!lazy.includes(at(m[1]!))) lazy.push(at(m[1]!));
  };
  visit(entry);
  return { fetched, lazy: lazy.filter((f) => !fetched.includes(f)) };
}

const downloaded = (entry: string) => imported(entry).fetched;

function gzipped(files: string[], level: number): number {
  return files.reduce((sum, f) => sum + gzipSync(read(f), { level }).length, 0);
}

const marker = (file: string) => {
  const b64 = read(file).toString('base64');
  const mid = Math.floor(b64.length / 2) & ~3;
  return b64.slice(mid, mid + 96);
};

describe('browser build size', () => {
  it(`dist/browser/index.js with its static chunks, gzipped, is at most ${GOAL / 1024} KB; with the scalar chunk at most ${BUDGET / 1024} KB`, () => {
    const { fetched, lazy } = imported('dist/browser/index.js');
    expect(fetched.length).toBeGreaterThanOrEqual(1);
    expect(lazy.length, 'the scalar build is one lazy chunk').toBe(1);
    const raw = fetched.reduce((s, f) => s + read(f).length, 0);
    const gz6 = gzipped(fetched, 6);
    const gz9 = gzipped(fetched, 9);
    const scalar = gzipped(lazy, 6);
    const iife = gzipped(['dist/fastloss.iife.js'], 6);
    console.log(
      `browser download: ${fetched.join(' + ')}: ${raw} bytes, ${gz6} gzipped (level 6; ${gz9} at level 9), the 60 KB goal ${GOAL - gz6} bytes above it; ` +
        `without WebAssembly SIMD also ${lazy.join(', ')}: ${scalar} gzipped (${gz6 + scalar} in all); dist/fastloss.iife.js ${iife} gzipped; guard ${BUDGET}`,
    );
    expect(gz6).toBeLessThanOrEqual(GOAL);
    expect(gz6 + scalar).toBeLessThanOrEqual(BUDGET);
    expect(iife).toBeLessThanOrEqual(BUDGET);
  });

  it('carries the SIMD build up front, the scalar build in its lazy chunk, never the debug build or its loader', () => {
    const { fetched, lazy } = imported('dist/browser/index.js');
    const text = (files: string[]) => files.map((f) => read(f).toString('utf8')).join('\n');
    const simd = marker('build/fastloss.simd.gz');
    const scalar = marker('build/fastloss.scalar.gz');
    const debug = marker('build/fastloss.debug.wasm');
    expect(text(fetched)).toContain(simd);
    expect(text(fetched)).not.toContain(scalar);
    expect(text(lazy)).toContain(scalar);
    const iife = text(['dist/fastloss.iife.js']);
    expect(iife).toContain(simd);
    expect(iife).toContain(scalar);
    for (const t of [text(fetched), text(lazy), iife]) {
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
