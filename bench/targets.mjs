// The speed targets fastloss is held to (the issue behind this bench; docs/design.md §8), as data.
//
// Each target is a ratio of medians, measured on one workload: size 'large' (16,777,216 elements in a full run)
// or 'tiny' (64), mode 'fwd' or 'grad', for every loss. ratio = median(num) / median(den); with several `num`
// peers the smallest ratio (the closest peer) decides. op '>=': "den is at least goal times faster than num";
// op '<=': "num is within goal times den".

export const TARGETS = [
  {
    group: 'fl.tensor (in place), forward, large',
    what: 'fastloss SIMD within the floor',
    size: 'large', mode: 'fwd', num: ['fastloss-simd/tensors'], den: 'floor/tensors', op: '<=', goal: 1.3,
  },
  {
    group: 'fl.tensor (in place), forward, large',
    what: 'faster than plain JS',
    size: 'large', mode: 'fwd', num: ['plain-js'], den: 'fastloss-simd/tensors', op: '>=',
    goal: { mse: 4, mae: 4, huber: 15 },
  },
  {
    group: 'fl.tensor (in place), forward, large',
    what: 'faster than PyTorch (1 thread)',
    size: 'large', mode: 'fwd', num: ['torch-1t'], den: 'fastloss-simd/tensors', op: '>=', goal: 6,
  },
  {
    group: 'Float32Array, forward, large',
    what: 'faster than plain JS',
    size: 'large', mode: 'fwd', num: ['plain-js'], den: 'fastloss-simd/arrays', op: '>=',
    goal: { mse: 1.5, mae: 1.5, huber: 6 },
  },
  {
    group: 'Float32Array, forward, large',
    what: 'faster than tfjs-wasm (e2e)',
    size: 'large', mode: 'fwd', num: ['tfjs-wasm'], den: 'fastloss-simd/arrays', op: '>=', goal: 2,
  },
  {
    group: 'Float32Array, forward, large',
    what: 'faster than tfjs-cpu (e2e)',
    size: 'large', mode: 'fwd', num: ['tfjs-cpu'], den: 'fastloss-simd/arrays', op: '>=', goal: 40,
  },
  {
    group: 'Float32Array, forward+gradient, large',
    what: 'faster than plain JS (both allocate the gradient)',
    size: 'large', mode: 'grad', num: ['plain-js'], den: 'fastloss-simd/arrays', op: '>=', goal: 2,
  },
  {
    group: 'Float32Array, tiny',
    what: 'forward: within plain JS',
    size: 'tiny', mode: 'fwd', num: ['fastloss-simd/arrays'], den: 'plain-js', op: '<=', goal: 1.25,
  },
  {
    group: 'Float32Array, tiny',
    what: 'forward+gradient: within plain JS (both allocate)',
    size: 'tiny', mode: 'grad', num: ['fastloss-simd/arrays'], den: 'plain-js', op: '<=', goal: 1.25,
  },
  {
    group: 'Float32Array, tiny',
    what: 'forward: faster per call than tfjs (cpu, wasm) and PyTorch',
    size: 'tiny', mode: 'fwd', num: ['tfjs-cpu', 'tfjs-wasm', 'torch-1t'], den: 'fastloss-simd/arrays', op: '>=', goal: 50,
  },
  {
    group: 'Float32Array, tiny',
    what: 'forward+gradient: faster per call than tfjs (cpu, wasm) and PyTorch',
    size: 'tiny', mode: 'grad', num: ['tfjs-cpu', 'tfjs-wasm', 'torch-1t'], den: 'fastloss-simd/arrays', op: '>=', goal: 50,
  },
];

/** The goal of target `t` for `loss`. */
export const goalFor = (t, loss) => (typeof t.goal === 'number' ? t.goal : t.goal[loss]);

/**
 * Evaluates target t for one loss on the measured results (a Map from workload id to its rows).
 * Returns null when a peer is missing, else { ratio, binding (the num peer that decided), pass }.
 */
export function evaluate(t, loss, workload) {
  if (!workload) return null;
  const medianOf = (key) => workload.rows.find((r) => r.runner.key === key)?.median;
  const den = medianOf(t.den);
  const ratios = t.num.map((key) => ({ key, ratio: medianOf(key) / den })).filter((r) => Number.isFinite(r.ratio));
  if (ratios.length === 0) return null;
  const closest = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const goal = goalFor(t, loss);
  const pass = t.op === '>=' ? closest.ratio >= goal : closest.ratio <= goal;
  return { ratio: closest.ratio, binding: closest.key, all: ratios, pass, missing: ratios.length < t.num.length };
}
