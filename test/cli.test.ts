/**
 * The built `fastloss` command (node dist/cli.js, made by `npm run build`):
 * - on .npy files written by NumPy from PyTorch tensors (test/fixtures/cli, scripts/make_fixtures_cli.py), its
 *   values equal PyTorch's to 1e-6, read whole and in chunks of 64 elements (FASTLOSS_CHUNK_ELEMENTS);
 * - every bad file or argument is one line on stderr and exit code 2, no stack trace;
 * - a progress bar on a terminal (script(1)'s pseudo-terminal), none when stderr is piped.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npyHeader, NpyReader } from '../src/npy.js';
import { CLI, close, expected, FIXTURES, run } from './cli-harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'fastloss-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


describe('fastloss eval on files written by NumPy/PyTorch', () => {
  it('has a producer and cases', () => {
    expect(expected.producer).toMatch(/torch 1\.13.*numpy/);
    expect(expected.cases.length).toBeGreaterThan(10);
  });

  describe.each([
    ['whole files', {}],
    ['chunks of 64 elements', { FASTLOSS_CHUNK_ELEMENTS: '64' }],
  ] as const)('%s', (_label, env) => {
    for (const c of expected.cases) {
      it(c.name, () => {
        if (c.value !== undefined) {
          const r = run(['eval', ...c.args], env);
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
          const got = Number(r.stdout.trim());
          expect(close(got, c.value), `${got} vs ${c.value}`).toBe(true);
          const j = run(['eval', ...c.args, '--json'], env);
          const parsed = JSON.parse(j.stdout) as { loss: string; framework: string; reduction: string; value: number };
          expect(Object.keys(parsed)).toEqual(['loss', 'framework', 'reduction', 'value']);
          expect(parsed.value).toBe(got);
          return;
        }
        // reduction 'none': per-sample losses into .npy and .csv, and on stdout
        const npy = join(tmp, `${c.name.replace(/\W+/g, '_')}.npy`);
        const csv = join(tmp, `${c.name.replace(/\W+/g, '_')}.csv`);
        const r = run(['eval', ...c.args, '--out', npy], env);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^wrote \d+ per-sample losses/);
        const reader = new NpyReader(npy);
        expect(reader.header.dtype).toBe('float32');
        expect(reader.header.shape).toEqual(c.shape);
        const data = reader.readAll();
        reader.close();
        c.values!.forEach((v, i) => expect(close(data[i]!, v), `[${i}] ${data[i]} vs ${v}`).toBe(true));
        expect(run(['eval', ...c.args, '--out', csv], env).status).toBe(0);
        const rows = readFileSync(csv, 'utf8').trim().split('\n');
        expect(rows.length).toBe(c.shape![0]);
        expect(rows.join(',').split(',').map(Number)).toEqual(Array.from(data));
        const printed = run(['eval', ...c.args], env).stdout.trim().split('\n').join(',').split(',').map(Number);
        expect(printed).toEqual(Array.from(data));
      });
    }
  });

  it('reads .json and .csv inputs to the same value', () => {
    const p = new NpyReader(join(FIXTURES, 'pred_f32.npy'));
    const t = new NpyReader(join(FIXTURES, 'target_f32.npy'));
    const [pd, td] = [p.readAll(), t.readAll()];
    p.close();
    t.close();
    const rows = (d: Float32Array | Int32Array) => Array.from({ length: 257 }, (_, i) => Array.from(d.subarray(i * 5, i * 5 + 5)));
    writeFileSync(join(tmp, 'p.json'), JSON.stringify(rows(pd)));
    writeFileSync(join(tmp, 't.json'), JSON.stringify({ data: Array.from(td), shape: [257, 5] }));
    writeFileSync(join(tmp, 't.csv'), 'a,b,c,d,e\n' + rows(td).map((r) => r.join(',')).join('\n') + '\n');
    const want = expected.cases.find((c) => c.name === 'mse pytorch mean')!.value!;
    for (const target of ['t.json', 't.csv']) {
      const r = run(['eval', 'mse', '--framework', 'pytorch', '--pred', join(tmp, 'p.json'), '--target', join(tmp, target)]);
      expect(r.stderr).toBe('');
      expect(close(Number(r.stdout), want)).toBe(true);
    }
  });
});

describe('bad files and arguments: one line on stderr, exit code 2', () => {
  const good = join(FIXTURES, 'pred_f32.npy');
  const bytes = readFileSync(good);
  const header = npyHeader([257, 5]);
  const write = (name: string, data: Uint8Array | string) => {
    const path = join(tmp, name);
    writeFileSync(path, data);
    return path;
  };
  const withHeader = (dict: string) => {
    const text = dict.padEnd(117, ' ') + '\n';
    const out = new Uint8Array(10 + text.length + 257 * 5 * 4);
    out.set(header.subarray(0, 8));
    new DataView(out.buffer).setUint16(8, text.length, true);
    for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
    return out;
  };
  const cases: Array<[string, () => string[], RegExp]> = [
    ['truncated data', () => ['eval', 'mse', '--pred', write('trunc.npy', bytes.subarray(0, bytes.length - 7)), '--target', good], /trunc\.npy: truncated: shape \(257, 5\) of float32 needs 5140 bytes of data, the file has 5133/],
    ['truncated header', () => ['eval', 'mse', '--pred', write('trunc-head.npy', bytes.subarray(0, 40)), '--target', good], /trunc-head\.npy: truncated: the header says/],
    ['shorter than the preamble', () => ['eval', 'mse', '--pred', write('tiny.npy', bytes.subarray(0, 5)), '--target', good], /tiny\.npy: not a \.npy file/],
    ['not a .npy file', () => ['eval', 'mse', '--pred', write('text.npy', 'pred,target\n1,2\n'), '--target', good], /text\.npy: not a \.npy file \(no \\x93NUMPY magic\)/],
    ['unsupported dtype float16', () => ['eval', 'mse', '--pred', write('f2.npy', withHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (257, 5), }")), '--target', good], /f2\.npy: unsupported dtype '<f2'/],
    ['big-endian', () => ['eval', 'mse', '--pred', write('be.npy', withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (257, 5), }")), '--target', good], /be\.npy: unsupported dtype '>f4'/],
    ['Fortran order', () => ['eval', 'mse', '--pred', write('fortran.npy', withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (257, 5), }")), '--target', good], /fortran\.npy: Fortran order/],
    ['a header that lies about the data size', () => ['eval', 'mse', '--pred', write('lies.npy', withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (250, 5), }")), '--target', good], /lies\.npy: the header does not describe the file: shape \(250, 5\) of float32 is 5000 bytes of data, the file has 5140/],
    ['a header length past the end of the file', () => {
      const b = Uint8Array.from(bytes);
      new DataView(b.buffer).setUint16(8, 60000, true);
      return ['eval', 'mse', '--pred', write('longhead.npy', b), '--target', good];
    }, /longhead\.npy: truncated: the header says it is 60000 bytes/],
    ['a malformed header', () => ['eval', 'mse', '--pred', write('bad-dict.npy', withHeader("{'descr': '<f4', 'shape': (257, 5), }")), '--target', good], /bad-dict\.npy: malformed \.npy header/],
    ['shape mismatch', () => ['eval', 'mse', '--framework', 'pytorch', '--pred', good, '--target', join(FIXTURES, 'pos_target_1d.npy')], /SHAPE_MISMATCH/],
    ['missing file', () => ['eval', 'mse', '--pred', join(tmp, 'nope.npy'), '--target', good], /nope\.npy: cannot open \(ENOENT\)/],
    ['unknown file type', () => ['eval', 'mse', '--pred', write('x.txt', '1'), '--target', good], /x\.txt: unknown file type "\.txt"/],
    ['malformed JSON', () => ['eval', 'mse', '--pred', write('bad.json', '[1, 2'), '--target', good], /bad\.json: not valid JSON/],
    ['ragged JSON', () => ['eval', 'mse', '--pred', write('ragged.json', '[[1, 2], [3]]'), '--target', good], /ragged\.json: shape mismatch/],
    ['ragged CSV', () => ['eval', 'mse', '--pred', write('ragged.csv', '1,2\n3\n'), '--target', good], /ragged\.csv: shape mismatch: line 2/],
    ['a CSV field that is not a number', () => ['eval', 'mse', '--pred', write('word.csv', '1,2\n3,x\n'), '--target', good], /word\.csv: line 2: "x" is not a number/],
    ['unknown loss', () => ['eval', 'mean_sqared_error', '--pred', good, '--target', good], /UNKNOWN_LOSS.*Did you mean/],
    ['bad option', () => ['eval', 'mse', '--pred', good, '--target', good, '--reduction', 'avg'], /BAD_OPTION/],
    ['a missing input', () => ['eval', 'mse', '--pred', good], /needs --target FILE/],
    ['an input the loss has not', () => ['eval', 'mse', '--framework', 'pytorch', '--pred', good, '--target', good, '--input', 'sampleWeight=w.npy'], /has no input "sampleWeight"/],
    ['--out without none', () => ['eval', 'mse', '--pred', good, '--target', good, '--out', join(tmp, 'o.npy')], /--out writes per-sample losses/],
    ['--out of an unknown type', () => ['eval', 'mse', '--pred', good, '--target', good, '--reduction', 'none', '--out', join(tmp, 'o.txt')], /o\.txt: unknown output type/],
    ['an unknown flag, with the nearest one', () => ['eval', 'mse', '--prd', good], /^fastloss: unknown option --prd: did you mean --pred\? \(fastloss --help for usage\)$/],
    ['a misspelt --reduction', () => ['eval', 'mse', '--pred', good, '--target', good, '--reducton', 'sum'], /^fastloss: unknown option --reducton: did you mean --reduction\? \(fastloss --help for usage\)$/],
    ['an unknown flag with nothing near', () => ['--frobnicate'], /^fastloss: unknown option --frobnicate \(fastloss --help for usage\)$/],
    ['an unknown command', () => ['evaluate'], /unknown command "evaluate"/],
  ];
  for (const [label, args, message] of cases) {
    it(label, () => {
      const r = run(args());
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.endsWith('\n')).toBe(true);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^fastloss: /);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  // Files read in chunks: a shape the loss refuses is said with the files' shapes (not the chunk's) and names
  // the file; class indices given to Keras's one-hot loss say which losses take them.
  it.each([
    ['whole', {}],
    ['in chunks of 64 elements', { FASTLOSS_CHUNK_ELEMENTS: '64' }],
  ])('a shape refused, read %s: the files\' shapes and names', (_label, env) => {
    const logits = join(FIXTURES, 'ce_logits.npy'); // [300, 7]
    const labels = join(FIXTURES, 'ce_labels_i64.npy'); // [300]
    const r = run(['eval', 'cce', '--pred', logits, '--target', labels], env);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      "fastloss: [SHAPE_MISMATCH] categorical_crossentropy (tensorflow): target (ce_labels_i64.npy): expected one-hot or probability targets of pred's shape [300, 7], received shape [300], pred's shape without its class axis, as class indices have. Did you mean \"sparse_categorical_crossentropy\" (it takes class indices, as does categorical_crossentropy with framework 'pytorch')?\n",
    );
    const m = run(['eval', 'mse', '--pred', logits, '--target', join(FIXTURES, 'pred_f32.npy')], env); // [300, 7] against [257, 5]
    expect(m.stderr).toBe("fastloss: [SHAPE_MISMATCH] mean_squared_error (tensorflow): target (pred_f32.npy): expected pred's shape [300, 7] (or one that differs by a trailing axis of 1), received shape [257, 5].\n");
    // the same rows, another width: read in chunks, the rows of both start with the files' row count
    const wide = write(`wide-${_label.length}.npy`, (() => {
      const b = new Uint8Array(128 + 300 * 8 * 4);
      b.set(npyHeader([300, 8]));
      return b;
    })());
    const w = run(['eval', 'mse', '--pred', logits, '--target', wide], env);
    expect(w.stderr).toBe(`fastloss: [SHAPE_MISMATCH] mean_squared_error (tensorflow): target (${wide.split('/').pop()}): expected pred's shape [300, 7] (or one that differs by a trailing axis of 1), received shape [300, 8].\n`);
  });

  it('int64 values beyond int32 are an error', () => {
    const b = new Uint8Array(128 + 8 * 2);
    b.set(npyHeader([2], '<i8'));
    new BigInt64Array(b.buffer, 128, 2).set([1n, 1n << 40n]);
    const r = run(['eval', 'mse', '--pred', write('big.npy', b), '--target', write('small.json', '[1, 2]')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fastloss: .*big\.npy: int64 value 1099511627776 at element 1 does not fit in int32\n$/);
  });
});

describe('the rest of the command', () => {
  it('no progress bar when stderr is piped (many chunks)', () => {
    const r = run(['eval', 'mse', '--pred', 'pred_f32.npy', '--target', 'target_f32.npy'], { FASTLOSS_CHUNK_ELEMENTS: '5' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/[\r#%]/);
  });

  // script(1) runs the command on a pseudo-terminal: the bar is drawn on stderr, then erased before the value.
  it.skipIf(!existsSync('/usr/bin/script'))('a progress bar on a terminal, erased before the value', () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} eval mse --pred pred_f32.npy --target target_f32.npy`;
    const r = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: FIXTURES, encoding: 'utf8', env: { ...process.env, FASTLOSS_CHUNK_ELEMENTS: '5' }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\r\[[#.]{30}\] +\d+% +\d+ MB\/s/);
    expect(r.stdout).toMatch(/\r {60}\r5\.77706\d*\r?\n$/);
  });

  it('list: every loss, its frameworks, implemented or not, its aliases', () => {
    const r = run(['list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mean_squared_error +tensorflow, pytorch +implemented \(tensorflow, pytorch\) +mse, /m);
    const json = JSON.parse(run(['list', '--json']).stdout) as Array<{ loss: string; implemented: string[]; aliases: string[] }>;
    expect(json.find((l) => l.loss === 'ctc')).toMatchObject({ implemented: ['pytorch'] });
    expect(json.find((l) => l.loss === 'mean_squared_error')!.aliases).toContain('MSELoss');
  });

  it('--help, -h and help print the usage; --version and -v the version', () => {
    for (const args of [['--help'], ['-h'], ['help'], ['eval', '--help']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^usage:\n[^]*fastloss eval <loss> --pred FILE --target FILE/);
    }
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-v']) expect(run([flag])).toEqual({ status: 0, stdout: `fastloss ${version}\n`, stderr: '' });
  });
});
