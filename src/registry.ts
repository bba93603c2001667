/**
 * The registry: every name a loss is called by, derived from the losses' declarations (src/losses/declaration.ts;
 * each family file declares its losses). Two tables, as Keras's ALL_OBJECTS_DICT and its alias update: the
 * canonical declarations, and the names pointing at canonical names; plus the frameworks' class and function
 * names, which imply a framework and sometimes options. Nothing here is written by hand per loss.
 */

import { didYouMean, LossError } from './errors.js';
import type { Framework } from './frameworks.js';
import type { LossDeclaration, NameRule } from './losses/declaration.js';
import type { LossDefinition } from './losses/definition.js';
import type { LazyPart } from './lazy-parts.js';
import { COSINE } from './losses/cosine.js';
import { CROSSENTROPY } from './losses/crossentropy.js';
import { CTC } from './losses/ctc.js';
import { FOCAL } from './losses/focal.js';
import { GAUSSIAN } from './losses/gaussian.js';
import { MARGIN } from './losses/margin.js';
import { OVERLAP } from './losses/overlap.js';
import { PROBABILITY } from './losses/probability.js';
import { REGRESSION } from './losses/regression.js';

/** Every loss's declaration by canonical name, in the order `fastloss list` and the alias tables show them. */
export const LOSSES = { ...REGRESSION, ...PROBABILITY, ...FOCAL, ...CROSSENTROPY, ...OVERLAP, ...GAUSSIAN, ...MARGIN, ...COSINE, ...CTC } as const;

export type Canonical = keyof typeof LOSSES;

const DECLARED = Object.entries(LOSSES) as Array<[Canonical, LossDeclaration]>;

/** A framework class or function name: its canonical loss, the framework it implies, and options it fixes or implies. */
export interface ClassAlias {
  readonly canonical: Canonical;
  readonly framework: Framework;
  /** Options the class fixes: an explicit contradicting value is BAD_OPTION (BCEWithLogitsLoss, fromLogits false). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** Defaults the class implies: HuberLoss is huber with delta (default 1), not SmoothL1Loss's beta. */
  readonly implied?: Readonly<Record<string, unknown>>;
}

/** The names of one kind ('classes' or 'functions') that each loss's frameworks declare, with what they imply. */
function namesOf(kind: 'classes' | 'functions'): Record<string, ClassAlias> {
  const out: Record<string, ClassAlias> = {};
  for (const framework of ['pytorch', 'tensorflow'] as const) {
    for (const [canonical, declaration] of DECLARED) {
      const names: Readonly<Record<string, NameRule>> = declaration[framework]?.[kind] ?? {};
      for (const [name, rule] of Object.entries(names)) {
        out[name] = { canonical, framework, ...(rule.fixed === undefined ? {} : { fixed: rule.fixed }), ...(rule.implied === undefined ? {} : { implied: rule.implied }) };
      }
    }
  }
  return out;
}

/** Every accepted framework-free name (lower case) → canonical. The canonical names are aliases of themselves. */
export const ALIASES: Readonly<Record<string, Canonical>> = Object.fromEntries(DECLARED.flatMap(([canonical, d]) => d.aliases.map((alias) => [alias, canonical])));

/** Exact-case class names (torch's first). Case-insensitive lookup tries the aliases first ('huber' stays framework-free). */
export const CLASS_NAMES: Readonly<Record<string, ClassAlias>> = namesOf('classes');

/**
 * The frameworks' function names (lower case), which imply their framework as the class names do:
 * torch.nn.functional's (torch/nn/functional.py) and Keras 3's keras.losses functions (keras/src/losses/losses.py).
 * Where one is also a name of the alias table (binary_cross_entropy, huber, smooth_l1_loss, hinge_embedding_loss,
 * cosine_embedding_loss, margin_ranking_loss, the Keras names that are canonical names), the table wins: it is
 * framework-free there. So these are the function names the table does not have.
 */
export const FUNCTION_NAMES: Readonly<Record<string, ClassAlias>> = namesOf('functions');

const CLASS_NAMES_LOWER: ReadonlyMap<string, ClassAlias> = new Map(Object.entries(CLASS_NAMES).map(([k, v]) => [k.toLowerCase(), v]));

/** (canonical, framework) → definition: what `fl.loss` binds. */
export const IMPLEMENTATIONS: Readonly<Record<Canonical, Partial<Record<Framework, LossDefinition>>>> = Object.fromEntries(
  DECLARED.map(([canonical, d]) => [canonical, Object.fromEntries(d.frameworks.map((f) => [f, d[f]!.definition]))]),
) as Record<Canonical, Partial<Record<Framework, LossDefinition>>>;

/** The part whose code computes each loss (src/losses/parts.ts), or undefined: the core, always loaded. */
export const PART_OF: Readonly<Record<Canonical, LazyPart | undefined>> = Object.fromEntries(
  DECLARED.map(([canonical, d]) => [canonical, d[d.frameworks[0]!]!.definition.part]),
) as Record<Canonical, LazyPart | undefined>;

/** The losses in the order of how often people reach for them (each declaration's rank): the tie-breaker of suggestions. */
const POPULARITY: readonly Canonical[] = DECLARED.map(([canonical, d]) => ({ canonical, rank: d.rank }))
  .sort((a, b) => a.rank - b.rank)
  .map((x) => x.canonical);

/**
 * What the declarations must agree on: a framework listed has its declaration and no other is declared; the
 * canonical name is one of its aliases; no name is declared twice; ranks are distinct. The declarations are
 * static, so test/tables.test.ts checks them (a mistake in a new one fails there, with the name) and a user's
 * bundle does not carry this function.
 */
export function checkDeclarations(declared: ReadonlyArray<readonly [string, LossDeclaration]>): void {
  const fail = (what: string): never => {
    throw new Error(`fastloss: bad loss declaration: ${what}`);
  };
  // A name is declared once; its other cases may name the same loss (Keras's class Huber, the alias huber), no other.
  const exact = new Set<string>();
  const owners = new Map<string, string>();
  const once = (name: string, owner: string): void => {
    const before = owners.get(name.toLowerCase());
    if (exact.has(name) || (before !== undefined && before !== owner)) fail(`the name "${name}" of ${owner} is declared twice${before === owner ? '' : ` (also ${before}'s)`}`);
    exact.add(name);
    owners.set(name.toLowerCase(), owner);
  };
  const ranks = new Map<number, string>();
  for (const [canonical, d] of declared) {
    if (d.frameworks.length === 0) fail(`${canonical} has no framework`);
    for (const f of ['tensorflow', 'pytorch'] as const) {
      if (d.frameworks.includes(f) !== (d[f] !== undefined)) fail(`${canonical}: frameworks [${d.frameworks.join(', ')}] and the ${f} declaration disagree`);
    }
    if (!d.aliases.includes(canonical)) fail(`${canonical} is not among its own aliases`);
    for (const alias of d.aliases) {
      if (alias !== alias.toLowerCase()) fail(`${canonical}'s alias "${alias}" is not lower case`);
      once(alias, canonical);
    }
    for (const f of d.frameworks) for (const name of [...Object.keys(d[f]!.classes ?? {}), ...Object.keys(d[f]!.functions ?? {})]) once(name, canonical);
    // a loss is loaded whole: every framework's code in one part (or all in the core)
    const parts = new Set(d.frameworks.map((f) => d[f]?.definition?.part ?? 'core'));
    if (parts.size > 1) fail(`${canonical}'s frameworks are in different parts (${[...parts].join(', ')})`);
    const other = ranks.get(d.rank);
    if (other !== undefined) fail(`${canonical} and ${other} have the same rank ${d.rank}`);
    ranks.set(d.rank, canonical);
  }
  // A counterpart names a declared loss that has the framework this one lacks.
  const byName = new Map(declared);
  for (const [canonical, d] of declared) {
    for (const [f, name] of Object.entries(d.counterparts ?? {}) as [Framework, string][]) {
      if (d.frameworks.includes(f)) fail(`${canonical} has ${f} itself, and a counterpart there`);
      if (!byName.get(name)?.frameworks.includes(f)) fail(`${canonical}'s ${f} counterpart ${name} is no ${f} loss`);
    }
  }
}

export interface ResolvedName {
  readonly canonical: Canonical;
  /** The framework a class name implies. */
  readonly classAlias?: ClassAlias;
  /** The name as given, for messages. */
  readonly given: string;
}

/**
 * Resolves a name: an exact-case class name first (so 'Huber' is Keras's class), then any alias or class name
 * case-insensitively (so 'huber' and 'HUBER' are the framework-free alias, 'mseloss' is MSELoss).
 */
export function resolveName(name: unknown): ResolvedName {
  if (typeof name === 'string') {
    const exact = Object.hasOwn(CLASS_NAMES, name) ? CLASS_NAMES[name] : undefined;
    if (exact !== undefined) return { canonical: exact.canonical, classAlias: exact, given: name };
    const lower = name.toLowerCase();
    const alias = Object.hasOwn(ALIASES, lower) ? ALIASES[lower] : undefined;
    if (alias !== undefined) return { canonical: alias, given: name };
    const fn = Object.hasOwn(FUNCTION_NAMES, lower) ? FUNCTION_NAMES[lower] : undefined;
    if (fn !== undefined) return { canonical: fn.canonical, classAlias: fn, given: name };
    const cls = CLASS_NAMES_LOWER.get(lower);
    if (cls !== undefined) return { canonical: cls.canonical, classAlias: cls, given: name };
  }
  const near = typeof name === 'string' ? suggestLoss(name) : undefined;
  throw new LossError({
    code: 'UNKNOWN_LOSS',
    loss: typeof name === 'string' ? name : String(name),
    argument: 'name',
    expected: `a loss name or alias (fl.aliases() lists all ${aliasTable().length})`,
    received: typeof name === 'string' ? JSON.stringify(name) : typeof name,
    ...(near === undefined ? {} : { suggestion: near.name, ...(near.note === undefined ? {} : { suggestionNote: near.note }) }),
  });
}

/** The words of a name: snake_case and CamelCase split, lower case ('BCEWithLogitsLoss' → bce with logits loss). */
function words(name: string): string[] {
  return name
    .replace(/([a-zA-Z])(\d+d)$/, '$1 $2') // a dimension suffix: NLLLoss2d → NLLLoss 2d (its 'loss' a word of its own)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * "Did you mean" for a loss name, ranked by the names users actually type, not by edit distance alone: a name
 * whose words contain all the words given ('l1' → L1Loss, 'cross_entropy_loss' → CrossEntropyLoss) beats a
 * near spelling of an odd alias ('l1' is two edits from 'ch', which helps no one). Among those, the canonical
 * names and the frameworks' class names come first. The answer is the canonical name, with the class or
 * function name that matched as a note when it differs ('mean_absolute_error' (L1Loss)).
 */
export function suggestLoss(given: string): { name: string; note?: string } | undefined {
  const g = words(given).filter((w) => w !== 'loss'); // 'hinge_loss', 'mae_loss': the suffix says nothing
  if (g.length === 0) return undefined;
  const joined = g.join('');
  const colloquial = Object.hasOwn(COLLOQUIAL, joined) ? COLLOQUIAL[joined]! : undefined;
  if (colloquial !== undefined) return { name: CLASS_NAMES[colloquial]!.canonical, note: colloquial };
  const candidates: Array<{ name: string; canonical: Canonical; rank: number }> = [
    ...Object.keys(LOSSES).map((name) => ({ name, canonical: name as Canonical, rank: 0 })),
    ...Object.entries(CLASS_NAMES).map(([name, c]) => ({ name, canonical: c.canonical, rank: 0 })),
    ...Object.entries(FUNCTION_NAMES).map(([name, c]) => ({ name, canonical: c.canonical, rank: 1 })),
    ...Object.entries(ALIASES).map(([name, canonical]) => ({ name, canonical, rank: TABLE_FUNCTION_NAMES.has(name) ? 1 : 2 })),
  ];
  // 1. Every word given is a word (or the start of one) of the candidate, or the letters run together match.
  let best: (typeof candidates)[number] | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cw = words(c.name).filter((w) => w !== 'loss');
    const covered = g.every((w) => cw.some((x) => x === w || (w.length >= 3 && x.startsWith(w))));
    const together = cw.join('').includes(joined) && joined.length >= 4;
    if (!covered && !together) continue;
    const score =
      c.rank * 1000 + (cw.length - g.length) * 100 + (covered ? 0 : 50) + (cw[0] === g[0] ? 0 : 30) + POPULARITY.indexOf(c.canonical);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  // 2. Otherwise a plausible typo of any name, for a name long enough to have one: any two letters are two edits
  // from the two-letter aliases ('hi' from 'ch'), which helps no one.
  if (best === undefined && joined.length >= 3) {
    const near = didYouMean(given, candidates.map((c) => c.name));
    best = candidates.find((c) => c.name === near);
  }
  if (best === undefined) return undefined;
  // The canonical name; the class or function name that matched, as a note.
  const named = best.name !== best.canonical && (Object.hasOwn(CLASS_NAMES, best.name) || Object.hasOwn(FUNCTION_NAMES, best.name));
  return named ? { name: best.canonical, note: best.name } : { name: best.canonical };
}

/**
 * torch.nn.functional names that the alias table holds (framework-free there, so not in FUNCTION_NAMES): ranked
 * as the function names they are. Ranked as odd aliases, they lost to a longer function name with more to say:
 * 'bin_cross_entropy_loss' suggested binary_cross_entropy_with_logits, a name that fixes fromLogits.
 */
const TABLE_FUNCTION_NAMES: ReadonlySet<string> = new Set(['binary_cross_entropy', 'smooth_l1_loss', 'hinge_embedding_loss', 'cosine_embedding_loss', 'margin_ranking_loss']);

/** What people call a loss that is no name of it in either framework (L2 loss, CE, xent): suggested, never resolved. */
const COLLOQUIAL: Readonly<Record<string, string>> = { l2: 'MSELoss', ce: 'CrossEntropyLoss', xent: 'CrossEntropyLoss' };


export interface AliasEntry {
  readonly alias: string;
  readonly canonical: Canonical;
  /** The frameworks the name can be used with, default first. */
  readonly frameworks: readonly Framework[];
}

/**
 * Every accepted name: the aliases (all frameworks of their loss), then the class names and the function names
 * (their own framework).
 */
export function aliasTable(): AliasEntry[] {
  return [
    ...Object.entries(ALIASES).map(([alias, canonical]) => ({ alias, canonical, frameworks: LOSSES[canonical].frameworks })),
    ...Object.entries(CLASS_NAMES).map(([alias, c]) => ({ alias, canonical: c.canonical, frameworks: [c.framework] as const })),
    ...Object.entries(FUNCTION_NAMES).map(([alias, c]) => ({ alias, canonical: c.canonical, frameworks: [c.framework] as const })),
  ];
}
