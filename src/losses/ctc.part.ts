/**
 * The CTC part's code (./parts.ts: loaded with ctc; its declaration is ./ctc.ts). CTC loss with PyTorch 1.13's semantics (torch.nn.CTCLoss, aten/src/ATen/native/LossCTC.cpp;
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
import { floatInput } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { packParams } from '../engines/params.js';
import { bindSequenceLoss, type SequenceBatch } from '../engines/sequences.js';
import { checkInputNames, type Inputs, type LossDefinition } from './definition.js';
import type { LossContext } from '../options.js';
import { binderKey } from '../lazy-parts.js';
import type { Binder, PartCode } from './part-code.js';

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

function prepare(inputs: Inputs, runtime: Runtime, ctx: LossContext, def: LossDefinition, blank: number): SequenceBatch {
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
  return { x: lp, T, N, C, batched, inputLengths: inputLengths.data, targetLengths: targetLengths.data, labels, offsets };
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
  lp: ArrayLike<number>, b: SequenceBatch, n: number, blank: number, grad: Float32Array | null, scale: number, logits: boolean, zeroInfinity: boolean,
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

// ---- binding: the sequences engine (src/engines/sequences.ts) with CTC's validation, kernels and twin ----

const bindCtc: Binder = (options, runtime, ctx, def) => {
  const blank = options.blank as number;
  const zeroInfinity = options.zeroInfinity as boolean;
  const logits = options.gradOf === 'logits';
  return bindSequenceLoss(
    {
      kernels: 'ctc',
      /** The kernels' parameter block (assembly/ctc.ts CtcParams): blank, torch's logits gradient, zero_infinity. */
      params: packParams({ i32: blank }, { i32: logits ? 1 : 0 }, { i32: zeroInfinity ? 1 : 0 }),
      twin: (x, b, n, grad, scale) => logSpaceSequence(x, b, n, blank, grad, scale, logits, zeroInfinity),
      input: 'logProbs',
      reduction: options.reduction as Reduction,
      // torch's ctc_loss 'mean' averages the losses each divided by its target length
      meanPerLabel: true,
      zeroInfinity,
      item: (b) => [b.C],
    },
    runtime,
    ctx,
    (inputs) => prepare(inputs, runtime, ctx, def, blank),
  );
};

/** The CTC part's binder (./ctc.ts declares the loss). */
export const CTC_CODE: PartCode = { [binderKey('ctc', 'pytorch')]: bindCtc };
