/**
 * The regression losses under test, each with its float64 reference and an input domain: the matrix that the
 * conformance, tail and gradient suites iterate (docs/design.md §10: cases come from the tables).
 */

import {
  absoluteError,
  kerasHuber,
  logCoshError,
  percentageError,
  squaredError,
  squaredLogError,
  torchHuber,
  torchSmoothL1,
  type Pointwise,
} from '../src/reference/regression.js';
import { uniform } from './helpers.js';

export type Framework = 'tensorflow' | 'pytorch';

export interface RegressionCase {
  /** Name passed to fl.loss, and options (besides framework and reduction). */
  name: string;
  options: Record<string, number>;
  framework: Framework;
  ref: Pointwise;
  /** pred and target of n elements, in the loss's domain. */
  data(n: number, seed: number): { pred: Float32Array; target: Float32Array };
}

const symmetric = (n: number, seed: number) => ({ pred: uniform(n, seed), target: uniform(n, seed + 1000) });

/** MAPE divides by |t|: keep targets away from 0 here (t = 0 has its own test). */
const awayFromZero = (n: number, seed: number) => {
  const target = uniform(n, seed + 1000, 0.5, 3);
  const signs = uniform(n, seed + 2000);
  for (let i = 0; i < n; i++) if (signs[i]! < 0) target[i] = -target[i]!;
  return { pred: uniform(n, seed), target };
};

/** MSLE: mostly positive, some negative (clipped to ε). */
const mostlyPositive = (n: number, seed: number) => ({ pred: uniform(n, seed, -0.5, 5), target: uniform(n, seed + 1000, -0.5, 5) });

export const REGRESSION_CASES: readonly RegressionCase[] = [
  { name: 'mse', options: {}, framework: 'tensorflow', ref: squaredError, data: symmetric },
  { name: 'mae', options: {}, framework: 'tensorflow', ref: absoluteError, data: symmetric },
  { name: 'mape', options: {}, framework: 'tensorflow', ref: percentageError, data: awayFromZero },
  { name: 'msle', options: {}, framework: 'tensorflow', ref: squaredLogError, data: mostlyPositive },
  { name: 'log_cosh', options: {}, framework: 'tensorflow', ref: logCoshError, data: symmetric },
  { name: 'huber', options: {}, framework: 'tensorflow', ref: kerasHuber(1), data: symmetric },
  { name: 'huber', options: { delta: 0.5 }, framework: 'tensorflow', ref: kerasHuber(0.5), data: symmetric },
  { name: 'huber', options: { delta: 0 }, framework: 'tensorflow', ref: kerasHuber(0), data: symmetric },
  { name: 'mse', options: {}, framework: 'pytorch', ref: squaredError, data: symmetric },
  { name: 'mae', options: {}, framework: 'pytorch', ref: absoluteError, data: symmetric },
  { name: 'huber', options: {}, framework: 'pytorch', ref: torchSmoothL1(1), data: symmetric },
  { name: 'huber', options: { delta: 2.5 }, framework: 'pytorch', ref: torchHuber(2.5), data: symmetric },
  { name: 'smooth_l1', options: {}, framework: 'pytorch', ref: torchSmoothL1(1), data: symmetric },
  { name: 'smooth_l1', options: { beta: 0.25 }, framework: 'pytorch', ref: torchSmoothL1(0.25), data: symmetric },
  { name: 'smooth_l1', options: { beta: 0 }, framework: 'pytorch', ref: torchSmoothL1(0), data: symmetric },
];

export const REDUCTIONS: Record<Framework, readonly string[]> = {
  tensorflow: ['sum_over_batch_size', 'mean', 'sum', 'none', 'mean_with_sample_weight'],
  pytorch: ['mean', 'sum', 'none'],
};

export function caseLabel(c: RegressionCase): string {
  const opts = Object.entries(c.options).map(([k, v]) => `${k}=${v}`);
  return `${c.name}(${[c.framework, ...opts].join(', ')})`;
}
