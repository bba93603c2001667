/**
 * An accumulator's state as plain JSON (`acc.state()`), and the checks a state passes before it is resumed or
 * merged (`loss.accumulator(state)`, `acc.merge(state)`, `fl.accumulator(state)`). A state names what it is of
 * (canonical loss, framework, reduction, every resolved option), so it is never merged into another loss or
 * another configuration; and a state that is not one this code writes (another format version, a key missing,
 * a count that is negative or NaN, values that do not fill their shape) is a LossError BAD_STATE naming the key,
 * never a wrong number.
 *
 * Numbers: JSON has no NaN, ±Infinity or -0 (a PyTorch sum can be inf; a 'none' value can be -0), so a state
 * writes them as the strings "NaN", "Infinity", "-Infinity" and "-0" (StateNumber).
 */

import { describe, didYouMean, LossError, oneOf } from './errors.js';
import { ExactSum } from './exact-sum.js';
import type { Framework } from './frameworks.js';
import type { StreamHook, StreamRules } from './losses/definition.js';
import { shapeString, type OutputTensor } from './tensor.js';
import type { AccumulatorState, StateNumber, StateOption, StateTensor } from './types.js';

export const STATE_FORMAT = 'fastloss-accumulator';
export const STATE_VERSION = 1;

/** What an accumulator is of: a state must match all of it. */
export interface Config {
  readonly loss: string;
  readonly framework: Framework;
  readonly reduction: string;
  /** The loss's resolved options (loss.options), as a state writes them. */
  readonly options: Readonly<Record<string, StateOption>>;
  readonly hook: StreamHook;
}

/** What an accumulator holds: everything its result depends on. */
export interface Held {
  batches: number;
  /** The shape of one item along axis 0, fixed by the first batch (null before one). */
  item: readonly number[] | null;
  rules: StreamRules;
  /** Scalar reductions: Σ and the mean's divisor, exact (src/exact-sum.ts). */
  sum: ExactSum;
  count: ExactSum;
  /** Reduction 'none': the values of each batch (or merged state), in order; never written to once kept. */
  parts: OutputTensor[];
}

export function emptyHeld(): Held {
  return { batches: 0, item: null, rules: {}, sum: new ExactSum(), count: new ExactSum(), parts: [] };
}

// ---- numbers and options ----

export function encodeNumber(x: number): StateNumber {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** A StateNumber's value; undefined for anything else. (A number as such is taken too: a state never sent through JSON.) */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && Object.hasOwn(SPECIAL, v) ? SPECIAL[v] : undefined;
}

const NUMBER_EXPECTED = 'a number, or one of "NaN", "Infinity", "-Infinity", "-0" (how a state writes what JSON has no numbers for)';

/**
 * The resolved options as a state writes them: numbers, strings, booleans and null as they are (an option's -0
 * as 0: JSON would), array options (PyTorch's weight, posWeight) as { data, shape }.
 */
export function encodeOptions(options: Readonly<Record<string, unknown>>): Record<string, StateOption> {
  const out: Record<string, StateOption> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (typeof value === 'number') out[key] = Number.isFinite(value) ? value + 0 : encodeNumber(value);
    else if (typeof value === 'string' || typeof value === 'boolean' || value === null) out[key] = value;
    else {
      const t = value as { data: ArrayLike<number>; shape: readonly number[] }; // weightOption's frozen { data, shape }
      out[key] = { data: Array.from(t.data, encodeNumber), shape: [...t.shape] };
    }
  }
  return out;
}

interface Where {
  /** The LossError's `loss`: "mean_squared_error (pytorch)", or "accumulator" before a loss is resolved. */
  readonly loss: string;
  /** 'state' (loss.accumulator(state), fl.accumulator(state)) or 'other' (acc.merge(other)). */
  readonly argument: string;
}

function badState(where: Where, key: string, expected: string, received: string, suggestion?: string): LossError {
  return new LossError({
    code: 'BAD_STATE',
    loss: where.loss,
    argument: key === '' ? where.argument : `${where.argument}.${key}`,
    expected,
    received,
    ...(suggestion === undefined ? {} : { suggestion }),
  });
}

const got = (v: unknown): string => (v === undefined ? 'undefined (the key is missing)' : describe(v));

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);

/** A state's option checked for its form, in the canonical form encodeOptions writes (so two compare as text). */
function optionForm(where: Where, key: string, v: unknown): StateOption {
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : encodeNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (isRecord(v) && Array.isArray(v.data) && isShape(v.shape) && Object.keys(v).length === 2) {
    const data = v.data.map((x, i) => {
      const n = decodeNumber(x);
      if (n === undefined) throw badState(where, `options.${key}.data[${i}]`, NUMBER_EXPECTED, describe(x));
      return encodeNumber(n);
    });
    return { data, shape: [...v.shape] };
  }
  throw badState(where, `options.${key}`, 'an option value: a number, string, boolean, null, or { data, shape } for an array option', got(v));
}

/** An option for a message: its JSON, a tensor by its shape and first values. */
function optionText(v: StateOption): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const shown = v.data.slice(0, 6).map((x) => String(x));
  return `a tensor of shape ${shapeString(v.shape)} [${shown.join(', ')}${v.data.length > 6 ? ', …' : ''}]`;
}

/**
 * A state's options as fl.loss takes them (fl.accumulator(state) resolves the loss from them): the form checked,
 * array options as Float32Array tensors.
 */
export function decodeOptions(where: Where, raw: unknown): Record<string, unknown> {
  if (!isRecord(raw)) throw badState(where, 'options', 'an object of options (loss.options, as a state writes them)', got(raw));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = optionForm(where, key, value);
    out[key] = typeof v === 'object' && v !== null ? { data: Float32Array.from(v.data, (x) => decodeNumber(x)!), shape: v.shape } : v;
  }
  return out;
}

// ---- the checks ----

const HEADER_KEYS = ['format', 'version', 'loss', 'framework', 'reduction', 'options', 'mode', 'batches', 'item', 'rules'] as const;
const MODE_KEYS = { reduce: ['sum', 'count'], concatenate: ['values'] } as const;

/** The first checks of any state: an object of this format and version. */
export function checkFormat(where: Where, raw: unknown, what: string): asserts raw is Record<string, unknown> {
  if (!isRecord(raw)) throw badState(where, '', what, describe(raw));
  if (raw.format !== STATE_FORMAT) throw badState(where, 'format', `"${STATE_FORMAT}" (what acc.state() writes)`, got(raw.format));
  if (raw.version !== STATE_VERSION) {
    throw badState(where, 'version', `${STATE_VERSION} (the state format this fastloss reads and writes; evaluate that state's batches again with this version)`, got(raw.version));
  }
}

/** The state's loss, framework, reduction and options against the accumulator's: they must be the same. */
export function checkConfig(where: Where, raw: Record<string, unknown>, config: Config): void {
  const mine = `this accumulator's`;
  if (raw.loss !== config.loss) throw badState(where, 'loss', `"${config.loss}" (${mine} loss)`, got(raw.loss));
  if (raw.framework !== config.framework) throw badState(where, 'framework', `"${config.framework}" (${mine} framework)`, got(raw.framework));
  if (raw.reduction !== config.reduction) throw badState(where, 'reduction', `"${config.reduction}" (${mine} reduction)`, got(raw.reduction));
  const options = raw.options;
  if (!isRecord(options)) throw badState(where, 'options', `an object of options, ${mine}: { ${Object.keys(config.options).join(', ')} }`, got(options));
  for (const [key, value] of Object.entries(config.options)) {
    if (!Object.hasOwn(options, key)) throw badState(where, `options.${key}`, `${optionText(value)} (${mine} option ${key})`, got(undefined));
    const theirs = optionForm(where, key, options[key]);
    if (JSON.stringify(theirs) !== JSON.stringify(value)) throw badState(where, `options.${key}`, `${optionText(value)} (${mine} option ${key})`, optionText(theirs));
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(config.options, key)) {
      throw badState(where, `options.${key}`, `only ${mine} options: ${Object.keys(config.options).join(', ')}`, `an option "${key}"`);
    }
  }
}

/** Terms of an exact sum, each a StateNumber. */
function readTerms(where: Where, key: string, raw: unknown): ExactSum {
  if (!Array.isArray(raw)) throw badState(where, key, 'an array of numbers: terms whose exact sum is the total (math.fsum of them)', got(raw));
  const sum = new ExactSum();
  raw.forEach((t, i) => {
    const x = decodeNumber(t);
    if (x === undefined) throw badState(where, `${key}[${i}]`, NUMBER_EXPECTED, describe(t));
    sum.add(x);
  });
  return sum;
}

/**
 * Everything a state holds, checked against the accumulator's configuration and decoded: what the accumulator
 * merges. Throws BAD_STATE on the first key that is not as this code writes it.
 */
export function readState(where: Where, raw: unknown, config: Config): Held {
  checkFormat(where, raw, `an accumulator state: the object acc.state() returns ({ format: "${STATE_FORMAT}", version: ${STATE_VERSION}, loss, … }), or its JSON parsed`);
  checkConfig(where, raw, config);
  const mode = config.reduction === 'none' ? 'concatenate' : 'reduce';
  if (raw.mode !== mode) {
    throw badState(where, 'mode', `"${mode}" (reduction "${config.reduction}" ${mode === 'reduce' ? 'keeps a sum and a count' : 'keeps the values'})`, got(raw.mode));
  }
  const keys: readonly string[] = [...HEADER_KEYS, ...MODE_KEYS[mode]];
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) throw badState(where, key, `only the keys of a "${mode}" state: ${keys.join(', ')}`, `a key "${key}"`, didYouMean(key, keys));
  }
  const batches = raw.batches;
  if (!Number.isSafeInteger(batches) || (batches as number) < 0) throw badState(where, 'batches', 'a non-negative integer (the number of batches)', got(batches));
  const none = batches === 0;
  const item = raw.item;
  if (none ? item !== null : !isShape(item)) {
    throw badState(where, 'item', none ? 'null (a state of no batch has no item shape yet)' : `the shape of one item along axis 0, an array of non-negative integers (the state has ${String(batches)} batch${batches === 1 ? '' : 'es'})`, got(item));
  }
  const rules = readRules(where, raw.rules, config, none);
  const held: Held = { batches: batches as number, item: item === null ? null : [...(item as number[])], rules, sum: new ExactSum(), count: new ExactSum(), parts: [] };
  if (mode === 'reduce') {
    held.sum = readTerms(where, 'sum', raw.sum);
    held.count = readTerms(where, 'count', raw.count);
    if (none) {
      for (const key of ['sum', 'count'] as const) {
        if (!held[key].isZero()) throw badState(where, key, '[] (a state of no batch has summed nothing)', `terms summing to ${held[key].value()}`);
      }
    }
    const count = held.count.value();
    if ((config.hook.divisor ?? 'items') === 'items' && !(Number.isSafeInteger(count) && count >= 0)) {
      throw badState(where, 'count', 'terms summing to a non-negative integer (the number of values the mean divides by)', `terms summing to ${count}`);
    }
  } else {
    held.parts = [readValues(where, raw.values, held.item, none)];
  }
  return held;
}

function readRules(where: Where, raw: unknown, config: Config, none: boolean): StreamRules {
  const known = config.hook.rules ?? {};
  const names = Object.keys(known);
  if (!isRecord(raw)) throw badState(where, 'rules', `an object of the first-batch decisions (${names.length === 0 ? 'this loss has none: {}' : names.join(', ')})`, got(raw));
  for (const [key, value] of Object.entries(raw)) {
    const rule = Object.hasOwn(known, key) ? known[key] : undefined;
    if (rule === undefined) {
      throw badState(where, `rules.${key}`, names.length === 0 ? 'no rules (this loss has none)' : `a rule of this loss: ${names.join(', ')}`, `a rule "${key}"`, didYouMean(key, names));
    }
    if (!rule.values.includes(value as string | boolean)) {
      throw badState(where, `rules.${key}`, rule.values.every((v) => typeof v === 'string') ? oneOf(rule.values as string[]) : rule.values.map(String).join(' or '), describe(value));
    }
  }
  if (none && Object.keys(raw).length > 0) throw badState(where, 'rules', '{} (a state of no batch has decided nothing)', `rules { ${Object.keys(raw).join(', ')} }`);
  return { ...(raw as StreamRules) };
}

function readValues(where: Where, raw: unknown, item: readonly number[] | null, none: boolean): OutputTensor {
  if (!isRecord(raw) || Object.keys(raw).length !== 2 || !Array.isArray(raw.data) || !Object.hasOwn(raw, 'shape')) {
    throw badState(where, 'values', "{ data, shape }: reduction 'none''s values so far", got(raw));
  }
  const itemShape = item ?? [];
  const shape = raw.shape;
  if (!isShape(shape) || shape.length !== itemShape.length + 1 || shape.some((d, i) => i > 0 && d !== itemShape[i - 1]) || (none && shape[0] !== 0)) {
    const rows = none ? '0' : 'rows';
    throw badState(where, 'values.shape', `[${[rows, ...itemShape].join(', ')}] (rows along axis 0, then the state's item shape ${shapeString(itemShape)})`, isShape(shape) ? `shape ${shapeString(shape)}` : got(shape));
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (raw.data.length !== size) {
    throw badState(where, 'values.data', `${size} values (the product of values.shape ${shapeString(shape)})`, `an array of length ${raw.data.length}`);
  }
  const data = new Float32Array(size);
  raw.data.forEach((x, i) => {
    const v = decodeNumber(x);
    // the values are float32: anything else was not written by acc.state()
    if (v === undefined || !(Object.is(Math.fround(v), v) || Number.isNaN(v))) throw badState(where, `values.data[${i}]`, `a float32 value: ${NUMBER_EXPECTED}`, describe(x));
    data[i] = v;
  });
  return { data, shape: [...shape] };
}

// ---- writing ----

/** The state of an accumulator: plain JSON (JSON.stringify gives it back exactly through JSON.parse). */
export function writeState(config: Config, held: Held): AccumulatorState {
  const head = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    loss: config.loss,
    framework: config.framework,
    reduction: config.reduction,
    options: structuredClone(config.options) as Record<string, StateOption>,
  };
  const seen = { batches: held.batches, item: held.item === null ? null : [...held.item], rules: { ...held.rules } };
  if (config.reduction !== 'none') {
    return { ...head, mode: 'reduce', ...seen, sum: held.sum.terms().map(encodeNumber), count: held.count.terms().map(encodeNumber) } as AccumulatorState;
  }
  const values = concatenated(held);
  const tensor: StateTensor = { data: Array.from(values.data, encodeNumber), shape: [...values.shape] };
  return { ...head, mode: 'concatenate', ...seen, values: tensor } as AccumulatorState;
}

/** Reduction 'none''s values: the parts one after the other along axis 0. */
export function concatenated(held: Held): OutputTensor {
  let rows = 0;
  let size = 0;
  for (const p of held.parts) {
    rows += p.shape.length === 0 ? 1 : p.shape[0]!;
    size += p.data.length;
  }
  const data = new Float32Array(size);
  let at = 0;
  for (const p of held.parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { data, shape: [rows, ...(held.item ?? [])] };
}
