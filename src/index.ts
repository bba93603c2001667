/**
 * fastloss: machine-learning losses and their gradients in SIMD WebAssembly, with the exact semantics of
 * Keras 3 and PyTorch. The public API (docs/design.md):
 *
 * ```ts
 * const fl = await loadLosses();
 * const mse = fl.loss('mse', { framework: 'pytorch' });
 * mse({ pred, target });            // number
 * mse.withGrad({ pred, target });   // { value, grad: { pred } }
 * ```
 */

import { createAccumulator } from './accumulator.js';
import { checkFormat, decodeOptions } from './accumulator-state.js';
import { describe, didYouMean, LossError } from './errors.js';
import { FRAMEWORK_SYNONYMS, type Framework } from './frameworks.js';
import type { BoundLoss, Inputs, LossDefinition } from './losses/definition.js';
import { aliasTable, IMPLEMENTATIONS, LOSSES, PART_OF, resolveName, type AliasEntry, type Canonical, type ResolvedName } from './registry.js';
import { WasmTensor, type DType, type OutputTensor } from './tensor.js';
import type { Accumulator, AccumulatorOf, AccumulatorState, ComputeResult, FrameworkArg, InputsArg, Loss, LossName, LossResult, NameArg, OptionsArg, ReductionArg } from './types.js';
import { instantiate, type Build, type BuildRequest, type Runtime } from './wasm.js';
import { DEFAULT_LOSSES } from './release.js';
import { LAZY_PARTS, loadPart, type LazyPart } from './losses/parts.js';
import { autoThreads } from './thread-pool.js';
import { MAX_THREADS } from './kernel-steps.js';
import type { LossContext } from './options.js';

export { LossError } from './errors.js';
export type { LossErrorCode, LossErrorFields } from './errors.js';
export type { Framework } from './frameworks.js';
export type { Inputs } from './losses/definition.js';
export type { AliasEntry, Canonical } from './registry.js';
export type { DType, ForeignTensor, NestedArray, OutputTensor, Tensor, TensorData, TensorLike, WasmTensor } from './tensor.js';
export type { Build, BuildRequest } from './wasm.js';
export type {
  Accumulator, AccumulatorOf, AccumulatorState, CanonicalOf, ConcatenateState, ReduceState, StateNumber, StateOf, StateOption, StateTensor, CtcInputs, DefaultFrameworkOf, FrameworkName, FrameworksOf, GradInputsOf, GradOptions, GradResult, InputsOf,
  KerasPairInputs, KerasReduction, Loss, LossAliases, LossClassNames, LossName, LossShape, LossSignature, LossSignatures,
  OptionsOf, PairInputs, PairwiseInputs, PyTorchName, Reduction, ReductionOf, ScalarReduction, TensorFlowName,
  TorchReduction, TwoInputTargetInputs, ValueOf, DefaultValueOf,
} from './types.js';

export interface LoadOptions {
  /**
   * 'auto' (default): 'relaxed' where the engine has relaxed SIMD (Node 22+, Chrome and Edge 114+), else 'simd'
   * where it has SIMD, else 'scalar'. 'relaxed' and 'simd' may be asked for by name (to compare them); one the
   * engine cannot run is a LossError BAD_OPTION. 'debug': the kernels' assertions on (for tests); it needs
   * `import 'fastloss/debug'` first, else loadLosses rejects with a LossError BAD_OPTION.
   */
  build?: BuildRequest;
  /**
   * Inputs with at most this many elements take the plain-JS path, where a wasm call and its copies cost more
   * than the loop itself (measured in BENCHMARKS.md). 0 runs everything in wasm; Infinity nothing.
   */
  jsBelow?: number;
  /**
   * Threads a call may use: 'auto' (default) is what the process may run at once in Node
   * (`os.availableParallelism()`, at most 128) and 1 in a browser; a number n asks for at most n (1: no workers).
   * Where threads cannot run (a browser page, the scalar and debug builds, Node before 20.16) the instance runs
   * one: `fl.threads` says what it got, as torch.get_num_threads() does.
   * With more than one, wasm memory is shared by a pool of worker threads, and a large call whose inputs are in
   * wasm memory (fl.tensor) is split across them (see `fl.threads`, `fl.close()`). Workers never keep a process
   * alive.
   */
  threads?: number | 'auto';
  /**
   * The losses the instance can compute: 'all', 'core' (regression, probabilities, cross-entropy), or a list of
   * names (any alias or class name; the parts they are in are loaded). Default: 'all' in Node and the script-tag
   * build, 'core' in a page's ESM bundle (dist/browser/), where the others come in parts the page downloads when
   * it asks: the margin and ranking losses, the cosine losses, CTC (`fl.load` adds them later). A loss whose part
   * was not loaded is a LossError NOT_LOADED.
   */
  losses?: LossList;
}

/**
 * Losses to load: 'all', 'core', a name or a list of names (any alias or class name, in any case, as `fl.loss`
 * takes them; a name the types do not know is accepted as a string and checked at run time).
 */
export type LossList = 'all' | 'core' | LossName | (string & {}) | readonly (LossName | (string & {}))[];

/** A list of losses for loadLosses and fl.load: their lazy parts (the core is always there). */
function partsOf(losses: unknown, where: string): LazyPart[] {
  const argument = where === 'loadLosses' ? 'option "losses"' : 'losses';
  const word = typeof losses === 'string' ? losses.toLowerCase() : undefined;
  if (word === 'all') return [...LAZY_PARTS];
  if (word === 'core') return [];
  const list = typeof losses === 'string' ? [losses] : losses;
  if (!Array.isArray(list)) {
    throw new LossError({ code: 'BAD_OPTION', loss: where, argument, expected: '"all", "core", a loss name, or an array of loss names', received: describe(losses) });
  }
  const parts = new Set<LazyPart>();
  list.forEach((name: unknown, i) => {
    let canonical: Canonical;
    try {
      canonical = resolveName(name).canonical;
    } catch (e) {
      // said of the call and the entry (a single name is no list); a near 'all' or 'core' is suggested first
      if (!(e instanceof LossError)) throw e;
      const word = typeof name === 'string' ? didYouMean(name.toLowerCase(), ['all', 'core']) : undefined;
      const suggestion = word ?? e.suggestion;
      throw new LossError({
        code: e.code,
        loss: where,
        argument: typeof losses === 'string' ? argument : `${argument}[${i}]`,
        expected: `"all", "core" or ${e.expected}`,
        received: e.received,
        ...(suggestion === undefined ? {} : { suggestion }),
        ...(word === undefined && e.suggestionNote !== undefined ? { suggestionNote: e.suggestionNote } : {}),
      });
    }
    const part = PART_OF[canonical];
    if (part !== undefined) parts.add(part);
  });
  return [...parts];
}

/** Options of a loss: `framework`, then the chosen loss's own, camelCase (reduction, delta, beta, …). */
export interface LossOptions {
  framework?: string;
  [option: string]: unknown;
}

/** Default for LoadOptions.jsBelow: below this the plain-JS loop wins (BENCHMARKS.md, the 64-element rows). */
export const DEFAULT_JS_BELOW = 256;

export class FastLoss {
  /** @internal Use loadLosses(). */
  constructor(
    private readonly runtime: Runtime,
    private readonly jsBelow: number,
  ) {}

  /** Which build this instance runs. */
  get build(): Build {
    return this.runtime.build;
  }

  /**
   * The threads a call may use: the workers and the calling thread, or 1 (threads: 1 was asked, the engine has no
   * shared memory, a browser page, or after `close()`).
   */
  get threads(): number {
    return this.runtime.threads;
  }

  /**
   * Loads the parts of the losses named (a name, a list, or 'all'): in a page's ESM bundle, the code and kernels
   * of the losses beyond the core, which it downloads once (see LoadOptions.losses); elsewhere every loss is
   * loaded already and this resolves at once. A part that does not arrive is a LossError LOAD_FAILED, and may be
   * asked for again.
   */
  async load(losses: LossList): Promise<void> {
    await loadParts(this.runtime, partsOf(losses, 'load'));
  }

  /** Whether the loss (any of its names) can be computed now, or needs `fl.load` first (a page's ESM bundle). */
  isLoaded(name: LossName | (string & {})): boolean {
    const part = PART_OF[resolveName(name).canonical];
    return part === undefined || this.runtime.hasPart(part);
  }

  /** Ends the worker threads (idempotent). The instance goes on working, on one thread. */
  close(): void {
    this.runtime.close();
  }

  /** The instance's wasm memory (tensors live here; share it with your own wasm to write outputs in place). */
  get memory(): WebAssembly.Memory {
    return this.runtime.memory;
  }

  /**
   * Resolves a name and options once; the returned function validates its inputs on every call. With a literal
   * name the result is typed for that loss and framework: its inputs, its options, and `number` for a scalar
   * reduction or an OutputTensor for 'none' (src/types.ts); a name held in a string variable gets `Loss`.
   */
  loss<N extends string, F extends FrameworkArg<N> = undefined, R extends ReductionArg<N, F> = undefined>(
    name: NameArg<N>,
    options?: OptionsArg<N, F, R>,
  ): LossResult<N, F, R>;
  loss(name: string, options: LossOptions = {}): Loss {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new LossError({ code: 'BAD_OPTION', loss: String(name), argument: 'options', expected: 'an object of options', received: describe(options) });
    }
    const resolved = resolveName(name);
    const framework = chooseFramework(resolved, options.framework);
    // chooseFramework returns one of the loss's frameworks, and every declared framework has its definition.
    const definition = IMPLEMENTATIONS[resolved.canonical][framework]!;
    if (definition.part !== undefined && !this.runtime.hasPart(definition.part)) throw notLoaded(resolved, definition.part);
    const ctx: LossContext = { loss: resolved.canonical, framework, jsBelow: this.jsBelow };
    const resolvedOptions = resolveOptions(definition, resolved, options, ctx);
    return makeLoss(definition.bind(resolvedOptions, this.runtime, ctx), resolved.canonical, framework, resolvedOptions);
  }

  /** One-shot: `fl.loss(name, options)(inputs)`, with the resolution cached for repeated simple options. */
  compute<N extends string, F extends FrameworkArg<N> = undefined, R extends ReductionArg<N, F> = undefined>(
    name: NameArg<N>,
    inputs: InputsArg<N, F>,
    options?: OptionsArg<N, F, R>,
  ): ComputeResult<N, F, R>;
  compute(name: string, inputs: Inputs, options: LossOptions = {}): number | OutputTensor {
    const key = cacheKey(name, options);
    if (key === null) return this.loss(name, options)(inputs);
    let loss = this.cache.get(key);
    if (loss === undefined) {
      loss = this.loss(name, options);
      if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, loss);
    }
    return loss(inputs);
  }

  /**
   * An accumulator resumed from a state (`acc.state()`, or its JSON parsed), of the loss the state names with the
   * options it names: what a merge step that has only the states calls (`fl.accumulator(a).merge(b).result()`).
   * A state that is not one (another format version, a loss that is not a canonical name, a bad option, a
   * missing key…) is a LossError BAD_STATE.
   */
  accumulator<S extends AccumulatorState>(state: S): AccumulatorOf<S>;
  accumulator(state: unknown): Accumulator {
    const where = { loss: 'accumulator', argument: 'state' };
    checkFormat(where, state);
    let loss: Loss;
    try {
      if (!Object.hasOwn(LOSSES, state.loss as string)) {
        throw new LossError({ code: 'BAD_STATE', loss: 'accumulator', argument: 'state.loss', expected: 'a canonical loss name (loss.name)', received: describe(state.loss) });
      }
      loss = this.loss(state.loss as string, { ...decodeOptions(where, state.options), framework: state.framework as string });
    } catch (e) {
      if (!(e instanceof LossError) || e.code === 'BAD_STATE' || e.code === 'NOT_LOADED') throw e;
      // the state's framework or options, refused by fl.loss: said of the state
      throw new LossError({ code: 'BAD_STATE', loss: e.loss, argument: `state (${e.argument})`, expected: e.expected, received: e.received });
    }
    return loss.accumulator(state as unknown as AccumulatorState);
  }

  /** The losses that have landed, each with the frameworks it is implemented for (default first). */
  implemented(): Array<{ name: Canonical; frameworks: Framework[] }> {
    return (Object.keys(LOSSES) as Canonical[]).flatMap((name) => {
      const frameworks = LOSSES[name].frameworks.filter((f) => IMPLEMENTATIONS[name]?.[f] !== undefined);
      return frameworks.length === 0 ? [] : [{ name, frameworks }];
    });
  }

  /** Every accepted name: `{ alias, canonical, frameworks }`. */
  aliases(): AliasEntry[] {
    return aliasTable();
  }

  /** A tensor in wasm memory, read in place by the losses. `data` is its live view; `free()` returns it. */
  tensor(shape: readonly number[], dtype: DType = 'float32'): WasmTensor {
    if (!Array.isArray(shape)) {
      throw new LossError({ code: 'SHAPE_MISMATCH', loss: 'tensor', argument: 'shape', expected: 'an array of non-negative integers', received: describe(shape) });
    }
    const bad = shape.findIndex((d) => !Number.isInteger(d) || d < 0);
    if (bad >= 0) {
      throw new LossError({ code: 'SHAPE_MISMATCH', loss: 'tensor', argument: `shape[${bad}]`, expected: 'a non-negative integer (each entry of the shape)', received: describe(shape[bad]) });
    }
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new LossError({ code: 'BAD_DTYPE', loss: 'tensor', argument: 'dtype', expected: '"float32" or "int32"', received: describe(dtype) });
    }
    try {
      return new WasmTensor(this.runtime, shape, dtype);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // memory.grow past the engine's limit (4 GiB of wasm32 memory in all, tensors and scratch together)
      throw new LossError({ code: 'SHAPE_MISMATCH', loss: 'tensor', argument: 'shape', expected: 'a tensor that fits in wasm memory (4 GiB in all)', received: `[${shape.join(', ')}] (${shape.reduce((a, b) => a * b, 4)} bytes)` });
    }
  }

  private readonly cache = new Map<string, Loss>();
}

/** Instantiates the kernels. Each call returns an independent instance with its own memory. */
export async function loadLosses(options: LoadOptions = {}): Promise<FastLoss> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new LossError({ code: 'BAD_OPTION', loss: 'loadLosses', argument: 'options', expected: 'an object { build?, jsBelow?, threads?, losses? }', received: describe(options) });
  }
  for (const key of Object.keys(options)) {
    if (key !== 'build' && key !== 'jsBelow' && key !== 'threads' && key !== 'losses') {
      const near = didYouMean(key, ['build', 'jsBelow', 'threads', 'losses']);
      throw new LossError({
        code: 'UNKNOWN_OPTION',
        loss: 'loadLosses',
        argument: `option "${key}"`,
        expected: 'build, jsBelow, threads or losses',
        received: `"${key}"`,
        ...(near === undefined ? {} : { suggestion: near }),
      });
    }
  }
  const build = options.build ?? 'auto';
  if (!['auto', 'relaxed', 'simd', 'scalar', 'debug'].includes(build)) {
    throw new LossError({ code: 'BAD_OPTION', loss: 'loadLosses', argument: 'option "build"', expected: 'one of "auto" | "relaxed" | "simd" | "scalar" | "debug"', received: describe(build) });
  }
  const jsBelow = options.jsBelow ?? DEFAULT_JS_BELOW;
  if (typeof jsBelow !== 'number' || Number.isNaN(jsBelow) || jsBelow < 0) {
    throw new LossError({ code: 'BAD_OPTION', loss: 'loadLosses', argument: 'option "jsBelow"', expected: 'a number >= 0', received: describe(jsBelow) });
  }
  const threads = options.threads ?? 'auto';
  if (threads !== 'auto' && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
    throw new LossError({ code: 'BAD_OPTION', loss: 'loadLosses', argument: 'option "threads"', expected: `"auto" or an integer from 1 to ${MAX_THREADS}`, received: describe(threads) });
  }
  const parts = partsOf(options.losses ?? DEFAULT_LOSSES, 'loadLosses');
  // the debug build has no shared-memory twin: it runs on one thread
  const count = build === 'debug' ? 1 : threads === 'auto' ? Math.min(await autoThreads(), MAX_THREADS) : threads;
  const runtime = await instantiate(build, count);
  try {
    await loadParts(runtime, parts);
  } catch (e) {
    runtime.close(); // its workers, if it has any: the instance is not returned
    throw e;
  }
  return new FastLoss(runtime, jsBelow);
}

/** Loads parts (their code and, in a bundle of parts, their kernels); what does not arrive is LOAD_FAILED. */
async function loadParts(runtime: Runtime, parts: readonly LazyPart[]): Promise<void> {
  await Promise.all(
    parts.map((part) =>
      loadPart(runtime, part).catch((e: unknown) => {
        throw new LossError({
          code: 'LOAD_FAILED',
          loss: Object.keys(PART_OF).filter((c) => PART_OF[c as Canonical] === part).join(', '),
          argument: `the ${part} part (its code and kernels)`,
          expected: 'the chunks of the part to arrive (served with the bundle: dist/browser/chunks/)',
          received: e instanceof Error ? e.message : String(e),
        });
      }),
    ),
  );
}

function notLoaded(resolved: ResolvedName, part: LazyPart): LossError {
  return new LossError({
    code: 'NOT_LOADED',
    loss: resolved.canonical,
    argument: 'name',
    expected: `a loss this instance has loaded: ${resolved.canonical} is in the ${part} part, which it has not (a page's bundle loads the core alone by default): await fl.load('${resolved.canonical}') first, or name it in loadLosses({ losses: [...] }), or losses: 'all'`,
    received: `${JSON.stringify(resolved.given)} (its part not loaded)`,
  });
}

// ---- resolution ----

function chooseFramework(resolved: ResolvedName, requested: unknown): Framework {
  const spec = LOSSES[resolved.canonical];
  const implied = resolved.classAlias?.framework;
  if (requested === undefined) return implied ?? spec.frameworks[0]!;
  const key = typeof requested === 'string' ? requested.toLowerCase() : undefined;
  const framework = key !== undefined && Object.hasOwn(FRAMEWORK_SYNONYMS, key) ? FRAMEWORK_SYNONYMS[key] : undefined;
  if (framework === undefined) {
    const near = key === undefined ? undefined : didYouMean(key, Object.keys(FRAMEWORK_SYNONYMS));
    throw new LossError({
      code: 'BAD_OPTION',
      loss: resolved.canonical,
      argument: 'option "framework"',
      expected: 'one of "tensorflow" | "pytorch" (or "keras", "tf", "torch")',
      received: describe(requested),
      ...(near === undefined ? {} : { suggestion: near }),
    });
  }
  if (implied !== undefined && framework !== implied) {
    throw new LossError({
      code: 'BAD_OPTION',
      loss: resolved.canonical,
      argument: 'option "framework"',
      expected: `"${implied}" (${resolved.given} is a ${implied === 'pytorch' ? 'PyTorch' : 'Keras'} class)`,
      received: describe(requested),
    });
  }
  if (!(spec.frameworks as readonly Framework[]).includes(framework)) {
    const counterpart = (spec as { counterparts?: Partial<Record<Framework, string>> }).counterparts?.[framework];
    throw new LossError({
      code: 'UNSUPPORTED_FRAMEWORK',
      loss: resolved.canonical,
      argument: 'option "framework"',
      expected: `one of the frameworks of ${resolved.canonical}: ${spec.frameworks.map((f) => `"${f}"`).join(' | ')}`,
      received: describe(requested),
      ...(counterpart === undefined ? {} : { suggestion: counterpart, suggestionNote: `${framework === 'pytorch' ? 'PyTorch' : 'Keras'}: ${(LOSSES as Readonly<Record<string, { meaning: string }>>)[counterpart]!.meaning}` }),
    });
  }
  return framework;
}

function resolveOptions(def: LossDefinition, resolved: ResolvedName, options: LossOptions, ctx: LossContext): Record<string, unknown> {
  const where = `${ctx.loss} (${ctx.framework})`;
  const names = Object.keys(def.options);
  const out: Record<string, unknown> = {};
  const given = new Set<string>();
  const impliedGiven = new Set<string>();
  const fixed = resolved.classAlias?.fixed ?? {};
  const implied = resolved.classAlias?.implied ?? {};
  for (const [key, value] of Object.entries({ ...implied, ...options })) {
    if (key === 'framework' || value === undefined) continue;
    const spec = Object.hasOwn(def.options, key) ? def.options[key] : undefined;
    if (spec === undefined) {
      if (def.inputs.includes(key) || def.optionalInputs.includes(key)) {
        throw new LossError({
          code: 'UNKNOWN_OPTION',
          loss: where,
          argument: `option "${key}"`,
          expected: `an option of ${where}: ${names.join(', ')} (${key} is an input: pass it with the inputs, loss({ ${[...def.inputs, key].filter((n, i, a) => a.indexOf(n) === i).join(', ')} }))`,
          received: `"${key}" as an option`,
        });
      }
      const near = didYouMean(key, names);
      throw new LossError({
        code: 'UNKNOWN_OPTION',
        loss: where,
        argument: `option "${key}"`,
        expected: `an option of ${where}: ${names.join(', ')}`,
        received: `"${key}"`,
        ...(near === undefined ? {} : { suggestion: near }),
      });
    }
    out[key] = spec.parse(value, ctx, key);
    if (Object.hasOwn(options, key)) given.add(key);
    else impliedGiven.add(key);
  }
  for (const [key, value] of Object.entries(fixed)) {
    if (given.has(key) && out[key] !== value) {
      throw new LossError({
        code: 'BAD_OPTION',
        loss: where,
        argument: `option "${key}"`,
        expected: `${describe(value)} (implied by ${resolved.given})`,
        received: describe(out[key]),
      });
    }
    out[key] = value;
  }
  for (const key of names) if (!(key in out) && def.options[key]!.default !== undefined) out[key] = def.options[key]!.default;
  def.finalize?.(given, out, ctx, impliedGiven);
  // In the definition's order (reduction first), whatever order they were given in.
  const ordered: Record<string, unknown> = {};
  for (const key of names) if (key in out) ordered[key] = out[key];
  return Object.assign(ordered, out);
}

function makeLoss(bound: BoundLoss, name: Canonical, framework: Framework, options: Record<string, unknown>): Loss {
  // The bound forward is itself the callable (bind makes a new closure each time): no wrapper on the hot path.
  const loss = bound.forward as Loss & { withGrad: Loss['withGrad']; accumulator: Loss['accumulator'] };
  Object.defineProperty(loss, 'name', { value: name });
  Object.defineProperty(loss, 'framework', { value: framework, enumerable: true });
  Object.defineProperty(loss, 'options', { value: Object.freeze({ ...options }), enumerable: true });
  loss.withGrad = bound.withGrad;
  loss.accumulator = (state?: unknown) => createAccumulator(bound, name, framework, options, state);
  return loss;
}

function cacheKey(name: string, options: LossOptions): string | null {
  if (typeof name !== 'string' || typeof options !== 'object' || options === null) return null;
  const keys = Object.keys(options).sort();
  for (const k of keys) {
    const v = options[k];
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
  }
  return `${name}\u0000${keys.map((k) => `${k}=${String(options[k])}`).join('\u0000')}`;
}
