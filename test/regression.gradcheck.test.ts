/**
 * Finite-difference checks of every gradient: central differences of the float64 reference's value (as
 * torch.autograd.gradcheck does in float64), compared with fastloss's gradient, for every loss × framework ×
 * reduction, with Keras sample weights and with a 'none' gradOutput. Inputs stay at least 1e-3 away from the
 * kinks (|d| = 0, |d| = δ, p = ε), where a difference quotient straddles two branches.
 */

import { describe, it } from 'vitest';
import { kerasLoss, torchLoss, type Pointwise } from '../src/reference/regression.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';
import { caseLabel, REDUCTIONS, REGRESSION_CASES, type RegressionCase } from './regression.cases.js';

const H = 1e-6;

/** The kinks of each loss in d = p - t (and p itself for msle), to stay clear of. */
function nearKink(c: RegressionCase, p: number, t: number): boolean {
  const d = Math.abs(p - t);
  const param = c.options.delta ?? c.options.beta ?? 1;
  return d < 1e-3 || Math.abs(d - param) < 1e-3 || (c.name === 'msle' && Math.abs(p - 1e-7) < 1e-3);
}

function scalarValue(c: RegressionCase, ref: Pointwise, pred: Float64Array, target: Float32Array, shape: number[], reduction: string, extra: { sampleWeight?: { data: Float32Array; shape: number[] }; gradOutput?: Float32Array }): number {
  const r =
    c.framework === 'pytorch'
      ? torchLoss(ref, pred, target, shape, { reduction: reduction as 'sum' })
      : kerasLoss(ref, pred, shape, target, shape, { reduction: reduction as 'sum', ...(extra.sampleWeight ? { sampleWeight: extra.sampleWeight } : {}) })!;
  if (typeof r.value === 'number') return r.value;
  let s = 0;
  for (let i = 0; i < r.value.data.length; i++) s += r.value.data[i]! * (extra.gradOutput?.[i] ?? 1);
  return s;
}

describe.each(IMPLEMENTATIONS)('finite differences: $label', (impl) => {
  for (const c of REGRESSION_CASES) {
    it(caseLabel(c), async () => {
      const fl = await instance(impl);
      const shape = [3, 4];
      for (const reduction of REDUCTIONS[c.framework]) {
        const { pred, target } = c.data(12, 40);
        for (let i = 0; i < 12; i++) if (nearKink(c, pred[i]!, target[i]!)) pred[i] = Math.fround(pred[i]! + 0.01);
        const extras: Array<{ sampleWeight?: { data: Float32Array; shape: number[] }; gradOutput?: Float32Array }> = [{}];
        if (c.framework === 'tensorflow') extras.push({ sampleWeight: { data: uniform(3, 9, 0.1, 2), shape: [3] } });
        if (reduction === 'none') extras.push({ gradOutput: uniform(c.framework === 'pytorch' ? 12 : 3, 11) });
        for (const extra of extras) {
          const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
          const inputs = {
            pred: { data: pred, shape },
            target: { data: target, shape },
            ...(extra.sampleWeight ? { sampleWeight: extra.sampleWeight } : {}),
          };
          const lossShape = c.framework === 'pytorch' ? shape : [3];
          const got = loss.withGrad(inputs, extra.gradOutput ? { gradOutput: { data: extra.gradOutput, shape: lossShape } } : {}).grad.pred!.data;
          const fd = new Float64Array(12);
          for (let i = 0; i < 12; i++) {
            const h = H * Math.max(1, Math.abs(pred[i]!));
            const plus = Float64Array.from(pred);
            const minus = Float64Array.from(pred);
            plus[i] = pred[i]! + h;
            minus[i] = pred[i]! - h;
            fd[i] = (scalarValue(c, c.ref, plus, target, shape, reduction, extra) - scalarValue(c, c.ref, minus, target, shape, reduction, extra)) / (2 * h);
          }
          const what = extra.sampleWeight ? ' sampleWeight' : extra.gradOutput ? ' gradOutput' : '';
          // Difference quotients carry ~1e-9 relative error (h = 1e-6 in float64); the gradient is float32.
          expectClose(got, fd, `${caseLabel(c)} ${reduction}${what}: grad vs finite differences`, { pred, target }, 2e-6);
        }
      }
    });
  }
});
