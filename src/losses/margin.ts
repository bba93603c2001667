/**
 * The margin and ranking families' declarations (docs/semantics.md §2 hinge, ch, bpr / phinge): Keras Hinge and
 * SquaredHinge, torch HingeEmbeddingLoss and MarginRankingLoss (also categorical_hinge with framework pytorch),
 * Keras CategoricalHinge, and the pairwise bpr and pair_hinge. Their code is the margin part (./margin.part.ts,
 * loaded on demand: ./parts.ts); here are their names, inputs and options.
 */

import type { Framework } from '../frameworks.js';
import type { LossDefinition } from './definition.js';
import { finiteOption, type OptionSpec, reductionOption } from '../options.js';
import type { KerasMarginOptions, KerasOptions, PairwiseInputs, TorchMarginOptions, TwoInputTargetInputs } from '../signatures.js';
import { kerasPair, signature, torchPair, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

/** Keras Hinge and SquaredHinge: `{ pred, target, sampleWeight? }`, Keras reductions. */
const kerasHingeDefinition = inPart('margin', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: { reduction: reductionOption('tensorflow') } });

/** torch HingeEmbeddingLoss(margin = 1). */
const hingeEmbedding = inPart('margin', { inputs: ['pred', 'target'], optionalInputs: [], options: { reduction: reductionOption('pytorch'), margin: finiteOption(1) } });

/** Keras CategoricalHinge: a row loss over the last axis (./rows-margin.ts). */
const categoricalHinge = inPart('margin', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: { reduction: reductionOption('tensorflow') } });

/** A loss of two differentiated inputs of one shape (and a ±1 label input, or none): the pairwise engine. */
function pairwiseDefinition(framework: Framework, inputs: readonly [string, string], label: string | undefined, options: Record<string, OptionSpec>): LossDefinition {
  return inPart('margin', {
    inputs: label === undefined ? [...inputs] : [...inputs, label],
    optionalInputs: framework === 'tensorflow' ? ['sampleWeight'] : [],
    options: { reduction: reductionOption(framework), ...options },
  });
}

/**
 * torch MarginRankingLoss(margin = 0): l = max(-y·(x1 - x2) + margin, 0) elementwise on `{ x1, x2, target }` of one
 * shape, target ±1 (else LABEL_OUT_OF_RANGE); gradients with respect to x1 and x2.
 */
const marginRanking = pairwiseDefinition('pytorch', ['x1', 'x2'], 'target', { margin: finiteOption(0) });

/** The margin and ranking families' declarations. */
export const MARGIN = {
  /**
   * Keras Hinge: mean over the last axis of max(1 - y·p, 0). Labels become y = 2t - 1 only when every label of
   * the tensor is 0 or 1 (so {-1, 0, 1} keeps its 0s). Gradient -y/D where 1 - y·p >= 0.
   * @example fl.loss('hinge')({ pred: [0.3, -0.2], target: [1, -1] }) // 0.75
   */
  hinge: {
    aliases: ['hinge'],
    frameworks: ['tensorflow'],
    family: 'margin',
    meaning: 'Hinge (0/1 labels mapped to -1/1)',
    rank: 10,
    tensorflow: { classes: { Hinge: {} }, signature: kerasPair<KerasOptions>(), definition: kerasHingeDefinition },
  },
  /** Keras SquaredHinge: mean over the last axis of max(1 - y·p, 0)², labels as Hinge. */
  squared_hinge: {
    aliases: ['squared_hinge'],
    frameworks: ['tensorflow'],
    family: 'margin',
    meaning: 'SquaredHinge',
    rank: 14,
    tensorflow: { classes: { SquaredHinge: {} }, signature: kerasPair<KerasOptions>(), definition: kerasHingeDefinition },
  },
  /**
   * torch HingeEmbeddingLoss(margin = 1): l = p where t = 1, max(margin - p, 0) where t = -1, elementwise; targets
   * must be ±1 (torch silently mixes both branches for other values; here LABEL_OUT_OF_RANGE).
   */
  hinge_embedding: {
    aliases: ['hinge_embedding', 'hinge_embedding_loss'],
    frameworks: ['pytorch'],
    family: 'margin',
    meaning: 'HingeEmbeddingLoss (margin)',
    rank: 18,
    pytorch: { classes: { HingeEmbeddingLoss: {} }, signature: torchPair<TorchMarginOptions>(), definition: hingeEmbedding },
  },
  /**
   * Keras CategoricalHinge (per sample over the last axis: max(max((1-t)·p) - Σ t·p + 1, 0), ties in the max
   * share the gradient); with framework pytorch, MarginRankingLoss on `{ x1, x2, target }`.
   */
  categorical_hinge: {
    aliases: ['ch', 'chinge', 'cate_hinge', 'catehinge', 'categorical_hinge'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'margin',
    meaning: 'CategoricalHinge; torch MarginRankingLoss (inputs x1, x2, target)',
    rank: 15,
    tensorflow: { classes: { CategoricalHinge: {} }, signature: kerasPair<KerasOptions>(), definition: categoricalHinge },
    pytorch: { signature: signature<TwoInputTargetInputs, 'x1' | 'x2', TorchMarginOptions>(), definition: marginRanking },
  },
  /** torch MarginRankingLoss(margin = 0) on `{ x1, x2, target }` (target ±1): l = max(0, -y·(x1 - x2) + margin). */
  margin_ranking: {
    aliases: ['margin_ranking', 'margin_ranking_loss'],
    frameworks: ['pytorch'],
    family: 'ranking',
    meaning: 'MarginRankingLoss (margin)',
    rank: 16,
    pytorch: { classes: { MarginRankingLoss: {} }, signature: signature<TwoInputTargetInputs, 'x1' | 'x2', TorchMarginOptions>(), definition: marginRanking },
  },
  /**
   * BPR (Rendle et al. 2009) on `{ positive, negative }` scores of one shape: l = -log σ(s+ - s-) = softplus(s- - s+),
   * stable for any difference; per pair, Keras reductions and sampleWeight. Gradients ∓σ(s- - s+).
   */
  bpr: {
    aliases: ['bpr', 'bpr_loss'],
    frameworks: ['tensorflow'],
    family: 'ranking',
    meaning: 'pairwise: loss = -log(sigmoid(s+ - s-))',
    rank: 20,
    tensorflow: {
      signature: signature<PairwiseInputs, 'positive' | 'negative', KerasOptions>(),
      definition: pairwiseDefinition('tensorflow', ['positive', 'negative'], undefined, {}),
    },
  },
  /** Pairwise hinge on `{ positive, negative }`: l = max(0, margin - s+ + s-), margin 1; gradients ∓1 where active. */
  pair_hinge: {
    aliases: ['phinge', 'pair_hinge', 'pair_hinge_loss'],
    frameworks: ['tensorflow'],
    family: 'ranking',
    meaning: 'pairwise: loss = max(0, margin - s+ + s-)',
    rank: 21,
    tensorflow: {
      signature: signature<PairwiseInputs, 'positive' | 'negative', KerasMarginOptions>(),
      definition: pairwiseDefinition('tensorflow', ['positive', 'negative'], undefined, { margin: finiteOption(1) }),
    },
  },
} as const satisfies Declarations;
