// Every input form a user holds, against a plain-JS loop over the same form (a number[] loop for number[], a
// nested loop for nested arrays, …): MSE, PyTorch semantics, reduction 'mean', forward, on the default
// instance (SIMD, jsBelow 256). The question each row answers: what does calling fastloss on the data I already
// have cost me, next to writing the loop myself?
//
// `node bench/forms.mjs [--quick]` prints the section; `npm run bench` includes it in BENCHMARKS.md.

import { pathToFileURL } from 'node:url';
import { loadLosses } from '../dist/index.js';
import { mulberry32 } from './data.mjs';
import { measureWorkload } from './measure.mjs';
import { targetsTable } from './sections.mjs';

const COLS = 16; // nested arrays and { data, shape } are [n / 16, 16]

function numbers(n, seed) {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.fround(r() * 6 - 3));
}

const nest = (flat) => Array.from({ length: flat.length / COLS }, (_, i) => flat.slice(i * COLS, (i + 1) * COLS));

// ---- the plain-JS loops, one per form, as a user writes them ----

function mseFlat(p, t) {
  const n = p.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    s += d * d;
  }
  return s / n;
}

function mseNested(p, t) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const pr = p[i];
    const tr = t[i];
    for (let j = 0; j < pr.length; j++) {
      const d = pr[j] - tr[j];
      s += d * d;
    }
    n += pr.length;
  }
  return s / n;
}


/** The forms: name, how to make pred/target from the float32-representable numbers, the plain loop over it. */
export const FORMS = [
  { key: 'number[]', make: (a) => a, plain: mseFlat },
  { key: `nested [n/${COLS}, ${COLS}]`, make: nest, plain: mseNested },
  { key: `{ data: number[], shape }`, make: (a) => ({ data: a, shape: [a.length / COLS, COLS] }), plain: mseFlat },
  { key: 'Float64Array', make: (a) => Float64Array.from(a), plain: mseFlat },
  { key: `{ data: Float32Array, shape }`, make: (a) => ({ data: Float32Array.from(a), shape: [a.length / COLS, COLS] }), plain: mseFlat },
  { key: 'Float32Array', make: (a) => Float32Array.from(a), plain: mseFlat },
];

export const SIZES = [64, 4096, 65536, 1048576];

/** Goals: fastloss time ÷ plain-JS time (≤), or plain ÷ fastloss (≥) for Float64Array at 1M. */
export function goalOf(form, n) {
  if (form === 'Float64Array' && n === 1048576) return { op: '>=', goal: 3, what: 'faster than the plain loop' };
  if (n === 64 && (form === 'Float64Array' || form.startsWith('{ data: Float32Array') || form === 'Float32Array')) {
    return { op: '<=', goal: 1.25, what: 'within the plain loop' };
  }
  if (form === 'number[]' || form.startsWith('nested') || form.startsWith('{ data: number[]')) {
    return { op: '<=', goal: n === 64 ? 2 : 1.5, what: 'within the plain loop' };
  }
  return null;
}

const fmt = (s) => (s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : s >= 1e-6 ? `${(s * 1e6).toFixed(2)} µs` : `${(s * 1e9).toFixed(0)} ns`);

export async function runSuite({ quick = false, log = () => {} } = {}) {
  const fl = await loadLosses();
  const loss = fl.loss('mse', { framework: 'pytorch' });
  const sizes = quick ? [64, 65536] : SIZES;
  const rounds = quick ? 3 : 7;
  const rows = [];
  const targets = [];
  for (const n of sizes) {
    const pa = numbers(n, 1);
    const ta = numbers(n, 2);
    for (const form of FORMS) {
      const pred = form.make(pa);
      const target = form.make(ta);
      const args = { pred, target };
      // a fresh copy of the plain loop per form: its own type feedback, as a user's own loop would have
      const plainLoop = new Function(`return ${form.plain.toString()}`)();
      const runners = [
        { key: 'fastloss', call: (a) => loss(a), args, check: () => ({ value: loss(args) }) },
        { key: 'plain', call: form.key.startsWith('{') ? (a) => plainLoop(a.pred.data, a.target.data) : (a) => plainLoop(a.pred, a.target), args, check: () => ({ value: form.key.startsWith('{') ? plainLoop(pred.data, target.data) : plainLoop(pred, target) }) },
      ];
      log(`forms: ${form.key} n=${n}`);
      const measured = await measureWorkload(runners, { sampleMs: quick ? 10 : 20, rounds, budgetS: 60 });
      const [f, p] = measured;
      const relErr = Math.abs(f.value - p.value) / Math.abs(p.value);
      const ratio = f.median / p.median;
      const g = goalOf(form.key, n);
      let mark = '';
      if (g) {
        const value = g.op === '<=' ? ratio : 1 / ratio;
        const pass = g.op === '<=' ? value <= g.goal : value >= g.goal;
        mark = `${pass ? '✅' : '❌'} ${g.op === '<=' ? '≤' : '≥'} ${g.goal}×`;
        targets.push({ workload: `${form.key}, ${n.toLocaleString('en-US')} elements`, what: `${g.what} over the same form`, goal: `${g.op === '<=' ? '≤' : '≥'} ${g.goal}×`, ratio: value, pass });
      }
      rows.push(`| ${form.key} | ${n.toLocaleString('en-US')} | ${fmt(f.median)} | ${fmt(p.median)} | ${ratio.toFixed(2)}× | ${(1 / ratio).toFixed(2)}× | ${mark} | ${relErr.toExponential(1)} |`);
    }
  }
  const markdown = [
    '## Every input form (MSE, PyTorch, mean, forward, default instance)',
    '',
    'fastloss on the data form a user holds, against a plain-JS loop over the same form (bench/forms.mjs).',
    `Nested arrays and \`{ data, shape }\` are [n/${COLS}, ${COLS}]. "fl ÷ JS" below 1 means fastloss is faster.`,
    '',
    targetsTable(targets),
    '',
    '| form | elements | fastloss | plain JS | fl ÷ JS | JS ÷ fl | target | value rel. diff |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rows,
    '',
  ].join('\n');
  return { markdown, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown } = await runSuite({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
  console.log(markdown);
}
