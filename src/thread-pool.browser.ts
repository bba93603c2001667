/**
 * The browser's half of the threads: none yet. A page runs every call on one thread (`fl.threads` is 1): the
 * main thread of a page may not block on Atomics.wait, so the caller's wait of src/threads.ts needs another form
 * there (a page that calls from a Web Worker could use it as it is). Replaces src/thread-pool.ts in the browser
 * bundles (scripts/build.mjs), so that they carry none of the pool.
 */

import type { ThreadPool } from './kernel-steps.js';

export async function autoThreads(): Promise<number> {
  return 1;
}

export async function instantiateShared(_bytes: Uint8Array<ArrayBuffer>, _initial: number, _maximum: number, _threads: number): Promise<{ exports: Record<string, unknown>; pool: ThreadPool } | null> {
  return null;
}
