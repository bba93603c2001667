/**
 * Instantiation of the kernels, SIMD detection, and the wasm memory the facade owns: views that survive
 * memory growth, the heap for tensors, and the fixed scratch region that ordinary arrays stream through.
 *
 * The release builds (relaxed, simd, scalar) are instantiated with the plain WebAssembly API (about 1 ms; docs/toolchain.md
 * §3) and have no imports. The debug build keeps AssemblyScript's assertions and its `env.abort` import, and
 * is instantiated through @assemblyscript/loader, whose abort handler turns a failed assertion into an Error
 * naming the file and line. Neither is reachable from here: the entry `fastloss/debug` (src/debug.ts)
 * registers them, so that a bundler given `import { loadLosses } from 'fastloss'` leaves both out, with or
 * without code splitting.
 */

import { LossError } from './errors.js';
import { Heap } from './heap.js';
import { releaseBuilds, releaseModule, sharedReleaseModule, type ReleaseBuild } from './release.js';
import type { KernelName, Kernels } from './kernels.js';
import { MAX_JOBS, type ThreadPool } from './kernel-steps.js';
import { instantiateShared } from './thread-pool.js';

/**
 * The builds of the kernels, from one source (assembly/, asconfig.json's targets): 'relaxed' (WebAssembly SIMD
 * with relaxed SIMD's fused multiply-add: assembly/inline/madd.ts), 'simd', 'scalar' (no SIMD), and 'debug' (the
 * SIMD build unoptimised, with its assertions: `import 'fastloss/debug'`).
 */
export type Build = 'relaxed' | 'simd' | 'scalar' | 'debug';
export type { ReleaseBuild } from './release.js';
export type BuildRequest = Build | 'auto';

/**
 * What an instance of the kernels exports: its memory, the end of its static data, and every kernel, typed by name
 * (src/kernels.ts, generated from the compiler's declarations: a call with the wrong arguments is a type error).
 */
export type KernelExports = Kernels & {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
};

/**
 * Elements per scratch slot. Four slots of 16384 floats (256 KiB) sit in L2 (1 MiB per core here), so a
 * streamed input is read once from the caller's array, and the kernel then reads it from cache.
 */
export const CHUNK = 16384;
const SLOTS = 4;
/** Bytes of the parameter block and of the frame: 16 fields of 4 bytes each. */
export const CALL_BLOCK = 64;
/** A shared memory's first size (the threads builds declare 16 pages: their static data fits in 1 MiB). */
const SHARED_INITIAL_PAGES = 16;
/** wasm32's limit, which a shared memory must declare as its maximum (the engine reserves, it does not commit). */
const MAX_PAGES = 65536;

/**
 * `(func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)`: validates only where 128-bit SIMD exists
 * (the same probe module as the npm package wasm-feature-detect).
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/**
 * `(func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd)`: validates only where relaxed
 * SIMD exists (Node 22+, Chrome and Edge 114+; Node 20 only with --experimental-wasm-relaxed-simd).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11,
]);

export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

/** Whether this engine runs a build: relaxed SIMD, SIMD, or any WebAssembly. */
export function buildSupported(build: ReleaseBuild): boolean {
  return build === 'relaxed' ? relaxedSimdSupported() : build === 'simd' ? simdSupported() : typeof WebAssembly === 'object';
}

export class Runtime {
  readonly heap: Heap;
  /** Byte offsets of the scratch slots, CHUNK float32 each. */
  readonly slots: readonly number[];
  /** Byte offset of the loss's parameter block, placed by each call (src/engines/params.ts). */
  readonly params: number;
  /** Byte offset of the row ABI's frame, written for each tile (src/engines/rows.ts). */
  readonly frame: number;
  private f32View = new Float32Array(0);
  private f64View = new Float64Array(0);
  private i32View = new Int32Array(0);
  /** narrow_f64_f32(n, src, dst): float64 → float32 inside wasm memory (assembly/convert.ts). */
  readonly narrow: Kernels['narrow_f64_f32'];
  /**
   * The workers sharing this memory (src/threads.ts), or null: one thread. `frames` is the byte offset of
   * MAX_JOBS row-ABI frames, one per part of a split call (0 without a pool).
   */
  pool: ThreadPool | null = null;
  readonly frames: number;
  /**
   * @internal A factor on the engines' split sizes (PARALLEL_ARITHMETIC, PARALLEL_TRANSCENDENTAL, PARALLEL_ROWS in src/engines/tiling.ts): 0 splits every call that
   * can be split, which is how bench/threads.mjs measures where splitting starts to pay. 1 otherwise.
   */
  splitScale = 1;

  constructor(
    readonly build: Build,
    readonly exports: KernelExports,
    threaded = false,
  ) {
    this.heap = new Heap(exports.memory, exports.heap_base());
    // a shared memory's views do not detach when it grows (they keep their length): drop them here instead
    this.heap.onGrow = () => {
      this.f32View = new Float32Array(0);
      this.f64View = new Float64Array(0);
      this.i32View = new Int32Array(0);
    };
    const base = this.heap.alloc(SLOTS * CHUNK * 4);
    this.slots = Array.from({ length: SLOTS }, (_, i) => base + i * CHUNK * 4);
    const call = this.heap.alloc(2 * CALL_BLOCK);
    this.params = call;
    this.frame = call + CALL_BLOCK;
    this.frames = threaded ? this.heap.alloc(MAX_JOBS * CALL_BLOCK) : 0;
    this.narrow = this.kernel('narrow_f64_f32');
  }

  /** Threads a call may use: the pool's, or 1. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Ends the workers; the instance goes on with one thread. */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /**
   * A float32 view of the whole memory, re-created when growth replaced the buffer. Growth detaches the old
   * buffer, and a view of a detached buffer has length 0: checking that is a field load, where the
   * `memory.buffer` getter is a call into the engine (it matters on the tiny-input path).
   */
  f32(): Float32Array {
    if (this.f32View.length === 0) this.refreshViews();
    return this.f32View;
  }

  i32(): Int32Array {
    if (this.i32View.length === 0) this.refreshViews();
    return this.i32View;
  }

  /**
   * One of two reusable JS-side float32 buffers of at least n elements, for the small-input paths (allocating
   * a small typed array costs more than the loop over it); null above 65536 elements, where a caller allocates.
   */
  jsScratch(which: 0 | 1, n: number): Float32Array | null {
    if (n > 65536) return null;
    const current = this.jsBuffers[which]!;
    if (current.length >= n) return current;
    const grown = new Float32Array(Math.max(256, 2 ** Math.ceil(Math.log2(n))));
    this.jsBuffers[which] = grown;
    return grown;
  }

  private readonly jsBuffers: Float32Array[] = [new Float32Array(256), new Float32Array(256)];

  f64(): Float64Array {
    if (this.f64View.length === 0) this.refreshViews();
    return this.f64View;
  }

  /** The memory's current ArrayBuffer. */
  buffer(): ArrayBufferLike {
    return this.f32().buffer;
  }

  /**
   * The exported kernel `name`, the core's or a loaded part's (a build in parts: src/release.browser.ts); a missing
   * one is a build error, not a user error.
   */
  kernel<K extends KernelName>(name: K): Kernels[K] {
    // (a pool's workers instantiate the whole threads build, so a call split across threads finds every kernel
    // there; no build in parts runs threads yet: a page's pool would have its workers load the parts too)
    let fn: unknown = this.exports[name];
    for (let i = 0; typeof fn !== 'function' && i < this.partKernels.length; i++) fn = this.partKernels[i]![name];
    if (typeof fn !== 'function') throw new Error(`fastloss: the ${this.build} build has no kernel "${name}"`);
    return fn as Kernels[K];
  }

  /** Whether the part (src/losses/parts.ts) is loaded: its code, and its kernels where the build comes in parts. */
  hasPart(part: string): boolean {
    return this.parts.has(part);
  }

  /** A loaded part's code (what src/losses/parts.ts gave loadPart). */
  partCode(part: string): unknown {
    return this.parts.get(part);
  }

  /**
   * Loads a part once: its code (`code`, a dynamic import) and, where this build comes in parts, its kernels
   * (`kernels`: a module of their own, instantiated over this memory: assembly/parts.ts; null where the build has
   * them all). Concurrent loads share one promise; a failed one (a page's chunk that did not arrive) may be tried
   * again.
   */
  loadPart(part: string, code: () => Promise<unknown>, kernels: Promise<Uint8Array<ArrayBuffer>> | null): Promise<void> {
    let loading = this.partLoads.get(part);
    if (loading === undefined) {
      loading = Promise.all([code(), kernels === null ? null : kernels.then((b) => WebAssembly.instantiate(b, { env: { memory: this.memory } }))]).then(([loaded, side]) => {
        if (side !== null) {
          const exported = side.instance.exports as Record<string, unknown> & { data_end(): number };
          // its static data lies in its slot, below the facade's heap (scripts/build.mjs lays the slots out and
          // checks them: this catches a core and a part of different builds, after the part's data was written)
          if (exported.data_end() > this.exports.heap_base()) throw new Error(`fastloss: the ${part} part's static data (to ${exported.data_end()}) overlaps the heap (from ${this.exports.heap_base()}): a core and a part of different builds`);
          this.partKernels.push(exported);
        }
        this.parts.set(part, loaded);
      });
      loading.catch(() => this.partLoads.delete(part));
      this.partLoads.set(part, loading);
    }
    return loading;
  }

  private readonly parts = new Map<string, unknown>();
  private readonly partLoads = new Map<string, Promise<void>>();
  private readonly partKernels: Array<Record<string, unknown>> = [];

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    this.f32View = new Float32Array(buffer);
    this.f64View = new Float64Array(buffer);
    this.i32View = new Int32Array(buffer);
  }
}

/** 'auto': the first build this bundle carries that the engine runs, relaxed before simd before scalar. */
function resolveBuild(build: BuildRequest): Build {
  if (build !== 'auto') return build;
  return (['relaxed', 'simd'] as const).find((b) => releaseBuilds.includes(b) && buildSupported(b)) ?? 'scalar';
}

/** Instantiates the debug build's module; set by `import 'fastloss/debug'`. */
export type DebugInstantiator = () => Promise<KernelExports>;

let debugBuild: DebugInstantiator | undefined;

/** Called by src/debug.ts (the `fastloss/debug` entry) when it is imported. */
export function registerDebugBuild(instantiateDebug: DebugInstantiator): void {
  debugBuild = instantiateDebug;
}

/** Closes the pool of a runtime that was garbage-collected (a worker thread lives until it is ended). */
const poolsOfDroppedRuntimes = new FinalizationRegistry<ThreadPool>((pool) => pool.close());

export async function instantiate(request: BuildRequest, threads = 1): Promise<Runtime> {
  const build = resolveBuild(request);
  if (build === 'debug') {
    if (debugBuild === undefined) {
      throw new LossError({
        code: 'BAD_OPTION',
        loss: 'loadLosses',
        argument: 'option "build"',
        expected: `"auto", "relaxed", "simd" or "scalar"; "debug" needs \`import 'fastloss/debug'\` first (the entry that ships the debug build and its loader, left out of the main one so that bundles stay small)`,
        received: '"debug"',
      });
    }
    return new Runtime('debug', await debugBuild());
  }
  if (!releaseBuilds.includes(build) || !buildSupported(build)) {
    const carried = !releaseBuilds.includes(build);
    throw new LossError({
      code: 'BAD_OPTION',
      loss: 'loadLosses',
      argument: 'option "build"',
      expected: carried
        ? `a build this bundle carries: "auto" or ${releaseBuilds.map((b) => `"${b}"`).join(', ')} (the script-tag build leaves the relaxed build out; the ESM and Node entries carry it)`
        : build === 'relaxed'
          ? 'a build this engine runs: "relaxed" needs WebAssembly relaxed SIMD (Node 22+, Chrome and Edge 114+); "auto" picks the best one there is'
          : 'a build this engine runs: "simd" needs WebAssembly SIMD; "auto" picks the best one there is',
      received: `"${build}"`,
    });
  }
  const bytes = threads > 1 ? sharedReleaseModule(build) : null;
  const shared = bytes === null ? null : await instantiateShared(bytes, SHARED_INITIAL_PAGES, MAX_PAGES, threads);
  if (shared !== null) {
    const rt = new Runtime(build, shared.exports as unknown as KernelExports, true);
    rt.pool = shared.pool;
    // an instance dropped without close(): its workers (and the memory they hold) go when it is collected
    poolsOfDroppedRuntimes.register(rt, shared.pool);
    return rt;
  }
  const { instance } = await WebAssembly.instantiate(await releaseModule(build), {});
  return new Runtime(build, instance.exports as unknown as KernelExports);
}
