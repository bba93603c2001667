/**
 * Options: where a loss is being resolved (its context, for messages), and the parsers of option values that
 * every family shares. Each parser checks a given value, returns it normalized, and throws BAD_OPTION naming the
 * loss, the option, the domain and what came (Keras's `standardize_reduction` habit). Every parser of every
 * family is here, the reduction's and the tensor-valued ones (PyTorch's weight, pos_weight) included.
 */

import { describe, LossError, oneOf } from './errors.js';
import type { Framework } from './frameworks.js';
import { floatInput, type FloatInput } from './tensor.js';
import type { Runtime } from './wasm.js';

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

// ---- the reduction, and tensor-valued options ----

const KERAS_REDUCTIONS = ['sum_over_batch_size', 'sum', 'none', 'mean', 'mean_with_sample_weight'] as const;
const TORCH_REDUCTIONS = ['mean', 'sum', 'none'] as const;

/** The `reduction` option of a framework, default first (Keras 'sum_over_batch_size', PyTorch 'mean'). */
export function reductionOption(framework: Framework, extra: readonly string[] = []): OptionSpec {
  const values = [...new Set([...(framework === 'tensorflow' ? KERAS_REDUCTIONS : TORCH_REDUCTIONS), ...extra])];
  return enumOption(values, values[0]!);
}

/** A float array option (PyTorch's weight, pos_weight): kept as a Float32Array; its length is checked per call. */
export const weightOption: OptionSpec = {
  parse(value, ctx, name) {
    const where = `${ctx.loss} (${ctx.framework})`;
    let input: FloatInput;
    try {
      // Options are parsed before any call; the data is copied out below, so no runtime is needed to read it (a
      // tensor of any instance is read through its view).
      input = floatInput(value, null as unknown as Runtime, where, `option "${name}"`);
    } catch {
      throw badOption(ctx, name, 'a tensor or array of numbers', value);
    }
    const data = Float32Array.from(input.array);
    return Object.freeze({ data, shape: Object.freeze([...input.shape]) });
  },
};

export interface WeightTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}
