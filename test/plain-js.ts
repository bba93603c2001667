/**
 * The API as plain JavaScript sees it: any name, options and inputs compile, so the suites that check the
 * run-time errors a JavaScript user meets (a typo in a name, an option or an input) can make those mistakes
 * without a `@ts-expect-error` on each line. test/consumer-types.test.ts checks that TypeScript refuses them.
 */

import type { FastLoss, GradOptions, GradResult, Loss, OutputTensor } from '../src/index.js';

export interface PlainJsLoss extends Omit<Loss, never> {
  (inputs?: unknown): number | OutputTensor;
  withGrad(inputs?: unknown, options?: GradOptions | Record<string, unknown>): GradResult;
}

export type PlainJsFastLoss = Omit<FastLoss, 'loss' | 'compute'> & {
  loss(name?: unknown, options?: unknown): PlainJsLoss;
  compute(name?: unknown, inputs?: unknown, options?: unknown): number | OutputTensor;
};

export function asPlainJs(fl: FastLoss): PlainJsFastLoss {
  return fl as unknown as PlainJsFastLoss;
}
