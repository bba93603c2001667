// The perplexity of a language model's logits, as PyTorch's CrossEntropyLoss computes it (and Hugging Face's
// causal-LM loss with it): token negative log-likelihoods ('none'), their mean over the tokens that are not
// padding (ignoreIndex), and exp of that mean.
//
//   node examples/perplexity.mjs logits.npy ids.npy [--shift] [--ignore-index -100]
//
// logits.npy: float32 or float64, [T, V] or [B, T, V] (V the vocabulary: 32,000 for Llama 2, 50,257 for GPT-2,
// 151,936 for Qwen 2). ids.npy: int32 or int64 token ids, [T] or [B, T] (numpy.save(..., ids) of a tokenizer's
// output). logits[t] scores ids[t]; --shift scores logits[t] against ids[t + 1] instead, for a causal model's
// logits of its own input ids (what model(input_ids).logits gives). Tokens equal to --ignore-index (default
// -100, PyTorch's) are padding: no loss, not counted.

import { readFileSync } from 'node:fs';
import { loadLosses } from 'fastloss';
import { parseNpy } from './browser/parse.js';

const args = process.argv.slice(2);
const flag = (name) => args.indexOf(name);
const shift = flag('--shift') >= 0;
const ignoreIndex = flag('--ignore-index') >= 0 ? Number(args[flag('--ignore-index') + 1]) : -100;
const [logitsFile, idsFile] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--ignore-index');
if (idsFile === undefined) {
  console.error('usage: node examples/perplexity.mjs logits.npy ids.npy [--shift] [--ignore-index -100]');
  process.exit(2);
}

const read = (file) => {
  const bytes = readFileSync(file); // a small file's Buffer is a view of a shared pool: its own bytes only
  return Object.values(parseNpy(file, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)))[0];
};
const logits = read(logitsFile);
const ids = read(idsFile);
const V = logits.shape.at(-1);
const T = logits.shape.at(-2);
const B = logits.shape.length === 3 ? logits.shape[0] : 1;
if (ids.data.length !== B * T) throw new Error(`${idsFile}: ${ids.data.length} ids for ${B * T} positions of ${logitsFile}`);

// Rows of logits [N, V] and their targets [N]; with --shift, the last position of each sequence has no next token
// and is dropped.
const rows = shift ? B * (T - 1) : B * T;
const fl = await loadLosses();
const pred = fl.tensor([rows, V]);
const target = new Int32Array(rows);
for (let b = 0, r = 0; b < B; b++) {
  for (let t = 0; t < (shift ? T - 1 : T); t++, r++) {
    pred.data.set(logits.data.subarray((b * T + t) * V, (b * T + t + 1) * V), r * V);
    target[r] = ids.data[b * T + t + (shift ? 1 : 0)];
  }
}

const perToken = fl.loss('cross_entropy', { framework: 'pytorch', reduction: 'none', ignoreIndex })({ pred, target });
const meanNll = fl.loss('cross_entropy', { framework: 'pytorch', ignoreIndex })({ pred, target });
const scored = target.filter((id) => id !== ignoreIndex).length;
const worst = Array.from(perToken.data, (nll, i) => [nll, i])
  .sort((a, b) => b[0] - a[0])
  .slice(0, 3)
  .map(([nll, i]) => `token ${target[i]} at ${i}: ${nll.toFixed(3)}`);
console.log(`${scored} tokens scored of ${rows} (vocabulary ${V}${shift ? ', shifted' : ''}, ignoreIndex ${ignoreIndex})`);
console.log(`mean NLL ${meanNll.toFixed(6)} nats, perplexity ${Math.exp(meanNll).toFixed(4)}`);
console.log(`least likely: ${worst.join('; ')}`);
pred.free();
fl.close();
