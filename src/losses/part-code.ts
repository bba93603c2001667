/**
 * Each part's code (src/losses/parts.ts), imported by its first load: a chunk of its own in the bundles that split
 * (dist/, dist/browser/). The script-tag build, one file that holds everything anyway, takes
 * ./part-code.static.ts instead (scripts/build.mjs), where esbuild would otherwise wrap every module of a part in a
 * lazy initialiser (1.7 KB gzipped).
 */

import type { LazyPart } from '../lazy-parts.js';
import type { LossContext } from '../options.js';
import type { Runtime } from '../wasm.js';
import type { BoundLoss, LossDefinition } from './definition.js';

/** What a lazy loss's bind is in its part's code: its definition's bind, given the definition. */
export type Binder = (options: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition) => BoundLoss;

/** A part's code: the binder of each of its losses, by `canonical/framework` (./parts.ts binderKey). */
export type PartCode = Readonly<Record<string, Binder>>;

export const PART_CODE: Readonly<Record<LazyPart, () => Promise<PartCode>>> = {
  margin: () => import('./margin.part.js').then((m) => m.MARGIN_CODE),
  cosine: () => import('./cosine.part.js').then((m) => m.COSINE_CODE),
  ctc: () => import('./ctc.part.js').then((m) => m.CTC_CODE),
  focal: () => import('./focal.part.js').then((m) => m.FOCAL_CODE),
  overlap: () => import('./overlap.part.js').then((m) => m.OVERLAP_CODE),
  gaussian: () => import('./gaussian.part.js').then((m) => m.GAUSSIAN_CODE),
};
