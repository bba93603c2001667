/**
 * Streaming evaluation: `loss.accumulator()` takes a tensor in batches (slices along axis 0) and returns what the
 * loss returns on their concatenation, to 1e-6. A scalar reduction keeps two exact sums (Σ and the mean's
 * divisor, from each family's StreamHook: src/losses/definition.ts; exact: src/exact-sum.ts), so memory does not
 * grow with the data; reduction 'none' concatenates the batches' values, so it keeps them all (mode
 * 'concatenate').
 *
 * An accumulator's state is plain JSON (`state()`, src/accumulator-state.ts): it resumes elsewhere and merges
 * (`merge()`), so a dataset can be evaluated in shards by workers, processes or machines. Since the sums are
 * exact, merging the same batches in any grouping and order gives the same result bit for bit.
 */

import { concatenated, emptyHeld, encodeOptions, readState, writeState, checkConfig, type Config, type Held } from './accumulator-state.js';
import { LossError } from './errors.js';
import type { Framework } from './frameworks.js';
import { refuseCallOptions, type BoundLoss, type Inputs, type StreamRules } from './losses/definition.js';
import { shapeString } from './tensor.js';
import type { Accumulator } from './types.js';
import { Reducer } from './reducer.js';
import type { Reduction } from './reduction.js';

/** The accumulators this module made, with what they hold: merge() reads another one directly, not through JSON. */
const internals = new WeakMap<object, { config: Config; held: Held }>();

/**
 * A new accumulator of a bound loss; given a state (an accumulator's, or its state()), it starts from it
 * (`loss.accumulator(state)`), checked as merge() checks what it merges.
 */
export function createAccumulator(bound: BoundLoss, loss: string, framework: Framework, options: Readonly<Record<string, unknown>>, state?: unknown): Accumulator {
  const where = `${loss} (${framework})`;
  const reduction = options.reduction as string;
  const reducer = new Reducer(framework, reduction as Reduction, { loss, framework, jsBelow: 0 });
  const concatenate = reducer.keepsValues;
  const hook = bound.stream;
  const config: Config = { loss, framework, reduction, options: encodeOptions(options), hook };
  let held = emptyHeld();
  // What a batch's hook is told of the earlier ones: one object, refilled for each batch (a hook reads it during
  // its call only), so that a stream of small batches does not allocate one per update.
  const seen: { rules: StreamRules; batch: number } = { rules: held.rules, batch: 0 };

  /** Items of `shape` (null: none yet) against this accumulator's: one shape along axis 0, fixed by the first batch. */
  function checkItem(shape: readonly number[] | null, argument: string, mine = 'the first batch'): void {
    const item = held.item;
    if (item !== null && shape !== null && !sameShape(shape, item)) {
      throw new LossError({
        code: 'SHAPE_MISMATCH',
        loss: where,
        argument,
        expected: `items of shape ${shapeString(item)} along axis 0, as ${mine}`,
        received: `items of shape ${shapeString(shape)}`,
      });
    }
  }

  /** This accumulator's rules with others' (a batch's, a merged one's): decided on one side only, that decision; on both, the same. */
  function combine(theirs: StreamRules, argument: string): StreamRules {
    const rules: Record<string, string | boolean> = { ...held.rules };
    for (const [name, decision] of Object.entries(theirs)) {
      const ours = rules[name];
      const rule = hook.rules![name]!;
      if (ours !== undefined && ours !== decision) {
        throw new LossError({ code: rule.code, loss: where, argument, expected: `${rule.text(ours)}, as this accumulator's batches`, received: rule.text(decision) });
      }
      rules[name] = decision;
    }
    return rules;
  }

  /** Adds what another accumulator holds (checked against this one's configuration): merge and resume. */
  function absorb(theirs: Held, argument: string): void {
    checkItem(theirs.item, argument, "this accumulator's batches");
    const rules = combine(theirs.rules, argument);
    // Every check is done: from here nothing throws, so a refused merge leaves this accumulator as it was.
    held.item ??= theirs.item === null ? null : [...theirs.item];
    held.rules = rules;
    if (concatenate) held.parts.push(...theirs.parts);
    else {
      held.sum.addAll(theirs.sum);
      held.count.addAll(theirs.count);
    }
    held.batches += theirs.batches;
  }

  /** Merges an accumulator or a state, `argument` naming it in messages ('other' for merge, 'state' for resume). */
  function take(other: unknown, argument: string): void {
    const at = { loss: where, argument };
    const theirs = internals.get(other as object);
    if (theirs === undefined) {
      // a state, or an accumulator of another copy of this module (its state() then)
      const state = typeof (other as { state?: unknown } | null)?.state === 'function' ? (other as { state(): unknown }).state() : other;
      absorb(readState(at, state, config), argument);
      return;
    }
    // another accumulator of this module: no JSON, but the same check of its configuration
    if (theirs.config !== config) checkConfig(at, { ...configOf(theirs.config) }, config);
    absorb(theirs.held, argument); // itself too: ExactSum.addAll and the spread of parts copy before they add
  }

  const acc: Accumulator = {
    update(batch: Inputs, extra?: unknown) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      seen.rules = held.rules;
      seen.batch = held.batches;
      let rules: StreamRules | undefined;
      if (concatenate) {
        const made = hook.values?.(batch, seen);
        const out = made === undefined ? bound.forward(batch) : made.values;
        if (typeof out === 'number') throw new Error(`${where}: reduction 'none' returned a number`); // unreachable
        if (out.shape.length === 0 && hook.stacksScalars !== true) {
          throw new LossError({
            code: 'SHAPE_MISMATCH',
            loss: where,
            argument: `batch ${held.batches}`,
            expected: "inputs with a batch axis (this call's 'none' value has shape [], a reduction over the whole batch, which does not concatenate)",
            received: 'a value of shape []',
          });
        }
        checkItem(out.shape.slice(1), `batch ${held.batches} (its values)`);
        rules = made?.rules && combine(made.rules, `batch ${held.batches}`);
        held.parts.push({ data: out.data.slice(), shape: [...out.shape] }); // a copy: the caller may reuse the arrays it gave
        held.item ??= out.shape.slice(1);
      } else {
        const stats = hook.update(batch, seen);
        checkItem(stats.item, `batch ${held.batches} (its inputs)`);
        rules = stats.rules && combine(stats.rules, `batch ${held.batches}`);
        held.sum.add(stats.sum);
        held.count.add(stats.count);
        held.item ??= [...stats.item];
      }
      // Committed only once the batch is accepted: a refused batch decides nothing.
      if (rules !== undefined) held.rules = rules;
      held.batches++;
      return acc;
    },
    result() {
      if (concatenate) return concatenated(held);
      const sum = held.sum.value();
      const count = held.count.value();
      if (hook.result !== undefined) return hook.result(sum, count, held.rules);
      return reducer.result(sum, count);
    },
    reset() {
      held = emptyHeld();
    },
    state() {
      return writeState(config, held);
    },
    merge(other: unknown) {
      take(other, 'other');
      return acc;
    },
    get batches() {
      return held.batches;
    },
    mode: concatenate ? 'concatenate' : 'reduce',
  };
  internals.set(acc, {
    config,
    get held() {
      return held;
    },
  });
  if (state !== undefined) take(state, 'state');
  return acc;
}

function configOf(c: Config): Record<string, unknown> {
  return { loss: c.loss, framework: c.framework, reduction: c.reduction, options: c.options };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
