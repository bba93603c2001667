// `npm run mutate [-- group ...]`: Stryker over src/, one group of files per run, each group's report kept in
// reports/mutation/<group>.json, then the score summed over every report there (the newest report of each file).
//
// Why groups: a run over all of src/ is ~7,000 mutants, hours on two cores, and its report is written only at
// the end. A group is minutes to an hour, and what finished is kept. `npm run mutate -- 2` runs the second group
// below; `npm run mutate -- src/npy.ts` runs one file against the whole suite; no argument runs every group.
// `node scripts/mutate.mjs --score` only prints the sum of the reports already there.
//
// `npm run mutate -- recheck [report ...]`: the Survived and NoCoverage mutants of the reports applied by hand and
// judged by plain vitest (scripts/mutate-recheck.mjs: Stryker's vitest runner records some false survivors).
// A group run rechecks its own report when Stryker is done.
//
// `npm run mutate -- kernels [filter ...] [--bail | --list | --check | --score]`: the kernel mutants instead
// (scripts/mutate-kernels.mjs, the list in scripts/kernel-mutants.mjs): plausible bugs in assembly/, which Stryker
// does not mutate, one at a time in a copy of the tree, each judged by its suites; reports/kernel-mutants.{json,md}.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Each group's mutants are judged by the suites that test that part (Stryker's testFiles): a mutant that
// survives reruns every test that reaches it, and the engine is reached by nearly all of them, so judging the
// facade by the whole suite costs minutes per survivor. Suites left out can only lower a score.
const FACADE = ['test/facade.test.ts', 'test/tables.test.ts', 'test/errors*.test.ts', 'test/error-codes.test.ts', 'test/tensor*.test.ts', 'test/heap.test.ts', 'test/registry.test.ts', 'test/forms.property.test.ts', 'test/accumulator*.test.ts', 'test/exact-sum.test.ts', 'test/keras-squeeze.test.ts', 'test/regression.paths.test.ts', 'test/regression.semantics.test.ts'];
const ERRORS = ['test/errors*.test.ts', 'test/error-codes.test.ts', 'test/call-arguments.test.ts', 'test/forms.property.test.ts', 'test/accumulator.property.test.ts'];
const GROUPS = [
  { mutate: 'src/errors.ts,src/heap.ts,src/tensor.ts,src/registry.ts,src/index.ts,src/frameworks.ts,src/accumulator.ts,src/accumulator-state.ts,src/exact-sum.ts', tests: FACADE },
  {
    mutate: 'src/wasm.ts,src/npy.ts,src/debug.ts,src/release.ts,src/options.ts,src/threads.ts,src/thread-pool.ts,src/kernel-steps.ts,src/lazy-parts.ts',
    // (compact.test.ts: the page's build in parts, where Runtime.loadPart instantiates a part and kernel() finds it)
    tests: [...FACADE, 'test/compact.test.ts', 'test/threads.test.ts', 'test/tiling.test.ts', 'test/rows.tiling.test.ts', 'test/out.engines.test.ts', 'test/wasm.runtime.test.ts', 'test/regression.*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/npy.test.ts', 'test/debug-build.test.ts', 'test/f64math.test.ts', 'test/crossentropy.rows.test.ts', 'test/memory.growth.test.ts'],
  },
  {
    mutate: 'src/losses/regression.ts,src/losses/definition.ts,src/losses/cosine.ts,src/losses/cosine.part.ts,src/losses/parts.ts,src/losses/part-code.ts',
    // the regression family and the contracts of a loss, judged by every suite of the elementwise families
    tests: [...ERRORS, 'test/fast-paths.test.ts', 'test/regression.*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/keras-squeeze.test.ts', 'test/margin.*.test.ts', 'test/accumulator.margin.test.ts', 'test/log-cosh.test.ts', 'test/poisson.test.ts', 'test/soft-margin.test.ts'],
  },
  { mutate: 'src/losses/crossentropy.ts', tests: [...ERRORS, 'test/crossentropy.*.test.ts', 'test/accumulator*.test.ts', 'test/rows.tiling.test.ts', 'test/memory.growth.test.ts'] },
  {
    mutate: 'src/losses/margin.ts,src/losses/margin.part.ts,src/losses/rows-margin.ts,src/losses/probability.ts',
    // the losses added since (poisson, soft_margin) have suites of their own: a run without them left SoftMarginLoss's
    // plain-JS twin alive (14 mutants, each killed by test/soft-margin.test.ts by hand)
    // (and the accumulators' suites: Keras hinge's label rule is merged and restored by accumulator.state.test.ts)
    tests: [...ERRORS, 'test/margin.*.test.ts', 'test/accumulator*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/poisson.test.ts', 'test/soft-margin.test.ts', 'test/multilabel-soft-margin.test.ts'],
  },
  // the focal part (binary focal cross-entropy: declarations, binders, twin, Keras's moved axis)
  { mutate: 'src/losses/focal.ts,src/losses/focal.part.ts', tests: [...ERRORS, 'test/focal.test.ts', 'test/wave3.test.ts', 'test/out.engines.test.ts', 'test/accumulator*.test.ts', 'test/registry.test.ts'] },
  // the overlap part (Dice, Tversky: declarations, the axis geometry, tile blocks, the moved copy, streaming)
  { mutate: 'src/losses/overlap.ts,src/losses/overlap.part.ts', tests: [...ERRORS, 'test/overlap.test.ts', 'test/wave3.test.ts', 'test/out.engines.test.ts', 'test/accumulator*.test.ts', 'test/registry.test.ts'] },
  // the gaussian part (GaussianNLLLoss: var's shapes, the blocks, the var gradient's accumulators, the negative flag)
  { mutate: 'src/losses/gaussian.ts,src/losses/gaussian.part.ts,src/engines/blocks.ts', tests: [...ERRORS, 'test/gaussian-nll.test.ts', 'test/overlap.test.ts', 'test/wave3.test.ts', 'test/out.engines.test.ts', 'test/accumulator*.test.ts', 'test/registry.test.ts'] },
  { mutate: 'src/losses/ctc.ts,src/losses/ctc.part.ts,src/engines/sequences.ts', tests: [...ERRORS, 'test/ctc.*.test.ts', 'test/out.engines.test.ts', 'test/accumulator*.test.ts'] },
  {
    // the engines and their tiling driver: every family's suites run them, on every path (tiles, forms, out, labels;
    // a measurement judged without the margin suites once left the pairwise engine's and the ±1 label check's
    // mutants alive for want of a test that reaches them)
    mutate: 'src/engines/tiling.ts,src/engines/staging.ts,src/engines/tiling-parallel.ts,src/engines/destinations.ts,src/engines/params.ts,src/engines/pairwise.ts,src/engines/rows.ts,src/engines/labels.ts',
    tests: [...ERRORS, 'test/tiling.test.ts', 'test/rows.tiling.test.ts', 'test/out.engines.test.ts', 'test/fast-paths.test.ts', 'test/regression.*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/keras-squeeze.test.ts', 'test/crossentropy.*.test.ts', 'test/margin.*.test.ts', 'test/accumulator.property.test.ts', 'test/memory.growth.test.ts', 'test/log-cosh.test.ts', 'test/wave3.test.ts', 'test/params.test.ts', 'test/ctc.semantics.test.ts', 'test/accumulator.state.test.ts', 'test/elementwise.*.test.ts', 'test/threads.test.ts'],
  },
  {
    // the elementwise engine, judged by the same suites (a group of its own: about 800 mutants)
    mutate: 'src/engines/elementwise.ts',
    tests: [...ERRORS, 'test/tiling.test.ts', 'test/out.engines.test.ts', 'test/fast-paths.test.ts', 'test/regression.*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/keras-squeeze.test.ts', 'test/margin.*.test.ts', 'test/accumulator.property.test.ts', 'test/log-cosh.test.ts', 'test/wave3.test.ts', 'test/params.test.ts', 'test/accumulator.state.test.ts', 'test/elementwise.*.test.ts', 'test/threads.test.ts', 'test/poisson.test.ts', 'test/soft-margin.test.ts'],
  },
  {
    // the one reducer: every engine's reductions, so every family's suites (and the reducer's own rules)
    mutate: 'src/reducer.ts,src/reduction.ts',
    tests: [...ERRORS, 'test/reducer.test.ts', 'test/reduction.test.ts', 'test/regression.*.test.ts', 'test/probability.*.test.ts', 'test/keras3.test.ts', 'test/keras-squeeze.test.ts', 'test/crossentropy.*.test.ts', 'test/margin.*.test.ts', 'test/ctc.*.test.ts', 'test/accumulator*.test.ts'],
  },
  // fastloss/tfjs, judged by its suites (tfjs-core with the cpu and wasm backends, tfjs-layers) and the foreign
  // tensors' (the same duck typing of a tfjs tensor)
  { mutate: 'src/tfjs.ts', tests: ['test/tfjs*.test.ts', 'test/tensor.foreign.test.ts'] },
];
const DIR = 'reports/mutation';
const base = JSON.parse(readFileSync('stryker.config.json', 'utf8'));

const slug = (group) => group.replace(/src\//g, '').replace(/\.ts/g, '').replace(/[^a-z0-9]+/gi, '-');

function runGroup({ mutate, tests }) {
  const config = `.stryker-${slug(mutate)}.config.json`;
  const report = join(DIR, `${slug(mutate)}.json`);
  const testFiles = tests === undefined ? {} : { testFiles: tests };
  writeFileSync(config, JSON.stringify({ ...base, mutate: mutate.split(','), ...testFiles, jsonReporter: { fileName: report } }, null, 2));
  console.log(`\n# ${mutate}${tests === undefined ? '' : ` (judged by ${tests.join(', ')})`}`);
  const r = spawnSync('npx', ['stryker', 'run', config], { stdio: 'inherit' });
  rmSync(config, { force: true });
  if (r.status !== 0) process.exitCode = 1;
  else if (spawnSync(process.execPath, ['scripts/mutate-recheck.mjs', report], { stdio: 'inherit' }).status !== 0) process.exitCode = 1;
}

/** Killed or timed out over all mutants that are not ignored (no coverage counts as survived), per file. */
function score() {
  if (!existsSync(DIR)) return;
  const newest = new Map(); // file -> { time, mutants }
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
    const path = join(DIR, name);
    const time = statSync(path).mtimeMs;
    const files = JSON.parse(readFileSync(path, 'utf8')).files ?? {};
    for (const [file, { mutants }] of Object.entries(files)) {
      if (!newest.has(file) || newest.get(file).time < time) newest.set(file, { time, mutants });
    }
  }
  const rows = [];
  const all = { killed: 0, survived: 0, noCoverage: 0 };
  for (const [file, { mutants }] of [...newest].sort()) {
    const c = { killed: 0, survived: 0, noCoverage: 0 };
    for (const m of mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') c.killed++;
      else if (m.status === 'Survived') c.survived++;
      else if (m.status === 'NoCoverage') c.noCoverage++;
    }
    for (const k of Object.keys(all)) all[k] += c[k];
    rows.push([file, c]);
  }
  const pct = (c) => (c.killed + c.survived + c.noCoverage === 0 ? "n/a (no mutants)" : `${((100 * c.killed) / (c.killed + c.survived + c.noCoverage)).toFixed(1)}%`);
  console.log('\n| file | score | killed | survived | no coverage |\n| --- | ---: | ---: | ---: | ---: |');
  for (const [file, c] of rows) console.log(`| ${file} | ${pct(c)} | ${c.killed} | ${c.survived} | ${c.noCoverage} |`);
  console.log(`| all ${rows.length} files | ${pct(all)} | ${all.killed} | ${all.survived} | ${all.noCoverage} |`);
}

const args = process.argv.slice(2);
if (args[0] === 'kernels' || args[0] === 'recheck') {
  const r = spawnSync(process.execPath, [`scripts/mutate-${args[0]}.mjs`, ...args.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (!args.includes('--score')) {
  mkdirSync(DIR, { recursive: true });
  // an argument is a group's files, judged by the whole suite, or the number of a group above (1-based)
  const chosen = args.map((a) => (/^\d+$/.test(a) ? GROUPS[Number(a) - 1] : { mutate: a }));
  for (const group of chosen.length > 0 ? chosen : GROUPS) runGroup(group);
}
score();
