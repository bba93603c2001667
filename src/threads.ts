/**
 * Threads: a pool of workers that instantiate the same kernels over the same shared wasm memory, and the
 * protocol by which the caller hands them the parts of one kernel call.
 *
 * A call that is split (src/engines/tiling.ts decides) becomes a list of jobs, one per part: each job is up to
 * MAX_STEPS kernel calls (written for the workers as an export's index and its arguments, pointers into the shared
 * memory), and its value is
 * what its first call returns (a part's float64 sum). The jobs are written to a shared block, then the caller bumps
 * a generation counter and wakes the workers (Atomics.notify). Every thread, the caller included, claims jobs by
 * an atomic counter until none is left, so a worker that is slow to wake (or busy, or gone) costs nothing: the
 * caller does its parts. The caller then waits (Atomics.wait) for the jobs the workers claimed, and the values are
 * summed in job order, in float64: a result depends on the parts (their number is fixed per thread count), never
 * on which thread ran which part or when.
 *
 * The workers never allocate (only the caller's heap does, src/heap.ts): they read and write where the jobs point.
 * A kernel that throws in any thread (a trap: a bug, since the engines check their inputs) sets the error flag, and
 * once every thread is done with the call it is a LossError WORKER_FAILED in the caller. A
 * worker that is gone while it holds a job (killed from outside) would leave that job undone: the caller waits
 * for it at most WAIT_LIMIT_MS past the last progress any thread made, then throws, and the pool is closed (the
 * instance goes on with one thread).
 *
 * The platform's half (src/thread-pool.ts for Node's worker_threads; src/thread-pool.browser.ts) starts the
 * workers with WORKER_SOURCE.
 */

import { LossError } from './errors.js';
import { MAX_JOBS, runSteps, type Step, type ThreadPool } from './kernel-steps.js';

/** Kernel calls per job, and arguments per kernel call. */
const MAX_STEPS = 3;
const MAX_ARGS = 15;
const STEP_WORDS = 2 + MAX_ARGS; // kernel index, argument count, arguments
const JOB_WORDS = 1 + MAX_STEPS * STEP_WORDS; // step count, steps

/** Fields of the control block (Int32Array over a SharedArrayBuffer). */
const GEN = 0; // bumped for each call: workers wait on it
const NEXT = 1; // the next job to claim
const DONE = 2; // jobs finished
const COUNT = 3; // jobs in this call
const ERROR = 4; // 1 when a job threw
const CLOSED = 5; // 1: workers return
const CONTROL_WORDS = 8;

/** How long the caller waits for a claimed job with no progress from any thread before it gives up. */
const WAIT_LIMIT_MS = 30_000;


/** What a worker is started with (structured-cloned; the memory and the blocks are shared, not copied). */
export interface WorkerSetup {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly jobs: SharedArrayBuffer;
  readonly results: SharedArrayBuffer;
  readonly names: readonly string[];
}

/** A started worker, as the platform's half hands it over. */
export interface WorkerHandle {
  terminate(): void;
}

/**
 * The worker's program (plain JavaScript, run by `new Worker(WORKER_SOURCE, { eval: true })` in Node, or from a
 * Blob URL in a browser): instantiate the module over the shared memory, say so (`ready`), then claim and run jobs
 * until closed. `setup` is the WorkerSetup.
 *
 * Instantiating a module writes its data segments into the memory, the shared one included: the kernels' constant
 * tables (the same bytes again) and CTC's static work area (assembly/ctc.ts W and SCRATCH, zeros). So the pool is
 * ready only when every worker has instantiated (src/thread-pool.ts waits for `ready`): a worker instantiating
 * during a call would clear CTC's work area under it. For the same reason CTC runs on the caller's thread only.
 */
export const WORKER_SOURCE = `
function serve(setup, ready) {
  const { module, memory, names } = setup;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  ready();
  const fns = names.map((n) => exports[n]);
  const ctrl = new Int32Array(setup.control);
  const jobs = new Float64Array(setup.jobs);
  const results = new Float64Array(setup.results);
  const args = [];
  let gen = Atomics.load(ctrl, ${GEN});
  for (;;) {
    if (Atomics.load(ctrl, ${CLOSED}) === 1) return;
    for (;;) {
      const j = Atomics.add(ctrl, ${NEXT}, 1);
      const count = Atomics.load(ctrl, ${COUNT});
      if (j >= count) break;
      try {
        const at = j * ${JOB_WORDS};
        let value = 0;
        for (let s = 0; s < jobs[at]; s++) {
          const step = at + 1 + s * ${STEP_WORDS};
          args.length = jobs[step + 1];
          for (let a = 0; a < args.length; a++) args[a] = jobs[step + 2 + a];
          const r = fns[jobs[step]](...args);
          if (s === 0) value = typeof r === 'number' ? r : 0;
        }
        results[j] = value;
      } catch (e) {
        Atomics.store(ctrl, ${ERROR}, 1);
      }
      if (Atomics.add(ctrl, ${DONE}, 1) + 1 === count) Atomics.notify(ctrl, ${DONE});
    }
    Atomics.wait(ctrl, ${GEN}, gen);
    gen = Atomics.load(ctrl, ${GEN});
  }
}
`;

export class Pool implements ThreadPool {
  private readonly control: Int32Array;
  private readonly jobs: Float64Array;
  private readonly results: Float64Array;
  /** The caller's kernels by export index (the workers' order): function -> index. */
  private readonly index = new Map<unknown, number>();
  private workers: WorkerHandle[] = [];

  /** The blocks the workers share, and the caller's instance's exports (whose `setup.names` the workers call). */
  constructor(
    readonly setup: WorkerSetup,
    exports: Readonly<Record<string, unknown>>,
  ) {
    this.control = new Int32Array(setup.control);
    this.jobs = new Float64Array(setup.jobs);
    this.results = new Float64Array(setup.results);
    setup.names.forEach((n, i) => this.index.set(exports[n], i));
  }

  /** The shared blocks of a new pool over `memory`, for the kernels `names`. */
  static blocks(module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly string[]): WorkerSetup {
    return {
      module,
      memory,
      names,
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      jobs: new SharedArrayBuffer(MAX_JOBS * JOB_WORDS * 8),
      results: new SharedArrayBuffer(MAX_JOBS * 8),
    };
  }

  adopt(workers: WorkerHandle[]): void {
    this.workers = workers;
  }

  /** Threads that run a call's parts: the workers and the caller. 1 once closed. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs the jobs (each a list of kernel calls) on every thread and returns the sum of their values in job order
   * (float64). `where` names the loss for an error.
   */
  run(jobs: readonly (readonly Step[])[], where: string): number {
    const n = jobs.length;
    if (n > MAX_JOBS) throw new Error(`fastloss threads: ${n} jobs in one call (at most ${MAX_JOBS})`);
    const ctrl = this.control;
    for (let j = 0; j < n; j++) this.write(j, jobs[j]!);
    Atomics.store(ctrl, COUNT, n);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, ERROR, 0);
    Atomics.store(ctrl, NEXT, 0);
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    // the caller's share: claimed like any thread's
    for (;;) {
      const j = Atomics.add(ctrl, NEXT, 1);
      if (j >= n) break;
      try {
        this.results[j] = runSteps(jobs[j]!);
      } catch {
        // as in a worker: the call fails once every thread is done with it, so that none writes after it returns
        Atomics.store(ctrl, ERROR, 1);
      }
      Atomics.add(ctrl, DONE, 1);
    }
    this.waitDone(n, where);
    if (Atomics.load(ctrl, ERROR) === 1) {
      throw new LossError({
        code: 'WORKER_FAILED',
        loss: where,
        argument: 'threads',
        expected: 'every part of the call computed',
        received: 'a kernel that failed in a thread (a bug in fastloss: please report it)',
      });
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += this.results[j]!;
    return sum;
  }

  /** Ends the workers (they return from their loop; terminate() for one that is busy). */
  close(): void {
    Atomics.store(this.control, CLOSED, 1);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  private waitDone(n: number, where: string): void {
    const ctrl = this.control;
    let seen = Atomics.load(ctrl, DONE);
    let since = Date.now();
    while (seen < n) {
      Atomics.wait(ctrl, DONE, seen, 100);
      const now = Atomics.load(ctrl, DONE);
      if (now !== seen) {
        seen = now;
        since = Date.now();
      } else if (Date.now() - since > WAIT_LIMIT_MS) {
        this.close();
        throw new LossError({
          code: 'WORKER_FAILED',
          loss: where,
          argument: 'threads',
          expected: `every part of the call finished by a worker thread (no progress for ${WAIT_LIMIT_MS / 1000} s)`,
          received: `${n - seen} of ${n} parts never finished: a worker thread is gone (the instance now runs on one thread)`,
        });
      }
    }
  }

  private write(j: number, steps: readonly Step[]): void {
    if (steps.length > MAX_STEPS) throw new Error(`fastloss threads: a job of ${steps.length} kernel calls (at most ${MAX_STEPS})`);
    const at = j * JOB_WORDS;
    const w = this.jobs;
    w[at] = steps.length;
    steps.forEach(([kernel, ...args], s) => {
      const step = at + 1 + s * STEP_WORDS;
      const k = this.index.get(kernel);
      if (k === undefined || args.length > MAX_ARGS) throw new Error(`fastloss threads: a kernel the workers do not have, or ${args.length} arguments (at most ${MAX_ARGS})`);
      w[step] = k;
      w[step + 1] = args.length;
      for (let a = 0; a < args.length; a++) w[step + 2 + a] = args[a]!;
    });
  }
}

