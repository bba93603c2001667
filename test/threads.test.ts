/**
 * Threads (src/threads.ts, src/thread-pool.ts, the tiling driver's split in src/engines/tiling.ts): a call whose
 * wide inputs are fl.tensors is split across the workers above a size, and its value and gradients agree with one
 * thread's within the package's 1e-6 standard; the same call twice gives the same bits; the parts' sums are
 * combined in a fixed order; small calls, JS-array inputs and the scalar and debug builds stay on one thread; the
 * pool's failures are LossErrors, a gone worker never hangs a call, `close()` leaves a working instance, and the
 * workers never keep a process alive.
 */

import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss, type WasmTensor } from '../src/index.js';
import { LossError } from '../src/errors.js';
import { expectClose, refusal, rng } from './helpers.js';

let one: FastLoss;
let two: FastLoss;
let three: FastLoss;
/** Splits every call that can be split (the split sizes set to 0), so that data of test sizes exercise the parts. */
function splitAll(fl: FastLoss): FastLoss {
  (fl as unknown as { runtime: { splitScale: number } }).runtime.splitScale = 0;
  return fl;
}

beforeAll(async () => {
  one = await loadLosses({ build: 'simd', threads: 1 });
  two = splitAll(await loadLosses({ build: 'simd', threads: 2 }));
  three = splitAll(await loadLosses({ build: 'relaxed', threads: 3 }));
});
afterAll(() => {
  two.close();
  three.close();
});

/** Random signs and magnitudes (a good generator, as real data have). */
function wave(n: number, seed: number, scale = 2): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.fround((r() - 0.5) * 2 * scale));
}

function tensorOf(fl: FastLoss, data: Float32Array | Int32Array, shape: number[]): WasmTensor {
  const t = fl.tensor(shape, data instanceof Int32Array ? 'int32' : 'float32');
  expect(t.data.length).toBe(data.length);
  t.data.set(data);
  return t;
}

function close(got: ArrayLike<number> | number, want: ArrayLike<number> | number, tol = 1e-6): void {
  const g = typeof got === 'number' ? [got] : Array.from(got);
  const w = typeof want === 'number' ? [want] : Array.from(want);
  expect(g.length).toBe(w.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) {
    const scale = Math.max(Math.abs(w[i]!), 1e-3);
    worst = Math.max(worst, Math.abs(g[i]! - w[i]!) / scale);
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

interface Case {
  name: string;
  options?: Record<string, unknown>;
  /** Float32 inputs by name with their shapes; int32 ones for labels. */
  inputs: (fl: FastLoss) => Record<string, WasmTensor | number[] | { data: Float32Array; shape: number[] }>;
}

const N = 1 << 18; // every call split (splitAll), at a size of many parts
const cases: Case[] = [
  { name: 'mse', inputs: (fl) => ({ pred: tensorOf(fl, wave(N, 1), [N]), target: tensorOf(fl, wave(N, 2), [N]) }) },
  { name: 'huber', options: { framework: 'pytorch', reduction: 'sum' }, inputs: (fl) => ({ pred: tensorOf(fl, wave(N, 3), [N]), target: tensorOf(fl, wave(N, 4), [N]) }) },
  { name: 'binary_crossentropy', options: { fromLogits: true }, inputs: (fl) => ({ pred: tensorOf(fl, wave(N, 5, 6), [N / 512, 512]), target: tensorOf(fl, wave(N, 6, 0.5).map((v) => (v > 0 ? 1 : 0)), [N / 512, 512]) }) },
  { name: 'mae', options: { reduction: 'none' }, inputs: (fl) => ({ pred: tensorOf(fl, wave(N, 7), [N / 256, 256]), target: tensorOf(fl, wave(N, 8), [N / 256, 256]) }) },
  { name: 'margin_ranking', options: { margin: 0.1 }, inputs: (fl) => ({ x1: tensorOf(fl, wave(N, 9), [N]), x2: tensorOf(fl, wave(N, 10), [N]), target: tensorOf(fl, wave(N, 11).map((v) => (v > 0 ? 1 : -1)), [N]) }) },
  {
    name: 'categorical_crossentropy',
    options: { fromLogits: true, labelSmoothing: 0.1 },
    inputs: (fl) => {
      const t = new Float32Array(512 * 1000);
      const r = rng(12);
      for (let i = 0; i < 512; i++) t[i * 1000 + Math.floor(r() * 1000)] = 1;
      return { pred: tensorOf(fl, wave(512 * 1000, 13, 4), [512, 1000]), target: tensorOf(fl, t, [512, 1000]) };
    },
  },
  {
    // labels as number[] (staged whole once), pred in place
    name: 'sparse_categorical_crossentropy',
    options: { fromLogits: true },
    inputs: (fl) => {
      const r = rng(14);
      return { pred: tensorOf(fl, wave(512 * 1000, 15, 4), [512, 1000]), target: Array.from({ length: 512 }, () => Math.floor(r() * 1000)) };
    },
  },
  {
    // segmentation: the class axis strided ([N, C, H, W]), fewer images than parts: parts of each image's pixels
    name: 'cross_entropy',
    options: { framework: 'pytorch', ignoreIndex: 3, labelSmoothing: 0.05 },
    inputs: (fl) => {
      const r = rng(16);
      const labels = Int32Array.from({ length: 2 * 64 * 64 }, () => Math.floor(r() * 21));
      return { pred: tensorOf(fl, wave(2 * 21 * 64 * 64, 17, 4), [2, 21, 64, 64]), target: tensorOf(fl, labels, [2, 64, 64]) };
    },
  },
  ...[[1, 40000, 3], [3, 20000, 2], [2, 3000, 40]].map(
    (shape): Case => ({
      // a strided class axis with fewer slabs than parts: spans of 1 or 2 positions would read as contiguous rows
      // to the row kernels (inner 1), so a slab is cut only into spans of at least 16 positions
      name: 'CrossEntropyLoss',
      options: { reduction: 'sum' },
      inputs: (fl) => {
        const [n, c, w] = shape as [number, number, number];
        const r = rng(20 + c);
        const labels = Int32Array.from({ length: n * w }, () => Math.floor(r() * c));
        return { pred: tensorOf(fl, wave(n * c * w, 21 + c, 4), shape), target: tensorOf(fl, labels, [n, w]) };
      },
    }),
  ),
  {
    name: 'cosine_similarity',
    inputs: (fl) => ({ pred: tensorOf(fl, wave(N, 18), [N / 128, 128]), target: tensorOf(fl, wave(N, 19), [N / 128, 128]) }),
  },
];

type Grad = Record<string, { data: Float32Array }>;

/** Counts the calls an instance splits across its threads (its pool's runs). */
function splits(fl: FastLoss): () => number {
  const pool = (fl as unknown as { runtime: { pool: { run: (...a: unknown[]) => number } | null } }).runtime.pool;
  if (pool === null) return () => 0;
  const original = pool.run;
  let count = 0;
  pool.run = (...a: unknown[]) => {
    count++;
    return original.apply(pool, a);
  };
  return () => count;
}

function evaluate(fl: FastLoss, c: Case): { value: number | Float32Array; grad: Grad; forward: number | Float32Array } {
  const inputs = c.inputs(fl);
  const loss = fl.loss(c.name as never, (c.options ?? {}) as never) as unknown as {
    (i: unknown): number | { data: Float32Array };
    withGrad(i: unknown): { value: number | { data: Float32Array }; grad: Grad };
  };
  const plain = (v: number | { data: Float32Array }) => (typeof v === 'number' ? v : Float32Array.from(v.data));
  const forward = plain(loss(inputs));
  const g = loss.withGrad(inputs);
  const grad: Grad = {};
  for (const [k, v] of Object.entries(g.grad)) grad[k] = { data: Float32Array.from(v.data) };
  for (const v of Object.values(inputs)) if (typeof v === 'object' && v !== null && 'free' in v) (v as WasmTensor).free();
  return { value: plain(g.value), grad, forward };
}

describe('threads', () => {
  it('fl.threads: what was asked, 1 for threads: 1, the scalar and the debug builds; "auto" is the machine\'s', async () => {
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(three.threads).toBe(3);
    const auto = await loadLosses({ build: 'simd' });
    expect(auto.threads).toBe(Math.min(availableParallelism(), 128));
    auto.close();
    const scalar = await loadLosses({ build: 'scalar', threads: 4 });
    expect(scalar.threads).toBe(1);
  });

  it('a bad threads option is a LossError', async () => {
    for (const bad of [0, 1.5, -2, 129, 'many', '2']) {
      const r = await loadLosses({ threads: bad as never }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(r).toBeInstanceOf(LossError);
      expect([(r as LossError).code, (r as LossError).argument, (r as LossError).expected]).toEqual(['BAD_OPTION', 'option "threads"', '"auto" or an integer from 1 to 128']);
    }
  });

  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options ?? {})}: split across 2 and 3 threads, the same value and gradients as one thread, and the same bits twice`, () => {
      const want = evaluate(one, c);
      for (const fl of [two, three]) {
        const split = splits(fl);
        const got = evaluate(fl, c);
        expect(split()).toBeGreaterThanOrEqual(2); // the forward call and the gradient's were split
        close(got.forward as never, want.forward as never);
        close(got.value as never, want.value as never);
        // gradients: the package's standard for arrays (relative to the largest element, test/helpers.ts); a part cut
        // from a strided slab takes the kernels' in-place path where one thread compacts, and the two round apart
        for (const k of Object.keys(want.grad)) expectClose(got.grad[k]!.data, want.grad[k]!.data, `${c.name} grad ${k}`);
        const again = evaluate(fl, c);
        expect(again.forward).toEqual(got.forward);
        expect(again.value).toEqual(got.value);
        for (const k of Object.keys(want.grad)) expect(again.grad[k]!.data).toEqual(got.grad[k]!.data);
      }
    });
  }

  it('split calls through every path a user takes: out tensors, Keras sample weights, "none", accumulators', () => {
    const n = 1 << 16;
    const p = wave(n, 51);
    const t = wave(n, 52);
    const w = wave(256, 53).map((v) => Math.abs(v));
    for (const fl of [two, three]) {
      const split = splits(fl);
      const pt = tensorOf(fl, p, [256, 256]);
      const tt = tensorOf(fl, t, [256, 256]);
      const out = fl.tensor([256, 256]);
      // the gradient written in place by the parts, into an out tensor
      const mse = fl.loss('mse', { framework: 'pytorch', reduction: 'sum' });
      const want = one.loss('mse', { framework: 'pytorch', reduction: 'sum' }).withGrad({ pred: { data: p, shape: [256, 256] }, target: { data: t, shape: [256, 256] } });
      const got = mse.withGrad({ pred: pt, target: tt }, { out: { pred: out } });
      close(got.value, want.value);
      expectClose(out.data, want.grad.pred!.data, 'grad in out');
      // Keras: per-sample means with sample weights, and 'none'
      for (const reduction of ['sum_over_batch_size', 'none'] as const) {
        const k = fl.loss('mse', { reduction });
        const kOne = one.loss('mse', { reduction });
        const a = k.withGrad({ pred: pt, target: tt, sampleWeight: w });
        const b = kOne.withGrad({ pred: { data: p, shape: [256, 256] }, target: { data: t, shape: [256, 256] }, sampleWeight: w });
        if (typeof a.value === 'number') close(a.value, b.value as number);
        else expectClose(a.value.data, (b.value as { data: Float32Array }).data, `keras ${reduction}`);
        expectClose(a.grad.pred!.data, b.grad.pred!.data, `keras ${reduction} grad`);
      }
      // an accumulator's batches, split
      const acc = fl.loss('binary_crossentropy', { fromLogits: true }).accumulator();
      const accOne = one.loss('binary_crossentropy', { fromLogits: true }).accumulator();
      const labels = tensorOf(fl, t.map((v) => (v > 0 ? 1 : 0)), [256, 256]);
      for (let i = 0; i < 3; i++) {
        acc.update({ pred: pt, target: labels });
        accOne.update({ pred: { data: p, shape: [256, 256] }, target: { data: t.map((v) => (v > 0 ? 1 : 0)), shape: [256, 256] } });
      }
      close(acc.result() as number, accOne.result() as number);
      expect(split()).toBeGreaterThanOrEqual(8); // every kernel call above was split (the gradient, the Keras values, the batches)
      for (const x of [pt, tt, out, labels]) x.free();
    }
  });

  it('sums of millions of elements split in parts stay within 1e-6 of float64', () => {
    const n = 1 << 22;
    const p = wave(n, 21, 3);
    const t = wave(n, 22, 3);
    let ref = 0;
    for (let i = 0; i < n; i++) ref += (p[i]! - t[i]!) ** 2;
    ref /= n;
    for (const fl of [two, three]) {
      const pt = tensorOf(fl, p, [n]);
      const tt = tensorOf(fl, t, [n]);
      const v = fl.loss('mse')({ pred: pt, target: tt });
      expect(Math.abs(v - ref) / ref).toBeLessThan(1e-6);
      pt.free();
      tt.free();
    }
  });

  it('the split sizes as shipped: arithmetic kernels from 1M elements, exp/log ones from 128K, row kernels from 256K', async () => {
    const fl = await loadLosses({ build: 'simd', threads: 2 });
    const split = splits(fl);
    const calls = (f: () => void) => {
      const before = split();
      f();
      return split() - before;
    };
    const run = (name: string, n: number, options: Record<string, unknown> = {}) => {
      const p = tensorOf(fl, wave(n, 41), [n]);
      const t = tensorOf(fl, wave(n, 42).map((v) => (v > 0 ? 1 : 0)), [n]);
      const count = calls(() => (fl.loss(name as never, options as never) as unknown as (i: unknown) => number)({ pred: p, target: t }));
      p.free();
      t.free();
      return count;
    };
    expect(run('mse', (1 << 20) - 16)).toBe(0);
    expect(run('mse', 1 << 20)).toBe(1);
    expect(run('binary_crossentropy', (1 << 17) - 16, { fromLogits: true })).toBe(0);
    expect(run('binary_crossentropy', 1 << 17, { fromLogits: true })).toBe(1);
    const ce = (rows: number) => {
      const p = tensorOf(fl, wave(rows * 1024, 43), [rows, 1024]);
      const y = tensorOf(fl, new Int32Array(rows), [rows]);
      const count = calls(() => fl.loss('CrossEntropyLoss')({ pred: p, target: y }));
      p.free();
      y.free();
      return count;
    };
    expect(ce(255)).toBe(0);
    expect(ce(256)).toBe(1);
    fl.close();
  });

  it('inputs as JS arrays and small inputs take the one-thread path: the same bits as one thread', async () => {
    const shipped = await loadLosses({ build: 'simd', threads: 2 });
    const split = splits(shipped);
    const p = wave(N, 23);
    const t = wave(N, 24);
    expect(shipped.loss('mse')({ pred: p, target: t })).toBe(one.loss('mse')({ pred: p, target: t }));
    const ps = tensorOf(shipped, p.subarray(0, 4096), [4096]);
    const ts = tensorOf(shipped, t.subarray(0, 4096), [4096]);
    expect(shipped.loss('mse')({ pred: ps, target: ts })).toBe(one.loss('mse')({ pred: p.subarray(0, 4096), target: t.subarray(0, 4096) }));
    ps.free();
    ts.free();
    expect(split()).toBe(0);
    shipped.close();
  });

  it('two instances with threads, called in turn, each keep their own memory and workers', async () => {
    const a = splitAll(await loadLosses({ build: 'simd', threads: 2 }));
    const b = splitAll(await loadLosses({ build: 'simd', threads: 2 }));
    const c = cases[0]!;
    const want = evaluate(one, c).value;
    for (let i = 0; i < 3; i++) {
      close(evaluate(a, c).value as number, want as number);
      close(evaluate(b, c).value as number, want as number);
    }
    a.close();
    b.close();
  });

  it('close() ends the workers and leaves a working instance on one thread; closing twice is harmless', async () => {
    const fl = splitAll(await loadLosses({ build: 'simd', threads: 2 }));
    const c = cases[5]!;
    const before = evaluate(fl, c).value;
    fl.close();
    fl.close();
    expect(fl.threads).toBe(1);
    close(evaluate(fl, c).value as number, before as number);
  });

  it('a worker that is gone before a call never hangs it: the caller takes its parts', async () => {
    const fl = splitAll(await loadLosses({ build: 'simd', threads: 3 }));
    const pool = (fl as unknown as { runtime: { pool: { workers: { terminate(): Promise<number> }[] } } }).runtime.pool;
    await Promise.all(pool.workers.map((w) => w.terminate()));
    const c = cases[0]!;
    close(evaluate(fl, c).value as number, evaluate(one, c).value as number);
    fl.close();
  });

  it('a kernel that fails in a thread is a LossError in the caller (WORKER_FAILED), and the next call works', async () => {
    const fl = await loadLosses({ build: 'simd', threads: 2 });
    const rt = (fl as unknown as { runtime: { pool: { run(jobs: unknown[], where: string): number }; exports: Record<string, unknown> } }).runtime;
    const sum = rt.exports.mse_sum_f32 as (...a: number[]) => number;
    // a pointer past the end of memory traps in whichever thread claims the job
    const jobs = Array.from({ length: 64 }, () => [[sum, 1024, 0x7ffffff0, 0x7ffffff0, 0]]);
    expect(refusal(() => rt.pool.run(jobs, 'mse (tensorflow)'))).toEqual([
      'WORKER_FAILED', 'mse (tensorflow)', 'threads', 'every part of the call computed', 'a kernel that failed in a thread (a bug in fastloss: please report it)',
    ]);
    close(evaluate(fl, cases[0]!).value as number, evaluate(one, cases[0]!).value as number);
    fl.close();
  });

  it('CTC right after loadLosses: the workers have instantiated (their data segments written) before any call', async () => {
    // each instantiation writes the module's data segments into the shared memory, CTC's static work area among
    // them: a worker instantiating during a call cleared it under the caller (the gradient's value differed)
    const T = 2000;
    const C = 5;
    const r = rng(31);
    const lp = new Float32Array(T * C);
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp((lp[t * C + c] = r()));
      for (let c = 0; c < C; c++) lp[t * C + c] = Math.fround(lp[t * C + c]! - Math.log(s));
    }
    const inputs = { logProbs: { data: lp, shape: [T, 1, C] }, targets: [Array.from({ length: 400 }, (_, i) => 1 + (i % 4))], inputLengths: [T], targetLengths: [400] };
    for (let i = 0; i < 3; i++) {
      const fl = await loadLosses({ build: 'simd', threads: 3 });
      const loss = fl.loss('ctc', { reduction: 'sum' });
      const forward = loss(inputs);
      expect(loss.withGrad(inputs).value).toBe(forward);
      expect(forward).toBe(one.loss('ctc', { reduction: 'sum' })(inputs));
      fl.close();
    }
  });

  it('a shared memory that grows during a split call: the same values, and views taken before still read the data', async () => {
    const fl = splitAll(await loadLosses({ build: 'simd', threads: 2 }));
    const c = cases[1]!; // huber, sum: its gradient goes to a block the call takes (JS-array destination)
    const want = evaluate(one, c);
    const heap = (fl as unknown as { runtime: { heap: { alloc(n: number): number; free(p: number): void; freeBlocks: { size: number }[] } } }).runtime.heap;
    const x = fl.tensor([4]);
    x.data.set([1, 2, 3, 4]);
    const saved = x.data;
    const inputs = c.inputs(fl);
    const taken = [...heap.freeBlocks].map((b) => heap.alloc(b.size));
    const bytes = fl.memory.buffer.byteLength;
    const loss = fl.loss(c.name as never, c.options as never) as unknown as { withGrad(i: unknown): { value: number; grad: Grad } };
    const got = loss.withGrad(inputs);
    expect(fl.memory.buffer.byteLength, 'the call grew the memory').toBeGreaterThan(bytes);
    close(got.value, want.value as number);
    expectClose(got.grad.pred!.data, want.grad.pred!.data, 'huber grad');
    // a shared memory's views do not detach: the view saved before the growth still reads the tensor
    expect(Array.from(saved)).toEqual([1, 2, 3, 4]);
    expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' })({ pred: saved, target: new Float32Array(4) })).toBe(30);
    for (const p of taken) heap.free(p);
    fl.close();
  });

  it('an instance dropped without close(): its workers end when it is collected (no thread and memory kept per instance)', () => {
    const script = `
      import { readdirSync } from 'node:fs';
      import { loadLosses } from './dist/index.js';
      const threads = () => readdirSync('/proc/self/task').length;
      const settle = async () => { for (let i = 0; i < 30; i++) { gc(); await new Promise((r) => setTimeout(r, 20)); } };
      await settle();
      const base = threads();
      for (let i = 0; i < 12; i++) {
        const fl = await loadLosses({ threads: 2 });
        fl.loss('mse')({ pred: [1], target: [0] });
      }
      const peak = threads();
      await settle();
      console.log(JSON.stringify({ base, peak, after: threads() }));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    const { base, peak, after } = JSON.parse(out) as { base: number; peak: number; after: number };
    expect(peak).toBeGreaterThanOrEqual(base + 12); // a worker (at least one thread) per instance
    expect(after).toBeLessThanOrEqual(base + 3);
  });

  it('the workers never keep a process alive: a script that never calls close() exits at once', () => {
    const script = `
      import { loadLosses } from './dist/index.js';
      const fl = await loadLosses({ threads: 2 });
      const n = 1 << 19;
      const p = fl.tensor([n]); const t = fl.tensor([n]);
      p.data.fill(1); t.data.fill(0.5);
      console.log(fl.threads, fl.loss('mse')({ pred: p, target: t }));
    `;
    const required = `
      const { loadLosses } = require('./dist/cjs/index.cjs');
      loadLosses({ threads: 2 }).then((fl) => {
        const n = 1 << 19;
        const p = fl.tensor([n]); const t = fl.tensor([n]);
        p.data.fill(1); t.data.fill(0.5);
        console.log(fl.threads, fl.loss('mse')({ pred: p, target: t }));
      });
    `;
    // an ES module and a CommonJS script (an eval'd worker is of its caller's kind: src/thread-pool.ts)
    for (const args of [['--input-type=module', '-e', script], ['-e', required]]) {
      const started = Date.now();
      const out = execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 });
      expect(out.trim()).toBe('2 0.25');
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});
