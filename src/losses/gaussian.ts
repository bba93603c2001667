/**
 * The Gaussian negative log-likelihood's declaration: torch GaussianNLLLoss (torch/nn/modules/loss.py,
 * torch/nn/functional.py `gaussian_nll_loss`; Nix and Weigend, "Estimating the mean and variance of the target
 * probability distribution", 1994). Its code is the gaussian part (./gaussian.part.ts, loaded on demand:
 * ./parts.ts); here are its names, inputs and options.
 */

import { booleanOption, numberOption, reductionOption } from '../options.js';
import type { GaussianInputs, TorchGaussianNllOptions } from '../signatures.js';
import { signature, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

/** The gaussian part's declarations. */
export const GAUSSIAN = {
  /**
   * torch GaussianNLLLoss (gaussian_nll, gnll, F.gaussian_nll_loss) on `{ pred, target, var }`:
   * l = 0.5·(log max(var, eps) + (pred - target)²/max(var, eps)), + 0.5·log 2π with `full` (false); `eps` (1e-6).
   * var: pred's shape, pred's shape without the last axis (one per row), pred's shape with 1 on one axis, or one
   * number (or a shape-[] tensor); a negative variance is LABEL_OUT_OF_RANGE (torch's ValueError). Gradients with
   * respect to pred and var (torch's clamp is invisible to the var gradient, as in torch).
   * @example fl.loss('gaussian_nll', { reduction: 'none' })({ pred: [1, 2], target: [0, 0], var: [0.5, 1e-8] }) // [0.653426, 1999993.09]
   */
  gaussian_nll: {
    aliases: ['gaussian_nll', 'gaussian_nll_loss', 'gnll', 'gaussian_negative_log_likelihood'],
    frameworks: ['pytorch'],
    family: 'regression',
    meaning: 'GaussianNLLLoss (inputs pred, target, var; full, eps)',
    rank: 31,
    pytorch: {
      classes: { GaussianNLLLoss: {} },
      signature: signature<GaussianInputs, 'pred' | 'var', TorchGaussianNllOptions>(),
      definition: inPart('gaussian', {
        inputs: ['pred', 'target', 'var'],
        optionalInputs: [],
        options: { reduction: reductionOption('pytorch'), full: booleanOption(false), eps: numberOption(1e-6, 0) },
      }),
    },
  },
} as const satisfies Declarations;
