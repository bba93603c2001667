/**
 * The public types of a loss called by a literal name: which inputs it takes, which options (per framework),
 * and what it returns (`number` for a scalar reduction, a tensor for 'none'). Types only: nothing here exists
 * at run time. The runtime registry (src/registry.ts: ALIASES, CLASS_NAMES, and each family's definitions) is
 * the truth; test/consumer-types.test.ts checks these tables against it name by name, input by input and
 * option by option, so the two cannot drift apart.
 *
 * ```ts
 * const mse = fl.loss('mse', { framework: 'pytorch' });   // Loss<{ inputs: PairInputs; value: number; … }>
 * mse({ pred, target });                                  // number
 * fl.loss('mse', { reduction: 'none' })({ pred, target }); // OutputTensor
 * fl.loss('mse', { reducton: 'sum' });                    // compile error: no option "reducton"
 * fl.loss(nameFromConfig, options);                       // a non-literal name: the loose types (Loss)
 * ```
 */

import type { Framework } from './frameworks.js';
import type { Inputs } from './losses/definition.js';
import type { LossSignature, Sig } from './losses/declaration.js';
import type { Canonical, LOSSES } from './registry.js';
import type { OutputTensor, TensorLike, WasmTensor } from './tensor.js';
import type { FrameworkName, FrameworkOfName, FrameworkSpelling, Reduction } from './signatures.js';

/**
 * `loss.accumulator()`: a loss over batches (src/accumulator.ts), whose state travels as JSON and merges. V: the
 * result (number, or OutputTensor for 'none'); I: the inputs of a batch; C, F: the canonical loss and framework
 * (a state or accumulator of another loss does not type-check as an argument of merge).
 */
export interface Accumulator<V = number | OutputTensor, I = Inputs, C extends Canonical = Canonical, F extends Framework = Framework> {
  /** Adds one batch (every batched input sliced alike along axis 0). Returns the accumulator. */
  update(batch: I): Accumulator<V, I, C, F>;
  /** The loss over every batch so far (the loss of an empty batch before any). Does not reset. */
  result(): V;
  /** Forgets every batch, and anything the first batch decided. */
  reset(): void;
  /**
   * Everything the accumulator holds, as plain JSON (send it with JSON.stringify): resume it with
   * `loss.accumulator(state)` or `fl.accumulator(state)`, or merge it with `acc.merge(state)`.
   */
  state(): StateOf<V, C, F>;
  /**
   * Adds another accumulator's batches (an accumulator of the same loss and options, or its state): for a
   * scalar reduction in any order and grouping, with the same result bit for bit; for 'none' its values come
   * after this one's. Returns this accumulator. (Typed by what the other's state() returns, so an accumulator of
   * another loss, framework or mode does not type-check.)
   */
  merge(other: { state(): StateOf<V, C, F> } | StateOf<V, C, F>): Accumulator<V, I, C, F>;
  /** Batches added since creation or reset() (merged ones included). */
  readonly batches: number;
  /** 'reduce': a scalar reduction, bounded memory; 'concatenate': reduction 'none', every value kept. */
  readonly mode: 'reduce' | 'concatenate';
}

// ---- accumulator states (acc.state(): src/accumulator-state.ts) ----

/** A number in a state: JSON has no NaN, infinities or -0, so a state writes them as these strings. */
export type StateNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** A tensor in a state: an array option (PyTorch's weight), or the values of reduction 'none'. */
export interface StateTensor {
  data: StateNumber[];
  shape: number[];
}

/** An option's value in a state, as loss.options holds it (array options as StateTensor). */
/** An option as a state writes it: a tensor option (PyTorch's weight) as { data, shape }, a list option (Keras's axis list, a per-class alpha) as a list. */
export type StateOption = string | number | boolean | null | StateTensor | readonly StateNumber[];

interface StateHead<C extends Canonical, F extends Framework> {
  format: 'fastloss-accumulator';
  /** The state format: a state of another version is refused (BAD_STATE). */
  version: 1;
  loss: C;
  framework: F;
  reduction: Reduction;
  /** Every option of the loss, defaults filled in (loss.options): a state merges only with the same. */
  options: { [option: string]: StateOption };
  /** Batches added (merged ones included). */
  batches: number;
  /** The shape of one item along axis 0, fixed by the first batch; null before one. */
  item: number[] | null;
  /** What the batches decided once for all (Keras hinge's `labels`: "convert" or "given"); {} when nothing. */
  rules: { [rule: string]: string | boolean };
}

/** The state of a scalar reduction: Σ and the mean's divisor, each as terms whose exact sum it is. */
export interface ReduceState<C extends Canonical = Canonical, F extends Framework = Framework> extends StateHead<C, F> {
  mode: 'reduce';
  /** Non-overlapping float64 terms (a Shewchuk expansion): Σ is their exact sum, math.fsum(sum) in Python. */
  sum: StateNumber[];
  count: StateNumber[];
}

/** The state of reduction 'none': the values so far, concatenated along axis 0. */
export interface ConcatenateState<C extends Canonical = Canonical, F extends Framework = Framework> extends StateHead<C, F> {
  mode: 'concatenate';
  values: StateTensor;
}

export type AccumulatorState<C extends Canonical = Canonical, F extends Framework = Framework> = ReduceState<C, F> | ConcatenateState<C, F>;

/** The state of an accumulator whose result is V. */
export type StateOf<V, C extends Canonical = Canonical, F extends Framework = Framework> = [V] extends [number]
  ? ReduceState<C, F>
  : [V] extends [OutputTensor]
    ? ConcatenateState<C, F>
    : AccumulatorState<C, F>;

/** The inputs of a state's loss: its own for one loss and framework, any for a state of any loss. */
type StateInputs<C extends Canonical, F extends Framework> = true extends IsUnion<C> | IsUnion<F>
  ? Inputs
  : F extends keyof LossSignatures[C]
    ? InputsOf<C, F>
    : Inputs;

/** What `fl.accumulator(state)` returns: typed by the state's loss, framework and mode when they are known. */
export type AccumulatorOf<S> = 0 extends 1 & S
  ? Accumulator
  : [S] extends [ReduceState<infer C, infer F>]
    ? Accumulator<number, StateInputs<C, F>, C, F>
    : [S] extends [ConcatenateState<infer C, infer F>]
      ? Accumulator<OutputTensor, StateInputs<C, F>, C, F>
      : Accumulator;

// ---- inputs, options, frameworks and reductions: src/signatures.ts ----

export type {
  TensorFlowName,
  PyTorchName,
  FrameworkName,
  FrameworkSpelling,
  FrameworkOfName,
  KerasReduction,
  TorchReduction,
  Reduction,
  ScalarReduction,
  PairInputs,
  KerasPairInputs,
  TwoInputTargetInputs,
  PairwiseInputs,
  CtcInputs,
  KerasOptions,
  TorchOptions,
  KerasBceOptions,
  TorchBceProbabilityOptions,
  TorchBceLogitsOptions,
  TorchBceWithLogitsOptions,
  KerasCceOptions,
  TorchCceOptions,
  KerasScceOptions,
  TorchNllOptions,
  TorchKldOptions,
  TorchPoissonNllOptions,
  KerasHuberOptions,
  TorchSmoothL1Options,
  TorchHuberDeltaOptions,
  TorchHuberOptions,
  TorchMarginOptions,
  KerasMarginOptions,
  KerasAxisOptions,
  CtcOptions,
} from './signatures.js';

// ---- the table: every canonical loss × framework, derived from the declarations (src/losses/*.ts) ----

export type { LossSignature } from './losses/declaration.js';

type Declared = typeof LOSSES;
type FrameworksDeclared<C extends Canonical> = Declared[C]['frameworks'][number];
type FrameworkDeclared<C extends Canonical, F extends Framework> = Declared[C] extends { readonly [K in F]: infer D } ? D : never;

/** Every canonical loss with each of its frameworks: its inputs, differentiated inputs and options (from its declaration). */
export type LossSignatures = {
  [C in Canonical]: { [F in FrameworksDeclared<C>]: FrameworkDeclared<C, F> extends { readonly signature: infer S extends LossSignature } ? S : never };
};

/**
 * Every alias, lower case (lookup is case-insensitive), → canonical. These imply no framework: the default is
 * the loss's first (LOSSES[canonical].frameworks[0]), and `framework` picks another.
 */
export type LossAliases = { [C in Canonical as Declared[C]['aliases'][number]]: C };

/** The class and function names a loss declares for one framework, with what each implies. */
type NamesDeclared<C extends Canonical, F extends Framework> = FrameworkDeclared<C, F> extends infer D
  ? (D extends { readonly classes: infer N } ? N : Record<never, never>) & (D extends { readonly functions: infer N } ? N : Record<never, never>)
  : never;

/** One name's entry: [name, canonical, framework, rule]. */
type NameEntry = {
  [C in Canonical]: {
    [F in FrameworksDeclared<C>]: { [N in keyof NamesDeclared<C, F> & string]: [N, C, F, NamesDeclared<C, F>[N]] }[keyof NamesDeclared<C, F> & string];
  }[FrameworksDeclared<C>];
}[Canonical];

/**
 * The frameworks' class names (exact case first; any case also resolves) and the functional names of
 * torch.nn.functional and keras.losses that are not already aliases, each with the framework it implies and, for
 * a name that narrows them (BCEWithLogitsLoss: logits), the options it takes.
 */
export type LossClassNames = {
  [E in NameEntry as E[0]]: E[3] extends { readonly options: infer O extends object }
    ? { canonical: E[1]; framework: E[2]; options: O }
    : { canonical: E[1]; framework: E[2] };
};

/** Every name in the tables, as written there (any other case of it resolves too). */
export type LossName = keyof LossAliases | keyof LossClassNames;

// ---- resolution, as src/registry.ts resolveName does it ----

type LowerClassNames = { [K in keyof LossClassNames as Lowercase<K>]: LossClassNames[K] };

/** What a name resolves to: exact-case class name, then any-case alias, then any-case class name. */
export type ResolveName<N extends string> = N extends keyof LossClassNames
  ? LossClassNames[N]
  : Lowercase<N> extends keyof LossAliases
    ? { canonical: LossAliases[Lowercase<N>] }
    : Lowercase<N> extends keyof LowerClassNames
      ? LowerClassNames[Lowercase<N>]
      : never;

/** The canonical name a name resolves to (`CanonicalOf<'mse'>` is 'mean_squared_error'). */
export type CanonicalOf<N extends string> = ResolveName<N>['canonical'];

/** The frameworks a name can be used with: the one it implies, else every framework of its loss. */
export type FrameworksOf<N extends string> = ResolveName<N> extends { framework: infer F extends Framework }
  ? F
  : keyof LossSignatures[CanonicalOf<N>] & Framework;

/** The framework used when `framework` is not given: the implied one, else the loss's first. */
export type DefaultFrameworkOf<N extends string> = ResolveName<N> extends { framework: infer F extends Framework }
  ? F
  : (typeof LOSSES)[CanonicalOf<N>]['frameworks'][0];

/** The framework chosen by a name and a `framework` option (a spelling, or undefined for the default). */
export type ChosenFramework<N extends string, F> = [F] extends [undefined]
  ? DefaultFrameworkOf<N>
  : FrameworkOfName<Exclude<F, undefined>> & FrameworksOf<N>;

type SignatureOf<N extends string, F extends Framework> = F extends keyof LossSignatures[CanonicalOf<N>]
  ? LossSignatures[CanonicalOf<N>][F] extends infer S extends LossSignature
    ? ResolveName<N> extends { options: infer O extends object }
      ? Sig<S['inputs'], S['grad'], O>
      : S
    : never
  : never;

/** The inputs of a loss: `InputsOf<'mse', 'pytorch'>` is `{ pred, target }`. */
export type InputsOf<N extends string, F extends Framework = DefaultFrameworkOf<N>> = SignatureOf<N, F>['inputs'];

/** The inputs withGrad returns a gradient for ('pred'; 'logProbs'; 'x1' | 'x2'; 'positive' | 'negative'). */
export type GradInputsOf<N extends string, F extends Framework = DefaultFrameworkOf<N>> = SignatureOf<N, F>['grad'];

/** The options of a loss in a framework, `framework` itself included. */
export type OptionsOf<N extends string, F extends Framework = DefaultFrameworkOf<N>> = SignatureOf<N, F>['options'] & {
  framework?: FrameworkSpelling<F & FrameworksOf<N>> | undefined;
};

/** The reductions a loss takes in a framework. */
export type ReductionOf<N extends string, F extends Framework = DefaultFrameworkOf<N>> = SignatureOf<N, F>['options'] extends infer O
  ? O extends { reduction?: infer R }
    ? Exclude<R, undefined>
    : never
  : never;

/** What a call returns for a reduction given (for the default, see DefaultValueOf). */
export type ValueOf<R> = [R] extends ['none'] ? OutputTensor : 'none' extends R ? number | OutputTensor : number;

/**
 * The (loss, framework) pairs whose default reduction is 'none': torchvision's sigmoid_focal_loss. Every other
 * default is scalar. (test/consumer-types.test.ts checks this against each definition's default.)
 */
interface NoneByDefault {
  binary_focal_crossentropy: 'pytorch';
}

/** What a call returns with the default reduction: `number`, or a tensor where that default is 'none'. */
export type DefaultValueOf<N extends string, F extends Framework = DefaultFrameworkOf<N>> = CanonicalOf<N> extends infer C
  ? C extends keyof NoneByDefault
    ? [F] extends [NoneByDefault[C]]
      ? OutputTensor
      : number
    : number
  : number;

/** What a call of a typed loss returns: the reduction's value, the loss's default when none is given. */
export type CallValueOf<N extends string, F extends Framework, R> = [R] extends [undefined] ? DefaultValueOf<N, F> : ValueOf<R>;

// ---- the loss callable ----

/** What the `Loss` type is parameterized by. */
export interface LossShape {
  readonly inputs: object;
  readonly value: number | OutputTensor;
  readonly grad: string;
  readonly canonical: Canonical;
  readonly framework: Framework;
}

/** A loss resolved from a name that is not a literal: any inputs, either result. */
export interface LooseLossShape {
  readonly inputs: Inputs;
  readonly value: number | OutputTensor;
  readonly grad: string;
  readonly canonical: Canonical;
  readonly framework: Framework;
}

/** withGrad's options: gradOutput is a number for a scalar reduction, shaped like the loss for 'none'. */
export interface GradOptions<V = number | OutputTensor, G extends string = string> {
  /**
   * For reduction 'none': the upstream gradient, shaped like the loss; the gradient returned is that of
   * sum(gradOutput * loss). For a scalar reduction, a number that scales the gradient. Default: ones.
   */
  gradOutput?: ([V] extends [number] ? number : [V] extends [OutputTensor] ? TensorLike : unknown) | undefined;
  /**
   * Where to write gradients, by input name (`{ pred: buffer }`): a Float32Array, or a tensor made by
   * `fl.tensor()`, of the input's size, reused from call to call. It must not overlap the inputs. The result's
   * `grad.pred.data` is this buffer.
   */
  out?: string extends G ? Readonly<Record<string, unknown>> : { readonly [K in G]?: Float32Array | WasmTensor | undefined };
}

/** withGrad's result: the value, and the gradient of each differentiated input (same shape as the input). */
export interface GradResult<V = number | OutputTensor, G extends string = string> {
  value: V;
  grad: { [K in G]: OutputTensor };
}

/**
 * A resolved loss: call it for the value; `.withGrad` also returns the gradient of every float input.
 * `fl.loss('mse')` is a `Loss` typed for MSE (its inputs, `number`); a name that is not a literal gives the
 * plain `Loss`. To keep losses of different names together, type the collection `Loss<any>`.
 */
export interface Loss<S extends LossShape = LooseLossShape> {
  (inputs: S['inputs']): S['value'];
  withGrad(inputs: S['inputs'], options?: GradOptions<S['value'], S['grad']>): GradResult<S['value'], S['grad']>;
  /**
   * Streaming: `update(batch)` with successive slices (along axis 0) of the inputs, then `result()`, which equals
   * this loss on their concatenation (to 1e-6). A scalar reduction keeps two sums (bounded memory); 'none'
   * concatenates the batches' values. Given a state (`acc.state()`, here or in another process), the
   * accumulator resumes from it; a state of another loss, framework or options is a LossError BAD_STATE.
   */
  accumulator(state?: StateOf<S['value'], S['canonical'], S['framework']>): Accumulator<S['value'], S['inputs'], S['canonical'], S['framework']>;
  /** The canonical name of the row the name resolved to. */
  readonly name: S['canonical'];
  readonly framework: S['framework'];
  /** Every option the loss takes, defaults filled in (frozen). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** The typed loss of a name, a `framework` spelling and a reduction (each undefined when not given). */
export type TypedLoss<N extends string, F = undefined, R = undefined> = Loss<{
  inputs: InputsOf<N, ChosenFramework<N, F>>;
  value: CallValueOf<N, ChosenFramework<N, F>, R>;
  grad: GradInputsOf<N, ChosenFramework<N, F>>;
  canonical: CanonicalOf<N>;
  framework: ChosenFramework<N, F>;
}>;

// ---- the arguments of fl.loss / fl.compute, literal or not ----

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** True when N is one literal name that resolves (a union of names gets the loose types). */
type IsKnown<N extends string> = string extends N ? false : true extends IsUnion<N> ? false : [ResolveName<N>] extends [never] ? false : true;

/** `name`: any string held in a variable; a literal must be a known name (in any case). */
export type NameArg<N extends string> = string extends N ? N : IsKnown<N> extends true ? N : LossName;

/** The `framework` spellings a name accepts (any for a non-literal name). */
export type FrameworkArg<N extends string> = IsKnown<N> extends true ? FrameworkSpelling<FrameworksOf<N>> | undefined : FrameworkName | undefined;

/** The reductions a name accepts in the chosen framework. */
export type ReductionArg<N extends string, F> = IsKnown<N> extends true ? ReductionOf<N, ChosenFramework<N, F>> | undefined : Reduction | undefined;

/** Options of a loss, with `framework`, free-form (a name that is not a literal). */
export interface LooseLossOptions {
  framework?: string | undefined;
  [option: string]: unknown;
}

/** `options`: per loss and framework for a literal name, free-form otherwise. */
export type OptionsArg<N extends string, F, R> = IsKnown<N> extends true
  ? NoInfer<SignatureOf<N, ChosenFramework<N, F>>['options']> & { framework?: F; reduction?: R }
  : LooseLossOptions;

/** `inputs` of fl.compute. */
export type InputsArg<N extends string, F> = IsKnown<N> extends true ? NoInfer<InputsOf<N, ChosenFramework<N, F>>> : Inputs;

/** What fl.loss returns. */
export type LossResult<N extends string, F, R> = IsKnown<N> extends true ? TypedLoss<N, F, R> : Loss;

/** What fl.compute returns. */
export type ComputeResult<N extends string, F, R> = IsKnown<N> extends true ? CallValueOf<N, ChosenFramework<N, F>, R> : number | OutputTensor;

// ---- checks of this file against the registry (at compile time: `npm run typecheck` fails on a mismatch) ----

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
// every canonical loss of LOSSES has a signature, with exactly its frameworks
type _EveryCanonical = Assert<Same<keyof LossSignatures, Canonical>>;
type _EveryFramework = Assert<
  Same<{ [C in Canonical]: keyof LossSignatures[C] }, { [C in Canonical]: (typeof LOSSES)[C]['frameworks'][number] }>
>;
// names resolve to canonical losses, and a name that implies a framework implies one its loss has
type _NamesResolve = Assert<Same<LossAliases[keyof LossAliases] | LossClassNames[keyof LossClassNames]['canonical'], Canonical>>;
type _ImpliedFrameworks = Assert<
  Same<{ [K in keyof LossClassNames]: LossClassNames[K]['framework'] extends keyof LossSignatures[LossClassNames[K]['canonical']] ? true : false }[keyof LossClassNames], true>
>;
