// The measuring method (docs/design.md §11), for one workload and all its peers in one process:
//
//   1. per peer: one untimed call for the value (and gradient), checked against the float64 reference;
//   2. per peer: calibrate K = calls per sample, so that one sample takes at least `sampleMs` (≈ 20 ms)
//      (K = 1 without a further call when the value call alone took that long);
//   3. one warm-up round, then `rounds` timed rounds; in every round each peer takes one sample of K calls.
//      Peers are interleaved round by round (the starting peer rotates each round), so drift and noise of the
//      shared VM fall on all of them alike;
//   4. per peer: median and min of the per-call time (sample time / K).
//
// Before every sample (outside the timed calls) the JS heap is collected, so the garbage one peer leaves (tfjs
// intermediates, 64 MiB gradients) is not collected, and billed, during another peer's sample, nor competes with
// the PyTorch child for the second core while it runs.
//
// A runner is either in-process, `{ call, args, check, before? }` (call(args) returns a number, timed here with
// process.hrtime), or remote, `{ remote: { check, calibrate, sample } }` (the PyTorch child process, which times its
// own calls with the same rules and returns per-call seconds).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// gc() without starting node with --expose-gc (npm run bench is a plain `node bench/run.mjs`).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Keeps the results of timed calls alive so no engine can drop them. */
export let sink = 0;

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The timed loop of one runner, as a user's own call site would be: a function of its own (compiled from its own
 * source text, so V8 keeps separate type feedback for it and treats `call` as a known constant, free to inline),
 * with the inputs passed in at call time (runner.args), never captured as constants. Every in-process peer gets
 * the same treatment. (With one shared loop, the call site is polymorphic and nothing inlines; with the inputs
 * captured, a closure that is the only one of its kind gets its arrays constant-folded, and a peer built from a
 * factory that made several does not: both skew tiny-input timings by 2x.)
 */
function timingLoop(call) {
  const make = new Function('call', 'return function loop(k, args) { let acc = 0; for (let i = 0; i < k; i++) acc += call(args); return acc; };');
  return make(call);
}

/** One sample of K calls of an in-process runner: the time per call in seconds. */
async function sampleLocal(runner, k) {
  if (runner.before) await runner.before();
  gc();
  const loop = (runner.loop ??= timingLoop(runner.call));
  const t0 = process.hrtime.bigint();
  const acc = loop(k, runner.args);
  const t1 = process.hrtime.bigint();
  sink += acc;
  return Number(t1 - t0) / 1e9 / k;
}

/**
 * The smallest K (found by scaling from one call) whose sample takes at least targetS; `sampleK(k)` resolves to the
 * seconds per call of one sample of k calls. (The peers in child processes follow the same rule: torch_peer.py, and
 * ort_crossentropy.mjs with this function.)
 */
export async function calibrateK(sampleK, targetS) {
  let k = 1;
  for (let attempt = 0; attempt < 8; attempt++) {
    const total = (await sampleK(k)) * k;
    if (total >= targetS) return k;
    // Aim 20 % over the target; grow at most 1000x per step (the first call may still be cold).
    k = Math.min(k * 1000, Math.ceil((k * targetS * 1.2) / Math.max(total, 1e-9)));
  }
  return k;
}

const calibrateLocal = (runner, targetS) => calibrateK((k) => sampleLocal(runner, k), targetS);

function sample(r, k) {
  if (!r.remote) return sampleLocal(r, k);
  gc();
  return r.remote.sample(k);
}
const calibrate = (r, targetS) => (r.remote ? r.remote.calibrate(targetS) : calibrateLocal(r, targetS));

/** The untimed value call; also returns how long it took (a calibration hint for slow in-process peers). */
async function check(r) {
  if (r.remote) return { ...(await r.remote.check()), seconds: NaN };
  const t0 = process.hrtime.bigint();
  const res = await r.check();
  return { ...res, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/**
 * Measures every runner of one workload. Options: sampleMs (target sample length), rounds (timed rounds),
 * budgetS (a runner marked `mayShorten` whose timed samples would take longer than this in total gets fewer
 * rounds, never fewer than minRounds, with a note: only tfjs-cpu, whose 16M-element calls take seconds),
 * log (progress lines).
 * Returns one row per runner: { runner, k, rounds, times (s per call), median, min, value, grad, note }.
 */
export async function measureWorkload(runners, { sampleMs, rounds, budgetS, minRounds = 3, log = () => {} }) {
  const rows = [];
  for (const runner of runners) {
    const { value, grad, seconds } = await check(runner);
    // A call that alone fills a sample needs no separate calibration call: K = 1.
    const k = seconds >= sampleMs / 1000 ? 1 : await calibrate(runner, sampleMs / 1000);
    rows.push({ runner, k, rounds, times: [], value, grad, note: runner.note ?? '' });
  }
  // Slow peers (tfjs at 16M elements: seconds per call) have K = 1. If even that would overrun the budget, a
  // peer marked mayShorten gets fewer rounds, and its table says so.
  const warm = [];
  for (const row of rows) warm.push(await sample(row.runner, row.k)); // the warm-up round
  rows.forEach((row, i) => {
    const perSample = warm[i] * row.k;
    if (row.runner.mayShorten && perSample * rounds > budgetS) {
      row.rounds = Math.max(minRounds, Math.min(rounds, Math.floor(budgetS / perSample)));
      if (row.rounds < rounds) {
        row.note = [row.note, `${row.rounds} rounds, not ${rounds} (${perSample.toFixed(1)} s per sample)`]
          .filter(Boolean)
          .join('; ');
      }
    }
  });
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < rows.length; j++) {
      const row = rows[(r + j) % rows.length];
      if (row.times.length < row.rounds) row.times.push(await sample(row.runner, row.k));
    }
    log(`  round ${r + 1}/${rounds}`);
  }
  for (const row of rows) {
    row.median = median(row.times);
    row.min = Math.min(...row.times);
  }
  return rows;
}
