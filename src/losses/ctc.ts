/**
 * CTC loss with PyTorch 1.13's semantics (torch.nn.CTCLoss, aten/src/ATen/native/LossCTC.cpp;
 * docs/semantics.md §2 ctc). The kernels are assembly/ctc.ts (forward-backward in probability space with exact
 * power-of-two rescaling, f32, vectorised over lattice states, each result checked against the f32 range); this
 * file validates the inputs, lays them out in wasm memory, applies the reduction, and holds the log-space f64
 * path that takes tiny inputs and the rare sequences both kernel paths hand back (f32 rows, then f64 rows: NaN
 * data, -inf that blocks every alignment, ranges beyond f64's).
 *
 * Inputs: logProbs [T, N, C] (or [T, C], unbatched), targets [N, S] padded (entries past targetLengths[n] are
 * ignored) or 1-D concatenated (length Σ targetLengths), inputLengths [N], targetLengths [N]: integers in any
 * array type. Options: blank (0), reduction ('mean': each loss / max(targetLength, 1), then the mean over the
 * batch; 'sum'; 'none'), zeroInfinity (false), gradOf ('logProbs': the true gradient; 'logits': what torch's
 * backward and warp-ctc return, the gradient wrt the logits before log_softmax, grad + s_n·exp(logProbs) on the
 * valid frames).
 */

import { describe, LossError } from '../errors.js';
import { shapeMismatch, type Reduction } from '../reduction.js';
import { Reducer, type ReductionTerms } from '../reducer.js';
import { floatInput, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { gradDestinations, writtenData, type GradDestination } from '../engines/destinations.js';
import { packParams, placeParams } from '../engines/params.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs, type LossDefinition, type StreamHook } from './definition.js';
import { booleanOption, classIndexOption, enumOption, type LossContext, reductionOption } from '../options.js';
import type { CtcInputs, CtcOptions } from '../signatures.js';
import { signature, type Declarations } from './declaration.js';

const INPUTS = ['logProbs', 'targets', 'inputLengths', 'targetLengths'] as const;

/** A validated call: shapes, lengths and the targets, compacted (concatenated) and checked. */
interface Batch {
  lp: FloatInput;
  T: number;
  N: number;
  C: number;
  batched: boolean;
  inputLengths: Int32Array;
  targetLengths: Int32Array;
  /** Every sample's target, concatenated. */
  labels: Int32Array;
  /** Start of sample n's target in `labels`. */
  offsets: Int32Array;
}

// ---- options ----

// ---- input validation ----

/** Integer data (lengths, class indices) from any array type; a non-integer or NaN is BAD_DTYPE naming it. */
function integerInput(value: unknown, runtime: Runtime, where: string, argument: string): { shape: readonly number[]; data: Int32Array } {
  const input = floatInput(value, runtime, where, argument);
  const source = input.array;
  // a copy: an int32 fl.tensor's view would be detached by the memory growth of this very call
  if (source instanceof Int32Array) return { shape: input.shape, data: source.slice() };
  const data = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = source[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > 2147483647) {
      throw new LossError({ code: 'BAD_DTYPE', loss: where, argument: `${argument}[${i}]`, expected: 'an integer', received: describe(v) });
    }
    data[i] = v;
  }
  return { shape: input.shape, data };
}

function badLengths(where: string, argument: string, expected: string, received: string): LossError {
  return new LossError({ code: 'BAD_LENGTHS', loss: where, argument, expected, received });
}

function prepare(inputs: Inputs, runtime: Runtime, ctx: LossContext, def: LossDefinition, blank: number): Batch {
  const where = `${ctx.loss} (${ctx.framework})`;
  checkInputNames(inputs, def, where);
  const lp = floatInput(inputs.logProbs, runtime, where, 'logProbs');
  if (lp.shape.length !== 3 && lp.shape.length !== 2) throw shapeMismatch(ctx, 'logProbs', 'a shape [T, N, C] (or [T, C] for one sequence)', lp.shape);
  const batched = lp.shape.length === 3;
  const T = lp.shape[0]!;
  const N = batched ? lp.shape[1]! : 1;
  const C = lp.shape[lp.shape.length - 1]!;
  if (blank >= C) {
    throw new LossError({ code: 'BAD_OPTION', loss: where, argument: 'option "blank"', expected: `a class index below C = ${C}`, received: String(blank) });
  }
  const inputLengths = integerInput(inputs.inputLengths, runtime, where, 'inputLengths');
  const targetLengths = integerInput(inputs.targetLengths, runtime, where, 'targetLengths');
  for (const [name, x] of [['inputLengths', inputLengths], ['targetLengths', targetLengths]] as const) {
    if (x.data.length !== N || x.shape.length > 1) throw shapeMismatch(ctx, name, `shape [${N}] (one length per sequence)`, x.shape);
  }
  const targets = integerInput(inputs.targets, runtime, where, 'targets');
  for (let n = 0; n < N; n++) {
    const t = inputLengths.data[n]!;
    if (t < 0 || t > T) throw badLengths(where, `inputLengths[${n}]`, `a length in [0, ${T}] (T)`, String(t));
  }
  // padded [N, S] (batched, rank 2; or unbatched, rank 1) or concatenated (batched, rank 1)
  const padded = batched ? targets.shape.length === 2 : targets.shape.length <= 1;
  let total = 0;
  for (let n = 0; n < N; n++) {
    const l = targetLengths.data[n]!;
    if (l < 0) throw badLengths(where, `targetLengths[${n}]`, 'a length >= 0', String(l));
    total += l;
  }
  // What targets may be: for a batch, padded [N, S] or the sequences concatenated; for logProbs [T, C] (one
  // sequence, no batch axis, as torch's unbatched ctc_loss takes it), the one sequence [S].
  const targetForms = batched ? `[${N}, S] (padded) or a 1-D concatenation` : '[S] (one sequence: logProbs [T, C] has no batch axis)';
  if (!batched && targets.shape.length > 1) throw shapeMismatch(ctx, 'targets', targetForms, targets.shape);
  if (padded) {
    const shapeOk = batched ? targets.shape[0] === N : true;
    if (!shapeOk) throw shapeMismatch(ctx, 'targets', targetForms, targets.shape);
    const S = batched ? targets.shape[1]! : targets.data.length;
    for (let n = 0; n < N; n++) {
      const l = targetLengths.data[n]!;
      if (l > S) throw badLengths(where, `targetLengths[${n}]`, `a length in [0, ${S}] (the padded targets' S)`, String(l));
    }
  } else if (targets.data.length !== total) {
    throw badLengths(where, 'targets', `a 1-D concatenation of length ${total} (the sum of targetLengths)`, `length ${targets.data.length}`);
  } else if (targets.shape.length !== 1) {
    throw shapeMismatch(ctx, 'targets', targetForms, targets.shape);
  }
  const S = padded ? (batched ? targets.shape[1]! : targets.data.length) : 0;
  const labels = new Int32Array(total);
  const offsets = new Int32Array(N);
  let pos = 0;
  let src = 0;
  for (let n = 0; n < N; n++) {
    const l = targetLengths.data[n]!;
    if (padded) src = n * S;
    offsets[n] = pos;
    for (let i = 0; i < l; i++, src++) {
      const c = targets.data[src]!;
      if (c < 0 || c >= C || c === blank) {
        throw new LossError({
          code: 'LABEL_OUT_OF_RANGE',
          loss: where,
          argument: padded ? `targets[${batched ? `${n}, ` : ''}${i}] (sample ${n}, position ${i})` : `targets[${src}] (sample ${n}, position ${i})`,
          expected: `a class index in [0, ${C}) other than the blank (${blank})`,
          received: String(c),
        });
      }
      labels[pos++] = c;
    }
  }
  return { lp, T, N, C, batched, inputLengths: inputLengths.data, targetLengths: targetLengths.data, labels, offsets };
}

// ---- the log-space path (f64): tiny inputs, and the sequences the kernel hands back ----

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  if (m !== m) return NaN;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** -ln p of sample n, and (grad !== null) its gradient rows, scaled by `scale`. */
function logSpaceSequence(
  lp: ArrayLike<number>, b: Batch, n: number, blank: number, grad: Float32Array | null, scale: number, logits: boolean, zeroInfinity: boolean,
): number {
  const { N, C } = b;
  const Tn = b.inputLengths[n]!;
  const L = b.targetLengths[n]!;
  const off = b.offsets[n]!;
  const S = 2 * L + 1;
  const cls = (s: number) => (s & 1 ? b.labels[off + (s >> 1)]! : blank);
  const at = (t: number, c: number) => lp[(t * N + n) * C + c]!;
  if (grad !== null) for (let t = 0; t < b.T; t++) grad.fill(0, (t * N + n) * C, (t * N + n + 1) * C);
  let need = L;
  for (let k = 1; k < L; k++) if (b.labels[off + k] === b.labels[off + k - 1]) need++;
  // no alignment (inf; torch's backward gives NaN there, 0 with zero_infinity) or NaN: every valid frame
  const fail = (loss: number) => {
    const fillValue = zeroInfinity && loss === Infinity ? 0 : NaN;
    if (grad !== null) for (let t = 0; t < Tn; t++) grad.fill(fillValue, (t * N + n) * C, (t * N + n + 1) * C);
    return loss;
  };
  if (Tn < need) return fail(Infinity);
  if (Tn === 0) return 0;
  const alpha = new Float64Array(Tn * S).fill(-Infinity);
  alpha[0] = at(0, blank);
  if (L > 0) alpha[1] = at(0, cls(1));
  for (let t = 1; t < Tn; t++) {
    for (let s = 0; s < S; s++) {
      const prev = (t - 1) * S;
      let a = alpha[prev + s]!;
      if (s >= 1) a = logAdd(a, alpha[prev + s - 1]!);
      if (s >= 2 && s & 1 && cls(s) !== cls(s - 2)) a = logAdd(a, alpha[prev + s - 2]!);
      alpha[t * S + s] = a + at(t, cls(s));
    }
  }
  const last = (Tn - 1) * S;
  const logp = L > 0 ? logAdd(alpha[last + S - 1]!, alpha[last + S - 2]!) : alpha[last]!;
  const loss = -logp;
  if (grad === null) return loss;
  if (!Number.isFinite(loss)) return fail(loss);
  // β with the emission at t (eqs (9)-(11)); the posterior of (t, s) is α·β / y
  let beta = new Float64Array(S).fill(-Infinity);
  let next = new Float64Array(S);
  beta[S - 1] = at(Tn - 1, blank);
  if (L > 0) beta[S - 2] = at(Tn - 1, cls(S - 2));
  const acc = new Float64Array(C);
  for (let t = Tn - 1; t >= 0; t--) {
    acc.fill(-Infinity);
    for (let s = 0; s < S; s++) {
      const c = cls(s);
      acc[c] = logAdd(acc[c]!, alpha[t * S + s]! + beta[s]!);
    }
    const row = (t * N + n) * C;
    for (let c = 0; c < C; c++) {
      const x = at(t, c);
      const occupancy = acc[c] === -Infinity ? 0 : Math.exp(acc[c]! - x - logp);
      grad[row + c] = scale * ((logits ? Math.exp(x) : 0) - occupancy);
    }
    if (t === 0) break;
    for (let s = 0; s < S; s++) {
      let v = beta[s]!;
      if (s + 1 < S) v = logAdd(v, beta[s + 1]!);
      if (s + 2 < S && s & 1 && cls(s) !== cls(s + 2)) v = logAdd(v, beta[s + 2]!);
      next[s] = v + at(t - 1, cls(s));
    }
    [beta, next] = [next, beta];
  }
  return loss;
}

// ---- binding ----

export function bindCtc(options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const blank = options.blank as number;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const zeroInfinity = options.zeroInfinity as boolean;
  const logits = options.gradOf === 'logits';
  const where = `${ctx.loss} (${ctx.framework})`;
  const lossKernel = runtime.kernel('ctc_loss_f32');
  const gradKernel = runtime.kernel('ctc_grad_f32');
  const workspace = runtime.kernel('ctc_workspace_f32');
  /** The kernels' parameter block (assembly/ctc.ts CtcParams): blank, torch's logits gradient, zero_infinity. */
  const params = packParams({ i32: blank }, { i32: logits ? 1 : 0 }, { i32: zeroInfinity ? 1 : 0 });

  /** A block of wasm memory; past the engine's limit (4 GiB of wasm32 memory) a LossError, not a RangeError. */
  function alloc(bytes: number): number {
    try {
      return runtime.heap.alloc(bytes);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new LossError({
        code: 'SHAPE_MISMATCH',
        loss: where,
        argument: 'logProbs',
        expected: 'inputs whose workspace (about 12·T·(2S+1) bytes for the longest sequence, twice that if it needs f64 rows) fits in wasm memory (4 GiB in all)',
        received: `a request for ${bytes} bytes`,
      });
    }
  }

  /**
   * Per-sample losses (f64) and, when `scales` is given, the gradient [T, N, C] into `dest` (withGrad's `out`, or
   * a new array). A destination in wasm memory (an fl.tensor) is written by the kernel in place; the workspace
   * blocks taken before may grow memory, so its view is taken again after them.
   */
  function run(b: Batch, scales: Float64Array | null, dest: GradDestination | null): { losses: Float64Array; grad: Float32Array | null } {
    const { T, N, C } = b;
    const losses = new Float64Array(N);
    const size = T * N * C;
    let grad = scales === null ? null : (dest?.array ?? new Float32Array(size));
    const inPlaceGrad = grad !== null && dest !== null && dest.ptr >= 0;
    if (size <= ctx.jsBelow || N === 0) {
      const lp = b.lp.array;
      for (let n = 0; n < N; n++) losses[n] = logSpaceSequence(lp, b, n, blank, grad, scales?.[n] ?? 0, logits, zeroInfinity);
      return { losses, grad };
    }
    const heap = runtime.heap;
    let work = 0;
    for (let n = 0; n < N; n++) work = Math.max(work, workspace(b.inputLengths[n]!, b.targetLengths[n]!, 0));
    // small arrays: labels, offsets, label lengths, input lengths (i32), losses (f64), scales (f32)
    const ints = b.labels.length + 3 * N;
    let lpPtr = b.lp.ptr;
    if (lpPtr < 0 && b.lp.array instanceof Float32Array && b.lp.array.buffer === runtime.buffer()) lpPtr = b.lp.array.byteOffset;
    let small = -1;
    let ws = -1;
    let lpCopy = -1;
    let gradPtr = -1;
    try {
      small = alloc(16 + ints * 4 + 8 * N + 4 * N + 16);
      ws = alloc(Math.max(16, work));
      if (lpPtr < 0) lpCopy = alloc(size * 4);
      if (grad !== null && !inPlaceGrad) gradPtr = alloc(size * 4);
      if (lpCopy >= 0) {
        runtime.f32().set(b.lp.array, lpCopy >> 2);
        lpPtr = lpCopy;
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
        if (scales === null) lossKernel(N, C, lpPtr, labelsPtr, offsetsPtr, labelLensPtr, inputLensPtr, p, ws, lossesPtr, wide);
        else gradKernel(T, N, C, lpPtr, labelsPtr, offsetsPtr, labelLensPtr, inputLensPtr, p, ws, lossesPtr, inPlaceGrad ? dest!.ptr : gradPtr, scalesPtr, wide);
      };
      kernel(0);
      losses.set(new Float64Array(runtime.buffer(), lossesPtr, N));
      // Sequences the f32 path handed back (NaN: a frame's mass left the f32 range): again with f64 rows, then,
      // if that fails too (or the data hold NaN), in log space.
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
          const lp = runtime.f32().subarray(lpPtr >> 2, (lpPtr >> 2) + size);
          losses[n] = logSpaceSequence(lp, b, n, blank, grad, scales?.[n] ?? 0, logits, zeroInfinity);
        }
      }
    } finally {
      if (small >= 0) heap.free(small);
      if (ws >= 0) heap.free(ws);
      if (lpCopy >= 0) heap.free(lpCopy);
      if (gradPtr >= 0) heap.free(gradPtr);
    }
    return { losses, grad };
  }

  function applyZeroInfinity(losses: Float64Array): void {
    if (zeroInfinity) for (let n = 0; n < losses.length; n++) if (losses[n] === Infinity) losses[n] = 0;
  }

  /** One value per sequence ([N], or [] unbatched), the mean over the sequences (torch's divisor N). */
  const terms = (b: Batch): ReductionTerms => ({ count: b.N, shape: b.batched ? [b.N] : [] });

  /**
   * What the reduction sums for sequence n: its loss, or for a mean the loss / max(targetLength, 1) (torch's
   * ctc_loss 'mean' averages the length-normalised losses), in float64.
   */
  const summand = (b: Batch, losses: Float64Array, n: number): number => (reducer.averages ? losses[n]! / Math.max(b.targetLengths[n]!, 1) : losses[n]!);

  function reduce(b: Batch, losses: Float64Array): number | OutputTensor {
    const t = terms(b);
    if (reducer.keepsValues) return reducer.value(t, Float32Array.from(losses));
    let sum = 0;
    for (let n = 0; n < b.N; n++) sum += summand(b, losses, n);
    return reducer.fromSum(t, sum); // NaN for an empty batch, as torch's mean of nothing
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(`${ctx.loss} (${ctx.framework})`, extra);
    const b = prepare(inputs, runtime, ctx, def, blank);
    const { losses } = run(b, null, null);
    applyZeroInfinity(losses);
    return reduce(b, losses);
  }

  function withGrad(inputs: Inputs, gradOptions?: GradOptions): GradResult {
    checkGradOptions(gradOptions, where);
    const b = prepare(inputs, runtime, ctx, def, blank);
    const dest = gradDestinations(gradOptions?.out, [{ name: 'logProbs', size: b.T * b.N * b.C }], [b.lp], runtime, ctx).logProbs!;
    // d result / d loss_n: the reducer's factor (1/N for a mean) times the summand's 1/max(targetLength, 1), or
    // the upstream gradient of 'none'
    const g = reducer.gradScale(terms(b), reducer.upstream(gradOptions?.gradOutput, terms(b), runtime));
    const scales = new Float64Array(b.N);
    for (let n = 0; n < b.N; n++) scales[n] = g.rowScale !== null ? g.rowScale[n]! : reducer.averages ? g.scale / Math.max(b.targetLengths[n]!, 1) : g.scale;
    const { losses, grad } = run(b, scales, dest);
    applyZeroInfinity(losses);
    return { value: reduce(b, losses), grad: { logProbs: { data: grad!, shape: [...b.lp.shape] } } };
  }

  // Streaming: Σ of what the reduction sums (loss, or loss / max(targetLength, 1) for 'mean') and the number of
  // sequences; an unbatched call is one sequence, stacked by 'none'.
  const stream: StreamHook = {
    stacksScalars: true,
    update(inputs: Inputs): BatchStats {
      const b = prepare(inputs, runtime, ctx, def, blank);
      const { losses } = run(b, null, null);
      applyZeroInfinity(losses);
      let sum = 0;
      for (let n = 0; n < b.N; n++) sum += summand(b, losses, n);
      return { ...reducer.stats(terms(b), sum), item: [b.C] };
    },
  };

  return { forward, withGrad, stream };
}

const definition: LossDefinition = {
  inputs: INPUTS,
  optionalInputs: [],
  options: {
    reduction: reductionOption('pytorch'),
    blank: classIndexOption(0),
    zeroInfinity: booleanOption(false),
    gradOf: enumOption(['logProbs', 'logits'], 'logProbs'),
  },
  bind: (options, runtime, ctx) => bindCtc(options, runtime, ctx, definition),
};

/**
 * CTC loss (ctc, CTCLoss; PyTorch only): `-ln p(targets | logProbs)` per sequence, summed over every alignment
 * (Graves et al. 2006), with torch's reductions, blank, zero_infinity. `withGrad` returns `grad.logProbs`.
 * No alignment (inputLength < targetLength + adjacent equal labels): inf, and NaN gradient rows on the valid
 * frames as torch (0 and zero rows with zeroInfinity). Where torch 1.13 is undefined or NaN, this gives the
 * mathematical answer: an input length of 0 is 0 for an empty target and inf otherwise (torch reads out of
 * bounds), and a logProbs entry of -inf on a finite loss has gradient 0 (torch: NaN).
 * @example fl.loss('ctc')({ logProbs, targets, inputLengths, targetLengths })
 */
/** The CTC family's declaration. */
export const CTC = {
  ctc: {
    aliases: ['ctc'],
    frameworks: ['pytorch'],
    family: 'ctc',
    meaning: 'CTCLoss',
    rank: 11,
    pytorch: { classes: { CTCLoss: {} }, functions: { ctc_loss: {} }, signature: signature<CtcInputs, 'logProbs', CtcOptions>(), definition },
  },
} as const satisfies Declarations;
