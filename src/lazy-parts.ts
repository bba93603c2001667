/**
 * The parts of fastloss a page loads on demand (src/losses/parts.ts says what a part is), in the order of their
 * kernels' data slots (assembly/parts.ts; scripts/build.mjs builds assembly/index.<part>.ts for each).
 */
export const LAZY_PARTS = ['margin', 'cosine', 'ctc'] as const;
export type LazyPart = (typeof LAZY_PARTS)[number];
