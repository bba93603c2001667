/**
 * acc.state(), loss.accumulator(state), fl.accumulator(state) and acc.merge(): what a state holds and how it
 * survives JSON (NaN, ±Infinity, -0 included), and every kind of state that is refused, each refusal asserted
 * whole (code, loss, argument, expected, received; the messages are terse, the browser build has a size budget): another loss, framework, reduction or options, another
 * version, a tampered or truncated object, shards whose first-batch decisions or item shapes differ. A refused
 * merge leaves the accumulator as it was; a mangled state is a LossError, never a TypeError.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLosses, LossError, type Loss, type OutputTensor, type ReduceState } from '../src/index.js';
import { propertyRuns, refusal } from './helpers.js';

const fl = await loadLosses();
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const mse = fl.loss('mse', { framework: 'pytorch' });
const P = 'mean_squared_error (pytorch)';
/** A fresh state of MSELoss after one batch, as it comes back from JSON. */
const base = (): Record<string, unknown> => json(mse.accumulator().update({ pred: [1, 2, 3], target: [0, 0, 0] }).state()) as unknown as Record<string, unknown>;
const merging = (state: unknown) => () => mse.accumulator().merge(state as ReduceState<'mean_squared_error', 'pytorch'>);
const resuming = (state: unknown) => () => mse.accumulator(state as ReduceState<'mean_squared_error', 'pytorch'>);

describe('a state', () => {
  it('is plain JSON naming the loss, framework, reduction and options, with the sums as exact terms', () => {
    const acc = mse.accumulator().update({ pred: [1, 2, 3], target: [0, 0, 0] }).update({ pred: [0.5], target: [0] });
    expect(acc.state()).toEqual({
      format: 'fastloss-accumulator', version: 1, loss: 'mean_squared_error', framework: 'pytorch', reduction: 'mean',
      options: { reduction: 'mean' }, mode: 'reduce', batches: 2, item: [], rules: {}, sum: [14.25], count: [4],
    });
    const none = fl.loss('cce', { framework: 'pytorch', reduction: 'none', weight: [1, 2] }).accumulator().update({ pred: [[0, 0]], target: [1] });
    expect(none.state()).toEqual({
      format: 'fastloss-accumulator', version: 1, loss: 'categorical_crossentropy', framework: 'pytorch', reduction: 'none',
      options: { reduction: 'none', weight: { data: [1, 2], shape: [2] }, ignoreIndex: -100, labelSmoothing: 0 },
      mode: 'concatenate', batches: 1, item: [], rules: {}, values: { data: [Math.fround(2 * Math.LN2)], shape: [1] },
    });
    // Keras hinge: the first-batch decisions travel with it
    const hinge = fl.loss('hinge').accumulator().update({ pred: [[0.5], [-0.5]], target: [[0], [1]] });
    expect(hinge.state()).toMatchObject({ item: [1], rules: { oneSample: false, labels: 'convert' } });
    expect(fl.loss('mse').accumulator().state()).toMatchObject({ batches: 0, item: null, rules: {}, sum: [], count: [] });
  });

  it('keeps what JSON has no numbers for: NaN, ±Infinity, -0', () => {
    const sum = fl.loss('mse', { framework: 'pytorch', reduction: 'sum' });
    const inf = sum.accumulator().update({ pred: [Infinity], target: [0] }).update({ pred: [1], target: [0] });
    expect(inf.state().sum).toEqual([1, 'Infinity']);
    expect(fl.accumulator(json(inf.state())).result()).toBe(Infinity);
    const nan = sum.accumulator().update({ pred: [NaN], target: [0] }).update({ pred: [2], target: [0] });
    expect(fl.accumulator(json(nan.state())).result()).toBeNaN();
    const cos = fl.loss('cosine_similarity', { reduction: 'none' }).accumulator().update({ pred: [[0, 0], [1, 0]], target: [[1, 1], [-1, 0]] });
    expect(cos.state().values.data).toEqual(['-0', 1]);
    const back = fl.accumulator(json(cos.state())).result();
    expect(Object.is(back.data[0], -0)).toBe(true);
    const weighted = fl.loss('nll', { weight: [1, NaN, -Infinity] }).accumulator();
    expect(weighted.state().options.weight).toEqual({ data: [1, 'NaN', '-Infinity'], shape: [3] });
    expect(fl.accumulator(json(weighted.state())).state()).toEqual(weighted.state());
  });

  it('resumes bit for bit, through JSON, with loss.accumulator(state) or fl.accumulator(state); a state of a state is the same state', () => {
    const acc = fl.loss('huber', { framework: 'pytorch', delta: 0.5 }).accumulator();
    for (let i = 0; i < 5; i++) acc.update({ pred: [0.1 * i, 1e8, -3.3], target: [0, 1e-8, 0.7] });
    const s = json(acc.state());
    expect(fl.loss('huber', { framework: 'pytorch', delta: 0.5 }).accumulator(s).result()).toBe(acc.result());
    const resumed = fl.accumulator(s);
    expect(resumed.result()).toBe(acc.result());
    expect(resumed.batches).toBe(5);
    expect(resumed.state()).toEqual(s);
    // it goes on from there as the original would
    const next = { pred: [2], target: [3] };
    expect(resumed.update(next).result()).toBe(acc.update(next).result());
  });

  it("list options (Dice's axis list, CategoricalFocal's per-class alpha) are lists in a state, and resume through JSON", () => {
    const dice = fl.loss('dice', { axis: [1, -1] }).accumulator();
    dice.update({ pred: [[[0.2, 0.9], [0.4, 0.1]]], target: [[[0, 1], [1, 0]]] });
    const ds = json(dice.state());
    expect((ds as { options: Record<string, unknown> }).options.axis).toEqual([1, -1]);
    expect(fl.accumulator(ds).result()).toBe(dice.result());
    expect(fl.loss('dice', { axis: [1, -1] }).accumulator(ds).result()).toBe(dice.result());
    expect(refusal(() => fl.loss('dice', { axis: [1, 2] }).accumulator(ds))[0]).toBe('BAD_STATE');
    const focal = fl.loss('cfce', { alpha: [0.25, 0.5, 0.1] }).accumulator();
    focal.update({ pred: [[0.2, 0.5, 0.3]], target: [[0, 1, 0]] });
    const fs = json(focal.state());
    expect((fs as { options: Record<string, unknown> }).options.alpha).toEqual([0.25, 0.5, Math.fround(0.1)]);
    expect(fl.accumulator(fs).result()).toBe(focal.result());
    expect(fl.loss('cfce', { alpha: [0.25, 0.5, 0.1] }).accumulator(fs).merge(focal).result()).toBeCloseTo(focal.result() as number, 12);
  });

  it('merges an accumulator, its state, itself, or an accumulator of another instance', async () => {
    const a = mse.accumulator().update({ pred: [1, 2], target: [0, 0] });
    const b = mse.accumulator().update({ pred: [3], target: [0] });
    // the same batches in one stream: bit for bit (the one pass over the concatenation: to 1e-6, tested elsewhere)
    const want = mse.accumulator().update({ pred: [1, 2], target: [0, 0] }).update({ pred: [3], target: [0] }).result();
    expect(want).toBeCloseTo(mse({ pred: [1, 2, 3], target: [0, 0, 0] }), 12);
    expect(mse.accumulator().merge(a).merge(b).result()).toBe(want);
    expect(mse.accumulator().merge(json(a.state())).merge(json(b.state())).result()).toBe(want);
    expect(mse.accumulator().merge(b).merge(a).batches).toBe(2);
    const twice = mse.accumulator().merge(a).merge(b);
    twice.merge(twice);
    expect([twice.result(), twice.batches]).toEqual([want, 4]);
    const other = (await loadLosses({ jsBelow: 0 })).loss('mse', { framework: 'pytorch' });
    expect(other.accumulator().merge(a).merge(b.state()).result()).toBeCloseTo(want, 12);
    // an accumulator given as a state: its state() is read
    const foreign = { state: () => json(a.state()) };
    expect(mse.accumulator(foreign as never).result()).toBe(a.result());
  });

  it("'none' merges append in the order merged", () => {
    const none = fl.loss('mae', { framework: 'pytorch', reduction: 'none' });
    const a = none.accumulator().update({ pred: [1, 2], target: [0, 0] });
    const b = none.accumulator().update({ pred: [3], target: [0] });
    expect(Array.from((none.accumulator().merge(a).merge(json(b.state())).result() as OutputTensor).data)).toEqual([1, 2, 3]);
    expect(Array.from((none.accumulator().merge(b).merge(a).result() as OutputTensor).data)).toEqual([3, 1, 2]);
    expect(a.merge(a).result()).toEqual({ data: Float32Array.of(1, 2, 1, 2), shape: [4] });
  });
});

describe('refused states: BAD_STATE, naming the key, what was expected and what came', () => {
  it('another loss, framework, reduction or options', () => {
    expect(refusal(merging(json(fl.loss('mae', { framework: 'pytorch' }).accumulator().state())))).toEqual([
      'BAD_STATE', P, 'other.loss', '"mean_squared_error" (this accumulator\'s)', '"mean_absolute_error"',
    ]);
    expect(refusal(merging(fl.loss('mse').accumulator()))).toEqual(['BAD_STATE', P, 'other.framework', '"pytorch" (this accumulator\'s)', '"tensorflow"']);
    expect(refusal(resuming(fl.loss('mse', { framework: 'torch', reduction: 'sum' }).accumulator().state()))).toEqual([
      'BAD_STATE', P, 'state.reduction', '"mean" (this accumulator\'s)', '"sum"',
    ]);
    const huber = (delta: number) => fl.loss('huber', { framework: 'pytorch', delta }).accumulator();
    expect(refusal(() => huber(1).merge(huber(2)))).toEqual(['BAD_STATE', 'huber (pytorch)', 'other.options.delta', '1 (this accumulator\'s)', '2']);
    // SmoothL1Loss (beta) and HuberLoss (delta) are two losses, though both are 'huber' in PyTorch
    expect(refusal(() => fl.loss('huber', { framework: 'pytorch' }).accumulator().merge(huber(1).state() as never))).toEqual([
      'BAD_STATE', 'huber (pytorch)', 'other.options.beta', '1 (this accumulator\'s)', 'undefined (missing)',
    ]);
    const ce = (weight: number[]) => fl.loss('cce', { framework: 'pytorch', weight }).accumulator();
    expect(refusal(() => ce([1, 2, 3, 4, 5, 6, 7]).merge(json(ce([1, 2, 3, 4, 5, 6, 8]).state())))).toEqual([
      'BAD_STATE', 'categorical_crossentropy (pytorch)', 'other.options.weight',
      '{ data: an array of length 7, shape: [7] } (this accumulator\'s)', '{ data: an array of length 7, shape: [7] }',
    ]);
    expect(refusal(merging({ ...base(), options: { reduction: 'mean', margin: 1 } }))).toEqual([
      'BAD_STATE', P, 'other.options.margin', 'only this accumulator\'s options: reduction', '"margin"',
    ]);
    expect(refusal(merging({ ...base(), options: [] }))).toEqual(['BAD_STATE', P, 'other.options', 'an object of options', 'an array of length 0']);
  });

  it('another format or version, or not a state at all', () => {
    expect(refusal(merging({ ...base(), version: 2 }))).toEqual([
      'BAD_STATE', P, 'other.version', '1', '2',
    ]);
    expect(refusal(resuming({ ...base(), format: 'keras-metric' }))).toEqual(['BAD_STATE', P, 'state.format', '"fastloss-accumulator"', '"keras-metric"']);
    const notState = 'an accumulator state (acc.state())';
    expect(refusal(merging(null))).toEqual(['BAD_STATE', P, 'other', notState, 'null']);
    expect(refusal(resuming('{"format":"fastloss-accumulator"}'))).toEqual(['BAD_STATE', P, 'state', notState, '"{\\"format\\":\\"fastloss-accumulator\\"}"']);
    expect(refusal(merging([base()]))).toEqual(['BAD_STATE', P, 'other', notState, 'an array of length 1']);
    expect(refusal(merging(42))).toEqual(['BAD_STATE', P, 'other', notState, '42']);
  });

  it('a truncated state: every key missing is named', () => {
    for (const key of Object.keys(base())) {
      const s = base();
      delete s[key];
      const r = refusal(merging(s));
      expect([r[0], r[1], r[2]], key).toEqual(['BAD_STATE', P, key === 'options' ? 'other.options' : `other.${key}`]);
      expect(r[4], key).toBe('undefined (missing)');
    }
  });

  it('keys of the wrong type or value, and unknown keys', () => {
    const NUMBER = 'a number, or "NaN", "Infinity", "-Infinity", "-0"';
    const KEYS = 'format, version, loss, framework, reduction, options, mode, batches, item, rules';
    const cases: Array<[Record<string, unknown>, string, string, string]> = [
      [{ batches: '1' }, 'other.batches', 'a non-negative integer', '"1"'],
      [{ batches: -1 }, 'other.batches', 'a non-negative integer', '-1'],
      [{ batches: NaN }, 'other.batches', 'a non-negative integer', 'NaN'],
      [{ batches: 1.5 }, 'other.batches', 'a non-negative integer', '1.5'],
      [{ item: [-1] }, 'other.item', 'an item shape', 'an array of length 1'],
      [{ item: null }, 'other.item', 'an item shape', 'null'],
      [{ batches: 0 }, 'other.item', 'null (no batch)', 'an array of length 0'],
      [{ batches: 0, item: null }, 'other.sum', '[] (no batch)', 'terms summing to 14'],
      [{ mode: 'concatenate' }, 'other.mode', '"reduce"', '"concatenate"'],
      [{ rules: { labels: 'convert' } }, 'other.rules.labels', 'a rule of this loss (none)', '"labels"'],
      [{ rules: 'none' }, 'other.rules', 'an object of rules', '"none"'],
      [{ sum: 14 }, 'other.sum', 'an array of numbers', '14'],
      [{ sum: [1, 'nan'] }, 'other.sum[1]', NUMBER, '"nan"'],
      [{ sum: [null] }, 'other.sum[0]', NUMBER, 'null'],
      [{ count: ['NaN'] }, 'other.count', 'terms summing to a count (an integer >= 0)', 'terms summing to NaN'],
      [{ count: [-3] }, 'other.count', 'terms summing to a count (an integer >= 0)', 'terms summing to -3'],
      [{ count: [2.5] }, 'other.count', 'terms summing to a count (an integer >= 0)', 'terms summing to 2.5'],
      [{ values: { data: [], shape: [0] } }, 'other.values', `a key of a "reduce" state: ${KEYS}, sum, count`, '"values"'],
      [{ batch: 1 }, 'other.batch', `a key of a "reduce" state: ${KEYS}, sum, count`, '"batch"'],
    ];
    for (const [change, argument, expected, received] of cases) {
      expect(refusal(merging({ ...base(), ...change })), JSON.stringify(change)).toEqual(['BAD_STATE', P, argument, expected, received]);
    }
  });

  it("a 'none' state whose values do not fill their shape", () => {
    const none = fl.loss('mse', { framework: 'pytorch', reduction: 'none' });
    const s = () => json(none.accumulator().update({ pred: [[1, 2], [3, 4]], target: [[0, 0], [0, 0]] }).state()) as unknown as Record<string, unknown>;
    const L = 'mean_squared_error (pytorch)';
    const into = (state: unknown) => () => none.accumulator().merge(state as never);
    expect(s()).toMatchObject({ item: [2], values: { data: [1, 4, 9, 16], shape: [2, 2] } });
    expect(refusal(into({ ...s(), values: { data: [1, 4, 9], shape: [2, 2] } }))).toEqual(['BAD_STATE', L, 'other.values.data', '4 values (shape [2, 2])', 'an array of length 3']);
    expect(refusal(into({ ...s(), values: { data: [1, 4, 9], shape: [1, 3] } }))).toEqual(['BAD_STATE', L, 'other.values.shape', '[rows, 2]', '[1, 3]']);
    expect(refusal(into({ ...s(), values: { data: [1, 'four', 9, 16], shape: [2, 2] } }))).toEqual(['BAD_STATE', L, 'other.values.data[1]', 'a number, or "NaN", "Infinity", "-Infinity", "-0"', '"four"']);
    expect(refusal(into({ ...s(), values: [1, 4, 9, 16] }))).toEqual(['BAD_STATE', L, 'other.values', '{ data, shape }', 'an array of length 4']);
    expect(refusal(into({ ...s(), batches: 0, item: null, values: { data: [1, 4], shape: [1] } }))).toEqual(['BAD_STATE', L, 'other.values.shape', '[0]', '[1]']);
    expect(refusal(into({ ...s(), sum: [1], count: [1] }))).toEqual([
      'BAD_STATE', L, 'other.sum', 'a key of a "concatenate" state: format, version, loss, framework, reduction, options, mode, batches, item, rules, values', '"sum"',
    ]);
  });

  it('a Keras mean_with_sample_weight count is a sum of weights: any number (weights may be negative)', () => {
    const loss = fl.loss('mse', { reduction: 'mean_with_sample_weight' });
    const acc = loss.accumulator().update({ pred: [[1], [2]], target: [[0], [0]], sampleWeight: [1, -3.5] });
    expect(acc.state().count).toEqual([-2.5]);
    expect(loss.accumulator(json(acc.state())).result()).toBe(acc.result());
    expect(loss({ pred: [[1], [2]], target: [[0], [0]], sampleWeight: [1, -3.5] })).toBeCloseTo(acc.result(), 12);
  });

  it('fl.accumulator(state): the loss comes from the state, and what fl.loss refuses is said of the state', () => {
    const s = base();
    expect(refusal(() => fl.accumulator({ ...s, loss: 'mse' } as never))).toEqual([
      'BAD_STATE', 'accumulator', 'state.loss', 'a canonical loss name (loss.name)', '"mse"',
    ]);
    expect(refusal(() => fl.accumulator({ ...s, loss: 'mean_absolute_percentage_error' } as never))).toEqual([
      'BAD_STATE', 'mean_absolute_percentage_error', 'state (option "framework")', 'one of the frameworks of mean_absolute_percentage_error: "tensorflow"', '"pytorch"',
    ]);
    expect(refusal(() => fl.accumulator({ ...s, options: { reduction: 'avg' } } as never))).toEqual([
      'BAD_STATE', P, 'state (option "reduction")', 'one of "mean" | "sum" | "none"', '"avg"',
    ]);
    expect(refusal(() => fl.accumulator({ ...s, options: { reduction: 'mean', weight: { data: ['x'], shape: [1] } } } as never))).toEqual([
      'BAD_STATE', 'accumulator', 'state.options.weight.data[0]', 'a number, or "NaN", "Infinity", "-Infinity", "-0"', '"x"',
    ]);
    expect(refusal(() => fl.accumulator({ ...s, version: '1' } as never))).toEqual([
      'BAD_STATE', 'accumulator', 'state.version', '1', '"1"',
    ]);
    // options a state of this loss would not have (the loss fills in every default)
    expect(refusal(() => fl.accumulator({ ...json(fl.loss('cce', { framework: 'pytorch' }).accumulator().state()), options: { reduction: 'mean' } } as never))).toEqual([
      'BAD_STATE', 'categorical_crossentropy (pytorch)', 'state.options.ignoreIndex', '-100 (this accumulator\'s)', 'undefined (missing)',
    ]);
  });
});

describe('first-batch rules and item shapes merge consistently', () => {
  const hinge = fl.loss('hinge');
  const p = [[0.3], [-0.2]];
  const shard = (target: readonly (readonly number[])[]) => hinge.accumulator().update({ pred: p, target: target as number[][] });
  const converted = () => shard([[0], [1]]);
  const given = () => shard([[-1], [1]]);
  const undecided = () => shard([[1], [1]]);

  it('Keras hinge shards that decided differently are LABEL_OUT_OF_RANGE, in either order', () => {
    expect(refusal(() => converted().merge(given()))).toEqual([
      'LABEL_OUT_OF_RANGE', 'hinge (tensorflow)', 'other', "0/1 labels, converted to -1/1, as this accumulator's batches", 'labels not all 0/1, used as given',
    ]);
    expect(refusal(() => given().merge(json(converted().state())))).toEqual([
      'LABEL_OUT_OF_RANGE', 'hinge (tensorflow)', 'other', "labels not all 0/1, used as given, as this accumulator's batches", '0/1 labels, converted to -1/1',
    ]);
    expect(refusal(() => hinge.accumulator(converted().state()).merge(given().state()))[2]).toBe('other');
    expect(refusal(() => fl.loss('hinge').accumulator().merge(converted()).merge(given()))[0]).toBe('LABEL_OUT_OF_RANGE');
  });

  it('an undecided shard (only 1s) merges with either, and the result is the one pass', () => {
    const whole = (targets: readonly (readonly (readonly number[])[])[]) => hinge({ pred: targets.flatMap(() => p), target: targets.flat() as number[][] }) as number;
    for (const [make, t] of [[converted, [[0], [1]]], [given, [[-1], [1]]]] as const) {
      expect(undecided().merge(make()).result()).toBeCloseTo(whole([[[1], [1]], t]), 12);
      expect(make().merge(undecided()).result()).toBeCloseTo(whole([t, [[1], [1]]]), 12);
      // the decision carries on: a converted stream then refuses a later non-0/1 batch, as a single stream does
      const merged = undecided().merge(make());
      expect(merged.state().rules.labels).toBe(make === converted ? 'convert' : 'given');
    }
    const later = undecided().merge(converted());
    expect(refusal(() => later.update({ pred: p, target: [[-1], [1]] })).slice(0, 3)).toEqual(['LABEL_OUT_OF_RANGE', 'hinge (tensorflow)', 'target (batch 2)']);
  });

  it('a refused merge leaves the accumulator as it was', () => {
    const acc = converted();
    const before = acc.state();
    expect(() => acc.merge(given())).toThrow(LossError);
    expect(() => acc.merge(fl.loss('hinge').accumulator().update({ pred: [[1, 2]], target: [[0, 1]] }))).toThrow(/SHAPE_MISMATCH/);
    expect(acc.state()).toEqual(before);
  });

  it('item shapes must match: SHAPE_MISMATCH', () => {
    const a = mse.accumulator().update({ pred: [[1, 2]], target: [[0, 0]] });
    const b = mse.accumulator().update({ pred: [[1, 2, 3]], target: [[0, 0, 0]] });
    expect(refusal(() => a.merge(json(b.state())))).toEqual([
      'SHAPE_MISMATCH', P, 'other', "items of shape [2] along axis 0, as this accumulator's batches", 'items of shape [3]',
    ]);
    // an empty accumulator takes the other's item shape, and then holds to it
    const c = mse.accumulator().merge(b);
    expect(refusal(() => c.update({ pred: [[1, 2]], target: [[0, 0]] })).slice(0, 3)).toEqual(['SHAPE_MISMATCH', P, 'batch 1 (its inputs)']);
  });

  it('Keras one-sample batches (rank-1 pred and target) against per-row ones of the same item shape: SHAPE_MISMATCH, in a stream and in a merge', () => {
    const k = fl.loss('mse');
    const oneSample = { pred: [1, 2], target: [0, 0] }; // one sample: the mean over the only axis
    const perRow = { pred: [1, 2], target: [[0], [0]] }; // target [2, 1]: Keras squeezes it, a value per row
    const ONE = 'one sample (a Keras rank-1 pred)';
    const ROWS = 'a value per item';
    expect(refusal(() => k.accumulator().update(oneSample).update(perRow))).toEqual(['SHAPE_MISMATCH', 'mean_squared_error (tensorflow)', 'batch 1', `${ONE}, as this accumulator's batches`, ROWS]);
    expect(refusal(() => k.accumulator().update(perRow).merge(k.accumulator().update(oneSample).state()))).toEqual([
      'SHAPE_MISMATCH', 'mean_squared_error (tensorflow)', 'other', `${ROWS}, as this accumulator's batches`, ONE,
    ]);
    // alike, they merge to the one pass
    const merged = k.accumulator().update(oneSample).merge(json(k.accumulator().update({ pred: [4], target: [0] }).state()));
    expect(merged.result()).toBeCloseTo(k({ pred: [1, 2, 4], target: [0, 0, 0] }) as number, 12);
  });

  it('Keras pairwise losses refuse a rank-0 pair in a stream: Keras returns its value as it is, so it does not add up', () => {
    expect(refusal(() => fl.loss('bpr').accumulator().update({ positive: 1, negative: 0 }))).toEqual([
      'SHAPE_MISMATCH', 'bpr (tensorflow)', 'positive', 'a batch axis to stream (Keras returns the value of a rank-0 pair as it is)', 'shape []',
    ]);
    expect(fl.loss('margin_ranking').accumulator().update({ x1: 1, x2: 0, target: 1 }).result()).toBe(0); // PyTorch: a mean of one
  });
});

describe('a mangled state is a LossError, never another error', () => {
  it('random edits of valid states (keys dropped or replaced, arrays cut)', () => {
    const losses = [mse, fl.loss('hinge'), fl.loss('ctc', { reduction: 'none' }), fl.loss('nll', { weight: [1, 2, 3] }), fl.loss('mae', { reduction: 'none' })] as unknown as Loss[];
    const states = [
      mse.accumulator().update({ pred: [1, 2], target: [0, 0] }).state(),
      fl.loss('hinge').accumulator().update({ pred: [[0.5]], target: [[0]] }).state(),
      fl.loss('ctc', { reduction: 'none' }).accumulator().update({ logProbs: { data: new Float32Array(12).fill(Math.log(1 / 3)), shape: [4, 1, 3] }, targets: [[1, 2]], inputLengths: [4], targetLengths: [2] }).state(),
      fl.loss('nll', { weight: [1, 2, 3] }).accumulator().update({ pred: [[-1, -2, -3]], target: [2] }).state(),
      fl.loss('mae', { reduction: 'none' }).accumulator().update({ pred: [[1, 2]], target: [[0, 0]] }).state(),
    ].map((s) => json(s) as unknown as Record<string, unknown>);
    const anything = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, NaN, -1, 0.5, [], {}, 'NaN', [Infinity], { data: [], shape: [] }));
    fc.assert(
      fc.property(fc.nat(states.length - 1), fc.array(fc.tuple(fc.nat(), anything, fc.nat(3)), { minLength: 1, maxLength: 3 }), (which, edits) => {
        const s = structuredClone(states[which]!);
        for (const [k, value, how] of edits) {
          const keys = Object.keys(s);
          const key = keys[k % keys.length]!;
          const v = s[key];
          if (how === 0) delete s[key];
          else if (how === 1 && Array.isArray(v)) s[key] = v.slice(0, k % (v.length + 1));
          else if (how === 2 && typeof v === 'object' && v !== null) {
            const inner = Object.keys(v);
            if (inner.length > 0) (v as Record<string, unknown>)[inner[k % inner.length]!] = value;
          } else s[key] = value;
        }
        for (const run of [() => losses[which]!.accumulator().merge(s as never), () => fl.accumulator(s as never)]) {
          try {
            run();
          } catch (e) {
            if (!(e instanceof LossError)) throw e;
          }
        }
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});
