// The page: talks to worker.js (parsing and scoring run there, so a 100 MB file never blocks this thread),
// builds the loss and option controls from what the worker discovered in fastloss, and draws the results.
// `?build=scalar` forces the scalar WebAssembly build (what a browser without SIMD gets).

const EXAMPLES = [
  { id: 'diabetes', url: '../../data/diabetes.json', predictions: 'pred', labels: 'target', loss: 'mse', note: 'torch MLP regressor, 442 patients' },
  { id: 'linnerud', url: '../../data/linnerud.json', predictions: 'pred', labels: 'target', loss: 'mae', note: 'ridge regression, 20 x 3 outputs' },
  { id: 'digits', url: '../../data/digits.json', predictions: 'logits', labels: 'labels', loss: 'categorical_crossentropy', note: 'MLP logits, 450 images x 10 classes' },
];

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let catalog = [];
let busy = false;
let done = 0; // requests finished (body[data-done]): what a test waits on
const state = { predictions: [], labels: [] };

// ---- messages ----

const pending = [];
function request(message) {
  return new Promise((resolve, reject) => {
    pending.push({ resolve, reject });
    worker.postMessage(message);
  });
}

worker.onmessage = ({ data }) => {
  if (data.type === 'progress') return showProgress(data.stage, data.fraction);
  const waiter = pending.shift();
  if (data.type === 'error') waiter?.reject(data);
  else waiter?.resolve(data);
};
worker.onerror = (e) => showError(`The worker failed: ${e.message}`);

function showError(message) {
  $('error').textContent = message;
  $('error').style.display = 'block';
}
function clearError() {
  $('error').style.display = 'none';
  $('error').textContent = '';
}
function showProgress(stage, fraction) {
  $('progress-box').style.display = 'flex';
  $('progress').value = fraction;
  $('progress-label').textContent = `${stage} ${Math.round(fraction * 100)}%`;
}

async function run(label, message) {
  busy = true;
  updateButtons();
  clearError();
  document.body.dataset.state = 'busy';
  try {
    return await request(message);
  } catch (e) {
    showError(e.kind === 'loss' || e.kind === 'file' ? e.message : `${label}: ${e.message}`);
    // A result on screen belongs to the data and loss it was scored with: after an error it no longer does.
    clearResult();
    document.body.dataset.state = 'error';
    return null;
  } finally {
    busy = false;
    updateButtons();
    $('progress-box').style.display = 'none';
    document.body.dataset.done = String(++done);
  }
}

// ---- loading ----

/** Empties the result panel: new data (or an error) makes the shown loss, timings and samples stale. */
function clearResult() {
  for (const id of ['value', 'fast-ms', 'plain-ms']) $(id).textContent = '–';
  for (const id of ['result-note', 'histogram-note', 'timing-note']) $(id).textContent = '';
  drawHistogram(null);
  $('worst').tHead.replaceChildren();
  $('worst').tBodies[0].replaceChildren();
}

function showLoaded(result) {
  clearResult();
  state.predictions = result.predictions;
  state.labels = result.labels;
  const list = (ts) => (ts.length === 0 ? 'none' : ts.map((t) => `${t.name} [${t.shape.join(', ')}] ${t.dtype}`).join(', '));
  $('loaded').textContent = `Predictions: ${list(result.predictions)}. Labels: ${list(result.labels)}.`;
  document.body.dataset.state = 'loaded';
}

async function loadFiles(slot, files, picker = null) {
  if (files.length === 0) return;
  const result = await run('Loading', { type: 'load', slot, files: [...files] });
  if (result) showLoaded(result);
  // A refused file must not stay shown in its picker as if it were loaded (what is loaded is in #loaded).
  else if (picker !== null) picker.value = '';
}

$('load-example').onclick = async () => {
  const example = EXAMPLES.find((e) => e.id === $('example').value);
  const result = await run('Loading the example', { type: 'load', example: { ...example, url: new URL(example.url, location.href).href } });
  if (!result) return;
  showLoaded(result);
  $('loss').value = example.loss;
  onLossChange();
};
$('predictions-file').onchange = (e) => loadFiles('predictions', e.target.files, e.target);
$('labels-file').onchange = (e) => loadFiles('labels', e.target.files, e.target);

const drop = $('drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const files = [...e.dataTransfer.files];
  await loadFiles('predictions', files.slice(0, 1));
  if (files.length > 1) await loadFiles('labels', files.slice(1, 2));
};

// ---- the loss and its options, from the catalog ----

function findLoss(name) {
  const key = name.trim().toLowerCase();
  return catalog.find((e) => e.name === key || e.aliases.some((a) => a.toLowerCase() === key)) ?? null;
}

function onLossChange() {
  const entry = findLoss($('loss').value);
  const select = $('framework');
  const previous = select.value;
  select.replaceChildren();
  if (entry === null) {
    $('loss-note').textContent = $('loss').value.trim() === '' ? '' : 'Not a known name of an implemented loss (scoring will say what is close).';
    $('options').replaceChildren();
    updateButtons();
    return;
  }
  for (const f of Object.keys(entry.frameworks)) select.add(new Option(f === 'tensorflow' ? 'Keras 3 (tensorflow)' : 'PyTorch', f));
  if (Object.hasOwn(entry.frameworks, previous)) select.value = previous;
  onFrameworkChange();
}

function onFrameworkChange() {
  const entry = findLoss($('loss').value);
  const spec = entry?.frameworks[$('framework').value];
  const box = $('options');
  box.replaceChildren();
  if (!spec) return;
  for (const [key, option] of Object.entries(spec.options)) {
    const label = document.createElement('label');
    label.append(`${key} `);
    let input;
    if (option.choices) {
      input = document.createElement('select');
      for (const c of option.choices) input.add(new Option(c, c));
    } else if (option.type === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = option.default;
    } else {
      input = document.createElement('input');
      input.type = option.type === 'number' ? 'number' : 'text';
      input.step = 'any';
      input.size = 8;
    }
    if (option.type !== 'boolean') input.value = String(option.default);
    input.dataset.option = key;
    input.dataset.type = option.type;
    label.append(input);
    box.append(label);
  }
  const names = [...spec.inputs, ...spec.optional.map((n) => `${n}?`)].join(', ');
  $('loss-note').textContent = `${entry.name}: inputs ${names}; also called ${entry.aliases.filter((a) => a !== entry.name).join(', ') || '–'}.`;
  updateButtons();
}

function readOptions() {
  const options = {};
  for (const input of $('options').querySelectorAll('[data-option]')) {
    const key = input.dataset.option;
    if (input.dataset.type === 'boolean') options[key] = input.checked;
    else if (input.dataset.type === 'number') options[key] = input.value.trim() === '' ? undefined : Number(input.value);
    else options[key] = input.value;
  }
  return options;
}

function updateButtons() {
  $('score').disabled = busy || catalog.length === 0 || state.predictions.length === 0;
  $('load-example').disabled = busy || catalog.length === 0;
}

$('loss').oninput = onLossChange;
$('framework').onchange = onFrameworkChange;

// ---- scoring and drawing ----

const fmt = (x) => (typeof x !== 'number' ? String(x) : Number.isFinite(x) ? (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(5) : x.toPrecision(7)) : String(x));
const ms = (t) => (t === null ? '–' : t < 1 ? `${(t * 1000).toPrecision(2)} µs` : `${t.toFixed(2)} ms`);

$('score').onclick = async () => {
  const result = await run('Scoring', { type: 'score', name: $('loss').value.trim(), framework: $('framework').value || undefined, options: readOptions() });
  if (!result) return;
  showResult(result);
};

function showResult(r) {
  $('value').textContent = typeof r.value === 'number' ? fmt(r.value) : `tensor [${r.value.shape.join(', ')}]: ${r.value.head.map(fmt).join(', ')}…`;
  $('fast-ms').textContent = `${ms(r.fastMs)} per call (${r.build} build, ${r.fastRuns} calls)`;
  const ratio = r.plainMs === null ? 0 : r.plainMs / r.fastMs;
  const faster = ratio >= 1 ? `fastloss ${ratio.toFixed(1)}x faster` : `the loop ${(1 / ratio).toFixed(1)}x faster`;
  $('plain-ms').textContent = r.plainMs === null ? 'no plain-JS twin for this loss/reduction in this example' : `${ms(r.plainMs)} per call, value ${fmt(r.plainValue)} (${faster})`;
  $('result-note').textContent = `${r.loss} (${r.framework}) ${JSON.stringify(r.options)}: ${r.used.join('; ')}`;
  // At a few hundred elements a call costs what the loop costs: say why, rather than leave "the loop is faster".
  $('timing-note').textContent =
    r.plainMs !== null && r.elements < 4096
      ? `${r.elements} elements: at this size a call costs about what the loop costs (most of it the fixed cost of entering WebAssembly and copying the arrays in, about 0.4 µs); below 256 elements fastloss takes a JS path of its own (loadLosses({ jsBelow })), and from a few thousand elements its SIMD kernels pull ahead (2-3x at 4,096 in Chromium).`
      : '';
  drawHistogram(r.histogram);
  $('histogram-note').textContent = r.histogram === null
    ? 'No per-sample losses for this loss (it has no reduction option).'
    : `${r.samples} samples, from ${fmt(r.histogram.lo)} to ${fmt(r.histogram.hi)}${r.histogram.nonFinite ? `; ${r.histogram.nonFinite} not finite` : ''}`;
  const table = $('worst');
  const names = r.worst.length ? Object.keys(r.worst[0].inputs) : [];
  table.tHead.replaceChildren(row('th', ['#', 'sample', 'loss', ...names]));
  table.tBodies[0].replaceChildren(...r.worst.map((w, i) => row('td', [i + 1, w.index, fmt(w.loss), ...names.map((n) => w.inputs[n])])));
  document.body.dataset.state = 'scored';
}

function row(cell, values) {
  const tr = document.createElement('tr');
  for (const v of values) {
    const td = document.createElement(cell);
    td.textContent = String(v);
    tr.append(td);
  }
  return tr;
}

function drawHistogram(h) {
  const canvas = $('histogram');
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (h === null) return;
  const max = Math.max(1, ...h.counts);
  const pad = 24;
  const w = (width - 2 * pad) / h.counts.length;
  ctx.fillStyle = '#2f6fde';
  h.counts.forEach((c, i) => {
    const bar = (c / max) * (height - 2 * pad);
    ctx.fillRect(pad + i * w + 1, height - pad - bar, Math.max(1, w - 2), bar);
  });
  ctx.fillStyle = '#5b6474';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(fmt(h.lo), pad, height - 6);
  const hi = fmt(h.hi);
  ctx.fillText(hi, width - pad - ctx.measureText(hi).width, height - 6);
  ctx.fillText(`max ${max} per bin`, pad, 14);
}

// ---- start ----

for (const e of EXAMPLES) $('example').add(new Option(`${e.id}: ${e.note}`, e.id));
const ready = await run('Starting fastloss', { type: 'init', build: params.get('build') ?? 'auto' });
if (ready) {
  catalog = ready.catalog;
  for (const e of catalog) for (const a of e.aliases) $('loss-names').append(new Option(a));
  $('build').textContent = `WebAssembly build: ${ready.build}`;
  document.body.dataset.build = ready.build;
  document.body.dataset.state = 'ready';
  onLossChange();
}
