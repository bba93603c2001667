/**
 * Every regression loss × framework × reduction × shape, on every implementation (SIMD, scalar and debug wasm,
 * and the plain-JS path for tiny inputs), against the float64 references of src/reference/: values and
 * gradients, Keras sample weights and 'none' with a gradOutput.
 */

import { describe, it } from 'vitest';
import { kerasLoss, torchLoss, type RefResult } from '../src/reference/regression.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, expectLossError, IMPLEMENTATIONS, instance, uniform } from './helpers.js';
import { caseLabel, REDUCTIONS, REGRESSION_CASES } from './regression.cases.js';

const SHAPES: readonly number[][] = [[], [1], [7], [3, 5], [2, 3, 4]];

/**
 * Keras sample weights for a per-sample shape: [], [1], every prefix (broadcast trailing-aligned: [N] against
 * [N, T] is refused unless N == T), every suffix (per column), the shape with a trailing 1, [..., 1] prefixes
 * and a leading extra axis. The reference says which ones Keras refuses.
 */
function weightShapes(sampleShape: number[]): number[][] {
  const shapes: number[][] = [[], [1]];
  for (let k = 1; k <= sampleShape.length; k++) shapes.push(sampleShape.slice(0, k), sampleShape.slice(-k));
  if (sampleShape.length > 0) shapes.push([...sampleShape, 1], [sampleShape[0]!, 1], [2, ...sampleShape]);
  else shapes.push([3], [3, 1]);
  return shapes;
}

function valueOf(v: number | OutputTensor): number[] {
  return typeof v === 'number' ? [v] : Array.from(v.data);
}

function refValue(r: RefResult): number[] {
  return typeof r.value === 'number' ? [r.value] : Array.from(r.value.data);
}

describe.each(IMPLEMENTATIONS)('regression conformance: $label', (impl) => {
  for (const c of REGRESSION_CASES) {
    it(caseLabel(c), async () => {
      const fl = await instance(impl);
      let seed = 1;
      for (const reduction of REDUCTIONS[c.framework]) {
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const shape of SHAPES) {
          const n = shape.reduce((a, b) => a * b, 1);
          const { pred, target } = c.data(n, seed++);
          const inputs = { pred: { data: pred, shape }, target: { data: target, shape } };
          const label = `${caseLabel(c)} ${reduction} shape [${shape}]`;
          const ref =
            c.framework === 'pytorch'
              ? torchLoss(c.ref, pred, target, shape, { reduction: reduction as 'mean' })
              : kerasLoss(c.ref, pred, shape, target, shape, { reduction: reduction as 'sum' })!;
          expectClose(valueOf(loss(inputs)), refValue(ref), `${label} value`, { pred, target });
          const g = loss.withGrad(inputs);
          expectClose(valueOf(g.value), refValue(ref), `${label} withGrad value`, { pred, target });
          expectClose(g.grad.pred!.data, ref.grad, `${label} grad`, { pred, target });
          if (g.grad.pred!.shape.join() !== shape.join()) throw new Error(`${label}: grad shape ${g.grad.pred!.shape}`);

          // 'none' with an upstream gradient: the gradient of sum(gradOutput * loss).
          if (reduction === 'none') {
            const lossShape = typeof ref.value === 'number' ? [] : ref.value.shape;
            const gradOutput = uniform(Math.max(1, lossShape.reduce((a, b) => a * b, 1)), seed++);
            const refG =
              c.framework === 'pytorch'
                ? torchLoss(c.ref, pred, target, shape, { reduction: 'none', gradOutput })
                : kerasLoss(c.ref, pred, shape, target, shape, { reduction: 'none', gradOutput })!;
            const gg = loss.withGrad(inputs, { gradOutput: { data: gradOutput, shape: lossShape } });
            expectClose(gg.grad.pred!.data, refG.grad, `${label} grad with gradOutput`, { pred, target });
          }

          // Keras sample weights, every broadcastable shape.
          if (c.framework === 'tensorflow') {
            const sampleShape = shape.length === 0 ? [] : shape.slice(0, -1);
            for (const ws of weightShapes(sampleShape)) {
              const w = uniform(ws.reduce((a, b) => a * b, 1), seed++, 0, 2);
              const sampleWeight = { data: w, shape: ws };
              const refW = kerasLoss(c.ref, pred, shape, target, shape, { reduction: reduction as 'sum', sampleWeight });
              const wl = `${label} sampleWeight [${ws}]`;
              if (refW === null) {
                expectLossError(() => loss({ ...inputs, sampleWeight }), 'SHAPE_MISMATCH', wl);
                continue;
              }
              expectClose(valueOf(loss({ ...inputs, sampleWeight })), refValue(refW), `${wl} value`, { pred, target });
              const gw = loss.withGrad({ ...inputs, sampleWeight });
              expectClose(valueOf(gw.value), refValue(refW), `${wl} withGrad value`, { pred, target });
              expectClose(gw.grad.pred!.data, refW.grad, `${wl} grad`, { pred, target });
            }
          }
        }
      }
    });
  }
});
