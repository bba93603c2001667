// The suites `npm run mutate` runs for each mutant: all but the slow ones that test dist/ or memory at scale
// (they read the built package, which Stryker does not mutate, or take seconds per run for what others cover).
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'test/memory.test.ts', 'test/bundle-size.test.ts', 'test/consumer-types.test.ts', 'test/package.test.ts',
        'test/debug-entry.test.ts', 'test/regression.tails.test.ts', 'test/ctc.*.test.ts', '**/node_modules/**',
      ],
    },
  }),
);
