// The plain-JS peers of bench/overlap.mjs: the loops a user writes over Float32Arrays for Keras's Dice (axis null:
// one value for the whole batch) and Tversky per sample (axis [1, 2, 3], mean over the batch), called with one
// object of inputs (bench/peers/plain_child.mjs times them in a process of its own).

export const PLAIN_PEERS = {
  dice: ({ pred, target }) => {
    let tp = 0;
    let sy = 0;
    let sp = 0;
    for (let i = 0; i < pred.length; i++) {
      const p = pred[i];
      const y = target[i];
      tp += y * p;
      sy += y;
      sp += p;
    }
    return 1 - (2 * tp) / (sy + sp + 1e-7);
  },
  tversky: ({ pred, target, samples, alpha, beta }) => {
    const per = pred.length / samples;
    let total = 0;
    for (let s = 0; s < samples; s++) {
      let tp = 0;
      let fn = 0;
      let fp = 0;
      for (let i = s * per; i < (s + 1) * per; i++) {
        const p = pred[i];
        const y = target[i];
        tp += y * p;
        fn += y * (1 - p);
        fp += (1 - y) * p;
      }
      total += 1 - tp / (tp + alpha * fn + beta * fp + 1e-7);
    }
    return total / samples;
  },
};
