/**
 * The parts of fastloss a page loads when it needs them. Every loss is declared up front (its names, inputs and
 * options: the registry, `fl.aliases()`, the suggestions and the types know it), but the code that computes the
 * losses of a lazy part, its `bind` and the engines only it uses, is a module of its own (./<part>.part.ts), and
 * in the browser bundle its kernels are a wasm module of their own too (assembly/index.<part>.ts, over the core's
 * memory: assembly/parts.ts). Node and the script-tag build carry every kernel in one module, and loadLosses()
 * loads every part there; a page's ESM bundle loads the core (regression, probabilities, cross-entropy) and the
 * parts it asks for: `loadLosses({ losses: [...] })`, or `await fl.load(...)` later.
 *
 * A lazy loss's declaration keeps its definition's inputs, options and finalize, and `inPart` gives it a bind
 * that calls the part's binder for (canonical name, framework); fl.loss refuses a loss whose part its instance
 * has not loaded (NOT_LOADED) before it reads the options.
 */

import type { Runtime } from '../wasm.js';
import { binderKey, type LazyPart } from '../lazy-parts.js';
import { partModule } from '../release.js';
import { PART_CODE, type PartCode } from './part-code.js';
import type { LossDefinition } from './definition.js';

export { binderKey, LAZY_PARTS, type LazyPart } from '../lazy-parts.js';
export { PART_CODE, type Binder, type PartCode } from './part-code.js';

/** A lazy loss's definition: its inputs, options and finalize here, its bind in the part's code. */
export function inPart(part: LazyPart, definition: Omit<LossDefinition, 'bind' | 'part'>): LossDefinition {
  const def: LossDefinition = {
    ...definition,
    part,
    bind: (options, runtime, ctx) => (runtime.partCode(part) as PartCode)[binderKey(ctx.loss, ctx.framework)]!(options, runtime, ctx, def),
  };
  return def;
}

/**
 * Loads a part on a runtime: its code, and its kernels where the build comes in parts (the page's ESM bundle; the
 * debug build has every kernel). `kernels`: the part's module, for a test that holds a build in parts itself.
 */
export function loadPart(runtime: Runtime, part: LazyPart, kernels = runtime.build === 'debug' ? null : partModule(runtime.build, part)): Promise<void> {
  return runtime.loadPart(part, PART_CODE[part], kernels);
}
