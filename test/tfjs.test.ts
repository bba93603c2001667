/**
 * fastloss/tfjs (src/tfjs.ts) in custom training loops: the gradient tfjs's autodiff gets through tfjsLoss is
 * fastloss's own withGrad, times the upstream gradient (a scalar, or a tensor for reduction 'none'); inputs that
 * are not tfjs tensors pass through; several differentiated inputs each get theirs; CTC's gradient through
 * tf.logSoftmax matches finite differences; no tensor leaks over many steps; bad calls are LossErrors. On the cpu
 * and wasm backends.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, LossError, type FastLoss } from '../src/index.js';
import { tfjsLoss, type Tfjs } from '../src/tfjs.js';
import { expectClose, rng } from './helpers.js';
import { loadTfjs, type Tf, type TfLayers } from './tfjs.setup.js';

type T = ReturnType<Tf['tensor']>;
let tf: Tf;
let layers: TfLayers;
let fl: FastLoss;
const values = (n: number, seed: number, lo = -2, hi = 2) => {
  const u = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * u());
};

beforeAll(async () => {
  ({ tf, layers } = await loadTfjs());
  fl = await loadLosses();
});

describe.each(['cpu', 'wasm'])('tfjsLoss on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('a scalar loss: the gradient is withGrad times the upstream gradient', () => {
    const [p, y] = [values(24, 1), values(24, 2)];
    const mse = fl.loss('mse');
    const want = mse.withGrad({ pred: { data: p, shape: [4, 6] }, target: { data: y, shape: [4, 6] } });
    const loss = tfjsLoss(tf, mse);
    const yTrue = tf.tensor2d(y, [4, 6]);
    const value = loss(yTrue, tf.tensor2d(p, [4, 6]));
    expect(value.shape).toEqual([]);
    expectClose(value.dataSync()[0]!, want.value, 'value');
    // d(3·loss)/dp: the upstream gradient 3 scales fastloss's gradient
    const g = tf.grad((x: T) => tf.mul(3, loss(yTrue, x) as T))(tf.tensor2d(p, [4, 6]));
    expect(g.shape).toEqual([4, 6]);
    expectClose(g.dataSync() as Float32Array, want.grad.pred.data.map((v) => 3 * v), 'grad');
  });

  it("reduction 'none': per-sample values, and the gradient of Σ w·loss (withGrad's gradOutput)", () => {
    const [p, y, w] = [values(15, 3), values(15, 4), values(5, 5)];
    const mae = fl.loss('mae', { reduction: 'none' });
    const inputs = { pred: { data: p, shape: [5, 3] }, target: { data: y, shape: [5, 3] } };
    const want = mae.withGrad(inputs, { gradOutput: { data: w, shape: [5] } });
    const loss = tfjsLoss(tf, mae);
    const yTrue = tf.tensor2d(y, [5, 3]);
    const perSample = loss(yTrue, tf.tensor2d(p, [5, 3]));
    expect(perSample.shape).toEqual([5]);
    expectClose(perSample.dataSync() as Float32Array, mae(inputs).data, 'values');
    const g = tf.grad((x: T) => tf.sum(tf.mul(tf.tensor1d(w), loss(yTrue, x) as T)))(tf.tensor2d(p, [5, 3]));
    expectClose(g.dataSync() as Float32Array, want.grad.pred.data, 'grad');
  });

  it('named inputs: every tfjs tensor differentiated, arrays passed through (margin_ranking: x1, x2, target)', () => {
    const [a, b] = [values(8, 6), values(8, 7)];
    const target = [1, -1, 1, 1, -1, -1, 1, -1];
    const ranking = fl.loss('margin_ranking', { margin: 0.3 });
    const want = ranking.withGrad({ x1: a, x2: b, target });
    const loss = tfjsLoss(tf, ranking);
    const [g1, g2] = tf.grads((x1: T, x2: T) => loss({ x1, x2, target }) as T)([tf.tensor1d(a), tf.tensor1d(b)]);
    expectClose(g1!.dataSync() as Float32Array, want.grad.x1.data, 'grad x1');
    expectClose(g2!.dataSync() as Float32Array, want.grad.x2.data, 'grad x2');
    // a tensor input fastloss does not differentiate (mse's target) gets zeros
    const mse = tfjsLoss(tf, fl.loss('mse'));
    const gy = tf.grad((y: T) => mse(y, tf.tensor1d(a)) as T)(tf.tensor1d(b));
    expect(Array.from(gy.dataSync())).toEqual(new Array(8).fill(0));
  });

  it('CTC through tf.logSoftmax: the gradient of the logits matches finite differences', () => {
    const ctc = tfjsLoss(tf, fl.loss('ctc'));
    const [T, N, C] = [8, 3, 5];
    const base = values(T * N * C, 8, -1.5, 1.5);
    const f = (z: T) => ctc({ logProbs: tf.transpose(tf.logSoftmax(z), [1, 0, 2]), targets: [[1, 2, 3], [3, 0, 0], [4, 4, 0]], inputLengths: [8, 8, 6], targetLengths: [3, 1, 2] }) as T;
    const g = tf.grad(f)(tf.tensor3d(base, [N, T, C])).dataSync();
    // central differences in float64 of fastloss's own value (float32 logits; a step of 1e-2)
    const at = (i: number, h: number) => {
      const z = [...base];
      z[i]! += h;
      return f(tf.tensor3d(z, [N, T, C])).dataSync()[0]!;
    };
    let worst = 0;
    for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs((at(i, 1e-2) - at(i, -1e-2)) / 2e-2 - g[i]!));
    expect(worst).toBeLessThan(2e-4);
  });

  it('no tensor leaks: tf.memory().numTensors is flat over many training steps (compile and minimize)', async () => {
    const u = rng(9);
    const x = tf.tensor2d(values(32 * 4, 10), [32, 4]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, () => Math.floor(u() * 3)), 'int32'), 3);
    const model = layers.sequential({ layers: [layers.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: tfjsLoss(tf, fl.loss('categorical_crossentropy')) });
    const counts: number[] = [];
    for (let i = 0; i < 30; i++) {
      await model.trainOnBatch(x, y);
      counts.push(tf.memory().numTensors);
    }
    expect(counts.at(-1), `numTensors ${counts.join(' ')}`).toBe(counts[2]);
    // a custom loop with reduction 'none' (its gradient is computed when asked for) and an optimizer
    const none = tfjsLoss(tf, fl.loss('categorical_crossentropy', { reduction: 'none' }));
    const optimizer = tf.train.adam(0.01);
    counts.length = 0;
    for (let i = 0; i < 30; i++) {
      optimizer.minimize(() => tf.mean(none(y, model.apply(x) as T) as T) as never);
      counts.push(tf.memory().numTensors);
    }
    expect(counts.at(-1), `numTensors ${counts.join(' ')}`).toBe(counts[2]);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('tfjsLoss refusals', () => {
  it("(yTrue, yPred) for a loss of other inputs is fastloss's own refusal of a target it does not take, naming its inputs", () => {
    const ctc = tfjsLoss(tf, fl.loss('ctc'));
    const call = () => ctc(tf.zeros([2, 2]), tf.zeros([2, 2]));
    expect(call).toThrow(LossError);
    expect(call).toThrow(/UNKNOWN_INPUT.*ctc \(pytorch\).*logProbs, targets, inputLengths, targetLengths.*"target"/);
  });

  it('something other than the tfjs namespace is BAD_OPTION', () => {
    expect(() => tfjsLoss({} as Tfjs, fl.loss('mse'))).toThrow(/BAD_OPTION.*mean_squared_error \(tensorflow\): tf: expected the TensorFlow.js namespace/);
    expect(() => tfjsLoss(undefined as unknown as Tfjs, fl.loss('mse'))).toThrow(LossError);
    // a name instead of a loss, no loss, the arguments swapped: BAD_OPTION naming the loss argument
    expect(() => tfjsLoss(tf, 'mse' as never)).toThrow(/BAD_OPTION.*tfjsLoss: loss: expected a fastloss loss.*received "mse" \(a name: pass fl.loss\("mse"\)\)/);
    expect(() => (tfjsLoss as (tf: unknown) => unknown)(tf)).toThrow(/BAD_OPTION.*received undefined/);
    expect(() => tfjsLoss(fl.loss('mse') as never, tf as never)).toThrow(/BAD_OPTION.*tfjsLoss: loss: expected a fastloss loss/);
    // a function that is not a fastloss loss (no withGrad): a plain (yTrue, yPred) => number is refused too
    expect(() => tfjsLoss(tf, ((_y: unknown, _p: unknown) => 0) as never)).toThrow(/BAD_OPTION.*tfjsLoss: loss: expected a fastloss loss.*received function/);
  });

  it("fastloss's own refusals come through as they are (a wrong shape is SHAPE_MISMATCH)", () => {
    const mse = tfjsLoss(tf, fl.loss('mse'));
    expect(() => mse(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/SHAPE_MISMATCH/);
    const noInputs = /MISSING_INPUT\] mean_squared_error \(tensorflow\): inputs: expected \(yTrue, yPred\) tensors or one object of named inputs, received/;
    expect(() => mse(null as never)).toThrow(noInputs);
    expect(() => mse(5 as never)).toThrow(noInputs);
    // a tensor-like object of the program's own ({ data, shape, dtype }, no dataSync) is passed through as fastloss reads it
    const target = { data: new Float32Array([1, -1]), shape: [2], dtype: 'float32' };
    expect(mse({ pred: tf.tensor([0.5, 0.25]), target }).dataSync()[0]).toBeCloseTo((0.25 + 1.5625) / 2, 6);
    // an input that is null is no tfjs tensor: passed through, and fastloss refuses it (not a TypeError of reading null)
    expect(() => mse({ pred: tf.zeros([2]), target: tf.zeros([2]), sampleWeight: null })).toThrow(/BAD_DTYPE.*sampleWeight: expected a tensor.*received null/);
  });
});
