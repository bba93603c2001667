/**
 * The regression family (docs/semantics.md §2): mean_squared_error, mean_absolute_error,
 * mean_absolute_percentage_error, mean_squared_logarithmic_error, huber and smooth_l1, in Keras 3 and PyTorch
 * 1.13 semantics. The kernels are assembly/regression.ts; the engine (shapes, reductions, sample weights,
 * streaming) is ./elementwise.ts. Below: each loss's plain-JS twin for tiny inputs and its options.
 */

import { LossError } from '../errors.js';
import type { Framework } from '../frameworks.js';
import { type Reduction } from '../reduction.js';
import { type LossDefinition } from './definition.js';
import type { KerasHuberOptions, KerasOptions, TorchHuberDeltaOptions, TorchHuberOptions, TorchOptions, TorchSmoothL1Options } from '../signatures.js';
import { kerasPair, narrowed, torchPair, type Declarations } from './declaration.js';
import { bindPairLoss, type ElementwiseKernels, type JsPairKernels, type PairLoss } from '../engines/elementwise.js';
import { numberOption, type OptionSpec, reductionOption } from '../options.js';

/** keras.backend.epsilon(). */
const EPSILON = 1e-7;

// ---- plain-JS twins of assembly/regression.ts (f of d = p - t, accumulated in f64) ----

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0; // torch.sign: 0 at 0 and NaN
}

// `absolute` reads its param as the smooth_l1 flag of assembly/regression.ts (SmoothL1Loss(β = 0): -1 at ties, NaN stays NaN).

const squared: JsPairKernels = {
  sum(n, p, t) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      s += d * d;
    }
    return s;
  },
  grad(n, p, t, _param, scale, grad) {
    const s2 = 2 * scale;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      grad[i] = s2 * d;
      s += d * d;
    }
    return s;
  },
  point: (p, t) => (p - t) * (p - t),
};

const absolute: JsPairKernels = {
  sum(n, p, t) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(p[i]! - t[i]!);
    return s;
  },
  grad(n, p, t, smoothL1, scale, grad) {
    let s = 0;
    if (smoothL1 !== 0) {
      // torch's smooth_l1 backward at β = 0: -1 where d <= 0 (ties too), 1 where d > 0, NaN kept.
      for (let i = 0; i < n; i++) {
        const d = p[i]! - t[i]!;
        grad[i] = d > 0 ? scale : d <= 0 ? -scale : NaN;
        s += Math.abs(d);
      }
      return s;
    }
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      grad[i] = d > 0 ? scale : d < 0 ? -scale : 0; // scale · sign(d)
      s += Math.abs(d);
    }
    return s;
  },
  point: (p, t) => Math.abs(p - t),
};

/** Keras's two branches (the kernels fold them into m·(|d| - m/2), m = min(|d|, δ); same values). NaN stays NaN. */
function huberOf(d: number, delta: number): number {
  const a = Math.abs(d);
  return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
}

const huber: JsPairKernels = {
  sum(n, p, t, delta) {
    let s = 0;
    for (let i = 0; i < n; i++) s += huberOf(p[i]! - t[i]!, delta);
    return s;
  },
  grad(n, p, t, delta, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      const a = Math.abs(d);
      if (a <= delta) {
        s += 0.5 * a * a;
        grad[i] = scale * d;
      } else {
        s += delta * (a - 0.5 * delta); // NaN lands here: NaN value, and scale·d = NaN gradient below
        grad[i] = d > 0 ? scale * delta : d < 0 ? -scale * delta : scale * d;
      }
    }
    return s;
  },
  point: (p, t, delta) => huberOf(p - t, delta),
};

const percentage: JsPairKernels = {
  sum(n, p, t) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (100 * Math.abs(p[i]! - t[i]!)) / Math.max(Math.abs(t[i]!), EPSILON);
    return s;
  },
  grad(n, p, t, _param, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      const denominator = Math.max(Math.abs(t[i]!), EPSILON);
      grad[i] = (scale * 100 * sign(d)) / denominator;
      s += (100 * Math.abs(d)) / denominator;
    }
    return s;
  },
  point: (p, t) => (100 * Math.abs(p - t)) / Math.max(Math.abs(t), EPSILON),
};

function log1pClipped(x: number): number {
  return Math.log1p(Math.max(x, EPSILON));
}

const squaredLog: JsPairKernels = {
  sum(n, p, t) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const e = log1pClipped(p[i]!) - log1pClipped(t[i]!);
      s += e * e;
    }
    return s;
  },
  grad(n, p, t, _param, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const pi = p[i]!;
      const e = log1pClipped(pi) - log1pClipped(t[i]!);
      grad[i] = pi >= EPSILON ? (scale * 2 * e) / (1 + pi) : 0; // maximum(p, ε) passes the gradient where p >= ε
      s += e * e;
    }
    return s;
  },
  point(p, t) {
    const e = log1pClipped(p) - log1pClipped(t);
    return e * e;
  },
};

/** log(cosh d) in f64, without cancellation near 0: log1p(2·sinh²(a/2)) below a = 1, (a - log 2) + log1p(e^(-2a)) above. */
function logCoshOf(d: number): number {
  const a = Math.abs(d);
  if (a < 1) {
    const s = Math.sinh(0.5 * a);
    return Math.log1p(2 * s * s);
  }
  return a - Math.LN2 + Math.log1p(Math.exp(-2 * a)); // NaN lands here and stays NaN
}

/** Keras LogCosh (assembly/regression.ts LOG_COSH): f = log cosh(p - t), f' = tanh(p - t). */
const logCosh: JsPairKernels = {
  sum(n, p, t) {
    let s = 0;
    for (let i = 0; i < n; i++) s += logCoshOf(p[i]! - t[i]!);
    return s;
  },
  grad(n, p, t, _param, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      grad[i] = scale * Math.tanh(d);
      s += logCoshOf(d);
    }
    return s;
  },
  point: (p, t) => logCoshOf(p - t),
};

// ---- definitions ----

const REGRESSION_INPUTS = {
  tensorflow: { inputs: ['pred', 'target'], optionalInputs: ['sampleWeight'] },
  pytorch: { inputs: ['pred', 'target'], optionalInputs: [] },
} as const;

type Configure = (options: Readonly<Record<string, unknown>>) => Omit<PairLoss, 'reduction'>;

function pairDefinition(
  framework: Framework,
  options: Record<string, OptionSpec>,
  configure: Configure,
  finalize?: LossDefinition['finalize'],
): LossDefinition {
  const def: LossDefinition = {
    ...REGRESSION_INPUTS[framework],
    options: { reduction: reductionOption(framework), ...options },
    ...(finalize === undefined ? {} : { finalize }),
    bind: (resolved, runtime, ctx) =>
      bindPairLoss({ jsArrays: true, ...configure(resolved), reduction: resolved.reduction as Reduction }, runtime, ctx, def),
  };
  return def;
}

const plain = (kernels: ElementwiseKernels, js: JsPairKernels): Configure => () => ({ kernels, js, param: 0, valueScale: 1 });

/**
 * SmoothL1Loss(β) = Huber(δ = β) / β. β = 0 is L1 whose gradient keeps NaN (param 1: torch's smooth_l1 backward
 * ends in d/β, where L1's sign(NaN) is 0); at d = 0 it is -1, as torch 1.13's `x <= -β` branch gives (docs/semantics.md §2 huber).
 */
const smoothL1: Configure = (o) => {
  const beta = o.beta as number;
  return beta === 0
    ? { kernels: 'mae', js: absolute, param: 1, valueScale: 1 }
    : { kernels: 'huber', js: huber, param: beta, valueScale: 1 / beta };
};

/** PyTorch's `huber`: HuberLoss when `delta` is given (or implied by the class name), SmoothL1Loss(β) otherwise. */
const torchHuber: Configure = (o) =>
  o.delta !== undefined ? { kernels: 'huber', js: huber, param: o.delta as number, valueScale: 1 } : smoothL1(o);

/**
 * The regression family's declarations. Shapes: `pred` and `target` of one shape `[..., D]` (Keras also
 * reconciles `[N]` with `[N, 1]`); Keras's per-sample loss has shape `[...]`, PyTorch's `[..., D]`.
 */
export const REGRESSION = {
  /**
   * Mean squared error (mse, MeanSquaredError, MSELoss): f = (p - t)², f' = 2(p - t).
   * Keras: mean_D(f) per sample. PyTorch: f elementwise.
   * @example fl.loss('mse')({ pred: [[1, 2]], target: [[0, 0]] }) // 2.5
   * @see mean_absolute_error, huber
   */
  mean_squared_error: {
    aliases: ['mse', 'mean_square_error', 'mean_squared_error'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'regression',
    meaning: 'MeanSquaredError; torch MSELoss',
    rank: 1,
    tensorflow: { classes: { MeanSquaredError: {} }, signature: kerasPair<KerasOptions>(), definition: pairDefinition('tensorflow', {}, plain('mse', squared)) },
    pytorch: { classes: { MSELoss: {} }, functions: { mse_loss: {} }, signature: torchPair<TorchOptions>(), definition: pairDefinition('pytorch', {}, plain('mse', squared)) },
  },
  /**
   * Mean absolute error (mae, MeanAbsoluteError, L1Loss): f = |p - t|, f' = sign(p - t), 0 at p = t (and, as
   * torch.sign, at NaN). Keras: mean_D(f) per sample. PyTorch: f elementwise.
   */
  mean_absolute_error: {
    aliases: ['mae', 'mean_abs_error', 'mean_absolute_error'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'regression',
    meaning: 'MeanAbsoluteError; torch L1Loss',
    rank: 3,
    tensorflow: { classes: { MeanAbsoluteError: {} }, signature: kerasPair<KerasOptions>(), definition: pairDefinition('tensorflow', {}, plain('mae', absolute)) },
    pytorch: { classes: { L1Loss: {} }, functions: { l1_loss: {} }, signature: torchPair<TorchOptions>(), definition: pairDefinition('pytorch', {}, plain('mae', absolute)) },
  },
  /**
   * Mean absolute percentage error (mape, Keras only): f = 100·|t - p| / max(|t|, 1e-7), mean_D per sample.
   * t = 0 divides by 1e-7 (huge values, not an error).
   */
  mean_absolute_percentage_error: {
    aliases: ['mape', 'mean_abs_percent_error', 'mean_absolute_percentage_error'],
    frameworks: ['tensorflow'],
    family: 'regression',
    meaning: 'MeanAbsolutePercentageError',
    rank: 12,
    tensorflow: { classes: { MeanAbsolutePercentageError: {} }, signature: kerasPair<KerasOptions>(), definition: pairDefinition('tensorflow', {}, plain('mape', percentage)) },
  },
  /**
   * Mean squared logarithmic error (msle, Keras only): f = (log(max(p, ε) + 1) - log(max(t, ε) + 1))², ε = 1e-7,
   * mean_D per sample. Negative values are clipped to ε (no NaN); the gradient is 0 where p < ε.
   */
  mean_squared_logarithmic_error: {
    aliases: ['msle', 'mean_square_log_error', 'mean_squared_log_error', 'mean_squared_logarithmic_error'],
    frameworks: ['tensorflow'],
    family: 'regression',
    meaning: 'MeanSquaredLogarithmicError',
    rank: 13,
    tensorflow: { classes: { MeanSquaredLogarithmicError: {} }, signature: kerasPair<KerasOptions>(), definition: pairDefinition('tensorflow', {}, plain('msle', squaredLog)) },
  },
  /**
   * Huber. Keras `Huber(delta = 1)`: 0.5·e² where |e| <= δ, else δ·|e| - 0.5·δ², mean_D per sample.
   * PyTorch: `SmoothL1Loss(beta = 1)` by default (0.5·e²/β where |e| < β, else |e| - 0.5·β), `HuberLoss(delta)`
   * when `delta` is given or the name is HuberLoss (0.5·e² where |e| < δ, else δ·(|e| - 0.5·δ)); not both.
   * The two conventions at |e| = δ agree in value and gradient.
   */
  huber: {
    aliases: ['huber'],
    frameworks: ['tensorflow', 'pytorch'],
    family: 'regression',
    meaning: 'Huber (delta); torch SmoothL1Loss (beta), HuberLoss when delta is given',
    rank: 5,
    tensorflow: {
      classes: { Huber: {} },
      signature: kerasPair<KerasHuberOptions>(),
      definition: pairDefinition('tensorflow', { delta: numberOption(1, 0) }, (o) => ({ kernels: 'huber', js: huber, param: o.delta as number, valueScale: 1 })),
    },
    pytorch: {
      classes: { HuberLoss: { implied: { delta: 1 }, options: narrowed<TorchHuberDeltaOptions>() } },
      // F.huber_loss(delta=1.0) is HuberLoss, not SmoothL1Loss
      functions: { huber_loss: { implied: { delta: 1 }, options: narrowed<TorchHuberDeltaOptions>() } },
      signature: torchPair<TorchHuberOptions>(),
      definition: pairDefinition(
      'pytorch',
      // torch: smooth_l1_loss rejects beta < 0, huber_loss rejects delta <= 0.
      { beta: numberOption(1, 0), delta: numberOption(undefined, 0, true) },
      torchHuber,
      (given, options, ctx, implied) => {
        if (given.has('beta') && (given.has('delta') || implied.has('delta'))) {
          const byClass = implied.has('delta');
          throw new LossError({
            // HuberLoss has no beta at all; `huber` with both names two losses at once.
            code: byClass ? 'UNKNOWN_OPTION' : 'BAD_OPTION',
            loss: `${ctx.loss} (${ctx.framework})`,
            argument: 'option "beta"',
            expected: byClass
              ? 'an option of HuberLoss: reduction, delta (beta is SmoothL1Loss\'s)'
              : 'beta (SmoothL1Loss) or delta (HuberLoss), not both',
            received: byClass ? '"beta"' : `beta ${String(options.beta)} and delta ${String(options.delta)}`,
          });
        }
        if (options.delta !== undefined) delete options.beta;
      },
      ),
    },
  },
  /**
   * Keras LogCosh (log_cosh, logcosh): f = log(cosh(p - t)), mean over the last axis per sample; f' = tanh(p - t).
   * Keras computes d + softplus(-2d) - log 2, which float32 cancels to 0 near d = 0; fastloss keeps full precision
   * there (assembly/regression.ts). Stable for any |d| (1e4 gives 1e4 - log 2).
   * @example fl.loss('log_cosh')({ pred: [[1, -2]], target: [[0, 0]] }) // 0.879392
   */
  log_cosh: {
    aliases: ['log_cosh', 'logcosh', 'log_cosh_loss'],
    frameworks: ['tensorflow'],
    family: 'regression',
    meaning: 'LogCosh',
    rank: 22,
    tensorflow: {
      classes: { LogCosh: {} },
      signature: kerasPair<KerasOptions>(),
      // Its twin is no cheap loop (sinh, log1p, exp per element): number[] above jsBelow streams into the kernels,
      // faster than reading the arrays in JS (1M elements: 18 against 25 ms here; a Float32Array takes 8.6).
      definition: pairDefinition('tensorflow', {}, (o) => ({ ...plain('log_cosh', logCosh)(o), jsArrays: false })),
    },
  },
  /** torch SmoothL1Loss(beta = 1) (smooth_l1, smooth_l1_loss): see huber; β = 0 is L1. */
  smooth_l1: {
    aliases: ['smooth_l1', 'smooth_l1_loss'],
    frameworks: ['pytorch'],
    family: 'regression',
    meaning: 'SmoothL1Loss (beta)',
    rank: 6,
    pytorch: { classes: { SmoothL1Loss: {} }, signature: torchPair<TorchSmoothL1Options>(), definition: pairDefinition('pytorch', { beta: numberOption(1, 0) }, smoothL1) },
  },
} as const satisfies Declarations;
