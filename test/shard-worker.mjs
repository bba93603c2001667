// A worker thread of test/accumulator.workers.test.ts (and the README's example of sharded evaluation): it loads
// the built package (dist/index.js, as a user's worker would load 'fastloss'), streams its shard's batches of each
// job through an accumulator, and posts each state back as JSON text, as it would cross a process boundary.
import { parentPort, workerData } from 'node:worker_threads';
import { loadLosses } from '../dist/index.js';

const fl = await loadLosses();
const states = workerData.jobs.map(({ name, options, batches }) => {
  const acc = fl.loss(name, options).accumulator();
  for (const batch of batches) acc.update(batch);
  return JSON.stringify(acc.state());
});
parentPort.postMessage(states);
