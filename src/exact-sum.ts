/**
 * An exact running sum of float64 numbers: Shewchuk's non-overlapping expansion ("Adaptive precision
 * floating-point arithmetic", 1997), as Python's math.fsum keeps it. The terms added are summed with no
 * rounding at all; value() rounds the exact total once, to the nearest double (ties to even).
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
  /** Non-overlapping, non-zero, in increasing magnitude: their exact sum is the finite terms' sum. */
  private partials: number[] = [];
  /** Sum of the non-finite terms (and of overflowed totals): 0 when there were none, else ±Infinity or NaN. */
  private special = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.special += x;
      return;
    }
    const p = this.partials;
    let kept = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      if (!Number.isFinite(hi)) {
        // the exact total passed the largest double: it is that infinity from here on
        this.partials = [];
        this.special += hi;
        return;
      }
      const lo = y - (hi - x); // Fast2Sum, exact since |x| >= |y|: hi + lo == x + y
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    p.length = kept;
    if (x !== 0) p.push(x);
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
    let n = p.length;
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
    return this.special === 0 ? [...this.partials] : [...this.partials, this.special];
  }

  /** True when nothing but zeros was added (the partials drop zeros). */
  isZero(): boolean {
    return this.special === 0 && this.partials.length === 0;
  }
}
