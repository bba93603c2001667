/**
 * The published types, as a TypeScript user meets them: a consumer project (fastloss installed as a link to
 * this repository, so its package.json "exports" lead to dist/*.d.ts) compiled with `tsc --strict --noEmit`
 * and skipLibCheck off, so the .d.ts files themselves are checked too:
 * - test/types/must-compile.ts: typed calls of every loss by every kind of name, and the loose types of a
 *   name held in a variable; it must compile, and its Expect<Equal<…>> lines pin the inferred types;
 * - test/types/misuse.ts: a `@ts-expect-error` line for each misuse (a wrong option or input name, an option
 *   of the other framework, 'none' used as a number, …): compiled as it is, an unused directive fails; and
 *   compiled again with the directives blanked, where every error must fall on a line after one, and every
 *   such line must have one, so a misuse that starts to compile, or an error that moves, fails the test;
 * - a file generated here from the runtime registry: every name fl.aliases() lists resolves in the types to
 *   the canonical loss and framework(s) it resolves to at run time, with the options its class name fixes
 *   or implies; every (loss, framework) that has landed (IMPLEMENTATIONS) has the inputs, option names and
 *   reductions of its definition.
 * One tsc run for all of it (a few seconds).
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OptionSpec } from '../src/options.js';
import { aliasTable, IMPLEMENTATIONS, LOSSES, resolveName, type Canonical } from '../src/registry.js';
import type { Framework } from '../src/frameworks.js';
import { consumerProject, ROOT, runTsc, type ConsumerProject, type Diagnostic } from './consumer.js';

/**
 * Names the types know that the runtime registry does not have yet: the functional names of torch.nn.functional
 * and keras.losses, which the registry gains in parallel (issue 10). Once it has them they are checked like
 * every other name; until then they must be exactly these.
 */
const PENDING_NAMES = [
  'mse_loss', 'l1_loss', 'huber_loss', 'binary_cross_entropy_with_logits', 'cross_entropy', 'nll_loss', 'kl_div',
  'poisson_nll_loss', 'ctc_loss', 'kl_divergence',
];
/** Reductions the types give that a landed definition may not accept yet (Keras >= 3.13, issue 10). */
const PENDING_REDUCTIONS = ['mean_with_sample_weight'];
const ALL_REDUCTIONS = ['none', 'sum', 'mean', 'sum_over_batch_size', 'mean_with_sample_weight', 'batchmean'];

const q = (s: string) => JSON.stringify(s);
const union = (xs: readonly string[]) => (xs.length === 0 ? 'never' : [...new Set(xs)].sort().map(q).join(' | '));

/** What a definition's option accepts among the reductions (its parse throws on the others). */
function acceptedReductions(spec: OptionSpec, loss: Canonical, framework: Framework): string[] {
  return ALL_REDUCTIONS.filter((r) => {
    try {
      spec.parse(r, { loss, framework, jsBelow: 0 }, 'reduction');
      return true;
    } catch {
      return false;
    }
  });
}

/** The sync checks, as TypeScript: each line an `Expect<Equal<typed, runtime>>`. */
function syncSource(): string {
  const lines: string[] = [];
  const check = (typed: string, runtime: string, what: string) => lines.push(`type _${lines.length} = Expect<Equal<${typed}, ${runtime}>>; // ${what}`);
  const runtimeNames = new Set<string>();
  const names = aliasTable().map((e) => e.alias);
  // every spelling the runtime resolves: as listed, in upper case, in lower case
  const spellings = [...new Set(names.flatMap((n) => [n, n.toUpperCase(), n.toLowerCase()]))];
  for (const name of spellings) {
    runtimeNames.add(name);
    const r = resolveName(name);
    const frameworks = r.classAlias === undefined ? LOSSES[r.canonical].frameworks : [r.classAlias.framework];
    check(`CanonicalOf<${q(name)}>`, q(r.canonical), `${name} resolves to ${r.canonical}`);
    check(`FrameworksOf<${q(name)}>`, union(frameworks), `${name}: its frameworks`);
    check(`DefaultFrameworkOf<${q(name)}>`, q(frameworks[0]!), `${name}: its default framework`);
    for (const [key, value] of Object.entries(r.classAlias?.fixed ?? {})) {
      check(`Exclude<OptionsOf<${q(name)}>[${q(key)}], undefined>`, JSON.stringify(value), `${name} fixes ${key}`);
    }
    for (const key of Object.keys(r.classAlias?.implied ?? {})) {
      check(`${q(key)} extends keyof OptionsOf<${q(name)}> ? true : false`, 'true', `${name} implies ${key}`);
    }
  }
  // every typed name is a runtime name, or a pending one
  check(`Exclude<LossName, ${union([...runtimeNames])}>`, union(PENDING_NAMES.filter((n) => !runtimeNames.has(n))), 'type-only names');
  // every landed (loss, framework): inputs, options, reductions
  for (const [canonical, byFramework] of Object.entries(IMPLEMENTATIONS) as Array<[Canonical, Partial<Record<Framework, import('../src/losses/definition.js').LossDefinition>>]>) {
    for (const [framework, def] of Object.entries(byFramework) as Array<[Framework, import('../src/losses/definition.js').LossDefinition]>) {
      const at = `${q(canonical)}, ${q(framework)}`;
      check(`RequiredKeys<InputsOf<${at}>>`, union(def.inputs), `${canonical} (${framework}): required inputs`);
      check(`OptionalKeys<InputsOf<${at}>>`, union(def.optionalInputs), `${canonical} (${framework}): optional inputs`);
      check(`KeysOfUnion<OptionsOf<${at}>>`, union(['framework', ...Object.keys(def.options)]), `${canonical} (${framework}): option names`);
      const reduction = def.options.reduction;
      if (reduction !== undefined) {
        const accepted = acceptedReductions(reduction, canonical, framework);
        check(`Exclude<ReductionOf<${at}>, ${union(PENDING_REDUCTIONS)}>`, union(accepted.filter((r) => !PENDING_REDUCTIONS.includes(r))), `${canonical} (${framework}): reductions`);
        // what a call returns without a reduction: a tensor where the default is 'none' (torchvision's focal)
        check(`DefaultValueOf<${at}>`, reduction.default === 'none' ? 'OutputTensor' : 'number', `${canonical} (${framework}): the default reduction's value`);
      }
    }
  }
  return [
    '// Generated by test/consumer-types.test.ts from src/registry.ts: the types against the runtime tables.',
    "import type { CanonicalOf, DefaultFrameworkOf, DefaultValueOf, FrameworksOf, InputsOf, LossName, OptionsOf, OutputTensor, ReductionOf } from 'fastloss';",
    'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
    'type Expect<T extends true> = T;',
    'type KeysOfUnion<T> = T extends unknown ? keyof T : never;',
    'type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];',
    'type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;',
    ...lines,
    'export {};',
    '',
  ].join('\n');
}

let project: ConsumerProject;
let diagnostics: Diagnostic[];
let misuseLines: number[];

beforeAll(() => {
  project = consumerProject('types');
  project.write('package.json', JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  project.write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        types: [],
      },
      include: ['src'],
    }),
  );
  const misuse = readFileSync(new URL('types/misuse.ts', import.meta.url), 'utf8');
  project.write('src/must-compile.ts', readFileSync(new URL('types/must-compile.ts', import.meta.url), 'utf8'));
  project.write('src/misuse.ts', misuse);
  // the same lines, the directives blanked (line numbers kept): the errors they suppressed must show, there
  const lines = misuse.split('\n');
  misuseLines = lines.flatMap((l, i) => (/^\s*\/\/ @ts-expect-error/.test(l) ? [i + 2] : []));
  project.write('src/misuse-bare.ts', lines.map((l) => (/^\s*\/\/ @ts-expect-error/.test(l) ? '//' : l)).join('\n'));
  project.write('src/sync.ts', syncSource());
  diagnostics = runTsc(project.dir);
}, 120_000);
// FASTLOSS_KEEP_CONSUMER=1 keeps the project for a look (`node_modules/typescript/bin/tsc -p <dir>`).
afterAll(() => (process.env.FASTLOSS_KEEP_CONSUMER ? console.log(`consumer project kept: ${project.dir}`) : project?.remove()));

const show = (ds: Diagnostic[]) => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.text}`).join('\n');

describe('the published types in a consumer project (tsc --strict)', () => {
  it('must-compile.ts compiles, and the .d.ts files with it (skipLibCheck off)', () => {
    expect(show(diagnostics.filter((d) => d.file !== 'src/misuse-bare.ts' && d.file !== 'src/sync.ts'))).toBe('');
  });

  it('every misuse in misuse.ts is an error on its line, and nothing else is', () => {
    const bare = diagnostics.filter((d) => d.file === 'src/misuse-bare.ts');
    expect(misuseLines.length).toBeGreaterThan(40);
    const missing = misuseLines.filter((line) => !bare.some((d) => d.line === line));
    expect(missing.map((line) => `misuse.ts:${line} compiles`)).toEqual([]);
    expect(show(bare.filter((d) => !misuseLines.includes(d.line)))).toBe('');
  });

  it('the type tables agree with the runtime registry (names, frameworks, inputs, options, reductions)', () => {
    const sync = readFileSync(path.join(project.dir, 'src/sync.ts'), 'utf8').split('\n');
    const errors = diagnostics.filter((d) => d.file === 'src/sync.ts').map((d) => `${sync[d.line - 1]}\n    ${d.code} ${d.text}`);
    expect(errors.join('\n')).toBe('');
    expect(sync.length).toBeGreaterThan(400);
  });
});

// The harness itself: a clone of the repository may sit at any depth, and so may the temporary directory
// (TMPDIR). A project made three levels further down must still get its errors on its own files and lines.
describe('runTsc reads the paths tsc prints wherever the project sits', () => {
  it('an error in a project three levels below the temporary directory is on src/bad.ts line 2', () => {
    const deep = path.join(mkdtempSync(path.join(tmpdir(), 'fastloss-depth-')), 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    const p = consumerProject('deep', deep);
    try {
      p.write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ['src'] }));
      p.write('src/bad.ts', 'export const ok: number = 1;\nexport const bad: number = "two";\n');
      expect(runTsc(p.dir).map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(['src/bad.ts:2 TS2322']);
    } finally {
      rmSync(path.dirname(path.dirname(path.dirname(deep))), { recursive: true, force: true });
    }
  });
});

// fastloss/tfjs against the real TensorFlow.js types (tfjs-core and tfjs-layers, devDependencies here; a user's
// own tfjs elsewhere): the namespace passes as it is, the loss goes into model.compile, a custom loop's call gives
// the program's own tf.Tensor, each with no cast; a loss passed without the namespace is an error.
describe('fastloss/tfjs with the real TensorFlow.js types', () => {
  it('tfjsLoss(tf, loss) compiles with no cast in model.compile and a custom loop, and returns tf.Tensor', () => {
    const p = consumerProject('tfjs-types');
    try {
      symlinkSync(path.join(ROOT, 'node_modules', '@tensorflow'), path.join(p.dir, 'node_modules', '@tensorflow'), 'dir');
      p.write('package.json', JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      p.write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [] }, include: ['src'] }));
      p.write(
        'src/train.ts',
        [
          "import * as tf from '@tensorflow/tfjs-core';",
          "import * as tfl from '@tensorflow/tfjs-layers';",
          "import { loadLosses } from 'fastloss';",
          "import { tfjsLoss } from 'fastloss/tfjs';",
          'const fl = await loadLosses();',
          "const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] })] });",
          "model.compile({ optimizer: 'sgd', loss: tfjsLoss(tf, fl.loss('categorical_crossentropy', { fromLogits: true })) });",
          "const ctc = tfjsLoss(tf, fl.loss('ctc'));",
          'const value: tf.Tensor = ctc({ logProbs: tf.zeros([5, 1, 3]), targets: [[1]], inputLengths: [5], targetLengths: [1] });',
          "const mse = tfjsLoss(tf, fl.loss('mse'));",
          'const pair: tf.Tensor = mse(tf.zeros([2]), tf.ones([2]));',
          '// @ts-expect-error the namespace comes first',
          "tfjsLoss(fl.loss('mse'), tf);",
          'export { value, pair };',
          '',
        ].join('\n'),
      );
      expect(show(runTsc(p.dir))).toBe('');
    } finally {
      p.remove();
    }
  }, 60_000);
});
