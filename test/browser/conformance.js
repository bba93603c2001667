// Runs a conformance fixture (test/fixtures/*.torch.json, test/fixtures/keras3/*.json) on a fastloss instance
// and returns every number it computed: each case's value and gradients, or the LossError code it raised.
// Plain JavaScript with no imports, so the same file runs in Node (test/browser.test.ts) and in Chromium
// (served to the page): the two result lists are then compared number by number.

const decode = (x) => (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x);
const numbers = (list) => Float32Array.from(list, decode);
const flat = (v) => (typeof v === 'number' ? [v] : Array.from(v.data));

/** One record per computation: { id, values } or { id, error } (a LossError code). */
function attempt(out, id, fn) {
  try {
    out.push({ id, values: fn() });
  } catch (e) {
    if (e === null || typeof e !== 'object' || e.name !== 'LossError') throw e;
    out.push({ id, error: e.code });
  }
}

function withGradValues(g) {
  const values = flat(g.value);
  for (const name of Object.keys(g.grad).sort()) values.push(...flat(g.grad[name]));
  return values;
}

const tensor = (t) => ({ data: numbers(t.data), shape: t.shape });

/** PyTorch fixtures in the shape of test/fixtures/regression.torch.json: { name, options, inputs, gradOutput? }. */
function torchCases(fl, fixture, out) {
  for (const c of fixture.cases) {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, Array.isArray(t?.data) ? tensor(t) : t]));
    attempt(out, `${c.id} value`, () => flat(fl.loss(c.name, { framework: 'pytorch', ...c.options })(inputs)));
    attempt(out, `${c.id} withGrad`, () =>
      withGradValues(fl.loss(c.name, { framework: 'pytorch', ...c.options }).withGrad(inputs, c.gradOutput ? { gradOutput: tensor(c.gradOutput) } : {})),
    );
  }
}

/** test/fixtures/ctc.torch.json: each case under every reduction, gradients wrt logProbs and logits. */
function ctcCases(fl, fixture, out) {
  for (const c of fixture.cases) {
    const inputs = { logProbs: { data: numbers(c.logProbs), shape: c.shape }, targets: c.targets, inputLengths: c.inputLengths, targetLengths: c.targetLengths };
    for (const [reduction, r] of Object.entries(c.results)) {
      const go = r.gradOutput === undefined ? undefined : Array.isArray(r.gradOutput) ? r.gradOutput : [r.gradOutput];
      const gradOptions = go === undefined ? undefined : { gradOutput: c.shape.length === 3 ? go : { data: go, shape: [] } };
      for (const gradOf of ['logProbs', 'logits']) {
        const loss = () => fl.loss('CTCLoss', { blank: c.blank, reduction, zeroInfinity: c.zeroInfinity, gradOf });
        attempt(out, `${c.id} ${reduction} ${gradOf} value`, () => flat(loss()(inputs)));
        attempt(out, `${c.id} ${reduction} ${gradOf} withGrad`, () => withGradValues(loss().withGrad(inputs, gradOptions)));
      }
    }
  }
}

/** test/fixtures/keras3/<loss>.json: { loss, options, inputs }, TensorFlow semantics. */
function kerasCases(fl, fixture, out) {
  for (const c of fixture.cases) {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, tensor(t)]));
    attempt(out, `${c.id} value`, () => flat(fl.loss(c.loss, { framework: 'tensorflow', ...c.options })(inputs)));
    attempt(out, `${c.id} withGrad`, () => withGradValues(fl.loss(c.loss, { framework: 'tensorflow', ...c.options }).withGrad(inputs)));
  }
}

/**
 * The records of one fixture, or { skipped } when its loss has not landed or its layout is not one of the
 * three above (a new family's fixture in another layout is reported, not silently passed).
 */
export function runFixture(fl, fixture) {
  const out = [];
  const first = fixture.cases?.[0];
  if (first === undefined) return { skipped: 'no cases' };
  const landed = (name, framework) => {
    try {
      fl.loss(name, { framework });
      return true;
    } catch (e) {
      if (e?.code === 'NOT_IMPLEMENTED') return false;
      throw e;
    }
  };
  if ('logProbs' in first && 'results' in first) {
    if (!landed('CTCLoss', 'pytorch')) return { skipped: 'ctc has not landed' };
    ctcCases(fl, fixture, out);
  } else if ('expected' in first && typeof first.loss === 'string') {
    if (!landed(first.loss, 'tensorflow')) return { skipped: `${first.loss} (tensorflow) has not landed` };
    kerasCases(fl, fixture, out);
  } else if (typeof first.name === 'string' && 'inputs' in first) {
    if (!landed(first.name, 'pytorch')) return { skipped: `${first.name} (pytorch) has not landed` };
    torchCases(fl, fixture, out);
  } else {
    return { skipped: `unknown fixture layout (case keys: ${Object.keys(first).join(', ')})` };
  }
  return { records: out };
}
