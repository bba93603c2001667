/**
 * For a suite that makes a Runtime by hand (a wrapped or testing build): every part's code loaded on it, as
 * loadLosses does in Node (src/losses/parts.ts), so the margin, cosine, CTC and focal losses bind there too.
 */

import { LAZY_PARTS, loadPart } from '../src/losses/parts.js';
import type { Runtime } from '../src/wasm.js';

export async function withEveryPart<R extends Runtime>(rt: R): Promise<R> {
  await Promise.all(LAZY_PARTS.map((part) => loadPart(rt, part)));
  return rt;
}
