/**
 * The focal losses' declarations (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017): Keras
 * BinaryFocalCrossentropy and torchvision's sigmoid_focal_loss (docs/semantics.md §2 bfce). Their code is the focal
 * part (./focal.part.ts, loaded on demand: ./parts.ts); here are their names, inputs and options.
 */

import { badOption, booleanOption, finiteOption, integerOption, reductionOption, smoothingOption, type OptionSpec } from '../options.js';
import type { KerasBinaryFocalOptions, KerasCategoricalFocalOptions, KerasSparseCategoricalFocalOptions, TorchSigmoidFocalOptions } from '../signatures.js';
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

/** Keras's alpha of the categorical focal losses: one finite number, or a non-empty list of them (one per class). */
const classAlphaOption: OptionSpec = {
  default: 0.25,
  parse(value, ctx, name) {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return Float32Array.from(value as number[]);
    throw badOption(ctx, name, 'a finite number, or a non-empty list of finite numbers (one per class)', value);
  },
};

/** The categorical focal losses' options (Keras CategoricalFocalCrossentropy's). */
const categoricalFocalOptions = {
  reduction: reductionOption('tensorflow'),
  alpha: classAlphaOption,
  gamma: finiteOption(2),
  fromLogits: booleanOption(false),
  labelSmoothing: smoothingOption,
  axis: integerOption(-1),
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
  /**
   * Categorical focal cross-entropy (cfce, CategoricalFocalCrossentropy; Keras only): rows over `axis` (-1)
   * renormalised to sum to 1 (after a softmax with `fromLogits`) and clipped to [1e-7, 1 - 1e-7],
   * l = Σ α·(1 - o)^γ·(-y·log o); `alpha` (0.25) one number or one per class (the last axis must then be the class
   * axis), `gamma` (2), `labelSmoothing` (y ← y(1 - ls) + ls/K, K the size of pred's last axis, as Keras).
   * @example fl.loss('categorical_focal')({ pred: [[0.2, 0.6, 0.2]], target: [[0, 1, 0]] }) // 0.020433
   */
  categorical_focal_crossentropy: {
    aliases: ['cfce', 'categorical_focal_crossentropy', 'categorical_focal_cross_entropy', 'categorical_focal'],
    frameworks: ['tensorflow'],
    family: 'crossentropy',
    meaning: 'CategoricalFocalCrossentropy',
    rank: 26,
    tensorflow: {
      classes: { CategoricalFocalCrossentropy: {} },
      signature: kerasPair<KerasCategoricalFocalOptions>(),
      definition: inPart('focal', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: categoricalFocalOptions }),
    },
  },
  /**
   * Sparse categorical focal cross-entropy (scfce, sparse_focal, SparseCategoricalFocalCrossentropy; Keras has none:
   * keras-team/keras#23442): categorical_focal_crossentropy of one-hot labels, with SparseCategoricalCrossentropy's
   * labels (pred's shape without `axis`; [N, 1] squeezed) and `ignoreClass` (those entries count 0 and the mean
   * divides by the others). A label outside [0, C) is LABEL_OUT_OF_RANGE.
   */
  sparse_categorical_focal_crossentropy: {
    aliases: ['scfce', 'sparse_categorical_focal_crossentropy', 'sparse_categorical_focal_cross_entropy', 'sparse_categorical_focal', 'sparse_focal'],
    frameworks: ['tensorflow'],
    family: 'crossentropy',
    meaning: 'SparseCategoricalFocalCrossentropy (keras-team/keras#23442: Keras has none)',
    rank: 27,
    tensorflow: {
      classes: { SparseCategoricalFocalCrossentropy: {} },
      signature: kerasPair<KerasSparseCategoricalFocalOptions>(),
      definition: inPart('focal', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: { ...categoricalFocalOptions, ignoreClass: integerOption(null) } }),
    },
  },
} as const satisfies Declarations;
