// `npm run mutate -- recheck [report.json ...]`: each mutant a Stryker report records as Survived or NoCoverage,
// applied by hand to a copy of the tree and judged there by plain `vitest run`.
//
// Why: Stryker's vitest runner (9.6 with vitest 4.1, coverageAnalysis perTest) records some mutants as Survived
// whose covering tests fail when the mutant is applied by hand (stryker-js issues #6192, #6213, #5928: the run of
// the covering tests completes one test, or none, and the verdict is kept). Here the suites that Stryker says cover
// the mutant (for NoCoverage, every suite of that report) run with plain vitest on the mutated source (--bail=1):
// a failure marks the mutant Killed in the report, with `recheck` saying which test killed it; a pass leaves it
// Survived, now measured. Only src/ is mutated by Stryker, so the copy takes the built wasm (build/) as it is.
//
// A report whose source differs from the file in the tree (the file changed since) is skipped for that file: its
// mutants' positions no longer hold. Reports default to every one in reports/mutation/.
//
// Before a report's mutants, its suites run once on the unmutated copy: a test that fails there (one that needs
// what the copy lacks, as dist/ for the worker-thread suite or README.md for the registry's table check, or one
// that the machine's load makes flaky) never counts as a kill. (Until 2026-12-07 it did: the worker suite, which
// loads dist/, failed in every copy and was credited with 178 kills of groups 1 and 2, all false; those verdicts
// were reverted to Survived.)
//
// `--again`: judge once more the mutants an earlier recheck left alive (tests were added since). `--with=a,b`: add
// these suites (globs, as vitest takes them) to every mutant's judges, for a group whose list of suites missed
// the ones that test part of its files (its mutants then survive for want of a judge, not of a test).

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeTree, closeTreeOnExit, failures, openTree, root, secs, vitest } from './scratch-tree.mjs';

process.chdir(root);
const DIR = 'reports/mutation';
// README.md, docs/ and dist/ too: the alias-table tests read README.md and docs/design.md, and the worker-thread
// suite loads the built package (it then judges the unmutated dist/, so it can neither kill nor wrongly fail a mutant)
const COPY = ['src', 'test', 'build', 'data', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'docs', 'dist'].filter((e) => existsSync(e));
closeTreeOnExit(DIR);

/** The source with the mutant's replacement in place of its location (Stryker's lines and columns are 1-based). */
function mutated(source, { location: { start, end }, replacement }) {
  const lines = source.split('\n');
  const offset = (p) => lines.slice(0, p.line - 1).reduce((a, l) => a + l.length + 1, 0) + p.column - 1;
  return source.slice(0, offset(start)) + replacement + source.slice(offset(end));
}

async function recheck(reportPath, tree, { again, extra }) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const testFiles = report.testFiles ?? {};
  const fileOfTest = new Map();
  for (const [file, { tests }] of Object.entries(testFiles)) for (const t of tests) fileOfTest.set(t.id, file);
  const relative = (file) => file.slice(file.indexOf('test/'));
  const allSuites = Object.keys(testFiles).map(relative);
  let rechecked = 0;
  let killed = 0;
  // the baseline: every suite this report's mutants will run, unmutated
  const baselineSuites = [...new Set([...allSuites, ...extra])];
  const base = await vitest(baselineSuites, 30 * 60_000, false);
  const broken = new Set((base.report === null ? [] : failures(base.report, baselineSuites)).map((f) => `${f.file} > ${f.test}`));
  if (base.report === null) throw new Error(`${reportPath}: the unmutated copy's suites did not run (vitest exited with ${base.code})`);
  if (broken.size > 0) console.log(`${reportPath}: failing on the unmutated copy, never counted as kills:\n  ${[...broken].join('\n  ')}`);
  for (const [file, entry] of Object.entries(report.files)) {
    const current = readFileSync(file, 'utf8');
    if (current !== entry.source) {
      console.log(`${file}: changed since ${reportPath} was written; its mutants are not rechecked`);
      continue;
    }
    const open = entry.mutants.filter((m) => (m.status === 'Survived' || m.status === 'NoCoverage') && (m.recheck === undefined || again));
    console.log(`${file}: ${open.length} mutants to recheck`);
    for (const m of open) {
      const started = Date.now();
      const covering = m.status === 'NoCoverage' ? allSuites : (m.coveredBy ?? []).map((id) => fileOfTest.get(id)).filter((f) => f !== undefined).map(relative);
      const suites = [...new Set([...covering, ...extra])];
      const path = join(tree, file);
      let verdict;
      try {
        writeFileSync(path, mutated(current, m));
        // (no --bail where a test is broken: it would stop the run before the tests that judge)
        const r = await vitest(suites, 20 * 60_000, broken.size === 0);
        const f = r.report === null ? [] : failures(r.report, suites).filter((x) => !broken.has(`${x.file} > ${x.test}`));
        if (r.timedOut) verdict = { status: 'Timeout', by: 'a timeout (20 min)' };
        else if (r.report === null) verdict = { status: 'Killed', by: `vitest exited with ${r.code} and no report` };
        else if (f.length > 0) verdict = { status: 'Killed', by: `${f[0].file} > ${f[0].test}` };
        else verdict = { status: m.status, by: null };
      } finally {
        writeFileSync(path, current);
      }
      rechecked++;
      const line = `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(m.replacement).slice(0, 60)}`;
      if (verdict.by !== null) {
        killed++;
        m.statusReason = `by hand: ${verdict.by}`;
        m.status = verdict.status;
      }
      m.recheck = { status: verdict.status, by: verdict.by, suites: suites.length, seconds: secs(started) };
      writeFileSync(reportPath, JSON.stringify(report));
      console.log(`  ${line}: ${verdict.by === null ? 'survives' : `${verdict.status.toLowerCase()} ${verdict.by}`} (${secs(started)} s)`);
    }
  }
  return { rechecked, killed };
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = { again: process.argv.includes('--again'), extra: (process.argv.find((a) => a.startsWith('--with=')) ?? '--with=').slice(7).split(',').filter((s) => s !== '') };
const reports = args.length > 0 ? args : existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => join(DIR, f)) : [];
const tree = openTree('fastloss-recheck-', COPY);
try {
  for (const r of reports) {
    const { rechecked, killed } = await recheck(r, tree, flags);
    console.log(`${r}: ${rechecked} rechecked, ${killed} killed by hand\n`);
  }
} finally {
  closeTree();
}
