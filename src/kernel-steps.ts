/**
 * Kernel calls as data: what the tiling driver (src/engines/tiling.ts) hands to the threads of src/threads.ts, and
 * runs itself on one thread. Kept apart from the pool, which only Node's entries carry (src/thread-pool.ts).
 */

/** Jobs per call: parts of one kernel call (the tiling driver splits into at most this many). */
export const MAX_JOBS = 256;
/** The most threads an instance starts (the tiling driver gives each thread two parts). */
export const MAX_THREADS = 128;

/** A kernel of the caller's instance (an export of its module: a worker calls its own instance's same export). */
export type KernelFn = (...args: number[]) => unknown;
/** A kernel call: the kernel and its arguments (numbers: pointers, counts, scalars). */
export type Step = readonly [kernel: KernelFn, ...args: number[]];

/** The workers sharing an instance's memory (src/threads.ts Pool). */
export interface ThreadPool {
  /** The workers and the calling thread. */
  readonly threads: number;
  /** Runs the jobs on every thread; the sum of their values in job order (float64). */
  run(jobs: readonly (readonly Step[])[], where: string): number;
  close(): void;
}

/** Makes a job's kernel calls on this thread; the first call's value (a part's sum), 0 if it returns none. */
export function runSteps(steps: readonly Step[]): number {
  let value = 0;
  for (let s = 0; s < steps.length; s++) {
    const [kernel, ...args] = steps[s]!;
    const r = kernel(...args);
    if (s === 0) value = typeof r === 'number' ? r : 0;
  }
  return value;
}
