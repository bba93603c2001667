/**
 * The builds a user loads carry the wasm ABI and nothing else: the probe kernels of assembly/testing.ts (the exp
 * and log helpers over arrays, for the accuracy suites) are only in the testing builds, which otherwise export
 * exactly what the release builds do (so the suites that use them test the same kernels).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const exportsOf = (file: string) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(`../build/${file}`, import.meta.url)))).map((e) => e.name).sort();
const PROBES = [...readFileSync(new URL('../assembly/testing.ts', import.meta.url), 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]!).sort();

describe('what each build exports', () => {
  it('assembly/testing.ts holds the probe kernels the accuracy suites call', () => {
    expect(PROBES).toEqual(['exp_f32', 'exp_f64', 'expneg_f32', 'log1p_f32', 'log_f32', 'log_f64']);
  });

  it.each(['simd', 'scalar', 'debug'])('the %s release build has none of them; its testing build has them and all else alike', (build) => {
    const release = exportsOf(`fastloss.${build}.wasm`);
    const testing = exportsOf(`fastloss.testing.${build}.wasm`);
    expect(release.filter((name) => PROBES.includes(name))).toEqual([]);
    expect(testing.filter((name) => !PROBES.includes(name))).toEqual(release);
    expect(testing.filter((name) => PROBES.includes(name))).toEqual(PROBES);
    expect(release).toContain('log_cosh_grad_f32');
  });
});
