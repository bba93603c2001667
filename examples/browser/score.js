// What the page knows about the losses, found at run time from the loaded fastloss instance (so a loss family
// that lands later shows up with no change here): the implemented losses and their frameworks
// (fl.implemented()), every name they answer to (fl.aliases()), each one's inputs (from the LossError
// MISSING_INPUT that a call without inputs raises), its options and their defaults (loss.options), and the
// values an option may take (from the LossError BAD_OPTION of a value it cannot take). Then: scoring, the
// per-sample losses, the worst samples, and the timing against a plain-JS loop.

/** Every implemented loss: { name, aliases, frameworks: { [framework]: { inputs, optional, options } } }. */
export function catalog(fl) {
  const aliases = fl.aliases();
  return fl.implemented().map(({ name, frameworks }) => {
    const entry = { name, aliases: aliases.filter((a) => a.canonical === name).map((a) => a.alias), frameworks: {} };
    for (const framework of frameworks) entry.frameworks[framework] = describeLoss(fl, name, framework);
    return entry;
  });
}

function describeLoss(fl, name, framework) {
  const loss = fl.loss(name, { framework });
  let inputs = [];
  let optional = [];
  try {
    loss({});
  } catch (e) {
    // expected: `inputs { pred, target, sampleWeight? }`
    const list = /\{([^}]*)\}/.exec(e.expected ?? '')?.[1] ?? '';
    for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (item.endsWith('?')) optional.push(item.slice(0, -1));
      else inputs.push(item);
    }
  }
  const options = {};
  for (const [key, value] of Object.entries(loss.options)) {
    const option = { default: value, type: typeof value };
    if (typeof value === 'string') {
      try {
        fl.loss(name, { framework, [key]: '\u0001' });
      } catch (e) {
        const choices = [...(e.expected ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
        if (choices.includes(value)) option.choices = choices;
      }
    }
    options[key] = option;
  }
  return { inputs, optional, options };
}

/**
 * The loss's inputs from the loaded tensors: a tensor named like the input wins; otherwise the first input is
 * the predictions file and the second the labels file. Throws a readable Error for an input nothing provides.
 */
export function mapInputs(spec, predictions, labels, lossName) {
  const pool = { ...predictions, ...labels };
  const inputs = {};
  const used = [];
  const order = [Object.keys(predictions)[0], Object.keys(labels)[0]];
  spec.inputs.forEach((input, i) => {
    const key = Object.hasOwn(pool, input) ? input : order[i];
    if (key === undefined || pool[key] === undefined) {
      const which = i === 0 ? 'predictions' : i === 1 ? 'labels' : `a JSON object with a field "${input}"`;
      throw new Error(`${lossName} needs the input "${input}": load ${which}`);
    }
    inputs[input] = pool[key];
    used.push(`${input} ← ${key} [${pool[key].shape.join(', ')}]`);
  });
  for (const input of spec.optional) {
    if (Object.hasOwn(pool, input)) {
      inputs[input] = pool[input];
      used.push(`${input} ← ${input} [${pool[input].shape.join(', ')}]`);
    }
  }
  return { inputs, used };
}

/**
 * Per-sample losses: reduction 'none', then the mean over every axis after the first, so there is one value
 * per sample (row). A 1-D Keras input is one sample of N values to Keras; here each element is a sample.
 * `inWasm`: the same inputs as fastloss tensors, used when no reshaping is needed.
 */
export function perSample(fl, name, framework, options, inputs, inWasm = inputs) {
  if (!('reduction' in options)) return null;
  const first = Object.values(inputs)[0];
  let call = inWasm;
  if (framework === 'tensorflow' && first.shape.length === 1) {
    call = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.shape.length === 1 ? { data: t.data, shape: [t.shape[0], 1] } : t]));
  }
  let out;
  try {
    out = fl.loss(name, { ...options, framework, reduction: 'none' })(call);
  } catch {
    return null;
  }
  if (typeof out === 'number') return Float32Array.of(out);
  const n = out.shape.length === 0 ? 1 : out.shape[0];
  const per = out.data.length / Math.max(n, 1);
  if (per === 1) return out.data;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < per; j++) s += out.data[i * per + j];
    values[i] = s / per;
  }
  return values;
}

export function histogram(values, bins = 48) {
  let lo = Infinity;
  let hi = -Infinity;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const counts = new Array(bins).fill(0);
  if (lo === Infinity) return { lo: 0, hi: 0, counts, nonFinite };
  const width = hi > lo ? (hi - lo) / bins : 1;
  for (const v of values) {
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { lo, hi, counts, nonFinite };
}

/** The k samples with the largest loss (NaN first: those are the ones to look at). */
export function worst(values, inputs, k = 10) {
  const order = Array.from(values.keys());
  const key = (i) => (Number.isNaN(values[i]) ? Infinity : values[i]);
  order.sort((a, b) => key(b) - key(a));
  const n = values.length;
  const preview = (t, i) => {
    if (t.data.length === 0) return '';
    const per = t.shape.length === 0 ? t.data.length : t.data.length / t.shape[0];
    if (t.shape.length === 0 || t.shape[0] !== n) return '';
    const row = Array.from(t.data.subarray(i * per, i * per + Math.min(per, 4)), (v) => +v.toPrecision(4));
    return row.join(', ') + (per > 4 ? `, … (${per})` : '');
  };
  return order.slice(0, k).map((i) => ({
    index: i,
    loss: values[i],
    inputs: Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, preview(t, i)])),
  }));
}

/**
 * Milliseconds per call of `fast` (fastloss) and of `plain` (the loop, or null), timed side by side: each is
 * first called for about 20 ms (the JIT's and the WebAssembly tier-up's warm-up: a first timing of a cold call
 * read 3x slow), then batches of each alternate, at least ~4 ms a batch (a page's clock is coarse: 0.1 ms
 * without cross-origin isolation), and each one's median batch wins; as many rounds as fit in about `budget` ms.
 */
export function timePair(fast, plain, budget = 400) {
  const runners = [fast, plain].filter((f) => f !== null).map((fn) => ({ fn, batch: 1, perCall: [], result: undefined }));
  for (const r of runners) {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < 100) {
      r.result = r.fn();
      calls++;
    }
    r.batch = Math.max(1, Math.ceil((4 * calls) / Math.max(performance.now() - t0, 0.01)));
  }
  const start = performance.now();
  while (runners[0].perCall.length < 3 || (runners[0].perCall.length < 15 && performance.now() - start < budget)) {
    for (const r of runners) {
      const b0 = performance.now();
      for (let i = 0; i < r.batch; i++) r.result = r.fn();
      r.perCall.push((performance.now() - b0) / r.batch);
    }
  }
  const report = (r) => {
    const sorted = [...r.perCall].sort((a, b) => a - b);
    return { ms: sorted[sorted.length >> 1], runs: r.perCall.length * r.batch, result: r.result };
  };
  return { fast: report(runners[0]), plain: plain === null ? null : report(runners[1]) };
}

// ---- plain JS: the loop a page would write by hand, for the losses this example knows ----
//
// One loop per loss, each a function of its own: a loop shared by every loss and calling the loss's term through
// a function (as this file once did) is fast for the first loss timed and 5-10x slower after a second one, when
// the engine no longer inlines the term (one feedback vector per function literal), and reported the loop as
// faster or slower than it is. Each returns Σ over the elements.

const loops = {
  mean_squared_error: () => (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - t[i];
      s += d * d;
    }
    return s;
  },
  mean_absolute_error: () => (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - t[i]);
    return s;
  },
  mean_absolute_percentage_error: () => (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (100 * Math.abs(t[i] - p[i])) / Math.max(Math.abs(t[i]), 1e-7);
    return s;
  },
  mean_squared_logarithmic_error: () => (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const d = Math.log(Math.max(p[i], 1e-7) + 1) - Math.log(Math.max(t[i], 1e-7) + 1);
      s += d * d;
    }
    return s;
  },
  huber: (framework, o) => (framework === 'tensorflow' || o.delta !== undefined ? huberLoop(o.delta ?? 1) : smoothL1Loop(o.beta ?? 1)),
  smooth_l1: (_framework, o) => smoothL1Loop(o.beta ?? 1),
};

function huberLoop(d) {
  return (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const e = Math.abs(p[i] - t[i]);
      s += e <= d ? 0.5 * e * e : d * (e - 0.5 * d);
    }
    return s;
  };
}

function smoothL1Loop(beta) {
  return (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const e = Math.abs(p[i] - t[i]);
      s += beta > 0 && e < beta ? (0.5 * e * e) / beta : e - 0.5 * beta;
    }
    return s;
  };
}

/** A plain-JS function of the inputs giving the loss, or null when this example has none for it. */
export function plainJs(name, framework, options) {
  const reduction = options.reduction;
  const mean = reduction === 'mean' || reduction === 'sum_over_batch_size';
  if (!mean && !(reduction === 'sum' && framework === 'pytorch')) return null;
  const make = loops[name];
  if (make === undefined) return null;
  const sum = make(framework, options);
  return (inputs) => {
    const names = Object.keys(inputs);
    if (names.length !== 2) return null;
    const p = inputs[names[0]].data;
    const t = inputs[names[1]].data;
    if (p.length !== t.length) return null;
    const s = sum(p, t);
    return mean ? s / p.length : s;
  };
}
