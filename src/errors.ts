/**
 * LossError: every bad input is reported with a stable code and a message that names the loss, the
 * argument, what was expected and what came (the habit of Keras's standardize_reduction and PyTorch's
 * "Expected … but got …"), ending in `Did you mean "x"?` where a near name exists.
 */

export type LossErrorCode =
  | 'UNKNOWN_LOSS'
  | 'UNSUPPORTED_FRAMEWORK'
  | 'UNKNOWN_OPTION'
  | 'BAD_OPTION'
  | 'MISSING_INPUT'
  | 'UNKNOWN_INPUT'
  | 'SHAPE_MISMATCH'
  | 'BAD_DTYPE'
  | 'LABEL_OUT_OF_RANGE'
  | 'BAD_LENGTHS'
  | 'FREED_TENSOR'
  | 'DETACHED_VIEW'
  /** A worker thread failed or is gone while it held part of a call (src/threads.ts). */
  | 'WORKER_FAILED'
  /** A loss whose part the instance has not loaded (a page's ESM bundle: LoadOptions.losses, fl.load). */
  | 'NOT_LOADED'
  /** A part's code or kernels did not arrive (a page's chunk the server did not send). */
  | 'LOAD_FAILED'
  /** Reserved: a listed loss whose family has not landed (every listed loss is declared with its definitions now). */
  | 'NOT_IMPLEMENTED'
  | 'BAD_STATE';

export interface LossErrorFields {
  code: LossErrorCode;
  /** Canonical loss name, or the name as given when it did not resolve. */
  loss: string;
  /** The argument at fault: an option name, an input name (`pred`, `target[3]`), or `name`. */
  argument: string;
  expected: string;
  received: string;
  /** A near name for the argument's value, shown as `Did you mean "x"?`. */
  suggestion?: string;
  /** Said after the suggestion, in parentheses: another name of the same thing (`"mean_absolute_error" (L1Loss)`). */
  suggestionNote?: string;
}

export class LossError extends Error {
  readonly code: LossErrorCode;
  readonly loss: string;
  readonly argument: string;
  readonly expected: string;
  readonly received: string;
  readonly suggestion: string | undefined;
  readonly suggestionNote: string | undefined;

  constructor(fields: LossErrorFields) {
    const note = fields.suggestionNote === undefined ? '' : ` (${fields.suggestionNote})`;
    const hint = fields.suggestion === undefined ? '' : ` Did you mean "${fields.suggestion}"${note}?`;
    super(
      `[${fields.code}] ${fields.loss}: ${fields.argument}: expected ${fields.expected}, received ${fields.received}.${hint}`,
    );
    this.name = 'LossError';
    this.code = fields.code;
    this.loss = fields.loss;
    this.argument = fields.argument;
    this.expected = fields.expected;
    this.received = fields.received;
    this.suggestion = fields.suggestion;
    this.suggestionNote = fields.suggestionNote;
  }
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive: the
 * typos people make in loss and option names are a dropped, doubled or swapped letter.
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** The candidate nearest to `given`, if it is near enough to be a plausible typo (a third of its length, at least 2). */
export function didYouMean(given: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(given, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(given.length / 3));
  // Distance 0 is a difference of case only ('gradoutput' for 'gradOutput'): worth saying too.
  return best !== given && bestDistance <= limit ? best : undefined;
}

/**
 * A short, readable description of a received value for error messages. A tensor-like object (one with a
 * `data` key) is described by its parts, `{ data: a BigInt64Array of length 2, shape: [2] }`, since what is
 * wrong is nearly always inside it; `depth` stops that at one level.
 */
export function describe(value: unknown, depth = 0): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length;
    const name = value.constructor.name;
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    // A Map, a Set, a Date, a class instance: its class is what tells the reader what went wrong.
    if (proto !== Object.prototype && proto !== null && typeof name === 'string' && name !== '' && name !== 'Object') {
      const size = value instanceof Map || value instanceof Set ? ` of size ${value.size}` : '';
      return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}${size}`;
    }
    const keys = Object.keys(value as object);
    if (depth === 0 && keys.includes('data')) {
      const parts = keys.map((k) => {
        const v = (value as Record<string, unknown>)[k];
        if (k === 'data') return `data: ${describe(v, 1)}`;
        if (k === 'shape') return `shape: ${describeShape(v)}`;
        return k;
      });
      return `{ ${parts.join(', ')} }`;
    }
    return keys.length === 0 ? 'an empty object {}' : `an object with keys {${keys.join(', ')}}`;
  }
  return typeof value;
}

/** A shape as written, `[2, 3]`, when it is a short array; otherwise what it is. */
function describeShape(shape: unknown): string {
  if (!Array.isArray(shape) || shape.length > 8) return describe(shape, 1);
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : describe(d, 1))).join(', ')}]`;
}

/** `a | b | c`, quoted: the expected-values part of a message. */
export function oneOf(values: Iterable<string>): string {
  return `one of ${[...values].map((v) => JSON.stringify(v)).join(' | ')}`;
}
