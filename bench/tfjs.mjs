// `node bench/tfjs.mjs [--quick]`: what fastloss/tfjs costs inside a TensorFlow.js training step (issue 24). A
// small speech-style model (frames [32, 100, 40], two dense layers of 128, 29 classes: a blank and 28 characters;
// tfjs-layers) trained with fastloss's CTC through tfjsLoss (targets of 20 labels): the whole step
// (optimizer.minimize: the model's forward, tf.logSoftmax, the loss, and every gradient), beside its parts, each
// timed alone: the model's own forward + backward (the same step with a loss tfjs computes itself, the mean of the
// log-softmax, instead of CTC), and fastloss's CTC value + gradient on the same log-probabilities
// (loss.withGrad on a Float32Array, what tfjsLoss runs inside the step). On the tfjs wasm and cpu backends. Medians
// of interleaved rounds. Exports runSuite({ quick, log }) -> { markdown, targets } (no targets: it reports).

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mulberry32 as rng } from './data.mjs';
import { setupTfjs } from './peers/tfjs.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [N, T, F, H, C, S] = [32, 100, 40, 128, 29, 20];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (s) => (s >= 0.1 ? `${(s * 1e3).toFixed(0)} ms` : `${(s * 1e3).toPrecision(3)} ms`);

export async function runSuite({ quick = false, log = () => {} } = {}) {
  const { loadLosses } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const { tfjsLoss } = await import(pathToFileURL(join(ROOT, 'dist', 'tfjs.js')).href);
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-bench-tfjs-'));
  const { tf, versions } = await setupTfjs(tmp);
  const layers = await import('@tensorflow/tfjs-layers');
  const layersVersion = layers.version_layers;
  const fl = await loadLosses({ threads: 1 });
  const ctc = fl.loss('ctc', { zeroInfinity: true });
  const ctcTf = tfjsLoss(tf, ctc);
  const u = rng(7);
  const frames = Float32Array.from({ length: N * T * F }, () => 2 * u() - 1);
  const targets = Array.from({ length: N }, () => Array.from({ length: S }, () => 1 + Math.floor(u() * (C - 1))));
  const inputLengths = new Array(N).fill(T);
  const targetLengths = new Array(N).fill(S);
  const rounds = quick ? 5 : 25;
  const rows = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    log(`tfjs ${backend}`);
    const model = layers.sequential({
      layers: [
        layers.layers.dense({ units: H, activation: 'relu', inputShape: [T, F] }),
        layers.layers.dense({ units: H, activation: 'relu' }),
        layers.layers.dense({ units: C }),
      ],
    });
    const optimizer = tf.train.adam(1e-3);
    const x = tf.tensor3d(frames, [N, T, F]);
    const logProbs = () => tf.transpose(tf.logSoftmax(model.apply(x)), [1, 0, 2]);
    const parts = {
      step: () => tf.dispose(optimizer.minimize(() => ctcTf({ logProbs: logProbs(), targets, inputLengths, targetLengths }), true)),
      model: () => tf.dispose(optimizer.minimize(() => tf.mean(logProbs()), true)),
      loss: (() => {
        // the log-probabilities of the current model, once, as the step hands them to fastloss
        const lp = tf.tidy(() => logProbs().dataSync().slice());
        const input = { logProbs: { data: lp, shape: [T, N, C] }, targets, inputLengths, targetLengths };
        return () => ctc.withGrad(input);
      })(),
    };
    const times = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
    for (const f of Object.values(parts)) for (let i = 0; i < 3; i++) f(); // warm-up (and tfjs's kernel set-up)
    const before = tf.memory().numTensors;
    for (let r = 0; r < rounds; r++) {
      for (const [k, f] of Object.entries(parts)) {
        const t0 = performance.now();
        f();
        times[k].push((performance.now() - t0) / 1000);
      }
    }
    const leaked = tf.memory().numTensors - before;
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    rows.push({ backend, ...m, leaked });
    model.dispose();
    x.dispose();
  }
  fl.close();
  rmSync(tmp, { recursive: true, force: true });
  const table = [
    '| tfjs backend | training step (CTC through fastloss/tfjs) | the model alone: forward + backward + Adam | fastloss CTC value + gradient | CTC share of the step | tensors left after the rounds |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.backend} | ${fmt(r.step)} | ${fmt(r.model)} | ${fmt(r.loss)} | ${((100 * r.loss) / r.step).toFixed(1)}% | ${r.leaked} |`),
  ].join('\n');
  const markdown = `## TensorFlow.js training with fastloss/tfjs

A tfjs-layers model (frames [${N}, ${T}, ${F}], dense ${H}, dense ${H}, ${C} classes) trained with fastloss's CTC (targets of
${S} labels, T ${T}) through \`tfjsLoss(tf, fl.loss('ctc'))\` and Adam: the whole step, the model's own forward and
backward (the same step with tfjs's mean of the log-softmax as the loss), and fastloss's CTC value and gradient on
the step's log-probabilities, each timed alone (medians of ${rounds} interleaved rounds; fastloss on one thread;
tfjs-core ${versions.core}, tfjs-layers ${layersVersion}).

${table}

The loss is not the step's bottleneck: fastloss's CTC (forward and backward over ${N} sequences) is the last column's
share of the step; the rest is tfjs's model, its log-softmax and its transfers (\`dataSync\` of the log-probabilities,
the gradient back as a tensor).`;
  return { markdown, targets: [] };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown } = await runSuite({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
  console.log(markdown);
}
