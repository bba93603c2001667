#!/usr/bin/env node
/**
 * The `fastloss` command (package.json "bin"; `npm start` runs the demo):
 *
 *   fastloss                       the demo: every implemented loss on the built-in data (src/cli/demo.ts)
 *   fastloss list [--json | --markdown]  names, canonical losses, frameworks (--markdown: the README's alias table)
 *   fastloss eval <loss> --pred FILE --target FILE [--input name=FILE ...] [--framework F] [--reduction R]
 *                 [--option key=value ...] [--out FILE] [--json] [--shard i/n]
 *   fastloss eval --merge STATE... [--out FILE] [--json]    the shards' states merged (src/cli/merge.ts)
 *   fastloss bench [--quick]       the benchmark driver (bench/run.mjs, in a checkout of the repository)
 *   fastloss --help | help         the usage;  fastloss --version (-v): the version
 *
 * A bad file or argument is one line on stderr and exit code 2; never a stack trace.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runDemo } from './cli/demo.js';
import { aliasTableMarkdown } from './cli/tables.js';
import { runEval, parseOption, parseShard } from './cli/eval.js';
import { runMerge } from './cli/merge.js';
import { CliError } from './cli/files.js';
import { didYouMean } from './errors.js';
import { loadLosses, LossError } from './index.js';
import { LOSSES } from './registry.js';

const USAGE = `usage:
  fastloss                     the demo on the built-in data (npm start)
  fastloss list [--json | --markdown]  every loss: canonical name, frameworks, aliases (--markdown: the alias table)
  fastloss eval <loss> --pred FILE --target FILE [--input name=FILE ...] [--framework F]
                [--reduction R] [--option key=value ...] [--out FILE] [--json] [--shard i/n]
                files: .npy (float32, float64, int32, int64; C order), .json, .csv;
                --out FILE.npy|FILE.csv writes the per-sample losses of --reduction none;
                --shard i/n evaluates rows [floor(i*R/n), floor((i+1)*R/n)) of the R rows
                and prints the state (JSON) for --merge
  fastloss eval --merge STATE... [--out FILE] [--json]
                the shards' states merged (in the order given), the value printed as eval does
  fastloss bench [--quick]     the benchmark driver (in a checkout of the repository)
  fastloss --help | help       this text;  fastloss --version (-v): the version`;

const SEE_HELP = ' (fastloss --help for usage)';

const OPTIONS = {
  pred: { type: 'string' },
  target: { type: 'string' },
  input: { type: 'string', multiple: true },
  framework: { type: 'string' },
  reduction: { type: 'string' },
  option: { type: 'string', multiple: true },
  out: { type: 'string' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  shard: { type: 'string' },
  merge: { type: 'boolean' },
  quick: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function only(values: Values, allowed: readonly string[], command: string): void {
  for (const key of Object.keys(values)) {
    if (values[key as keyof Values] !== undefined && !allowed.includes(key)) throw new CliError(`${command}: unknown option --${key}${SEE_HELP}`);
  }
}

const print = (line: string): void => void process.stdout.write(line + '\n');

async function list(json: boolean, markdown: boolean): Promise<void> {
  if (markdown) {
    print(aliasTableMarkdown());
    return;
  }
  const fl = await loadLosses();
  const implemented = new Map(fl.implemented().map((l) => [l.name as string, l.frameworks as string[]]));
  const rows = Object.entries(LOSSES).map(([name, spec]) => ({
    loss: name,
    frameworks: [...spec.frameworks] as string[],
    implemented: implemented.get(name) ?? [],
    aliases: fl.aliases().filter((a) => a.canonical === name && a.alias !== name).map((a) => a.alias),
  }));
  if (json) {
    print(JSON.stringify(rows, null, 2));
    return;
  }
  const width = Math.max(...rows.map((r) => r.loss.length));
  for (const r of rows) {
    const status = r.implemented.length === 0 ? 'not yet' : `implemented (${r.implemented.join(', ')})`;
    print(`${r.loss.padEnd(width)}  ${r.frameworks.join(', ').padEnd(22)}  ${status.padEnd(37)}  ${r.aliases.join(', ')}`);
  }
}

function bench(quick: boolean): number {
  const script = fileURLToPath(new URL('../bench/run.mjs', import.meta.url));
  if (!existsSync(script)) throw new CliError(`fastloss bench: ${script} not found (the benchmarks are in a checkout of the repository, not the package)`);
  const run = spawnSync(process.execPath, [script, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
  return run.status ?? 1;
}

/**
 * node:util's parseArgs, its errors said the command's way: an unknown flag with the nearest known one
 * (`--reducton`: did you mean --reduction?), instead of Node's text about positionals after '--'.
 */
function parse(argv: readonly string[]): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^']*)'/.exec(err.message)?.[1] : undefined;
    if (unknown !== undefined) {
      const near = didYouMean(unknown.replace(/^-+/, ''), Object.keys(OPTIONS));
      throw new CliError(`unknown option ${unknown}${near === undefined ? '' : `: did you mean --${near}?`}${SEE_HELP}`);
    }
    throw new CliError(`${err.message.split('\n')[0]}${SEE_HELP}`);
  }
}

/** The package's version, from the package.json beside dist/ (in a checkout and in an installed package). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.version === true) {
    print(`fastloss ${version()}`);
    return 0;
  }
  if (values.help === true || command === 'help') {
    print(USAGE);
    return 0;
  }
  switch (command) {
    case undefined:
    case 'demo':
      only(values, [], 'fastloss');
      await runDemo();
      return 0;
    case 'list':
      only(values, ['json', 'markdown'], 'fastloss list');
      if (rest.length > 0) throw new CliError(`fastloss list: unexpected argument "${rest[0]}"`);
      if (values.json === true && values.markdown === true) throw new CliError('fastloss list: --json or --markdown, not both');
      await list(values.json === true, values.markdown === true);
      return 0;
    case 'bench':
      only(values, ['quick'], 'fastloss bench');
      return bench(values.quick === true);
    case 'eval': {
      if (values.merge === true) {
        for (const key of Object.keys(values)) {
          if (values[key as keyof Values] !== undefined && !['merge', 'out', 'json'].includes(key)) {
            throw new CliError(`fastloss eval --merge: --${key} does not go with --merge (it takes state files, --out and --json: each state names its loss, options and reduction)`);
          }
        }
        runMerge(await loadLosses(), { files: rest, out: values.out, json: values.json === true }, print);
        return 0;
      }
      only(values, ['pred', 'target', 'input', 'framework', 'reduction', 'option', 'out', 'json', 'shard'], 'fastloss eval');
      if (rest.length !== 1) throw new CliError(`fastloss eval: expected one loss name, received ${rest.length}${SEE_HELP}`);
      const files: Record<string, string> = {};
      if (values.pred !== undefined) files.pred = values.pred;
      if (values.target !== undefined) files.target = values.target;
      for (const text of values.input ?? []) {
        const eq = text.indexOf('=');
        if (eq <= 0 || eq === text.length - 1) throw new CliError(`--input ${text}: expected name=FILE`);
        const name = text.slice(0, eq);
        if (Object.hasOwn(files, name)) throw new CliError(`--input ${text}: input "${name}" given twice`);
        files[name] = text.slice(eq + 1);
      }
      const options = Object.fromEntries((values.option ?? []).map((t) => parseOption(t, '--option')));
      const shard = values.shard === undefined ? undefined : parseShard(values.shard);
      const fl = await loadLosses();
      runEval(fl, { loss: rest[0]!, files, framework: values.framework, reduction: values.reduction, options, out: values.out, json: values.json === true, shard }, print);
      return 0;
    }
    default:
      throw new CliError(`unknown command "${command}"${SEE_HELP}`);
  }
}

// `fastloss list | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof CliError || e instanceof LossError) {
    // One line (the usage, when it follows, on the next lines).
    process.stderr.write(`fastloss: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`fastloss: internal error: ${e instanceof Error ? e.message : String(e)}${process.env.FASTLOSS_DEBUG ? `\n${(e as Error).stack}` : ''}\n`);
    process.exitCode = 1;
  }
}
