/**
 * `fastloss eval <loss> --pred FILE --target FILE [--input name=FILE ...] [--framework F] [--reduction R]
 * [--option key=value ...] [--out FILE] [--json]`: a loss over files. Inputs batched along axis 0 (every loss but
 * CTC, whose logProbs are [T, N, C]) are read in chunks of rows, so memory stays bounded whatever the file size:
 * a scalar reduction through loss.accumulator(), 'none' chunk by chunk into --out.
 */

import { basename } from 'node:path';
import { LossError, type FastLoss, type Loss, type OutputTensor } from '../index.js';
import { IMPLEMENTATIONS } from '../registry.js';
import { checkOutPath, CliError, openSink, openSource, type Chunk, type Sink, type Source } from './files.js';

export interface EvalArgs {
  loss: string;
  files: Record<string, string>;
  framework: string | undefined;
  reduction: string | undefined;
  options: Record<string, unknown>;
  out: string | undefined;
  json: boolean;
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

    const batch = (at: number, count: number): Record<string, { data: Chunk; shape: number[] }> => {
      const inputs: Record<string, { data: Chunk; shape: number[] }> = {};
      for (const s of sources) {
        const whole = !chunked;
        const data = s.read(whole ? 0 : at, whole ? s.rows : count);
        inputs[s.input] = { data, shape: whole ? [...s.shape] : [count, ...s.shape.slice(1)] };
      }
      return inputs;
    };
    // The loss checks each chunk; a shape it refuses is reported with the files' shapes, not the chunk's.
    const call = <T>(at: number, count: number, f: (inputs: Record<string, { data: Chunk; shape: number[] }>) => T): T => {
      try {
        return f(batch(at, count));
      } catch (e) {
        throw e instanceof LossError && e.code === 'SHAPE_MISMATCH' ? inFileTerms(e, sources, chunked ? count : null) : e;
      }
    };

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
function jsonNumber(x: number): number | string {
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
