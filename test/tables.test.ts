/**
 * The alias table is declared once (the losses' declarations, src/losses/*.ts): README.md and docs/design.md show
 * what `fastloss list --markdown` makes of it (written there by `npm run tables`), and the declarations keep the
 * rules src/registry.ts checks when it loads.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aliasTableMarkdown } from '../src/cli/tables.js';
import type { LossDeclaration } from '../src/losses/declaration.js';
import { ALIASES, checkDeclarations, CLASS_NAMES, FUNCTION_NAMES, LOSSES } from '../src/registry.js';

function shown(file: string): string {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const start = /<!-- alias-table:start[^>]*-->\n/.exec(text);
  const end = text.indexOf('<!-- alias-table:end -->');
  expect(start, `${file}: alias-table markers`).not.toBeNull();
  return text.slice(start!.index + start![0].length, end).trimEnd();
}

describe('the alias table, declared once', () => {
  it.each(['README.md', 'docs/design.md'])('%s shows the table the declarations make (npm run tables writes it)', (file) => {
    expect(shown(file)).toBe(aliasTableMarkdown());
  });

  it('has a row per loss, every alias, class and function name in it once', () => {
    const table = aliasTableMarkdown();
    const rows = table.split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[0]!.slice(2))).toEqual(Object.keys(LOSSES));
    for (const name of [...Object.keys(ALIASES), ...Object.keys(CLASS_NAMES), ...Object.keys(FUNCTION_NAMES)]) {
      expect(table.split(`\`${name}\``).length - 1, name).toBe(1);
    }
  });
});

describe('the declarations are checked when the registry loads', () => {
  const base = (): LossDeclaration => ({ aliases: ['a_loss', 'al'], frameworks: ['pytorch'], family: 'x', meaning: 'm', rank: 100, pytorch: { classes: { ALoss: {} }, signature: undefined as never, definition: undefined as never } });
  const fails = (declared: Array<[string, LossDeclaration]>) => {
    try {
      checkDeclarations(declared);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  it('accepts the landed ones and a well-formed new one', () => {
    expect(fails([...(Object.entries(LOSSES) as Array<[string, LossDeclaration]>), ['a_loss', base()]])).toBe('accepted');
  });
  it.each([
    ['a listed framework without its declaration', { frameworks: ['pytorch', 'tensorflow'] }, 'a_loss: frameworks [pytorch, tensorflow] and the tensorflow declaration disagree'],
    ['a declaration of a framework not listed', { tensorflow: base().pytorch }, 'a_loss: frameworks [pytorch] and the tensorflow declaration disagree'],
    ['no framework', { frameworks: [], pytorch: undefined }, 'a_loss has no framework'],
    ['the canonical name not among the aliases', { aliases: ['al'] }, 'a_loss is not among its own aliases'],
    ['an alias in upper case', { aliases: ['a_loss', 'AL'] }, 'a_loss\'s alias "AL" is not lower case'],
    ['an alias of another loss', { aliases: ['a_loss', 'mse'] }, 'the name "mse" of a_loss is declared twice (also mean_squared_error\'s)'],
    ['a class name of another loss, in another case', { pytorch: { classes: { mseloss: {} }, signature: undefined as never, definition: undefined as never } }, 'the name "mseloss" of a_loss is declared twice (also mean_squared_error\'s)'],
    ['a name twice', { aliases: ['a_loss', 'al', 'al'] }, 'the name "al" of a_loss is declared twice'],
    [
      'frameworks in two parts',
      { frameworks: ['pytorch', 'tensorflow'], pytorch: { signature: undefined as never, definition: { part: 'ctc' } as never }, tensorflow: { signature: undefined as never, definition: {} as never } },
      "a_loss's frameworks are in different parts (ctc, core)",
    ],
    ['a rank taken', { rank: 0 }, 'a_loss and categorical_crossentropy have the same rank 0'],
    ['a counterpart in a framework it has', { counterparts: { pytorch: 'mean_squared_error' } }, 'a_loss has pytorch itself, and a counterpart there'],
    ['a counterpart that lacks the framework', { counterparts: { tensorflow: 'ctc' } }, "a_loss's tensorflow counterpart ctc is no tensorflow loss"],
    ['a counterpart that is no loss', { counterparts: { tensorflow: 'no_such_loss' } }, "a_loss's tensorflow counterpart no_such_loss is no tensorflow loss"],
  ] as const)('refuses %s', (_what, change, message) => {
    const declared = [...(Object.entries(LOSSES) as Array<[string, LossDeclaration]>), ['a_loss', { ...base(), ...change } as LossDeclaration] as [string, LossDeclaration]];
    expect(fails(declared)).toBe(`fastloss: bad loss declaration: ${message}`);
  });
});
