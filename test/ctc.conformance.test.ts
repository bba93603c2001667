/**
 * CTC on every implementation (SIMD, scalar and debug wasm, and the plain-JS log-space path) against the float64
 * reference of src/reference/ctc.ts: random shapes, blank positions, lengths, repeated labels, empty targets,
 * infeasible samples, padded and concatenated targets, every reduction, zeroInfinity, both gradient forms and
 * 'none' with a gradOutput.
 */

import { describe, it } from 'vitest';
import { ctcReference } from '../src/reference/ctc.js';
import { CASES, expectLogitsGradClose, padded, type CtcCase } from './ctc.cases.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';

function inputsOf(c: CtcCase, concatenated: boolean) {
  return {
    logProbs: { data: c.logProbs, shape: [c.T, c.N, c.C] },
    targets: concatenated ? c.targets.flat() : padded(c),
    inputLengths: c.inputLengths,
    targetLengths: Int32Array.from(c.targets.map((t) => t.length)),
  };
}

function values(v: number | { data: Float32Array }): number[] {
  return typeof v === 'number' ? [v] : Array.from(v.data);
}

describe.each(IMPLEMENTATIONS)('ctc conformance: $label', (impl) => {
  for (const c of CASES) {
    it(c.label, async () => {
      const fl = await instance(impl);
      let k = 0;
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        for (const zeroInfinity of [false, true]) {
          for (const gradOf of ['logProbs', 'logits'] as const) {
            const loss = fl.loss('ctc', { reduction, zeroInfinity, gradOf, blank: c.blank });
            const inputs = inputsOf(c, k++ % 2 === 1);
            const gradOutput = reduction === 'none' ? c.targets.map((_, n) => 0.5 + n) : undefined;
            const ref = ctcReference({ ...c, reduction, zeroInfinity, gradOf, gradOutput });
            const label = `${c.label} ${reduction} zeroInfinity=${zeroInfinity} ${gradOf}`;
            const want = typeof ref.value === 'number' ? [ref.value] : ref.value;
            expectClose(values(loss(inputs) as number), want, `${label} value`);
            const g = loss.withGrad(inputs, gradOutput === undefined ? undefined : { gradOutput });
            expectClose(values(g.value as number), want, `${label} withGrad value`);
            if (gradOf === 'logits') {
              const scales = c.targets.map((t, n) => (reduction === 'none' ? gradOutput![n]! : reduction === 'sum' ? 1 : 1 / (Math.max(t.length, 1) * c.N)));
              expectLogitsGradClose(g.grad.logProbs!.data, ref.grad, scales, `${label} grad`);
            } else expectClose(g.grad.logProbs!.data, ref.grad, `${label} grad`);
          }
        }
      }
    });
  }
});
