/**
 * `fastloss eval ... --shard i/n` and `fastloss eval --merge STATE...` (the built command, dist/cli.js): every
 * case of test/fixtures/cli/expected.json evaluated in shards, each shard a process that prints its state, the
 * states merged by another process: the value equals PyTorch's (the fixture's reference) to 1e-6, whatever order
 * a scalar reduction's states are merged in (the same printed digits); 'none' values in shard order. A shard
 * covers rows [floor(i·R/n), floor((i+1)·R/n)). Bad state files and arguments: one line on stderr, exit code 2.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpyReader } from '../src/npy.js';
import { close, expected, FIXTURES, run } from './cli-harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'fastloss-shard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


/** Runs the n shards of `args`, each state into a file; returns the files, in shard order. */
function shards(label: string, args: string[], n: number, env: Record<string, string> = {}): string[] {
  return Array.from({ length: n }, (_, i) => {
    const r = run(['eval', ...args, '--shard', `${i}/${n}`], env);
    expect(r.stderr, `${label} shard ${i}/${n}`).toBe('');
    expect(r.status).toBe(0);
    const file = join(tmp, `${label.replace(/\W+/g, '_')}-${i}of${n}.json`);
    writeFileSync(file, r.stdout);
    return file;
  });
}

describe('fastloss eval --shard i/n, then --merge', () => {
  // Every case in 3 shards; a few, one of each kind, also in 7 shards read in chunks of 64 elements.
  const few = ['mse pytorch mean', 'keras huber sampleWeight mean_with_sample_weight', 'msle keras 1-D', 'CrossEntropyLoss weight, ignore_index, label smoothing', 'cce pytorch none', 'ctc mean zeroInfinity'];
  describe.each([
    ['3 shards', {}, 3, expected.cases],
    ['7 shards, in chunks of 64 elements', { FASTLOSS_CHUNK_ELEMENTS: '64' }, 7, expected.cases.filter((c) => few.includes(c.name))],
  ] as const)('%s', (_label, env, n, cases) => {
    for (const c of cases) {
      it(c.name, () => {
        const files = shards(`${c.name} ${n}`, c.args, n, env);
        if (c.value !== undefined) {
          const merged = run(['eval', '--merge', ...files]);
          expect([merged.status, merged.stderr]).toEqual([0, '']);
          const got = Number(merged.stdout.trim());
          expect(close(got, c.value), `${got} vs ${c.value}`).toBe(true);
          // the sums are exact: any order prints the same digits
          expect(run(['eval', '--merge', ...[...files].reverse()]).stdout).toBe(merged.stdout);
          const json = JSON.parse(run(['eval', '--merge', ...files, '--json']).stdout) as Record<string, unknown>;
          expect(Object.keys(json)).toEqual(['loss', 'framework', 'reduction', 'value']);
          expect(json.value).toBe(got);
          return;
        }
        // 'none': the shards' values in shard order, into a file, as eval --out writes them
        const out = join(tmp, `${c.name.replace(/\W+/g, '_')}-${n}.npy`);
        const merged = run(['eval', '--merge', ...files, '--out', out]);
        expect([merged.status, merged.stderr]).toEqual([0, '']);
        expect(merged.stdout).toMatch(/^wrote \d+ per-sample losses/);
        const reader = new NpyReader(out);
        expect(reader.header.shape).toEqual(c.shape);
        const data = reader.readAll();
        reader.close();
        c.values!.forEach((v, i) => expect(close(data[i]!, v), `[${i}] ${data[i]} vs ${v}`).toBe(true));
        const printed = run(['eval', '--merge', ...files]).stdout.trim().split('\n').join(',').split(',').map(Number);
        expect(printed).toEqual(Array.from(data));
      });
    }
  });

  it('shard i covers rows [floor(i·R/n), floor((i+1)·R/n)): 257 rows in 3 shards are 85, 86, 86; more shards than rows leave some empty', () => {
    const args = ['mse', '--framework', 'pytorch', '--pred', 'pred_f32.npy', '--target', 'target_f32.npy'];
    const counts = shards('rows', args, 3).map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { count: number[] }).count);
    expect(counts).toEqual([[85 * 5], [86 * 5], [86 * 5]]);
    // CTC's 6 sequences (axis 1 of logProbs) in 8 shards: two are empty, yet hold the item shape
    const ctc = expected.cases.find((c) => c.name === 'ctc sum zeroInfinity')!;
    const states = shards('ctc 8', ctc.args, 8).map((f) => JSON.parse(readFileSync(f, 'utf8')) as { count: number[]; item: number[] });
    expect(states.map((s) => s.count[0] ?? 0)).toEqual([0, 1, 1, 1, 0, 1, 1, 1]);
    expect(states.every((s) => s.item.length === 1)).toBe(true);
    const merged = Number(run(['eval', '--merge', ...states.map((_, i) => join(tmp, `ctc_8-${i}of8.json`))]).stdout);
    expect(close(merged, ctc.value!)).toBe(true);
  });

  it('CTC with the targets concatenated (1-D): each shard takes the labels its lengths say', () => {
    const read = (f: string) => {
      const r = new NpyReader(join(FIXTURES, f));
      const d = Array.from(r.readAll(), Number);
      const shape = r.header.shape;
      r.close();
      return { d, shape };
    };
    const padded = read('ctc_targets.npy'); // [6, 4]
    const lengths = read('ctc_target_lengths.npy').d;
    const S = padded.shape[1]!;
    const flat = lengths.flatMap((len, k) => padded.d.slice(k * S, k * S + len));
    const targets = join(tmp, 'ctc_targets_1d.json');
    writeFileSync(targets, JSON.stringify(flat));
    const ctc = expected.cases.find((c) => c.name === 'ctc mean zeroInfinity')!;
    const args = ctc.args.map((a) => (a === 'targets=ctc_targets.npy' ? `targets=${targets}` : a));
    const merged = Number(run(['eval', '--merge', ...shards('ctc 1d', args, 4)]).stdout);
    expect(close(merged, ctc.value!), `${merged} vs ${ctc.value}`).toBe(true);
    // targets whose labels the lengths do not account for
    writeFileSync(targets, JSON.stringify([...flat, 1]));
    const r = run(['eval', ...args, '--shard', '0/2']);
    expect([r.status, r.stderr]).toEqual([2, `fastloss: --shard: the 1-D targets hold ${flat.length + 1} labels, and targetLengths add up to ${flat.length}: concatenated targets are cut where the lengths say, so the two must agree\n`]);
  });
});

describe('bad states and arguments: one line on stderr, exit code 2', () => {
  const args = ['mse', '--pred', 'pred_f32.npy', '--target', 'target_f32.npy'];
  const write = (name: string, text: string) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };
  const state = () => run(['eval', ...args, '--shard', '0/2']).stdout;
  const tampered = (change: Record<string, unknown>) => JSON.stringify({ ...(JSON.parse(state()) as object), ...change });
  const cases: Array<[string, () => string[], string]> = [
    ['a truncated state file', () => ['eval', '--merge', write('trunc.json', state().slice(0, 60))], `${join(tmp, 'trunc.json')}: not valid JSON (`],
    ['another version', () => ['eval', '--merge', write('v2.json', tampered({ version: 2 }))], `${join(tmp, 'v2.json')}: [BAD_STATE] accumulator: state.version: expected 1, received 2.`],
    ['a NaN count', () => ['eval', '--merge', write('nan.json', tampered({ count: ['NaN'] }))], `${join(tmp, 'nan.json')}: [BAD_STATE] mean_squared_error (tensorflow): state.count: expected terms summing to a count (an integer >= 0), received terms summing to NaN.`],
    ['states of two losses', () => ['eval', '--merge', write('a.json', state()), write('mae.json', run(['eval', 'mae', ...args.slice(1), '--shard', '1/2']).stdout)], `${join(tmp, 'mae.json')}: [BAD_STATE] mean_squared_error (tensorflow): other.loss: expected "mean_squared_error" (this accumulator's), received "mean_absolute_error".`],
    ['not a state', () => ['eval', '--merge', write('list.json', '[1, 2]')], `${join(tmp, 'list.json')}: [BAD_STATE] accumulator: state: expected an accumulator state (acc.state()), received an array of length 2.`],
    ['a missing state file', () => ['eval', '--merge', join(tmp, 'nope.json')], `${join(tmp, 'nope.json')}: cannot open (ENOENT)`],
    ['a loss name given to --merge', () => ['eval', 'mse', '--merge', write('b.json', state())], 'mse: cannot open (ENOENT): --merge takes only state files (each names its loss)'],
    ['--merge with nothing to merge', () => ['eval', '--merge'], 'fastloss eval --merge: expected the state files to merge (fastloss eval ... --shard i/n > FILE writes one)'],
    ['--merge with an input flag', () => ['eval', '--merge', '--pred', 'pred_f32.npy', write('c.json', state())], 'fastloss eval --merge: --pred does not go with --merge (it takes state files, --out and --json: each state names its loss, options and reduction)'],
    ['--merge --out of a scalar reduction', () => ['eval', '--merge', write('d.json', state()), '--out', join(tmp, 'o.npy')], "--out writes per-sample losses: the states are of reduction 'sum_over_batch_size' (evaluate the shards with --reduction none)"],
    ['--shard i >= n', () => ['eval', ...args, '--shard', '3/3'], '--shard 3/3: expected i/n, shard i (from 0) of n, with 0 <= i < n (--shard 0/4 ... --shard 3/4)'],
    ['--shard not i/n', () => ['eval', ...args, '--shard', 'half'], '--shard half: expected i/n, shard i (from 0) of n, with 0 <= i < n (--shard 0/4 ... --shard 3/4)'],
    ['--shard of 0', () => ['eval', ...args, '--shard', '0/0'], '--shard 0/0: expected i/n, shard i (from 0) of n, with 0 <= i < n (--shard 0/4 ... --shard 3/4)'],
    ['--shard with --out', () => ['eval', ...args, '--reduction', 'none', '--shard', '0/2', '--out', join(tmp, 'o.npy')], "--shard prints the shard's state (JSON) on stdout; --out goes with the merge: fastloss eval --merge STATES... --out FILE"],
    ['--shard of files with different row counts', () => ['eval', 'mse', '--pred', 'pred_f32.npy', '--target', 'pos_target_1d.npy', '--shard', '0/2'], "--shard splits the inputs' rows (axis 0), which must be as many in every file: pred pred_f32.npy has 257, target pos_target_1d.npy has 1000"],
  ];
  for (const [label, argv, message] of cases) {
    it(label, () => {
      const r = run(argv());
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]!.startsWith(`fastloss: ${message}`), lines[0]).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
