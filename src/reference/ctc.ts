/**
 * Float64 reference for the CTC loss (the tests' oracle; the product never calls it). Written from the
 * definition, in log space, as plainly as possible: the extended target l' = (b, l_1, b, l_2, …, l_L, b), the
 * forward variables log α_t(s) and backward variables log β_t(s) of Graves et al. 2006 (eqs (5)-(11), with the
 * emission at t in both), -ln p = -logsumexp(α_{T-1}(S'-1), α_{T-1}(S'-2)), and the gradient
 * ∂(-ln p)/∂lp[t, c] = -Σ_{s: l'_s = c} exp(log α_t(s) + log β_t(s) - lp[t, c] + ln p) (eq (16) in log form).
 * PyTorch's reductions and zero_infinity (torch/nn/functional.py ctc_loss; docs/semantics.md §2 ctc).
 */

export interface CtcRefInput {
  /** [T, N, C] row-major. */
  logProbs: ArrayLike<number>;
  T: number;
  N: number;
  C: number;
  /** One target per sample. */
  targets: number[][];
  inputLengths: number[];
  blank?: number;
  reduction?: 'none' | 'sum' | 'mean';
  zeroInfinity?: boolean;
  gradOf?: 'logProbs' | 'logits';
  /** 'none': one factor per sample; otherwise a number. */
  gradOutput?: number[] | number | undefined;
}

export interface CtcRefResult {
  /** Per-sample losses before zero_infinity. */
  losses: number[];
  value: number | number[];
  /** [T, N, C]. */
  grad: Float64Array;
}

function lse(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** -ln p and the unscaled true gradient rows of one sequence (lp(t, c) reads frame t). */
export function ctcSequence(lp: (t: number, c: number) => number, T: number, C: number, target: number[], blank: number): { loss: number; grad: number[][] } {
  const ext: number[] = [blank];
  for (const c of target) ext.push(c, blank);
  const S = ext.length;
  const grad = Array.from({ length: T }, () => new Array<number>(C).fill(0));
  if (T === 0) return { loss: target.length === 0 ? 0 : Infinity, grad };
  const allowSkip = (s: number) => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];
  const alpha = Array.from({ length: T }, () => new Array<number>(S).fill(-Infinity));
  const beta = Array.from({ length: T }, () => new Array<number>(S).fill(-Infinity));
  alpha[0]![0] = lp(0, ext[0]!);
  if (S > 1) alpha[0]![1] = lp(0, ext[1]!);
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[t - 1]![s]!;
      if (s >= 1) a = lse(a, alpha[t - 1]![s - 1]!);
      if (allowSkip(s)) a = lse(a, alpha[t - 1]![s - 2]!);
      alpha[t]![s] = a + lp(t, ext[s]!);
    }
  }
  beta[T - 1]![S - 1] = lp(T - 1, ext[S - 1]!);
  if (S > 1) beta[T - 1]![S - 2] = lp(T - 1, ext[S - 2]!);
  for (let t = T - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let v = beta[t + 1]![s]!;
      if (s + 1 < S) v = lse(v, beta[t + 1]![s + 1]!);
      if (s + 2 < S && allowSkip(s + 2)) v = lse(v, beta[t + 1]![s + 2]!);
      beta[t]![s] = v + lp(t, ext[s]!);
    }
  }
  const logp = S > 1 ? lse(alpha[T - 1]![S - 1]!, alpha[T - 1]![S - 2]!) : alpha[T - 1]![0]!;
  const loss = -logp;
  if (!Number.isFinite(loss)) {
    for (const row of grad) row.fill(NaN);
    return { loss, grad };
  }
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      const c = ext[s]!;
      const ab = alpha[t]![s]! + beta[t]![s]!;
      // a state no path visits has posterior 0 (also where lp = -inf; torch's backward gives NaN there)
      if (ab !== -Infinity) grad[t]![c]! -= Math.exp(ab - lp(t, c) + loss);
    }
  }
  return { loss, grad };
}

export function ctcReference(x: CtcRefInput): CtcRefResult {
  const { T, N, C, targets, inputLengths } = x;
  const blank = x.blank ?? 0;
  const reduction = x.reduction ?? 'mean';
  const zeroInfinity = x.zeroInfinity ?? false;
  const logits = x.gradOf === 'logits';
  const losses: number[] = [];
  const grad = new Float64Array(T * N * C);
  const scaleOf = (n: number): number => {
    const go = x.gradOutput;
    if (reduction === 'none') return Array.isArray(go) ? go[n]! : 1;
    const g = typeof go === 'number' ? go : 1;
    return reduction === 'sum' ? g : g / (Math.max(targets[n]!.length, 1) * N);
  };
  for (let n = 0; n < N; n++) {
    const lp = (t: number, c: number) => Number(x.logProbs[(t * N + n) * C + c]);
    const { loss, grad: g } = ctcSequence(lp, inputLengths[n]!, C, targets[n]!, blank);
    losses.push(loss);
    const s = scaleOf(n);
    const zero = zeroInfinity && loss === Infinity;
    for (let t = 0; t < inputLengths[n]!; t++) {
      for (let c = 0; c < C; c++) {
        grad[(t * N + n) * C + c] = zero ? 0 : s * ((logits ? Math.exp(lp(t, c)) : 0) + g[t]![c]!);
      }
    }
  }
  const after = losses.map((l) => (zeroInfinity && l === Infinity ? 0 : l));
  let value: number | number[];
  if (reduction === 'none') value = after;
  else if (reduction === 'sum') value = after.reduce((a, b) => a + b, 0);
  else value = after.reduce((a, l, n) => a + l / Math.max(targets[n]!.length, 1), 0) / N;
  return { losses, value, grad };
}
