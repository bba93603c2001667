/**
 * A TensorFlow.js model trained with fastloss's CTC (fastloss/tfjs) learns a toy sequence task: digit strings
 * read from synthetic signals, each a sequence of frames of 8 channels, where a digit is 2-3 frames of its own
 * noisy prototype and silence (a prototype of its own) lies between and around the digits; 2-5 digits in 32
 * frames, repeated digits included (CTC needs the silence between them). A per-frame network (two dense layers of
 * 32, tfjs-layers) gives logits [N, T, 11] (blank 0 and the ten digits); tf.logSoftmax and a transpose make
 * fastloss's logProbs [T, N, C]; Adam minimises the loss. The loss must fall, and greedy decoding (the best class
 * per frame, repeats merged, blanks dropped) of 200 held-out signals must be > 90% exact, all within 60 s of CPU.
 * (PyTorch's ctc_loss needs about as many steps on the same task; with zero silence and zero biases both stay
 * at the all-blank plateau for hundreds of steps, which is why silence has a prototype here.)
 */

import { expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { tfjsLoss } from '../src/tfjs.js';
import { rng } from './helpers.js';
import { loadTfjs } from './tfjs.setup.js';

const [T, C, F] = [32, 11, 8];

it('a tfjs model trained with fastloss CTC learns to read digit strings (> 90% exact, < 60 s)', async () => {
  const { tf, layers } = await loadTfjs();
  await tf.setBackend('cpu');
  const fl = await loadLosses();
  const ctc = tfjsLoss(tf, fl.loss('ctc'));
  const u = rng(5);
  const prototypes = Array.from({ length: 11 }, () => Array.from({ length: F }, () => 2 * u() - 1)); // 0-9, silence
  const example = () => {
    const digits = Array.from({ length: 2 + Math.floor(u() * 4) }, () => Math.floor(u() * 10));
    const x = new Float32Array(T * F);
    for (let i = 0; i < T * F; i++) x[i] = prototypes[10]![i % F]!;
    let t = 1 + Math.floor(u() * 3);
    for (const d of digits) {
      for (let k = 2 + Math.floor(u() * 2); k > 0; k--, t++) for (let f = 0; f < F; f++) x[t * F + f] = prototypes[d]![f]!;
      t += 1 + Math.floor(u() * 2);
    }
    for (let i = 0; i < T * F; i++) x[i]! += 0.3 * (u() - 0.5);
    return { x, labels: digits.map((d) => d + 1) };
  };
  const batch = (n: number) => {
    const examples = Array.from({ length: n }, example);
    return { x: tf.tensor3d(Float32Array.from(examples.flatMap((e) => [...e.x])), [n, T, F]), examples };
  };
  const model = layers.sequential({
    layers: [
      layers.layers.dense({ units: 32, activation: 'relu', inputShape: [T, F] }),
      layers.layers.dense({ units: 32, activation: 'relu' }),
      layers.layers.dense({ units: C }),
    ],
  });
  const optimizer = tf.train.adam(0.02);
  const started = performance.now();
  const losses: number[] = [];
  for (let step = 0; step < 150; step++) {
    const { x, examples } = batch(32);
    const S = Math.max(...examples.map((e) => e.labels.length));
    const cost = optimizer.minimize(
      () =>
        ctc({
          logProbs: tf.transpose(tf.logSoftmax(model.apply(x) as never), [1, 0, 2]),
          targets: examples.map((e) => [...e.labels, ...new Array<number>(S - e.labels.length).fill(0)]),
          inputLengths: new Array<number>(32).fill(T),
          targetLengths: examples.map((e) => e.labels.length),
        }) as never,
      true,
    )!;
    losses.push(cost.dataSync()[0]!);
    tf.dispose([cost, x]);
  }
  const { x, examples } = batch(200);
  const paths = tf.tidy(() => tf.argMax(model.predict(x) as never, -1).arraySync() as number[][]);
  const exact = paths.filter((path, i) => {
    const decoded = path.filter((c, t) => c !== 0 && c !== path[t - 1]);
    return decoded.join() === examples[i]!.labels.join();
  }).length;
  const seconds = (performance.now() - started) / 1000;
  expect(losses.slice(-10).reduce((a, b) => a + b) / 10, `loss ${losses[0]} -> ${losses.at(-1)}`).toBeLessThan(losses[0]! / 20);
  expect(exact / 200, `greedy decoding exact on ${exact} of 200`).toBeGreaterThan(0.9);
  expect(seconds).toBeLessThan(60);
  model.dispose();
  x.dispose();
});
