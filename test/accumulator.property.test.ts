/**
 * loss.accumulator(): for every implemented loss, framework and reduction, the result over random batch splits
 * of a tensor equals the loss on the whole tensor to 1e-6 (a property test, fast-check); 'none' concatenates.
 * A landed loss without a batch maker (test/accumulator.datasets.ts), or without a stream hook, fails the first
 * test: a family that lands must plug into both.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import type { OutputTensor } from '../src/tensor.js';
import { BATCH_MAKERS, STREAM_OPTIONS, close, everyLossAndReduction, reductionsOf, slice, whole } from './accumulator.datasets.js';
import { expectLossError, propertyRuns } from './helpers.js';

describe('loss.accumulator()', () => {
  it('every implemented loss has a batch maker and an accumulator for every reduction', async () => {
    const fl = await loadLosses();
    for (const { name, frameworks } of fl.implemented()) {
      expect(BATCH_MAKERS[name], `${name}: add a batch maker to test/accumulator.datasets.ts`).toBeDefined();
      for (const framework of frameworks) {
        for (const reduction of reductionsOf(fl, name, framework)) {
          const acc = fl.loss(name, { framework, reduction, ...STREAM_OPTIONS[name] }).accumulator();
          expect(acc.mode, `${name} ${framework} ${reduction}`).toBe(reduction === 'none' ? 'concatenate' : 'reduce');
        }
      }
    }
  });

  describe.each([
    ['default instance', {}],
    ['wasm forced (jsBelow 0)', { jsBelow: 0 }],
  ] as const)('over random batch splits equals the loss on the concatenation: %s', (_label, options) => {
    it('every implemented loss, framework and reduction', async () => {
      const fl = await loadLosses(options);
      const losses = everyLossAndReduction(fl);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 300 }),
          fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
          fc.integer({ min: 0, max: 11 }),
          fc.integer({ min: 1, max: 2 ** 30 }),
          (n, cutsRaw, variant, seed) => {
            let a = seed;
            const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
            const cuts = [0, ...cutsRaw.map((c) => c % (n + 1)).sort((x, y) => x - y), n];
            for (const { name, framework, reduction } of losses) {
              const made = BATCH_MAKERS[name]!(n, u, framework, variant);
              const loss = fl.loss(name, { framework, reduction, ...STREAM_OPTIONS[name] });
              const label = `${name} (${framework}, ${reduction}) N=${n} variant ${variant} cuts [${cuts}]`;
              const rank1Keras = framework === 'tensorflow' && made.pred?.shape.length === 1;
              const acc = loss.accumulator();
              if (reduction === 'none' && rank1Keras) {
                // One Keras sample split along its only axis: 'none' of each part is a mean, which does not concatenate.
                if (n > 0) expect(() => acc.update(whole(made)), label).toThrow(/SHAPE_MISMATCH/);
                continue;
              }
              const want = loss(whole(made));
              for (let i = 0; i + 1 < cuts.length; i++) {
                acc.update(Object.fromEntries(Object.entries(made).map(([k, v]) => [k, slice(v, cuts[i]!, cuts[i + 1]!)])));
              }
              const got = acc.result();
              expect(acc.batches, label).toBe(cuts.length - 1);
              if (typeof want === 'number') {
                expect(typeof got, label).toBe('number');
                expect(close(got as number, want), `${label}: ${String(got)} vs ${want}`).toBe(true);
              } else {
                const g = got as OutputTensor;
                expect(g.shape, label).toEqual(want.shape);
                for (let i = 0; i < want.data.length; i++) expect(close(g.data[i]!, want.data[i]!), `${label} [${i}]`).toBe(true);
              }
              // reset() forgets everything: the whole tensor as one batch gives the same again.
              acc.reset();
              expect(acc.batches).toBe(0);
              const again = acc.update(whole(made)).result();
              if (typeof want === 'number') expect(close(again as number, want), `${label} after reset`).toBe(true);
              else expect(Array.from((again as OutputTensor).data), label).toEqual(Array.from(want.data));
            }
          },
        ),
        { numRuns: propertyRuns(40) },
      );
    });
  });
});

describe('loss.accumulator() rules', () => {
  it('an empty accumulator is the loss of an empty batch', async () => {
    const fl = await loadLosses();
    expect(fl.loss('mse', { framework: 'pytorch' }).accumulator().result()).toBeNaN();
    expect(fl.loss('mse', { framework: 'pytorch', reduction: 'sum' }).accumulator().result()).toBe(0);
    expect(fl.loss('mse').accumulator().result()).toBe(0); // Keras divide_no_nan
    expect(fl.loss('mse', { reduction: 'none' }).accumulator().result()).toEqual({ data: new Float32Array(0), shape: [0] });
  });

  it('batches whose items differ in shape are SHAPE_MISMATCH, in both modes', async () => {
    const fl = await loadLosses();
    for (const reduction of ['sum', 'none'] as const) {
      const acc = fl.loss('mse', { framework: 'pytorch', reduction }).accumulator();
      acc.update({ pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } });
      expect(() => acc.update({ pred: { data: new Float32Array(4), shape: [2, 2] }, target: { data: new Float32Array(4), shape: [2, 2] } })).toThrow(
        /\[SHAPE_MISMATCH\] mean_squared_error \(pytorch\): batch 1 .*items of shape \[3\]/,
      );
      expect(acc.batches).toBe(1); // the bad batch was not counted
    }
  });

  it('items of another rank are SHAPE_MISMATCH too, with the whole message, in both modes', async () => {
    const fl = await loadLosses();
    for (const [reduction, what] of [['sum', 'its inputs'], ['none', 'its values']] as const) {
      const acc = fl.loss('mse', { framework: 'pytorch', reduction }).accumulator();
      acc.update({ pred: { data: new Float32Array(6), shape: [2, 3, 1] }, target: { data: new Float32Array(6), shape: [2, 3, 1] } });
      const e = expectLossError(() => acc.update({ pred: { data: new Float32Array(6), shape: [2, 3] }, target: { data: new Float32Array(6), shape: [2, 3] } }), 'SHAPE_MISMATCH');
      expect([e.loss, e.argument, e.expected, e.received]).toEqual([
        'mean_squared_error (pytorch)', `batch 1 (${what})`, 'items of shape [3, 1] along axis 0, as the first batch', 'items of shape [3]',
      ]);
    }
  });

  it("a rank-0 'none' value does not concatenate (Keras, one sample), except where the family stacks them (unbatched CTC)", async () => {
    const fl = await loadLosses();
    const e = expectLossError(() => fl.loss('mse', { reduction: 'none' }).accumulator().update({ pred: [1, 2], target: [0, 0] }), 'SHAPE_MISMATCH');
    expect([e.loss, e.argument, e.expected, e.received]).toEqual([
      'mean_squared_error (tensorflow)',
      'batch 0',
      "inputs with a batch axis (this call's 'none' value has shape [], a reduction over the whole batch, which does not concatenate)",
      'a value of shape []',
    ]);
    // unbatched CTC: log-probabilities [T, C], one sequence a call; 'none' stacks the calls into [k]
    const ctc = fl.loss('ctc', { reduction: 'none' });
    const T = 4;
    const C = 3;
    const logProbs = { data: new Float32Array(T * C).fill(Math.log(1 / C)), shape: [T, C] };
    const one = { logProbs, targets: [1, 2], inputLengths: [T], targetLengths: [2] };
    const single = ctc(one) as OutputTensor;
    expect(single.shape).toEqual([]);
    const acc = ctc.accumulator();
    const got = acc.update(one).update(one).update(one).result() as OutputTensor;
    expect(got.shape).toEqual([3]);
    expect(Array.from(got.data)).toEqual([single.data[0], single.data[0], single.data[0]]);
  });

  it('an empty accumulator of a family with the default result rule: NaN in PyTorch, 0 in Keras, 0 for a sum', async () => {
    const fl = await loadLosses();
    expect(fl.loss('CrossEntropyLoss').accumulator().result()).toBeNaN();
    expect(fl.loss('CrossEntropyLoss', { reduction: 'sum' }).accumulator().result()).toBe(0);
    expect(fl.loss('categorical_crossentropy').accumulator().result()).toBe(0);
    expect(fl.loss('categorical_crossentropy', { reduction: 'sum' }).accumulator().result()).toBe(0);
  });

  it('Keras sampleWeight with a rank-1 pred does not stream (one sample, split along its last axis)', async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mse').accumulator();
    expect(() => acc.update({ pred: [1, 2], target: [0, 0], sampleWeight: [2] })).toThrow(/SHAPE_MISMATCH.*batch axis/);
  });

  it('the result does not reset, and update returns the accumulator', async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mae', { framework: 'pytorch', reduction: 'sum' }).accumulator();
    expect(acc.update({ pred: [1, 2], target: [0, 0] }).update({ pred: [3], target: [0] }).result()).toBe(6);
    expect(acc.result()).toBe(6);
  });

  it("'none' keeps copies: reusing a batch's arrays does not change the result", async () => {
    const fl = await loadLosses();
    const acc = fl.loss('mse', { framework: 'pytorch', reduction: 'none' }).accumulator();
    const pred = new Float32Array([1, 2]);
    const target = new Float32Array(2);
    acc.update({ pred, target });
    pred.set([3, 4]);
    acc.update({ pred, target });
    expect(acc.result()).toEqual({ data: new Float32Array([1, 4, 9, 16]), shape: [4] });
  });
});
