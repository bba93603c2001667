/**
 * Scale: a 16,777,216-element binary cross-entropy with logits and a [65536, 1000] softmax cross-entropy within
 * 1e-6 relative of the float64 value (streamed and in place), and wasm memory flat over 100,000 calls of the
 * family's losses on every path (streamed, in place, forward and gradient, strided class axis).
 */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { rng, uniform } from './helpers.js';

function logits(n: number, seed: number): Float32Array {
  // a fast LCG (the helpers' generator is too slow for 65M values), uniform in [-4, 4)
  const out = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = (a / 4294967296) * 8 - 4;
  }
  return out;
}

describe('accuracy at scale', () => {
  it('16M-element BCE with logits (and Keras BCE on probabilities) within 1e-6 of float64', async () => {
    const n = 16 * 1024 * 1024;
    const x = logits(n, 1);
    const t = Float32Array.from(logits(n, 2), (v) => (v < 0 ? 0 : 1));
    let ref = 0;
    for (let i = 0; i < n; i++) ref += Math.max(x[i]!, 0) - x[i]! * t[i]! + Math.log1p(Math.exp(-Math.abs(x[i]!)));
    ref /= n;
    for (const build of ['relaxed', 'simd', 'scalar'] as const) {
      const fl = await loadLosses({ build });
      const loss = fl.loss('BCEWithLogitsLoss');
      expect(Math.abs((loss({ pred: x, target: t }) as number) - ref) / ref, `${build} streamed`).toBeLessThan(1e-6);
      const tx = fl.tensor([n]);
      tx.data.set(x);
      const g = loss.withGrad({ pred: tx, target: t });
      expect(Math.abs((g.value as number) - ref) / ref, `${build} in place, withGrad`).toBeLessThan(1e-6);
      tx.free();
    }
    // Keras on probabilities: σ(x) as the prediction
    const p = Float32Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
    let refP = 0;
    for (let i = 0; i < n; i++) {
      const q = Math.min(Math.max(p[i]!, 1e-7), 1 - 1e-7);
      refP -= t[i]! * Math.log(q) + (1 - t[i]!) * Math.log(1 - q);
    }
    refP /= n;
    const fl = await loadLosses({ build: 'simd' });
    expect(Math.abs((fl.loss('bce')({ pred: p, target: t }) as number) - refP) / refP).toBeLessThan(1e-6);
  });

  it('[65536, 1000] softmax cross-entropy within 1e-6 of float64 (value and withGrad)', async () => {
    const N = 65536;
    const C = 1000;
    const x = logits(N * C, 3);
    const y = new Int32Array(N);
    const r = rng(4);
    for (let i = 0; i < N; i++) y[i] = Math.floor(r() * C);
    let ref = 0;
    for (let row = 0; row < N; row++) {
      const base = row * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, x[base + c]!);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
      ref += m + Math.log(s) - x[base + y[row]!]!;
    }
    ref /= N;
    const fl = await loadLosses({ build: 'simd' });
    const loss = fl.loss('CrossEntropyLoss');
    const pred = { data: x, shape: [N, C] };
    expect(Math.abs((loss({ pred, target: y }) as number) - ref) / ref).toBeLessThan(1e-6);
    const g = loss.withGrad({ pred, target: y });
    expect(Math.abs((g.value as number) - ref) / ref).toBeLessThan(1e-6);
    // the gradient's rows each sum to 0 (softmax - onehot), within float32 rounding
    let worst = 0;
    for (let row = 0; row < N; row += 997) {
      let s = 0;
      for (let c = 0; c < C; c++) s += g.grad.pred!.data[row * C + c]!;
      worst = Math.max(worst, Math.abs(s) * N);
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('wasm memory does not grow', () => {
  it('over 100,000 calls of the family (streamed, in place, forward and gradient)', async () => {
    const fl = await loadLosses({ build: 'simd' });
    const logitsSmall = uniform(64 * 10, 1);
    const labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
    const px = fl.tensor([64, 10]);
    px.data.set(logitsSmall);
    const py = fl.tensor([64], 'int32');
    py.data.set(labels);
    const seg = uniform(2 * 5 * 40, 2);
    const segLabels = Int32Array.from({ length: 80 }, (_, i) => i % 5);
    const probs = uniform(640, 3, 0.01, 0.99);
    const ce = fl.loss('CrossEntropyLoss');
    const cceK = fl.loss('cce', { fromLogits: true, reduction: 'none' });
    const bce = fl.loss('bce');
    const kld = fl.loss('KLDivLoss', { reduction: 'batchmean' });
    const pnll = fl.loss('PoissonNLLLoss', { full: true });
    const warm = () => {
      ce({ pred: { data: logitsSmall, shape: [64, 10] }, target: labels });
      ce.withGrad({ pred: px, target: py });
      ce.withGrad({ pred: { data: seg, shape: [2, 5, 40] }, target: { data: segLabels, shape: [2, 40] } });
      cceK({ pred: { data: logitsSmall, shape: [64, 10] }, target: { data: probs, shape: [64, 10] } });
      bce.withGrad({ pred: probs, target: probs });
      kld({ pred: { data: logitsSmall, shape: [64, 10] }, target: { data: probs, shape: [64, 10] } });
      pnll.withGrad({ pred: logitsSmall, target: probs });
    };
    warm();
    const bytes = fl.memory.buffer.byteLength;
    let acc = 0;
    for (let i = 0; i < 100_000; i++) {
      acc += ce({ pred: i % 2 === 0 ? px : { data: logitsSmall, shape: [64, 10] }, target: i % 3 === 0 ? py : labels }) as number;
      if (i % 100 === 0) warm();
    }
    expect(Number.isFinite(acc)).toBe(true);
    expect(fl.memory.buffer.byteLength).toBe(bytes);
    px.free();
    py.free();
  });
});
