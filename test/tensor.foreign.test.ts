/**
 * Other libraries' tensors as inputs of every loss, duck-typed (fastloss depends on none of them): ONNX Runtime's
 * Tensor (real ones, from onnxruntime-common, the pure-JavaScript core of onnxruntime-web and -node: data, dims,
 * type), transformers.js's Tensor (the same three fields; a class of those fields stands in for it here, the
 * package pulls a native runtime), and TensorFlow.js's (shape, dtype, dataSync(); real ones from tfjs-core).
 * Each gives the value and gradient of the Float32Array form; int64 labels are narrowed to int32 (beyond:
 * LABEL_OUT_OF_RANGE); float16 data held as raw bits is refused (BAD_DTYPE).
 */

import { Tensor as OrtTensor } from 'onnxruntime-common';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { refusal, uniform } from './helpers.js';
import { loadTfjs, type Tf } from './tfjs.setup.js';

/** transformers.js's Tensor as a program receives it: data, dims, type. */
class TransformersTensor {
  constructor(
    readonly type: string,
    readonly data: Float32Array | BigInt64Array | Uint16Array,
    readonly dims: number[],
  ) {}
}

let fl: FastLoss;
let tf: Tf;
beforeAll(async () => {
  fl = await loadLosses({ jsBelow: 0 });
  ({ tf } = await loadTfjs());
  await tf.setBackend('cpu');
});

const [N, C] = [37, 11];
const logits = uniform(N * C, 1, -4, 4);
const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);
const int64 = BigInt64Array.from(labels, (v) => BigInt(v));

describe('foreign tensors', () => {
  const forms: Array<[string, () => { pred: unknown; target: unknown }]> = [
    ['ONNX Runtime Tensor (float32 logits, int64 labels)', () => ({ pred: new OrtTensor('float32', logits, [N, C]), target: new OrtTensor('int64', int64, [N]) })],
    ['transformers.js Tensor', () => ({ pred: new TransformersTensor('float32', logits, [N, C]), target: new TransformersTensor('int64', int64, [N]) })],
    ['TensorFlow.js Tensor (float32, int32)', () => ({ pred: tf.tensor2d(logits, [N, C]), target: tf.tensor1d(labels, 'int32') })],
  ];

  it.each(forms)('%s: the value and gradient of the Float32Array form (cross-entropy, PyTorch)', (_label, make) => {
    const ce = fl.loss('cross_entropy', { framework: 'pytorch', reduction: 'none' });
    const want = ce.withGrad({ pred: { data: logits, shape: [N, C] }, target: { data: labels, shape: [N] } });
    const got = ce.withGrad(make() as never);
    expect(got.value.shape).toEqual([N]);
    expect(Array.from(got.value.data)).toEqual(Array.from(want.value.data));
    expect(got.grad.pred.shape).toEqual([N, C]);
    expect(Array.from(got.grad.pred.data)).toEqual(Array.from(want.grad.pred.data));
  });

  it('every input form of a pair loss, Keras sample weights included (mse of ONNX Runtime and tfjs tensors)', () => {
    const [p, t, w] = [uniform(N * 3, 2), uniform(N * 3, 3), uniform(N, 4, 0, 2)];
    const mse = fl.loss('mse');
    const want = mse({ pred: { data: p, shape: [N, 3] }, target: { data: t, shape: [N, 3] }, sampleWeight: w });
    expect(mse({ pred: new OrtTensor('float32', p, [N, 3]), target: tf.tensor2d(t, [N, 3]), sampleWeight: new OrtTensor('float32', w, [N]) })).toBe(want);
  });

  it('CTC with int64 targets and lengths, as an ONNX model hands them over', () => {
    const [T, B, K] = [12, 2, 5];
    const lp = new Float32Array(T * B * K).fill(Math.log(1 / K));
    const plain = { logProbs: { data: lp, shape: [T, B, K] }, targets: [[1, 2, 3], [4, 4, 0]], inputLengths: [12, 10], targetLengths: [3, 2] };
    const ctc = fl.loss('ctc');
    const foreign = {
      logProbs: new OrtTensor('float32', lp, [T, B, K]),
      targets: new OrtTensor('int64', BigInt64Array.of(1n, 2n, 3n, 4n, 4n, 0n), [B, 3]),
      inputLengths: new OrtTensor('int64', BigInt64Array.of(12n, 10n), [B]),
      targetLengths: new OrtTensor('int64', BigInt64Array.of(3n, 2n), [B]),
    };
    expect(ctc(foreign as never)).toBe(ctc(plain));
  });

  it('float16: as raw bits (a Uint16Array) BAD_DTYPE; as a Float16Array (Node 24, where ONNX Runtime makes one) its values', () => {
    const ce = fl.loss('cross_entropy');
    const ones = { data: new Float32Array(N * C).fill(1), shape: [N, C] };
    const bits = () => new Uint16Array(N * C).fill(0x3c00); // 1.0 in half precision
    // ONNX Runtime keeps the bits where the engine has no Float16Array (Node 20) and makes one where it has (Node 24)
    const ortHalf = new OrtTensor('float16', bits(), [N, C]);
    if (ortHalf.data instanceof Uint16Array) expect(refusal(() => ce({ pred: ortHalf, target: labels } as never))[0]).toBe('BAD_DTYPE');
    else expect(ce({ pred: ortHalf, target: labels } as never)).toBe(ce({ pred: ones, target: labels }));
    expect(refusal(() => ce({ pred: new TransformersTensor('float16', bits(), [N, C]), target: labels } as never))).toEqual([
      'BAD_DTYPE',
      'categorical_crossentropy (pytorch)',
      'pred',
      'float32, float64 or integer data (convert float16 to float32 first)',
      'a float16 tensor',
    ]);
  });

  it('an int64 beyond int32 is LABEL_OUT_OF_RANGE, with its index and value; dims that disagree with the data, SHAPE_MISMATCH', () => {
    const ce = fl.loss('cross_entropy');
    const big = BigInt64Array.from(int64);
    big[5] = 1n << 33n;
    expect(refusal(() => ce({ pred: { data: logits, shape: [N, C] }, target: new OrtTensor('int64', big, [N]) } as never))).toEqual([
      'LABEL_OUT_OF_RANGE',
      'categorical_crossentropy (pytorch)',
      'target.data[5]',
      'an int64 value within the int32 range',
      '8589934592',
    ]);
    // dims that do not match the data: the { data, shape } refusal, on the foreign tensor's fields
    expect(refusal(() => ce({ pred: new TransformersTensor('float32', logits, [N, C + 1]), target: labels } as never))[0]).toBe('SHAPE_MISMATCH');
  });
});
