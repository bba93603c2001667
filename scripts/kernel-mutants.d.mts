/** One plausible kernel bug (scripts/kernel-mutants.mjs). */
export interface KernelMutant {
  /** Path under assembly/. */
  file: string;
  /** Source text that occurs exactly once in the file. */
  find: string;
  replace: string;
  description: string;
  /** The suites that judge it. */
  tests: readonly string[];
  /** Why no input can tell it from the original, when that is so. */
  equivalent?: string;
}

export const MUTANTS: readonly KernelMutant[];
