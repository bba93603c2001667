/**
 * The f64 kinds of assembly/probability.ts (KL divergence, Poisson) run two elements at a time in blocks of 512,
 * with f64x2 exp and log that give NaN outside their domain; a block whose sum comes out NaN is computed again one
 * element at a time. Here: values outside that domain (zeros, negatives, infinities, NaN, exp arguments past
 * ±708) placed at the first, last and middle elements of blocks, at the pair boundaries and in the odd tail, so
 * that a block redone wrongly, a redo that skips the map or gradient outputs, or a fallback that leaks into a
 * neighbouring block shows up against the float64 references. Streamed (Float32Array) and in place (fl.tensor),
 * 'none' and 'sum', values and gradients.
 */

import { describe, it } from 'vitest';
import { kerasElementwise, kerasKld, torchElementwise, torchKld, torchPoisson, type Pointwise } from '../src/reference/crossentropy.js';
import type { OutputTensor } from '../src/tensor.js';
import { expectClose, IMPLEMENTATIONS, instance, uniform } from './helpers.js';

const WASM = IMPLEMENTATIONS.filter((i) => i.jsBelow === 0);
const values = (v: number | OutputTensor) => (typeof v === 'number' ? [v] : Array.from(v.data));
/** The float64 reference as the float32 the package returns (a value past float32's range is ±inf there). */
const f32 = (xs: ArrayLike<number>) => Array.from(xs, (x) => Math.fround(x));

interface Case {
  name: string;
  options: Record<string, unknown>;
  ref: Pointwise;
  pred: [number, number];
  target: [number, number];
  /** [pred, target] pairs outside the f64x2 domain (or on its edge). */
  specials: Array<[number, number]>;
}

const CASES: Case[] = [
  { name: 'KLDivLoss', options: {}, ref: torchKld(false), pred: [-5, 0], target: [0, 1],
    specials: [[-1, 0], [-2, -0.5], [-1, Infinity], [Infinity, 0.5], [NaN, 0.3], [-1, NaN], [0, 1e-40], [-3, 1e30]] },
  { name: 'KLDivLoss', options: { logTarget: true }, ref: torchKld(true), pred: [-5, 0], target: [-5, 0],
    specials: [[-1, 709], [-1, -709], [0, 800], [0, -800], [-2, -Infinity], [-2, NaN], [NaN, -1], [1e30, -1]] },
  { name: 'PoissonNLLLoss', options: {}, ref: torchPoisson(true, false, 1e-8), pred: [-2, 2], target: [0, 5],
    specials: [[709, 1], [-709, 2], [800, 0], [-1000, 3], [NaN, 1], [1, NaN], [Infinity, 1], [-Infinity, 0]] },
  { name: 'PoissonNLLLoss', options: { full: true }, ref: torchPoisson(true, true, 1e-8), pred: [-2, 2], target: [0, 5],
    specials: [[0.5, Infinity], [0.5, 1], [0.5, 1.0000001], [710, 2], [0.1, NaN], [NaN, 3], [0, 1e30], [-800, 0]] },
  { name: 'PoissonNLLLoss', options: { logInput: false }, ref: torchPoisson(false, false, 1e-8), pred: [0.1, 5], target: [0, 5],
    specials: [[0, 2], [-2e-8, 1], [-1, 2], [Infinity, 1], [NaN, 1], [3, NaN], [1e-45, 1], [3e38, 0]] },
  { name: 'PoissonNLLLoss', options: { logInput: false, full: true }, ref: torchPoisson(false, true, 1e-8), pred: [0.1, 5], target: [0, 5],
    specials: [[0, 2], [-1, 2], [1, Infinity], [1, 1e30], [2, -3], [NaN, 4], [1, NaN], [5, 1]] },
];

const BLOCK = 512;

/** Where the specials go in an array of n: block edges, pair edges, the last (odd) element. */
function positions(n: number): number[] {
  return [0, 1, 2, BLOCK - 2, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK - 1, 2 * BLOCK + 1, n - 2, n - 1].filter((i) => i >= 0 && i < n);
}

function inputs(c: Case, n: number, seed: number, at: number[]): { pred: Float32Array; target: Float32Array } {
  const pred = uniform(n, seed, c.pred[0], c.pred[1]);
  const target = uniform(n, seed + 1, c.target[0], c.target[1]);
  at.forEach((i, k) => {
    const [p, t] = c.specials[k % c.specials.length]!;
    pred[i] = p;
    target[i] = t;
  });
  return { pred, target };
}

describe.each(WASM)('f64 probability kernels, values outside the f64x2 domain at block edges: $label', (impl) => {
  it('PyTorch KLDivLoss and PoissonNLLLoss: none and sum, values and gradients, streamed and in place', async () => {
    const fl = await instance(impl);
    for (const c of CASES) {
      for (const n of [3, 513, 2 * BLOCK + 3]) {
        // one set with the specials, one clean set whose sums must not be disturbed by a redo elsewhere
        for (const at of [positions(n), []]) {
          const { pred, target } = inputs(c, n, n + at.length, at);
          for (const reduction of ['none', 'sum'] as const) {
            const loss = fl.loss(c.name, { reduction, ...c.options });
            const ref = torchElementwise(c.ref, pred, target, [n], reduction);
            const want = f32(typeof ref.value === 'number' ? [ref.value] : ref.value.data);
            const wantGrad = f32(ref.grad);
            const label = `${c.name} ${JSON.stringify(c.options)} ${reduction} n=${n} specials=${at.length}`;
            expectClose(values(loss({ pred, target })), want, `${label} value`, { pred, target });
            const g = loss.withGrad({ pred, target });
            expectClose(values(g.value), want, `${label} withGrad value`, { pred, target });
            expectClose(g.grad.pred!.data, wantGrad, `${label} grad`, { pred, target });
            const tp = fl.tensor([n]);
            const tt = fl.tensor([n]);
            tp.data.set(pred);
            tt.data.set(target);
            expectClose(values(loss({ pred: tp, target: tt })), want, `${label} value (in place)`, { pred, target });
            expectClose(loss.withGrad({ pred: tp, target: tt }).grad.pred!.data, wantGrad, `${label} grad (in place)`, { pred, target });
            tp.free();
            tt.free();
          }
        }
      }
    }
  });

  it('Keras KLDivergence: NaN inputs at block edges of a row', async () => {
    const fl = await instance(impl);
    const loss = fl.loss('kld', { reduction: 'none' });
    for (const D of [3, 513, 1027]) {
      const shape = [2, D];
      const pred = uniform(2 * D, D, 0.001, 0.999);
      const target = uniform(2 * D, D + 1, 0, 1);
      for (const i of positions(D)) {
        if (i % 3 === 0) pred[i] = NaN;
        else if (i % 3 === 1) target[D + i] = NaN;
        else pred[D + i] = -1; // clipped to ε: in the domain
      }
      const ref = kerasElementwise(kerasKld, pred, target, shape, 'sum', { reduction: 'none' });
      const g = loss.withGrad({ pred: { data: pred, shape }, target: { data: target, shape } });
      expectClose(values(g.value), Array.from((ref.value as { data: Float64Array }).data), `kld D=${D} value`);
      expectClose(g.grad.pred!.data, ref.grad, `kld D=${D} grad`, { pred, target });
    }
  });
});
