/**
 * The house's arrows: the import graph of src/ (type imports included) has no circle, and no module of a lower
 * floor imports one above it. Floors, from the bottom: the leaves (errors, tensors, the wasm runtime and its threads, option
 * parsers, the shapes and signatures); the reducer and the tiling of the scratch region; the engines and the
 * loss families (src/losses/); the registry and the accumulator; the public entries. A module may import its own
 * floor and those below.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'reference' || f === 'cli' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const files = sources(SRC);
const name = (p: string) => relative(SRC, p).replace(/\\/g, '/');

/** Every relative import and re-export of a module, value or type. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return found.filter((p) => files.includes(p));
}

const graph = new Map(files.map((f) => [name(f), imports(f).map(name)]));

/** The floor of a module (see the header); a module not listed is refused, so a new one must be placed. */
function floor(module: string): number {
  const floors: Record<string, number> = {
    'errors.ts': 0, 'frameworks.ts': 0, 'signatures.ts': 0, 'tensor.ts': 0, 'heap.ts': 0, 'exact-sum.ts': 0, 'npy.ts': 0,
    'options.ts': 0, 'wasm.ts': 0, 'release.ts': 0, 'release.browser.ts': 0, 'release.script.browser.ts': 0, 'release-inflate.browser.ts': 0, 'lazy-parts.ts': 0,
    'kernels.ts': 0, 'kernel-steps.ts': 0, 'threads.ts': 0, 'thread-pool.ts': 0, 'thread-pool.browser.ts': 0,
    'reduction.ts': 0, 'reducer.ts': 1, 'losses/definition.ts': 1, 'losses/declaration.ts': 1,
    'registry.ts': 4, 'accumulator.ts': 4, 'accumulator-state.ts': 4, 'types.ts': 4,
    'index.ts': 5, 'index.cjs.ts': 5, 'debug.ts': 5, 'cli.ts': 5, 'tfjs.ts': 5,
  };
  const f = floors[module] ?? (module.startsWith('engines/') ? 2 : module.startsWith('losses/') ? 3 : undefined);
  if (f === undefined) throw new Error(`test/imports.test.ts: place ${module} on a floor`);
  return f;
}

describe('the import graph of src/', () => {
  it('has no circle (type imports included)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (m: string): void => {
      state.set(m, 'open');
      path.push(m);
      for (const d of graph.get(m) ?? []) {
        if (state.get(d) === 'open') cycles.push([...path.slice(path.indexOf(d)), d].join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      path.pop();
      state.set(m, 'done');
    };
    for (const m of graph.keys()) if (!state.has(m)) visit(m);
    expect(cycles).toEqual([]);
  });

  it('points down: no module imports one on a floor above its own', () => {
    const upward: string[] = [];
    for (const [m, deps] of graph) for (const d of deps) if (floor(d) > floor(m)) upward.push(`${m} (floor ${floor(m)}) -> ${d} (floor ${floor(d)})`);
    expect(upward).toEqual([]);
  });

  it('sees the whole of src/ (the test reads what it judges)', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get('engines/elementwise.ts')).toContain('reducer.ts');
  });
});
