/**
 * An accumulator's state as plain JSON (`acc.state()`), and the checks a state passes before it is resumed or
 * merged (`loss.accumulator(state)`, `acc.merge(state)`, `fl.accumulator(state)`). A state names what it is of
 * (canonical loss, framework, reduction, every resolved option), so it is never merged into another loss or
 * another configuration; and a state that is not one this code writes (another format version, a key missing,
 * a count that is negative or NaN, values that do not fill their shape) is a LossError BAD_STATE naming the key,
 * never a wrong number. (The messages are short: this file is in the browser build, which has a size budget.)
 *
 * Numbers: JSON has no NaN, ±Infinity or -0 (a PyTorch sum can be inf; a 'none' value can be -0), so a state
 * writes them as the strings "NaN", "Infinity", "-Infinity" and "-0" (StateNumber).
 */

import { describe, LossError } from './errors.js';
import { ExactSum } from './exact-sum.js';
import type { Framework } from './frameworks.js';
import type { StreamHook, StreamRules } from './losses/definition.js';
import { shapeString, type OutputTensor } from './tensor.js';
import type { AccumulatorState, StateNumber, StateOption } from './types.js';

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

/** Where a state is read: the LossError's `loss` ("accumulator" before a loss is resolved), and 'state' or 'other'. */
export interface Where {
  readonly loss: string;
  readonly argument: string;
}

// ---- numbers and options ----

export function encodeNumber(x: number): StateNumber {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

const NUMBER = 'a number, or "NaN", "Infinity", "-Infinity", "-0"';

/** An array of StateNumbers, decoded (a number as such is taken too: a state never sent through JSON). */
function numbers(where: Where, key: string, raw: unknown): number[] {
  if (!Array.isArray(raw)) throw bad(where, key, 'an array of numbers', got(raw));
  return raw.map((x, i) => {
    const v = typeof x === 'number' ? x : typeof x === 'string' && Object.hasOwn(SPECIAL, x) ? SPECIAL[x] : undefined;
    if (v === undefined) throw bad(where, `${key}[${i}]`, NUMBER, describe(x));
    return v;
  });
}

/**
 * An option as a state writes it: as it is (a number's -0 as 0, as JSON would), a tensor option (PyTorch's weight)
 * as { data, shape }, a list option (Keras's axis list, CategoricalFocal's per-class alpha, a Float32Array once
 * parsed) as a list of numbers. What is not a valid option value is left for the comparison, or fl.loss, to refuse.
 */
function optionForm(where: Where, key: string, v: unknown): StateOption {
  if (typeof v === 'number') return v + 0;
  if (typeof v !== 'object' || v === null) return v as StateOption;
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return numbers(where, `options.${key}`, Array.from(v as ArrayLike<unknown>)).map(encodeNumber);
  const t = v as { data: ArrayLike<unknown>; shape: number[] };
  return { data: numbers(where, `options.${key}.data`, Array.from(t.data ?? [])).map(encodeNumber), shape: t.shape };
}

export function encodeOptions(options: Readonly<Record<string, unknown>>): Record<string, StateOption> {
  const out: Record<string, StateOption> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = optionForm(NOWHERE, key, value);
  return out;
}
const NOWHERE: Where = { loss: '', argument: '' };
type StateTensorForm = { data: unknown; shape: number[] };

/** A state's options as fl.loss takes them (fl.accumulator resolves the loss from them): array options as tensors. */
export function decodeOptions(where: Where, raw: unknown): Record<string, unknown> {
  if (!isRecord(raw)) throw bad(where, 'options', 'an object of options', got(raw));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = optionForm(where, key, value);
    if (Array.isArray(v)) out[key] = numbers(where, key, v);
    else out[key] = typeof v === 'object' && v !== null ? { data: Float32Array.from(numbers(where, key, (v as StateTensorForm).data)), shape: (v as StateTensorForm).shape } : v;
  }
  return out;
}

// ---- the checks ----

function bad(where: Where, key: string, expected: string, received: string): LossError {
  return new LossError({ code: 'BAD_STATE', loss: where.loss, argument: key === '' ? where.argument : `${where.argument}.${key}`, expected, received });
}

const got = (v: unknown): string => (v === undefined ? 'undefined (missing)' : describe(v));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);

const HEADER_KEYS = ['format', 'version', 'loss', 'framework', 'reduction', 'options', 'mode', 'batches', 'item', 'rules'];

/** The first checks of any state: an object of this format and version. */
export function checkFormat(where: Where, raw: unknown): asserts raw is Record<string, unknown> {
  if (!isRecord(raw)) throw bad(where, '', 'an accumulator state (acc.state())', describe(raw));
  if (raw.format !== STATE_FORMAT) throw bad(where, 'format', `"${STATE_FORMAT}"`, got(raw.format));
  if (raw.version !== STATE_VERSION) throw bad(where, 'version', `${STATE_VERSION}`, got(raw.version));
}

/** The state's loss, framework, reduction and options against the accumulator's: they must be the same. */
export function checkConfig(where: Where, raw: Record<string, unknown>, config: Config): void {
  for (const key of ['loss', 'framework', 'reduction'] as const) {
    if (raw[key] !== config[key]) throw bad(where, key, `"${config[key]}" (this accumulator's)`, got(raw[key]));
  }
  const options = raw.options;
  if (!isRecord(options)) throw bad(where, 'options', 'an object of options', got(options));
  const names = Object.keys(config.options);
  for (const key of new Set([...names, ...Object.keys(options)])) {
    if (!names.includes(key)) throw bad(where, `options.${key}`, `only this accumulator's options: ${names.join(', ')}`, `"${key}"`);
    const mine = config.options[key];
    const theirs = Object.hasOwn(options, key) ? optionForm(where, key, options[key]) : undefined;
    if (JSON.stringify(theirs) !== JSON.stringify(mine)) throw bad(where, `options.${key}`, `${got(mine)} (this accumulator's)`, got(theirs));
  }
}

/**
 * Everything a state holds, checked against the accumulator's configuration and decoded: what the accumulator
 * merges. Throws BAD_STATE on the first key that is not as this code writes it.
 */
export function readState(where: Where, raw: unknown, config: Config): Held {
  checkFormat(where, raw);
  checkConfig(where, raw, config);
  const reduce = config.reduction !== 'none';
  const mode = reduce ? 'reduce' : 'concatenate';
  if (raw.mode !== mode) throw bad(where, 'mode', `"${mode}"`, got(raw.mode));
  const keys = [...HEADER_KEYS, ...(reduce ? ['sum', 'count'] : ['values'])];
  for (const key of Object.keys(raw)) if (!keys.includes(key)) throw bad(where, key, `a key of a "${mode}" state: ${keys.join(', ')}`, `"${key}"`);
  const { batches, item, rules } = raw;
  if (!Number.isSafeInteger(batches) || (batches as number) < 0) throw bad(where, 'batches', 'a non-negative integer', got(batches));
  // a state of no batch has no item shape, no rules, nothing summed
  const none = batches === 0;
  if (none ? item !== null : !isShape(item)) throw bad(where, 'item', none ? 'null (no batch)' : 'an item shape', got(item));
  const known = config.hook.rules ?? {};
  const names = Object.keys(known);
  if (!isRecord(rules)) throw bad(where, 'rules', 'an object of rules', got(rules));
  for (const [key, value] of Object.entries(rules)) {
    const allowed = Object.hasOwn(known, key) ? known[key]!.values : undefined;
    if (allowed === undefined) throw bad(where, `rules.${key}`, `a rule of this loss (${names.join(', ') || 'none'})`, `"${key}"`);
    if (!allowed.includes(value as string | boolean)) throw bad(where, `rules.${key}`, allowed.map((v) => JSON.stringify(v)).join(' or '), describe(value));
    if (none) throw bad(where, 'rules', '{} (no batch)', describe(rules));
  }
  const held = emptyHeld();
  held.batches = batches as number;
  held.item = item === null ? null : [...(item as number[])];
  held.rules = { ...(rules as StreamRules) };
  if (!reduce) {
    held.parts = [readValues(where, raw.values, held.item ?? [], none)];
    return held;
  }
  for (const key of ['sum', 'count'] as const) {
    const sum = (held[key] = new ExactSum());
    for (const t of numbers(where, key, raw[key])) sum.add(t);
    if (none && !sum.isZero()) throw bad(where, key, '[] (no batch)', `terms summing to ${sum.value()}`);
  }
  // The divisor counts values (a non-negative integer), except where it sums weights, which may be anything: Keras's
  // mean_with_sample_weight, PyTorch's weighted means (a `weight` option).
  const count = held.count.value();
  if (config.reduction !== 'mean_with_sample_weight' && !('weight' in config.options) && !(Number.isSafeInteger(count) && count >= 0)) {
    throw bad(where, 'count', 'terms summing to a count (an integer >= 0)', `terms summing to ${count}`);
  }
  return held;
}

function readValues(where: Where, raw: unknown, item: readonly number[], none: boolean): OutputTensor {
  if (!isRecord(raw)) throw bad(where, 'values', '{ data, shape }', got(raw));
  const shape = raw.shape;
  if (!isShape(shape) || shape.length !== item.length + 1 || shape.some((d, i) => i > 0 && d !== item[i - 1]) || (none && shape[0] !== 0)) {
    throw bad(where, 'values.shape', `[${[none ? 0 : 'rows', ...item].join(', ')}]`, isShape(shape) ? shapeString(shape) : got(shape));
  }
  const data = numbers(where, 'values.data', raw.data);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw bad(where, 'values.data', `${size} values (shape ${shapeString(shape)})`, got(raw.data));
  return { data: Float32Array.from(data), shape: [...shape] };
}

// ---- writing ----

/** The state of an accumulator: plain JSON (JSON.stringify gives it back exactly through JSON.parse). */
export function writeState(config: Config, held: Held): AccumulatorState {
  const state: Record<string, unknown> = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    loss: config.loss,
    framework: config.framework,
    reduction: config.reduction,
    options: structuredClone(config.options),
    mode: config.reduction === 'none' ? 'concatenate' : 'reduce',
    batches: held.batches,
    item: held.item && [...held.item],
    rules: { ...held.rules },
  };
  if (config.reduction !== 'none') {
    state.sum = held.sum.terms().map(encodeNumber);
    state.count = held.count.terms().map(encodeNumber);
  } else {
    const values = concatenated(held);
    state.values = { data: Array.from(values.data, encodeNumber), shape: values.shape };
  }
  return state as unknown as AccumulatorState;
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
