/**
 * The elementwise probability losses (docs/semantics.md §2 bce, kld, pnll): binary cross-entropy (Keras
 * BinaryCrossentropy; torch BCELoss and BCEWithLogitsLoss), KL divergence (Keras KLDivergence; torch KLDivLoss)
 * and torch PoissonNLLLoss. Kernels: assembly/probability.ts; engine: ./elementwise.ts (Keras per-sample means,
 * or sums for KLDivergence; PyTorch reductions with 'batchmean'; torch weights as per-element factors). Below:
 * each loss's plain-JS twin for tiny inputs, its options, and the broadcasting of torch's weight and pos_weight.
 */

import { LossError } from '../errors.js';
import type { Runtime } from '../wasm.js';
import type { Framework } from '../frameworks.js';
import { shapeMismatch, type Reduction } from '../reduction.js';
import { floatInput, JsArrayInput, sameShape, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BoundLoss, type GradOptions, type Inputs, type LossDefinition } from './definition.js';
import { bindPairLoss, type JsPairKernels, type PairLoss } from '../engines/elementwise.js';

import { booleanOption, numberOption, smoothingOption, type LossContext, type OptionSpec, reductionOption, weightOption, type WeightTensor } from '../options.js';
import type { KerasBceOptions, KerasOptions, TorchOptions, TorchBceLogitsOptions, TorchBceProbabilityOptions, TorchBceWithLogitsOptions, TorchKldOptions, TorchMultilabelSoftMarginOptions, TorchPoissonNllOptions } from '../signatures.js';
import { kerasPair, narrowed, torchPair, type Declarations } from './declaration.js';

const EPSILON = 1e-7; // keras.backend.epsilon()
const ONE_MINUS_EPSILON = 1 - EPSILON; // in float64, as Keras on float64 inputs (the kernels: assembly/probability.ts)

// ---- plain-JS twins of assembly/probability.ts (f64 per element) ----

type Point = (p: number, t: number, param: number) => number;

function twin(f: Point, df: Point): JsPairKernels {
  return {
    sum(n, p, t, param) {
      let s = 0;
      for (let i = 0; i < n; i++) s += f(p[i]!, t[i]!, param);
      return s;
    },
    grad(n, p, t, param, scale, grad) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += f(p[i]!, t[i]!, param);
        grad[i] = scale * df(p[i]!, t[i]!, param);
      }
      return s;
    },
    point: f,
  };
}

const clip = (x: number) => (x < EPSILON ? EPSILON : x > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : x);
const smooth = (t: number, ls: number) => t * (1 - ls) + 0.5 * ls;

const kerasBinary = twin(
  (p, t, ls) => {
    const q = clip(p);
    const y = smooth(t, ls);
    return -(y * Math.log(q) + (1 - y) * Math.log1p(-q));
  },
  (p, t, ls) => (p >= EPSILON && 1 - p >= EPSILON ? (p - smooth(t, ls)) / (p * (1 - p)) : 0),
);

const binaryLogits = twin(
  (x, t, ls) => Math.max(x, 0) - x * smooth(t, ls) + Math.log1p(Math.exp(-Math.abs(x))),
  (x, t, ls) => {
    const e = Math.exp(-Math.abs(x));
    return (x >= 0 ? 1 : e) / (1 + e) - smooth(t, ls);
  },
);

const torchBinary = twin(
  (p, t) => -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log1p(-p), -100)),
  (p, t) => (p - t) / Math.max(p * (1 - p), Math.fround(1e-12)), // torch: a float32 1e-12
);

const kerasKld = twin(
  (p, t) => {
    const tc = Math.min(Math.max(t, EPSILON), 1);
    return tc * Math.log(tc / Math.min(Math.max(p, EPSILON), 1));
  },
  (p, t) => (p >= EPSILON && p <= 1 ? -Math.min(Math.max(t, EPSILON), 1) / p : 0),
);

const torchKld = twin(
  (x, t, logTarget) => (logTarget !== 0 ? Math.exp(t) * (t - x) : (t === 0 ? 0 : t * Math.log(t)) - t * x),
  (_x, t, logTarget) => (logTarget !== 0 ? -Math.exp(t) : -t),
);

/** Keras's backend epsilon (keras/src/backend/config.py), the ε of its Poisson. */
const KERAS_EPSILON = 1e-7;

const stirling = (t: number) => (t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0);

function poisson(logInput: boolean, full: boolean): JsPairKernels {
  const extra = full ? stirling : () => 0;
  return logInput
    ? twin((x, t) => Math.exp(x) - t * x + extra(t), (x, t) => Math.exp(x) - t)
    : twin((x, t, eps) => x - t * Math.log(x + eps) + extra(t), (x, t, eps) => 1 - t / (x + eps));
}

/** torch SoftMarginLoss: log(1 + e^z), z = -t·x, as max(z, 0) + log1p(e^-|z|) (no overflow); gradient -t·σ(z). */
const softMargin = twin(
  (x, t) => {
    const z = -t * x;
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  },
  (x, t) => {
    const z = -t * x;
    const e = Math.exp(-Math.abs(z));
    return -t * ((z >= 0 ? 1 : e) / (1 + e));
  },
);

// ---- torch weight and pos_weight ----

/**
 * A torch weight broadcast against `shape` (NumPy rules: trailing axes aligned, 1s stretch), one factor per
 * element; SHAPE_MISMATCH when it does not broadcast. `[C]` against [N, C] weighs each class.
 */
function broadcastTo(w: WeightTensor, shape: readonly number[], ctx: LossContext, name: string): Float32Array {
  const ws = w.shape;
  const pad = shape.length - ws.length;
  const fits = pad >= 0 && ws.every((d, k) => d === 1 || d === shape[pad + k]);
  if (!fits) throw shapeMismatch(ctx, `option "${name}"`, `a shape that broadcasts to pred's shape ${shapeString(shape)}`, ws);
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Float32Array(n);
  const strides = new Array<number>(shape.length).fill(0);
  let stride = 1;
  for (let k = ws.length - 1; k >= 0; k--) {
    strides[pad + k] = ws[k] === 1 ? 0 : stride;
    stride *= ws[k]!;
  }
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let k = 0; k < shape.length; k++) j += coord[k]! * strides[k]!;
    out[i] = w.data[j]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++coord[k]! < shape[k]!) break;
      coord[k] = 0;
    }
  }
  return out;
}

/**
 * torch's weight (any broadcastable shape) and BCEWithLogitsLoss's pos_weight (along the last axis) as per-element
 * factors and a target: l = w·((1 - y)x + a·softplus(-x)) with a = 1 + (pw - 1)y equals w·a·f(x, pw·y/a), f the
 * plain BCE-with-logits, so pos_weight is one more factor a and a rescaled target (0 where a = 0, where l is 0).
 */
function torchBinaryWeights(weight: WeightTensor | undefined, posWeight: WeightTensor | undefined, ctx: LossContext): PairLoss['torchWeights'] {
  if (weight === undefined && posWeight === undefined) return undefined;
  return (shape, target) => {
    const w = weight === undefined ? null : broadcastTo(weight, shape, ctx, 'weight');
    if (posWeight === undefined) return { weights: w, target };
    const pw = broadcastTo(posWeight, shape, ctx, 'posWeight');
    const n = pw.length;
    const factors = w ?? new Float32Array(n).fill(1);
    const t = new Float32Array(n);
    const y = target.array;
    for (let i = 0; i < n; i++) {
      const a = 1 + (pw[i]! - 1) * y[i]!;
      factors[i] = factors[i]! * a;
      t[i] = a === 0 ? 0 : (pw[i]! * y[i]!) / a;
    }
    const rescaled: FloatInput = { shape: target.shape, size: n, ptr: -1, array: t };
    return { weights: factors, target: rescaled };
  };
}

// ---- definitions ----

type Configure = (o: Readonly<Record<string, unknown>>, ctx: LossContext) => Omit<PairLoss, 'reduction'>;

function pairDefinition(framework: Framework, options: Record<string, OptionSpec>, configure: Configure, finalize?: LossDefinition['finalize'], extraReductions: readonly string[] = []): LossDefinition {
  const def: LossDefinition = {
    inputs: ['pred', 'target'],
    optionalInputs: framework === 'tensorflow' ? ['sampleWeight'] : [],
    options: { reduction: reductionOption(framework, extraReductions), ...options },
    ...(finalize === undefined ? {} : { finalize }),
    bind: (resolved, runtime, ctx) => bindPairLoss({ ...configure(resolved, ctx), reduction: resolved.reduction as Reduction }, runtime, ctx, def),
  };
  return def;
}

// ---- torch MultiLabelSoftMarginLoss: BCE with logits, averaged over the last axis per sample ----

/**
 * torch MultiLabelSoftMarginLoss(weight) (`multilabel_soft_margin_loss`, torch/nn/functional.py): per sample (every
 * axis but the last, whose size C is the classes'), l = (1/C)·Σ_c w_c·(-y·log σ(x) - (1 - y)·log σ(-x)), which is
 * BCEWithLogitsLoss's per-element value (weight broadcast to the input, as torch multiplies it) averaged over the
 * last axis. So 'mean' (over the samples) is BCEWithLogitsLoss's 'mean' over every element, 'sum' its 'sum' / C, and
 * 'none' its per-element values summed per sample / C: the kernels are bce_logits', run by the elementwise engine.
 * A rank-0 input has no class axis (torch's IndexError: SHAPE_MISMATCH); C = 0 gives NaN per sample, as torch.
 */
function multilabelSoftMarginDefinition(): LossDefinition {
  const def: LossDefinition = {
    inputs: ['pred', 'target'],
    optionalInputs: [],
    options: { reduction: reductionOption('pytorch'), weight: weightOption },
    bind: (o, runtime, ctx) => bindMultilabelSoftMargin(o, runtime, ctx, def),
  };
  return def;
}

function bindMultilabelSoftMargin(o: Readonly<Record<string, unknown>>, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reduction = o.reduction as Reduction;
  const weights = torchBinaryWeights(o.weight as WeightTensor | undefined, undefined, ctx);
  const inner = bindPairLoss(
    { kernels: 'bce_logits', js: binaryLogits, param: 0, valueScale: 1, ...(weights === undefined ? {} : { torchWeights: weights }), reduction },
    runtime,
    ctx,
    def,
  );

  /**
   * The class axis: pred's last (checked here first: the rest, by the engine), and the inputs the engine reads: pred
   * as parsed here, so that it is not parsed twice (a foreign tensor downloaded, a narrow typed array converted
   * again); number[] and nested arrays as given, whose parse is lazy and which the engine reads block by block.
   */
  function geometry(inputs: Inputs): { C: number; rows: number; shape: readonly number[]; rowShape: number[]; inputs: Inputs } {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const shape = pred.shape;
    if (shape.length === 0) throw shapeMismatch(ctx, 'pred', 'a tensor of rank >= 1 (its last axis holds the classes)', shape);
    const rowShape = shape.slice(0, -1);
    const parsed = pred instanceof JsArrayInput ? inputs : { ...inputs, pred: { data: pred.array, shape } };
    return { C: shape[shape.length - 1]!, rows: rowShape.reduce((a, b) => a * b, 1), shape, rowShape, inputs: parsed };
  }

  /** Per-sample values from the per-element ones: Σ over each row / C (f64), NaN for C = 0. */
  function perSample(values: Float32Array, g: ReturnType<typeof geometry>): OutputTensor {
    const out = new Float32Array(g.rows);
    for (let r = 0; r < g.rows; r++) {
      let s = 0;
      for (let c = 0; c < g.C; c++) s += values[r * g.C + c]!;
      out[r] = s / g.C;
    }
    return { data: out, shape: g.rowShape };
  }

  const sumOver = (v: number, g: ReturnType<typeof geometry>) => (g.C === 0 ? (g.rows > 0 ? NaN : 0) : v / g.C);

  return {
    forward(inputs, extra) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      const g = geometry(inputs);
      const v = inner.forward(g.inputs);
      if (reduction === 'none') return perSample((v as OutputTensor).data as Float32Array, g);
      return reduction === 'sum' ? sumOver(v as number, g) : v;
    },
    withGrad(inputs, options?: GradOptions) {
      checkGradOptions(options, where);
      const g = geometry(inputs);
      if (reduction === 'mean') return inner.withGrad(g.inputs, options);
      if (reduction === 'sum') {
        const r = inner.withGrad(g.inputs, options);
        const grad = r.grad.pred!.data as Float32Array;
        for (let i = 0; i < grad.length; i++) grad[i]! /= g.C;
        return { value: sumOver(r.value as number, g), grad: r.grad };
      }
      // 'none': the upstream gradient of each sample, spread over its C elements / C
      let up: ArrayLike<number> | null = null;
      if (options?.gradOutput !== undefined) {
        const u = floatInput(options.gradOutput, runtime, where, 'gradOutput');
        if (!sameShape(u.shape, g.rowShape)) throw shapeMismatch(ctx, 'gradOutput', `the loss's shape ${shapeString(g.rowShape)}`, u.shape);
        up = u.array;
      }
      const spread = new Float32Array(g.rows * g.C);
      for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.C; c++) spread[r * g.C + c] = (up === null ? 1 : up[r]!) / g.C;
      const r = inner.withGrad(g.inputs, { ...(options?.out === undefined ? {} : { out: options.out }), gradOutput: { data: spread, shape: [...g.shape] } });
      return { value: perSample((r.value as OutputTensor).data as Float32Array, g), grad: r.grad };
    },
    stream: {
      update(inputs, seen) {
        const g = geometry(inputs);
        const stats = inner.stream.update(g.inputs, seen);
        return reduction === 'sum' ? { ...stats, sum: sumOver(stats.sum, g) } : stats;
      },
    },
  };
}

/**
 * The elementwise probability losses by canonical name and framework. `pred` and `target` of one shape;
 * Keras's per-sample loss has the shape without the last axis, PyTorch's the input's shape.
 */
/** The probability family's declarations (the elementwise engine, ./elementwise.ts). */
export const PROBABILITY = {
  /**
   * Binary cross-entropy (bce, BinaryCrossentropy, BCELoss, BCEWithLogitsLoss).
   * Keras: `fromLogits` (default false: probabilities clipped to [1e-7, 1 - 1e-7], gradient 0 where clipped),
   * `labelSmoothing` (y ← y(1 - ls) + ls/2); the mean over the last axis per sample.
   * PyTorch: BCELoss (fromLogits false; each log clamped at -100, so a confidently wrong 0 or 1 costs exactly 100)
   * with `weight` broadcast to the input, or BCEWithLogitsLoss (fromLogits true) with `weight` and `posWeight`
   * (broadcast along the last axis); stable for logits of ±1e4.
   * @example fl.loss('BCEWithLogitsLoss')({ pred: [0, 2], target: [1, 0] }) // 1.4119
   */
  binary_crossentropy: {
    aliases: ['bce', 'bin_crossentropy', 'bin_cross_entropy', 'binary_crossentropy', 'binary_cross_entropy'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'crossentropy',
    meaning: 'tf.keras.losses.BinaryCrossentropy; torch BCELoss, and BCEWithLogitsLoss when fromLogits',
    rank: 2,
    tensorflow: {
      classes: { BinaryCrossentropy: {} },
      signature: kerasPair<KerasBceOptions>(),
      definition: pairDefinition('tensorflow', { fromLogits: booleanOption(false), labelSmoothing: smoothingOption }, (o) => ({
        kernels: o.fromLogits === true ? 'bce_logits' : 'bce',
        js: o.fromLogits === true ? binaryLogits : kerasBinary,
        param: o.labelSmoothing as number,
        valueScale: 1,
      })),
    },
    pytorch: {
      classes: {
        BCELoss: { fixed: { fromLogits: false }, options: narrowed<TorchBceProbabilityOptions>() },
        BCEWithLogitsLoss: { fixed: { fromLogits: true }, options: narrowed<TorchBceWithLogitsOptions>() },
      },
      functions: { binary_cross_entropy_with_logits: { fixed: { fromLogits: true }, options: narrowed<TorchBceWithLogitsOptions>() } },
      signature: torchPair<TorchBceProbabilityOptions | TorchBceLogitsOptions>(),
      definition: pairDefinition(
      'pytorch',
      { fromLogits: booleanOption(false), weight: weightOption, posWeight: weightOption },
      (o, ctx) => {
        const weights = torchBinaryWeights(o.weight as WeightTensor | undefined, o.posWeight as WeightTensor | undefined, ctx);
        return {
          kernels: o.fromLogits === true ? 'bce_logits' : 'bce_torch',
          js: o.fromLogits === true ? binaryLogits : torchBinary,
          param: 0,
          valueScale: 1,
          ...(weights === undefined ? {} : { torchWeights: weights }),
        };
      },
      (given, options, ctx) => {
        if (given.has('posWeight') && options.fromLogits !== true) {
          throw new LossError({
            code: 'UNKNOWN_OPTION',
            loss: `${ctx.loss} (${ctx.framework})`,
            argument: 'option "posWeight"',
            expected: 'posWeight only with fromLogits: true (BCEWithLogitsLoss); BCELoss takes reduction, fromLogits, weight',
            received: '"posWeight"',
          });
        }
      },
      ),
    },
  },
  /**
   * Kullback-Leibler divergence (kld, KLDivergence, KLDivLoss).
   * Keras: Σ over the last axis of t·log(t/p) with t and p clipped to [1e-7, 1] (the clipped t multiplies).
   * PyTorch: pred holds log-probabilities; t·(log t - pred) (0 where t = 0), or e^t·(t - pred) with `logTarget`;
   * 'mean' averages every element (as torch does, with its warning), 'batchmean' divides the sum by the batch size.
   */
  kullback_leibler_divergence: {
    aliases: ['kld', 'kullback_leibler_divergence'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'divergence',
    meaning: 'KLDivergence; torch KLDivLoss (pred = log-probabilities, logTarget)',
    rank: 8,
    tensorflow: {
      classes: { KLDivergence: {} },
      functions: { kl_divergence: {} },
      signature: kerasPair<KerasOptions>(),
      definition: pairDefinition('tensorflow', {}, () => ({ kernels: 'kld', js: kerasKld, param: 0, valueScale: 1, rowSum: true })),
    },
    pytorch: {
      classes: { KLDivLoss: {} },
      functions: { kl_div: {} },
      signature: torchPair<TorchKldOptions>(),
      definition: pairDefinition(
        'pytorch',
        { logTarget: booleanOption(false) },
        (o) => ({ kernels: 'kld_torch', js: torchKld, param: o.logTarget === true ? 1 : 0, valueScale: 1 }),
        undefined,
        ['batchmean'],
      ),
    },
  },
  /**
   * Poisson negative log-likelihood (pnll, PoissonNLLLoss; PyTorch only): `logInput` (default true):
   * e^pred - t·pred; otherwise pred - t·log(pred + eps) (`eps` = 1e-8); `full` adds Stirling's
   * t·log t - t + ½·log(2πt) where t > 1 (no gradient).
   */
  poisson_negative_log_likelihood: {
    aliases: ['pnll', 'p_neg_ll', 'p_neg_log_likelihood', 'poisson_negative_log_likelihood'],
    frameworks: ['pytorch'],
    family: 'divergence',
    meaning: 'PoissonNLLLoss',
    rank: 19,
    counterparts: { tensorflow: 'poisson' },
    pytorch: {
      classes: { PoissonNLLLoss: {} },
      functions: { poisson_nll_loss: {} },
      signature: torchPair<TorchPoissonNllOptions>(),
      definition: pairDefinition(
        'pytorch',
        { logInput: booleanOption(true), full: booleanOption(false), eps: numberOption(1e-8, 0) },
        (o) => {
          const logInput = o.logInput === true;
          const full = o.full === true;
          return { kernels: `poisson${logInput ? '_log' : ''}${full ? '_full' : ''}`, js: poisson(logInput, full), param: o.eps as number, valueScale: 1 };
        },
      ),
    },
  },
  /**
   * Keras Poisson (poisson, Poisson): the mean over the last axis of pred - target·log(pred + ε), ε = 1e-7 (Keras's
   * backend epsilon; keras/src/losses/losses.py `poisson`). No clip: pred + ε < 0 gives a NaN value while the
   * gradient 1 - target/(pred + ε) stays finite, as in Keras. Per element it is torch's PoissonNLLLoss with
   * log_input=False and eps = 1e-7, so it runs that kernel.
   * @example fl.loss('poisson')({ pred: [1, 0.5], target: [2, 0] }) // 0.75
   */
  poisson: {
    aliases: ['poisson', 'poisson_loss'],
    frameworks: ['tensorflow'],
    family: 'divergence',
    meaning: 'Poisson',
    rank: 23,
    counterparts: { pytorch: 'poisson_negative_log_likelihood' },
    tensorflow: {
      classes: { Poisson: {} },
      signature: kerasPair<KerasOptions>(),
      definition: pairDefinition('tensorflow', {}, () => ({ kernels: 'poisson', js: poisson(false, false), param: KERAS_EPSILON, valueScale: 1 })),
    },
  },
  /**
   * torch SoftMarginLoss (soft_margin, soft_margin_loss): log(1 + e^(-y·x)) per element, y any real number (torch
   * checks nothing), then the reduction. Computed as max(z, 0) + log1p(e^-|z|), z = -y·x: finite where torch's
   * float32 log1p(exp(z)) overflows to inf (z > 88.7) and its gradient to NaN.
   * @example fl.loss('SoftMarginLoss')({ pred: [1, -1], target: [1, 1] }) // 0.813262
   */
  soft_margin: {
    aliases: ['soft_margin', 'soft_margin_loss'],
    frameworks: ['pytorch'],
    family: 'margin',
    meaning: 'SoftMarginLoss',
    rank: 24,
    pytorch: {
      classes: { SoftMarginLoss: {} },
      signature: torchPair<TorchOptions>(),
      definition: pairDefinition('pytorch', {}, () => ({ kernels: 'soft_margin', js: softMargin, param: 0, valueScale: 1 })),
    },
  },
  /**
   * torch MultiLabelSoftMarginLoss (multilabel_soft_margin, F.multilabel_soft_margin_loss): per sample over the last
   * axis, (1/C)·Σ_c w_c·BCE-with-logits(x_c, y_c), `weight` broadcast to the input ([C], [N, C], [N, 1]) without
   * changing the 1/C; 'mean' over the samples. 1-D input: one sample (a value of shape [] for 'none').
   * @example fl.loss('MultiLabelSoftMarginLoss')({ pred: [[0, 2]], target: [[1, 0]] }) // 1.4119
   */
  multilabel_soft_margin: {
    aliases: ['multilabel_soft_margin', 'multilabel_soft_margin_loss', 'multi_label_soft_margin'],
    frameworks: ['pytorch'],
    family: 'crossentropy',
    meaning: 'MultiLabelSoftMarginLoss (weight)',
    rank: 30,
    pytorch: {
      classes: { MultiLabelSoftMarginLoss: {} },
      signature: torchPair<TorchMultilabelSoftMarginOptions>(),
      definition: multilabelSoftMarginDefinition(),
    },
  },
} as const satisfies Declarations;
