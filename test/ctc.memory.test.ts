/**
 * CTC memory: the workspace (O(T·(2S+1)) per sequence) is taken from the instance's heap for a call and given
 * back at its end, so repeated calls reuse it and wasm memory stops growing after the first; and a long
 * sequence, T = 10,000 frames with a 2,000-label target, works.
 */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { randomLogProbs, randomTarget } from './ctc.cases.js';
import { rng } from './helpers.js';

describe('ctc memory', () => {
  it('does not grow over repeated calls (streamed and in place, forward and gradient), values unchanged', async () => {
    const fl = await loadLosses({ build: 'simd' });
    const T = 60, N = 8, C = 20;
    const lp = randomLogProbs(T, N, C, 61);
    const r = rng(62);
    const targets = Array.from({ length: N }, () => randomTarget(15, C, 0, r));
    const tensor = fl.tensor([T, N, C]);
    tensor.data.set(lp);
    const inputs = { logProbs: { data: lp, shape: [T, N, C] }, targets: targets.flat(), inputLengths: new Array<number>(N).fill(T), targetLengths: targets.map((t) => t.length) };
    const loss = fl.loss('ctc', { reduction: 'sum' });
    const first = loss(inputs) as number;
    const firstGrad = loss.withGrad(inputs).grad.logProbs!.data;
    const bytes = fl.memory.buffer.byteLength;
    for (let i = 0; i < 300; i++) {
      const v = loss(i % 2 === 0 ? inputs : { ...inputs, logProbs: tensor }) as number;
      expect(v).toBe(first);
      if (i % 10 === 0) {
        const g = loss.withGrad(i % 20 === 0 ? inputs : { ...inputs, logProbs: tensor });
        expect(g.value).toBe(first);
        const same = g.grad.logProbs!.data.every((x, j) => x === firstGrad[j]);
        expect(same).toBe(true);
      }
    }
    expect(fl.memory.buffer.byteLength).toBe(bytes);
    tensor.free();
  });

  it('T = 10,000 frames, a 2,000-label target: value and gradient, and a second call allocates nothing', async () => {
    const fl = await loadLosses({ build: 'simd' });
    const T = 10_000, L = 2000, C = 32;
    // a confident model: label k on frames 5k..5k+2, blank on 5k+3..5k+4, logits noisy around that
    const r = rng(71);
    const target = randomTarget(L, C, 0, r);
    const lp = new Float32Array(T * C);
    for (let t = 0; t < T; t++) {
      const k = Math.floor(t / 5);
      const favoured = t % 5 < 3 ? target[k]! : 0;
      let m = -Infinity;
      const x = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        x[c] = 2 * r() - 1 + (c === favoured ? 4 : 0);
        m = Math.max(m, x[c]!);
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[c]! - m);
      for (let c = 0; c < C; c++) lp[t * C + c] = x[c]! - m - Math.log(s);
    }
    const inputs = { logProbs: { data: lp, shape: [T, 1, C] }, targets: [target], inputLengths: [T], targetLengths: [L] };
    const loss = fl.loss('ctc', { reduction: 'sum' });
    let t0 = performance.now();
    const value = loss(inputs) as number;
    const forwardMs = performance.now() - t0;
    // the forward in float64 log space, two rows at a time
    const ext = [0];
    for (const c of target) ext.push(c, 0);
    const S = ext.length;
    const lse = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));
    let prev = new Float64Array(S).fill(-Infinity);
    let cur = new Float64Array(S);
    prev[0] = lp[0]!;
    prev[1] = lp[ext[1]!]!;
    for (let t = 1; t < T; t++) {
      for (let s = 0; s < S; s++) {
        let a = prev[s]!;
        if (s >= 1) a = lse(a, prev[s - 1]!);
        if (s >= 2 && ext[s] !== 0 && ext[s] !== ext[s - 2]) a = lse(a, prev[s - 2]!);
        cur[s] = a + lp[t * C + ext[s]!]!;
      }
      [prev, cur] = [cur, prev];
    }
    const want = -lse(prev[S - 1]!, prev[S - 2]!);
    expect(Math.abs(value - want) / want).toBeLessThan(1e-6);
    t0 = performance.now();
    const g = loss.withGrad(inputs);
    console.log(`ctc T=10000 S=2000: forward ${forwardMs.toFixed(0)} ms, forward+gradient ${(performance.now() - t0).toFixed(0)} ms`);
    expect(g.value).toBe(value);
    // every frame's posteriors sum to 1: the true gradient's row sums are -1
    const grad = g.grad.logProbs!.data;
    for (let t = 0; t < T; t += 97) {
      let s = 0;
      for (let c = 0; c < C; c++) s += grad[t * C + c]!;
      expect(Math.abs(s + 1)).toBeLessThan(1e-5);
    }
    const bytes = fl.memory.buffer.byteLength;
    expect(loss(inputs)).toBe(value);
    loss.withGrad(inputs);
    expect(fl.memory.buffer.byteLength).toBe(bytes);
  });
});
