// The plain-JS peers of bench/crossentropy.mjs: what a user writes without a library, each called with one object
// of inputs (bench/peers/plain_child.mjs times them in a process of their own). Forward+gradient returns the value
// plus the gradient's first element (a number, so the timed loop keeps the gradient alive).

/** What a user writes without a library: rows of logits, Math.exp and Math.log, a new gradient array. */
function plainCrossEntropy(x, y, outer, C, inner, withGrad) {
  const rows = outer * inner;
  const grad = withGrad ? new Float32Array(x.length) : null;
  let sum = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let m = -Infinity;
      for (let c = 0; c < C; c++) if (x[base + c * inner] > m) m = x[base + c * inner];
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * inner] - m);
      const label = y[o * inner + i];
      sum += m + Math.log(s) - x[base + label * inner];
      if (grad) {
        const k = 1 / (s * rows);
        for (let c = 0; c < C; c++) grad[base + c * inner] = Math.exp(x[base + c * inner] - m) * k;
        grad[base + label * inner] -= 1 / rows;
      }
    }
  }
  return grad ? sum / rows + grad[0] : sum / rows;
}

function plainBceLogits(x, t, withGrad) {
  const n = x.length;
  const grad = withGrad ? new Float32Array(n) : null;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const e = Math.exp(-Math.abs(v));
    sum += (v > 0 ? v : 0) - v * t[i] + Math.log1p(e);
    if (grad) grad[i] = ((v >= 0 ? 1 : e) / (1 + e) - t[i]) / n;
  }
  return grad ? sum / n + grad[0] : sum / n;
}

export const PLAIN_PEERS = {
  ce: (a) => plainCrossEntropy(a.x, a.target, a.outer, a.C, a.inner, a.grad),
  bcel: (a) => plainBceLogits(a.x, a.target, a.grad),
};
