/**
 * The alias table in Markdown, made from the registry (which the losses' declarations make): what
 * `fastloss list --markdown` prints, and what README.md and docs/design.md show between their
 * `<!-- alias-table:start … -->` and `<!-- alias-table:end -->` markers (`npm run tables` writes it there;
 * test/tables.test.ts checks that both still say it). So the table is declared once, in src/losses/*.ts.
 */

import { ALIASES, CLASS_NAMES, FUNCTION_NAMES, LOSSES, type Canonical } from '../registry.js';

const code = (names: readonly string[]): string => (names.length === 0 ? '—' : names.map((n) => `\`${n}\``).join(', '));

export function aliasTableMarkdown(): string {
  const rows = (Object.keys(LOSSES) as Canonical[]).map((canonical) => {
    const declaration = LOSSES[canonical];
    const aliases = Object.keys(ALIASES).filter((a) => ALIASES[a] === canonical);
    const classes = Object.keys(CLASS_NAMES).filter((c) => CLASS_NAMES[c]!.canonical === canonical);
    const functions = Object.keys(FUNCTION_NAMES).filter((f) => FUNCTION_NAMES[f]!.canonical === canonical);
    const names = [...classes, ...functions].map((n) => {
      const { framework } = (CLASS_NAMES[n] ?? FUNCTION_NAMES[n])!;
      return `\`${n}\` (${framework})`;
    });
    return `| ${canonical} | ${code(aliases)} | ${names.length === 0 ? '—' : names.join(', ')} | ${declaration.frameworks.join(', ')} | ${declaration.meaning} |`;
  });
  return [
    '| canonical | aliases (no framework implied) | class and function names (framework implied) | frameworks (default first) | meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
