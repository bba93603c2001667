// Command-line options of `npm run bench -- [options]`.

export const USAGE = `usage: npm run bench -- [--quick] [--only=mse,mae,huber] [--sizes=64,65536] [--rounds=7]
                     [--suites=forms,crossentropy,crossentropy@node24,ctc,margin,focal,overlap,gaussian,tfjs,cli] [--no-core] [--write]

  (no options)   the full run: MSE, MAE, Huber at 64, 65,536 and 16,777,216 elements, forward and
                 forward+gradient, 11 timed rounds (15 below 1M elements); prints the tables and rewrites
                 BENCHMARKS.md
  --quick        a short trial of the harness: 64, 65,536 and 1,048,576 elements, 3 rounds, 10 ms samples
  --only=LIST    only these losses (mse, mae, huber)
  --sizes=LIST   only these sizes (elements)
  --rounds=N     timed rounds per peer, at every size
  --suites=LIST  only these suites (bench/<name>.mjs; name@node24: with Node 24) after the core run (default: all)
  --no-core      skip the core elementwise run (MSE, MAE, Huber)
  --write        save the sections this run measured and rewrite BENCHMARKS.md from all saved sections
                 (a partial run otherwise prints its tables and leaves BENCHMARKS.md alone; a full run writes)
Any other option makes the run a partial one.`;

/** The suites, each bench/<name>.mjs; `<name>@node24` runs that suite with Node 24 (bench/node24.mjs). */
export const SUITES = ['forms', 'crossentropy', 'crossentropy@node24', 'ctc', 'margin', 'focal', 'overlap', 'gaussian', 'tfjs', 'cli'];

const LOSSES = ['mse', 'mae', 'huber'];

const FULL = {
  losses: LOSSES,
  sizes: [64, 65536, 16777216],
  rounds: 11, // timed rounds (>= 7; 11 keeps the 16M medians steadier on this shared VM)
  smallRounds: 15, // timed rounds for sizes below smallBelow: cheap, and their medians are noisier
  smallBelow: 1048576,
  sampleMs: 20, // target length of one sample
  budgetS: 60, // tfjs-cpu gets fewer rounds where its timed samples would take longer than this in total
};

const QUICK = { ...FULL, sizes: [64, 65536, 1048576], rounds: 3, smallRounds: 3, sampleMs: 10, budgetS: 20 };

const list = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Parses argv (without node and the script). Returns the options, with write = true for a full run only. */
export function parseOptions(argv) {
  const opts = { ...(argv.includes('--quick') ? QUICK : FULL), quick: argv.includes('--quick'), suites: SUITES, core: true };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2);
    if (name === '--quick' || name === '--write') continue;
    else if (name === '--no-core') opts.core = false;
    else if (name === '--suites' && value !== undefined) {
      opts.suites = list(value);
      const bad = opts.suites.filter((x) => !SUITES.includes(x));
      if (bad.length) throw new Error(`--suites: unknown suite ${bad.join(', ')} (known: ${SUITES.join(', ')})`);
    }
    else if (name === '--help' || name === '-h') opts.help = true;
    else if (name === '--only' && value) {
      opts.losses = list(value).map((s) => s.toLowerCase());
      const bad = opts.losses.filter((l) => !LOSSES.includes(l));
      if (bad.length) throw new Error(`--only: unknown loss ${bad.join(', ')} (known: ${LOSSES.join(', ')})`);
    } else if (name === '--sizes' && value) {
      opts.sizes = list(value).map(Number);
      if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: not positive integers: ${value}`);
    } else if (name === '--rounds' && value) {
      opts.rounds = Number(value);
      opts.smallRounds = opts.rounds;
      if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error(`--rounds: not a positive integer: ${value}`);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  opts.sizes = [...new Set(opts.sizes)].sort((a, b) => a - b);
  opts.write = argv.length === 0 || (argv.includes('--write') && !opts.quick);
  return opts;
}
