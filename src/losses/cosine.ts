/**
 * The cosine family's declarations (docs/semantics.md §2 cs): Keras CosineSimilarity and torch
 * CosineEmbeddingLoss. Their code is the cosine part (./cosine.part.ts, loaded on demand: ./parts.ts); kernels:
 * assembly/cosine.ts; engine: ./rows-margin.ts.
 */

import { axisOption, finiteOption, reductionOption } from '../options.js';
import type { KerasAxisOptions, TorchMarginOptions, TwoInputTargetInputs } from '../signatures.js';
import { kerasPair, signature, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

/** Keras CosineSimilarity: a row loss over `axis` (-1 by default). */
const cosineSimilarity = inPart('cosine', { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'], options: { reduction: reductionOption('tensorflow'), axis: axisOption(-1) } });

/** torch CosineEmbeddingLoss(margin = 0) on `{ x1, x2, target }`. */
const cosineEmbedding = inPart('cosine', { inputs: ['x1', 'x2', 'target'], optionalInputs: [], options: { reduction: reductionOption('pytorch'), margin: finiteOption(0) } });

/** The cosine family's declarations. */
export const COSINE = {
  /**
   * Keras CosineSimilarity(axis = -1): l = -Σ n(t)·n(p) over `axis`, n(x) = x·min(rsqrt(Σ x²), 1e7); values in
   * [-1, 1], -1 when the vectors point the same way; a zero vector gives 0 (and the gradient of the 1e7 branch).
   * @example fl.loss('cosine_similarity')({ pred: [[1, 0]], target: [[1, 0]] }) // -1
   */
  cosine_similarity: {
    aliases: ['cs', 'cos_similarity', 'cossimilarity', 'cos_sim', 'cossim', 'cosine_similarity'],
    frameworks: ['tensorflow'],
    family: 'cosine',
    meaning: 'CosineSimilarity (axis)',
    rank: 9,
    tensorflow: { classes: { CosineSimilarity: {} }, signature: kerasPair<KerasAxisOptions>(), definition: cosineSimilarity },
  },
  /**
   * torch CosineEmbeddingLoss(margin = 0) on `{ x1, x2, target }`, x [N, D] or [D], target ±1 of shape [N] or []:
   * cos = Σ x1·x2 / sqrt((Σ x1² + 1e-12)(Σ x2² + 1e-12)); l = 1 - cos (y = 1), max(cos - margin, 0) (y = -1).
   */
  cosine_embedding: {
    aliases: ['cosine_embedding', 'cosine_embedding_loss'],
    frameworks: ['pytorch'],
    family: 'cosine',
    meaning: 'CosineEmbeddingLoss (margin)',
    rank: 17,
    pytorch: { classes: { CosineEmbeddingLoss: {} }, signature: signature<TwoInputTargetInputs, 'x1' | 'x2', TorchMarginOptions>(), definition: cosineEmbedding },
  },
} as const satisfies Declarations;
