/**
 * The helpers behind every LossError message, one by one, against values worked out by hand: the message
 * layout, the optimal-string-alignment distance, the "Did you mean" cut-off, and how a received value is
 * described. The loss-level suites see these only through whole messages, where a wrong article or a lost
 * transposition rule still matches a loose pattern.
 */

import { describe as group, expect, it } from 'vitest';
import { describe, didYouMean, editDistance, LossError, oneOf } from '../src/errors.js';

group('LossError', () => {
  const fields = { code: 'BAD_OPTION', loss: 'mse', argument: 'reduction', expected: 'one of "mean"', received: '"avg"' } as const;

  it('lays the message out as [code] loss: argument: expected …, received ….', () => {
    const e = new LossError(fields);
    expect(e.message).toBe('[BAD_OPTION] mse: reduction: expected one of "mean", received "avg".');
    expect(e.name).toBe('LossError');
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toBe('LossError: [BAD_OPTION] mse: reduction: expected one of "mean", received "avg".');
    expect([e.code, e.loss, e.argument, e.expected, e.received]).toEqual(['BAD_OPTION', 'mse', 'reduction', 'one of "mean"', '"avg"']);
    expect(e.suggestion).toBeUndefined();
    expect(e.suggestionNote).toBeUndefined();
  });

  it('ends in Did you mean, with the note in parentheses when there is one', () => {
    const e = new LossError({ ...fields, suggestion: 'mean' });
    expect(e.message).toBe('[BAD_OPTION] mse: reduction: expected one of "mean", received "avg". Did you mean "mean"?');
    const n = new LossError({ ...fields, suggestion: 'mean_absolute_error', suggestionNote: 'L1Loss' });
    expect(n.message.endsWith(' Did you mean "mean_absolute_error" (L1Loss)?')).toBe(true);
    expect([n.suggestion, n.suggestionNote]).toEqual(['mean_absolute_error', 'L1Loss']);
  });
});

group('editDistance (optimal string alignment)', () => {
  // [a, b, distance]: each worked out by hand.
  const cases: [string, string, number][] = [
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['mse', 'mse', 0],
    ['MSE', 'mse', 0], // case-insensitive
    ['mse', 'mae', 1], // substitution
    ['mse', 'mses', 1], // insertion
    ['msee', 'mse', 1], // deletion
    ['ab', 'ba', 1], // an adjacent swap is one edit, not two substitutions
    ['hueber', 'huber', 1],
    ['pytroch', 'pytorch', 1], // the swap in the middle of a word
    ['abcd', 'badc', 2], // two swaps
    ['ca', 'abc', 3], // OSA, not Damerau: a swapped pair is not edited again (Damerau gives 2)
    ['kitten', 'sitting', 3],
    ['reducton', 'reduction', 1],
    ['sum', 'mean', 4],
    ['abcdef', 'abdcef', 1],
    ['xabcdef', 'abdcefy', 3], // a deletion, a swap and an insertion, at different places
  ];
  for (const [a, b, d] of cases) {
    it(`d(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${d}, both ways`, () => {
      expect(editDistance(a, b)).toBe(d);
      expect(editDistance(b, a)).toBe(d);
    });
  }
});

group('didYouMean', () => {
  it('the nearest candidate within a third of the name (at least 2 edits)', () => {
    expect(didYouMean('mse', ['mae', 'mse_loss', 'huber'])).toBe('mae');
    expect(didYouMean('redution', ['reduction', 'delta'])).toBe('reduction');
    // 'ab' -> 'abcd' is 2 edits: the floor of 2 lets it through; 3 edits is too far for a 3-letter name
    expect(didYouMean('ab', ['abcd'])).toBe('abcd');
    expect(didYouMean('abc', ['abcxyz'])).toBeUndefined();
    // a 9-letter name allows 3 edits, not 4
    expect(didYouMean('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(didYouMean('abcdefghi', ['abcdewxyz'])).toBeUndefined();
  });

  it('the first of equally near candidates, and the case-only difference too', () => {
    expect(didYouMean('mxe', ['mae', 'mse'])).toBe('mae');
    expect(didYouMean('mxe', ['mse', 'mae'])).toBe('mse');
    expect(didYouMean('gradoutput', ['out', 'gradOutput'])).toBe('gradOutput');
  });

  it('nothing for an exact name or no candidates', () => {
    expect(didYouMean('mse', ['mse', 'mae'])).toBeUndefined();
    expect(didYouMean('mse', [])).toBeUndefined();
  });
});

group('describe (what came, in a message)', () => {
  class Thing {}
  class Item {}
  class MyEvent {}
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string, quoted', 'sum', '"sum"'],
    ['a number', -1.5, '-1.5'],
    ['NaN', NaN, 'NaN'],
    ['a boolean', false, 'false'],
    ['a BigInt', 3n, '3n (a BigInt)'],
    ['an array', [1, 2, 3], 'an array of length 3'],
    ['an empty array', [], 'an array of length 0'],
    ['a typed array', new Float32Array(4), 'a Float32Array of length 4'],
    ['a DataView (no length)', new DataView(new ArrayBuffer(8)), 'a DataView'],
    ['a function', () => 1, 'a function'],
    ['a symbol', Symbol('x'), 'a symbol'],
    ['a Map', new Map([[1, 2]]), 'a Map of size 1'],
    ['a Set', new Set([1, 2]), 'a Set of size 2'],
    ['a Date', new Date(0), 'a Date'],
    ['a class instance', new Thing(), 'a Thing'],
    ['a class instance whose name starts with a vowel', new Item(), 'an Item'],
    ['a class instance with a capital vowel later in its name', new MyEvent(), 'a MyEvent'],
    ['an empty object', {}, 'an empty object {}'],
    ['an object', { a: [1], shape: [1] }, 'an object with keys {a, shape}'],
    // a tensor-like object is described by its parts: what is wrong is nearly always inside it
    ['a { data, shape }', { data: [1], shape: [1] }, '{ data: an array of length 1, shape: [1] }'],
    ['a { data, shape } of BigInts', { data: new BigInt64Array(2), shape: [2] }, '{ data: a BigInt64Array of length 2, shape: [2] }'],
    ['a { data, shape, dtype }', { data: new Int32Array(3), shape: [3, '1'], dtype: 'int64' }, '{ data: an Int32Array of length 3, shape: [3, "1"], dtype }'],
    ['a { data } whose data is an object', { data: { data: [1] } }, '{ data: an object with keys {data} }'],
    ['a { data, shape } whose shape is not an array', { data: [], shape: 3 }, '{ data: an array of length 0, shape: 3 }'],
    ['a { data, shape } whose shape is long', { data: [], shape: [1, 1, 1, 1, 1, 1, 1, 1, 1] }, '{ data: an array of length 0, shape: an array of length 9 }'],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { a: 1 }), 'an object with keys {a}'],
    ['an object whose constructor is not a name', { constructor: { name: 5 } }, 'an object with keys {constructor}'],
    ['a plain object with a constructor key of its own', { constructor: { name: 'Foo' } }, 'an object with keys {constructor}'],
    ['an instance whose class name is not a string', Object.create({ constructor: { name: 5 } }) as object, 'an empty object {}'],
  ];
  for (const [what, value, text] of cases) {
    it(what, () => expect(describe(value)).toBe(text));
  }
  it('a class whose prototype has an empty constructor name is described by its keys', () => {
    const value = Object.create({ constructor: { name: '' } }) as { k: number };
    value.k = 1;
    expect(describe(value)).toBe('an object with keys {k}');
    const plainNamed = Object.create({ constructor: { name: 'Object' } }) as object;
    expect(describe(plainNamed)).toBe('an empty object {}');
  });
});

group('oneOf', () => {
  it('quotes each value and separates them with |', () => {
    expect(oneOf(['mean', 'sum', 'none'])).toBe('one of "mean" | "sum" | "none"');
    expect(oneOf(new Set(['a']))).toBe('one of "a"');
  });
});
