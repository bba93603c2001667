/**
 * The overlap losses' declarations: Keras Dice and Tversky (keras/src/losses/losses.py `dice`, `tversky`;
 * Milletari et al., "V-Net", 2016; Salehi et al., "Tversky loss function for image segmentation using 3D fully
 * convolutional deep networks", 2017), the segmentation losses of a prediction's overlap with its target over
 * `axis`. Their code is the overlap part (./overlap.part.ts, loaded on demand: ./parts.ts); here are their names,
 * inputs and options.
 */

import { badOption, finiteOption, reductionOption, type OptionSpec } from '../options.js';
import type { KerasDiceOptions, KerasTverskyOptions } from '../signatures.js';
import { kerasPair, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

/**
 * Keras's `axis` of Dice and Tversky: null (every axis), an integer, or a list of integers (`ops.sum`'s axis).
 * Checked against the rank at call time (out of range, or named twice: BAD_OPTION). Parsed to a list, or null.
 */
const axesOption: OptionSpec = {
  default: null,
  parse(value, ctx, name) {
    if (value === null) return null;
    if (typeof value === 'number' && Number.isInteger(value)) return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) return [...(value as number[])];
    throw badOption(ctx, name, 'null (every axis), an integer axis, or a list of integer axes', value);
  },
};

const overlapDefinition = (options: Record<string, OptionSpec>) =>
  inPart('overlap', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: { reduction: reductionOption('tensorflow'), ...options, axis: axesOption } });

/** The overlap losses' declarations. */
export const OVERLAP = {
  /**
   * Dice loss (Keras Dice): l = 1 - 2·Σ y·p / (Σ y + Σ p + 1e-7), the sums over `axis` (default null: every axis,
   * so one value for the whole batch, which Keras's reductions leave as it is and a sampleWeight broadcasts).
   * @example fl.loss('dice')({ pred: [[0.5, 0.5], [1, 0]], target: [[1, 0], [1, 1]] }) // 0.4
   */
  dice: {
    aliases: ['dice', 'dice_loss'],
    frameworks: ['tensorflow'],
    family: 'overlap',
    meaning: 'Dice (axis null: one value for the batch)',
    rank: 28,
    tensorflow: { classes: { Dice: {} }, signature: kerasPair<KerasDiceOptions>(), definition: overlapDefinition({}) },
  },
  /**
   * Tversky loss (Keras Tversky): l = 1 - TP / (TP + α·Σ y(1 - p) + β·Σ (1 - y)p + 1e-7), TP = Σ y·p, over `axis`
   * as Dice. α (0.5) weighs the false negatives and β (0.5) the false positives: what Keras's code computes (its
   * docstring says the reverse). α = β = 0.5 is Dice with 2e-7.
   */
  tversky: {
    aliases: ['tversky', 'tversky_loss'],
    frameworks: ['tensorflow'],
    family: 'overlap',
    meaning: 'Tversky (alpha weighs false negatives, beta false positives)',
    rank: 29,
    tensorflow: { classes: { Tversky: {} }, signature: kerasPair<KerasTverskyOptions>(), definition: overlapDefinition({ alpha: finiteOption(0.5), beta: finiteOption(0.5) }) },
  },
} as const satisfies Declarations;
