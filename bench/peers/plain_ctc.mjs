// The plain-JS peer of bench/ctc.mjs: CTC as a JavaScript programmer would write it from the paper (Graves et
// al. 2006), with loops of its own: per sequence, the extended target with blanks, the forward variables in log
// space (log-sum-exp), Float64Array rows; for the gradient the backward variables too and the posteriors per
// class (the true gradient wrt the log-probabilities). Reduction 'mean' (each loss / max(L, 1), then the mean).

function logAddExp(a, b) {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** { value, grad } (grad when withGrad) of CTC over lp [T, N, C] (Float32Array), padded targets [N, S] (Int32Array). */
export function plainCtc(lp, T, N, C, targets, S, inputLengths, targetLengths, withGrad) {
  const grad = withGrad ? new Float32Array(T * N * C) : null;
  let total = 0;
  for (let n = 0; n < N; n++) {
    const Tn = inputLengths[n];
    const L = targetLengths[n];
    const ext = new Int32Array(2 * L + 1);
    for (let k = 0; k < L; k++) ext[2 * k + 1] = targets[n * S + k];
    const U = ext.length;
    const alpha = new Float64Array(Tn * U).fill(-Infinity);
    alpha[0] = lp[n * C + ext[0]];
    if (U > 1) alpha[1] = lp[n * C + ext[1]];
    for (let t = 1; t < Tn; t++) {
      const row = (t * N + n) * C;
      for (let s = 0; s < U; s++) {
        let a = alpha[(t - 1) * U + s];
        if (s > 0) a = logAddExp(a, alpha[(t - 1) * U + s - 1]);
        if (s > 1 && ext[s] !== 0 && ext[s] !== ext[s - 2]) a = logAddExp(a, alpha[(t - 1) * U + s - 2]);
        alpha[t * U + s] = a + lp[row + ext[s]];
      }
    }
    const last = (Tn - 1) * U;
    const logp = U > 1 ? logAddExp(alpha[last + U - 1], alpha[last + U - 2]) : alpha[last];
    const scale = 1 / (Math.max(L, 1) * N);
    total += -logp / Math.max(L, 1);
    if (!withGrad) continue;
    const beta = new Float64Array(Tn * U).fill(-Infinity);
    beta[last + U - 1] = lp[((Tn - 1) * N + n) * C + ext[U - 1]];
    if (U > 1) beta[last + U - 2] = lp[((Tn - 1) * N + n) * C + ext[U - 2]];
    for (let t = Tn - 2; t >= 0; t--) {
      const row = (t * N + n) * C;
      for (let s = 0; s < U; s++) {
        let b = beta[(t + 1) * U + s];
        if (s + 1 < U) b = logAddExp(b, beta[(t + 1) * U + s + 1]);
        if (s + 2 < U && ext[s + 2] !== 0 && ext[s + 2] !== ext[s]) b = logAddExp(b, beta[(t + 1) * U + s + 2]);
        beta[t * U + s] = b + lp[row + ext[s]];
      }
    }
    for (let t = 0; t < Tn; t++) {
      const row = (t * N + n) * C;
      for (let s = 0; s < U; s++) {
        const c = ext[s];
        grad[row + c] -= scale * Math.exp(alpha[t * U + s] + beta[t * U + s] - lp[row + c] - logp);
      }
    }
  }
  return { value: total / N, grad };
}

/** The loop as bench/peers/plain_child.mjs calls it (one object of inputs): the value, with the gradient when asked. */
export const PLAIN_PEERS = {
  ctc: (a) => plainCtc(a.lp, a.T, a.N, a.C, a.targets, a.S, a.inputLengths, a.targetLengths, a.grad).value,
};
