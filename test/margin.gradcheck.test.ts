/**
 * Finite-difference checks of every gradient of every differentiated input: central differences of the float64
 * reference's value (as torch.autograd.gradcheck does in float64), compared with fastloss's gradient, for every
 * loss × framework × reduction, with Keras sample weights and with a 'none' gradOutput. An element whose one-sided
 * differences disagree sits on a kink (a hinge's max, a tie in categorical hinge's max) and is not compared.
 */

import { describe, it } from 'vitest';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';
import { MARGIN_CASES, REDUCTIONS, type MarginCase, type RefOptions } from './margin.cases.js';

const H = 1e-6;

function scalar(c: MarginCase, inputs: ReturnType<MarginCase['data']>, o: RefOptions): number {
  const r = c.ref(inputs, o);
  if (typeof r.value === 'number') return r.value;
  let s = 0;
  for (let i = 0; i < r.value.data.length; i++) s += r.value.data[i]! * (o.gradOutput?.[i] ?? 1);
  return s;
}

describe.each(IMPLEMENTATIONS)('margin finite differences: $label', (impl) => {
  for (const c of MARGIN_CASES) {
    it(c.label, async () => {
      const fl = await instance(impl);
      const shape = [3, 4];
      const lossShape = c.lossShape(shape);
      const rows = lossShape.reduce((a, b) => a * b, 1);
      for (const reduction of REDUCTIONS[c.framework]) {
        const inputs = c.data(shape, 40);
        const extras: RefOptions[] = [{ reduction }];
        if (c.framework === 'tensorflow') extras.push({ reduction, sampleWeight: { data: uniform(rows, 9, 0.1, 2), shape: lossShape } });
        if (reduction === 'none') extras.push({ reduction, gradOutput: uniform(rows, 11) });
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const o of extras) {
          const given = { ...inputs, ...(o.sampleWeight ? { sampleWeight: o.sampleWeight } : {}) };
          const g = loss.withGrad(given, o.gradOutput ? { gradOutput: { data: Float32Array.from(o.gradOutput), shape: lossShape } } : {});
          for (const name of c.differentiated) {
            const x = inputs[name]!;
            const got: number[] = [];
            const fd: number[] = [];
            for (let i = 0; i < x.data.length; i++) {
              const at = (delta: number) => {
                const moved = Float64Array.from(x.data);
                moved[i]! += delta;
                return scalar(c, { ...inputs, [name]: { data: moved as unknown as Float32Array, shape: x.shape } }, o);
              };
              const h = H * Math.max(1, Math.abs(x.data[i]!));
              const [plus, zero, minus] = [at(h), at(0), at(-h)];
              const forward = (plus - zero) / h;
              const backward = (zero - minus) / h;
              if (Math.abs(forward - backward) > 1e-3 * Math.max(1, Math.abs(forward))) continue; // a kink
              got.push(g.grad[name]!.data[i]!);
              fd.push((plus - minus) / (2 * h));
            }
            if (got.length < x.data.length / 2) throw new Error(`${c.label}: only ${got.length} of ${x.data.length} elements away from kinks`);
            const what = o.sampleWeight ? ' sampleWeight' : o.gradOutput ? ' gradOutput' : '';
            expectClose(got, fd, `${c.label} ${reduction}${what}: grad ${name} vs finite differences`, {}, 2e-6);
          }
        }
      }
    });
  }
});
