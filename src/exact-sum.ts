/**
 * An exact running sum of float64 numbers: Shewchuk's non-overlapping expansion (his Grow-Expansion: docs/README.md,
 * Sources cited), as Python's math.fsum keeps it. The terms added are summed with no rounding at all; value()
 * rounds the exact total once, to the nearest double (ties to even), with fsum's last step.
 *
 * Why the accumulators keep one (src/accumulator.ts): a sharded evaluation adds the same batch sums in whatever
 * grouping and order the shards are merged in, and f64 addition is not associative. With an exact sum, every
 * merge tree gives the same bits, because the total is a function of the multiset of terms only.
 *
 * Non-finite terms (a PyTorch sum can be inf, a NaN input gives NaN) are summed apart, in `special`, as fsum does:
 * ±Infinity and NaN have no place in an expansion (inf - inf is NaN), and their sum does not depend on the order
 * (any NaN, or both infinities, gives NaN). An exact total beyond the largest double (1.8e308) also goes to
 * `special` as ±Infinity where fsum raises OverflowError: plain f64 addition would give that infinity too.
 */
export class ExactSum {
  /**
   * partials[0, n): non-overlapping, non-zero, in increasing magnitude; their exact sum is the finite terms' sum.
   * A typed array and a count, not an array whose length changes with nearly every add (measured: 2x slower).
   * Non-overlapping doubles are at most ~40 (2098 bits of exponent range / 53), so it seldom grows.
   */
  private partials = new Float64Array(8);
  private n = 0;
  /** Sum of the non-finite terms (and of overflowed totals): 0 when there were none, else ±Infinity or NaN. */
  private special = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.special += x;
      return;
    }
    const p = this.partials;
    const n = this.n;
    let kept = 0;
    for (let j = 0; j < n; j++) {
      const y = p[j]!;
      const hi = x + y;
      if (!Number.isFinite(hi)) {
        // the exact total passed the largest double: it is that infinity from here on
        this.n = 0;
        this.special += hi;
        return;
      }
      // Knuth's TwoSum: hi + lo == x + y exactly, whichever is larger (no branch to mispredict)
      const yv = hi - x;
      const lo = x - (hi - yv) + (y - yv);
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    if (x !== 0) {
      if (kept === p.length) {
        this.partials = new Float64Array(2 * p.length);
        this.partials.set(p);
      }
      this.partials[kept++] = x;
    }
    this.n = kept;
  }

  /** Adds every term of another exact sum (merge): the result is exact, whatever was added to either. */
  addAll(other: ExactSum): void {
    // A copy first: `other` may be this very sum.
    const terms = other.terms();
    for (const t of terms) this.add(t);
  }

  /** The exact sum rounded once to the nearest double (ties to even), or the non-finite total. */
  value(): number {
    if (this.special !== 0) return this.special;
    const p = this.partials;
    let n = this.n;
    if (n === 0) return 0;
    // fsum's last step: add from the largest partial down until the sum becomes inexact, then correct for
    // a half-way case the rounding of hi + lo would break to the wrong side (the partials below lo decide).
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  /**
   * Terms whose exact sum is this sum, for a state (src/accumulator-state.ts): the partials, and the non-finite
   * total when there is one. Adding them to a new ExactSum gives this sum back.
   */
  terms(): number[] {
    const partials = Array.from(this.partials.subarray(0, this.n));
    return this.special === 0 ? partials : [...partials, this.special];
  }

  /** True when nothing but zeros was added (the partials drop zeros). */
  isZero(): boolean {
    return this.special === 0 && this.n === 0;
  }
}
