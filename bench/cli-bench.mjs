// Throughput of the `fastloss` command end to end on 1 GiB .npy files: writes predictions and targets (float32,
// [N, 64], 1 GiB each) into a temporary directory, reads them once to warm the page cache, then times
// `node dist/cli.js eval mse --pred pred.npy --target target.npy` (process start to exit, loading the wasm
// included) and reports MB/s of input (both files' bytes / wall time), the process's CPU time (user + system: on a
// shared machine MB per CPU second says what a quiet one would give) and its peak RSS.
// Targets: >= 500 MB/s, peak RSS < 200 MB. Needs `npm run build` first and ~2 GiB free in the temp directory.
//
//   node bench/cli-bench.mjs [--quick] [--keep]     (--quick: 256 MiB files, one run; --keep: leave the files)
//
// `cce` (the cross-entropy family) is timed too when it is implemented: logits [N, 100] float32 (1 GiB) and
// int64 class indices [N].
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const keep = process.argv.includes('--keep');
const runs = quick ? 1 : 3;
const GIB = quick ? 1 << 28 : 1 << 30;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fastloss-cli-bench-'));

/** The .npy header of a C-order array (np.save's layout: padded to a multiple of 64 bytes). */
function header(descr, shape) {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const text = dict.padEnd(total - 11, ' ') + '\n';
  const out = Buffer.alloc(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out.writeUInt16LE(text.length, 8);
  out.write(text, 10, 'latin1');
  return out;
}

/** Writes an array of `shape` whose elements come from fill(chunk, start), 16 MiB at a time. */
function writeNpy(path, descr, shape, itemSize, fill) {
  const fd = openSync(path, 'w');
  writeSync(fd, header(descr, shape));
  const total = shape.reduce((a, b) => a * b, 1);
  const per = (16 << 20) / itemSize;
  for (let at = 0; at < total; at += per) {
    const n = Math.min(per, total - at);
    const bytes = fill(n, at);
    writeSync(fd, bytes);
  }
  closeSync(fd);
}

let seed = 12345;
const uniform = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const floats = (n) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = uniform() * 4 - 2;
  return new Uint8Array(a.buffer);
};

/** Reads a file through once (the page cache then holds it: the measurement is of a warm cache). */
function warm(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  let position = 0;
  let got;
  while ((got = readSync(fd, buf, 0, buf.length, position)) > 0) position += got;
  closeSync(fd);
  return position;
}

// The child reports its own peak RSS (VmHWM of /proc/self/status, KiB: getrusage's maxRSS would include this
// parent's RSS, inherited through fork and exec) and CPU time on exit, on stderr.
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import { readFileSync, writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); " +
    "const hwm = /VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? u.maxRSS; " +
    "writeSync(2, `maxrss=${hwm} cpu=${u.userCPUTime + u.systemCPUTime}\\n`); });",
)}`;

function time(args, bytes) {
  const results = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, ['--import', PRELOAD, CLI, ...args], { cwd: dir, encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (run.status !== 0) throw new Error(`fastloss ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
    const rss = Number(/maxrss=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
    const cpu = Number(/cpu=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1e6;
    results.push({ seconds, cpu, mbps: bytes / 1e6 / seconds, rss, value: run.stdout.trim() });
  }
  results.sort((a, b) => a.seconds - b.seconds);
  return results[Math.floor(results.length / 2)];
}

const rows = [];
try {
  const hasCce = spawnSync(process.execPath, [CLI, 'list', '--json'], { encoding: 'utf8' });
  const implemented = new Set(JSON.parse(hasCce.stdout).filter((l) => l.implemented.length > 0).map((l) => l.loss));

  const D = 64;
  const N = GIB / 4 / D;
  console.error(`writing 2 x ${GIB >> 20} MiB into ${dir} ...`);
  writeNpy(join(dir, 'pred.npy'), '<f4', [N, D], 4, floats);
  writeNpy(join(dir, 'target.npy'), '<f4', [N, D], 4, floats);
  const bytes = warm(join(dir, 'pred.npy')) + warm(join(dir, 'target.npy'));
  for (const framework of ['tensorflow', 'pytorch']) {
    const r = time(['eval', 'mse', '--framework', framework, '--pred', 'pred.npy', '--target', 'target.npy'], bytes);
    rows.push({ what: `mse (${framework}), pred + target [${N}, ${D}] float32`, bytes, ...r });
  }
  rmSync(join(dir, 'target.npy'));

  if (implemented.has('categorical_crossentropy')) {
    const C = 100;
    const M = Math.floor(GIB / 4 / C);
    writeNpy(join(dir, 'logits.npy'), '<f4', [M, C], 4, floats);
    writeNpy(join(dir, 'labels.npy'), '<i8', [M], 8, (n) => BigInt64Array.from({ length: n }, () => BigInt(Math.floor(uniform() * C))));
    const cbytes = warm(join(dir, 'logits.npy')) + warm(join(dir, 'labels.npy'));
    const r = time(['eval', 'cce', '--framework', 'pytorch', '--pred', 'logits.npy', '--target', 'labels.npy'], cbytes);
    rows.push({ what: `cce (pytorch), logits [${M}, ${C}] float32 + int64 labels`, bytes: cbytes, ...r });
  } else {
    rows.push({ what: 'cce: the cross-entropy family is not implemented in this build (not timed)', bytes: 0 });
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const lines = [
  `fastloss eval on .npy files, page cache warm, median of ${runs} run(s), Node ${process.version}`,
  '',
  '| workload | input MB | seconds | MB/s (target >= 500) | CPU seconds | MB per CPU second | peak RSS MB (target < 200) | value |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) =>
    r.seconds === undefined
      ? `| ${r.what} | | | | | | | |`
      : `| ${r.what} | ${(r.bytes / 1e6).toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.mbps.toFixed(0)} ${r.mbps >= 500 ? 'met' : 'missed'} | ${r.cpu.toFixed(2)} | ${(r.bytes / 1e6 / r.cpu).toFixed(0)} | ${r.rss.toFixed(0)} ${r.rss < 200 ? 'met' : 'missed'} | ${r.value} |`,
  ),
];
console.log(lines.join('\n'));
