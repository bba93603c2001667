// The benchmark's inputs and the float64 references every peer is checked against.
//
// Data: pred and target uniform in [-3, 3), float32, from a seeded mulberry32 stream (pred first, then target),
// so every run and every peer sees the same numbers. References: the loss in float64 over the float32 inputs,
// with compensated (Neumaier) summation, computed once per workload and never timed. This is deliberately not the
// plain-JS peer's loop: the peer is the straightforward code a user would write, the reference is the oracle.

/** mulberry32: a small, fast 32-bit PRNG; returns a function giving uniform numbers in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of the data set of size n (fixed, so results are comparable run to run). */
export const seedFor = (n) => (20261122 ^ n) >>> 0;

/** { pred, target }: two Float32Arrays of n elements, uniform [-3, 3). */
export function makeData(n) {
  const next = mulberry32(seedFor(n));
  const pred = new Float32Array(n);
  const target = new Float32Array(n);
  for (let i = 0; i < n; i++) pred[i] = -3 + 6 * next();
  for (let i = 0; i < n; i++) target[i] = -3 + 6 * next();
  return { pred, target };
}

/** The losses measured: f(d) and f'(d) with d = pred - target (PyTorch MSELoss, L1Loss, HuberLoss delta=1). */
export const LOSSES = {
  mse: { f: (d) => d * d, df: (d) => 2 * d },
  mae: { f: (d) => Math.abs(d), df: (d) => Math.sign(d) },
  huber: { f: (d) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5), df: (d) => Math.max(-1, Math.min(1, d)) },
};

/** Σ g(i) for i < n in float64 with Neumaier compensation. */
function compensatedSum(n, g) {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = g(i);
    const s = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - s + x : x - s + sum;
    sum = s;
  }
  return sum + c;
}

/** The mean loss in float64 over the float32 inputs. */
export function referenceLoss(loss, { pred, target }) {
  const { f } = LOSSES[loss];
  return compensatedSum(pred.length, (i) => f(pred[i] - target[i])) / pred.length;
}

/** Σ (pred[i] + target[i]) in float64: the reference for the floor's own value. */
export function referenceFloorSum({ pred, target }) {
  return compensatedSum(pred.length, (i) => pred[i] + target[i]);
}

/**
 * How far a gradient is from the float64 one, f'(d)/n. Returns { err, off, offAtTies }: err = max |g - ref| /
 * max |ref|; off = how many elements miss the docs/design.md §8 bound |g - ref| <= 1e-6 · max |ref| (NaN counts as a
 * miss); offAtTies = how many of those have pred == target (d = 0, where frameworks define |d|' differently).
 */
export function gradError(loss, { pred, target }, grad) {
  const { df } = LOSSES[loss];
  const n = pred.length;
  if (!grad || grad.length !== n) return { err: NaN, off: NaN, offAtTies: NaN };
  let maxRef = 0;
  for (let i = 0; i < n; i++) maxRef = Math.max(maxRef, Math.abs(df(pred[i] - target[i]) / n));
  let maxErr = 0;
  let off = 0;
  let offAtTies = 0;
  for (let i = 0; i < n; i++) {
    const err = Math.abs(grad[i] - df(pred[i] - target[i]) / n);
    if (!(err <= maxErr)) maxErr = err; // NaN propagates
    if (!(err <= 1e-6 * maxRef)) {
      off++;
      if (pred[i] === target[i]) offAtTies++;
    }
  }
  return { err: maxErr / maxRef, off, offAtTies };
}

/** |value - ref| / |ref|. */
export const relativeError = (value, ref) => Math.abs(value - ref) / Math.abs(ref);
