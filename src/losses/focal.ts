/**
 * The focal losses' declarations (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017): Keras
 * BinaryFocalCrossentropy and torchvision's sigmoid_focal_loss (docs/semantics.md §2 bfce). Their code is the focal
 * part (./focal.part.ts, loaded on demand: ./parts.ts); here are their names, inputs and options.
 */

import { badOption, booleanOption, finiteOption, integerOption, reductionOption, smoothingOption, type OptionSpec } from '../options.js';
import type { KerasBinaryFocalOptions, TorchSigmoidFocalOptions } from '../signatures.js';
import { kerasPair, torchPair, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

/** torchvision's alpha: in [0, 1], or exactly -1 (no class weighting); anything else is its ValueError. */
const torchAlphaOption: OptionSpec = {
  default: 0.25,
  parse(value, ctx, name) {
    if (typeof value !== 'number' || !((value >= 0 && value <= 1) || value === -1)) throw badOption(ctx, name, 'a number in [0, 1], or -1 for no class weighting', value);
    return value;
  },
};

/** The focal losses' declarations. */
export const FOCAL = {
  /**
   * Binary focal cross-entropy (bfce, focal, BinaryFocalCrossentropy, torchvision sigmoid_focal_loss):
   * f = w·(1 - p_t)^γ·BCE, p_t = y·p + (1 - y)(1 - p).
   * Keras: `fromLogits` (default false: probabilities, BCE clipped to [1e-7, 1 - 1e-7] as BinaryCrossentropy; on
   * logits the BCE is exact, as Keras's TensorFlow backend computes it), `gamma` (2), `applyClassBalancing` (false)
   * with `alpha` (0.25): w = y·α + (1 - y)(1 - α), `labelSmoothing` (y ← y(1 - ls) + ls/2), `axis` (-1): the mean
   * over that axis per sample. PyTorch (torchvision.ops.sigmoid_focal_loss): logits, `alpha` (0.25; -1 = off, else
   * in [0, 1]), `gamma` (2), `reduction` **'none' by default**, as torchvision's.
   * @example fl.loss('focal')({ pred: [0.9, 0.3], target: [1, 0] }) // 0.016577
   */
  binary_focal_crossentropy: {
    aliases: ['bfce', 'binary_focal_crossentropy', 'binary_focal_cross_entropy', 'binary_focal', 'focal', 'focal_loss'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'crossentropy',
    meaning: 'BinaryFocalCrossentropy; torchvision sigmoid_focal_loss (reduction "none" by default)',
    rank: 25,
    tensorflow: {
      classes: { BinaryFocalCrossentropy: {} },
      signature: kerasPair<KerasBinaryFocalOptions>(),
      definition: inPart('focal', {
        inputs: ['pred', 'target'],
        optionalInputs: ['sampleWeight'],
        options: {
          reduction: reductionOption('tensorflow'),
          applyClassBalancing: booleanOption(false),
          alpha: finiteOption(0.25),
          gamma: finiteOption(2),
          fromLogits: booleanOption(false),
          labelSmoothing: smoothingOption,
          axis: integerOption(-1),
        },
      }),
    },
    pytorch: {
      functions: { sigmoid_focal_loss: {} },
      signature: torchPair<TorchSigmoidFocalOptions>(),
      definition: inPart('focal', {
        inputs: ['pred', 'target'],
        optionalInputs: [],
        options: { reduction: { ...reductionOption('pytorch'), default: 'none' }, alpha: torchAlphaOption, gamma: finiteOption(2) },
      }),
    },
  },
} as const satisfies Declarations;
