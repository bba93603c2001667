/**
 * The cosine part's code (./parts.ts: loaded with the first of its losses; their declarations are ./cosine.ts):
 * Keras CosineSimilarity and torch CosineEmbeddingLoss on the row engine (./rows-margin.ts), kernels
 * assembly/cosine.ts.
 */

import { binderKey } from '../lazy-parts.js';
import type { PartCode } from './part-code.js';
import { bindCosineEmbedding, kerasRowsBinder } from './rows-margin.js';

/** The cosine part's binders. */
export const COSINE_CODE: PartCode = {
  [binderKey('cosine_similarity', 'tensorflow')]: kerasRowsBinder('cosine_similarity_f32'),
  [binderKey('cosine_embedding', 'pytorch')]: bindCosineEmbedding,
};
