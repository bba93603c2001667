/**
 * The sequences engine: a batch of N sequences of frames over C classes, laid out time-major [T, N, C] (torch's
 * CTCLoss layout), each sequence with its own length and label sequence, one loss per sequence. A family gives a
 * validated batch (its own checks of lengths and labels), its kernels and their parameter block, and a float64
 * twin of one sequence; the engine lays the batch out in wasm memory, runs the kernels, and takes back the
 * sequences they hand back, then reduces with the reducer (src/reducer.ts).
 *
 * The ladder, from cheap to exact: the kernel's f32 rows; for a sequence whose f32 path handed back NaN (a
 * frame's mass left the f32 range), the kernel again with f64 rows (`wide` = 1); for one that fails that too,
 * or whose data hold NaN, the family's float64 twin. A batch of at most `jsBelow` elements goes to the twin
 * straight away (no wasm memory touched).
 *
 * Kernel ABI (assembly/ctc.ts): `<k>_loss_f32(N, C, x, labels, offsets, labelLens, inputLens, params, work,
 * losses, wide)`, `<k>_grad_f32(T, N, C, x, labels, offsets, labelLens, inputLens, params, work, losses, grad,
 * scales, wide)`, `<k>_workspace_f32(inputLen, labelLen, wide)` → bytes of workspace one sequence needs. The
 * losses are f64, NaN for a sequence the kernel hands back; the gradient is scaled per sequence by `scales`.
 */

import { LossError } from '../errors.js';
import type { Reduction } from '../reduction.js';
import { Reducer, type ReductionTerms } from '../reducer.js';
import type { FloatInput, OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import type { KernelName } from '../kernels.js';
import { checkGradOptions, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs, type StreamHook } from '../losses/definition.js';
import type { LossContext } from '../options.js';
import { gradDestinations, writtenData, type GradDestination } from './destinations.js';
import { placeParams, type KernelParams } from './params.js';

/** A validated batch: the frames, the lengths, and every sequence's labels concatenated. */
export interface SequenceBatch {
  /** The frames, [T, N, C] (or [T, C] for one sequence without a batch axis). */
  readonly x: FloatInput;
  readonly T: number;
  readonly N: number;
  readonly C: number;
  /** False for [T, C]: the value of 'none' is then a scalar. */
  readonly batched: boolean;
  readonly inputLengths: Int32Array;
  readonly targetLengths: Int32Array;
  /** Every sequence's labels, concatenated. */
  readonly labels: Int32Array;
  /** Start of sequence n's labels in `labels`. */
  readonly offsets: Int32Array;
}

/** The prefixes of the sequence kernels: each `<p>` exported as `<p>_loss_f32`, `<p>_grad_f32`, `<p>_workspace_f32`. */
export type SequenceKernels = {
  [K in KernelName]: K extends `${infer P}_workspace_f32` ? (`${P}_loss_f32` | `${P}_grad_f32` extends KernelName ? P : never) : never;
}[KernelName];

/**
 * The float64 twin of one sequence: its loss, and (grad !== null) its gradient rows written into `grad` ([T, N,
 * C], the other sequences' rows untouched), scaled by `scale`.
 */
export type SequenceTwin = (x: ArrayLike<number>, b: SequenceBatch, n: number, grad: Float32Array | null, scale: number) => number;

export interface SequenceLoss {
  readonly kernels: SequenceKernels;
  /** The kernels' parameter block, packed at bind. */
  readonly params: KernelParams;
  readonly twin: SequenceTwin;
  /** The differentiated input's name (the gradient's key and the name in messages): 'logProbs'. */
  readonly input: string;
  readonly reduction: Reduction;
  /** A mean of the losses each divided by max(labels length, 1) (torch's ctc_loss 'mean'), not a plain mean. */
  readonly meanPerLabel: boolean;
  /** A loss of +inf (no alignment) counts as 0, and so does its gradient (torch's zero_infinity). */
  readonly zeroInfinity: boolean;
  /** The stream's item shape (what 'none' stacks per sequence, beyond the batch axis). */
  readonly item: (b: SequenceBatch) => number[];
}

export function bindSequenceLoss(spec: SequenceLoss, runtime: Runtime, ctx: LossContext, prepare: (inputs: Inputs) => SequenceBatch): BoundLoss {
  const reducer = new Reducer(ctx.framework, spec.reduction, ctx);
  const where = `${ctx.loss} (${ctx.framework})`;
  const lossKernel = runtime.kernel(`${spec.kernels}_loss_f32`);
  const gradKernel = runtime.kernel(`${spec.kernels}_grad_f32`);
  const workspace = runtime.kernel(`${spec.kernels}_workspace_f32`);
  const { params, twin, zeroInfinity } = spec;

  /** A block of wasm memory; past the engine's limit (4 GiB of wasm32 memory) a LossError, not a RangeError. */
  function alloc(bytes: number): number {
    try {
      return runtime.heap.alloc(bytes);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new LossError({
        code: 'SHAPE_MISMATCH',
        loss: where,
        argument: spec.input,
        expected: 'inputs whose workspace (about 12·T·(2S+1) bytes for the longest sequence, twice that if it needs f64 rows) fits in wasm memory (4 GiB in all)',
        received: `a request for ${bytes} bytes`,
      });
    }
  }

  /**
   * Per-sequence losses (f64) and, when `scales` is given, the gradient [T, N, C] into `dest` (withGrad's `out`,
   * or a new array). A destination in wasm memory (an fl.tensor) is written by the kernel in place; the workspace
   * blocks taken before may grow memory, so its view is taken again after them.
   */
  function run(b: SequenceBatch, scales: Float64Array | null, dest: GradDestination | null): { losses: Float64Array; grad: Float32Array | null } {
    const r = ladder(b, scales, dest);
    if (zeroInfinity) for (let n = 0; n < b.N; n++) if (r.losses[n] === Infinity) r.losses[n] = 0;
    return r;
  }

  /** The kernels' f32 rows, their f64 rows for what those hand back, the twin for the rest (the header). */
  function ladder(b: SequenceBatch, scales: Float64Array | null, dest: GradDestination | null): { losses: Float64Array; grad: Float32Array | null } {
    const { T, N, C } = b;
    const losses = new Float64Array(N);
    const size = T * N * C;
    let grad = scales === null ? null : (dest?.array ?? new Float32Array(size));
    const inPlaceGrad = grad !== null && dest !== null && dest.ptr >= 0;
    if (size <= ctx.jsBelow || N === 0) {
      const x = b.x.array;
      for (let n = 0; n < N; n++) losses[n] = twin(x, b, n, grad, scales?.[n] ?? 0);
      return { losses, grad };
    }
    const heap = runtime.heap;
    let work = 0;
    for (let n = 0; n < N; n++) work = Math.max(work, workspace(b.inputLengths[n]!, b.targetLengths[n]!, 0));
    // small arrays: labels, offsets, label lengths, input lengths (i32), losses (f64), scales (f32)
    const ints = b.labels.length + 3 * N;
    let xPtr = b.x.ptr;
    if (xPtr < 0 && b.x.array instanceof Float32Array && b.x.array.buffer === runtime.buffer()) xPtr = b.x.array.byteOffset;
    let small = -1;
    let ws = -1;
    let xCopy = -1;
    let gradPtr = -1;
    try {
      small = alloc(16 + ints * 4 + 8 * N + 4 * N + 16);
      ws = alloc(Math.max(16, work));
      if (xPtr < 0) xCopy = alloc(size * 4);
      if (grad !== null && !inPlaceGrad) gradPtr = alloc(size * 4);
      if (xCopy >= 0) {
        runtime.f32().set(b.x.array, xCopy >> 2);
        xPtr = xCopy;
      }
      const i32 = runtime.i32();
      const labelsPtr = small;
      const offsetsPtr = labelsPtr + b.labels.length * 4;
      const labelLensPtr = offsetsPtr + N * 4;
      const inputLensPtr = labelLensPtr + N * 4;
      const lossesPtr = (inputLensPtr + N * 4 + 7) & ~7;
      const scalesPtr = lossesPtr + N * 8;
      i32.set(b.labels, labelsPtr >> 2);
      i32.set(b.offsets, offsetsPtr >> 2);
      i32.set(b.targetLengths, labelLensPtr >> 2);
      i32.set(b.inputLengths, inputLensPtr >> 2);
      if (scales !== null) runtime.f32().set(scales, scalesPtr >> 2);
      const kernel = (wide: number) => {
        const p = placeParams(runtime, params);
        if (scales === null) lossKernel(N, C, xPtr, labelsPtr, offsetsPtr, labelLensPtr, inputLensPtr, p, ws, lossesPtr, wide);
        else gradKernel(T, N, C, xPtr, labelsPtr, offsetsPtr, labelLensPtr, inputLensPtr, p, ws, lossesPtr, inPlaceGrad ? dest!.ptr : gradPtr, scalesPtr, wide);
      };
      kernel(0);
      losses.set(new Float64Array(runtime.buffer(), lossesPtr, N));
      // Sequences the f32 path handed back: again with f64 rows, then, if that fails too (or the data hold
      // NaN), in the float64 twin.
      let wideWork = 0;
      for (let n = 0; n < N; n++) {
        if (losses[n] !== losses[n]) wideWork = Math.max(wideWork, workspace(b.inputLengths[n]!, b.targetLengths[n]!, 1));
      }
      if (wideWork > 0) {
        if (wideWork > work) {
          heap.free(ws);
          ws = -1;
          ws = alloc(wideWork);
        }
        kernel(1);
        losses.set(new Float64Array(runtime.buffer(), lossesPtr, N));
      }
      if (inPlaceGrad) grad = writtenData(runtime, dest!, size);
      else if (grad !== null) grad.set(runtime.f32().subarray(gradPtr >> 2, (gradPtr >> 2) + size));
      for (let n = 0; n < N; n++) {
        if (losses[n] !== losses[n]) {
          const x = runtime.f32().subarray(xPtr >> 2, (xPtr >> 2) + size);
          losses[n] = twin(x, b, n, grad, scales?.[n] ?? 0);
        }
      }
    } finally {
      if (small >= 0) heap.free(small);
      if (ws >= 0) heap.free(ws);
      if (xCopy >= 0) heap.free(xCopy);
      if (gradPtr >= 0) heap.free(gradPtr);
    }
    return { losses, grad };
  }

  /** One value per sequence ([N], or [] unbatched); a mean's divisor is the number of sequences. */
  const terms = (b: SequenceBatch): ReductionTerms => ({ count: b.N, shape: b.batched ? [b.N] : [] });

  /** What the reduction sums for sequence n: its loss, or for a per-label mean its loss / max(labels, 1), in float64. */
  const summand = (b: SequenceBatch, losses: Float64Array, n: number): number =>
    spec.meanPerLabel && reducer.averages ? losses[n]! / Math.max(b.targetLengths[n]!, 1) : losses[n]!;

  function sumOf(b: SequenceBatch, losses: Float64Array): number {
    let sum = 0;
    for (let n = 0; n < b.N; n++) sum += summand(b, losses, n);
    return sum;
  }

  function reduce(b: SequenceBatch, losses: Float64Array): number | OutputTensor {
    const t = terms(b);
    if (reducer.keepsValues) return reducer.value(t, Float32Array.from(losses));
    return reducer.fromSum(t, sumOf(b, losses)); // NaN for an empty batch's mean, as torch's mean of nothing
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const b = prepare(inputs);
    return reduce(b, run(b, null, null).losses);
  }

  function withGrad(inputs: Inputs, gradOptions?: GradOptions): GradResult {
    checkGradOptions(gradOptions, where);
    const b = prepare(inputs);
    const dest = gradDestinations(gradOptions?.out, [{ name: spec.input, size: b.T * b.N * b.C }], [b.x], runtime, ctx)[spec.input]!;
    // d result / d loss_n: the reducer's factor (1/N for a mean) times a per-label mean's 1/max(labels, 1), or the
    // upstream gradient of 'none'
    const g = reducer.gradScale(terms(b), reducer.upstream(gradOptions?.gradOutput, terms(b), runtime));
    const perLabel = spec.meanPerLabel && reducer.averages;
    const scales = new Float64Array(b.N);
    for (let n = 0; n < b.N; n++) scales[n] = g.rowScale !== null ? g.rowScale[n]! : perLabel ? g.scale / Math.max(b.targetLengths[n]!, 1) : g.scale;
    const { losses, grad } = run(b, scales, dest);
    return { value: reduce(b, losses), grad: { [spec.input]: { data: grad!, shape: [...b.x.shape] } } };
  }

  // Streaming: Σ of what the reduction sums and the number of sequences; an unbatched call is one sequence,
  // stacked by 'none'.
  const stream: StreamHook = {
    stacksScalars: true,
    update(inputs: Inputs): BatchStats {
      const b = prepare(inputs);
      const { losses } = run(b, null, null);
      return { ...reducer.stats(terms(b), sumOf(b, losses)), item: spec.item(b) };
    },
  };

  return { forward, withGrad, stream };
}
