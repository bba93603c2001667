/**
 * A throwaway consumer project: a temp directory whose node_modules/fastloss links to this repository, so
 * that `import … from 'fastloss'` resolves as an installed package does, through package.json's "exports"
 * and "sideEffects", to the built dist/ (`npm test` builds it first).
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ConsumerProject {
  readonly dir: string;
  write(file: string, text: string): string;
  remove(): void;
}

export function consumerProject(prefix: string): ConsumerProject {
  if (!existsSync(path.join(ROOT, 'dist/index.js')) || !existsSync(path.join(ROOT, 'dist/index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  }
  const dir = mkdtempSync(path.join(tmpdir(), `fastloss-${prefix}-`));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'fastloss'), 'dir');
  return {
    dir,
    write(file, text) {
      const full = path.join(dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
