// The suites `npm run mutate` runs for each mutant: all but those that test the built package (dist/, build/:
// Stryker mutates src/ only, so they cannot see a mutant) and the slow ones at scale (memory, 16M-element
// accuracy, the margin family at every block boundary: a surviving mutant reruns every test that reaches it, and
// under Stryker's instrumentation those take tens of seconds a run). Leaving suites out can only lower the score.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // One worker whose module cache survives from run to run: Stryker switches mutants at run time (each
      // mutated expression reads the active mutant's id), so src/ and the wasm modules need not be imported,
      // transformed and compiled again for each of thousands of mutants.
      isolate: false,
      exclude: [
        'test/memory.test.ts', 'test/bundle-size.test.ts', 'test/consumer-types.test.ts', 'test/package.test.ts',
        'test/debug-entry.test.ts', 'test/regression.tails.test.ts', 'test/ctc.memory.test.ts', 'test/browser.test.ts',
        'test/browser-size.test.ts', 'test/cli.test.ts', 'test/crossentropy.large.test.ts', 'test/margin.tails.test.ts',
        '**/node_modules/**',
      ],
    },
  }),
);
