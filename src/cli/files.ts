/**
 * The input and output files of `fastloss eval`: .npy (src/npy.ts, read by rows in chunks), .json and .csv
 * (read whole). Every problem with a file is a CliError with a one-line message naming the file.
 */

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { NpyError, NpyReader, NpyWriter } from '../npy.js';

/** A problem the user can fix (a file, an argument): one line on stderr, exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type Chunk = Float32Array | Int32Array | Float64Array;

/** One input file, read by rows (slices along axis 0). */
export interface Source {
  readonly input: string;
  readonly path: string;
  readonly shape: readonly number[];
  /** Size of axis 0 (1 for a rank-0 array). */
  readonly rows: number;
  /** Elements per row. */
  readonly rowSize: number;
  /** File bytes of data (for throughput and the progress bar). */
  readonly bytes: number;
  /** Rows [row, row + count), in a buffer that the next call reuses. */
  read(row: number, count: number): Chunk;
  close(): void;
}

export function openSource(input: string, path: string, chunkRows: number): Source {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return npySource(input, path, chunkRows);
  if (ext === '.json' || ext === '.csv') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new CliError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const { data, shape } = ext === '.json' ? parseJson(text, path) : parseCsv(text, path);
    return arraySource(input, path, data, shape);
  }
  throw new CliError(`${path}: unknown file type "${ext}" (read: .npy, .json, .csv)`);
}

function npySource(input: string, path: string, chunkRows: number): Source {
  let reader: NpyReader;
  try {
    reader = new NpyReader(path);
  } catch (e) {
    if (e instanceof NpyError) throw new CliError(e.message);
    throw e;
  }
  const { dtype, shape, size, itemSize } = reader.header;
  const float = dtype === 'float32' || dtype === 'float64';
  let buffer: Float32Array | Int32Array | null = null;
  return {
    input,
    path,
    shape,
    rows: reader.rows,
    rowSize: reader.rowSize,
    bytes: size * itemSize,
    read(row, count) {
      const n = count * reader.rowSize;
      if (buffer === null || buffer.length < n) {
        const want = Math.max(n, Math.min(chunkRows, reader.rows) * reader.rowSize);
        buffer = float ? new Float32Array(want) : new Int32Array(want);
      }
      const out = buffer.subarray(0, n);
      try {
        reader.read(row, count, out);
      } catch (e) {
        if (e instanceof NpyError) throw new CliError(e.message);
        throw e;
      }
      return out;
    },
    close: () => reader.close(),
  };
}

function arraySource(input: string, path: string, data: Float64Array, shape: number[]): Source {
  const rowSize = shape.length <= 1 ? 1 : shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    input,
    path,
    shape,
    rows: shape.length === 0 ? 1 : shape[0]!,
    rowSize,
    bytes: data.length * 8,
    read: (row, count) => data.subarray(row * rowSize, (row + count) * rowSize),
    close() {},
  };
}

/** A nested array of numbers (rectangular), a number, or `{ "data": [...], "shape": [...] }`. */
export function parseJson(text: string, path: string): { data: Float64Array; shape: number[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { data, shape } = value as { data?: unknown; shape?: unknown };
    if (!Array.isArray(data) || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new CliError(`${path}: expected a nested array of numbers or { "data": [numbers], "shape": [integers] }`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new CliError(`${path}: shape mismatch: "shape" [${shape.join(', ')}] has ${size} elements, "data" has ${data.length}`);
    const out = new Float64Array(size);
    data.forEach((v, i) => (out[i] = number(v, path, `data[${i}]`)));
    return { data: out, shape: shape as number[] };
  }
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  const walk = (v: unknown, depth: number, where: string): void => {
    if (depth === shape.length) {
      out[at++] = number(v, path, where);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new CliError(`${path}: shape mismatch: ${where || 'the array'} is not an array of ${shape[depth]} (the array is ragged)`);
    }
    v.forEach((x, i) => walk(x, depth + 1, `${where}[${i}]`));
  };
  walk(value, 0, '');
  return { data: out, shape };
}

function number(v: unknown, path: string, where: string): number {
  if (typeof v !== 'number') throw new CliError(`${path}: ${where || 'the value'} is not a number (${JSON.stringify(v)?.slice(0, 40)})`);
  return v;
}

/** Rows of comma-separated numbers (an optional header line is skipped; nan, inf, -inf accepted). */
export function parseCsv(text: string, path: string): { data: Float64Array; shape: number[] } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  lines.forEach((line, i) => {
    const fields = line.split(',').map((f) => f.trim());
    const parsed = fields.map(csvNumber);
    if (parsed.some((v) => v === undefined)) {
      if (i === 0 && rows === 0) return; // a header
      const bad = fields[parsed.findIndex((v) => v === undefined)];
      throw new CliError(`${path}: line ${i + 1}: "${bad}" is not a number`);
    }
    if (cols === -1) cols = fields.length;
    else if (fields.length !== cols) throw new CliError(`${path}: shape mismatch: line ${i + 1} has ${fields.length} values, the first row ${cols}`);
    for (const v of parsed) values.push(v!);
    rows++;
  });
  return { data: Float64Array.from(values), shape: cols <= 1 ? [rows] : [rows, cols] };
}

function csvNumber(field: string): number | undefined {
  const lower = field.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (field === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(field)) return undefined;
  return Number(field);
}

/** Where per-sample losses go: a float32 .npy, or a .csv of one row per item. */
export interface Sink {
  append(values: Float32Array): void;
  close(): void;
}

export function checkOutPath(path: string): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.npy' && ext !== '.csv') throw new CliError(`${path}: unknown output type "${ext}" (written: .npy, .csv)`);
}

export function openSink(path: string, shape: readonly number[]): Sink {
  if (extname(path).toLowerCase() === '.npy') {
    try {
      return new NpyWriter(path, shape);
    } catch (e) {
      if (e instanceof NpyError) throw new CliError(e.message);
      throw e;
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new CliError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const width = shape.length <= 1 ? 1 : shape.slice(1).reduce((a, b) => a * b, 1);
  let pending: number[] = [];
  return {
    append(values) {
      let text = '';
      for (const v of values) {
        pending.push(v);
        if (pending.length === width) {
          text += pending.join(',') + '\n';
          pending = [];
        }
      }
      writeSync(fd, text);
    },
    close() {
      closeSync(fd);
    },
  };
}
