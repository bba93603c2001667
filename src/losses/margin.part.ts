/**
 * The margin part's code (./parts.ts: loaded with the first of its losses; their declarations are ./margin.ts):
 * Keras Hinge and SquaredHinge, torch HingeEmbeddingLoss and MarginRankingLoss (also categorical_hinge with
 * framework pytorch), and the pairwise bpr and pair_hinge (docs/semantics.md §2 hinge, ch, bpr / phinge).
 * Kernels: assembly/margin.ts and assembly/ranking.ts. Engines: ./elementwise.ts (bindPairLoss for the
 * pred/target losses, bindPairwiseLoss for the two-gradient ones). Keras CategoricalHinge is a row loss:
 * ./rows-margin.ts, on the shared row engine.
 */

import { type Reduction } from '../reduction.js';
import { floatInput, forBlocks, JsArrayInput, type FloatInput, type OutputTensor } from '../tensor.js';
import { LossError } from '../errors.js';
import { checkInputNames, refuseCallOptions, type BoundLoss, type Inputs, type StreamHook, type StreamRules, type StreamSeen } from './definition.js';
import { bindPairLoss, type ElementwiseKernels, type JsPairKernels } from '../engines/elementwise.js';
import { checkPlusMinusOne } from '../engines/labels.js';
import { bindPairwiseLoss, type PairwiseKernels } from '../engines/pairwise.js';
import { flat, tile } from '../engines/tiling.js';
import { kerasRowsBinder } from './rows-margin.js';
import type { Runtime } from '../wasm.js';
import { binderKey } from '../lazy-parts.js';
import type { Binder, PartCode } from './part-code.js';

// ---- plain-JS twins of assembly/margin.ts for tiny inputs (f64 accumulation, float32 data) ----

/** y = t·(1 + c) - c: c = 1 maps 0/1 labels to -1/1. */
const hingeLabel = (t: number, c: number) => t * (1 + c) - c;

const hinge: JsPairKernels = {
  sum(n, p, t, c) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = 1 - hingeLabel(t[i]!, c) * p[i]!;
      s += z < 0 ? 0 : z;
    }
    return s;
  },
  grad(n, p, t, c, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const y = hingeLabel(t[i]!, c);
      const z = 1 - y * p[i]!;
      s += z < 0 ? 0 : z;
      grad[i] = z >= 0 ? -y * scale : 0;
    }
    return s;
  },
  point(p, t, c) {
    const z = 1 - hingeLabel(t, c) * p;
    return z < 0 ? 0 : z;
  },
};

const squaredHinge: JsPairKernels = {
  sum(n, p, t, c) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = 1 - hingeLabel(t[i]!, c) * p[i]!;
      s += z < 0 ? 0 : z * z;
    }
    return s;
  },
  grad(n, p, t, c, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const y = hingeLabel(t[i]!, c);
      const z = 1 - y * p[i]!;
      s += z < 0 ? 0 : z * z;
      grad[i] = z > 0 ? -2 * y * z * scale : 0;
    }
    return s;
  },
  point(p, t, c) {
    const z = 1 - hingeLabel(t, c) * p;
    return z < 0 ? 0 : z * z;
  },
};

const hingeEmbeddingPoint = (p: number, t: number, m: number) => (t === 1 ? p : m - p < 0 ? 0 : m - p);

const hingeEmbedding: JsPairKernels = {
  sum(n, p, t, m) {
    let s = 0;
    for (let i = 0; i < n; i++) s += hingeEmbeddingPoint(p[i]!, t[i]!, m);
    return s;
  },
  grad(n, p, t, m, scale, grad) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += hingeEmbeddingPoint(p[i]!, t[i]!, m);
      grad[i] = t[i] === 1 ? scale : m - p[i]! >= 0 ? -scale : 0;
    }
    return s;
  },
  point: hingeEmbeddingPoint,
};

// ---- Keras Hinge and SquaredHinge: the whole-tensor 0/1 → -1/1 rule ----

/** Bits of a label scan: some label is 0; some label is neither 0 nor 1. */
const SOME_ZERO = 1;
const SOME_OTHER = 2;

/**
 * The SOME_ZERO / SOME_OTHER bits of the labels, for Keras's convert_binary_labels_to_hinge: by the wasm kernel
 * binary_labels_f32 (in place, or block by block through a scratch slot, stopping at the first block with a label
 * neither 0 nor 1), or by a JS loop for inputs of at most jsBelow elements.
 */
function labelBits(rt: Runtime, t: FloatInput, jsBelow: number): number {
  if (t.size <= jsBelow) {
    let bits = 0;
    forBlocks(t, (block) => {
      for (let i = 0; i < block.length; i++) {
        const v = block[i]!;
        if (v === 0) bits |= SOME_ZERO;
        else if (v !== 1) {
          bits |= SOME_OTHER;
          return false;
        }
      }
      return true;
    });
    return bits;
  }
  // ±1 labels (the common case, which needs no conversion) show a -1 within their first elements almost surely
  const head = t instanceof JsArrayInput ? null : t.array;
  if (head !== null) for (let i = 0; i < Math.min(64, head.length); i++) if (head[i] !== 0 && head[i] !== 1) return SOME_OTHER;
  const scan = rt.kernel('binary_labels_f32');
  let bits = 0;
  // tile by tile until a label that is neither 0 nor 1 decides (the rest need not be read)
  tile(rt, flat(t.size), [{ width: 'wide', input: t }], ({ rows, ptrs }) => {
    bits |= scan(rows, ptrs[0]!);
    return 0;
  }, undefined, () => (bits & SOME_OTHER) !== 0);
  return bits;
}

function kerasHinge(kernels: ElementwiseKernels, js: JsPairKernels): Binder {
  return (options, runtime, ctx, def) => {
      const where = `${ctx.loss} (${ctx.framework})`;
      const pick = (c: number) => bindPairLoss({ kernels, js, param: c, valueScale: 1, reduction: options.reduction as Reduction }, runtime, ctx, def);
      const [asGiven, converted] = [pick(0), pick(1)];
      const choose = (inputs: Inputs): BoundLoss => {
        checkInputNames(inputs, def, where);
        return labelBits(runtime, floatInput(inputs.target, runtime, where, 'target'), ctx.jsBelow) & SOME_OTHER ? asGiven : converted;
      };
      return {
        forward: (inputs, extra) => {
          if (extra !== undefined) throw refuseCallOptions(where, extra);
          return choose(inputs).forward(inputs);
        },
        withGrad: (inputs, gradOptions) => choose(inputs).withGrad(inputs, gradOptions),
        // Streaming: the first batch whose labels decide (all 0/1 with a 0, or any other label) fixes the
        // conversion for every later batch (hingeStream).
        stream: hingeStream(
          [asGiven, converted],
          (inputs) => {
            checkInputNames(inputs, def, where);
            return floatInput(inputs.target, runtime, where, 'target');
          },
          where,
          runtime,
          ctx.jsBelow,
        ),
      };
  };
}

/**
 * What a batch's labels say about Keras's whole-tensor 0/1 → -1/1 conversion: 'convert' (all 0 or 1, some 0),
 * 'given' (some label neither 0 nor 1: the whole tensor is not converted), 'either' (empty, or all 1: the same
 * values both ways).
 */
type Convention = 'convert' | 'given' | 'either';

function convention(rt: Runtime, t: FloatInput, jsBelow: number): Convention {
  const bits = labelBits(rt, t, jsBelow);
  return bits & SOME_OTHER ? 'given' : bits & SOME_ZERO ? 'convert' : 'either';
}

/**
 * Streaming Keras hinge/squared_hinge: the first batch that decides the 0/1 → -1/1 conversion fixes it (the rule
 * 'labels'); a later batch with a label other than 0 or 1 after a converted batch (one with a 0) is an error: the
 * whole tensor would not have been converted. 0/1 labels after a label that was neither are consistent (used as
 * given). Two accumulators merged must have decided alike (or one not at all): one's sums were converted, the
 * other's not, and the whole tensor is one or the other.
 */
function hingeStream(bound: [BoundLoss, BoundLoss], labelsOf: (inputs: Inputs) => FloatInput, where: string, rt: Runtime, jsBelow: number): StreamHook {
  /** Which bound loss computes the batch (1: converted), and the decision after it (undefined: none yet). */
  const decide = (inputs: Inputs, seen: StreamSeen): { which: 0 | 1; labels: 'convert' | 'given' | undefined } => {
    const c = convention(rt, labelsOf(inputs), jsBelow);
    const decided = seen.rules.labels as 'convert' | 'given' | undefined;
    if (decided === 'convert' && c === 'given') {
      throw new LossError({
        code: 'LABEL_OUT_OF_RANGE',
        loss: where,
        argument: `target (batch ${seen.batch})`,
        expected: 'labels 0 or 1, as in the earlier batches (Keras converts 0/1 labels to -1/1 when the whole tensor is 0/1: an earlier batch of 0/1 labels was converted)',
        received: 'a label other than 0 or 1',
      });
    }
    // the first batch that decides (all 0/1 with a 0: convert; another label: given) fixes it
    const labels = decided ?? (c === 'either' ? undefined : c);
    return { which: labels === 'convert' ? 1 : 0, labels };
  };
  const withLabels = (rules: StreamRules | undefined, labels: 'convert' | 'given' | undefined): StreamRules =>
    labels === undefined ? { ...rules } : { ...rules, labels };
  const inner = bound[0].stream;
  return {
    ...inner,
    rules: {
      ...inner.rules,
      labels: {
        values: ['convert', 'given'],
        code: 'LABEL_OUT_OF_RANGE',
        text: (labels) => (labels === 'convert' ? '0/1 labels, converted to -1/1' : 'labels not all 0/1, used as given'),
      },
    },
    // Sums go through one bound loss or the other: an undecided batch gives the same values under both.
    update(inputs, seen) {
      const { which, labels } = decide(inputs, seen);
      const stats = bound[which].stream.update(inputs, seen);
      return { ...stats, rules: withLabels(stats.rules, labels) };
    },
    values(inputs, seen) {
      const { which, labels } = decide(inputs, seen);
      return { values: bound[which].forward(inputs) as OutputTensor, rules: withLabels(undefined, labels) };
    },
    result: (sum, count, rules) => bound[rules.labels === 'convert' ? 1 : 0].stream.result!(sum, count, rules),
  };
}

// ---- torch HingeEmbeddingLoss ----

const torchHingeEmbedding: Binder = (options, runtime, ctx, def) => {
      const where = `${ctx.loss} (${ctx.framework})`;
      const bound = bindPairLoss(
        { kernels: 'hinge_embedding', js: hingeEmbedding, param: options.margin as number, valueScale: 1, reduction: options.reduction as Reduction },
        runtime,
        ctx,
        def,
      );
      const check = (inputs: Inputs) => {
        checkInputNames(inputs, def, where);
        checkPlusMinusOne(floatInput(inputs.target, runtime, where, 'target'), where, 'target');
      };
      return {
        forward(inputs, extra) {
          if (extra !== undefined) throw refuseCallOptions(where, extra);
          check(inputs);
          return bound.forward(inputs);
        },
        withGrad(inputs, gradOptions) {
          check(inputs);
          return bound.withGrad(inputs, gradOptions);
        },
        // Streaming: the engine's hook, with the ±1 check on each batch.
        stream: {
          ...bound.stream,
          update(inputs, seen) {
            check(inputs);
            return bound.stream.update(inputs, seen);
          },
          values(inputs) {
            check(inputs);
            return { values: bound.forward(inputs) as OutputTensor };
          },
        },
      };
};

// ---- the two-gradient losses ----

/** A loss on the pairwise engine: two differentiated inputs of one shape (and a ±1 label input, or none). */
function pairwise(kernels: PairwiseKernels, inputs: readonly [string, string], label: string | undefined): Binder {
  return (o, runtime, ctx, def) =>
    bindPairwiseLoss(
      { kernels, inputs, ...(label === undefined ? {} : { label }), param: (o.margin as number | undefined) ?? 0, reduction: o.reduction as Reduction },
      runtime,
      ctx,
      def,
    );
}

/** torch MarginRankingLoss: l = max(-y·(x1 - x2) + margin, 0) elementwise, gradients with respect to x1 and x2. */
const marginRanking = pairwise('margin_ranking', ['x1', 'x2'], 'target');

/** The margin part's binders (./margin.ts declares the losses). */
export const MARGIN_CODE: PartCode = {
  [binderKey('hinge', 'tensorflow')]: kerasHinge('hinge', hinge),
  [binderKey('squared_hinge', 'tensorflow')]: kerasHinge('squared_hinge', squaredHinge),
  [binderKey('hinge_embedding', 'pytorch')]: torchHingeEmbedding,
  [binderKey('categorical_hinge', 'tensorflow')]: kerasRowsBinder('categorical_hinge_f32'),
  [binderKey('categorical_hinge', 'pytorch')]: marginRanking,
  [binderKey('margin_ranking', 'pytorch')]: marginRanking,
  [binderKey('bpr', 'tensorflow')]: pairwise('bpr', ['positive', 'negative'], undefined),
  [binderKey('pair_hinge', 'tensorflow')]: pairwise('pair_hinge', ['positive', 'negative'], undefined),
};
