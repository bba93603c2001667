/**
 * Options: where a loss is being resolved (its context, for messages), and the parsers of option values that
 * every family shares. Each parser checks a given value, returns it normalized, and throws BAD_OPTION naming the
 * loss, the option, the domain and what came (Keras's `standardize_reduction` habit). Parsers that read tensors
 * (PyTorch's weight) live with the family that reads them; the reduction option lives in reduction.ts.
 */

import { describe, LossError, oneOf } from './errors.js';
import type { Framework } from './frameworks.js';

/** Where the loss is being resolved, for messages. */
export interface LossContext {
  /** Canonical name. */
  readonly loss: string;
  readonly framework: Framework;
  /** Tuning: inputs with at most this many elements take the plain-JS path (0 = always wasm). */
  readonly jsBelow: number;
}

export interface OptionSpec {
  /** Filled in when the option is not given; `undefined`: absent unless given. */
  readonly default?: unknown;
  /** Checks a given value and returns it normalized; throws BAD_OPTION. */
  readonly parse: (value: unknown, ctx: LossContext, name: string) => unknown;
}

export function badOption(ctx: LossContext, name: string, expected: string, value: unknown, suggestion?: string): LossError {
  return new LossError({
    code: 'BAD_OPTION',
    loss: `${ctx.loss} (${ctx.framework})`,
    argument: `option "${name}"`,
    expected,
    received: describe(value),
    ...(suggestion === undefined ? {} : { suggestion }),
  });
}

/** A finite number within [min, ∞) (`open` excludes min): Keras's delta, torch's beta and eps. */
export function numberOption(defaultValue: number | undefined, min: number, open = false): OptionSpec {
  const domain = `a finite number ${open ? '>' : '>='} ${min}`;
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'number' || !Number.isFinite(value) || (open ? value <= min : value < min)) {
        throw badOption(ctx, name, domain, value);
      }
      return value;
    },
  };
}

/** Any finite number (torch's margins are unconstrained floats). */
export function finiteOption(defaultValue: number): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badOption(ctx, name, 'a finite number', value);
      return value;
    },
  };
}

/** One of a closed set of strings, with a suggestion for a near miss (Keras's standardize_reduction). */
export function enumOption(values: readonly string[], defaultValue: string): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'string' || !values.includes(value)) {
        const near = typeof value === 'string' ? nearest(value, values) : undefined;
        throw badOption(ctx, name, oneOf(values), value, near);
      }
      return value;
    },
  };
}

function nearest(value: string, values: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  return values.find((v) => v === lower) ?? values.find((v) => v.startsWith(lower) || lower.startsWith(v));
}

export function booleanOption(defaultValue: boolean): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'boolean') throw badOption(ctx, name, 'true or false', value);
      return value;
    },
  };
}

/** An integer (PyTorch's ignore_index, Keras's axis); a default of `null`: null means none, and is accepted. */
export function integerOption(defaultValue: number | null | undefined): OptionSpec {
  return {
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    parse(value, ctx, name) {
      if (value === null && defaultValue === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badOption(ctx, name, defaultValue === null ? 'an integer or null' : 'an integer', value);
      return value;
    },
  };
}

/** A class index, an integer >= 0 (CTC's blank). */
export function classIndexOption(defaultValue: number): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw badOption(ctx, name, 'an integer >= 0 (a class index)', value);
      return value;
    },
  };
}

/** An integer axis (CosineSimilarity's), checked against the rank at call time. */
export function axisOption(defaultValue: number): OptionSpec {
  return {
    default: defaultValue,
    parse(value, ctx, name) {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badOption(ctx, name, 'an integer axis', value);
      return value;
    },
  };
}

/** A label-smoothing amount in [0, 1] (Keras and PyTorch both reject values outside). */
export const smoothingOption: OptionSpec = {
  default: 0,
  parse(value, ctx, name) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw badOption(ctx, name, 'a number in [0, 1]', value);
    return value;
  },
};
