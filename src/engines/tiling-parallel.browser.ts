/**
 * The browser bundles' ./tiling-parallel.ts: none (a page runs on one thread: src/thread-pool.browser.ts).
 */

import type { Layout, Staged, TilePlan } from './staging.js';
import type { Runtime } from '../wasm.js';

export const tileParallel: ((rt: Runtime, layout: Layout, staged: readonly Staged[], plan: TilePlan, read?: (k: number, firstRow: number, values: Float32Array) => void) => number) | null = null;

export const splittable: ((staged: readonly Staged[]) => boolean) | null = null;
