/**
 * Every margin, ranking and cosine loss × framework × reduction × shape, on every implementation (SIMD, scalar
 * and debug wasm, and the plain-JS path for tiny inputs), against the float64 references of src/reference/:
 * values, gradients of every differentiated input, Keras sample weights and 'none' with a gradOutput.
 */

import { describe, expect, it } from 'vitest';
import type { MarginRef } from '../src/reference/margin.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';
import { MARGIN_CASES, REDUCTIONS, shapesOf } from './margin.cases.js';

const valueOf = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const refValue = (r: MarginRef) => (typeof r.value === 'number' ? [r.value] : Array.from(r.value.data));

describe.each(IMPLEMENTATIONS)('margin conformance: $label', (impl) => {
  for (const c of MARGIN_CASES) {
    it(c.label, async () => {
      const fl = await instance(impl);
      let seed = 1;
      for (const reduction of REDUCTIONS[c.framework]) {
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const shape of shapesOf(c)) {
          const inputs = c.data(shape, seed++);
          const label = `${c.label} ${reduction} shape [${shape}]`;
          const ref = c.ref(inputs, { reduction });
          expectClose(valueOf(loss(inputs)), refValue(ref), `${label} value`);
          const g = loss.withGrad(inputs);
          expectClose(valueOf(g.value), refValue(ref), `${label} withGrad value`);
          expect(Object.keys(g.grad).sort(), label).toEqual([...c.differentiated].sort());
          for (const name of c.differentiated) {
            expectClose(g.grad[name]!.data, ref.grads[name]!, `${label} grad ${name}`);
            expect(g.grad[name]!.shape, label).toEqual(inputs[name]!.shape);
          }
          const lossShape = c.lossShape(shape);
          if (reduction === 'none') {
            expect((loss(inputs) as OutputTensor).shape, label).toEqual(lossShape);
            const gradOutput = uniform(Math.max(1, lossShape.reduce((a, b) => a * b, 1)), seed++);
            const refG = c.ref(inputs, { reduction, gradOutput });
            const gg = loss.withGrad(inputs, { gradOutput: { data: gradOutput, shape: lossShape } });
            for (const name of c.differentiated) expectClose(gg.grad[name]!.data, refG.grads[name]!, `${label} grad ${name} with gradOutput`);
          } else {
            // a scalar reduction's upstream gradient is a number that scales every gradient
            const go = 0.5 + (seed++ % 4);
            const refS = c.ref(inputs, { reduction, gradOutput: [go] });
            const gs = loss.withGrad(inputs, { gradOutput: go });
            expectClose(valueOf(gs.value), refValue(ref), `${label} value with gradOutput ${go}`);
            for (const name of c.differentiated) expectClose(gs.grad[name]!.data, refS.grads[name]!, `${label} grad ${name} with gradOutput ${go}`);
          }
          if (c.framework === 'tensorflow') {
            // per-sample weights of the per-sample shape, a scalar weight, and the other shapes Keras 3 reconciles
            // without adding an axis: [..., 1] (squeezed), the trailing axes (NumPy broadcasting), [N, 1, ...]
            const weightShapes: number[][] = lossShape.length === 0 ? [[]] : [lossShape, [], [...lossShape, 1]];
            if (lossShape.length >= 2) weightShapes.push(lossShape.slice(1), [lossShape[0]!, ...lossShape.slice(1).map(() => 1)]);
            for (const ws of weightShapes) {
              const w = uniform(Math.max(1, ws.reduce((a, b) => a * b, 1)), seed++, 0, 2);
              const sampleWeight = { data: w, shape: ws };
              const refW = c.ref(inputs, { reduction, sampleWeight });
              const wl = `${label} sampleWeight [${ws}]`;
              expectClose(valueOf(loss({ ...inputs, sampleWeight })), refValue(refW), `${wl} value`);
              const gw = loss.withGrad({ ...inputs, sampleWeight });
              expectClose(valueOf(gw.value), refValue(refW), `${wl} withGrad value`);
              for (const name of c.differentiated) expectClose(gw.grad[name]!.data, refW.grads[name]!, `${wl} grad ${name}`);
              // with an upstream gradient too: per weighted value for 'none' (of the shape 'none' returns), else a number
              const noneShape = reduction === 'none' ? (loss({ ...inputs, sampleWeight }) as OutputTensor).shape : [];
              const go = reduction === 'none' ? uniform(Math.max(1, noneShape.reduce((a, b) => a * b, 1)), seed++) : Float64Array.of(1.75);
              const refWG = c.ref(inputs, { reduction, sampleWeight, gradOutput: go });
              const gwg = loss.withGrad({ ...inputs, sampleWeight }, { gradOutput: reduction === 'none' ? { data: go, shape: noneShape } : go[0]! });
              for (const name of c.differentiated) expectClose(gwg.grad[name]!.data, refWG.grads[name]!, `${wl} grad ${name} with gradOutput`);
            }
          }
        }
      }
    });
  }
});
