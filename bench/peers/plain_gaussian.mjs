// The plain-JS peer of bench/gaussian.mjs: the loop a user writes over Float32Arrays for torch's GaussianNLLLoss
// (mean, eps 1e-6, full false), with a variance per element or one per row of `cols` elements, called with one
// object of inputs (bench/peers/plain_child.mjs times it in a process of its own).

export const PLAIN_PEERS = {
  gaussian_nll: ({ pred, target, variance, cols }) => {
    const n = pred.length;
    const perRow = variance.length !== n;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.max(perRow ? variance[Math.floor(i / cols)] : variance[i], 1e-6);
      const d = pred[i] - target[i];
      s += 0.5 * (Math.log(v) + (d * d) / v);
    }
    return s / n;
  },
};
