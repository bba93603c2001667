/**
 * The gaussian part's code (./parts.ts: loaded with its loss; the declaration is ./gaussian.ts): torch
 * GaussianNLLLoss. Kernel: assembly/gaussian.ts (the math, and why the var gradient ignores the clamp).
 *
 * The geometry of var (torch/nn/functional.py `gaussian_nll_loss`, torch 2.x): of pred's shape (each element its
 * own variance); of pred's shape without the last axis (unsqueezed: one per row); of pred's rank with 1 on exactly
 * one axis where pred has more (broadcast along it: [N, 1], [1, D], [N, 1, D]); one number, or a shape-[] tensor
 * (everywhere; torch takes a 0-d tensor only for a 1-D input, fastloss as the number it holds). Any other shape is
 * torch's "var is of incorrect size": SHAPE_MISMATCH. Each is a layout [O, K, I] of pred whose variances are
 * var[o·I + i]: a var of pred's shape is read with pred, tile by tile; a smaller one is placed once, and its
 * gradient (summed over the K elements that share each variance) kept in f64 accumulators across tiles.
 */

import { LossError } from '../errors.js';
import { shapeMismatch, type Reduction } from '../reduction.js';
import { Reducer, type ReductionTerms } from '../reducer.js';
import { floatInput, JsArrayInput, sameShape, shapeSize, shapeString, type FloatInput, type OutputTensor } from '../tensor.js';
import { gradDestinations, writtenData, type GradDestination } from '../engines/destinations.js';
import { forBlocksOf } from '../engines/blocks.js';
import { packParams, placeParams } from '../engines/params.js';
import { flat, tile, type TileOperand } from '../engines/tiling.js';
import { inPlace } from '../engines/staging.js';
import { binderKey } from '../lazy-parts.js';
import { checkGradOptions, checkInputNames, refuseCallOptions, type BatchStats, type BoundLoss, type GradOptions, type GradResult, type Inputs } from './definition.js';
import type { Binder, PartCode } from './part-code.js';

/** 0.5·log(2π): GaussianNLLLoss's constant with `full` (torch: 0.5 * math.log(2 * math.pi)). */
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** The kernel's flags (assembly/gaussian.ts). */
const GV_ACCUMULATE = 1;

/** How var meets pred: [O, K, I] with variance var[o·I + i]; `full`: var has pred's shape. */
interface VarLayout {
  readonly O: number;
  readonly K: number;
  readonly I: number;
  readonly full: boolean;
}

/** var's layout against pred's shape, or null when torch refuses it ("var is of incorrect size"). */
export function varLayout(pred: readonly number[], v: readonly number[]): VarLayout | null {
  const n = shapeSize(pred);
  if (sameShape(pred, v)) return { O: 1, K: 1, I: n, full: true };
  if (v.length === 0) return { O: 1, K: n, I: 1, full: false };
  if (pred.length >= 1 && sameShape(pred.slice(0, -1), v)) return { O: shapeSize(v), K: pred[pred.length - 1]!, I: 1, full: false };
  if (v.length !== pred.length) return null;
  const differing = pred.map((_, k) => k).filter((k) => pred[k] !== v[k]);
  if (differing.length !== 1 || v[differing[0]!] !== 1) return null;
  const k = differing[0]!;
  return { O: shapeSize(pred.slice(0, k)), K: pred[k]!, I: shapeSize(pred.slice(k + 1)), full: false };
}

interface Prepared {
  readonly pred: FloatInput;
  readonly target: FloatInput;
  readonly variance: FloatInput;
  readonly layout: VarLayout;
  readonly terms: ReductionTerms;
}

/** What a run computes besides Σ l: the values ('none'), the gradients, per-element upstream factors. */
interface RunRequest {
  readonly values: boolean;
  readonly gradPred: GradDestination | null;
  /** Where var's gradient goes, a var of pred's shape (written per element); null otherwise. */
  readonly gradVar: GradDestination | null;
  /** A smaller var's gradient, summed in f64 over the elements that share each variance. */
  readonly sumGradVar: boolean;
  readonly up: Float32Array | null;
  readonly scale: number;
}

const bindGaussianNll: Binder = (options, runtime, ctx, def) => {
  const where = `${ctx.loss} (${ctx.framework})`;
  const reducer = new Reducer(ctx.framework, options.reduction as Reduction, ctx);
  const eps = options.eps as number;
  const c = options.full === true ? HALF_LOG_TWO_PI : 0;
  const kernel = runtime.kernel('gaussian_nll_f32');

  function prepare(inputs: Inputs): Prepared {
    checkInputNames(inputs, def, where);
    const pred = floatInput(inputs.pred, runtime, where, 'pred');
    const target = floatInput(inputs.target, runtime, where, 'target');
    if (!sameShape(pred.shape, target.shape)) throw shapeMismatch(ctx, 'target', `pred's shape ${shapeString(pred.shape)}`, target.shape);
    const variance = floatInput(inputs.var, runtime, where, 'var');
    const layout = varLayout(pred.shape, variance.shape);
    if (layout === null) {
      throw shapeMismatch(
        ctx,
        'var',
        `pred's shape ${shapeString(pred.shape)}, that shape without its last axis, that shape with 1 on one axis, or one number (torch: "var is of incorrect size")`,
        variance.shape,
      );
    }
    return { pred, target, variance, layout, terms: { count: pred.size, shape: pred.shape } };
  }

  /** The first negative variance, as torch's ValueError ("var has negative entry/entries"). */
  function negativeVariance(v: FloatInput): LossError {
    const a = v.array;
    let i = 0;
    while (i < a.length && !(a[i]! < 0)) i++;
    return new LossError({ code: 'LABEL_OUT_OF_RANGE', loss: where, argument: `var[${i}]`, expected: 'variances >= 0 (torch raises "var has negative entry/entries")', received: String(a[i]) });
  }

  /** The kernel over every block; returns Σ l (with `full`'s constant) and what was asked. */
  function run(x: Prepared, req: RunRequest): { sum: number; values: Float32Array | null; gradVar: Float32Array | null } {
    const { O, K, I, full } = x.layout;
    const n = x.pred.size;
    const values = req.values ? new Float32Array(n) : null;
    const flags = full ? 0 : GV_ACCUMULATE;
    const params = placeParams(runtime, packParams({ f32: eps }, { f32: c }, { i32: flags }, { i32: 0 }));
    const upInput: FloatInput | null = req.up === null ? null : { shape: x.pred.shape, size: n, ptr: -1, array: req.up };
    const wide = (input: FloatInput | null): TileOperand | null => (input === null ? null : { width: 'wide', input });
    const output = (dest: GradDestination | null): TileOperand | null => (dest === null ? null : { width: 'wide', output: dest });
    const outDest: GradDestination | null = values === null ? null : { array: values, ptr: -1 };
    let sum = 0;
    let gradVar: Float32Array | null = null;
    if (n > 0 && full) {
      // var read with pred, tile by tile: each tile one block [1, 1, rows]
      sum = tile(runtime, flat(n), [wide(x.pred), wide(x.target), wide(x.variance), output(outDest), output(req.gradPred), output(req.gradVar), wide(upInput)], (t) => {
        const p = t.ptrs;
        return kernel(1, 1, t.rows, p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, params, req.scale);
      });
    } else if (n > 0) {
      // var (and its gradient's f64 accumulators) placed once; pred and the rest tile by tile
      const size = x.variance.size;
      const v = inPlace(runtime, x.variance);
      const varBlock = v.ptr >= 0 ? -1 : runtime.heap.alloc(size * 4);
      const accBlock = req.sumGradVar ? runtime.heap.alloc(size * 8) : -1;
      try {
        const varPtr = v.ptr >= 0 ? v.ptr : varBlock;
        if (varBlock >= 0) {
          if (x.variance instanceof JsArrayInput) x.variance.read(runtime.f32(), varBlock >> 2, 0, size);
          else runtime.f32().set(x.variance.array, varBlock >> 2);
        }
        if (accBlock >= 0) runtime.f64().fill(0, accBlock >> 3, (accBlock >> 3) + size);
        sum = tile(runtime, flat(n), [wide(x.pred), wide(x.target), output(outDest), output(req.gradPred), wide(upInput)], (t) => {
          const p = t.ptrs;
          let s = 0;
          forBlocksOf(O, K, I, t.firstRow, t.firstRow + t.rows, (o, k, i, offset, group) => {
            const at = (ptr: number) => (ptr === 0 ? 0 : ptr + offset * 4);
            s += kernel(o, k, i, at(p[0]!), at(p[1]!), varPtr + group * 4, at(p[2]!), at(p[3]!), accBlock < 0 ? 0 : accBlock + group * 8, at(p[4]!), params, req.scale);
          });
          return s;
        });
        if (accBlock >= 0) gradVar = Float32Array.from(runtime.f64().subarray(accBlock >> 3, (accBlock >> 3) + size));
      } finally {
        if (varBlock >= 0) runtime.heap.free(varBlock);
        if (accBlock >= 0) runtime.heap.free(accBlock);
      }
    }
    if (runtime.i32()[(params >> 2) + 3] !== 0) throw negativeVariance(x.variance);
    return { sum: sum + n * c, values, gradVar };
  }

  function forward(inputs: Inputs, extra?: unknown): number | OutputTensor {
    if (extra !== undefined) throw refuseCallOptions(where, extra);
    const x = prepare(inputs);
    const r = run(x, { values: reducer.keepsValues, gradPred: null, gradVar: null, sumGradVar: false, up: null, scale: 1 });
    return reducer.valueOf(x.terms, r.sum, r.values);
  }

  function withGrad(inputs: Inputs, options?: GradOptions): GradResult {
    checkGradOptions(options, where);
    const x = prepare(inputs);
    const dest = gradDestinations(
      options?.out,
      [
        { name: 'pred', size: x.pred.size },
        { name: 'var', size: x.variance.size },
      ],
      [x.pred, x.target, x.variance],
      runtime,
      ctx,
    );
    const { scale, rowScale } = reducer.gradScale(x.terms, reducer.upstream(options?.gradOutput, x.terms, runtime));
    const full = x.layout.full;
    // a var of pred's shape: its gradient written per element, in place where it can; a smaller one: summed in f64
    const r = run(x, { values: reducer.keepsValues, gradPred: dest.pred!, gradVar: full ? dest.var! : null, sumGradVar: !full, up: rowScale, scale });
    const varGrad = writtenData(runtime, dest.var!, x.variance.size);
    if (!full) {
      if (r.gradVar === null) varGrad.fill(0); // no elements: nothing reached the variances
      else varGrad.set(r.gradVar);
    }
    return {
      value: reducer.valueOf(x.terms, r.sum, r.values),
      grad: {
        pred: { data: writtenData(runtime, dest.pred!, x.pred.size), shape: [...x.pred.shape] },
        var: { data: varGrad, shape: [...x.variance.shape] },
      },
    };
  }

  const stream = {
    update(inputs: Inputs): BatchStats {
      const x = prepare(inputs);
      return { ...reducer.stats(x.terms, run(x, { values: false, gradPred: null, gradVar: null, sumGradVar: false, up: null, scale: 1 }).sum), item: x.pred.shape.slice(1) };
    },
  };

  return { forward, withGrad, stream } satisfies BoundLoss;
};

/** The gaussian part's binders. */
export const GAUSSIAN_CODE: PartCode = {
  [binderKey('gaussian_nll', 'pytorch')]: bindGaussianNll,
};
