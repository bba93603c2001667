/**
 * The focal part's code (./parts.ts: loaded with the first of its losses; their declarations are ./focal.ts):
 * binary focal cross-entropy, Keras BinaryFocalCrossentropy and torchvision's sigmoid_focal_loss. Kernels:
 * assembly/focal.ts (which says the math, and why m = 1 - p_t is never computed as a difference); engine:
 * ../engines/elementwise.ts. Keras's `axis` other than the last moves that axis last (a copy of pred and target)
 * and the gradient back.
 */

import { LossError } from '../errors.js';
import type { LossContext } from '../options.js';
import { kerasCommonShape, shapeMismatch, type Reduction } from '../reduction.js';
import { floatInput, shapeSize, type FloatInput, type OutputTensor } from '../tensor.js';
import type { Runtime } from '../wasm.js';
import { bindPairLoss, type JsPairKernels } from '../engines/elementwise.js';
import { gradDestinations, writtenData } from '../engines/destinations.js';
import { checkAxis, type RowGeometry } from '../engines/rows.js';
import { permuted } from '../engines/permute.js';
import type { ParamField } from '../engines/params.js';
import { bindKerasCrossentropy } from './crossentropy.js';
import { binderKey } from '../lazy-parts.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BoundLoss, type GradOptions, type Inputs, type LossDefinition } from './definition.js';
import type { Binder, PartCode } from './part-code.js';

const EPSILON = 1e-7; // keras.backend.epsilon()
const ONE_MINUS_EPSILON = 1 - EPSILON; // in float64, as Keras on float64 inputs (assembly/inline/binary_ce.ts)

/** The kernels' flags (assembly/focal.ts): the class-balancing weight applies; torch's pow gradient at γ = 0. */
const BALANCED = 1;
const TORCH_POW = 2;

/** One focal loss's settings, as the kernels and the twin read them (float32-rounded). */
interface Focal {
  readonly logits: boolean;
  readonly gamma: number;
  readonly alpha: number;
  readonly smoothing: number;
  readonly balanced: boolean;
  readonly torchPow: boolean;
}

// ---- the plain-JS twin of assembly/focal.ts (f64 per element, float32 data) ----

function focalTwin(o: Focal): JsPairKernels {
  const { gamma, alpha, smoothing: ls, balanced } = o;
  const powAtZero = gamma > 0 ? 0 : gamma === 0 ? 1 : Infinity;
  const dpowAtZero = gamma === 0 ? (o.torchPow ? 0 : NaN) : gamma > 1 ? 0 : gamma === 1 ? 1 : NaN;
  const pow = (m: number) => (gamma === 2 ? m * m : m === 0 ? powAtZero : Math.pow(m, gamma));
  const dpow = (m: number, pw: number) => (gamma === 2 ? m + m : m === 0 ? dpowAtZero : (gamma * pw) / m);
  const smooth = (t: number) => t * (1 - ls) + 0.5 * ls;
  const weight = (y: number) => (balanced ? y * alpha + (1 - y) * (1 - alpha) : 1);
  // f and f' of one element (see assembly/focal.ts)
  const point = o.logits
    ? (x: number, t: number) => {
        const y = smooth(t);
        const e = Math.exp(-Math.abs(x));
        const b = Math.max(x, 0) - x * y + Math.log1p(e);
        const m = (x >= 0 ? y * e + (1 - y) : y + (1 - y) * e) / (1 + e);
        return weight(y) * pow(m) * b;
      }
    : (p: number, t: number) => {
        const y = smooth(t);
        const q = p < EPSILON ? EPSILON : p > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : p;
        const b = -(y * Math.log(q) + (1 - y) * Math.log1p(-q));
        return weight(y) * pow(y * (1 - p) + (1 - y) * p) * b;
      };
  const slope = o.logits
    ? (x: number, t: number) => {
        const y = smooth(t);
        const e = Math.exp(-Math.abs(x));
        const r = 1 / (1 + e);
        const b = Math.max(x, 0) - x * y + Math.log1p(e);
        const m = (x >= 0 ? y * e + (1 - y) : y + (1 - y) * e) * r;
        const er = e * r;
        const sigmoidMinusY = x >= 0 ? 1 - y - er : er - y;
        const pw = pow(m);
        // m = 0 only where exp(-|x|) underflows: the focal term's limit, 0 (assembly/focal.ts)
        return weight(y) * (pw * sigmoidMinusY + b * (m === 0 ? 0 : dpow(m, pw)) * (1 - 2 * y) * (er * r));
      }
    : (p: number, t: number) => {
        const y = smooth(t);
        const q = p < EPSILON ? EPSILON : p > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : p;
        const b = -(y * Math.log(q) + (1 - y) * Math.log1p(-q));
        const db = p >= EPSILON && 1 - p >= EPSILON ? (p - y) / (p * (1 - p)) : 0;
        const m = y * (1 - p) + (1 - y) * p;
        const pw = pow(m);
        return weight(y) * (pw * db + b * dpow(m, pw) * (1 - 2 * y));
      };
  return {
    sum(n, p, t) {
      let s = 0;
      for (let i = 0; i < n; i++) s += point(p[i]!, t[i]!);
      return s;
    },
    grad(n, p, t, _gamma, scale, grad) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += point(p[i]!, t[i]!);
        grad[i] = scale * slope(p[i]!, t[i]!);
      }
      return s;
    },
    point: (p, t) => point(p, t),
  };
}

// ---- binding ----

function bindFocal(o: Focal, reduction: Reduction, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const flags = (o.balanced ? BALANCED : 0) | (o.torchPow ? TORCH_POW : 0);
  return bindPairLoss(
    {
      kernels: o.logits ? 'focal_logits' : 'focal',
      js: focalTwin(o),
      param: o.gamma,
      paramFields: [{ f32: o.gamma }, { f32: o.alpha }, { f32: o.smoothing }, { i32: flags }],
      valueScale: 1,
      reduction,
    },
    runtime,
    ctx,
    def,
  );
}

/** Keras BinaryFocalCrossentropy: the mean over `axis` (the last, or any other moved last: movedAxis). */
const kerasFocal: Binder = (options, runtime, ctx, def) => {
  const f = Math.fround;
  const focal: Focal = {
    logits: options.fromLogits === true,
    gamma: f(options.gamma as number),
    alpha: f(options.alpha as number),
    smoothing: f(options.labelSmoothing as number),
    balanced: options.applyClassBalancing === true,
    torchPow: false,
  };
  const bound = bindFocal(focal, options.reduction as Reduction, runtime, ctx, def);
  const axis = options.axis as number;
  return axis === -1 ? bound : movedAxis(bound, axis, runtime, ctx, def);
};

/** torchvision sigmoid_focal_loss: logits; alpha -1 weighs nothing; no label smoothing; torch's pow gradient. */
const torchFocal: Binder = (options, runtime, ctx, def) => {
  const alpha = options.alpha as number;
  const focal: Focal = { logits: true, gamma: Math.fround(options.gamma as number), alpha: Math.fround(alpha), smoothing: 0, balanced: alpha >= 0, torchPow: true };
  return bindFocal(focal, options.reduction as Reduction, runtime, ctx, def);
};

// ---- Keras's `axis` other than the last ----

interface Moved {
  /** The inputs with the axis moved last (pred and target copied; sampleWeight as given: the per-sample shape is the same). */
  readonly inputs: Inputs;
  readonly pred: FloatInput;
  readonly target: FloatInput;
  /** The axis moved (>= 0). */
  readonly axis: number;
  readonly outer: number;
  readonly d: number;
  readonly inner: number;
}

/**
 * A Keras loss whose per-sample value is the mean over `axis` (BinaryFocalCrossentropy(axis=…)): for an axis other
 * than the last, pred and target (of Keras's common shape) are copied with that axis moved last, the elementwise
 * engine computes the means over it (the per-sample values then come in the order of pred's shape without the
 * axis, as Keras's), and the gradient is moved back. The last axis (or the common case, axis -1) is the engine's.
 */
function movedAxis(bound: BoundLoss, axis: number, runtime: Runtime, ctx: LossContext, def: LossDefinition): BoundLoss {
  const where = `${ctx.loss} (${ctx.framework})`;
  /** The moved inputs, or null where the engine computes the call as it is (the last axis; shapes it refuses). */
  function move(inputs: Inputs): Moved | null {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const target = floatInput(inputs.target, runtime, where, 'target');
    const common = kerasCommonShape(pred.shape, target.shape);
    if (common === null) return null; // the engine says SHAPE_MISMATCH
    checkAxis(axis, common.length, ctx);
    const a = axis < 0 ? axis + common.length : axis;
    if (a >= common.length - 1) return null;
    const outer = shapeSize(common.slice(0, a));
    const d = common[a]!;
    const inner = shapeSize(common.slice(a + 1));
    const shape = [...common.slice(0, a), ...common.slice(a + 1), d];
    const moved: Record<string, unknown> = {
      pred: { data: permuted(pred.array, [outer, d, inner], [0, 2, 1]), shape },
      target: { data: permuted(target.array, [outer, d, inner], [0, 2, 1]), shape },
    };
    if (inputs.sampleWeight !== undefined) moved.sampleWeight = inputs.sampleWeight;
    return { inputs: moved, pred, target, axis: a, outer, d, inner };
  }
  function withGrad(inputs: Inputs, options?: GradOptions): ReturnType<BoundLoss['withGrad']> {
    if (options !== undefined) checkGradOptions(options, where);
    const m = inputs === undefined || inputs === null ? null : move(inputs);
    if (m === null) return bound.withGrad(inputs, options);
    const dest = gradDestinations(options?.out, [{ name: 'pred', size: m.pred.size }], [m.pred, m.target], runtime, ctx).pred!;
    const inner = bound.withGrad(m.inputs, options?.gradOutput === undefined ? undefined : { gradOutput: options.gradOutput });
    const data = writtenData(runtime, dest, m.pred.size);
    permuted(inner.grad.pred!.data, [m.outer, m.inner, m.d], [0, 2, 1], data); // [outer, inner, D] back to [outer, D, inner]
    return { value: inner.value, grad: { pred: { data, shape: [...m.pred.shape] } } };
  }
  return {
    forward(inputs, extra) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      const m = inputs === undefined || inputs === null ? null : move(inputs);
      return bound.forward(m === null ? inputs : m.inputs);
    },
    withGrad,
    // Streaming: batches are slices along axis 0, so the mean over axis 0 is the whole stream's, which no batch
    // holds: refused. Any other axis moves as in a call.
    stream: {
      ...bound.stream,
      update(inputs, seen) {
        const m = move(inputs);
        if (m === null) return bound.stream.update(inputs, seen);
        refuseBatchAxis(m, where);
        return { ...bound.stream.update(m.inputs, seen), item: m.pred.shape.slice(1) };
      },
      values(inputs) {
        const m = move(inputs);
        if (m !== null) refuseBatchAxis(m, where);
        return { values: bound.forward(m === null ? inputs : m.inputs) as OutputTensor };
      },
    },
  };
}

function refuseBatchAxis(m: Moved, where: string): void {
  if (m.axis !== 0) return;
  throw new LossError({
    code: 'BAD_OPTION',
    loss: where,
    argument: 'option "axis"',
    expected: 'an axis other than 0 to stream: batches are slices along axis 0, and the mean over it is the whole stream\'s',
    received: '0',
  });
}

// ---- the categorical focal losses: Keras's cross-entropy rows (./crossentropy.ts) with the focal row kernel ----

/** The row kernel's flags (assembly/focal.ts categorical_focal_f32). */
const LOGITS_ROWS = 1;
const SPARSE_ROWS = 2;

function categoricalFocal(sparse: boolean): Binder {
  return (options, runtime, ctx, def) => {
    const alpha = options.alpha as number | Float32Array;
    const axis = options.axis as number;
    const flags = (options.fromLogits === true ? LOGITS_ROWS : 0) | (sparse ? SPARSE_ROWS : 0);
    const where = `${ctx.loss} (${ctx.framework})`;
    const params = (geometry: RowGeometry, pred: FloatInput) => {
      const rank = pred.shape.length;
      let weights: Float32Array | null = null;
      if (alpha instanceof Float32Array) {
        // Keras multiplies by NumPy broadcasting: along pred's last axis, which must then be the class axis here
        if (rank > 1 && (axis < 0 ? axis + rank : axis) !== rank - 1) {
          throw new LossError({
            code: 'BAD_OPTION',
            loss: where,
            argument: 'option "alpha"',
            expected: `one number with an axis other than the last (Keras would weigh a list along the last axis, not along axis ${axis})`,
            received: `a list of ${alpha.length}`,
          });
        }
        if (alpha.length !== 1 && alpha.length !== geometry.classes) throw shapeMismatch(ctx, 'option "alpha"', `one number per class (${geometry.classes}), or one`, [alpha.length]);
        weights = alpha.length === 1 ? new Float32Array(geometry.classes).fill(alpha[0]!) : alpha;
      }
      // label smoothing's K is the size of pred's last axis, whatever the class axis (Keras's y.shape[-1])
      const K = rank === 0 ? 1 : pred.shape[rank - 1]!;
      const extra: ParamField[] = [{ f32: options.gamma as number }, { f32: typeof alpha === 'number' ? alpha : 0 }, { i32: flags }];
      return { p1: K, extra, weights };
    };
    return bindKerasCrossentropy({ sparse, kernel: { name: 'categorical_focal_f32', params, sparseName: 'sparse_categorical_focal_crossentropy' } }, options, runtime, ctx, def);
  };
}

/** The focal part's binders (./focal.ts declares the losses). */
export const FOCAL_CODE: PartCode = {
  [binderKey('binary_focal_crossentropy', 'tensorflow')]: kerasFocal,
  [binderKey('binary_focal_crossentropy', 'pytorch')]: torchFocal,
  [binderKey('categorical_focal_crossentropy', 'tensorflow')]: categoricalFocal(false),
  [binderKey('sparse_categorical_focal_crossentropy', 'tensorflow')]: categoricalFocal(true),
};
