/**
 * Float64 reference implementations of the probability losses (docs/semantics.md §1-2 bce, cce, scce, kld, nll,
 * pnll): the oracle of the tests, never called by the product. Written from the frameworks' formulas as
 * literally as possible (log_softmax by its definition, Keras's clip and rescaling, torch's clamps), simple and
 * slow, with analytic gradients, and independent of the product's code.
 *
 * Inputs are the float32-rounded values as plain numbers; everything after is float64. Keras's reduction with
 * sample weights follows Keras 3 (keras/src/losses/loss.py): squeeze_or_expand_to_same_rank, then NumPy
 * broadcasting with the trailing axes aligned, then the reduction; a mask (SCCE's ignore_class) enters through
 * apply_mask.
 */

export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

export interface RefResult {
  value: number | RefTensor;
  /** d value / d pred, or of sum(gradOutput · value) for 'none'. */
  grad: Float64Array;
}

/** An error the framework raises for these inputs (Keras: incompatible sample-weight shapes). */
export class RefError extends Error {}

const EPSILON = 1e-7; // keras.backend.epsilon()
/** 1 - ε in float64, as Keras computes on float64 inputs (float32 Keras rounds it to 0.99999988). */
const ONE_MINUS_EPSILON = 1 - EPSILON;

type Arr = ArrayLike<number>;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** [outer, C, inner] view of reducing `axis` of `shape`. */
function split(shape: readonly number[], axis: number): { outer: number; C: number; inner: number; rowShape: number[] } {
  const s = shape.length === 0 ? [1] : [...shape];
  const a = axis < 0 ? s.length + axis : axis;
  return { outer: size(s.slice(0, a)), C: s[a]!, inner: size(s.slice(a + 1)), rowShape: [...s.slice(0, a), ...s.slice(a + 1)] };
}

/** Index of element (o, c, i). */
const idx = (o: number, c: number, i: number, C: number, inner: number) => (o * C + c) * inner + i;

// ---- Keras reduction (values per sample, optional sample weight, optional mask) ----

export type KerasReduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'none' | 'mean_with_sample_weight';

export interface KerasOptions {
  reduction?: KerasReduction;
  sampleWeight?: { data: Arr; shape: number[] };
  gradOutput?: Arr;
}

/**
 * Keras 3 `Loss.__call__` after the loss function: returns the reduced value and d value / d values[r].
 * `mask`: 1 where the sample counts (apply_mask), or undefined.
 */
export function kerasReduce(values: Float64Array, shape: number[], opts: KerasOptions, mask?: Float64Array): { value: number | RefTensor; dvalues: Float64Array; shape: number[] } {
  const reduction = opts.reduction ?? 'sum_over_batch_size';
  let vShape = shape;
  let sw: Float64Array | null = null;
  // apply_mask
  if (mask !== undefined) {
    const m = Float64Array.from(mask);
    if (reduction === 'mean' || reduction === 'sum_over_batch_size') {
      const total = m.length;
      let valid = 0;
      for (const x of m) valid += x;
      const f = valid === 0 ? 0 : total / valid;
      for (let i = 0; i < m.length; i++) m[i]! *= f;
    }
    sw = m;
    if (opts.sampleWeight !== undefined) {
      const w = broadcastWeights(opts.sampleWeight, shape);
      for (let i = 0; i < m.length; i++) m[i]! *= w.data[i]!;
      vShape = w.valuesShape;
    }
  } else if (opts.sampleWeight !== undefined) {
    const w = broadcastWeights(opts.sampleWeight, shape);
    sw = w.data;
    vShape = w.valuesShape;
  }
  const n = values.length;
  const weighted = new Float64Array(n);
  for (let i = 0; i < n; i++) weighted[i] = values[i]! * (sw === null ? 1 : sw[i]!);
  const dv = new Float64Array(n);
  if (reduction === 'none' || vShape.length === 0) {
    const g = opts.gradOutput;
    for (let i = 0; i < n; i++) dv[i] = (sw === null ? 1 : sw[i]!) * (reduction === 'none' && g !== undefined ? g[i]! : 1);
    if (reduction === 'none') return { value: { data: weighted, shape: vShape }, dvalues: dv, shape: vShape };
    return { value: weighted[0]!, dvalues: dv, shape: vShape };
  }
  let total = 0;
  for (const x of weighted) total += x;
  let divisor = 1;
  if (reduction !== 'sum') {
    if (reduction === 'mean_with_sample_weight' && sw !== null) {
      divisor = 0;
      if (mask !== undefined) for (const x of sw) divisor += x;
      else for (let i = 0; i < opts.sampleWeight!.data.length; i++) divisor += opts.sampleWeight!.data[i]!; // the weights as given (squeezed), not broadcast
    } else divisor = n;
  }
  const f = divisor === 0 ? 0 : 1 / divisor;
  for (let i = 0; i < n; i++) dv[i] = (sw === null ? 1 : sw[i]!) * f;
  return { value: total * f, dvalues: dv, shape: vShape };
}

/** squeeze_or_expand_to_same_rank(values, weight), then NumPy broadcasting of the weight to the values' shape. */
function broadcastWeights(weight: { data: Arr; shape: number[] }, shape: number[]): { data: Float64Array; weightShape: number[]; valuesShape: number[] } {
  let ws = [...weight.shape];
  let vs = [...shape];
  if (ws.length === vs.length + 1 && ws[ws.length - 1] === 1) {
    if (vs.length === 1) vs = [...vs, 1];
    else ws = ws.slice(0, -1);
  } else if (vs.length === ws.length + 1 && vs[vs.length - 1] === 1) {
    if (ws.length === 1) ws = [...ws, 1];
    else vs = vs.slice(0, -1);
  }
  if (ws.length > vs.length) throw new RefError(`weights ${ws} against values ${vs}`);
  const pad = vs.length - ws.length;
  for (let k = 0; k < ws.length; k++) if (ws[k] !== 1 && ws[k] !== vs[pad + k]) throw new RefError(`incompatible shapes ${ws} vs ${vs}`);
  const n = size(vs);
  const out = new Float64Array(n);
  const coord = new Array<number>(vs.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let k = 0; k < ws.length; k++) j = j * ws[k]! + (ws[k] === 1 ? 0 : coord[pad + k]!);
    out[i] = weight.data[j]!;
    for (let k = vs.length - 1; k >= 0; k--) {
      if (++coord[k]! < vs[k]!) break;
      coord[k] = 0;
    }
  }
  return { data: out, weightShape: ws, valuesShape: vs };
}

// ---- log-softmax ----

function logSoftmaxRow(x: Arr, o: number, i: number, C: number, inner: number): Float64Array {
  let m = -Infinity;
  for (let c = 0; c < C; c++) m = Math.max(m, x[idx(o, c, i, C, inner)]!);
  if (m === -Infinity) m = 0; // cannot do -inf - -inf (all -inf: the sum is 0 and every log-probability NaN below)
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(x[idx(o, c, i, C, inner)]! - m);
  const lse = m + Math.log(s);
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) out[c] = x[idx(o, c, i, C, inner)]! - lse;
  return out;
}

// ---- PyTorch CrossEntropyLoss / NLLLoss ----

export type TorchReduction = 'mean' | 'sum' | 'none';

export interface TorchRowOptions {
  reduction?: TorchReduction;
  weight?: Arr;
  ignoreIndex?: number;
  labelSmoothing?: number;
  gradOutput?: Arr;
}

function torchShape(shape: number[]): { outer: number; C: number; inner: number; rowShape: number[] } {
  return split(shape, shape.length === 1 ? 0 : 1);
}

/** torch.nn.functional.cross_entropy with class indices (target [N, d...]) or probabilities (target of pred's shape). */
export function torchCrossEntropy(pred: Arr, shape: number[], target: Arr, targetShape: number[], opts: TorchRowOptions = {}): RefResult {
  const { outer, C, inner, rowShape } = torchShape(shape);
  const reduction = opts.reduction ?? 'mean';
  const ls = opts.labelSmoothing ?? 0;
  const ignore = opts.ignoreIndex ?? -100;
  const w = (c: number) => (opts.weight === undefined ? 1 : opts.weight[c]!);
  const dense = targetShape.length === shape.length;
  const rows = outer * inner;
  const values = new Float64Array(rows);
  // dl_r / dx_(r, c), per row, before the reduction's factor
  const dl = new Float64Array(pred.length);
  let denom = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const lsm = logSoftmaxRow(pred, o, i, C, inner);
      const p = lsm.map(Math.exp);
      if (dense) {
        // l = -Σ w_c y'_c lsm_c, y' = y(1 - ls) + ls/C; dl/dx_j = p_j Σ_c w_c y'_c - w_j y'_j
        let l = 0;
        let T = 0;
        for (let c = 0; c < C; c++) {
          const y = target[idx(o, c, i, C, inner)]! * (1 - ls) + ls / C;
          l -= w(c) * y * lsm[c]!;
          T += w(c) * y;
        }
        values[r] = l;
        for (let c = 0; c < C; c++) dl[idx(o, c, i, C, inner)] = p[c]! * T - w(c) * (target[idx(o, c, i, C, inner)]! * (1 - ls) + ls / C);
        denom += 1;
        continue;
      }
      const y = target[r]!;
      if (y === ignore) continue;
      denom += w(y);
      // (1 - ls)·(-w_y lsm_y) + (ls/C)·(-Σ_c w_c lsm_c)
      let smooth = 0;
      let W = 0;
      for (let c = 0; c < C; c++) {
        smooth -= w(c) * lsm[c]!;
        W += w(c);
      }
      values[r] = (1 - ls) * -w(y) * lsm[y]! + (ls > 0 ? (ls / C) * smooth : 0);
      for (let c = 0; c < C; c++) {
        const d = (1 - ls) * w(y) * (p[c]! - (c === y ? 1 : 0)) + (ls / C) * (W * p[c]! - w(c));
        dl[idx(o, c, i, C, inner)] = d;
      }
    }
  }
  return torchReduceRows(values, dl, rowShape, C, inner, reduction, denom, opts.gradOutput);
}

/** torch.nn.functional.nll_loss: l = -w[y]·x[y]. */
export function torchNll(pred: Arr, shape: number[], target: Arr, opts: TorchRowOptions = {}): RefResult {
  const { outer, C, inner, rowShape } = torchShape(shape);
  const ignore = opts.ignoreIndex ?? -100;
  const w = (c: number) => (opts.weight === undefined ? 1 : opts.weight[c]!);
  const values = new Float64Array(outer * inner);
  const dl = new Float64Array(pred.length);
  let denom = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const y = target[r]!;
      if (y === ignore) continue;
      denom += w(y);
      values[r] = -w(y) * pred[idx(o, y, i, C, inner)]!;
      dl[idx(o, y, i, C, inner)] = -w(y);
    }
  }
  return torchReduceRows(values, dl, rowShape, C, inner, opts.reduction ?? 'mean', denom, opts.gradOutput);
}

function torchReduceRows(values: Float64Array, dl: Float64Array, rowShape: number[], C: number, inner: number, reduction: TorchReduction, denom: number, gradOutput?: Arr): RefResult {
  const grad = new Float64Array(dl.length);
  const rowOf = (k: number) => Math.floor(k / (C * inner)) * inner + (k % inner);
  if (reduction === 'none') {
    for (let k = 0; k < dl.length; k++) grad[k] = dl[k]! * (gradOutput === undefined ? 1 : gradOutput[rowOf(k)]!);
    return { value: { data: values, shape: rowShape }, grad };
  }
  let sum = 0;
  for (const v of values) sum += v;
  if (reduction === 'sum') {
    grad.set(dl);
    return { value: sum, grad };
  }
  // mean: all ignored is 0/0 = NaN with a zero gradient
  for (let k = 0; k < dl.length; k++) grad[k] = denom === 0 ? 0 : dl[k]! / denom;
  return { value: sum / denom, grad };
}

// ---- Keras CategoricalCrossentropy / SparseCategoricalCrossentropy ----

export interface KerasRowOptions extends KerasOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
  ignoreClass?: number | null;
}

function clip(x: number): number {
  return x < EPSILON ? EPSILON : x > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : x;
}

const insideClip = (x: number) => x >= EPSILON && x <= ONE_MINUS_EPSILON;

/** keras.losses.CategoricalCrossentropy. */
export function kerasCategorical(pred: Arr, target: Arr, shape: number[], opts: KerasRowOptions = {}): RefResult {
  const { outer, C, inner, rowShape } = split(shape, opts.axis ?? -1);
  const ls = opts.labelSmoothing ?? 0;
  const values = new Float64Array(outer * inner);
  const dl = new Float64Array(pred.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const y = (c: number) => target[idx(o, c, i, C, inner)]! * (1 - ls) + ls / C;
      const x = (c: number) => pred[idx(o, c, i, C, inner)]!;
      if (opts.fromLogits === true) {
        // softmax_cross_entropy_with_logits; TF's gradient is softmax - y
        const lsm = logSoftmaxRow(pred, o, i, C, inner);
        let l = 0;
        for (let c = 0; c < C; c++) l -= y(c) * lsm[c]!;
        values[r] = l;
        for (let c = 0; c < C; c++) dl[idx(o, c, i, C, inner)] = Math.exp(lsm[c]!) - y(c);
      } else {
        // q = p / Σp, clipped; l = -Σ y log q
        let P = 0;
        for (let c = 0; c < C; c++) P += x(c);
        const q = (c: number) => x(c) / P;
        let l = 0;
        let gq = 0;
        for (let c = 0; c < C; c++) {
          l -= y(c) * Math.log(clip(q(c)));
          if (insideClip(q(c))) gq += -y(c);
        }
        values[r] = l;
        for (let c = 0; c < C; c++) {
          const g = insideClip(q(c)) ? -y(c) / q(c) : 0;
          dl[idx(o, c, i, C, inner)] = (g - gq) / P;
        }
      }
    }
  }
  return kerasRows(values, dl, rowShape, C, inner, opts);
}

/** keras.losses.SparseCategoricalCrossentropy (TF backend). */
export function kerasSparse(pred: Arr, labels: Arr, shape: number[], opts: KerasRowOptions = {}): RefResult {
  const { outer, C, inner, rowShape } = split(shape, opts.axis ?? -1);
  const ignore = opts.ignoreClass ?? null;
  const values = new Float64Array(outer * inner);
  const dl = new Float64Array(pred.length);
  const mask = ignore === null ? undefined : new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const y = labels[r]!;
      if (mask !== undefined) mask[r] = y === ignore ? 1 - 1 : 1;
      if (y === ignore) continue;
      if (opts.fromLogits === true) {
        const lsm = logSoftmaxRow(pred, o, i, C, inner);
        values[r] = -lsm[y]!;
        for (let c = 0; c < C; c++) dl[idx(o, c, i, C, inner)] = Math.exp(lsm[c]!) - (c === y ? 1 : 0);
      } else {
        // z = log(clip(p)); l = logsumexp(z) - z_y = log Σ clip(p) - log clip(p_y)
        let Q = 0;
        for (let c = 0; c < C; c++) Q += clip(pred[idx(o, c, i, C, inner)]!);
        values[r] = Math.log(Q) - Math.log(clip(pred[idx(o, y, i, C, inner)]!));
        for (let c = 0; c < C; c++) {
          const p = pred[idx(o, c, i, C, inner)]!;
          dl[idx(o, c, i, C, inner)] = insideClip(p) ? 1 / Q - (c === y ? 1 / p : 0) : 0;
        }
      }
    }
  }
  return kerasRows(values, dl, rowShape, C, inner, opts, mask);
}

function kerasRows(values: Float64Array, dl: Float64Array, rowShape: number[], C: number, inner: number, opts: KerasOptions, mask?: Float64Array): RefResult {
  const r = kerasReduce(values, rowShape, opts, mask);
  const grad = new Float64Array(dl.length);
  for (let k = 0; k < dl.length; k++) grad[k] = dl[k]! * r.dvalues[Math.floor(k / (C * inner)) * inner + (k % inner)]!;
  return { value: r.value, grad };
}

// ---- elementwise: binary cross-entropy, KL divergence, Poisson NLL ----

/** An elementwise loss and its derivative in pred. */
export interface Pointwise {
  f(p: number, t: number, k: number): number;
  df(p: number, t: number, k: number): number;
}

/** Keras BinaryCrossentropy on probabilities (clip to [ε, 1-ε]) or logits; label smoothing y(1-ls) + ls/2. */
export function kerasBinary(fromLogits: boolean, ls = 0): Pointwise {
  const smooth = (t: number) => t * (1 - ls) + 0.5 * ls;
  if (fromLogits) {
    return {
      f: (x, t) => Math.max(x, 0) - x * smooth(t) + Math.log1p(Math.exp(-Math.abs(x))),
      df: (x, t) => 1 / (1 + Math.exp(-x)) - smooth(t),
    };
  }
  return {
    f: (p, t) => {
      const q = clip(p);
      const y = smooth(t);
      return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    },
    df: (p, t) => {
      if (!insideClip(p)) return 0;
      const y = smooth(t);
      return -y / p + (1 - y) / (1 - p);
    },
  };
}

/** torch BCELoss (log clamped at -100; gradient over max(p(1-p), 1e-12)) with an elementwise weight w_k. */
export function torchBinary(weight?: (k: number) => number): Pointwise {
  const w = weight ?? (() => 1);
  return {
    f: (p, t, k) => -w(k) * (t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100)),
    // torch: `const float EPSILON = 1e-12` (aten/src/ATen/native/Loss.cpp), a float32 constant
    df: (p, t, k) => (w(k) * (p - t)) / Math.max(p * (1 - p), Math.fround(1e-12)),
  };
}

/** torch BCEWithLogitsLoss: w·((1-y)x + (1 + (pw-1)y)(log1p(exp(-|x|)) + max(-x, 0))). */
export function torchBinaryLogits(weight?: (k: number) => number, posWeight?: (k: number) => number): Pointwise {
  const w = weight ?? (() => 1);
  const pw = posWeight ?? (() => 1);
  return {
    f: (x, t, k) => w(k) * ((1 - t) * x + (1 + (pw(k) - 1) * t) * (Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0))),
    df: (x, t, k) => {
      const s = 1 / (1 + Math.exp(-x));
      // d/dx: (1 - y) - (1 + (pw - 1) y)·(1 - σ(x))
      return w(k) * ((1 - t) - (1 + (pw(k) - 1) * t) * (1 - s));
    },
  };
}

/** Keras KLDivergence: tc·log(tc/pc), tc = clip(t, ε, 1), pc = clip(p, ε, 1); gradient -tc/pc where ε <= p <= 1. */
export const kerasKld: Pointwise = {
  f: (p, t) => {
    const tc = Math.min(Math.max(t, EPSILON), 1);
    const pc = Math.min(Math.max(p, EPSILON), 1);
    return tc * Math.log(tc / pc);
  },
  df: (p, t) => {
    const tc = Math.min(Math.max(t, EPSILON), 1);
    return p >= EPSILON && p <= 1 ? -tc / p : 0;
  },
};

/** torch KLDivLoss: xlogy(t, t) - t·x (0 where t = 0), or exp(t)(t - x) with logTarget. */
export function torchKld(logTarget: boolean): Pointwise {
  if (logTarget) return { f: (x, t) => Math.exp(t) * (t - x), df: (_x, t) => -Math.exp(t) };
  return { f: (x, t) => (t === 0 ? 0 : t * Math.log(t)) - t * x, df: (_x, t) => -t };
}

/** torch PoissonNLLLoss. */
export function torchPoisson(logInput: boolean, full: boolean, eps: number): Pointwise {
  const stirling = (t: number) => (full && t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0);
  if (logInput) return { f: (x, t) => Math.exp(x) - t * x + stirling(t), df: (x, t) => Math.exp(x) - t };
  return { f: (x, t) => x - t * Math.log(x + eps) + stirling(t), df: (x, t) => 1 - t / (x + eps) };
}

/** torch SoftMarginLoss per element: log(1 + exp(-y·x)) (aten soft_margin_loss), stable in float64; -y·σ(-y·x). */
export const torchSoftMargin: Pointwise = {
  f: (x, y) => {
    const z = -y * x;
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  },
  df: (x, y) => -y / (1 + Math.exp(y * x)),
};

/** Keras Poisson per element: p - t·log(p + 1e-7) (keras/src/losses/losses.py poisson, backend epsilon 1e-7). */
export const kerasPoisson: Pointwise = torchPoisson(false, false, 1e-7);

/** Keras: mean (or sum, for KLD) of f over the last axis per sample, then the reduction. */
export function kerasElementwise(f: Pointwise, pred: Arr, target: Arr, shape: number[], rowReduce: 'mean' | 'sum', opts: KerasOptions = {}): RefResult {
  const { outer, C, rowShape } = split(shape, -1);
  const values = new Float64Array(outer);
  const dl = new Float64Array(pred.length);
  const k = rowReduce === 'mean' ? 1 / C : 1;
  for (let r = 0; r < outer; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const j = r * C + c;
      s += f.f(pred[j]!, target[j]!, j);
      dl[j] = f.df(pred[j]!, target[j]!, j) * k;
    }
    values[r] = s * k;
  }
  return kerasRows(values, dl, rowShape, C, 1, opts);
}

/** PyTorch: f elementwise, then 'mean' over all elements (or the batchmean of KLDivLoss: sum / shape[0]). */
export function torchElementwise(f: Pointwise, pred: Arr, target: Arr, shape: number[], reduction: TorchReduction | 'batchmean' = 'mean', gradOutput?: Arr): RefResult {
  const n = pred.length;
  const values = new Float64Array(n);
  const grad = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    values[j] = f.f(pred[j]!, target[j]!, j);
    grad[j] = f.df(pred[j]!, target[j]!, j);
  }
  if (reduction === 'none') {
    if (gradOutput !== undefined) for (let j = 0; j < n; j++) grad[j]! *= gradOutput[j]!;
    return { value: { data: values, shape: [...shape] }, grad };
  }
  let sum = 0;
  for (const v of values) sum += v;
  const d = reduction === 'sum' ? 1 : reduction === 'batchmean' ? (shape.length === 0 ? 1 : shape[0]!) : n;
  for (let j = 0; j < n; j++) grad[j]! /= d;
  return { value: sum / d, grad };
}

/**
 * torch MultiLabelSoftMarginLoss (torch/nn/functional.py `multilabel_soft_margin_loss`), float64, as torch writes
 * it: `loss = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))`, times `weight` (broadcast), then `loss.sum(dim=-1) /
 * C`: the per-sample values (the shape without the last axis) and d Σ values / d x.
 */
export function multilabelSoftMarginReference(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[], weight?: (i: number) => number): { values: Float64Array; grad: Float64Array } {
  const C = shape[shape.length - 1]!;
  const n = x.length;
  const rows = C === 0 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : n / C;
  const logSigmoid = (z: number) => (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
  const values = new Float64Array(rows);
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weight === undefined ? 1 : weight(i);
    const l = -(y[i]! * logSigmoid(x[i]!) + (1 - y[i]!) * logSigmoid(-x[i]!)) * w;
    values[Math.floor(i / C)]! += l / C;
    grad[i] = ((1 / (1 + Math.exp(-x[i]!)) - y[i]!) * w) / C;
  }
  if (C === 0) values.fill(NaN);
  return { values, grad };
}
