/**
 * `fastloss eval ctc --shard i/n`: CTC's batch axis is axis 1 of logProbs [T, N, C] (and axis 0 of the lengths and
 * of padded targets [N, S]; concatenated 1-D targets are cut where the lengths say), so its shard of sequences is
 * taken out of the whole inputs here rather than read by rows.
 */

import { CliError, type Chunk } from './files.js';

type Inputs = Record<string, { data: Chunk; shape: number[] }>;

/** The number of sequences: N of logProbs [T, N, C]; 1 for an unbatched call ([T, C]) or a shape CTC refuses. */
export function ctcSequences(inputs: Inputs): number {
  const lp = inputs.logProbs;
  return lp !== undefined && lp.shape.length === 3 ? lp.shape[1]! : 1;
}

const make = (like: Chunk, size: number): Chunk => new (like.constructor as new (n: number) => Chunk)(size);

/** Rows [lo, hi) of a tensor whose axis 0 has n rows. */
function rows(x: { data: Chunk; shape: number[] }, n: number, lo: number, hi: number): { data: Chunk; shape: number[] } {
  const width = n === 0 ? 0 : x.data.length / n;
  const data = make(x.data, (hi - lo) * width);
  data.set(x.data.subarray(lo * width, hi * width));
  return { data, shape: [hi - lo, ...x.shape.slice(1)] };
}

/** Sequences [lo, hi) of batched CTC inputs; anything else (unbatched, or shapes CTC refuses) as it is. */
export function ctcShard(inputs: Inputs, lo: number, hi: number): Inputs {
  const lp = inputs.logProbs;
  if (lp === undefined || lp.shape.length !== 3) return inputs;
  const [T, N, C] = lp.shape as [number, number, number];
  const data = make(lp.data, T * (hi - lo) * C);
  for (let t = 0; t < T; t++) data.set(lp.data.subarray((t * N + lo) * C, (t * N + hi) * C), t * (hi - lo) * C);
  const out: Inputs = { ...inputs, logProbs: { data, shape: [T, hi - lo, C] } };
  const perSequence = (x: { shape: number[] } | undefined) => x !== undefined && x.shape.length >= 1 && x.shape[0] === N;
  for (const name of ['inputLengths', 'targetLengths']) if (perSequence(inputs[name])) out[name] = rows(inputs[name]!, N, lo, hi);
  const targets = inputs.targets;
  const lengths = inputs.targetLengths;
  if (targets !== undefined && targets.shape.length === 2 && perSequence(targets)) out.targets = rows(targets, N, lo, hi);
  else if (targets !== undefined && targets.shape.length === 1 && lengths !== undefined && perSequence(lengths)) {
    // concatenated targets: sequence k's labels start after the lengths of the sequences before it
    let start = 0;
    let end = 0;
    let total = 0;
    for (let k = 0; k < N; k++) {
      const len = lengths.data[k]!;
      if (!(Number.isInteger(len) && len >= 0)) return out; // the loss refuses the length, as it would in the whole file
      if (k < lo) start += len;
      if (k < hi) end += len;
      total += len;
    }
    if (total !== targets.data.length) {
      throw new CliError(`--shard: the 1-D targets hold ${targets.data.length} labels, and targetLengths add up to ${total}: concatenated targets are cut where the lengths say, so the two must agree`);
    }
    out.targets = { data: targets.data.slice(start, end), shape: [end - start] };
  }
  return out;
}
