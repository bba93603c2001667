// Copies the targets table of BENCHMARKS.md into README.md, between the markers
// <!-- benchmark-targets:start --> and <!-- benchmark-targets:end -->, so the README's table is always the latest
// full run's. Called by bench/run.mjs after it writes BENCHMARKS.md; `node bench/readme.mjs` does it by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- benchmark-targets:start -->';
const END = '<!-- benchmark-targets:end -->';

export function updateReadme() {
  const bench = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const heading = bench.match(/^## (Targets: .*)$/m);
  if (!heading) throw new Error('BENCHMARKS.md has no "## Targets" section');
  // The counts per section, then every section's own targets table (each starts with "| workload |").
  const tableAt = (from) => {
    const to = bench.indexOf('\n\n', from);
    return bench.slice(from, to === -1 ? undefined : to).trim();
  };
  const counts = tableAt(bench.indexOf('| section |', heading.index));
  const sections = [...bench.matchAll(/^## (.+)$/gm)].slice(1).map((m) => {
    const at = bench.indexOf('| workload |', m.index);
    const next = bench.indexOf('\n## ', m.index + 3);
    return at !== -1 && (next === -1 || at < next) ? `**${m[1]}**\n\n${tableAt(at)}` : null;
  }).filter(Boolean);
  const table = [counts, ...sections].join('\n\n');
  const date = bench.match(/Measured (\d{4}-\d{2}-\d{2})/)?.[1] ?? '';
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1) throw new Error(`README.md has no ${START} … ${END} markers`);
  const body = `${START}\n${timesTable(bench)}\n\n${heading[1]} (copied from BENCHMARKS.md by bench/readme.mjs; core run of ${date})\n\n${table}\n`;
  writeFileSync(join(ROOT, 'README.md'), readme.slice(0, a) + body + readme.slice(b));
}

/** Median times of one workload's rows, by "peer | input" (the per-workload tables of BENCHMARKS.md). */
function medians(bench, workload) {
  // The workload's heading (### or deeper: sections are demoted when BENCHMARKS.md is assembled), up to the next heading.
  const start = bench.search(new RegExp(`^#{3,} ${workload}:`, 'm'));
  if (start === -1) return new Map();
  const rest = bench.slice(start + 4);
  const end = rest.search(/^#{2,} /m);
  const section = end === -1 ? rest : rest.slice(0, end);
  const rows = new Map();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 6 && cells[1] !== 'peer' && !cells[1].startsWith('---')) rows.set(`${cells[1]} | ${cells[2]}`, cells[5]);
  }
  return rows;
}

/** MSE at 16M elements, forward and forward+gradient: fastloss and every peer, median per call. */
function timesTable(bench) {
  const columns = [
    ['fastloss tensors (in place)', 'fastloss SIMD | fl.tensor (in place)', 'fastloss SIMD | fl.tensor, gradient into a reused fl.tensor (out)'],
    ['fastloss Float32Array', 'fastloss SIMD | Float32Array', 'fastloss SIMD | Float32Array, gradient into a reused Float32Array (out)'],
    ['plain JS', 'plain JS | Float32Array'],
    ['tfjs wasm', 'tfjs-wasm | Float32Array (e2e)'],
    ['tfjs cpu', 'tfjs-cpu | Float32Array (e2e)'],
    ['PyTorch, 1 thread', 'PyTorch'],
    ['floor', 'floor (Σ p+t, AS SIMD) | fl.tensor (in place)'],
  ];
  const pick = (rows, key) => {
    if (!key) return undefined;
    for (const [k, v] of rows) if (k === key || (key === 'PyTorch' && k.startsWith('PyTorch'))) return v;
    return undefined;
  };
  const line = (label, workload) => {
    const rows = medians(bench, workload);
    const cells = columns.map(([, key, outKey]) => {
      const t = pick(rows, key) ?? '—';
      const o = workload.endsWith('grad') ? pick(rows, outKey) : undefined;
      return o ? `${t} (${o} with \`out\`)` : t;
    });
    return `| ${label} | ${cells.join(' | ')} |`;
  };
  return [
    `| MSE, 16,777,216 elements | ${columns.map(([c]) => c).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    line('forward', 'mse_16m_fwd'),
    line('forward + gradient', 'mse_16m_grad'),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) updateReadme();
