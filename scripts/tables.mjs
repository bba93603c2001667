// `npm run tables`: writes the alias table (`fastloss list --markdown`, made from the losses' declarations in
// src/losses/*.ts) into README.md and docs/design.md, between their alias-table markers. test/tables.test.ts
// fails when either file no longer shows the table the declarations make.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const START = /<!-- alias-table:start[^>]*-->\n/;
const END = '<!-- alias-table:end -->';
const table = execFileSync(process.execPath, ['dist/cli.js', 'list', '--markdown'], { cwd: root, encoding: 'utf8' });
for (const file of ['README.md', 'docs/design.md']) {
  const path = `${root}/${file}`;
  const text = readFileSync(path, 'utf8');
  const start = START.exec(text);
  const end = text.indexOf(END);
  if (start === null || end < start.index) throw new Error(`${file}: no alias-table markers`);
  writeFileSync(path, text.slice(0, start.index + start[0].length) + table + text.slice(end));
  console.log(`${file}: alias table written (${table.trim().split('\n').length - 2} losses)`);
}
