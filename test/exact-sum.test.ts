/**
 * src/exact-sum.ts against an independent exact reference: every double is an integer number of 2^-1074 (the
 * smallest subnormal), so a BigInt sum of those integers is the exact sum, and Number(BigInt) rounds it to the
 * nearest double (ties to even) as the spec requires. The terms are drawn to make f64 addition go wrong:
 * exponents across the whole range, cancellations, ties.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../src/exact-sum.js';
import { propertyRuns } from './helpers.js';

/** x as an integer number of 2^-1074 (x finite). */
function units(x: number): bigint {
  const bits = new BigInt64Array(new Float64Array([x]).buffer)[0]!;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const magnitude = exp === 0 ? frac : (frac | (1n << 52n)) << BigInt(exp - 1);
  return bits < 0n ? -magnitude : magnitude;
}

/** The double nearest to n·2^-1074, ties to even: 53 significant bits of |n|, rounded by hand, then scaled exactly. */
function nearest(n: bigint): number {
  const a = n < 0n ? -n : n;
  const k = Math.max(0, a.toString(2).length - 53); // bits below the 53 kept
  let q = a >> BigInt(k);
  if (k > 0) {
    const rest = a - (q << BigInt(k));
    const half = 1n << BigInt(k - 1);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  // q < 2^54 is exact as a Number, and so is q·2^e where the result is representable; below 2^-1022 the
  // power splits in two, since 2^e alone would be a subnormal (or 0) with fewer bits than q needs
  const e = k - 1074;
  const scaled = e >= -1022 ? Number(q) * 2 ** e : Number(q) * 2 ** (e + 537) * 2 ** -537;
  return n < 0n ? -scaled : scaled;
}

const exactSum = (xs: readonly number[]) => nearest(xs.reduce((s, x) => s + units(x), 0n));
const sumOf = (xs: readonly number[]) => {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s;
};

/** Doubles that break naive sums: any exponent, and copies with the sign flipped or an ulp added. */
const nasty = fc
  .array(
    fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
      fc.integer({ min: -1074, max: 990 }).chain((e) => fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((m) => m * 2 ** e)),
      fc.constantFrom(1, -1, 2 ** 53, -(2 ** 53), 2 ** -1074, 1e16, -1e16, 0.1, 0.2, 0.3),
    ),
    { maxLength: 40 },
  )
  .chain((xs) => fc.shuffledSubarray([...xs, ...xs.map((x) => -x), ...xs.map((x) => x * (1 + 2 ** -52))], { minLength: 0 }));

describe('ExactSum', () => {
  it('is the correctly rounded exact sum, whatever the terms', () => {
    fc.assert(
      fc.property(nasty, (xs) => {
        expect(Object.is(sumOf(xs).value(), exactSum(xs) === 0 ? 0 : exactSum(xs))).toBe(true);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('merged in any grouping (addAll, terms() into a new sum) gives the same bits', () => {
    fc.assert(
      fc.property(nasty, fc.array(fc.nat(), { maxLength: 6 }), (xs, cutsRaw) => {
        const cuts = [0, ...cutsRaw.map((c) => c % (xs.length + 1)).sort((a, b) => a - b), xs.length];
        const parts = cuts.slice(1).map((to, i) => sumOf(xs.slice(cuts[i], to)));
        const left = new ExactSum();
        for (const p of parts) left.addAll(p);
        const right = new ExactSum();
        for (const p of [...parts].reverse()) for (const t of p.terms()) right.add(t);
        expect(left.value()).toBe(sumOf(xs).value());
        expect(right.value()).toBe(left.value());
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('cases f64 addition gets wrong', () => {
    expect(sumOf([1e16, 1, -1e16]).value()).toBe(1);
    expect(sumOf([0.1, 0.2, -0.3]).value()).toBe(exactSum([0.1, 0.2, -0.3]));
    // a tie broken by a partial far below: 2^53 + 1 + 2^-60 rounds up, 2^53 + 1 alone to even (down)
    expect(sumOf([2 ** 53, 1, 2 ** -60]).value()).toBe(2 ** 53 + 2);
    expect(sumOf([2 ** 53, 1]).value()).toBe(2 ** 53);
    expect(sumOf([]).value()).toBe(0);
    expect(Object.is(sumOf([-0]).value(), 0)).toBe(true); // as the accumulators always gave: 0 + (-0) is 0
  });

  it('non-finite terms are summed apart, in any order; an overflowing total is that infinity', () => {
    expect(sumOf([1, Infinity, -5]).value()).toBe(Infinity);
    expect(sumOf([Infinity, -Infinity]).value()).toBeNaN();
    expect(sumOf([NaN, 1]).value()).toBeNaN();
    expect(sumOf([-Infinity, 3]).terms()).toEqual([3, -Infinity]);
    expect(sumOf([1.5e308, 1.5e308]).value()).toBe(Infinity);
    expect(sumOf([-1.5e308, -1.5e308, 1]).value()).toBe(-Infinity);
    const s = sumOf([2, Infinity]);
    s.addAll(sumOf([-Infinity]));
    expect(s.value()).toBeNaN();
  });

  it('addAll of itself doubles it', () => {
    const s = sumOf([0.1, 1e20, -3]);
    s.addAll(s);
    expect(s.value()).toBe(exactSum([0.1, 1e20, -3, 0.1, 1e20, -3]));
  });
});
