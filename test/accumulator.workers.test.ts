/**
 * Sharded evaluation across real worker threads: each `new Worker` (test/shard-worker.mjs) runs the built
 * dist/index.js on its shard of a dataset and sends each accumulator's state back as JSON text; the main thread
 * merges the parsed states with fl.accumulator(state).merge(...), knowing nothing but the JSON, and gets the
 * loss of the whole dataset: to 1e-6 of the one pass, and bit for bit the result of one accumulator fed the same
 * batches here. Losses with the interesting parts of a state: a weighted divisor, Keras hinge's label rule, CTC's
 * batch axis 1 and infinite losses, 'none' values in shard order. And the README's worked example, run as it is
 * written there, in a project where 'fastloss' is this package installed.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadLosses, type AccumulatorState, type Loss, type OutputTensor } from '../src/index.js';
import { BATCH_MAKERS, close, slice, whole, type Batched } from './accumulator.datasets.js';
import { consumerProject } from './consumer.js';

const SHARDS = 3;

interface Job {
  name: string;
  options: Record<string, unknown>;
  made: Record<string, Batched>;
}

function runWorker(jobs: unknown[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./shard-worker.mjs', import.meta.url), { workerData: { jobs } });
    worker.once('message', (states: string[]) => {
      resolve(states);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('sharded evaluation in worker threads', () => {
  it('states sent back as JSON merge to the one-pass value', async () => {
    const fl = await loadLosses();
    let a = 12345;
    const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
    const N = 1000;
    const jobs: Job[] = [
      { name: 'mse', options: { framework: 'pytorch' }, made: BATCH_MAKERS.mean_squared_error!(N, u, 'pytorch', 0) },
      { name: 'cce', options: { framework: 'pytorch', weight: [0.5, 2, 1, 3] }, made: BATCH_MAKERS.categorical_crossentropy!(N, u, 'pytorch', 2) },
      { name: 'hinge', options: {}, made: BATCH_MAKERS.hinge!(N, u, 'tensorflow', 5) }, // 0/1 labels: converted
      { name: 'huber', options: { reduction: 'mean_with_sample_weight' }, made: BATCH_MAKERS.huber!(N, u, 'tensorflow', 2) },
      { name: 'ctc', options: { reduction: 'sum' }, made: BATCH_MAKERS.ctc!(N, u, 'pytorch', 3) },
      { name: 'mae', options: { framework: 'pytorch', reduction: 'none' }, made: BATCH_MAKERS.mean_absolute_error!(N, u, 'pytorch', 1) },
    ];
    // shard i: rows [floor(i·N/n), floor((i+1)·N/n)), in batches of at most 128 rows
    const bounds = Array.from({ length: SHARDS + 1 }, (_, i) => Math.floor((i * N) / SHARDS));
    const batchesOf = (made: Record<string, Batched>, from: number, to: number) => {
      const out = [];
      for (let at = from; at < to; at += 128) out.push(Object.fromEntries(Object.entries(made).map(([k, v]) => [k, slice(v, at, Math.min(to, at + 128))])));
      return out;
    };
    const perShard = bounds.slice(0, -1).map((from, i) => jobs.map((j) => ({ name: j.name, options: j.options, batches: batchesOf(j.made, from, bounds[i + 1]!) })));
    const fromWorkers = await Promise.all(perShard.map((shardJobs) => runWorker(shardJobs)));

    jobs.forEach((job, k) => {
      const loss = fl.loss(job.name, job.options) as Loss;
      const states = fromWorkers.map((texts) => JSON.parse(texts[k]!) as AccumulatorState);
      // the merge step: only the JSON, in shard order
      const merged = states.slice(1).reduce((acc, s) => acc.merge(s), fl.accumulator(states[0]!));
      const want = loss(whole(job.made));
      const same = loss.accumulator();
      for (const shardJobs of perShard) for (const b of shardJobs[k]!.batches) same.update(b);
      const label = `${job.name} ${JSON.stringify(job.options)}`;
      expect(merged.batches, label).toBe(perShard.reduce((n, s) => n + s[k]!.batches.length, 0));
      if (typeof want === 'number') {
        expect(close(merged.result() as number, want), `${label}: ${String(merged.result())} vs ${want}`).toBe(true);
        expect(merged.result(), label).toBe(same.result());
      } else {
        const got = merged.result() as OutputTensor;
        expect(got.shape).toEqual(want.shape);
        for (let i = 0; i < want.data.length; i++) expect(close(got.data[i]!, want.data[i]!), `${label} [${i}]`).toBe(true);
        expect(got).toEqual(same.result());
      }
    });
    // what crossed the boundary: hinge's decision in every shard, CTC's infinite sums (infeasible sequences) as text
    expect(fromWorkers.map((texts) => (JSON.parse(texts[2]!) as AccumulatorState).rules)).toEqual(Array(SHARDS).fill({ oneSample: false, labels: 'convert' }));
    expect(fromWorkers.map((texts) => texts[4]!.includes('"Infinity"'))).toEqual(Array(SHARDS).fill(true));
  });
});

describe("the README's worked example", () => {
  it('runs as written: four workers, their states merged, the one pass to 1e-6', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = (first: string) => {
      const m = new RegExp('```js\\n(// ' + first.replace('.', '\\.') + '[^]*?)```').exec(readme);
      expect(m, `README: a js block starting // ${first}`).not.toBeNull();
      return m![1]!;
    };
    const project = consumerProject('readme-workers');
    try {
      project.write('package.json', JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
      project.write('shard.mjs', block('shard.mjs'));
      const main = project.write('main.mjs', block('main.mjs'));
      const [merged, onePass] = execFileSync(process.execPath, [main], { cwd: project.dir, encoding: 'utf8', timeout: 60_000 }).trim().split('\n').map(Number);
      expect(Number.isFinite(merged) && merged! > 0).toBe(true);
      expect(close(merged!, onePass!), `${merged} vs ${onePass}`).toBe(true);
    } finally {
      project.remove();
    }
  });
});
