/**
 * `fastloss/tfjs`: any fastloss loss as a TensorFlow.js loss, with fastloss's value and analytic gradient
 * (`tf.customGrad`), for `model.compile({ loss })` and for custom training loops (`optimizer.minimize`,
 * `tf.variableGrads`, `tf.grads`), CTC included.
 *
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { loadLosses } from 'fastloss';
 * import { tfjsLoss } from 'fastloss/tfjs';
 *
 * const fl = await loadLosses({ losses: ['categorical_crossentropy', 'ctc'] }); // (a page's bundle: the core alone by default)
 * model.compile({ optimizer: 'adam', loss: tfjsLoss(tf, fl.loss('categorical_crossentropy')) });
 * const ctc = tfjsLoss(tf, fl.loss('ctc'));
 * optimizer.minimize(() => ctc({ logProbs: tf.logSoftmax(model.apply(x)).transpose([1, 0, 2]), targets, inputLengths, targetLengths }));
 * ```
 *
 * TensorFlow.js is passed in, not imported: this entry depends on no tfjs package (an optional peer), works with
 * whichever tfjs a program has (@tensorflow/tfjs, tfjs-core with its backends, tfjs-node), and the main entry and its
 * bundles carry none of it. Tensors cross by `dataSync()`: on the cpu and wasm backends a read of memory the
 * backend already holds; on webgl/webgpu a download of each input from the GPU (and an upload of each gradient),
 * which for large outputs costs more than the loss itself: there, keep the loss in tfjs or read the outputs once.
 */

import { LossError } from './errors.js';
import type { OutputTensor } from './tensor.js';
import type { Inputs } from './losses/definition.js';
import type { Loss, LossShape } from './types.js';

/** The part of a TensorFlow.js Tensor this entry reads. */
export interface TfTensor {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number>;
}

/** A gradient function of `tf.customGrad`: the upstream gradient in, one gradient per input out. */
export type TfGradFunc<T extends TfTensor = TfTensor> = (dy: T, saved: T[]) => T | T[];

/** What `tf.customGrad` passes its function after the inputs: a function that saves tensors for the gradient. */
export type TfGradSave<T extends TfTensor = TfTensor> = (save: T[]) => void;

/**
 * The part of the TensorFlow.js namespace (`import * as tf from '@tensorflow/tfjs'`) this entry calls, over the
 * program's own Tensor type T (inferred from the namespace passed in: `tf.Tensor`), so that a tfjs loss takes and
 * gives the program's tensors with no cast. The signatures are tfjs's (tfjs-core/src/gradients.ts customGrad,
 * ops/tensor.ts, ops/scalar.ts, ops/zeros_like.ts, ops/mul.ts), narrowed to the calls made here.
 */
export interface Tfjs<T extends TfTensor = TfTensor> {
  customGrad(f: (...args: (T | TfGradSave<T>)[]) => { value: T; gradFunc: TfGradFunc<T> }): (...args: T[]) => T;
  tensor(values: Float32Array, shape: number[], dtype: 'float32'): T;
  scalar(value: number, dtype: 'float32'): T;
  zerosLike(x: T): T;
  mul(a: T, b: T): T;
}

/**
 * A fastloss loss as TensorFlow.js sees it. `(yTrue, yPred)` (the order of tfjs and Keras losses), for the losses
 * whose inputs are `pred` and `target`: what `model.compile({ loss })` calls; or one object of named inputs, as
 * fastloss takes them, for every loss (a custom training loop): the tfjs tensors among them are the ones
 * differentiated, the rest (CTC's targets and lengths, say) are passed through as they are. The value is a scalar
 * tensor, or the per-sample losses for reduction 'none'.
 */
export interface TfjsLoss<S extends LossShape = LossShape, T extends TfTensor = TfTensor> {
  (yTrue: T, yPred: T): T;
  (inputs: Readonly<Record<string, unknown>>): T;
  /** The fastloss loss behind it. */
  readonly loss: Loss<S>;
}

const isTfTensor = (x: unknown): x is TfTensor =>
  typeof x === 'object' && x !== null && typeof (x as TfTensor).dataSync === 'function' && Array.isArray((x as TfTensor).shape) && typeof (x as TfTensor).dtype === 'string';

/** A tfjs tensor as a fastloss input: its data (read in place on the cpu and wasm backends) and shape. */
const asInput = (x: TfTensor) => ({ data: x.dataSync() as Float32Array | Int32Array, shape: x.shape });

/** A fastloss output (or gradient) as a float32 tfjs tensor; a fastloss result's data is its own array. */
const asTensor = <T extends TfTensor>(tf: Tfjs<T>, t: OutputTensor): T => tf.tensor(t.data, [...t.shape], 'float32');

export function tfjsLoss<S extends LossShape, T extends TfTensor>(tf: Tfjs<T>, typed: Loss<S>): TfjsLoss<S, T> {
  // inside, any loss: the inputs are assembled at run time (tfjs tensors as { data, shape }, the rest as given)
  const loss = typed as unknown as Loss;
  if (typeof loss !== 'function' || typeof loss.withGrad !== 'function') {
    throw new LossError({ code: 'BAD_OPTION', loss: 'tfjsLoss', argument: 'loss', expected: "a fastloss loss (fl.loss('mse')), after the TensorFlow.js namespace: tfjsLoss(tf, loss)", received: typeof loss === 'string' ? `"${loss}" (a name: pass fl.loss("${loss}"))` : typeof loss });
  }
  const where = `${loss.name} (${loss.framework})`;
  if (typeof tf?.customGrad !== 'function') {
    throw new LossError({ code: 'BAD_OPTION', loss: where, argument: 'tf', expected: 'the TensorFlow.js namespace (import * as tf from "@tensorflow/tfjs")', received: typeof tf });
  }
  const scalar = loss.options.reduction !== 'none';

  const call = (first: unknown, second?: unknown): T => {
    // (yTrue, yPred) are a loss's target and pred; a loss of other inputs refuses them as it refuses any input it
    // does not take (UNKNOWN_INPUT, naming the inputs it takes)
    const named = (isTfTensor(first) ? { target: first, pred: second } : first) as Readonly<Record<string, unknown>>;
    if (typeof named !== 'object' || named === null) {
      throw new LossError({ code: 'MISSING_INPUT', loss: where, argument: 'inputs', expected: '(yTrue, yPred) tensors or one object of named inputs', received: String(named) });
    }
    // the tfjs tensors are customGrad's inputs (each gets a gradient); anything else is passed through
    const names = Object.keys(named).filter((k) => isTfTensor(named[k]));
    const tensors = names.map((k) => named[k] as T);
    const fastlossInputs = (xs: readonly T[]): Inputs => ({ ...named, ...Object.fromEntries(names.map((k, i) => [k, asInput(xs[i]!)])) }) as Inputs;
    const gradients = (xs: readonly T[], grad: Readonly<Record<string, OutputTensor>>, scale: (g: T) => T) =>
      names.map((k, i) => (grad[k] === undefined ? tf.zerosLike(xs[i]!) : scale(asTensor(tf, grad[k]))));
    const f = tf.customGrad((...args) => {
      const xs = args.slice(0, names.length) as T[]; // the inputs; tfjs's save function follows them
      const inputs = fastlossInputs(xs);
      if (scalar) {
        // one pass: the value and the gradient of a scalar loss; the upstream gradient (a scalar) scales it
        const { value, grad } = loss.withGrad(inputs);
        return { value: tf.scalar(value as number, 'float32'), gradFunc: (dy: T) => gradients(xs, grad, (g) => tf.mul(dy, g)) };
      }
      // 'none': the upstream gradient is a tensor of the loss's shape, known only when the gradient is asked for
      return {
        value: asTensor(tf, loss(inputs) as OutputTensor),
        gradFunc: (dy: T) => gradients(xs, loss.withGrad(inputs, { gradOutput: asInput(dy) }).grad, (g) => g),
      };
    });
    return f(...tensors);
  };
  return Object.assign(call, { loss: typed }) as TfjsLoss<S, T>;
}
