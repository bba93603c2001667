/**
 * Memory: ordinary arrays stream through the fixed scratch region, so wasm memory does not grow with input
 * size, and repeated calls allocate nothing in wasm memory. Accuracy at scale: a 16,777,216-element MSE and MAE
 * within 1e-6 relative of the float64 sum, on every build, streamed and in place.
 */

import { describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { uniform } from './helpers.js';

describe('wasm memory does not grow', () => {
  it('over 100,000 calls (streamed, in place, forward and gradient)', async () => {
    const fl = await loadLosses({ build: 'simd' });
    const pred = uniform(5000, 1);
    const target = uniform(5000, 2);
    const tp = fl.tensor([5000]);
    tp.data.set(pred);
    const mse = fl.loss('mse', { framework: 'pytorch' });
    const huberNone = fl.loss('huber', { reduction: 'none' });
    // The values every call must give again (deterministic: the same data, the same kernels).
    const want = mse({ pred, target }) as number;
    const wantGrad = mse.withGrad({ pred, target }).grad.pred!.data.slice();
    const shaped = { pred: { data: pred, shape: [50, 100] }, target: { data: target, shape: [50, 100] } };
    const wantNone = (huberNone(shaped) as { data: Float32Array }).data.slice();
    const bytes = fl.memory.buffer.byteLength;
    let mismatches = 0;
    for (let i = 0; i < 100_000; i++) {
      if ((mse({ pred: i % 2 === 0 ? pred : tp, target }) as number) !== want) mismatches++;
      if (i % 100 === 0) {
        const g = mse.withGrad({ pred, target }).grad.pred!.data;
        if (g[0] !== wantGrad[0] || g[4999] !== wantGrad[4999] || g[2500] !== wantGrad[2500]) mismatches++;
      }
      if (i % 1000 === 0) {
        const none = (huberNone(shaped) as { data: Float32Array }).data;
        if (none.some((v, j) => v !== wantNone[j])) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(want).toBeGreaterThan(0);
    expect(fl.memory.buffer.byteLength).toBe(bytes);
    tp.free();
  });

  it('for a 64M-element input', async () => {
    const fl = await loadLosses({ build: 'simd' });
    const n = 64 * 1024 * 1024;
    const pred = new Float32Array(n).fill(1.5);
    const target = new Float32Array(n);
    for (let i = 0; i < n; i += 4096) target[i] = 1;
    const bytes = fl.memory.buffer.byteLength;
    const mse = fl.loss('mse', { framework: 'pytorch', reduction: 'sum' });
    const want = (n - n / 4096) * 2.25 + (n / 4096) * 0.25;
    expect(Math.abs((mse({ pred, target }) as number) - want) / want).toBeLessThan(1e-12);
    const g = mse.withGrad({ pred, target });
    expect(g.grad.pred!.data[1]).toBe(3);
    expect(fl.memory.buffer.byteLength).toBe(bytes);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });
});

describe.each(['simd', 'scalar', 'debug'] as const)('16,777,216 elements, float64 accumulation: %s', (build) => {
  it('MSE and MAE within 1e-6 relative of the float64 result', async () => {
    const fl = await loadLosses({ build });
    const n = 16_777_216;
    const pred = uniform(n, 11);
    const target = uniform(n, 12);
    let sq = 0;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      const d = pred[i]! - target[i]!;
      sq += d * d;
      abs += Math.abs(d);
    }
    const tp = fl.tensor([n]);
    const tt = fl.tensor([n]);
    tp.data.set(pred);
    tt.data.set(target);
    for (const framework of ['tensorflow', 'pytorch'] as const) {
      for (const [name, ref] of [['mse', sq / n], ['mae', abs / n]] as const) {
        const loss = fl.loss(name, { framework });
        const streamed = loss({ pred, target }) as number;
        const inPlace = loss({ pred: tp, target: tt }) as number;
        const withGrad = loss.withGrad({ pred, target }).value as number;
        for (const [how, v] of [['streamed', streamed], ['in place', inPlace], ['withGrad', withGrad]] as const) {
          expect(Math.abs(v - ref) / ref, `${name} ${framework} ${how}: ${v} vs ${ref}`).toBeLessThan(1e-6);
        }
      }
    }
    tp.free();
    tt.free();
  });
});
