/**
 * The inputs and options of every loss in each framework, as the types see them (camelCase versions of the
 * frameworks' own), with the framework spellings and the reductions. A leaf: the family files' declarations
 * (src/losses/*.ts) name their signatures with these, and src/types.ts derives the literal-name types from the
 * declarations, so neither imports the other's way back.
 */

import type { Framework } from './frameworks.js';
import type { TensorLike } from './tensor.js';

// ---- frameworks and reductions ----

/** Spellings of the `framework` option (matched case-insensitively at run time; these are the usual ones). */
export type TensorFlowName = 'tensorflow' | 'tf' | 'keras' | 'TensorFlow' | 'Tensorflow' | 'TF' | 'Keras';
export type PyTorchName = 'pytorch' | 'torch' | 'PyTorch' | 'Pytorch' | 'Torch';
export type FrameworkName = TensorFlowName | PyTorchName;

/** The spellings of a framework. */
export type FrameworkSpelling<F extends Framework> = F extends 'tensorflow' ? TensorFlowName : F extends 'pytorch' ? PyTorchName : never;

/** The framework a spelling means. */
export type FrameworkOfName<F> = F extends TensorFlowName ? 'tensorflow' : F extends PyTorchName ? 'pytorch' : never;

/**
 * Keras 3 reductions (keras/src/losses/loss.py, reduce_values): 'sum_over_batch_size' is the default and
 * 'mean' its other name; 'mean_with_sample_weight' (Keras >= 3.13) divides by the sum of the sample weights.
 */
export type KerasReduction = 'sum_over_batch_size' | 'sum' | 'none' | 'mean' | 'mean_with_sample_weight';
/** PyTorch reductions (torch/nn/modules/loss.py); KLDivLoss also takes 'batchmean'. */
export type TorchReduction = 'mean' | 'sum' | 'none';
export type Reduction = KerasReduction | TorchReduction | 'batchmean';
/** The reductions whose result is one number: all but 'none'. */
export type ScalarReduction = Exclude<Reduction, 'none'>;

// ---- inputs ----

/** `{ pred, target }`: PyTorch's (input, target). */
export interface PairInputs {
  pred: TensorLike;
  target: TensorLike;
}

/** `{ pred, target, sampleWeight? }`: Keras's (y_pred, y_true, sample_weight), the weight per sample value. */
export interface KerasPairInputs extends PairInputs {
  sampleWeight?: TensorLike | undefined;
}

/** `{ x1, x2, target }`: MarginRankingLoss and CosineEmbeddingLoss (target of +-1). */
export interface TwoInputTargetInputs {
  x1: TensorLike;
  x2: TensorLike;
  target: TensorLike;
}

/**
 * `{ pred, target, var }`: GaussianNLLLoss's (input, target, var), var of pred's shape, of pred's shape without the
 * last axis, with 1 on one axis, or one number.
 */
export interface GaussianInputs {
  pred: TensorLike;
  target: TensorLike;
  var: TensorLike;
}

/** `{ positive, negative, sampleWeight? }`: the pairwise ranking losses (scores of the preferred and the other item). */
export interface PairwiseInputs {
  positive: TensorLike;
  negative: TensorLike;
  sampleWeight?: TensorLike | undefined;
}

/**
 * CTCLoss: `logProbs` [T, N, C] (or [T, C]); `targets` [N, S] padded or the 1-D concatenation of every
 * target; `inputLengths` [N]; `targetLengths` [N].
 */
export interface CtcInputs {
  logProbs: TensorLike;
  targets: TensorLike;
  inputLengths: TensorLike;
  targetLengths: TensorLike;
}

// ---- options (camelCase versions of the frameworks' own; every one optional, undefined = the default) ----

export interface KerasOptions {
  reduction?: KerasReduction | undefined;
}

export interface TorchOptions {
  reduction?: TorchReduction | undefined;
}

/** Keras BinaryCrossentropy(from_logits, label_smoothing). */
export interface KerasBceOptions extends KerasOptions {
  fromLogits?: boolean | undefined;
  labelSmoothing?: number | undefined;
}

/** torch BCELoss(weight): probabilities; no pos_weight. */
export interface TorchBceProbabilityOptions extends TorchOptions {
  fromLogits?: false | undefined;
  weight?: TensorLike | undefined;
  posWeight?: undefined;
}

/** torch GaussianNLLLoss(full, eps): `full` adds 0.5·log 2π; var is clamped to at least eps (>= 0). */
export interface TorchGaussianNllOptions extends TorchOptions {
  full?: boolean | undefined;
  eps?: number | undefined;
}

/** torch MultiLabelSoftMarginLoss(weight): logits; weight broadcast to the input ([C], [N, C], [N, 1]). */
export interface TorchMultilabelSoftMarginOptions extends TorchOptions {
  weight?: TensorLike | undefined;
}

/** torch BCEWithLogitsLoss(weight, pos_weight): logits; posWeight broadcasts along the last axis. */
export interface TorchBceLogitsOptions extends TorchOptions {
  fromLogits: true;
  weight?: TensorLike | undefined;
  posWeight?: TensorLike | undefined;
}

/** BCEWithLogitsLoss and binary_cross_entropy_with_logits, where the name already says logits. */
export interface TorchBceWithLogitsOptions extends Omit<TorchBceLogitsOptions, 'fromLogits'> {
  fromLogits?: true | undefined;
}

/**
 * Keras BinaryFocalCrossentropy(apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis): the mean
 * over `axis` (default -1) of the focal BCE; alpha weighs only with applyClassBalancing.
 */
export interface KerasBinaryFocalOptions extends KerasOptions {
  applyClassBalancing?: boolean | undefined;
  alpha?: number | undefined;
  gamma?: number | undefined;
  fromLogits?: boolean | undefined;
  labelSmoothing?: number | undefined;
  axis?: number | undefined;
}

/**
 * Keras CategoricalFocalCrossentropy(alpha, gamma, from_logits, label_smoothing, axis): alpha one number, or one per
 * class (along the last axis, as Keras broadcasts it).
 */
export interface KerasCategoricalFocalOptions extends KerasOptions {
  alpha?: number | readonly number[] | undefined;
  gamma?: number | undefined;
  fromLogits?: boolean | undefined;
  labelSmoothing?: number | undefined;
  axis?: number | undefined;
}

/** The sparse form (keras-team/keras#23442): class indices, and SparseCategoricalCrossentropy's ignore_class. */
export interface KerasSparseCategoricalFocalOptions extends KerasCategoricalFocalOptions {
  ignoreClass?: number | null | undefined;
}

/**
 * Keras Dice(axis): `axis` null (the default: every axis, one value for the whole batch), one axis, or a list of
 * them; the value has the input's shape without those axes.
 */
export interface KerasDiceOptions extends KerasOptions {
  axis?: number | readonly number[] | null | undefined;
}

/** Keras Tversky(alpha, beta, axis): α weighs Σ y(1 - p) (false negatives, as the code does), β Σ (1 - y)p. */
export interface KerasTverskyOptions extends KerasDiceOptions {
  alpha?: number | undefined;
  beta?: number | undefined;
}

/** torchvision.ops.sigmoid_focal_loss(alpha, gamma, reduction): logits; alpha in [0, 1] or -1 (off); reduction default 'none'. */
export interface TorchSigmoidFocalOptions extends TorchOptions {
  alpha?: number | undefined;
  gamma?: number | undefined;
}

/** Keras CategoricalCrossentropy(from_logits, label_smoothing, axis). */
export interface KerasCceOptions extends KerasBceOptions {
  axis?: number | undefined;
}

/** torch CrossEntropyLoss(weight, ignore_index, label_smoothing): logits, class axis 1. */
export interface TorchCceOptions extends TorchOptions {
  weight?: TensorLike | undefined;
  ignoreIndex?: number | undefined;
  labelSmoothing?: number | undefined;
}

/** Keras SparseCategoricalCrossentropy(from_logits, ignore_class); `axis` as keras.losses.sparse_categorical_crossentropy. */
export interface KerasScceOptions extends KerasOptions {
  fromLogits?: boolean | undefined;
  ignoreClass?: number | undefined;
  axis?: number | undefined;
}

/** torch NLLLoss(weight, ignore_index). */
export interface TorchNllOptions extends TorchOptions {
  weight?: TensorLike | undefined;
  ignoreIndex?: number | undefined;
}

/** torch KLDivLoss(reduction, log_target): pred holds log-probabilities; 'batchmean' divides by the batch size. */
export interface TorchKldOptions {
  reduction?: TorchReduction | 'batchmean' | undefined;
  logTarget?: boolean | undefined;
}

/** torch PoissonNLLLoss(log_input, full, eps). */
export interface TorchPoissonNllOptions extends TorchOptions {
  logInput?: boolean | undefined;
  full?: boolean | undefined;
  eps?: number | undefined;
}

/** Keras Huber(delta). */
export interface KerasHuberOptions extends KerasOptions {
  delta?: number | undefined;
}

/** torch SmoothL1Loss(beta). */
export interface TorchSmoothL1Options extends TorchOptions {
  beta?: number | undefined;
}

/** torch HuberLoss(delta): the name implies delta (default 1); beta does not apply. */
export interface TorchHuberDeltaOptions extends TorchOptions {
  delta?: number | undefined;
}

/** PyTorch `huber`: SmoothL1Loss(beta) by default, HuberLoss(delta) when delta is given; never both. */
export type TorchHuberOptions = (TorchSmoothL1Options & { delta?: undefined }) | (TorchOptions & { delta: number; beta?: undefined });

/** A margin: MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, pair hinge. */
export interface TorchMarginOptions extends TorchOptions {
  margin?: number | undefined;
}

export interface KerasMarginOptions extends KerasOptions {
  margin?: number | undefined;
}

/** Keras CosineSimilarity(axis). */
export interface KerasAxisOptions extends KerasOptions {
  axis?: number | undefined;
}

/** torch CTCLoss(blank, zero_infinity), and which gradient withGrad returns (of logProbs, or of the logits). */
export interface CtcOptions extends TorchOptions {
  blank?: number | undefined;
  zeroInfinity?: boolean | undefined;
  /**
   * Which gradient `withGrad` returns. `'logProbs'` (the default): the exact derivative with respect to
   * `logProbs`, −γ (the posterior occupancy). `'logits'`: PyTorch's numbers, `exp(logProbs) − γ`, which is what
   * torch's CTCLoss backward returns although it calls it the gradient of `log_probs` (pytorch/pytorch#52241):
   * the gradient with respect to the logits before `log_softmax`. Both train the same after log_softmax.
   */
  gradOf?: 'logProbs' | 'logits' | undefined;
}
