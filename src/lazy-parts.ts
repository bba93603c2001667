/**
 * The parts of fastloss a page loads on demand (src/losses/parts.ts says what a part is), in the order of their
 * kernels' data slots (assembly/parts.ts; scripts/build.mjs builds assembly/index.<part>.ts for each).
 */
export const LAZY_PARTS = ['margin', 'cosine', 'ctc', 'focal', 'overlap', 'gaussian'] as const;
export type LazyPart = (typeof LAZY_PARTS)[number];

/**
 * The key of a loss's binder in its part's code (src/losses/part-code.ts PartCode). Here, below the parts' code
 * and src/losses/parts.ts, so that the script-tag build, which imports the parts' code statically, has no circle.
 */
export function binderKey(canonical: string, framework: string): string {
  return `${canonical}/${framework}`;
}
