/**
 * The README's "Where fastloss departs from PyTorch on purpose", held to what the code does: CTC's default
 * gradient is the exact ∂loss/∂logProbs = −γ (each valid frame's row sums to −s_n, the posteriors summing to 1),
 * `gradOf: 'logits'` gives PyTorch's exp(logProbs) − γ (rows summing to 0), and the two differ by exactly
 * s_n·exp(logProbs). (test/ctc.torch.test.ts holds both against torch's own numbers.)
 */

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
let fl: FastLoss;
beforeAll(async () => {
  fl = await loadLosses();
});

/** logProbs [T = 5, N = 2, C = 4]: log_softmax of fixed logits. */
function logProbs(): { data: Float32Array; shape: number[] } {
  const T = 5, N = 2, C = 4;
  const data = new Float32Array(T * N * C);
  for (let r = 0; r < T * N; r++) {
    const row = Array.from({ length: C }, (_, c) => Math.sin(1 + r * 7 + c * 3) * 2);
    const lse = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
    row.forEach((x, c) => (data[r * C + c] = x - lse));
  }
  return { data, shape: [T, N, C] };
}

describe('README: where fastloss departs from PyTorch on purpose', () => {
  it('the section is there, names gradOf: \'logits\' for PyTorch\'s numbers, and the issue', () => {
    const at = README.indexOf('### Where fastloss departs from PyTorch on purpose');
    expect(at).toBeGreaterThan(0);
    const section = README.slice(at, README.indexOf('\n## ', at));
    expect(section).toContain("{ gradOf: 'logits' }");
    expect(section).toContain('pytorch/pytorch#52241');
  });

  it("CTC: the default is −γ (rows sum to −s_n); gradOf 'logits' is exp(logProbs) − γ (rows sum to 0)", () => {
    const inputs = { logProbs: logProbs(), targets: [[1, 2], [3, 3]], inputLengths: [5, 4], targetLengths: [2, 2] };
    const C = 4;
    const exact = fl.loss('ctc', { reduction: 'sum' }).withGrad(inputs).grad.logProbs!.data;
    const torchForm = fl.loss('ctc', { reduction: 'sum', gradOf: 'logits' }).withGrad(inputs).grad.logProbs!.data;
    const lp = inputs.logProbs.data;
    for (let t = 0; t < 5; t++) {
      for (let n = 0; n < 2; n++) {
        const row = (t * 2 + n) * C;
        const valid = t < inputs.inputLengths[n]!;
        let exactSum = 0;
        let torchSum = 0;
        for (let c = 0; c < C; c++) {
          exactSum += exact[row + c]!;
          torchSum += torchForm[row + c]!;
          // the two differ by s_n·exp(lp) on valid frames (s_n = 1 for 'sum'), and are both 0 beyond
          expect(torchForm[row + c]! - exact[row + c]!).toBeCloseTo(valid ? Math.exp(lp[row + c]!) : 0, 6);
        }
        expect(exactSum).toBeCloseTo(valid ? -1 : 0, 6);
        expect(torchSum).toBeCloseTo(0, 6);
      }
    }
  });
});
