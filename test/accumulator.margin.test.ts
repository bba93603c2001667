/** Keras hinge and squared hinge streamed: the first batch whose labels decide fixes the 0/1 conversion. */
import { expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';

it('Keras hinge: the first deciding batch fixes the 0/1 conversion; a contradicting later batch is LABEL_OUT_OF_RANGE', async () => {
  const fl = await loadLosses();
  for (const name of ['hinge', 'squared_hinge']) {
    const loss = fl.loss(name);
    const p = [[0.3], [-0.2], [0.8], [-1.5]];
    const whole = (t: number[][]) => loss({ pred: p, target: t }) as number;
    const streamed = (t: number[][], cut: number) => loss.accumulator().update({ pred: p.slice(0, cut), target: t.slice(0, cut) }).update({ pred: p.slice(cut), target: t.slice(cut) }).result() as number;
    // all 0/1: converted, whatever the split
    expect(streamed([[0], [1], [1], [0]], 2)).toBeCloseTo(whole([[0], [1], [1], [0]]), 6);
    // ±1, first batch all 1: either way, then as given
    expect(streamed([[1], [1], [-1], [1]], 2)).toBeCloseTo(whole([[1], [1], [-1], [1]]), 6);
    // a label that is neither first, then 0/1: as given (the whole tensor is not all 0/1)
    expect(streamed([[-1], [1], [0], [1]], 2)).toBeCloseTo(whole([[-1], [1], [0], [1]]), 6);
    // 0/1 with a 0 first, then -1: the earlier batch was converted, the whole would not be
    const acc = loss.accumulator().update({ pred: p.slice(0, 2), target: [[0], [1]] });
    expect(() => acc.update({ pred: p.slice(2), target: [[-1], [1]] })).toThrow(/\[LABEL_OUT_OF_RANGE\] .*target \(batch 1\)/);
  }
});
