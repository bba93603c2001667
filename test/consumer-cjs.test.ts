/**
 * CommonJS consumers (Jest set-ups, `.cjs` scripts, TypeScript compiled with `module: commonjs`): a project
 * whose node_modules/fastloss links to this repository, so `require('fastloss')` resolves through
 * package.json's "require" conditions to dist/cjs/ as an installed package does. Each gives the value the
 * ESM entry gives, and the types of the .d.cts declarations compile under --strict.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLosses } from '../src/index.js';
import { consumerProject, runNode, runTsc, type ConsumerProject } from './consumer.js';

let project: ConsumerProject;
/** What the ESM sources give for the script below (the same calls). */
let expected: string;

const PRED = [0.1, 0.9, 0.4, 0.6];
const TARGET = [0, 1, 1, 0];

beforeAll(async () => {
  project = consumerProject('cjs');
  project.write('package.json', JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  const fl = await loadLosses();
  const bce = fl.loss('bce', { framework: 'pytorch' }).withGrad({ pred: PRED, target: TARGET });
  expected = JSON.stringify({ mse: fl.loss('mse')({ pred: PRED, target: TARGET }), bce: bce.value, grad: Array.from(bce.grad.pred.data) });
}, 60_000);
afterAll(() => project?.remove());

describe("require('fastloss')", () => {
  it('a .cjs script: loadLosses, values and gradients equal to the ESM entry, LossError, fl.tensor', () => {
    project.write(
      'main.cjs',
      `const { loadLosses, LossError } = require('fastloss');
const PRED = ${JSON.stringify(PRED)}, TARGET = ${JSON.stringify(TARGET)};
loadLosses().then((fl) => {
  const bce = fl.loss('bce', { framework: 'pytorch' }).withGrad({ pred: PRED, target: TARGET });
  console.log(JSON.stringify({ mse: fl.loss('mse')({ pred: PRED, target: TARGET }), bce: bce.value, grad: Array.from(bce.grad.pred.data) }));
  try { fl.loss('mse_loss', { reducton: 'sum' }); } catch (e) { console.log(e instanceof LossError, e.code); }
  const x = fl.tensor([4]); x.data.set(PRED); console.log(fl.loss('mae')({ pred: x, target: TARGET })); x.free();
});
`,
    );
    const lines = runNode(project.dir, 'main.cjs').trim().split('\n');
    expect(lines[0]).toBe(expected);
    expect(lines[1]).toBe('true UNKNOWN_OPTION');
    expect(Number(lines[2])).toBeCloseTo((0.1 + 0.1 + 0.6 + 0.6) / 4, 7);
  });

  it("require('fastloss/debug') registers the debug build with require('fastloss')'s runtime", () => {
    project.write(
      'debug.cjs',
      `require('fastloss/debug');
const { loadLosses } = require('fastloss');
loadLosses({ build: 'debug' }).then((fl) => console.log(fl.build, fl.loss('mse')({ pred: [1, 2], target: [0, 0] })));
`,
    );
    expect(runNode(project.dir, 'debug.cjs').trim()).toBe('debug 2.5');
  });

  it("require('fastloss/tfjs'): tfjsLoss, whose LossError is require('fastloss')'s own class", () => {
    project.write(
      'tfjs.cjs',
      `const { loadLosses, LossError } = require('fastloss');
const { tfjsLoss } = require('fastloss/tfjs');
loadLosses().then((fl) => {
  try { tfjsLoss({}, fl.loss('mse')); } catch (e) { console.log(typeof tfjsLoss, e instanceof LossError, e.code); }
});
`,
    );
    expect(runNode(project.dir, 'tfjs.cjs').trim()).toBe('function true BAD_OPTION');
  });

  // The two settings CommonJS TypeScript projects use: `module: commonjs` (resolution node10, which reads the
  // top-level "types" field) and `module: node16` (which reads the "require" conditions: the .d.cts files).
  it.each([
    ['commonjs', 'node10'],
    ['node16', 'node16'],
  ])('TypeScript --module %s (resolution %s): compiles under --strict with the literal-name types, and runs', (module, resolution) => {
    const dir = `ts-${module}`;
    project.write(
      `${dir}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: { strict: true, skipLibCheck: false, target: 'ES2022', module, moduleResolution: resolution, outDir: 'out', lib: ['ES2022', 'DOM'], types: [], ignoreDeprecations: '6.0' },
        include: ['main.ts'],
      }),
    );
    project.write(
      `${dir}/main.ts`,
      `import { loadLosses, LossError, type OutputTensor } from 'fastloss';
const PRED = ${JSON.stringify(PRED)}, TARGET = ${JSON.stringify(TARGET)};
async function main(): Promise<void> {
  const fl = await loadLosses();
  const value: number = fl.loss('mse')({ pred: PRED, target: TARGET });
  const bce = fl.loss('bce', { framework: 'pytorch' }).withGrad({ pred: PRED, target: TARGET });
  const none: OutputTensor = fl.loss('mae', { reduction: 'none' })({ pred: PRED, target: TARGET });
  console.log(JSON.stringify({ mse: value, bce: bce.value, grad: Array.from(bce.grad.pred.data) }));
  console.log(none.shape.length, LossError.name);
}
void main();
`,
    );
    const diagnostics = runTsc(`${project.dir}/${dir}`);
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.code} ${d.text}`)).toEqual([]);
    const out = runNode(`${project.dir}/${dir}`, 'out/main.js').trim().split('\n');
    expect(out).toEqual([expected, '0 LossError']);
  });
});
