/**
 * A loss's declaration: everything about it that is not its math, in one place. The family file that holds
 * its kernels and plain-JS twin declares it (src/losses/<family>.ts, `export const <FAMILY> = { … } as const
 * satisfies Declarations`), and everything else is derived from the declarations: the registry (src/registry.ts:
 * aliases, class and function names, implementations, the suggestions' ranking), the TypeScript types of a
 * literal name (src/types.ts), `fastloss list`, and the alias tables of the README and docs/design.md (printed
 * by `fastloss list --markdown`, checked by test/tables.test.ts).
 *
 * ```ts
 * mean_squared_error: {
 *   aliases: ['mse', 'mean_square_error', 'mean_squared_error'], // lower case, framework-free
 *   frameworks: ['tensorflow', 'pytorch'],                        // default first
 *   family: 'regression', meaning: 'MeanSquaredError; torch MSELoss', rank: 1,
 *   tensorflow: { classes: { MeanSquaredError: {} }, signature: kerasPair<KerasOptions>(), definition: … },
 *   pytorch: { classes: { MSELoss: {} }, functions: { mse_loss: {} }, signature: torchPair<TorchOptions>(), definition: … },
 * },
 * ```
 */

import type { Framework } from '../frameworks.js';
import type { KerasPairInputs, PairInputs } from '../signatures.js';
import type { LossDefinition } from './definition.js';

/** One loss in one framework, as the types see it: its inputs, the inputs withGrad differentiates, its options. */
export interface LossSignature {
  readonly inputs: object;
  readonly grad: string;
  readonly options: object;
}

export interface Sig<I extends object, G extends string, O extends object> {
  readonly inputs: I;
  readonly grad: G;
  readonly options: O;
}

/**
 * What a class or function name of one framework implies beyond its framework. Exact-case class names resolve
 * first; function names (torch.nn.functional's, keras.losses') rank below class names in suggestions.
 */
export interface NameRule {
  /** Options the name fixes: an explicit contradicting value is BAD_OPTION (BCEWithLogitsLoss: fromLogits true). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** Defaults the name implies: HuberLoss is huber with delta (default 1), not SmoothL1Loss's beta. */
  readonly implied?: Readonly<Record<string, unknown>>;
  /** Type only (no value at run time): the options the name narrows the loss to. */
  readonly options?: object;
}

export interface FrameworkDeclaration {
  /** The framework's class names for the loss (torch.nn's, keras.losses'), each implying this framework. */
  readonly classes?: Readonly<Record<string, NameRule>>;
  /** Its function names that are no alias of the table (torch.nn.functional's, keras.losses'). */
  readonly functions?: Readonly<Record<string, NameRule>>;
  /** Type only (no value at run time): inputs, differentiated inputs and options, for the literal-name types. */
  readonly signature: LossSignature;
  /** Inputs, option parsers with their defaults, and bind (kernels, plain-JS twin, engine). */
  readonly definition: LossDefinition;
}

export interface LossDeclaration {
  /** Every framework-free name (lower case; lookup is case-insensitive), the canonical name among them. */
  readonly aliases: readonly string[];
  /** The frameworks it has, the default first. */
  readonly frameworks: readonly Framework[];
  /** The kernel family (the demo's data is chosen by it). */
  readonly family: string;
  /** What it is in each framework (the alias table's last column). */
  readonly meaning: string;
  /** How often people reach for it (0 most): the tie-breaker of "did you mean" suggestions. */
  readonly rank: number;
  /**
   * Where a framework it lacks has the same loss under another canonical name (Keras Poisson and torch
   * PoissonNLLLoss): asked for in that framework, it is refused with that name as the suggestion.
   */
  readonly counterparts?: Readonly<Partial<Record<Framework, string>>>;
  readonly tensorflow?: FrameworkDeclaration;
  readonly pytorch?: FrameworkDeclaration;
}

export type Declarations = Readonly<Record<string, LossDeclaration>>;

/** A signature, for the types only: `undefined` at run time. */
export function signature<I extends object, G extends string, O extends object>(): Sig<I, G, O> {
  return undefined as unknown as Sig<I, G, O>;
}

/** Keras `(y_pred, y_true, sample_weight?)` → `{ pred, target, sampleWeight? }`, differentiating pred. */
export const kerasPair = <O extends object>(): Sig<KerasPairInputs, 'pred', O> => signature<KerasPairInputs, 'pred', O>();

/** PyTorch `(input, target)` → `{ pred, target }`, differentiating pred. */
export const torchPair = <O extends object>(): Sig<PairInputs, 'pred', O> => signature<PairInputs, 'pred', O>();

/** The options a name narrows its loss to, for the types only: `undefined` at run time. */
export function narrowed<O extends object>(): O {
  return undefined as unknown as O;
}
