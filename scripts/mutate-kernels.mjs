// `npm run mutate -- kernels [filter ...] [--bail] [--list] [--check] [--score]`: the mutants of
// scripts/kernel-mutants.mjs, one at a time, each judged by the suites listed with it.
//
// Stryker (the rest of `npm run mutate`) mutates src/ only. Here each mutant is applied to a copy of the tree in
// a temporary directory (assembly/, src/, test/, scripts/ and the configs, node_modules linked), its three wasm
// builds rebuilt there (`node scripts/build.mjs --kernels`: the suites load build/*.wasm through src/release.ts and
// src/debug.ts), and its suites run there with vitest. The working tree is never written to, except the report;
// the copy is removed at the end, on Ctrl-C and on a crash.
//
// A mutant is killed when a suite fails (the first failing test is reported, with how many tests and files
// failed: without --bail every judging suite runs, which shows the kills that rest on a single test), survived
// when all pass, invalid when it does not build, timeout (counted as killed) when its suites run past three times
// their unmutated time. Before the first mutant the unmutated copy must pass every judging suite.
//
// Filters select mutants by id (`probability-3f2a1c`), id prefix, or kernel file (`probability`, `inline/exp`);
// none runs them all. The results are merged by id into reports/kernel-mutants.json (a later run of some mutants
// replaces theirs) and the score table per file is written to reports/kernel-mutants.md and printed.
// --bail: stop each mutant's suites at the first failure (faster; the kill counts are then 1). --list: the
// mutants and their ids. --check: only verify that every snippet occurs exactly once. --score: print the stored
// report's table.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeTree, closeTreeOnExit, failures, firstLine, openTree, root, run, secs, vitest } from './scratch-tree.mjs';
import { MUTANTS } from './kernel-mutants.mjs';

process.chdir(root);
const REPORT_JSON = 'reports/kernel-mutants.json';
const REPORT_MD = 'reports/kernel-mutants.md';
/** What the copy holds: enough to build the wasm and run the suites. */
const COPY = ['assembly', 'src', 'test', 'scripts', 'asconfig.json', 'package.json', 'tsconfig.json', 'vitest.config.ts'];

/** A stable id: the file and a hash of the change, so that adding a mutant does not renumber the others. */
const idOf = (m) => `${m.file.replace(/\.ts$/, '').replace('/', '-')}-${createHash('sha1').update(`${m.file}\0${m.find}\0${m.replace}`).digest('hex').slice(0, 6)}`;
const count = (text, snippet) => text.split(snippet).length - 1;

function problems() {
  const out = [];
  const ids = new Set();
  for (const m of MUTANTS) {
    const id = idOf(m);
    if (ids.has(id)) out.push(`${id}: listed twice`);
    ids.add(id);
    const path = join('assembly', m.file);
    if (!existsSync(path)) {
      out.push(`${id}: no file ${path}`);
      continue;
    }
    const n = count(readFileSync(path, 'utf8'), m.find);
    if (n !== 1) out.push(`${id}: the snippet occurs ${n} times in ${path} (must be once): ${JSON.stringify(m.find)}`);
    if (m.find === m.replace) out.push(`${id}: the replacement is the original`);
    for (const t of m.tests) if (!existsSync(t)) out.push(`${id}: no judging suite ${t}`);
  }
  return out;
}

/** The copy the mutants are written into (scripts/scratch-tree.mjs). */
let tree = null;
closeTreeOnExit(REPORT_JSON);

const buildWasm = () => run(['scripts/build.mjs', '--kernels'], 10 * 60_000);

// ---- the report ----

function loadReport() {
  if (!existsSync(REPORT_JSON)) return new Map();
  return new Map(JSON.parse(readFileSync(REPORT_JSON, 'utf8')).mutants.map((r) => [r.id, r]));
}

function saveReport(results) {
  mkdirSync('reports', { recursive: true });
  const rows = MUTANTS.map((m) => results.get(idOf(m))).filter((r) => r !== undefined);
  writeFileSync(REPORT_JSON, JSON.stringify({ generated: new Date().toISOString(), mutants: rows }, null, 2) + '\n');
  writeFileSync(REPORT_MD, markdown(rows));
}

const KILLED = new Set(['killed', 'timeout']);

function markdown(results) {
  const order = new Map(MUTANTS.map((m, i) => [idOf(m), i]));
  const rows = results.filter((r) => order.has(r.id)).sort((a, b) => order.get(a.id) - order.get(b.id));
  const files = [...new Set(MUTANTS.map((m) => m.file))];
  const lines = ['# Kernel mutants (`npm run mutate -- kernels`)', '', `${rows.length} of ${MUTANTS.length} mutants have a result.`, ''];
  lines.push('| file | killed | survived | equivalent | invalid | score |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  const total = { killed: 0, survived: 0, equivalent: 0, invalid: 0 };
  for (const file of files) {
    const c = { killed: 0, survived: 0, equivalent: 0, invalid: 0 };
    for (const r of rows.filter((x) => x.file === file)) c[KILLED.has(r.status) ? 'killed' : r.status]++;
    for (const k of Object.keys(total)) total[k] += c[k];
    lines.push(`| ${file} | ${c.killed} | ${c.survived} | ${c.equivalent} | ${c.invalid} | ${score(c)} |`);
  }
  lines.push(`| all ${files.length} files | ${total.killed} | ${total.survived} | ${total.equivalent} | ${total.invalid} | ${score(total)} |`, '');
  lines.push('Score: killed / (killed + survived); equivalent and invalid mutants are not counted.', '');
  lines.push('| id | mutant | result | killed by (failing tests / files), or why equivalent | s |', '| --- | --- | --- | --- | ---: |');
  for (const r of rows) {
    const why = KILLED.has(r.status)
      ? `${r.killedBy} (${r.failingTests} / ${r.failingFiles.length})${r.equivalentClaimWrong ? ' **listed as equivalent**' : ''}`
      : r.status === 'equivalent'
        ? r.equivalent
        : r.status === 'invalid'
          ? `does not build: ${r.message}`
          : '';
    lines.push(`| ${r.id} | ${r.description.replace(/\|/g, '\\|')} | ${r.status} | ${why.replace(/\|/g, '\\|')} | ${r.seconds} |`);
  }
  return lines.join('\n') + '\n';
}

function score(c) {
  return c.killed + c.survived === 0 ? 'n/a' : `${((100 * c.killed) / (c.killed + c.survived)).toFixed(1)}%`;
}

// ---- main ----

async function judge(m, baselineMs, bail) {
  const path = join(tree, 'assembly', m.file);
  const original = readFileSync(path, 'utf8');
  const started = Date.now();
  const base = { id: idOf(m), file: m.file, description: m.description, ...(m.equivalent ? { equivalent: m.equivalent } : {}) };
  try {
    writeFileSync(path, original.replace(m.find, () => m.replace));
    const built = await buildWasm();
    if (built.code !== 0) return { ...base, status: 'invalid', message: firstLine(built.output.split('\n').find((l) => /ERROR/.test(l))), seconds: secs(started) };
    const expected = m.tests.reduce((s, t) => s + (baselineMs.get(t) ?? 5000), 0);
    const r = await vitest(m.tests, 3 * expected + 120_000, bail);
    if (r.timedOut) return { ...base, status: 'timeout', killedBy: `timeout after ${secs(started)} s`, failingTests: 0, failingFiles: [], seconds: secs(started) };
    if (r.report === null) return { ...base, status: 'killed', killedBy: `vitest exited with ${r.code}, no report: ${firstLine(r.output)}`, failingTests: 0, failingFiles: [], seconds: secs(started) };
    const f = failures(r.report, m.tests);
    if (f.length === 0 && r.report.success) return { ...base, status: m.equivalent ? 'equivalent' : 'survived', seconds: secs(started) };
    const first = f[0] ?? { file: '?', test: 'vitest reported a failure', message: '' };
    return {
      ...base,
      status: 'killed',
      ...(m.equivalent ? { equivalentClaimWrong: true } : {}),
      killedBy: `${first.file} > ${first.test}`,
      message: first.message,
      failingTests: f.length,
      failingFiles: [...new Set(f.map((x) => x.file))],
      seconds: secs(started),
    };
  } finally {
    writeFileSync(path, original);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const filters = args.filter((a) => !a.startsWith('--'));
  const wrong = problems();
  if (wrong.length > 0) {
    console.error(`scripts/kernel-mutants.mjs is out of date with assembly/:\n  ${wrong.join('\n  ')}`);
    process.exit(1);
  }
  if (flags.has('--check')) {
    console.log(`${MUTANTS.length} kernel mutants, every snippet found exactly once.`);
    return;
  }
  if (flags.has('--score')) {
    process.stdout.write(markdown([...loadReport().values()]));
    return;
  }
  const chosen = MUTANTS.filter((m) => filters.length === 0 || filters.some((f) => idOf(m).startsWith(f) || m.file === f || m.file === `${f}.ts`));
  if (flags.has('--list')) {
    for (const m of chosen) console.log(`${idOf(m).padEnd(26)} ${m.description}${m.equivalent ? ' (equivalent)' : ''}`);
    return;
  }
  if (chosen.length === 0) {
    console.error(`no mutant matches ${filters.join(' ')} (see --list)`);
    process.exit(1);
  }
  const bail = flags.has('--bail');
  const started = Date.now();
  tree = openTree('fastloss-kernel-mutants-', COPY);
  mkdirSync(join(tree, 'build'));

  // The unmutated copy: it must build and pass every judging suite, whose times set the timeouts.
  const files = [...new Set(chosen.flatMap((m) => m.tests))];
  console.log(`${chosen.length} kernel mutants, judged by ${files.length} suites; copy in ${tree}`);
  const built = await buildWasm();
  if (built.code !== 0) throw new Error(`the unmutated kernels do not build:\n${built.output}`);
  const baseline = await vitest(files, 60 * 60_000, false);
  const failing = baseline.report === null ? [{ file: '?', test: firstLine(baseline.output) }] : failures(baseline.report, files);
  if (failing.length > 0 || baseline.report?.success !== true) {
    throw new Error(`the unmutated suites fail, so no mutant can be judged:\n  ${failing.map((f) => `${f.file} > ${f.test}`).join('\n  ')}`);
  }
  const baselineMs = new Map(baseline.report.testResults.map((r) => [files.find((f) => r.name.endsWith(f)), r.endTime - r.startTime]));
  console.log(`baseline: every suite passes (${secs(started)} s)`);

  const results = loadReport();
  for (const valid of [...results.keys()]) if (!MUTANTS.some((m) => idOf(m) === valid)) results.delete(valid);
  for (const [i, m] of chosen.entries()) {
    const r = await judge(m, baselineMs, bail);
    results.set(r.id, r);
    saveReport(results);
    const detail = KILLED.has(r.status) ? `by ${r.killedBy} (${r.failingTests} tests, ${r.failingFiles.length} files)` : r.status === 'invalid' ? r.message : '';
    console.log(`[${i + 1}/${chosen.length}] ${r.id} ${r.status}${r.equivalentClaimWrong ? ' (LISTED AS EQUIVALENT)' : ''} ${detail} (${r.seconds} s)`);
  }
  console.log(`\n${chosen.length} mutants in ${secs(started)} s\n`);
  process.stdout.write(markdown([...results.values()]));
}

try {
  await main();
} finally {
  closeTree();
}
