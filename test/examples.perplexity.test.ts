/**
 * examples/perplexity.mjs, run as a user runs it (node, on .npy files, importing 'fastloss' as the package):
 * GPT-2-sized logits [B, T, 50257] and int64 token ids with padding, scored as they are and shifted (a causal
 * model's logits of its own ids); the mean NLL and perplexity it prints equal a float64 log-sum-exp over the same
 * logits (to 1e-6 relative), padding excluded.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { npyHeader } from '../src/npy.js';
import { ROOT } from './consumer.js';
import { uniform } from './helpers.js';

const [B, T, V] = [2, 9, 50257];
const dir = mkdtempSync(join(tmpdir(), 'fastloss-perplexity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logits = uniform(B * T * V, 3, -8, 8);
const ids = BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7919 + 13) % V));
ids[B * T - 1] = -100n;
ids[B * T - 2] = -100n;
const npy = (shape: number[], descr: string, data: ArrayBufferView) => Buffer.concat([npyHeader(shape, descr), new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
writeFileSync(join(dir, 'logits.npy'), npy([B, T, V], '<f4', logits));
writeFileSync(join(dir, 'ids.npy'), npy([B, T], '<i8', ids));

/** Mean over non-padding targets of logsumexp(row) - row[target], in float64. */
function reference(shift: boolean): { nll: number; tokens: number } {
  let sum = 0;
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < (shift ? T - 1 : T); t++) {
      const y = Number(ids[b * T + t + (shift ? 1 : 0)]);
      if (y === -100) continue;
      const row = logits.subarray((b * T + t) * V, (b * T + t + 1) * V);
      let m = -Infinity;
      for (const x of row) m = Math.max(m, x);
      let z = 0;
      for (const x of row) z += Math.exp(x - m);
      sum += m + Math.log(z) - row[y]!;
      tokens++;
    }
  }
  return { nll: sum / tokens, tokens };
}

it.each([false, true])('prints the mean NLL and perplexity of the float64 reference (shift %s)', (shift) => {
  const out = execFileSync(process.execPath, ['examples/perplexity.mjs', join(dir, 'logits.npy'), join(dir, 'ids.npy'), ...(shift ? ['--shift'] : [])], { cwd: ROOT, encoding: 'utf8' });
  const want = reference(shift);
  expect(out).toContain(`${want.tokens} tokens scored of ${B * (shift ? T - 1 : T)} (vocabulary ${V}`);
  const [, nll, ppl] = /mean NLL ([\d.]+) nats, perplexity ([\d.]+)/.exec(out)!;
  expect(Math.abs(Number(nll) - want.nll) / want.nll).toBeLessThan(1e-6);
  expect(Math.abs(Number(ppl) - Math.exp(want.nll)) / Math.exp(want.nll)).toBeLessThan(2e-5); // printed to 4 decimals of ~1e7
});
