/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0: numpy/lib/format.py), read and written in chunks for the
 * `fastloss` command. Read: little-endian float32, float64, int32 and int64 ('<f4', '<f8', '<i4', '<i8'), C
 * order, which is what `np.save` and `torch.Tensor.numpy()` write on every common machine. The header is parsed
 * strictly (the dict np.save writes, nothing else) and checked against the file's size, so a truncated file or
 * a header that lies about its data is reported before any number is read. Written: float32, C order.
 *
 * Errors are NpyError, with a one-line message naming the file.
 */

import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export type NpyDType = 'float32' | 'float64' | 'int32' | 'int64';

const DESCR: Record<string, NpyDType> = { '<f4': 'float32', '<f8': 'float64', '<i4': 'int32', '<i8': 'int64' };
const ITEM_SIZE: Record<NpyDType, number> = { float32: 4, float64: 8, int32: 4, int64: 8 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

export interface NpyHeader {
  readonly dtype: NpyDType;
  readonly shape: readonly number[];
  /** Bytes before the data (magic, version, header length, header). */
  readonly dataOffset: number;
  readonly itemSize: number;
  /** Elements: the product of the shape. */
  readonly size: number;
}

/**
 * Parses the header at the start of `bytes` (at least its first 10 bytes, and all of it when the header is
 * complete). `fileSize`, when given, must be exactly the header plus the data the shape implies.
 */
export function parseNpyHeader(bytes: Uint8Array, fileSize: number, name = 'file'): NpyHeader {
  const fail = (why: string) => new NpyError(`${name}: ${why}`);
  if (bytes.length < 10 || fileSize < 10) throw fail(`not a .npy file (${fileSize} bytes: shorter than the .npy preamble, truncated?)`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0 || (major !== 1 && major !== 2 && major !== 3)) throw fail(`unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`);
  const wide = major >= 2;
  const pre = wide ? 12 : 10;
  if (bytes.length < pre) throw fail('truncated .npy header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const dataOffset = pre + headerLength;
  if (dataOffset > fileSize) throw fail(`truncated: the header says it is ${headerLength} bytes, the file has ${fileSize - pre} after the preamble`);
  if (bytes.length < dataOffset) throw fail('truncated .npy header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(pre, dataOffset));
  const header = parseDict(text, fail);
  const dtype = DESCR[header.descr];
  if (dtype === undefined) {
    throw fail(`unsupported dtype '${header.descr}' (read: float32, float64, int32, int64, little-endian: '<f4', '<f8', '<i4', '<i8')`);
  }
  if (header.fortranOrder) throw fail('Fortran order (fortran_order: True) is not read: save a C-order array (np.ascontiguousarray)');
  const itemSize = ITEM_SIZE[dtype];
  let size = 1;
  for (const d of header.shape) size *= d;
  if (!Number.isSafeInteger(size * itemSize)) throw fail(`shape (${header.shape.join(', ')}) is too large`);
  const expected = dataOffset + size * itemSize;
  if (fileSize < expected) {
    throw fail(`truncated: shape (${header.shape.join(', ')}) of ${dtype} needs ${size * itemSize} bytes of data, the file has ${fileSize - dataOffset}`);
  }
  if (fileSize > expected) {
    throw fail(`the header does not describe the file: shape (${header.shape.join(', ')}) of ${dtype} is ${size * itemSize} bytes of data, the file has ${fileSize - dataOffset}`);
  }
  return { dtype, shape: header.shape, dataOffset, itemSize, size };
}

/** The header dict, exactly as np.save writes it: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
function parseDict(text: string, fail: (why: string) => NpyError): { descr: string; fortranOrder: boolean; shape: number[] } {
  const body = text.replace(/[ \n]+$/, '');
  if (!text.endsWith('\n')) throw fail('malformed .npy header (it does not end with a newline)');
  const m = /^\{(.*)\}$/s.exec(body);
  if (m === null) throw fail('malformed .npy header (not a dict)');
  const entry = /\s*'([a-z_]+)'\s*:\s*('[^']*'|True|False|\([0-9,\s]*\))\s*(,|$)/y;
  const found: Record<string, string> = {};
  const inner = m[1]!;
  entry.lastIndex = 0;
  while (entry.lastIndex < inner.length && inner.slice(entry.lastIndex).trim() !== '') {
    const e = entry.exec(inner);
    if (e === null) throw fail(`malformed .npy header: ${JSON.stringify(text.trim())}`);
    if (Object.hasOwn(found, e[1]!)) throw fail(`malformed .npy header (key '${e[1]}' twice)`);
    found[e[1]!] = e[2]!;
  }
  const keys = Object.keys(found).sort().join(',');
  if (keys !== 'descr,fortran_order,shape') throw fail(`malformed .npy header (keys ${keys || 'none'}; expected descr, fortran_order, shape)`);
  const descr = found.descr!;
  const order = found.fortran_order!;
  const shapeText = found.shape!;
  if (!descr.startsWith("'")) throw fail('malformed .npy header (descr is not a string)');
  if (order !== 'True' && order !== 'False') throw fail('malformed .npy header (fortran_order is not True or False)');
  const dims = shapeText.slice(1, -1).split(',').map((s) => s.trim());
  // (), (n,), (a, b) or (a, b,): a trailing comma only; every other entry an integer
  if (dims.length > 0 && dims[dims.length - 1] === '') dims.pop();
  if (dims.length === 1 && !/,\s*\)$/.test(shapeText)) throw fail(`malformed .npy header (shape ${shapeText} is not a tuple)`);
  const shape = dims.map((d) => {
    if (!/^[0-9]+$/.test(d)) throw fail(`malformed .npy header (shape ${shapeText})`);
    return Number(d);
  });
  return { descr: descr.slice(1, -1), fortranOrder: order === 'True', shape };
}

/** An open .npy file, read by rows (slices along axis 0). */
export class NpyReader {
  readonly header: NpyHeader;
  private readonly fd: number;
  /** Elements per row (the product of the shape after axis 0); 1 for a rank-0 or rank-1 array. */
  readonly rowSize: number;
  readonly rows: number;
  private staging: ArrayBuffer | null = null;

  constructor(readonly path: string) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new NpyError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    this.fd = fd;
    try {
      const fileSize = fstatSync(fd).size;
      const head = new Uint8Array(Math.min(fileSize, 65536 + 12));
      readFully(fd, head, 0, path);
      this.header = parseNpyHeader(head, fileSize, path);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    const shape = this.header.shape;
    this.rows = shape.length === 0 ? 1 : shape[0]!;
    this.rowSize = shape.length <= 1 ? 1 : shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /**
   * Rows [row, row + count) into `out` (count × rowSize elements): float data as float32 (float64 rounded),
   * integer data into an Int32Array (int64 must fit in int32). A Float32Array of a float32 file is filled by
   * the read itself, no copy.
   */
  read(row: number, count: number, out: Float32Array | Int32Array): void {
    const n = count * this.rowSize;
    if (out.length < n) throw new Error(`NpyReader.read: ${out.length} < ${n}`);
    const { dtype, itemSize, dataOffset } = this.header;
    const position = dataOffset + row * this.rowSize * itemSize;
    const floatFile = dtype === 'float32' || dtype === 'float64';
    if ((out instanceof Float32Array) !== floatFile) throw new Error(`NpyReader.read: ${dtype} into ${out.constructor.name}`);
    if (dtype === 'float32' || dtype === 'int32') {
      readFully(this.fd, new Uint8Array(out.buffer, out.byteOffset, n * 4), position, this.path);
      return;
    }
    const bytes = n * 8;
    if (this.staging === null || this.staging.byteLength < bytes) this.staging = new ArrayBuffer(bytes);
    readFully(this.fd, new Uint8Array(this.staging, 0, bytes), position, this.path);
    if (dtype === 'float64') {
      const src = new Float64Array(this.staging, 0, n);
      for (let i = 0; i < n; i++) out[i] = src[i]!;
      return;
    }
    const src = new BigInt64Array(this.staging, 0, n);
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      if (v > 2147483647n || v < -2147483648n) throw new NpyError(`${this.path}: int64 value ${v} at element ${row * this.rowSize + i} does not fit in int32`);
      out[i] = Number(v);
    }
  }

  /** The whole array (Float32Array for float files, Int32Array for integer files). */
  readAll(): Float32Array | Int32Array {
    const float = this.header.dtype === 'float32' || this.header.dtype === 'float64';
    const out = float ? new Float32Array(this.header.size) : new Int32Array(this.header.size);
    if (this.header.size > 0) this.read(0, this.rows, out);
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new NpyError(`${path}: truncated (the file ended while reading)`);
    done += got;
  }
}

/** The .npy header (format 1.0, or 2.0 past 65535 bytes) of a float32 C-order array of `shape`. */
export function npyHeader(shape: readonly number[], descr = '<f4'): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  let pre = 10;
  if (dict.length + 1 + pre > 65535) pre = 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = pre === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (pre === 10) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  return out;
}

/** Writes a float32 .npy file in pieces: the header first (the shape must be known), then the data in order. */
export class NpyWriter {
  private readonly fd: number;
  private written = 0;
  private readonly size: number;

  constructor(
    readonly path: string,
    readonly shape: readonly number[],
  ) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new NpyError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    this.size = shape.reduce((a, b) => a * b, 1);
    writeSync(this.fd, npyHeader(shape));
  }

  append(values: Float32Array): void {
    if (this.written + values.length > this.size) throw new Error(`NpyWriter: more than the ${this.size} elements of the shape`);
    writeSync(this.fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.written += values.length;
  }

  close(): void {
    closeSync(this.fd);
    if (this.written !== this.size) throw new Error(`NpyWriter: ${this.written} of ${this.size} elements written`);
  }
}
