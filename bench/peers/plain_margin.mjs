// The plain-JS peers of bench/margin.mjs: the loops a user writes over Float32Arrays, each called with one object
// of inputs (bench/peers/plain_child.mjs times them in a process of their own).

export const PLAIN_PEERS = {
  hinge: ({ pred, target }) => {
    const n = pred.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = 1 - target[i] * pred[i];
      if (z > 0) s += z;
    }
    return s / n;
  },
  cosine_similarity: ({ x, y, cols }) => {
    const rows = x.length / cols;
    let s = 0;
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let c = r * cols, end = c + cols; c < end; c++) {
        dot += x[c] * y[c];
        a += x[c] * x[c];
        b += y[c] * y[c];
      }
      s -= dot / Math.sqrt(a * b);
    }
    return s / rows;
  },
  cosine_embedding: ({ x, y, cols }) => {
    const rows = x.length / cols;
    let s = 0;
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let c = r * cols, end = c + cols; c < end; c++) {
        dot += x[c] * y[c];
        a += x[c] * x[c];
        b += y[c] * y[c];
      }
      s += 1 - dot / Math.sqrt((a + 1e-12) * (b + 1e-12));
    }
    return s / rows;
  },
  bpr: ({ positive, negative }) => {
    const n = positive.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = positive[i] - negative[i];
      s += d > 0 ? Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d)) - d;
    }
    return s / n;
  },
};
