// The plain-JS peer of bench/focal.mjs: the loop a user writes over Float32Arrays for torchvision's
// sigmoid_focal_loss (alpha 0.25, gamma 2, mean), called with one object of inputs (bench/peers/plain_child.mjs
// times it in a process of its own).

export const PLAIN_PEERS = {
  focal: ({ pred, target }) => {
    const alpha = 0.25;
    const gamma = 2;
    const n = pred.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = pred[i];
      const t = target[i];
      const p = 1 / (1 + Math.exp(-x));
      const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
      const pt = p * t + (1 - p) * (1 - t);
      s += (alpha * t + (1 - alpha) * (1 - t)) * ce * Math.pow(1 - pt, gamma);
    }
    return s / n;
  },
};
