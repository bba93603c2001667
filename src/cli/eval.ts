/**
 * `fastloss eval <loss> --pred FILE --target FILE [--input name=FILE ...] [--framework F] [--reduction R]
 * [--option key=value ...] [--out FILE] [--json] [--shard i/n]`: a loss over files. Inputs batched along axis 0
 * (every loss but CTC, whose logProbs are [T, N, C]) are read in chunks of rows, so memory stays bounded whatever
 * the file size: a scalar reduction through loss.accumulator(), 'none' chunk by chunk into --out.
 *
 * `--shard i/n` evaluates rows [floor(i·R/n), floor((i+1)·R/n)) of the R rows (CTC: sequences) and prints the
 * accumulator's state as JSON, for `fastloss eval --merge` (./merge.ts) to combine.
 */

import { basename } from 'node:path';
import { LossError, type FastLoss, type Loss, type OutputTensor } from '../index.js';
import { IMPLEMENTATIONS } from '../registry.js';
import { ctcSequences, ctcShard } from './ctc-shard.js';
import { checkOutPath, CliError, openSink, openSource, type Chunk, type Sink, type Source } from './files.js';

export interface EvalArgs {
  loss: string;
  files: Record<string, string>;
  framework: string | undefined;
  reduction: string | undefined;
  options: Record<string, unknown>;
  out: string | undefined;
  json: boolean;
  /** `--shard i/n`: this shard's rows only, and its state printed instead of the value. */
  shard?: Shard | undefined;
}

/** Shard `index` of `count` (`--shard i/n`, 0 <= i < n). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index < count)) {
    throw new CliError(`--shard ${text}: expected i/n, shard i (from 0) of n, with 0 <= i < n (--shard 0/4 ... --shard 3/4)`);
  }
  return { index, count };
}

/** The rows of a shard: [floor(i·R/n), floor((i+1)·R/n)), so the n shards cover the R rows once, in order. */
export function shardRows(rows: number, shard: Shard): [number, number] {
  return [Math.floor((shard.index * rows) / shard.count), Math.floor(((shard.index + 1) * rows) / shard.count)];
}

/** Elements of the widest input per chunk: 4 MiB of float32 (FASTLOSS_CHUNK_ELEMENTS overrides it, for tests). */
const CHUNK_ELEMENTS = Number(process.env.FASTLOSS_CHUNK_ELEMENTS) > 0 ? Math.floor(Number(process.env.FASTLOSS_CHUNK_ELEMENTS)) : 1 << 20;

/** `key=value`: the value as JSON when it parses (numbers, true/false, arrays), else the string. */
export function parseOption(text: string, flag: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliError(`${flag} ${text}: expected key=value`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    return [key, raw];
  }
}

export function runEval(fl: FastLoss, args: EvalArgs, write: (line: string) => void): void {
  const options: Record<string, unknown> = { ...args.options };
  if (args.framework !== undefined) options.framework = args.framework;
  if (args.reduction !== undefined) options.reduction = args.reduction;
  const loss: Loss = fl.loss(args.loss, options);
  const def = IMPLEMENTATIONS[loss.name]![loss.framework]!;
  const known = [...def.inputs, ...def.optionalInputs];
  for (const name of Object.keys(args.files)) {
    if (!known.includes(name)) {
      throw new CliError(`${loss.name} (${loss.framework}) has no input "${name}": its inputs are ${known.join(', ')} (--pred and --target, or --input name=FILE)`);
    }
  }
  const missing = def.inputs.filter((n) => args.files[n] === undefined);
  if (missing.length > 0) {
    const flags = missing.map((n) => (n === 'pred' || n === 'target' ? `--${n} FILE` : `--input ${n}=FILE`));
    throw new CliError(`${loss.name} (${loss.framework}) needs ${flags.join(', ')}`);
  }
  const reduction = loss.options.reduction as string;
  if (args.shard !== undefined && args.out !== undefined) {
    throw new CliError('--shard prints the shard\'s state (JSON) on stdout; --out goes with the merge: fastloss eval --merge STATES... --out FILE');
  }
  if (args.out !== undefined) {
    if (reduction !== 'none') throw new CliError(`--out writes per-sample losses: give --reduction none (the reduction is '${reduction}')`);
    checkOutPath(args.out);
  }

  const sources: Source[] = [];
  try {
    // Chunk rows: CHUNK_ELEMENTS of the widest input (its row size is known once every file is open).
    for (const [name, path] of Object.entries(args.files)) sources.push(openSource(name, path, 1));
    const widest = Math.max(1, ...sources.map((s) => s.rowSize));
    const chunkRows = Math.max(1, Math.floor(CHUNK_ELEMENTS / widest));
    const rows = sources[0]!.rows;
    const pred = sources.find((s) => s.input === 'pred');
    const keras = loss.framework === 'tensorflow';
    const chunked =
      loss.name !== 'ctc' &&
      rows > 0 &&
      sources.every((s) => s.shape.length >= 1 && s.rows === rows) &&
      // Keras reads a rank-1 pred as one sample: its 'none' value and its sample weight need the whole axis.
      !(keras && pred !== undefined && pred.shape.length === 1 && (reduction === 'none' || args.files.sampleWeight !== undefined));
    const step = chunked ? chunkRows : rows;
    const progress = new Progress(sources.reduce((a, s) => a + s.bytes, 0));

    const batch = (at: number, count: number, slices = chunked): Record<string, { data: Chunk; shape: number[] }> => {
      const inputs: Record<string, { data: Chunk; shape: number[] }> = {};
      for (const s of sources) {
        const whole = !slices;
        const data = s.read(whole ? 0 : at, whole ? s.rows : count);
        inputs[s.input] = { data, shape: whole ? [...s.shape] : [count, ...s.shape.slice(1)] };
      }
      return inputs;
    };
    // The loss checks each chunk; a shape it refuses is reported with the files' shapes, not the chunk's.
    const call: Call = (at, count, f, slices = chunked) => {
      try {
        return f(batch(at, count, slices));
      } catch (e) {
        throw e instanceof LossError && e.code === 'SHAPE_MISMATCH' ? inFileTerms(e, sources, slices ? count : null) : e;
      }
    };

    if (args.shard !== undefined) {
      write(JSON.stringify(shardState(loss, sources, args.shard, chunkRows, call, progress)));
      return;
    }

    let value: number | OutputTensor | null = null;
    const header = { loss: loss.name, framework: loss.framework, reduction };
    if (reduction !== 'none') {
      const acc = loss.accumulator();
      for (let at = 0; at < rows || at === 0; at += step) {
        const count = Math.min(step, rows - at);
        call(at, count, (inputs) => acc.update(inputs));
        progress.advance(count / Math.max(rows, 1));
        if (!chunked) break;
      }
      value = acc.result() as number;
      progress.done();
      write(args.json ? JSON.stringify({ ...header, value: jsonNumber(value) }) : formatNumber(value));
      return;
    }

    // 'none': chunk by chunk into --out (or stdout)
    let sink: Sink | null = null;
    let shape: number[] = [];
    const kept: Float32Array[] = [];
    for (let at = 0; at < rows || at === 0; at += step) {
      const count = Math.min(step, rows - at);
      const out = call(at, count, (inputs) => loss(inputs) as OutputTensor);
      if (sink === null && args.out !== undefined) {
        shape = chunked ? [rows, ...out.shape.slice(1)] : [...out.shape];
        sink = openSink(args.out, shape);
      }
      if (args.out === undefined) {
        shape = chunked ? [rows, ...out.shape.slice(1)] : [...out.shape];
        if (args.json) kept.push(out.data);
        else {
          const width = out.shape.length <= 1 ? 1 : out.shape.slice(1).reduce((a, b) => a * b, 1);
          const lines: string[] = [];
          for (let i = 0; i < out.data.length; i += width) lines.push(Array.from(out.data.subarray(i, i + width), formatNumber).join(','));
          if (lines.length > 0) write(lines.join('\n'));
        }
      } else sink!.append(out.data);
      progress.advance(count / Math.max(rows, 1));
      if (!chunked) break;
    }
    sink?.close();
    progress.done();
    if (args.out !== undefined) {
      if (args.json) write(JSON.stringify({ ...header, value: null, out: args.out, shape }));
      else write(`wrote ${shape.reduce((a, b) => a * b, 1)} per-sample losses, shape [${shape.join(', ')}], to ${args.out}`);
    } else if (args.json) {
      write(JSON.stringify({ ...header, value: kept.flatMap((d) => Array.from(d, jsonNumber)), shape }));
    }
  } finally {
    for (const s of sources) s.close();
  }
}

type Inputs = Record<string, { data: Chunk; shape: number[] }>;
/** Calls f on rows [at, at + count) of every input (or the whole files, `slices` false), in the files' terms. */
type Call = <T>(at: number, count: number, f: (inputs: Inputs) => T, slices?: boolean) => T;

/**
 * `--shard i/n`: the shard's rows through an accumulator, in chunks, and its state. An empty shard is one empty
 * batch (its state then has the item shape, as the other shards' have). CTC's batch axis is axis 1 of logProbs:
 * its files are read whole and the shard's sequences taken out (./ctc-shard.ts).
 */
function shardState(loss: Loss, sources: readonly Source[], shard: Shard, chunkRows: number, call: Call, progress: Progress): unknown {
  const acc = loss.accumulator();
  if (loss.name === 'ctc') {
    call(0, 0, (inputs) => {
      const [lo, hi] = shardRows(ctcSequences(inputs), shard);
      // an unbatched call ([T, C]) is one sequence, all or nothing; a batched shard may be empty ([T, 0, C])
      if (inputs.logProbs?.shape.length === 3 || hi > lo) acc.update(ctcShard(inputs, lo, hi));
    }, false);
    progress.done();
    return acc.state();
  }
  const rows = sources[0]!.rows;
  if (!sources.every((s) => s.shape.length >= 1 && s.rows === rows)) {
    throw new CliError(`--shard splits the inputs' rows (axis 0), which must be as many in every file: ${sources.map((s) => `${s.input} ${basename(s.path)} has ${s.shape.length === 0 ? 'no axis 0' : s.rows}`).join(', ')}`);
  }
  const [lo, hi] = shardRows(rows, shard);
  for (let at = lo; ; ) {
    const count = Math.min(chunkRows, hi - at);
    call(at, count, (inputs) => acc.update(inputs), true);
    progress.advance(count / Math.max(hi - lo, 1));
    at += count;
    if (at >= hi) break;
  }
  progress.done();
  return acc.state();
}

/**
 * A shape the loss refused, said of the files: the argument names its file (`target (labels.npy)`), and a chunk's
 * shapes, which start with the chunk's row count, start with the files' row count instead (every file read in
 * chunks has that many rows), so the message reads as the whole files would have been refused. And where the
 * target has pred's shape less its last axis, as class indices do, it says which losses take those.
 */
function inFileTerms(e: LossError, sources: readonly Source[], chunkRows: number | null): LossError {
  const rows = sources[0]!.rows;
  const files = (text: string): string => (chunkRows === null ? text : text.replace(new RegExp(`\\[${chunkRows}(?=[,\\]])`, 'g'), `[${rows}`));
  const source = sources.find((s) => s.input === e.argument);
  return new LossError({
    code: e.code,
    loss: e.loss,
    argument: source === undefined ? e.argument : `${e.argument} (${basename(source.path)})`,
    expected: files(e.expected),
    received: files(e.received),
    ...(e.suggestion === undefined ? {} : { suggestion: e.suggestion }),
    ...(e.suggestionNote === undefined ? {} : { suggestionNote: e.suggestionNote }),
  });
}

/** Shortest round-trip text of a number (NaN, Infinity as words). */
export function formatNumber(x: number): string {
  return String(x);
}

/** JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity". */
export function jsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** Where the bar is drawn, and the clock it reads (a test gives a fake one of each). */
export interface ProgressTerminal {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A progress bar on stderr, only when stderr is a terminal: drawn at the first step, then at most 10 times a
 * second, and erased before the value is printed. (It once waited until 100 ms after the *process* started,
 * so a run shorter than that drew nothing.)
 */
export class Progress {
  private readonly tty: boolean;
  private fraction = 0;
  private last = -Infinity;
  private readonly start: number;
  private drawn = false;

  constructor(
    private readonly bytes: number,
    private readonly out: ProgressTerminal = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tty = out.isTTY === true;
    this.start = now();
  }

  advance(part: number): void {
    this.fraction = Math.min(1, this.fraction + part);
    if (!this.tty) return;
    const now = this.now();
    if (now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = Math.round(this.fraction * width);
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? (this.fraction * this.bytes) / 1e6 / seconds : 0;
    this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(this.fraction * 100).toFixed(0).padStart(3)}%  ${rate.toFixed(0)} MB/s `);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r' + ' '.repeat(60) + '\r');
  }
}
