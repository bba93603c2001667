/**
 * `fastloss eval --merge STATE... [--json] [--out FILE]`: the states that `fastloss eval ... --shard i/n` printed,
 * merged in the order given (for reduction 'none' that is the order of the values: give the shards in order;
 * a scalar reduction gives the same bits in any order), and the value printed as `fastloss eval` prints it.
 * The loss, framework and options come from the states (fl.accumulator(state)); a file that is not a state of
 * the same loss and options is one line on stderr, naming the file.
 */

import { readFileSync } from 'node:fs';
import { LossError, type Accumulator, type FastLoss, type OutputTensor } from '../index.js';
import { resolveName } from '../registry.js';
import { formatNumber, jsonNumber } from './eval.js';
import { checkOutPath, CliError, openSink } from './files.js';

export interface MergeArgs {
  files: readonly string[];
  out: string | undefined;
  json: boolean;
}

export function runMerge(fl: FastLoss, args: MergeArgs, write: (line: string) => void): void {
  if (args.files.length === 0) throw new CliError('fastloss eval --merge: expected the state files to merge (fastloss eval ... --shard i/n > FILE writes one)');
  if (args.out !== undefined) checkOutPath(args.out);
  let acc: Accumulator | null = null;
  for (const file of args.files) {
    const state = readState(file);
    try {
      acc = acc === null ? fl.accumulator(state as never) : acc.merge(state as never);
    } catch (e) {
      if (e instanceof LossError) throw new CliError(`${file}: ${e.message}`);
      throw e;
    }
  }
  const first = acc!.state();
  const header = { loss: first.loss, framework: first.framework, reduction: first.reduction };
  if (first.mode === 'reduce') {
    if (args.out !== undefined) throw new CliError(`--out writes per-sample losses: the states are of reduction '${first.reduction}' (evaluate the shards with --reduction none)`);
    const value = acc!.result() as number;
    write(args.json ? JSON.stringify({ ...header, value: jsonNumber(value) }) : formatNumber(value));
    return;
  }
  const values = acc!.result() as OutputTensor;
  if (args.out !== undefined) {
    const sink = openSink(args.out, values.shape);
    sink.append(values.data);
    sink.close();
    if (args.json) write(JSON.stringify({ ...header, value: null, out: args.out, shape: values.shape }));
    else write(`wrote ${values.data.length} per-sample losses, shape [${values.shape.join(', ')}], to ${args.out}`);
  } else if (args.json) {
    write(JSON.stringify({ ...header, value: Array.from(values.data, jsonNumber), shape: values.shape }));
  } else {
    const width = values.shape.slice(1).reduce((a, b) => a * b, 1);
    const lines: string[] = [];
    for (let i = 0; i < values.data.length; i += width) lines.push(Array.from(values.data.subarray(i, i + width), formatNumber).join(','));
    if (lines.length > 0) write(lines.join('\n'));
  }
}

function readState(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new CliError(`${file}: cannot open (${code})${code === 'ENOENT' && isLossName(file) ? ': --merge takes only state files (each names its loss)' : ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${(e as Error).message}): expected a state that fastloss eval --shard printed`);
  }
}

function isLossName(text: string): boolean {
  try {
    resolveName(text);
    return true;
  } catch {
    return false;
  }
}
