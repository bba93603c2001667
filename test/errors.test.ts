/**
 * Bad input, a test each: a LossError with a stable code and fields { code, loss, argument, expected,
 * received }, a message that says all of them, and "Did you mean" where a near name exists. Never a wasm trap.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import '../src/debug.js';
import { LossError, loadLosses } from '../src/index.js';
import { asPlainJs, type PlainJsFastLoss } from './plain-js.js';

let fl: PlainJsFastLoss;
beforeAll(async () => {
  fl = asPlainJs(await loadLosses({ build: 'debug' })); // assertions on: a trap would surface as an abort
});

function caught(fn: () => unknown): LossError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LossError);
    const err = e as LossError;
    for (const field of [err.loss, err.argument, err.expected, err.received]) {
      expect(typeof field).toBe('string');
      expect(err.message).toContain(field);
    }
    expect(err.message).toContain(err.code);
    return err;
  }
  throw new Error('expected a LossError, nothing was thrown');
}

const p3 = Float32Array.of(1, 2, 3);

describe('names and options', () => {
  it('UNKNOWN_LOSS with a suggestion', () => {
    const e = caught(() => fl.loss('mean_sqared_error'));
    expect(e.code).toBe('UNKNOWN_LOSS');
    expect(e.suggestion).toBe('mean_squared_error');
    expect(e.message).toMatch(/Did you mean "mean_squared_error"\?$/);
    const cls = caught(() => fl.loss('MSELos'));
    expect(cls.suggestion).toBe('mean_squared_error');
    expect(cls.message).toMatch(/Did you mean "mean_squared_error" \(MSELoss\)\?$/);
    expect(caught(() => fl.loss('entirely_unknown_thing')).suggestion).toBeUndefined();
  });

  it('"Did you mean" ranks the names users type, not edit distance alone', () => {
    const l1 = caught(() => fl.loss('l1'));
    expect([l1.suggestion, l1.suggestionNote]).toEqual(['mean_absolute_error', 'L1Loss']); // not 'ch', two edits away
    expect(caught(() => fl.loss('crossentropy')).suggestion).toBe('categorical_crossentropy');
    const ce = caught(() => fl.loss('cross_entropy_loss'));
    expect([ce.suggestion, ce.suggestionNote]).toEqual(['categorical_crossentropy', 'CrossEntropyLoss']);
    expect(caught(() => fl.loss('softmax_cross_entropy')).suggestion).toBe('categorical_crossentropy');
    expect(caught(() => fl.loss('hinge_loss')).suggestion).toBe('hinge');
    expect(caught(() => fl.loss('mae_loss')).suggestion).toBe('mean_absolute_error');
    expect(caught(() => fl.loss('bce_loss')).suggestion).toBe('binary_crossentropy');
    expect(caught(() => fl.loss('pois_nll')).suggestion).toBe('poisson_negative_log_likelihood');
    expect(caught(() => fl.loss('poison')).suggestion).toBe('poisson');
    expect(caught(() => fl.loss('lovasz_hinge')).code).toBe('UNKNOWN_LOSS'); // outside the table, no false friend
    expect(caught(() => fl.loss('lovasz')).suggestion).toBeUndefined();
    expect(caught(() => fl.loss('tverski')).suggestion).toBe('tversky');
  });

  it('UNKNOWN_OPTION names the options it takes, with a suggestion', () => {
    const e = caught(() => fl.loss('mse', { reducton: 'sum' }));
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.suggestion).toBe('reduction');
    expect(e.expected).toContain('reduction');
    expect(caught(() => fl.loss('mse', { axis: -1 })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('mae', { framework: 'torch', delta: 1 })).code).toBe('UNKNOWN_OPTION');
  });

  it('BAD_OPTION for beta and delta together in PyTorch huber; HuberLoss has no beta', () => {
    const both = caught(() => fl.loss('huber', { framework: 'pytorch', beta: 1, delta: 1 }));
    expect(both.code).toBe('BAD_OPTION');
    expect(both.expected).toContain('not both');
    expect(caught(() => fl.loss('HuberLoss', { beta: 1 })).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => fl.loss('huber_loss', { beta: 1 })).code).toBe('UNKNOWN_OPTION');
  });

  it('BAD_OPTION for a value out of its domain, with a suggestion for a near reduction', () => {
    const e = caught(() => fl.loss('mse', { reduction: 'Sum' }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.suggestion).toBe('sum');
    expect(caught(() => fl.loss('mse', { framework: 'pytorch', reduction: 'sum_over_batch_size' })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('huber', { delta: -1 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('huber', { delta: NaN })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('HuberLoss', { delta: 0 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('smooth_l1', { beta: -0.5 })).code).toBe('BAD_OPTION');
    expect(caught(() => fl.loss('mse', { framework: 'jax' })).code).toBe('BAD_OPTION');
  });

  it('BAD_OPTION when an option contradicts the class name', () => {
    const e = caught(() => fl.loss('MeanSquaredError', { framework: 'pytorch' }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.expected).toContain('tensorflow');
    expect(caught(() => fl.loss('MSELoss', { framework: 'keras' })).code).toBe('BAD_OPTION');
  });

  it('UNSUPPORTED_FRAMEWORK', () => {
    const e = caught(() => fl.loss('mape', { framework: 'pytorch' }));
    expect(e.code).toBe('UNSUPPORTED_FRAMEWORK');
    expect(e.expected).toContain('tensorflow');
    expect(caught(() => fl.loss('smooth_l1', { framework: 'tf' })).code).toBe('UNSUPPORTED_FRAMEWORK');
  });

  it('NOT_IMPLEMENTED is left for a listed loss whose family has not landed: every family has', () => {
    expect(fl.implemented().length).toBe(32); // test/error-codes.test.ts raises NOT_IMPLEMENTED while any is missing
  });
});

describe('inputs', () => {
  const mse = () => fl.loss('mse');

  it('MISSING_INPUT lists the expected names', () => {
    const e = caught(() => mse()({ pred: p3 }));
    expect(e.code).toBe('MISSING_INPUT');
    expect(e.argument).toContain('target');
    expect(e.expected).toContain('pred, target, sampleWeight?');
    expect(caught(() => mse()(p3 as never)).code).toBe('MISSING_INPUT');
  });

  it('UNKNOWN_INPUT with a suggestion', () => {
    const e = caught(() => mse()({ pred: p3, target: p3, sample_weight: p3 }));
    expect(e.code).toBe('UNKNOWN_INPUT');
    expect(e.suggestion).toBe('sampleWeight');
    // PyTorch losses take no sampleWeight
    expect(caught(() => fl.loss('MSELoss')({ pred: p3, target: p3, sampleWeight: p3 })).code).toBe('UNKNOWN_INPUT');
    expect(caught(() => mse()({ preds: p3, target: p3 })).suggestion).toBe('pred');
  });

  it('SHAPE_MISMATCH', () => {
    expect(caught(() => mse()({ pred: p3, target: Float32Array.of(1, 2) })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('L1Loss')({ pred: [[1, 2]], target: [1, 2] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => mse()({ pred: { data: p3, shape: [2, 2] }, target: p3 })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => mse()({ pred: [[1, 2], [3]], target: [[1, 2], [3, 4]] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => mse()({ pred: { data: p3, shape: [3, -1] }, target: p3 })).code).toBe('SHAPE_MISMATCH');
    const rows = { data: new Float32Array(6), shape: [2, 3] };
    expect(caught(() => mse()({ pred: rows, target: rows, sampleWeight: [1, 2, 3] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.loss('mse', { reduction: 'none' }).withGrad({ pred: rows, target: rows }, { gradOutput: [1, 2, 3] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => fl.tensor([2, 1.5])).code).toBe('SHAPE_MISMATCH');
  });

  it('BAD_DTYPE names the index and the value', () => {
    const e = caught(() => mse()({ pred: [1, 'two', 3], target: [1, 2, 3] }));
    expect(e.code).toBe('BAD_DTYPE');
    expect(e.argument).toBe('pred[1]');
    expect(e.received).toBe('"two"');
    expect(caught(() => mse()({ pred: [[1, 2], [3, null]], target: [[1, 2], [3, 4]] })).argument).toBe('pred[1][1]');
    expect(caught(() => mse()({ pred: BigInt64Array.of(1n, 1n << 32n), target: [1, 2] })).code).toBe('LABEL_OUT_OF_RANGE');
    expect(caught(() => mse()({ pred: 'abc', target: [1, 2] })).code).toBe('BAD_DTYPE');
    expect(caught(() => fl.tensor([2], 'float16' as never)).code).toBe('BAD_DTYPE');
  });

  it('FREED_TENSOR', () => {
    const x = fl.tensor([3]);
    x.data.set([1, 2, 3]);
    x.free();
    expect(caught(() => mse()({ pred: x, target: p3 })).code).toBe('FREED_TENSOR');
    expect(caught(() => x.data).code).toBe('FREED_TENSOR');
    expect(caught(() => x.free()).code).toBe('FREED_TENSOR');
  });

  it('loadLosses rejects a bad build', async () => {
    await expect(loadLosses({ build: 'fast' as never })).rejects.toThrow(/BAD_OPTION/);
  });
});

describe('mistakes a plain-JavaScript user makes', () => {
  it('a loss called with no inputs, or not an object of them, is MISSING_INPUT', () => {
    const mse = fl.loss('mse');
    expect(caught(() => (mse as unknown as () => number)()).code).toBe('MISSING_INPUT');
    expect(caught(() => (mse.withGrad as unknown as () => unknown)()).code).toBe('MISSING_INPUT');
    expect(caught(() => (fl.compute as unknown as (n: string) => number)('mse')).code).toBe('MISSING_INPUT');
    expect(caught(() => mse(null as never)).code).toBe('MISSING_INPUT');
    expect(caught(() => mse(42 as never)).code).toBe('MISSING_INPUT');
    expect(caught(() => mse([p3, p3] as never)).code).toBe('MISSING_INPUT');
  });

  it('withGrad options: a typo is UNKNOWN_OPTION with a suggestion, not ignored', () => {
    const mse = fl.loss('mse', { reduction: 'none' });
    const e = caught(() => mse.withGrad({ pred: p3, target: p3 }, { gradoutput: p3 } as never));
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.suggestion).toBe('gradOutput');
    expect(caught(() => mse.withGrad({ pred: p3, target: p3 }, { outt: {} } as never)).suggestion).toBe('out');
    expect(caught(() => mse.withGrad({ pred: p3, target: p3 }, 5 as never)).code).toBe('BAD_OPTION');
  });

  it("loadLosses's options: a typo is UNKNOWN_OPTION with a suggestion", async () => {
    const e = await loadLosses({ jsbelow: 0 } as never).catch((x: unknown) => x as LossError);
    expect(e).toBeInstanceOf(LossError);
    expect((e as LossError).code).toBe('UNKNOWN_OPTION');
    expect((e as LossError).suggestion).toBe('jsBelow');
    expect(((await loadLosses('simd' as never).catch((x: unknown) => x)) as LossError).code).toBe('BAD_OPTION');
    expect(((await loadLosses({ jsBelow: -1 }).catch((x: unknown) => x)) as LossError).code).toBe('BAD_OPTION');
  });

  it('a framework typo gets a suggestion', () => {
    const e = caught(() => fl.loss('mse', { framework: 'pytroch' }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.suggestion).toBe('pytorch');
    expect(caught(() => fl.loss('mse', { framework: 'kears' })).suggestion).toBe('keras');
  });

  it('messages show the bad values', () => {
    const e = caught(() => fl.tensor([-1, 3]));
    expect(e.argument).toBe('shape[0]');
    expect(e.received).toBe('-1');
    expect(caught(() => fl.tensor([2, 1.5])).argument).toBe('shape[1]');
    const map = caught(() => fl.loss('mse')({ pred: new Map([[0, 1]]), target: p3 }));
    expect(map.code).toBe('BAD_DTYPE');
    expect(map.received).toBe('a Map of size 1');
    expect(caught(() => fl.loss('mse')({ pred: new Set(), target: p3 })).received).toBe('a Set of size 0');
    expect(caught(() => fl.loss('mse')({ pred: {}, target: p3 })).received).toBe('an empty object {}');
  });

  it('an input given as an option says it is an input', () => {
    const e = caught(() => fl.loss('mse', { sampleWeight: [1, 2] }));
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.expected).toContain('sampleWeight is an input');
    expect(caught(() => fl.loss('mse', { target: [1] })).expected).toContain('target is an input');
  });

  it('a view of wasm memory saved before it grew is DETACHED_VIEW, not an empty input', async () => {
    // one thread: an unshared memory, whose growth detaches views (a shared one's keep working: test/threads.test.ts)
    const fl2 = await loadLosses({ jsBelow: 0, threads: 1 });
    const x = fl2.tensor([4]);
    x.data.set([1, 2, 3, 4]);
    const saved = x.data;
    const big = fl2.tensor([8_000_000]); // grows the memory: `saved` is detached, x.data is not
    expect(saved.length).toBe(0);
    const mse = fl2.loss('mse', { framework: 'pytorch', reduction: 'sum' });
    const e = caught(() => mse({ pred: saved, target: Float32Array.of(0, 0, 0, 0) }));
    expect(e.code).toBe('DETACHED_VIEW');
    expect(e.argument).toBe('pred');
    expect(mse({ pred: x.data, target: Float32Array.of(0, 0, 0, 0) })).toBe(30);
    expect(mse({ pred: new Float32Array(0), target: new Float32Array(0) })).toBe(0); // a real empty input is fine
    big.free();
    x.free();
  });
});

describe('wasm memory limits', () => {
  it('a tensor larger than wasm32 memory is a LossError, and the instance stays usable', async () => {
    const fl = await loadLosses();
    const e = caught(() => fl.tensor([2 ** 31]));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(fl.compute('mse', { pred: [1, 2], target: [1, 1] })).toBe(0.5);
  });
});

describe('withGrad out', () => {
  it('BAD_OPTION for a wrong size, a wrong type, an overlap with an input, or a gradient nobody has', () => {
    const mse = fl.loss('mse');
    const pred = new Float32Array(8);
    const target = new Float32Array(8);
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred: new Float32Array(7) } })).code).toBe('BAD_OPTION');
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred: new Float64Array(8) } })).code).toBe('BAD_OPTION');
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred } })).code).toBe('BAD_OPTION');
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred: target.subarray(0) } })).code).toBe('BAD_OPTION');
    expect(caught(() => mse.withGrad({ pred, target }, { out: { target: new Float32Array(8) } })).argument).toBe('out.target');
  });
});

describe('withGrad out, each refusal whole and each place it may be', () => {
  const fields = (fn: () => unknown) => {
    const e = caught(fn);
    return [e.code, e.loss, e.argument, e.expected, e.received];
  };
  const where = 'mean_squared_error (pytorch)';

  it('says what was wrong: the key, the type, a freed or int32 tensor, the size, an overlap', () => {
    const mse = fl.loss('mse', { framework: 'pytorch' });
    const pred = Float32Array.of(1, 2, 3, 4);
    const target = Float32Array.of(0, 0, 0, 0);
    expect(fields(() => mse.withGrad({ pred, target }, { out: { target: new Float32Array(4) } as never }))).toEqual(['BAD_OPTION', where, 'out.target', 'out.pred only (pred is the input with a gradient)', '"target"']);
    expect(fields(() => mse.withGrad({ pred, target }, { out: { pred: [0, 0, 0, 0] } as never }))).toEqual(['BAD_OPTION', where, 'out.pred', 'a Float32Array or a float32 fl.tensor()', 'object']);
    const freed = fl.tensor([4]);
    freed.free();
    expect(fields(() => mse.withGrad({ pred, target }, { out: { pred: freed } }))).toEqual(['BAD_OPTION', where, 'out.pred', 'a Float32Array or a float32 fl.tensor()', 'a freed tensor']);
    const ints = fl.tensor([4], 'int32');
    expect(fields(() => mse.withGrad({ pred, target }, { out: { pred: ints as never } }))).toEqual(['BAD_OPTION', where, 'out.pred', 'a Float32Array or a float32 fl.tensor()', 'a int32 tensor']);
    ints.free();
    expect(fields(() => mse.withGrad({ pred, target }, { out: { pred: new Float32Array(5) } }))).toEqual(['BAD_OPTION', where, 'out.pred', "4 elements (pred's size)", '5 elements']);
    expect(fields(() => mse.withGrad({ pred, target }, { out: { pred: target } }))).toEqual(['BAD_OPTION', where, 'out.pred', 'a buffer that overlaps neither pred nor target', 'an overlapping buffer']);
  });

  it('an overlap by one element is refused, a neighbour in the same buffer is not', () => {
    const mse = fl.loss('mse', { framework: 'pytorch' });
    const buffer = new Float32Array(12);
    buffer.set([1, 2, 3, 4], 4); // pred = [4, 8)
    const pred = buffer.subarray(4, 8);
    const target = new Float32Array(4);
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred: buffer.subarray(1, 5) } })).received).toBe('an overlapping buffer');
    expect(caught(() => mse.withGrad({ pred, target }, { out: { pred: buffer.subarray(7, 11) } })).received).toBe('an overlapping buffer');
    for (const out of [buffer.subarray(0, 4), buffer.subarray(8, 12)]) {
      const r = mse.withGrad({ pred, target }, { out: { pred: out } });
      expect(r.grad.pred!.data).toBe(out);
      expect(Array.from(out)).toEqual([0.5, 1, 1.5, 2]); // 2(p - t)/4
      expect(Array.from(pred)).toEqual([1, 2, 3, 4]);
      out.fill(0);
    }
    // number[] inputs live in no buffer: nothing to overlap
    const out = new Float32Array(4);
    expect(mse.withGrad({ pred: [1, 2, 3, 4], target: [0, 0, 0, 0] }, { out: { pred: out } }).grad.pred!.data).toBe(out);
    expect(Array.from(out)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('a float32 tensor or a view of wasm memory is written in place, above the small-input size too', () => {
    const mse = fl.loss('mse', { framework: 'pytorch' });
    for (const n of [4, 3000]) {
      const pred = Float32Array.from({ length: n }, (_, i) => i % 5);
      const target = new Float32Array(n);
      const want = Array.from(pred, (p) => Math.fround((2 * p) / n));
      const t = fl.tensor([n]);
      const same = (got: Float32Array) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-6 * want[i]!));
      const r = mse.withGrad({ pred, target }, { out: { pred: t } });
      expect(r.grad.pred!.data).toBe(t.data);
      same(t.data as Float32Array);
      // a Float32Array over wasm memory (here the tensor's own view) is the same place
      const view = new Float32Array(fl.memory.buffer, t.byteOffset, n);
      view.fill(0);
      expect(mse.withGrad({ pred, target }, { out: { pred: view } }).grad.pred!.data).toBe(view);
      same(t.data as Float32Array);
      expect((t.data as Float32Array)[1]).toBeGreaterThan(0);
      t.free();
    }
  });
});

describe('the option and input checks, each refusal whole', () => {
  const whole = (fn: () => unknown) => {
    const e = caught(fn);
    return [e.code, e.loss, e.argument, e.expected, e.received, e.suggestion];
  };

  it('numbers: the domain, closed or open, and the value received', () => {
    expect(whole(() => fl.loss('huber', { delta: -1 }))).toEqual(['BAD_OPTION', 'huber (tensorflow)', 'option "delta"', 'a finite number >= 0', '-1', undefined]);
    expect(whole(() => fl.loss('huber', { framework: 'pytorch', delta: 0 }))).toEqual(['BAD_OPTION', 'huber (pytorch)', 'option "delta"', 'a finite number > 0', '0', undefined]);
    expect(whole(() => fl.loss('huber', { framework: 'pytorch', beta: Infinity }))).toEqual(['BAD_OPTION', 'huber (pytorch)', 'option "beta"', 'a finite number >= 0', 'Infinity', undefined]);
    expect(whole(() => fl.loss('huber', { delta: '1' }))).toEqual(['BAD_OPTION', 'huber (tensorflow)', 'option "delta"', 'a finite number >= 0', '"1"', undefined]);
    expect(fl.loss('huber', { framework: 'pytorch', beta: 0 }).options.beta).toBe(0); // closed at 0
  });

  it('a reduction: one of the names, with the name meant when it is one by case or a prefix', () => {
    const keras = 'one of "sum_over_batch_size" | "sum" | "none" | "mean" | "mean_with_sample_weight"';
    const reduction = (r: unknown) => whole(() => fl.loss('mse', { reduction: r } as never));
    expect(reduction('SUM')).toEqual(['BAD_OPTION', 'mean_squared_error (tensorflow)', 'option "reduction"', keras, '"SUM"', 'sum']);
    expect(reduction('summ')).toEqual(['BAD_OPTION', 'mean_squared_error (tensorflow)', 'option "reduction"', keras, '"summ"', 'sum']);
    expect(reduction('sum_over')[5]).toBe('sum_over_batch_size');
    expect(reduction('avg')[5]).toBeUndefined();
    expect(reduction(1)).toEqual(['BAD_OPTION', 'mean_squared_error (tensorflow)', 'option "reduction"', keras, '1', undefined]);
    expect(whole(() => fl.loss('mse', { framework: 'pytorch', reduction: 'Mean' }))).toEqual(['BAD_OPTION', 'mean_squared_error (pytorch)', 'option "reduction"', 'one of "mean" | "sum" | "none"', '"Mean"', 'mean']);
  });

  it('inputs: not an object, an unknown name, a missing one', () => {
    const mse = fl.loss('mse', { framework: 'pytorch' });
    const expected = 'inputs { pred, target }';
    expect(whole(() => mse(5 as never))).toEqual(['MISSING_INPUT', 'mean_squared_error (pytorch)', 'inputs', `an object of named ${expected}`, '5', undefined]);
    expect(whole(() => mse({ preds: [1], target: [1] } as never))).toEqual(['UNKNOWN_INPUT', 'mean_squared_error (pytorch)', 'input "preds"', expected, 'an input named "preds"', 'pred']);
    expect(whole(() => mse({ target: [1] } as never))).toEqual(['MISSING_INPUT', 'mean_squared_error (pytorch)', 'input "pred"', expected, 'no "pred"', undefined]);
    expect(whole(() => fl.loss('mse')({ pred: [1], target: [1], weights: [1] } as never))).toEqual(['UNKNOWN_INPUT', 'mean_squared_error (tensorflow)', 'input "weights"', 'inputs { pred, target, sampleWeight? }', 'an input named "weights"', undefined]);
  });

  it("withGrad's options: not an object, an unknown key with the one meant", () => {
    const mse = fl.loss('mse', { framework: 'pytorch' });
    const inputs = { pred: [1, 2], target: [0, 0] };
    expect(whole(() => mse.withGrad(inputs, 5 as never))).toEqual(['BAD_OPTION', 'mean_squared_error (pytorch)', 'withGrad options', 'an object { gradOutput?, out? } or nothing', '5', undefined]);
    expect(whole(() => mse.withGrad(inputs, [] as never))[4]).toBe('an array of length 0');
    expect(whole(() => mse.withGrad(inputs, { gradoutput: 2 } as never))).toEqual(['UNKNOWN_OPTION', 'mean_squared_error (pytorch)', 'withGrad option "gradoutput"', 'gradOutput or out', '"gradoutput"', 'gradOutput']);
    expect(whole(() => mse.withGrad(inputs, { scale: 2 } as never))).toEqual(['UNKNOWN_OPTION', 'mean_squared_error (pytorch)', 'withGrad option "scale"', 'gradOutput or out', '"scale"', undefined]);
    expect(mse.withGrad(inputs, undefined).value).toBe(2.5);
  });

  it("PyTorch huber: beta and delta together, beta given to HuberLoss; delta resolves to HuberLoss's options alone", () => {
    expect(whole(() => fl.loss('huber', { framework: 'pytorch', beta: 1, delta: 2 }))).toEqual(['BAD_OPTION', 'huber (pytorch)', 'option "beta"', 'beta (SmoothL1Loss) or delta (HuberLoss), not both', 'beta 1 and delta 2', undefined]);
    expect(whole(() => fl.loss('HuberLoss', { beta: 1 }))).toEqual(['UNKNOWN_OPTION', 'huber (pytorch)', 'option "beta"', "an option of HuberLoss: reduction, delta (beta is SmoothL1Loss's)", '"beta"', undefined]);
    expect(fl.loss('huber', { framework: 'pytorch', delta: 2 }).options).toEqual({ reduction: 'mean', delta: 2 });
    expect(fl.loss('huber', { framework: 'pytorch' }).options).toEqual({ reduction: 'mean', beta: 1 });
  });

  it("MAPE's gradient is 0 where pred equals target (sign(0)), on the small-input path", () => {
    const mape = fl.loss('mape');
    const r = mape.withGrad({ pred: Float32Array.of(1, 2, 0.5), target: Float32Array.of(1, 1, 1) });
    expect(Array.from(r.grad.pred!.data)).toEqual([0, Math.fround(100 / 3), Math.fround(-100 / 3)]);
  });
});

describe('the elementwise losses name what is wrong, whole', () => {
  it('a bad target or sampleWeight is named as itself; shapes that do not meet say against what; streaming one Keras sample with weights', () => {
    const f = (name: string, options: Record<string, unknown> = {}) => fl.loss(name, options) as unknown as (i: unknown) => number;
    const whole = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        const x = e as LossError;
        return [x.code, x.loss, x.argument, x.expected, x.received];
      }
      return null;
    };
    expect(whole(() => f('mse', { framework: 'pytorch' })({ pred: [1, 2], target: 'x' }))?.[2]).toBe('target');
    expect(whole(() => f('mse')({ pred: [1, 2], target: [1, 2], sampleWeight: 'w' }))?.[2]).toBe('sampleWeight');
    expect(whole(() => f('mse', { framework: 'pytorch' })({ pred: [1, 2], target: [1, 2, 3] }))).toEqual([
      'SHAPE_MISMATCH', 'mean_squared_error (pytorch)', 'target', "pred's shape [2]", 'shape [3]',
    ]);
    expect(whole(() => f('mse')({ pred: [[1, 2]], target: [[1, 2, 3]] }))).toEqual([
      'SHAPE_MISMATCH', 'mean_squared_error (tensorflow)', 'target', "pred's shape [1, 2] (or one that differs by a trailing axis of 1)", 'shape [1, 3]',
    ]);
    const acc = fl.loss('mse').accumulator();
    expect(whole(() => acc.update({ pred: [1, 2], target: [1, 2], sampleWeight: [2] }))).toEqual([
      'SHAPE_MISMATCH', 'mean_squared_error (tensorflow)', 'pred', 'a batch axis to stream with sampleWeight (a rank-1 pred is one Keras sample, split along its last axis)', 'shape [2]',
    ]);
  });
});
