/**
 * The compact builds (asconfig.json's '-compact' targets: the relaxed and simd builds optimised for size, which the
 * browser bundles carry) are the same kernels as the builds the suites of IMPLEMENTATIONS run: every loss,
 * framework and reduction, value and every gradient, at sizes with and without SIMD tails, gives the same bits.
 * Binaryen's size optimisations change which instructions compute a result, never the result (it keeps IEEE
 * semantics), and this holds them to it.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FastLoss, type Loss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { Runtime, type KernelExports } from '../src/wasm.js';
import { BATCH_MAKERS, everyLossAndReduction, whole } from './accumulator.datasets.js';

const bytesOf = (file: string) => readFileSync(new URL(`../build/${file}`, import.meta.url));

/** An instance over a module of build/ (jsBelow 0: every call runs the kernels), as loadLosses makes one. */
async function load(build: 'relaxed' | 'simd', file: string): Promise<FastLoss> {
  const { instance } = await WebAssembly.instantiate(bytesOf(file), {});
  return new FastLoss(new Runtime(build, instance.exports as unknown as KernelExports), 0);
}

/** The float32 bits of every element (NaN of any payload as one value). */
function bits(x: number | OutputTensor | Float32Array): number[] {
  const data = typeof x === 'number' ? Float32Array.of(x) : x instanceof Float32Array ? x : Float32Array.from(x.data);
  return Array.from(new Int32Array(data.buffer, data.byteOffset, data.length), (b, i) => (Number.isNaN(data[i]!) ? 0x7fc00000 : b));
}

describe.each(['relaxed', 'simd'] as const)('the %s-compact build', (build) => {
  it('exports what the build it stands for does, in fewer bytes', () => {
    const exportsOf = (file: string) => WebAssembly.Module.exports(new WebAssembly.Module(bytesOf(file))).map((e) => e.name);
    expect(exportsOf(`fastloss.${build}-compact.wasm`)).toEqual(exportsOf(`fastloss.${build}.wasm`));
    expect(bytesOf(`fastloss.${build}-compact.wasm`).length).toBeLessThan(bytesOf(`fastloss.${build}.wasm`).length);
  });

  it('gives its bits: every loss, framework and reduction, value and gradients', async () => {
    const [full, compact] = [await load(build, `fastloss.${build}.wasm`), await load(build, `fastloss.${build}-compact.wasm`)];
    let seed = 7;
    const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let compared = 0;
    for (const { name, framework, reduction } of everyLossAndReduction(full)) {
      // 5 to 64 items (the makers vary the inner sizes by variant): SIMD bodies with tails of every length
      for (const [n, variant] of [[5, 0], [37, 1], [37, 2], [64, 3]] as const) {
        const inputs = whole(BATCH_MAKERS[name]!(n, u, framework, variant));
        const where = `${name} (${framework}, ${reduction}) N=${n} variant ${variant}`;
        const [a, b] = [full, compact].map((fl) => {
          try {
            return (fl.loss(name, { framework, reduction }) as Loss).withGrad(inputs);
          } catch (e) {
            return e as Error;
          }
        });
        if (a instanceof Error || b instanceof Error) {
          expect(String(b), where).toBe(String(a));
          continue;
        }
        expect(bits(b!.value as number | OutputTensor), `${where} value`).toEqual(bits(a!.value as number | OutputTensor));
        expect(Object.keys(b!.grad), where).toEqual(Object.keys(a!.grad));
        for (const [k, g] of Object.entries(a!.grad)) expect(bits(b!.grad[k]!.data), `${where} grad.${k}`).toEqual(bits(g.data));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
    full.close();
    compact.close();
  });
});
