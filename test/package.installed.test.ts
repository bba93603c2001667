/**
 * The package as a user installs it: `npm pack` of this repository (dist/ built by `npm test` first; the
 * prepare script is skipped, it would only build again), installed offline into a fresh project with
 * `npm install <tarball>`, no link back here. Then what a newcomer types: `npx fastloss` with no arguments (the
 * demo, on the data the package ships), `npx fastloss --version`, `require('fastloss')` and `import 'fastloss'`.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './consumer.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fastloss-installed-'));
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed[0]!.files.map((f) => f.path);
  const project = path.join(dir, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync(NPM, ['install', path.join(dir, packed[0]!.filename), '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, stdio: 'ignore' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const project = () => path.join(dir, 'project');
const bin = () => path.join(project(), 'node_modules/.bin/fastloss');

describe('the installed package', () => {
  it('ships dist/ (ESM, CommonJS, browser, types) and the demo data, and none of the sources or tests', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.cjs', 'dist/cjs/index.d.cts', 'dist/cjs/debug.cjs', 'dist/tfjs.js', 'dist/tfjs.d.ts', 'dist/cjs/tfjs.cjs', 'dist/browser/tfjs.js', 'dist/browser/index.js', 'dist/fastloss.iife.js', 'dist/cli.js', 'data/diabetes.json', 'data/linnerud.json', 'data/digits.json', 'README.md', 'package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|assembly|scripts|bench|build)\//.test(f))).toEqual([]);
  });

  it('`npx fastloss` with no arguments runs the demo on the data it ships', () => {
    const r = spawnSync(bin(), [], { cwd: project(), encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1. Every implemented loss on the model outputs');
    expect(r.stdout).toMatch(/\nDone in [\d.]+ s\.\n$/);
  });

  it('`npx fastloss --version` and `-v` print the version; `help` the usage', () => {
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(bin(), [flag], { cwd: project(), encoding: 'utf8' });
      expect([r.status, r.stdout]).toEqual([0, `fastloss ${version}\n`]);
    }
    expect(spawnSync(bin(), ['help'], { cwd: project(), encoding: 'utf8' }).stdout).toMatch(/^usage:\n {2}fastloss /);
  });

  it("require('fastloss') and import('fastloss') from the installed copy give the same value", () => {
    const script = (load: string) =>
      `${load}.then(({ loadLosses }) => loadLosses()).then((fl) => console.log(fl.loss('huber')({ pred: [0.5, 3, -1], target: [0, 0, 0] })));`;
    writeFileSync(path.join(project(), 'a.cjs'), script("Promise.resolve(require('fastloss'))"));
    writeFileSync(path.join(project(), 'b.mjs'), script("import('fastloss')"));
    const cjs = execFileSync(process.execPath, ['a.cjs'], { cwd: project(), encoding: 'utf8' });
    const esm = execFileSync(process.execPath, ['b.mjs'], { cwd: project(), encoding: 'utf8' });
    // Keras Huber, delta 1: (0.125 + 2.5 + 0.5) / 3
    expect(Number(cjs)).toBeCloseTo((0.125 + 2.5 + 0.5) / 3, 6);
    expect(esm).toBe(cjs);
  });
});
