// The floor (bench/floor.ts): compiled by the bench itself at startup, into a temporary directory, and instantiated
// on fastloss's own memory so that it reads the same fl.tensor() buffers in place that fastloss's tensor path reads.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ASC = join(BENCH_DIR, '..', 'node_modules', '.bin', 'asc');

/**
 * Compiles floor.ts into outDir and instantiates it with `{ env: { memory } }`. Returns floor_sum_f32.
 * asc is run with cwd = bench/, because asc merges any ./asconfig.json of its working directory (the project's
 * would add the package's own entries and targets to this build); bench/ has none.
 */
export async function loadFloor(memory, outDir) {
  const wasmPath = join(outDir, 'floor.wasm');
  const args = ['floor.ts', '-o', wasmPath, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd'];
  args.push('--use', 'abort=', '--importMemory');
  execFileSync(ASC, args, { cwd: BENCH_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  // Only the memory may be imported: the floor must not bring (or write) anything of its own into fastloss's memory.
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  if (imports.join() !== 'env.memory') throw new Error(`floor.wasm imports ${imports.join(', ')}`);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports.floor_sum_f32;
}

/**
 * The floor rows of workload w. Both modes: Σ (p + t) over the SIMD instance's tensors, in place (reading the
 * inputs once). Forward+gradient also: allocating and writing a new n-element Float32Array, which every peer that
 * returns a fresh gradient on the JS heap pays (its first touch of 64 MiB of new pages dominates at 16M elements).
 */
export function floorRunners(w, floorSum, simdTensors) {
  const { pred, target } = simdTensors;
  const n = pred.data.length;
  const sum = () => floorSum(n, pred.byteOffset, target.byteOffset);
  const rows = [
    {
      key: 'floor/tensors',
      peer: 'floor (Σ p+t, AS SIMD)',
      input: 'fl.tensor (in place)',
      call: sum,
      check: () => ({ value: sum(), grad: null }),
      isFloor: true, // its value is Σ (p + t), checked against that sum, not against the loss
    },
  ];
  if (w.mode === 'grad') {
    const alloc = () => new Float32Array(n).fill(0)[n - 1];
    rows.push({
      key: 'alloc/js',
      peer: 'floor: new Float32Array(n).fill(0)',
      input: '—',
      call: alloc,
      check: () => ({ value: NaN, grad: null }),
      isReference: true, // no loss value
    });
  }
  return rows;
}
