// What the suites of one loss family (bench/focal.mjs, bench/overlap.mjs, bench/gaussian.mjs) share: their
// PyTorch peer as a runner of bench/measure.mjs (the protocol of bench/peers/torch_peer.py: data loaded once per
// workload, then calibrated samples timed by the peer itself), the targets of a workload, its table, and the
// section of BENCHMARKS.md they make.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startPeer } from './peers/torch.mjs';
import { fmtRatio, fmtTime } from './report.mjs';

/**
 * The PyTorch peer `script` (bench/peers/torch_<family>.py) with 1 thread, or `threads: 'default'` (every core):
 * `{ info, load(key, arrays, shapes), runner(key, loss), close }`, or `{ note }` when torch cannot start.
 * `load` writes the float32 arrays once to a file under `tmp` (each with its shape: torch_peer.py load_float32);
 * `runner` measures the peer's call `loss` on them.
 */
export async function startTorchPeer(script, tmp, threads) {
  const peer = await startPeer(script, threads === 'default' ? { threads: 'default' } : {});
  if (!peer.request) return peer;
  const { info, request } = peer;
  const all = threads === 'default';
  return {
    info,
    async load(key, arrays, shapes) {
      const path = join(tmp, `torch-${key}-${threads}.f32`);
      arrays.forEach((a, i) => writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), { flag: i === 0 ? 'w' : 'a' }));
      await request({ cmd: 'load', key, path, shapes });
      rmSync(path);
    },
    runner(key, loss) {
      const req = { key, loss };
      return {
        key: all ? 'torch-default' : 'torch-1t',
        peer: all ? `PyTorch ${info.torch} (its default, ${info.threads} threads)` : `PyTorch ${info.torch} (1 thread)`,
        input: 'torch.from_numpy (in place)',
        remote: {
          check: async () => ({ value: (await request({ cmd: 'check', ...req })).value, grad: null }),
          calibrate: async (targetS) => (await request({ cmd: 'calibrate', ...req, target_s: targetS })).k,
          sample: async (k) => (await request({ cmd: 'sample', ...req, k })).per_call_s,
        },
      };
    },
    close: peer.close,
  };
}

/** Both PyTorch peers of a family (1 thread, its default), and the notes of those that did not start. */
export async function startTorchPeers(script, tmp) {
  const torches = [];
  const notes = [];
  for (const threads of [1, 'default']) {
    const t = await startTorchPeer(script, tmp, threads);
    if (t.note) notes.push(t.note);
    else torches.push(t);
  }
  return { torches, notes };
}

/**
 * A workload's targets from its measured rows: each `{ what, num, den, op, goal }` is met when
 * median(num) / median(den) is `op` ('>=' or '<=') `goal`.
 */
export function evaluateTargets(workload, goals, rows) {
  const med = (key) => rows.find((r) => r.runner.key === key)?.median;
  return goals.map((t) => {
    const ratio = med(t.num) / med(t.den);
    return { workload, what: t.what, goal: `${t.op === '<=' ? '≤' : '≥'} ${t.goal}×`, ratio, pass: Number.isFinite(ratio) && (t.op === '<=' ? ratio <= t.goal : ratio >= t.goal) };
  });
}

const line = (cells) => `| ${cells.join(' | ')} |`;

/**
 * A workload's table: each peer's median and min, its value's error against `ref`, and its time against `base`
 * (a runner key) and fastloss on fl.tensors and the floor. The floor's value is Σ (a + b), not the loss's.
 */
export function workloadTable(title, rows, { ref, base = 'fastloss-simd/arrays' }) {
  const med = (key) => rows.find((r) => r.runner.key === key)?.median;
  const baseLabel = base === 'fastloss-simd/tensors' ? 'tensors' : 'arrays';
  const head = ['peer', 'input', 'median', 'min', 'K × rounds', 'value rel. err', `vs fastloss SIMD ${baseLabel}`, 'vs fastloss SIMD tensors', 'vs floor'];
  return [
    `#### ${title}`,
    '',
    line(head),
    line(head.map((_, i) => (i < 2 ? '---' : '---:'))),
    ...rows.map((r) =>
      line([
        r.runner.peer,
        r.runner.input,
        fmtTime(r.median),
        fmtTime(r.min),
        `${r.k} × ${r.times.length}`,
        r.runner.key === 'floor/tensors' ? '(Σ a+b)' : (Math.abs(r.value - ref) / Math.abs(ref)).toExponential(1),
        fmtRatio(r.median / med(base)),
        fmtRatio(r.median / med('fastloss-simd/tensors')),
        fmtRatio(r.median / med('floor/tensors')),
      ]),
    ),
    '',
  ];
}

/** The suite's section of BENCHMARKS.md: its targets, where the time goes, its tables, the machine. */
export function suiteMarkdown({ heading, quick, targets, timeGoes, tables, machine, notes = [] }) {
  return [
    `## ${heading}${quick ? ' (quick run: smaller sizes, 3 rounds; not the numbers to quote)' : ''}`,
    '',
    `Targets: ${targets.filter((t) => t.pass).length} of ${targets.length} met. Ratios of median times per call ("faster than X" = X ÷ fastloss; "within" = fastloss ÷ floor).`,
    '',
    line(['workload', 'target', 'goal', 'measured', '']),
    line(['---', '---', '---:', '---:', '---']),
    ...targets.map((t) => line([t.workload, t.what, t.goal, fmtRatio(t.ratio), t.pass ? '✅ met' : '❌ missed'])),
    '',
    '### Where the time goes',
    '',
    ...timeGoes,
    '',
    ...tables,
    '### Machine',
    '',
    Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`).join('\n'),
    ...(notes.length ? ['', ...notes.map((x) => `- note: ${x}`)] : []),
    '',
  ].join('\n');
}
