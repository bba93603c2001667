// `npm run bench`: fastloss against its peers, measured side by side in one run (see methodSection in report.mjs).
//
// For each size: make the data (seeded), fastloss tensors for both instances, send the data to the PyTorch child;
// then for each loss and mode (forward, forward+gradient) measure every peer interleaved, check its value against
// the float64 reference, and print the workload's table. At the end: the targets summary, the copy-vs-kernel
// split, and (full runs only) BENCHMARKS.md rewritten.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { updateReadme } from './readme.mjs';
import { node24 } from './node24.mjs';
import { assemble, saveSection } from './sections.mjs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { gradError, makeData, referenceFloorSum, referenceLoss, relativeError } from './data.mjs';
import { floorRunners, loadFloor } from './floor.mjs';
import { describeMachine } from './machine.mjs';
import { measureWorkload } from './measure.mjs';
import { USAGE, parseOptions } from './options.mjs';
import { fastlossRunners, freeTensors, loadInstances, makeTensors } from './peers/fastloss.mjs';
import { plainRunners } from './peers/plain.mjs';
import { setupTfjs, tfjsRunners } from './peers/tfjs.mjs';
import { startTorch, torchRunners } from './peers/torch.mjs';
import {
  fmtTime, machineSection, methodSection, sizeLabel, summaryTable, timeSplitTable, workloadTable,
} from './report.mjs';

const log = (msg) => process.stderr.write(`${msg}\n`);
const HERE = dirname(fileURLToPath(import.meta.url));

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'fastloss-bench-'));
  const notes = [];
  let torch = null;
  try {
    // ---- setup, once ----
    const instances = await loadInstances();
    const floorSum = await loadFloor(instances.simd.memory, tmp);
    const tfjs = opts.core ? await setupTfjs(tmp) : { notes: [], versions: {} };
    notes.push(...tfjs.notes);
    torch = opts.core ? await startTorch(tmp) : { note: null };
    if (torch.note) {
      console.log(`note: ${torch.note}`);
      notes.push(torch.note);
    }
    const machine = describeMachine({ tfjs: tfjs.versions, torch });
    log(`fastloss bench: ${opts.quick ? 'quick' : opts.write ? 'full' : 'partial'} run, losses ${opts.losses.join(', ')}, sizes ` +
      `${opts.sizes.join(', ')}, ${opts.rounds} rounds (${opts.smallRounds} below ${opts.smallBelow}), samples >= ${opts.sampleMs} ms`);

    // ---- measure ----
    const results = new Map(); // workload id -> { w, rows }
    const tables = [];
    for (const n of opts.core ? opts.sizes : []) {
      const data = makeData(n);
      const tensors = makeTensors(instances, data);
      const key = String(n);
      if (torch.load) await torch.load(key, data);
      const floorRef = referenceFloorSum(data);
      for (const loss of opts.losses) {
        const ref = referenceLoss(loss, data);
        for (const mode of ['fwd', 'grad']) {
          const w = { id: `${loss}_${sizeLabel(n)}_${mode}`, loss, n, mode };
          log(`${w.id} ...`);
          const plain = await plainRunners(w, data, tmp);
          const runners = [
            ...fastlossRunners(w, instances, data, tensors),
            ...floorRunners(w, floorSum, tensors.simd),
            ...plain.runners,
            ...tfjsRunners(w, tfjs, data),
            ...torchRunners(w, torch, key, tmp),
          ];
          const rounds = n < opts.smallBelow ? opts.smallRounds : opts.rounds;
          const rows = await measureWorkload(runners, { ...opts, rounds, log }).finally(plain.close);
          for (const row of rows) {
            row.relErr = relativeError(row.value, row.runner.isFloor ? floorRef : ref);
            row.gradErr = mode === 'grad' ? gradError(loss, data, row.grad) : null;
            row.grad = null; // up to 64 MiB each: keep only the numbers
          }
          results.set(w.id, { w, rows });
          const text = workloadTable({ w, rows });
          tables.push(text);
          console.log(`\n${text}`);
        }
      }
      freeTensors(tensors);
      if (torch.drop) await torch.drop(key);
    }

    // ---- report ----
    if (opts.core) {
      const summary = summaryTable(results, opts);
      const split = timeSplitTable(results, opts);
      const elapsed = (Date.now() - started) / 1000;
      console.log(`\n## Targets (${summary.passed} of ${summary.total} met)\n\n${summary.text}\n\n## Where the time goes\n\n${split}`);
      log(`\ncore done in ${fmtTime(elapsed)}`);
      if (opts.write) {
        const markdown = coreMarkdown({ opts, tables, summary, split, machine, notes });
        saveSection('core', { markdown, targets: summary.targets, minutes: Math.round(elapsed / 60) });
      }
    }
    torch?.close?.();
    torch = null;

    // ---- the suites (bench/<name>.mjs: forms, crossentropy, ctc, margin, cli), each its own side-by-side run in
    // a process of its own (bench/suite-child.mjs): a heap the core run filled slows small calls down ----
    for (const name of opts.suites) {
      const t0 = Date.now();
      log(`\n== suite ${name} ==`);
      const out = join(tmp, `suite-${name}.json`);
      // `<suite>@node24`: the same suite run by Node 24 (relaxed SIMD; the current LTS), a section of its own
      const [suite, on] = name.split('@');
      let node = process.execPath;
      if (on === 'node24') {
        try {
          node = node24();
        } catch (err) {
          log(`suite ${name}: not run (${err.message})`);
          continue;
        }
      }
      const child = spawnSync(node, [join(HERE, 'suite-child.mjs'), suite, out, ...(opts.quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (child.status !== 0 || !existsSync(out)) {
        log(`suite ${name}: failed (exit ${child.status ?? child.signal})`);
        continue;
      }
      const { markdown, targets } = JSON.parse(readFileSync(out, 'utf8'));
      console.log(`\n${markdown}`);
      const minutes = Math.round((Date.now() - t0) / 60000);
      log(`suite ${name}: ${targets.filter((t) => t.pass).length} of ${targets.length} targets met, ${minutes} min`);
      if (opts.write) saveSection(name, { markdown: `${markdown}\n\n### Machine\n\n${machineSection(machine)}\n`, targets, minutes });
    }

    if (opts.write) {
      const { passed, total } = assemble();
      log(`wrote BENCHMARKS.md (${passed} of ${total} targets met)`);
      updateReadme();
      log('updated the benchmark tables in README.md');
    } else {
      log('partial run (options given): BENCHMARKS.md left as it was');
    }
  } finally {
    torch?.close?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The core section of BENCHMARKS.md (bench/sections.mjs assembles the document). */
function coreMarkdown({ opts, tables, summary, split, machine, notes }) {
  return [
    `## Core targets: ${summary.passed} of ${summary.total} met`,
    '',
    'Each cell is a ratio of median times per call on that workload: "faster than X" = X\'s time ÷ fastloss SIMD\'s',
    'time (higher is better); "within" = fastloss SIMD\'s time ÷ the other\'s (lower is better). Where several peers',
    'are named, the closest one decides.',
    '',
    summary.text,
    '',
    '## Where the time goes',
    '',
    split,
    '',
    '"kernel over floor" = fastloss tensors − floor: what the loss arithmetic and the call cost above reading the data.',
    '"arrays − tensors" = the cost of streaming ordinary Float32Arrays through the wasm scratch region (the copy).',
    'Forward+gradient: "new gradient" = `new Float32Array(n).fill(0)`, the price of returning a fresh gradient on the',
    'JS heap (first touch of new pages); "÷ sum" = fastloss ÷ (read floor + new gradient).',
    '',
    '## Per-workload results',
    '',
    'Times are per call. `K` = calls per sample, `rounds` = timed samples. Ratio columns: this peer\'s median ÷',
    'fastloss SIMD\'s median on arrays / on tensors (> 1: fastloss is faster).',
    '',
    tables.join('\n\n'),
    '',
    '## Machine',
    '',
    machineSection(machine),
    '',
    '## How it was made',
    '',
    methodSection(opts),
    ...(notes.length ? ['', '## Notes', '', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
