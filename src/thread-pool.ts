/**
 * The platform's half of the threads (src/threads.ts), for Node: worker_threads, started with the worker's
 * program as source text (so the package needs no file of its own for it, and bundles keep working), unref'd
 * so that they never keep a process alive. Browser bundles replace this module with src/thread-pool.browser.ts.
 */

import type { ThreadPool } from './kernel-steps.js';
import type { WorkerHandle, WorkerSetup } from './threads.js';
import { Pool, WORKER_SOURCE } from './threads.js';

/**
 * A Node built-in without an import statement (process.getBuiltinModule, Node 20.16+), so that a bundler given
 * this entry for a browser finds no Node module to resolve (the browser bundles carry thread-pool.browser.ts).
 */
function builtin<T>(name: string): T {
  return (globalThis as unknown as { process: { getBuiltinModule(n: string): T } }).process.getBuiltinModule(name);
}

/** What 'auto' means here: the threads the process may run at once (os.availableParallelism), or 1 without threads. */
export async function autoThreads(): Promise<number> {
  if (!threadsSupported()) return 1;
  const os = builtin<typeof import('node:os')>('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Whether this engine can share wasm memory between threads. */
function threadsSupported(): boolean {
  const proc = (globalThis as unknown as { process?: { getBuiltinModule?: unknown } }).process;
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && typeof proc?.getBuiltinModule === 'function';
}

/**
 * The module `bytes` (a build over an imported shared memory) instantiated over a new shared memory of `initial`
 * pages (at most `maximum`), with `threads - 1` workers instantiating it over the same memory; null where the
 * engine cannot share memory (the caller instantiates the plain build).
 */
export async function instantiateShared(bytes: Uint8Array<ArrayBuffer>, initial: number, maximum: number, threads: number): Promise<{ exports: Record<string, unknown>; pool: ThreadPool } | null> {
  if (!threadsSupported()) return null;
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
  const pool = new Pool(Pool.blocks(module, memory, names), exports);
  pool.adopt(await startWorkers(pool.setup, threads - 1));
  return { exports, pool };
}

/**
 * Starts `count` workers serving `setup`, and resolves once each has instantiated the module (src/threads.ts says
 * why) with those that did: one that fails to start is left out.
 */
async function startWorkers(setup: WorkerSetup, count: number): Promise<WorkerHandle[]> {
  const { Worker } = builtin<typeof import('node:worker_threads')>('node:worker_threads');
  // process.getBuiltinModule, not require: an eval'd worker is an ES module when the process runs with
  // --input-type=module (its execArgv are the caller's), and a CommonJS script otherwise
  const source = `${WORKER_SOURCE}\nconst { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');\nserve(workerData, () => parentPort.postMessage('ready'));`;
  const started = Array.from({ length: count }, () => {
    const w = new Worker(source, { eval: true, workerData: setup });
    w.unref();
    return new Promise<WorkerHandle | null>((resolve) => {
      w.once('message', () => resolve(w));
      // a worker that fails or dies is not an error of the caller's process: before `ready` it is left out, after
      // it the caller takes its parts (src/threads.ts)
      w.on('error', () => resolve(null));
      w.once('exit', () => resolve(null));
    });
  });
  return (await Promise.all(started)).filter((w): w is WorkerHandle => w !== null);
}
