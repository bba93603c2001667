// The page's Web Worker: parses the files (100 MB and more) and scores them off the main thread, posting
// progress as it goes. Messages in: init, load (files or an example set), score. Messages out: ready, progress,
// loaded, result, error ({ message } shown on the page as it is).
import { loadLosses } from '../../dist/browser/index.js';
import { FileError, jsonTensors, parseFile } from './parse.js';
import { catalog, histogram, mapInputs, perSample, plainJs, timePair, worst } from './score.js';

let fl;
const slots = { predictions: {}, labels: {} };

const post = (message, transfer = []) => self.postMessage(message, transfer);
const progress = (stage, fraction) => post({ type: 'progress', stage, fraction });

/**
 * Float64 data (JSON, CSV) becomes float32 once, what fastloss computes in (so the timing does not include a
 * conversion on every call); .npy int32/int64 stays int32. An input that a loss wants as integers (class
 * indices, lengths) is converted when the loss says so (asInt32 below).
 */
function compact(tensors) {
  for (const t of Object.values(tensors)) {
    if (t.data instanceof Float64Array) t.data = Float32Array.from(t.data);
  }
  return tensors;
}

/** Calls `fn(inputs)`; on a LossError BAD_DTYPE about an input holding whole numbers, retries with it as int32. */
function withDtypes(fn, inputs) {
  for (let attempt = 0; ; attempt++) {
    try {
      return { result: fn(inputs), inputs };
    } catch (e) {
      const name = e?.name === 'LossError' && e.code === 'BAD_DTYPE' ? /^(?:input ")?([A-Za-z]+)/.exec(e.argument)?.[1] : undefined;
      const t = name === undefined ? undefined : inputs[name];
      if (attempt > 4 || t === undefined || t.data instanceof Int32Array || !t.data.every(Number.isInteger)) throw e;
      inputs = { ...inputs, [name]: { data: Int32Array.from(t.data), shape: t.shape } };
    }
  }
}

const summary = (tensors) => Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape, dtype: t.data.constructor.name.replace('Array', '').toLowerCase() }));

async function readFiles(files, slot) {
  const out = {};
  let done = 0;
  const total = files.reduce((s, f) => s + f.size, 0) || 1;
  for (const file of files) {
    progress(`reading ${file.name}`, done / total);
    const buffer = await readWithProgress(file, (n) => progress(`reading ${file.name}`, (done + n * 0.5) / total));
    const parsed = parseFile(file.name, buffer, (f) => progress(`parsing ${file.name}`, (done + file.size * (0.5 + 0.5 * f)) / total));
    Object.assign(out, parsed);
    done += file.size;
  }
  progress(`converting ${slot}`, 1);
  return compact(out);
}

/** A File's bytes, read in slices so that progress can be reported (a 100 MB file takes a while). */
async function readWithProgress(file, report) {
  const reader = file.stream().getReader();
  const bytes = new Uint8Array(file.size);
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, offset);
    offset += value.length;
    report(offset);
  }
  return bytes.buffer;
}

/**
 * Large float32 inputs are copied once into fastloss tensors (wasm memory), which the losses read in place:
 * what an application scoring the same data repeatedly does. Smaller ones are passed as they are.
 */
const placed = new Map(); // Float32Array → WasmTensor
function place(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, t]) => {
      if (!(t.data instanceof Float32Array) || t.data.length < 65536) return [name, t];
      let tensor = placed.get(t.data);
      if (tensor === undefined) {
        tensor = fl.tensor(t.shape);
        tensor.data.set(t.data);
        placed.set(t.data, tensor);
      }
      return [name, tensor];
    }),
  );
}
function freePlaced() {
  for (const tensor of placed.values()) tensor.free();
  placed.clear();
}

async function load({ slot, files, example }) {
  freePlaced();
  if (example !== undefined) {
    progress(`fetching ${example.url}`, 0);
    const response = await fetch(example.url);
    if (!response.ok) throw new Error(`${example.url}: HTTP ${response.status}`);
    const json = await response.json();
    const all = jsonTensors(example.url, json);
    slots.predictions = compact({ [example.predictions]: all[example.predictions] });
    slots.labels = compact({ [example.labels]: all[example.labels] });
    progress('loaded', 1);
    return { type: 'loaded', predictions: summary(slots.predictions), labels: summary(slots.labels) };
  }
  slots[slot] = await readFiles(files, slot);
  progress('loaded', 1);
  return { type: 'loaded', predictions: summary(slots.predictions), labels: summary(slots.labels) };
}

function score({ name, framework, options }) {
    const resolved = fl.loss(name, { ...options, framework }); // throws a LossError for a bad name or option
  const spec = catalog.cache.find((e) => e.name === resolved.name).frameworks[resolved.framework];
  const mapped = mapInputs(spec, slots.predictions, slots.labels, resolved.name);
  const { used } = mapped;
  const { inputs } = withDtypes(resolved, mapped.inputs);
  progress('scoring', 0.1);
  const inWasm = place(inputs);
  const js = plainJs(resolved.name, resolved.framework, resolved.options);
  const { fast, plain } = timePair(() => resolved(inWasm), js === null ? null : () => js(inputs));
  progress('per-sample losses', 0.7);
  const values = perSample(fl, resolved.name, resolved.framework, { ...resolved.options }, inputs, inWasm);
  progress('done', 1);
  const value = fast.result;
  return {
    type: 'result',
    loss: resolved.name,
    framework: resolved.framework,
    options: { ...resolved.options },
    build: fl.build,
    used,
    value: typeof value === 'number' ? value : { shape: value.shape, head: Array.from(value.data.subarray(0, 8)) },
    fastMs: fast.ms,
    fastRuns: fast.runs,
    plainMs: plain?.ms ?? null,
    plainValue: plain?.result ?? null,
    samples: values?.length ?? 0,
    elements: Object.values(inputs)[0]?.data.length ?? 0,
    histogram: values === null ? null : histogram(values),
    worst: values === null ? [] : worst(values, inputs),
  };
}

function describeError(e) {
  if (e instanceof FileError) return { kind: 'file', message: e.message };
  if (e?.name === 'LossError') return { kind: 'loss', code: e.code, message: e.message };
  return { kind: 'other', message: e?.message ?? String(e) };
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'init') {
      // the page offers every loss in its picker (its catalog binds each one): every part, not the core alone
      fl = await loadLosses({ build: data.build ?? 'auto', losses: 'all' });
      catalog.cache = catalog(fl);
      post({ type: 'ready', build: fl.build, catalog: catalog.cache });
    } else if (data.type === 'load') {
      post(await load(data));
    } else if (data.type === 'score') {
      post(score(data));
    }
  } catch (e) {
    post({ type: 'error', request: data.type, slot: data.slot, ...describeError(e) });
  }
};
