/**
 * What a loss family provides for each (canonical loss, framework) it implements: the names of its inputs,
 * its options with their defaults and domains, and `bind`, which turns resolved options into the callable's
 * forward and gradient. Framework semantics live in the family's file; this file holds only the shapes.
 */

import { describe, didYouMean, LossError, type LossErrorCode } from '../errors.js';
import type { LossContext, OptionSpec } from '../options.js';
import type { OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import type { LazyPart } from '../lazy-parts.js';

/** Inputs of a loss call, by name (`{ pred, target }`, …). */
export type Inputs = Readonly<Record<string, unknown>>;

export interface GradOptions {
  /**
   * For reduction 'none': the upstream gradient, shaped like the loss; the gradient returned is that of
   * sum(gradOutput * loss). For a scalar reduction, a number that scales the gradient. Default: ones.
   */
  gradOutput?: unknown;
  /**
   * Where to write gradients, by input name (`{ pred: buffer }`): a Float32Array, or a tensor made by
   * `fl.tensor()`, of the input's size, reused from call to call instead of a new array each time (a new 64 MiB
   * array costs ~35 ms of page faults on first touch here: BENCHMARKS.md). A tensor is written in place by the
   * kernel, with no copy. It must not overlap the inputs. The result's `grad.pred.data` is this buffer.
   */
  out?: Readonly<Record<string, unknown>>;
}

export interface GradResult {
  value: number | OutputTensor;
  grad: Record<string, OutputTensor>;
}

export interface BoundLoss {
  /**
   * Becomes the loss callable itself (its name and options are defined on it): a new function per bind. It takes
   * one argument; a second (`mse(inputs, { reduction: 'sum' })`) is refused by `refuseCallOptions`, never ignored.
   */
  forward(inputs: Inputs, extra?: unknown): number | OutputTensor;
  withGrad(inputs: Inputs, options?: GradOptions): GradResult;
  /** Streaming (`loss.accumulator()`, src/accumulator.ts): how a batch contributes to the reduction. */
  stream: StreamHook;
}

/**
 * What the batches of a stream decide once for all, beyond the shape of an item: Keras hinge's 0/1 → -1/1 label
 * conversion ('labels'), whether a Keras rank-1 pred is one sample ('oneSample'). Rule name → decision; a rule
 * absent is undecided. JSON values: they travel in `acc.state()` (src/accumulator-state.ts).
 */
export type StreamRules = Readonly<Record<string, string | boolean>>;

/** What an accumulator has seen before a batch: the earlier batches' decisions, and the batch's index (messages). */
export interface StreamSeen {
  readonly rules: StreamRules;
  readonly batch: number;
}

/**
 * One batch's contribution to a streamed scalar reduction: the accumulator adds `sum` and `count` over the
 * batches (exactly: src/exact-sum.ts) and the result is `hook.result(sum, count, rules)`, by default 'sum' → sum,
 * any mean → sum / count (count 0: 0 in Keras, divide_no_nan; NaN in PyTorch, the mean of nothing).
 */
export interface BatchStats {
  /** Σ of the batch's values as the reduction sums them: (weighted) per-sample values, f·weight, loss/length, … */
  sum: number;
  /**
   * The batch's share of the mean's divisor: its number of per-sample values (Keras 'sum_over_batch_size',
   * PyTorch 'mean'), Σ of its weights (Keras 'mean_with_sample_weight', PyTorch NLL/CE weighted mean), its
   * number of sequences (CTC 'mean', whose sum is Σ loss / max(targetLength, 1)). Ignored by 'sum'.
   */
  count: number;
  /**
   * The shape of one item along the batch axis (the driving input's shape without axis 0). Every batch of an
   * accumulator must have the same (else SHAPE_MISMATCH): batches are slices of one tensor along axis 0.
   */
  item: readonly number[];
  /** Every rule of the family after this batch (the earlier decisions and this batch's), when it has rules. */
  rules?: StreamRules;
}

/**
 * A first-batch rule (StreamRules): the decisions it can take, and how two that differ are refused (a batch's
 * against its accumulator's, or two merged accumulators'): a LossError of `code` that says each decision with
 * `text`. (A family whose batches adapt to an earlier decision, as Keras hinge's do, returns that decision for
 * them, and refuses a batch that contradicts it itself.)
 */
export interface StreamRule {
  readonly values: readonly (string | boolean)[];
  readonly code: LossErrorCode;
  text(decision: string | boolean): string;
}

/**
 * How a batch contributes to `loss.accumulator()` (src/accumulator.ts). It holds nothing: everything an
 * accumulator knows is in its state (sums, item shape, rules), so that a state can travel and merge.
 */
export interface StreamHook {
  /** A scalar reduction: the batch's statistics (validates the inputs exactly as the loss call does). */
  update(inputs: Inputs, seen: StreamSeen): BatchStats;
  /**
   * Reduction 'none': the batch's values, concatenated along axis 0 by the accumulator, and the rules after it.
   * Default: the loss's forward. A family whose semantics look at the whole tensor checks the rules here (Keras
   * hinge's 0/1 label conversion: the first batch decides, a later batch that contradicts it throws).
   */
  values?(inputs: Inputs, seen: StreamSeen): { values: OutputTensor; rules?: StreamRules };
  /** The result from the totals, when the default rule (see BatchStats) is not the loss's. */
  result?(sum: number, count: number, rules: StreamRules): number;
  /**
   * Reduction 'none' and rank-0 values (one item per call, as unbatched CTC): true stacks them into [k]; false
   * (default) makes a rank-0 'none' value an error, since it is a reduction over the whole batch.
   */
  readonly stacksScalars?: boolean;
  /** The family's first-batch rules, by name: what a state may hold in `rules`. None when absent. */
  readonly rules?: Readonly<Record<string, StreamRule>>;
}

export interface LossDefinition {
  /** Required inputs, in the order messages list them. */
  readonly inputs: readonly string[];
  /** Inputs that may be given (Keras's sampleWeight). */
  readonly optionalInputs: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * Cross-option rules after each option was parsed, e.g. PyTorch huber's beta and delta are two different
   * losses. Receives the option names given explicitly, those a class name implied (HuberLoss: delta), and the
   * resolved options (defaults filled), which it may edit.
   */
  readonly finalize?: (given: ReadonlySet<string>, options: Record<string, unknown>, ctx: LossContext, implied: ReadonlySet<string>) => void;
  readonly bind: (options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext) => BoundLoss;
  /** The part whose code binds it, loaded on demand (./parts.ts); none: the core, always loaded. */
  readonly part?: LazyPart;
}

/**
 * A loss call takes its inputs only: options belong to `fl.loss(name, options)` (or `fl.compute`), and a second
 * argument passed in plain JavaScript would otherwise be dropped without a word (`mse(inputs, { reduction:
 * 'sum' })` returning the mean). Called by every forward with its second argument, when there is one.
 */
export function refuseCallOptions(loss: string, extra: unknown): LossError {
  return new LossError({
    code: 'BAD_OPTION',
    loss,
    argument: 'second argument of the call',
    expected: 'no second argument: a loss is called with its inputs alone; give options to fl.loss(name, options) or fl.compute(name, inputs, options), and withGrad its { gradOutput, out }',
    received: describe(extra),
  });
}

/**
 * Checks the input names of a call: every required one present, nothing unknown (with a suggestion for a
 * near miss, e.g. `preds` → "pred").
 */
export function checkInputNames(inputs: unknown, def: Pick<LossDefinition, 'inputs' | 'optionalInputs'>, loss: string): void {
  const expected = () => `inputs { ${[...def.inputs, ...def.optionalInputs.map((n) => `${n}?`)].join(', ')} }`;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || ArrayBuffer.isView(inputs)) {
    throw new LossError({ code: 'MISSING_INPUT', loss, argument: 'inputs', expected: `an object of named ${expected()}`, received: describe(inputs) });
  }
  for (const key in inputs) {
    if (!def.inputs.includes(key) && !def.optionalInputs.includes(key)) {
      const known = [...def.inputs, ...def.optionalInputs];
      throw new LossError({
        code: 'UNKNOWN_INPUT',
        loss,
        argument: `input "${key}"`,
        expected: expected(),
        received: `an input named "${key}"`,
        ...suggestion(key, known),
      });
    }
  }
  for (const name of def.inputs) {
    if ((inputs as Record<string, unknown>)[name] === undefined) {
      throw new LossError({ code: 'MISSING_INPUT', loss, argument: `input "${name}"`, expected: expected(), received: `no "${name}"` });
    }
  }
}

const GRAD_OPTIONS = ['gradOutput', 'out'] as const;

/** withGrad's second argument: undefined, or an object of gradOutput and out only (a typo is not ignored). */
export function checkGradOptions(options: unknown, loss: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new LossError({ code: 'BAD_OPTION', loss, argument: 'withGrad options', expected: 'an object { gradOutput?, out? } or nothing', received: describe(options) });
  }
  for (const key in options) {
    if (!(GRAD_OPTIONS as readonly string[]).includes(key)) {
      throw new LossError({
        code: 'UNKNOWN_OPTION',
        loss,
        argument: `withGrad option "${key}"`,
        expected: 'gradOutput or out',
        received: `"${key}"`,
        ...suggestion(key, GRAD_OPTIONS),
      });
    }
  }
}

function suggestion(given: string, candidates: readonly string[]): { suggestion?: string } {
  const near = didYouMean(given, candidates);
  return near === undefined ? {} : { suggestion: near };
}
