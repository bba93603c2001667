/**
 * Every kernel loop at every tail length (1..33: the unrolled SIMD body, the 4-wide loop and the scalar tail) on
 * every axis a kernel walks (elements; a row's columns; rows), at the scratch region's block boundaries (half a
 * slot ± 1, a slot ± 1, rows longer than half a slot), on each path in: ordinary Float32Arrays (streamed),
 * Float64Arrays (rounded on entry), number[] data (converted block by block as it streams in), fastloss tensors
 * (read in place) and a mix.
 */

import { describe, it } from 'vitest';
import type { MarginRef } from '../src/reference/margin.js';
import type { OutputTensor } from '../src/tensor.js';
import { CHUNK } from '../src/wasm.js';
import { expectClose, IMPLEMENTATIONS, instance } from './helpers.js';
import { MARGIN_CASES, type MarginCase } from './margin.cases.js';

const TAILS = Array.from({ length: 33 }, (_, i) => i + 1);
const HALF = CHUNK / 2;
const WASM = IMPLEMENTATIONS.filter((i) => i.jsBelow === 0);

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
const refValue = (r: MarginRef) => (typeof r.value === 'number' ? [r.value] : Array.from(r.value.data));

/** Shapes that walk each axis of a case's kernels. */
function shapes(c: MarginCase, debug: boolean): number[][] {
  if (c.geometry === 'rows') {
    // (cosine rows of one element have a gradient that is 0 in exact arithmetic and rounding noise otherwise:
    // the semantics suite checks those against 0 with an absolute bound)
    const cols = TAILS.filter((d) => d > 1 || c.name === 'categorical_hinge').map((d) => [3, d]);
    const rows = TAILS.map((n) => [n, 5]);
    const blocks = debug ? [[3000, 7]] : [[3000, 7], [HALF + 3, 2], [2, HALF + 1], [1, HALF], [3, 2 * CHUNK + 5]];
    const all = [...cols, ...rows, ...blocks];
    // cosine over axis 0 walks the first axis: transpose the shapes
    return c.options.axis === 0 ? all.map(([a, b]) => [b!, a!]) : all;
  }
  const blocks = debug ? [HALF - 1, HALF + 1] : [HALF - 1, HALF, HALF + 1, CHUNK - 1, CHUNK + 1, 3 * CHUNK + 7];
  return [...TAILS, ...blocks].map((n) => [n]);
}

describe.each(WASM)('margin tails and blocks: $label', (impl) => {
  for (const c of MARGIN_CASES) {
    it(c.label, async () => {
      const fl = await instance(impl);
      for (const reduction of ['sum', 'none']) {
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const shape of shapes(c, impl.build === 'debug')) {
          const inputs = c.data(shape, shape[0]! * 31 + (shape[1] ?? 0));
          const ref = c.ref(inputs, { reduction });
          const want = refValue(ref);
          const label = `${c.label} ${reduction} [${shape}]`;
          const check = (how: string, given: Record<string, unknown>) => {
            expectClose(values(loss(given)), want, `${label} value (${how})`);
            const g = loss.withGrad(given);
            for (const name of c.differentiated) expectClose(g.grad[name]!.data, ref.grads[name]!, `${label} grad ${name} (${how})`);
          };
          check('Float32Array', inputs);
          check('Float64Array', Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }])));
          check('number[]', Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { data: Array.from(v.data), shape: v.shape }])));
          const tensors = Object.fromEntries(
            Object.entries(inputs).map(([k, v]) => {
              const x = fl.tensor(v.shape);
              x.data.set(v.data);
              return [k, x];
            }),
          );
          check('tensors', tensors);
          const first = c.differentiated[0]!;
          check('mixed', { ...inputs, [first]: tensors[first] });
          for (const x of Object.values(tensors)) x.free();
        }
      }
    });
  }
});
