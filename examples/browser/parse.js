// Reading predictions and labels from the bytes of a file: .npy (NumPy, C order; float32, float64, int32,
// int64), .json (nested arrays, { data, shape }, or an object of named arrays) and .csv (numbers, an optional
// header row). Each reader returns named tensors { name: { data, shape } } or throws a FileError whose message
// is shown on the page as it is. Shared by the worker (files) and the page (the example sets).

export class FileError extends Error {
  constructor(file, message) {
    super(`${file}: ${message}`);
    this.name = 'FileError';
  }
}

const NPY_DTYPES = {
  '<f4': { make: (b) => new Float32Array(b), size: 4 },
  '<f8': { make: (b) => new Float64Array(b), size: 8 },
  '<i4': { make: (b) => new Int32Array(b), size: 4 },
  '<i8': { make: (b) => int64ToInt32(new BigInt64Array(b)), size: 8 },
  // little-endian machines write '<'; '|' marks one-byte types, '=' native order
  '=f4': { make: (b) => new Float32Array(b), size: 4 },
  '=f8': { make: (b) => new Float64Array(b), size: 8 },
  '=i4': { make: (b) => new Int32Array(b), size: 4 },
  '=i8': { make: (b) => int64ToInt32(new BigInt64Array(b)), size: 8 },
};

/** int64 labels as int32 (class indices, lengths): a value outside int32 is an error, not a silent wrap. */
function int64ToInt32(big) {
  const out = new Int32Array(big.length);
  for (let i = 0; i < big.length; i++) {
    const v = big[i];
    if (v > 2147483647n || v < -2147483648n) throw new RangeError(`int64 value ${v} at index ${i} does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

/** A NumPy .npy file (format versions 1, 2 and 3). */
export function parseNpy(file, buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) {
    throw new FileError(file, 'not a .npy file (it does not start with "\\x93NUMPY")');
  }
  const major = bytes[6];
  const view = new DataView(buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new FileError(file, 'the .npy header is cut short');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new FileError(file, `unreadable .npy header: ${header.trim()}`);
  }
  if (fortran === 'True') throw new FileError(file, 'the array is in Fortran order; save it in C order (np.ascontiguousarray) and load it again');
  const dtype = NPY_DTYPES[descr];
  if (dtype === undefined) {
    throw new FileError(file, `dtype ${descr} is not supported: use float32 (<f4), float64 (<f8), int32 (<i4) or int64 (<i8), little-endian`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart < size * dtype.size) {
    throw new FileError(file, `the header promises ${size} values of ${descr} (shape [${shape}]), the file holds ${Math.floor((bytes.length - dataStart) / dtype.size)}`);
  }
  // a copy: the data need not be aligned for a typed-array view of the file's buffer
  let data;
  try {
    data = dtype.make(buffer.slice(dataStart, dataStart + size * dtype.size));
  } catch (e) {
    throw new FileError(file, e.message);
  }
  return { [baseName(file)]: { data, shape } };
}

/**
 * CSV: one row per line, numbers separated by commas (or semicolons or tabs); a first line that is not all
 * numbers is a header (its names are the columns'). One column gives shape [rows], more [rows, columns].
 */
export function parseCsv(file, text, progress = () => {}) {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new FileError(file, 'the file is empty');
  const sep = /[,;\t]/.exec(lines[0])?.[0] ?? ',';
  let first = 0;
  const head = lines[0].split(sep);
  if (head.some((cell) => cell.trim() !== '' && Number.isNaN(Number(cell)))) first = 1;
  const rows = lines.length - first;
  if (rows === 0) throw new FileError(file, 'there is a header but no rows of numbers');
  const cols = lines[first].split(sep).length;
  const data = new Float64Array(rows * cols);
  let k = 0;
  for (let r = first; r < lines.length; r++) {
    const cells = lines[r].split(sep);
    if (cells.length !== cols) {
      throw new FileError(file, `line ${r + 1} has ${cells.length} values, line ${first + 1} has ${cols}`);
    }
    for (let c = 0; c < cols; c++) {
      const cell = cells[c].trim();
      const v = cell === '' ? NaN : Number(cell);
      if (Number.isNaN(v) && !/^nan$/i.test(cell)) {
        throw new FileError(file, `line ${r + 1}, column ${c + 1}: "${cell.slice(0, 40)}" is not a number`);
      }
      data[k++] = v;
    }
    if ((r & 0xffff) === 0) progress(r / lines.length);
  }
  return { [baseName(file)]: { data, shape: cols === 1 ? [rows] : [rows, cols] } };
}

/**
 * JSON: a (nested) array of numbers, a { data, shape } tensor, or an object whose array-valued fields are
 * tensors by name (the example sets in data/: pred and target, logits and labels).
 */
export function parseJson(file, text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FileError(file, `not valid JSON (${e.message})`);
  }
  return jsonTensors(file, value);
}

export function jsonTensors(file, value) {
  if (Array.isArray(value)) return { [baseName(file)]: nested(file, value, baseName(file)) };
  if (value === null || typeof value !== 'object') throw new FileError(file, `expected an array of numbers or an object of arrays, found ${typeof value}`);
  if (Array.isArray(value.data) && Array.isArray(value.shape)) return { [baseName(file)]: shaped(file, value, baseName(file)) };
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length > 0 && (typeof v[0] === 'number' || Array.isArray(v[0]))) out[key] = nested(file, v, key);
    else if (v !== null && typeof v === 'object' && Array.isArray(v.data) && Array.isArray(v.shape)) out[key] = shaped(file, v, key);
  }
  if (Object.keys(out).length === 0) throw new FileError(file, 'found no arrays of numbers in the JSON object');
  return out;
}

function shaped(file, t, name) {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) throw new FileError(file, `"${name}": shape [${t.shape}] needs ${size} values, data has ${t.data.length}`);
  return { data: toNumbers(file, t.data, name), shape: t.shape.slice() };
}

function nested(file, array, name) {
  const shape = [];
  for (let a = array; Array.isArray(a); a = a[0]) shape.push(a.length);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let k = 0;
  const walk = (a, depth, where) => {
    if (depth === shape.length) {
      const v = typeof a === 'number' ? a : a === 'NaN' ? NaN : a === 'Infinity' ? Infinity : a === '-Infinity' ? -Infinity : undefined;
      if (v === undefined) throw new FileError(file, `"${name}"${where}: ${JSON.stringify(a)?.slice(0, 40)} is not a number`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(a) || a.length !== shape[depth]) {
      throw new FileError(file, `"${name}"${where}: rows of different lengths (expected ${shape[depth]} values here, as in the first row)`);
    }
    for (let i = 0; i < a.length; i++) walk(a[i], depth + 1, `${where}[${i}]`);
  };
  walk(array, 0, '');
  return { data, shape };
}

function toNumbers(file, list, name) {
  const data = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    const v = typeof a === 'number' ? a : a === 'NaN' ? NaN : a === 'Infinity' ? Infinity : a === '-Infinity' ? -Infinity : undefined;
    if (v === undefined) throw new FileError(file, `"${name}"[${i}]: ${JSON.stringify(a)?.slice(0, 40)} is not a number`);
    data[i] = v;
  }
  return data;
}

export function baseName(file) {
  return file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
}

/** Reads one file's bytes by its extension. */
export function parseFile(file, buffer, progress) {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'npy') return parseNpy(file, buffer);
  if (ext === 'json' || ext === 'csv') {
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    } catch {
      throw new FileError(file, 'not UTF-8 text (is it a binary file with the wrong extension?)');
    }
    return ext === 'json' ? parseJson(file, text) : parseCsv(file, text, progress);
  }
  throw new FileError(file, `unknown file type ".${ext ?? ''}": load .npy, .json or .csv`);
}
