/**
 * `npm start` (node dist/cli.js with no arguments): the tour a newcomer runs first. Its first table compares
 * fastloss with PyTorch's value and gradient on the same numbers, so every difference it shows must be real:
 * each row's gradient is taken with respect to the input fastloss is given (for NLLLoss, the log-probabilities:
 * an earlier reference was a gradient of the logits, and the table's worst difference read 8.0e-1).
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let out: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  const r = spawnSync(process.execPath, [CLI], { encoding: 'utf8', timeout: 120_000 });
  out = { status: r.status, stdout: r.stdout, stderr: r.stderr };
}, 130_000);

/** The rows of part 1: loss, framework, dataset, value, grad L2, torch value (or ''), rel.diff (or ''). */
function part1(): string[][] {
  const text = out.stdout.slice(out.stdout.indexOf('1. Every implemented loss'), out.stdout.indexOf('2. Streaming'));
  return text
    .split('\n')
    .filter((l) => /^ {2}[a-z_]+ +(tensorflow|pytorch) /.test(l))
    .map((l) => l.trim().split(/ {2,}/));
}

describe('npm start', () => {
  it('runs to the end, with nothing on stderr', () => {
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/\nDone in [\d.]+ s\.\n$/);
  });

  it('every row compared with PyTorch agrees to 1e-6 (value and gradient norm), and the stated worst says so', () => {
    const compared = part1().filter((r) => r.length === 7);
    expect(compared.length).toBe(8); // the PyTorch rows of the regression and classification data
    for (const r of compared) expect(Number(r[6]), r.join(' ')).toBeLessThan(1e-6);
    const worst = /grad L2 from torch's \(worst ([^)]+)\)/.exec(out.stdout.replace(/\s+/g, ' '));
    expect(Number(worst?.[1])).toBeLessThan(1e-6);
  });

  it("NLLLoss's gradient is with respect to the log-probabilities: -1/N at each label, L2 norm 1/sqrt(450)", () => {
    const nll = part1().find((r) => r[0] === 'negative_log_likelihood')!;
    expect(nll.slice(0, 3)).toEqual(['negative_log_likelihood', 'pytorch', 'digits']);
    expect(Number(nll[4])).toBeCloseTo(1 / Math.sqrt(450), 5);
  });
});
