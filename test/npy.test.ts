/**
 * src/npy.ts on its own: the header grammar np.save writes (versions 1.0, 2.0, 3.0), every bad-file case as an
 * NpyError with a one-line message naming the file, reading rows of each dtype, and the writer's round trip.
 * (Files written by NumPy itself: test/cli.test.ts, test/fixtures/cli.)
 */

import { fstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npyHeader, NpyError, NpyReader, NpyWriter, parseNpyHeader } from '../src/npy.js';

const tmp = mkdtempSync(join(tmpdir(), 'fastloss-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A .npy preamble + header of `dict` (padded to 64 bytes as np.save does), version `major`. */
function head(dict: string, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const text = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (pre === 10) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(new TextEncoder().encode(text), pre);
  return out;
}

const dictOf = (descr: string, shape: string, order = 'False') => `{'descr': '${descr}', 'fortran_order': ${order}, 'shape': ${shape}, }`;

function file(name: string, header: Uint8Array, data: ArrayBufferView): string {
  const path = join(tmp, name);
  const bytes = new Uint8Array(header.length + data.byteLength);
  bytes.set(header);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  writeFileSync(path, bytes);
  return path;
}

const parse = (dict: string, dataBytes: number, major = 1) => {
  const h = head(dict, major);
  return parseNpyHeader(h, h.length + dataBytes, 'x.npy');
};

describe('parseNpyHeader', () => {
  it('reads the four dtypes and every shape form', () => {
    expect(parse(dictOf('<f4', '(3, 4)'), 48)).toMatchObject({ dtype: 'float32', shape: [3, 4], itemSize: 4, size: 12, dataOffset: 128 });
    expect(parse(dictOf('<f8', '(5,)'), 40)).toMatchObject({ dtype: 'float64', shape: [5] });
    expect(parse(dictOf('<i4', '()'), 4)).toMatchObject({ dtype: 'int32', shape: [], size: 1 });
    expect(parse(dictOf('<i8', '(2, 0, 3)'), 0)).toMatchObject({ dtype: 'int64', shape: [2, 0, 3], size: 0 });
    expect(parse(dictOf('<f4', '(2, 3,)'), 24)).toMatchObject({ shape: [2, 3] });
    expect(parse("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", 8)).toMatchObject({ shape: [2] }); // any key order, no trailing comma
    expect(parse(dictOf('<f4', '(2,)'), 8, 2)).toMatchObject({ shape: [2], dataOffset: 128 });
    expect(parse(dictOf('<f4', '(2,)'), 8, 3)).toMatchObject({ shape: [2] });
  });

  it('decodes a version 3.0 header as UTF-8 and older ones as Latin-1, as NumPy does', () => {
    // NumPy writes 3.0 only for a header that needs UTF-8; the same bytes in a 1.0 header are two Latin-1 characters.
    const utf8Head = (major: number) => {
      const pre = major === 1 ? 10 : 12;
      const dict = new TextEncoder().encode(dictOf('<\u00e94', '(2,)'));
      const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
      const out = new Uint8Array(total).fill(0x20);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
      if (pre === 10) new DataView(out.buffer).setUint16(8, total - pre, true);
      else new DataView(out.buffer).setUint32(8, total - pre, true);
      out.set(dict, pre);
      out[total - 1] = 0x0a;
      return out;
    };
    const message = (major: number) => {
      const h = utf8Head(major);
      try {
        parseNpyHeader(h, h.length + 8, 'x.npy');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(3)).toMatch(/^x\.npy: unsupported dtype '<\u00e94' \(read:/);
    expect(message(1)).toMatch(/^x\.npy: unsupported dtype '<\u00c3\u00a94' \(read:/);
  });

  it('tolerates the spacing a hand-written header may have, and reads multi-digit dimensions', () => {
    expect(parse("{'descr' : '<f4','fortran_order':False ,'shape':(12, ) }", 48)).toMatchObject({ dtype: 'float32', shape: [12] });
    expect(parse(dictOf('<f4', '(10, 21)'), 840)).toMatchObject({ shape: [10, 21], size: 210 });
    const e = (() => {
      try {
        parseNpyHeader(new Uint8Array(6), 6);
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(e?.name).toBe('NpyError');
    expect(e?.message.startsWith('file: not a .npy file')).toBe(true); // the default name
  });

  it('a header past 65535 bytes is written as version 2.0 and read back', () => {
    const shape = Array.from({ length: 25000 }, () => 1);
    const h = npyHeader(shape);
    expect([h[6], h[7], h.length % 64]).toEqual([2, 0, 0]);
    expect(new DataView(h.buffer).getUint32(8, true)).toBe(h.length - 12);
    expect(parseNpyHeader(h, h.length + 4, 'big.npy')).toMatchObject({ shape, size: 1, dataOffset: h.length });
    const small = npyHeader([2]);
    expect([small[6], new DataView(small.buffer).getUint16(8, true)]).toEqual([1, small.length - 10]);
  });

  it('matches the header np.save writes, byte for byte (the writer)', () => {
    const h = npyHeader([3, 4]);
    expect(h.length % 64).toBe(0);
    expect(new TextDecoder().decode(h.subarray(10))).toBe(dictOf('<f4', '(3, 4)').padEnd(117, ' ') + '\n');
    expect(new TextDecoder().decode(npyHeader([7]).subarray(10)).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }")).toBe(true);
    expect(parseNpyHeader(npyHeader([]), npyHeader([]).length + 4)).toMatchObject({ shape: [], size: 1 });
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['shorter than the preamble', () => parseNpyHeader(new Uint8Array(6), 6, 'x.npy'), /^x\.npy: not a \.npy file \(6 bytes/],
    ['no magic', () => parseNpyHeader(new Uint8Array(64), 64, 'x.npy'), /no \\x93NUMPY magic/],
    ['an unknown version', () => parse(dictOf('<f4', '(2,)'), 8, 4), /unsupported \.npy format version 4\.0/],
    ['a header length past the end', () => parseNpyHeader(head(dictOf('<f4', '(2,)')), 40, 'x.npy'), /^x\.npy: truncated: the header says it is 118 bytes, the file has 30 after the preamble$/],
    ['float16', () => parse(dictOf('<f2', '(2,)'), 4), /unsupported dtype '<f2'/],
    ['big-endian', () => parse(dictOf('>f8', '(2,)'), 16), /unsupported dtype '>f8'/],
    ['uint8', () => parse(dictOf('|u1', '(2,)'), 2), /unsupported dtype '\|u1'/],
    ['complex', () => parse(dictOf('<c8', '(2,)'), 16), /unsupported dtype '<c8'/],
    ['a structured dtype', () => parse("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8), /malformed \.npy header/],
    ['Fortran order', () => parse(dictOf('<f4', '(2, 3)', 'True'), 24), /Fortran order/],
    ['truncated data', () => parse(dictOf('<f4', '(2, 3)'), 23), /truncated: shape \(2, 3\) of float32 needs 24 bytes of data, the file has 23/],
    ['more data than the header says', () => parse(dictOf('<f4', '(2, 3)'), 28), /the header does not describe the file: shape \(2, 3\) of float32 is 24 bytes of data, the file has 28/],
    ['a missing key', () => parse("{'descr': '<f4', 'shape': (2,), }", 8), /keys descr,shape; expected descr, fortran_order, shape/],
    ['an extra key', () => parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True, }", 8), /malformed \.npy header \(keys/],
    ['a key twice', () => parse("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8), /key 'descr' twice/],
    ['a shape that is not a tuple', () => parse(dictOf('<f4', '(2)'), 8), /shape \(2\) is not a tuple/],
    ['a negative dimension', () => parse("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8), /malformed \.npy header/],
    ['fortran_order not a boolean', () => parse("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", 8), /malformed \.npy header/],
    ['not a dict', () => parse('[1, 2]', 8), /malformed \.npy header \(not a dict\)/],
    ['text before the dict', () => parse(`x${dictOf('<f4', '(2,)')}`, 8), /^x\.npy: malformed \.npy header \(not a dict\)$/],
    ['text after the dict', () => parse(`${dictOf('<f4', '(2,)')}x`, 8), /^x\.npy: malformed \.npy header \(not a dict\)$/],
    ['a file shorter than the preamble, whatever was read', () => parseNpyHeader(head(dictOf('<f4', '(2,)')), 9, 'x.npy'), /^x\.npy: not a \.npy file \(9 bytes: shorter than the \.npy preamble, truncated\?\)$/],
    ['a version 1.1', () => {
      const h = head(dictOf('<f4', '(2,)'));
      h[7] = 1;
      return parseNpyHeader(h, h.length + 8, 'x.npy');
    }, /^x\.npy: unsupported \.npy format version 1\.1 \(1\.0, 2\.0 and 3\.0 are read\)$/],
    ['a header cut inside the preamble of version 2', () => parseNpyHeader(head(dictOf('<f4', '(2,)'), 2).subarray(0, 11), 200, 'x.npy'), /^x\.npy: truncated \.npy header$/],
    ['a header cut before its end', () => parseNpyHeader(head(dictOf('<f4', '(2,)')).subarray(0, 10), 200, 'x.npy'), /^x\.npy: truncated \.npy header$/],
    ['a shape too large to address', () => parse(dictOf('<f4', '(4294967296, 4294967296)'), 8), /^x\.npy: shape \(4294967296, 4294967296\) is too large$/],
    ['descr that is not a string', () => parse("{'descr': True, 'fortran_order': False, 'shape': (2,), }", 8), /^x\.npy: malformed \.npy header \(descr is not a string\)$/],
    ['fortran_order that is a tuple', () => parse("{'descr': '<f4', 'fortran_order': (1,), 'shape': (2,), }", 8), /^x\.npy: malformed \.npy header \(fortran_order is not True or False\)$/],
    ['two numbers in one dimension', () => parse(dictOf('<f4', '(2 3,)'), 8), /^x\.npy: malformed \.npy header \(shape \(2 3,\)\)$/],
    ['an empty dimension', () => parse(dictOf('<f4', '(2,,3)'), 24), /^x\.npy: malformed \.npy header \(shape \(2,,3\)\)$/],
    ['no final newline', () => {
      const h = head(dictOf('<f4', '(2,)'));
      h[h.length - 1] = 0x20;
      return parseNpyHeader(h, h.length + 8, 'x.npy');
    }, /does not end with a newline/],
  ];
  for (const [label, f, message] of bad) {
    it(`rejects ${label} with a one-line NpyError`, () => {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NpyError);
      const m = (error as Error).message;
      expect(m).toMatch(message);
      expect(m).not.toContain('\n');
    });
  }
});

describe('NpyReader', () => {
  it('reads rows of float32 in place and float64 rounded to float32', () => {
    const values = Float64Array.from({ length: 12 }, (_, i) => i / 3);
    const r32 = new NpyReader(file('a32.npy', npyHeader([4, 3]), Float32Array.from(values)));
    const r64 = new NpyReader(file('a64.npy', head(dictOf('<f8', '(4, 3)')), values));
    for (const r of [r32, r64]) {
      expect(r.rows).toBe(4);
      expect(r.rowSize).toBe(3);
      const out = new Float32Array(6);
      r.read(1, 2, out);
      expect(Array.from(out)).toEqual(Array.from(Float32Array.from(values.subarray(3, 9))));
      expect(Array.from(r.readAll())).toEqual(Array.from(Float32Array.from(values)));
      r.close();
    }
  });

  it('reads int32 and int64 into an Int32Array; int64 beyond int32 is an error', () => {
    const r32 = new NpyReader(file('i32.npy', head(dictOf('<i4', '(3,)')), Int32Array.of(-1, 0, 7)));
    expect(Array.from(r32.readAll())).toEqual([-1, 0, 7]);
    expect(r32.readAll()).toBeInstanceOf(Int32Array);
    r32.close();
    const r64 = new NpyReader(file('i64.npy', head(dictOf('<i8', '(3,)')), BigInt64Array.of(-5n, 2147483647n, -2147483648n)));
    expect(Array.from(r64.readAll())).toEqual([-5, 2147483647, -2147483648]);
    r64.close();
    const big = new NpyReader(file('i64big.npy', head(dictOf('<i8', '(2,)')), BigInt64Array.of(0n, 2147483648n)));
    expect(() => big.readAll()).toThrow(/i64big\.npy: int64 value 2147483648 at element 1 does not fit in int32/);
    big.close();
  });

  it('reads no further than the rows asked for, and says where an int64 does not fit', () => {
    const r64 = new NpyReader(file('f64rows.npy', head(dictOf('<f8', '(3, 2)')), Float64Array.of(1, 2, 3, 4, 5, 6)));
    const out = new Float32Array(5).fill(-1);
    r64.read(1, 2, out);
    expect(Array.from(out)).toEqual([3, 4, 5, 6, -1]);
    const again = new Float32Array(3).fill(-1);
    r64.read(2, 1, again); // the staging buffer of the first read is reused
    expect(Array.from(again)).toEqual([5, 6, -1]);
    expect(() => r64.read(0, 3, new Float32Array(5))).toThrow(new Error('NpyReader.read: 5 < 6'));
    expect(() => r64.read(0, 1, new Int32Array(2))).toThrow(new Error('NpyReader.read: float64 into Int32Array'));
    r64.close();
    const i64 = new NpyReader(file('i64rows.npy', head(dictOf('<i8', '(3, 2)')), BigInt64Array.of(1n, 2n, 3n, 4n, -2147483649n, 6n)));
    const ints = new Int32Array(3).fill(-1);
    i64.read(0, 1, ints);
    expect(Array.from(ints)).toEqual([1, 2, -1]);
    expect(() => i64.read(1, 2, new Int32Array(4))).toThrow(/i64rows\.npy: int64 value -2147483649 at element 4 does not fit in int32$/);
    expect(() => i64.read(0, 1, new Float32Array(2))).toThrow(new Error('NpyReader.read: int64 into Float32Array'));
    i64.close();
  });

  it('close() gives the file descriptor back', () => {
    const r = new NpyReader(file('fd.npy', npyHeader([1]), Float32Array.of(1)));
    const fd = (r as unknown as { fd: number }).fd;
    expect(fstatSync(fd).size).toBeGreaterThan(0);
    r.close();
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
  });

  it('a rank-0 array is one row of one element; an empty array reads nothing', () => {
    const r = new NpyReader(file('scalar.npy', npyHeader([]), Float32Array.of(2.5)));
    expect([r.rows, r.rowSize]).toEqual([1, 1]);
    expect(Array.from(r.readAll())).toEqual([2.5]);
    r.close();
    const e = new NpyReader(file('empty.npy', npyHeader([0, 4]), new Float32Array(0)));
    expect([e.rows, e.rowSize, e.readAll().length]).toEqual([0, 4, 0]);
    e.close();
  });

  it('a missing file, and a file truncated after the header was read', () => {
    expect(() => new NpyReader(join(tmp, 'missing.npy'))).toThrow(/missing\.npy: cannot open \(ENOENT\)/);
    const path = file('shrinks.npy', npyHeader([4]), new Float32Array(4));
    const r = new NpyReader(path);
    writeFileSync(path, npyHeader([4])); // cut while open
    expect(() => r.readAll()).toThrow(/shrinks\.npy: truncated \(the file ended while reading\)/);
    r.close();
  });
});

describe('NpyWriter', () => {
  it('writes a float32 file in pieces that reads back', () => {
    const path = join(tmp, 'w.npy');
    const w = new NpyWriter(path, [3, 2]);
    w.append(Float32Array.of(1, 2, 3));
    w.append(Float32Array.of(4, 5, 6));
    w.close();
    const r = new NpyReader(path);
    expect(r.header.shape).toEqual([3, 2]);
    expect(Array.from(r.readAll())).toEqual([1, 2, 3, 4, 5, 6]);
    r.close();
  });

  it('a path it cannot create is an NpyError naming it', () => {
    const path = join(tmp, 'no-such-dir', 'w.npy');
    expect(() => new NpyWriter(path, [2])).toThrow(new NpyError(`${path}: cannot write (ENOENT)`));
  });

  it('refuses more or fewer elements than its shape', () => {
    const w = new NpyWriter(join(tmp, 'w2.npy'), [2]);
    expect(() => w.append(new Float32Array(3))).toThrow(/more than the 2 elements/);
    w.append(new Float32Array(1));
    expect(() => w.close()).toThrow(/1 of 2 elements written/);
  });
});
