/**
 * Every kernel loop at every tail length (1..33: the 16-wide body, the 4-wide loop and the scalar tail), at the
 * scratch region's block boundaries (CHUNK ± 1, rows longer than a block), and on each path in: ordinary
 * Float32Arrays (streamed), fastloss tensors (read in place) and Float64Arrays (rounded on entry).
 */

import { describe, expect, it } from 'vitest';
import type { KerasReduction } from '../src/reference/keras.js';
import { kerasLoss, torchLoss } from '../src/reference/regression.js';
import type { OutputTensor } from '../src/tensor.js';
import { CHUNK } from '../src/wasm.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';
import { caseLabel, REDUCTIONS, REGRESSION_CASES } from './regression.cases.js';

const TAILS = Array.from({ length: 33 }, (_, i) => i + 1);
const BLOCKS = [64, 65, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7];
const WASM = IMPLEMENTATIONS.filter((i) => i.jsBelow === 0);

const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));

describe.each(WASM)('tails and blocks: $label', (impl) => {
  for (const c of REGRESSION_CASES) {
    it(caseLabel(c), async () => {
      const fl = await instance(impl);
      const reductions = REDUCTIONS[c.framework];
      for (const reduction of reductions) {
        const loss = fl.loss(c.name, { framework: c.framework, reduction, ...c.options });
        for (const n of [...TAILS, ...(impl.build === 'debug' ? BLOCKS.slice(0, 4) : BLOCKS)]) {
          const { pred, target } = c.data(n, n);
          const ref =
            c.framework === 'pytorch'
              ? torchLoss(c.ref, pred, target, [n], { reduction: reduction as 'sum' })
              : kerasLoss(c.ref, pred, [n], target, [n], { reduction: reduction as 'sum' })!;
          const want = typeof ref.value === 'number' ? [ref.value] : Array.from(ref.value.data);
          const label = `${caseLabel(c)} ${reduction} n=${n}`;

          // ordinary arrays, streamed
          expectClose(values(loss({ pred, target })), want, `${label} (Float32Array)`);
          const g = loss.withGrad({ pred, target });
          expectClose(g.grad.pred!.data, ref.grad, `${label} grad (Float32Array)`, { pred, target });

          // Float64Array: rounded to float32 on entry, so the same result
          const g64 = loss.withGrad({ pred: Float64Array.from(pred), target: Float64Array.from(target) });
          expectClose(g64.grad.pred!.data, ref.grad, `${label} grad (Float64Array)`);

          // tensors in wasm memory, read in place
          const tp = fl.tensor([n]);
          const tt = fl.tensor([n]);
          tp.data.set(pred);
          tt.data.set(target);
          expectClose(values(loss({ pred: tp, target: tt })), want, `${label} (tensors)`);
          const gt = loss.withGrad({ pred: tp, target: tt });
          expectClose(gt.grad.pred!.data, ref.grad, `${label} grad (tensors)`, { pred, target });
          // one in place, one streamed
          expectClose(values(loss({ pred: tp, target })), want, `${label} (mixed)`);
          tp.free();
          tt.free();
        }
      }
    });
  }
});

describe.each(WASM)('Keras rows across blocks: $label', (impl) => {
  // [rows, cols] with cols < CHUNK (several rows per block, a block boundary inside the data) and cols > CHUNK
  // (each row in pieces), with per-row sample weights on the gradient path.
  const shapes = [
    [3000, 7],
    [5, CHUNK + 3],
    [2, 2 * CHUNK + 1],
  ];
  for (const c of REGRESSION_CASES.filter((x) => x.framework === 'tensorflow' && x.name !== 'msle')) {
    it(caseLabel(c), async () => {
      const fl = await instance(impl);
      for (const shape of shapes) {
        const n = shape[0]! * shape[1]!;
        const { pred, target } = c.data(n, shape[1]!);
        const w = uniform(shape[0]!, 7, 0, 2);
        for (const reduction of REDUCTIONS.tensorflow as readonly KerasReduction[]) {
          const loss = fl.loss(c.name, { framework: 'tensorflow', reduction, ...c.options });
          const sampleWeight = { data: w, shape: [shape[0]!] };
          const ref = kerasLoss(c.ref, pred, shape, target, shape, { reduction, sampleWeight })!;
          const got = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape }, sampleWeight });
          const want = typeof ref.value === 'number' ? [ref.value] : Array.from(ref.value.data);
          expectClose(values(got.value), want, `${caseLabel(c)} ${reduction} [${shape}] value`);
          expectClose(got.grad.pred!.data, ref.grad, `${caseLabel(c)} ${reduction} [${shape}] grad`);
        }
      }
    });
  }
});

describe.each(IMPLEMENTATIONS)('gradient into a caller buffer (out.pred): $label', (impl) => {
  for (const c of REGRESSION_CASES.filter((x) => x.name !== 'msle')) {
    it(caseLabel(c), async () => {
      const fl = await instance(impl);
      for (const n of [1, 7, 33, CHUNK + 5]) {
        const { pred, target } = c.data(n, n + 3);
        const ref = c.framework === 'pytorch' ? torchLoss(c.ref, pred, target, [n], { reduction: 'mean' }) : kerasLoss(c.ref, pred, [n], target, [n], { reduction: 'sum' })!;
        const loss = fl.loss(c.name, { framework: c.framework, reduction: c.framework === 'pytorch' ? 'mean' : 'sum', ...c.options });
        const buffer = new Float32Array(n).fill(NaN);
        const r = loss.withGrad({ pred, target }, { out: { pred: buffer } });
        expect(r.grad.pred!.data).toBe(buffer);
        expectClose(buffer, ref.grad, `${caseLabel(c)} n=${n} into a Float32Array`);
        expectClose(values(r.value), typeof ref.value === 'number' ? [ref.value] : [], `${caseLabel(c)} n=${n} value`);
        // into a tensor in wasm memory: the kernel writes it in place; with inputs in place too, nothing is copied
        const out = fl.tensor([n]);
        const tp = fl.tensor([n]);
        tp.data.set(pred);
        loss.withGrad({ pred: tp, target }, { out: { pred: out } });
        expectClose(out.data, ref.grad, `${caseLabel(c)} n=${n} into a tensor`);
        // with Keras sample weights (per-row factors applied in place)
        if (c.framework === 'tensorflow' && n % 7 === 0) {
          const shape = [7, n / 7];
          const sampleWeight = uniform(7, 5, 0, 2);
          const refW = kerasLoss(c.ref, pred, shape, target, shape, { reduction: 'sum', sampleWeight: { data: sampleWeight, shape: [7] } })!;
          loss.withGrad({ pred: { data: tp, shape }, target: { data: target, shape }, sampleWeight }, { out: { pred: out } });
          expectClose(out.data, refW.grad, `${caseLabel(c)} n=${n} weighted into a tensor`);
        }
        out.free();
        tp.free();
      }
    });
  }
});
