/**
 * The compact builds (asconfig.json's '-compact' targets: the relaxed and simd builds optimised for size, which the
 * browser bundles carry: the script tag the simd one whole, the ESM bundle both in parts) are the same kernels as
 * the builds the suites of IMPLEMENTATIONS run: every loss,
 * framework and reduction, value and every gradient, at sizes with and without SIMD tails, gives the same bits.
 * Binaryen's size optimisations change which instructions compute a result, never the result (it keeps IEEE
 * semantics), and this holds them to it.
 *
 * And the page's builds in parts (assembly/parts.ts: a core and the margin, cosine, CTC and focal modules over its
 * memory, what dist/browser/ carries) hold every kernel of the whole build once, and give its bits too, each part
 * instantiated over the core's memory as a page does.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FastLoss, type Loss } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { Runtime, relaxedSimdSupported, type KernelExports } from '../src/wasm.js';
import { LAZY_PARTS, loadPart } from '../src/losses/parts.js';
import { PART_OF, type Canonical } from '../src/registry.js';
import { expectLossError } from './helpers.js';
import { withEveryPart } from './every-part.js';
import { BATCH_MAKERS, everyLossAndReduction, whole } from './accumulator.datasets.js';

const bytesOf = (file: string) => readFileSync(new URL(`../build/${file}`, import.meta.url));

/** An instance over a module of build/ (jsBelow 0: every call runs the kernels), as loadLosses makes one. */
async function load(build: 'relaxed' | 'simd' | 'scalar', file: string): Promise<FastLoss> {
  const { instance } = await WebAssembly.instantiate(bytesOf(file), {});
  return new FastLoss(await withEveryPart(new Runtime(build, instance.exports as unknown as KernelExports)), 0);
}

/** An instance over the page's build in parts of a target: its core, then every part over the core's memory. */
async function loadInParts(build: 'relaxed' | 'simd' | 'scalar', target: string, parts: readonly string[] = LAZY_PARTS): Promise<FastLoss> {
  const { instance } = await WebAssembly.instantiate(bytesOf(`fastloss.${target}.core.wasm`), {});
  const rt = new Runtime(build, instance.exports as unknown as KernelExports);
  for (const part of LAZY_PARTS.filter((p) => parts.includes(p))) await loadPart(rt, part, Promise.resolve(new Uint8Array(bytesOf(`fastloss.${target}.${part}.wasm`))));
  return new FastLoss(rt, 0);
}

/** The float32 bits of every element (NaN of any payload as one value). */
function bits(x: number | OutputTensor | Float32Array): number[] {
  const data = typeof x === 'number' ? Float32Array.of(x) : x instanceof Float32Array ? x : Float32Array.from(x.data);
  return Array.from(new Int32Array(data.buffer, data.byteOffset, data.length), (b, i) => (Number.isNaN(data[i]!) ? 0x7fc00000 : b));
}

/** Every loss, framework and reduction, value and gradients, on two instances: the number of cases that agreed to the bit. */
function sameBits(a: FastLoss, b: FastLoss, only: (name: string) => boolean = () => true): number {
  let seed = 7;
  const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let compared = 0;
  for (const { name, framework, reduction } of everyLossAndReduction(a)) {
    if (!only(name)) continue;
    // 5 to 64 items (the makers vary the inner sizes by variant): SIMD bodies with tails of every length
    for (const [n, variant] of [[5, 0], [37, 1], [37, 2], [64, 3]] as const) {
      const inputs = whole(BATCH_MAKERS[name]!(n, u, framework, variant));
      const where = `${name} (${framework}, ${reduction}) N=${n} variant ${variant}`;
      const [x, y] = [a, b].map((fl) => {
        try {
          return (fl.loss(name, { framework, reduction }) as Loss).withGrad(inputs);
        } catch (e) {
          return e as Error;
        }
      });
      if (x instanceof Error || y instanceof Error) {
        expect(String(y), where).toBe(String(x));
        continue;
      }
      expect(bits(y!.value as number | OutputTensor), `${where} value`).toEqual(bits(x!.value as number | OutputTensor));
      expect(Object.keys(y!.grad), where).toEqual(Object.keys(x!.grad));
      for (const [k, g] of Object.entries(x!.grad)) expect(bits(y!.grad[k]!.data), `${where} grad.${k}`).toEqual(bits(g.data));
      compared++;
    }
  }
  return compared;
}

const PAGE_TARGETS = [
  ['relaxed', 'relaxed-compact'],
  ['simd', 'simd-compact'],
  ['scalar', 'scalar'],
] as const;

describe.each(PAGE_TARGETS)("the page's %s build in parts", (build, target) => {
  const exportsOf = (file: string) => WebAssembly.Module.exports(new WebAssembly.Module(bytesOf(file))).map((e) => e.name);

  it('the core and its parts export every kernel of the whole build, each once; a part imports the memory and exports none', () => {
    const whole = exportsOf(`fastloss.${build}.wasm`).filter((e) => e !== 'memory' && e !== 'heap_base');
    const modules = ['core', ...LAZY_PARTS].map((m) => exportsOf(`fastloss.${target}.${m}.wasm`).filter((e) => e !== 'memory' && e !== 'heap_base' && e !== 'data_end'));
    expect(modules.flat().sort()).toEqual([...whole].sort());
    for (const part of LAZY_PARTS) {
      const module = new WebAssembly.Module(bytesOf(`fastloss.${target}.${part}.wasm`));
      expect(WebAssembly.Module.imports(module), part).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      expect(exportsOf(`fastloss.${target}.${part}.wasm`), part).not.toContain('memory');
    }
  });

  it.skipIf(build === 'relaxed' && !relaxedSimdSupported())('gives the whole build\'s bits: every loss, framework and reduction, value and gradients', async () => {
    const [whole, parts] = [await load(build, `fastloss.${build}.wasm`), await loadInParts(build, target)];
    expect(sameBits(whole, parts)).toBeGreaterThan(300);
    // the core alone computes the core's losses and refuses the others until their part is loaded
    const core = await loadInParts(build, target, []);
    expect(core.loss('mse')({ pred: [1, 2], target: [0, 0] })).toBe(2.5);
    expect(core.isLoaded('hinge')).toBe(false);
    expectLossError(() => core.loss('hinge'), 'NOT_LOADED');
    whole.close();
  });

  it.skipIf(build === 'relaxed' && !relaxedSimdSupported())('each part alone over the core computes its losses (no part leans on a kernel of another)', async () => {
    const whole = await load(build, `fastloss.${build}.wasm`);
    for (const part of LAZY_PARTS) {
      const alone = await loadInParts(build, target, [part]);
      const ofPart = (name: string) => PART_OF[name as Canonical] === part;
      expect(sameBits(whole, alone, ofPart), part).toBeGreaterThanOrEqual(12); // ctc: three reductions at four sizes
      // and the other parts' losses are refused there
      for (const other of LAZY_PARTS.filter((p) => p !== part)) {
        const name = Object.keys(PART_OF).find((n) => PART_OF[n as Canonical] === other)!;
        expect(alone.isLoaded(name), `${name} with only ${part}`).toBe(false);
      }
    }
    whole.close();
  });
});

// (the script tag's simd build, whole; the relaxed one ships in parts only, tested above against the whole relaxed build)
describe.each(['simd'] as const)('the %s-compact build', (build) => {
  it('exports what the build it stands for does, in fewer bytes', () => {
    const exportsOf = (file: string) => WebAssembly.Module.exports(new WebAssembly.Module(bytesOf(file))).map((e) => e.name);
    expect(exportsOf(`fastloss.${build}-compact.wasm`)).toEqual(exportsOf(`fastloss.${build}.wasm`));
    expect(bytesOf(`fastloss.${build}-compact.wasm`).length).toBeLessThan(bytesOf(`fastloss.${build}.wasm`).length);
  });

  it('gives its bits: every loss, framework and reduction, value and gradients', async () => {
    const [full, compact] = [await load(build, `fastloss.${build}.wasm`), await load(build, `fastloss.${build}-compact.wasm`)];
    expect(sameBits(full, compact)).toBeGreaterThan(300);
    full.close();
    compact.close();
  });

});
