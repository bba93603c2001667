/**
 * Sharded evaluation, for every implemented loss, framework and reduction (a fast-check property): a random
 * dataset cut into random shards (each streamed in random batches, some empty, some with no batch at all), the
 * shards' accumulators merged along a random binary tree whose nodes are accumulators or their states sent through
 * JSON (resumed with loss.accumulator(state), fl.accumulator(state), or merged as they are). For a scalar
 * reduction the shards are also merged in a random order.
 *
 * - merged == the loss on the concatenation, to 1e-6 (the one pass is the reference);
 * - merged is bit for bit the result of one accumulator streaming the same batches, and two different trees give
 *   the same bits (the sums are exact: src/exact-sum.ts);
 * - 'none': the concatenation in shard order, whatever the tree.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLosses, type Accumulator, type AccumulatorState, type FastLoss, type Loss, type OutputTensor } from '../src/index.js';
import { BATCH_MAKERS, STREAM_OPTIONS, close, everyLossAndReduction, slice, whole, type Batched } from './accumulator.datasets.js';
import { propertyRuns, rng } from './helpers.js';

type Node = Accumulator | AccumulatorState;

const batchOf = (made: Record<string, Batched>, from: number, to: number) => Object.fromEntries(Object.entries(made).map(([k, v]) => [k, slice(v, from, to)]));
const roundTrip = (s: AccumulatorState): AccumulatorState => JSON.parse(JSON.stringify(s)) as AccumulatorState;

/**
 * Merges `nodes` (in this order: merging keeps the left one's values first) along a random binary tree; each
 * merge takes its operands in a random form (an accumulator, its state through JSON, a resumed state).
 */
function mergeTree(fl: FastLoss, loss: Loss, nodes: readonly Node[], r: () => number): Node {
  if (nodes.length === 1) return nodes[0]!;
  const cut = 1 + Math.floor(r() * (nodes.length - 1));
  const left = mergeTree(fl, loss, nodes.slice(0, cut), r);
  const right = mergeTree(fl, loss, nodes.slice(cut), r);
  const asAccumulator = (n: Node): Accumulator => {
    if ('update' in n) return n;
    const how = Math.floor(r() * 3);
    return how === 0 ? loss.accumulator(n) : how === 1 ? fl.accumulator(n) : loss.accumulator().merge(n);
  };
  const asOperand = (n: Node): Node => ('update' in n && r() < 0.5 ? roundTrip(n.state()) : n);
  const merged = asAccumulator(left).merge(asOperand(right));
  return r() < 0.4 ? roundTrip(merged.state()) : merged;
}

const resultOf = (fl: FastLoss, n: Node) => ('update' in n ? n : fl.accumulator(n)).result();

describe('sharded evaluation: random shards merged along random trees equal one pass', () => {
  it('every implemented loss, framework and reduction', async () => {
    const instances = [await loadLosses(), await loadLosses({ jsBelow: 0 })];
    const losses = everyLossAndReduction(instances[0]!);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 7 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (n, cutsRaw, variant, seed) => {
          let a = seed;
          const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
          const r = rng(seed);
          const fl = instances[seed % 2]!; // the wasm kernels or the plain-JS path: a state is a state
          const cuts = [0, ...cutsRaw.map((c) => c % (n + 1)).sort((x, y) => x - y), n];
          for (const { name, framework, reduction } of losses) {
            const made = BATCH_MAKERS[name]!(n, u, framework, variant);
            const loss = fl.loss(name, { framework, reduction, ...STREAM_OPTIONS[name] }) as Loss;
            const label = `${name} (${framework}, ${reduction}) N=${n} variant ${variant} shards [${cuts}] seed ${seed}`;
            // one Keras sample split along its only axis: 'none' does not stream (test/accumulator.property.test.ts)
            if (reduction === 'none' && framework === 'tensorflow' && made.pred?.shape.length === 1) continue;

            // each shard: one accumulator over its rows in 1-3 batches (an empty shard: an empty batch, or none)
            const stream = loss.accumulator();
            const leaves: Node[] = [];
            for (let s = 0; s + 1 < cuts.length; s++) {
              const [from, to] = [cuts[s]!, cuts[s + 1]!];
              const leaf = loss.accumulator();
              if (from < to || r() < 0.5) {
                const inner = [from, from + Math.floor(r() * (to - from + 1)), to];
                const parts = r() < 0.5 ? [[from, to]] : [[inner[0]!, inner[1]!], [inner[1]!, inner[2]!]];
                for (const [f, t] of parts) {
                  leaf.update(batchOf(made, f!, t!));
                  stream.update(batchOf(made, f!, t!));
                }
              }
              leaves.push(r() < 0.5 ? roundTrip(leaf.state()) : leaf);
            }

            const want = loss(whole(made));
            if (typeof want === 'number') {
              // a scalar reduction: any order of the shards, two different trees
              const order = () => [...leaves].map((l) => [r(), l] as const).sort((x, y) => x[0] - y[0]).map(([, l]) => ('update' in l ? l.state() : l));
              const one = resultOf(fl, mergeTree(fl, loss, order(), r)) as number;
              const two = resultOf(fl, mergeTree(fl, loss, order(), r)) as number;
              // (no shard had a batch: an accumulator of nothing, which cannot know a Keras rank-1 pred is one sample)
              const reference = stream.batches === 0 ? (loss.accumulator().result() as number) : want;
              expect(close(one, reference), `${label}: merged ${one} vs one pass ${reference}`).toBe(true);
              expect(Object.is(one, stream.result()), `${label}: merged ${one} vs the same batches streamed ${String(stream.result())}`).toBe(true);
              expect(Object.is(one, two), `${label}: two trees ${one} vs ${two}`).toBe(true);
            } else {
              // 'none': shard order, whatever the tree
              const states = leaves.map((l) => ('update' in l ? l.state() : l));
              for (const tree of [mergeTree(fl, loss, states, r), mergeTree(fl, loss, states, r)]) {
                const got = resultOf(fl, tree) as OutputTensor;
                // no shard had a batch: nothing told the item shape, so the result is 'none' of nothing, shape [0]
                expect(got.shape, label).toEqual(stream.batches === 0 ? [0] : want.shape);
                for (let i = 0; i < want.data.length; i++) expect(close(got.data[i]!, want.data[i]!), `${label} [${i}]: ${got.data[i]} vs ${want.data[i]}`).toBe(true);
                expect(got, label).toEqual(stream.result());
              }
            }
          }
        },
      ),
      // N = 0 (Keras rank-1 in variant 4, empty shards with and without a batch) is asked every run
      { numRuns: propertyRuns(30), examples: [[0, [], 4, 1], [0, [0], 4, 2]] },
    );
  });
});
