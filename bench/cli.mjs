// The `fastloss` command end to end on 1 GiB .npy files (bench/cli-bench.mjs, run as a child process so its
// memory is its own), as a section of BENCHMARKS.md: MB/s of input with the page cache warm (>= 500) and the
// command's peak resident memory (< 200 MB), for `eval mse` in both frameworks and `eval cce`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./cli-bench.mjs', import.meta.url));

export async function runSuite({ quick = false, log = () => {} } = {}) {
  log('cli: writing 1 GiB .npy files and timing fastloss eval ...');
  const r = spawnSync(process.execPath, [SCRIPT, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench/cli-bench.mjs failed: ${r.stderr.slice(-500)}`);
  const table = r.stdout.trim();
  const targets = [];
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 9 || !/(met|missed)$/.test(cells[4] ?? '')) continue;
    const mbps = Number.parseFloat(cells[4]);
    const rss = Number.parseFloat(cells[7]);
    targets.push({ workload: cells[1], what: 'MB/s of input, end to end', goal: '≥ 500', ratio: mbps, pass: mbps >= 500 });
    targets.push({ workload: cells[1], what: 'peak resident memory, MB', goal: '< 200', ratio: rss, pass: rss < 200 });
  }
  const fmt = (t) => `| ${t.workload} | ${t.what} | ${t.goal} | ${t.pass ? '✅' : '❌'} ${t.ratio.toFixed(0)} |`;
  const markdown = [
    '## The fastloss command on 1 GiB .npy files',
    '',
    '`node bench/cli-bench.mjs`: the whole process timed from spawn to exit (loading the wasm included), the',
    "files' bytes over the wall time; peak RSS is the process's VmHWM. Chunks of ~1M elements stream through",
    '`loss.accumulator()`, so memory does not grow with the file.',
    '',
    '| workload | target | goal | result |',
    '| --- | --- | --- | ---: |',
    ...targets.map(fmt),
    '',
    table,
  ].join('\n');
  return { markdown, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown } = await runSuite({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
  console.log(markdown);
}
