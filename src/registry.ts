/**
 * The registry: canonical loss specs, and the names users call them by (the alias table of docs/design.md §7, every odd
 * spelling kept), plus the frameworks' class names, which imply a framework and sometimes options. Two
 * tables, as Keras's ALL_OBJECTS_DICT and its alias update: aliases point at canonical names, never at specs.
 */

import { didYouMean, LossError } from './errors.js';
import type { Framework } from './frameworks.js';
import type { LossDefinition } from './losses/definition.js';
import { CTC } from './losses/ctc.js';
import { CROSSENTROPY_ROWS } from './losses/crossentropy.js';
import { PROBABILITY } from './losses/probability.js';
import { COSINE } from './losses/cosine.js';
import { MARGIN } from './losses/margin.js';
import { REGRESSION } from './losses/regression.js';

export interface CanonicalSpec {
  /** Default first. */
  readonly frameworks: readonly Framework[];
  /** The kernel family (assembly/<family>.ts) that computes it. */
  readonly family: string;
  /** What it is in each framework (the alias table of docs/design.md §7). */
  readonly meaning: string;
}

export const LOSSES = {
  binary_crossentropy: { frameworks: ['tensorflow', 'pytorch'], family: 'crossentropy', meaning: 'tf.keras.losses.BinaryCrossentropy; torch BCELoss, and BCEWithLogitsLoss when fromLogits' },
  categorical_crossentropy: { frameworks: ['tensorflow', 'pytorch'], family: 'crossentropy', meaning: 'CategoricalCrossentropy; torch CrossEntropyLoss (class-index or probability targets)' },
  categorical_hinge: { frameworks: ['tensorflow', 'pytorch'], family: 'margin', meaning: 'CategoricalHinge; torch MarginRankingLoss (inputs x1, x2, target)' },
  cosine_similarity: { frameworks: ['tensorflow'], family: 'cosine', meaning: 'CosineSimilarity (axis)' },
  hinge: { frameworks: ['tensorflow'], family: 'margin', meaning: 'Hinge (0/1 labels mapped to -1/1)' },
  huber: { frameworks: ['tensorflow', 'pytorch'], family: 'regression', meaning: 'Huber (delta); torch SmoothL1Loss (beta), HuberLoss when delta is given' },
  kullback_leibler_divergence: { frameworks: ['tensorflow', 'pytorch'], family: 'divergence', meaning: 'KLDivergence; torch KLDivLoss (pred = log-probabilities, logTarget)' },
  mean_absolute_error: { frameworks: ['tensorflow', 'pytorch'], family: 'regression', meaning: 'MeanAbsoluteError; torch L1Loss' },
  mean_absolute_percentage_error: { frameworks: ['tensorflow'], family: 'regression', meaning: 'MeanAbsolutePercentageError' },
  mean_squared_error: { frameworks: ['tensorflow', 'pytorch'], family: 'regression', meaning: 'MeanSquaredError; torch MSELoss' },
  mean_squared_logarithmic_error: { frameworks: ['tensorflow'], family: 'regression', meaning: 'MeanSquaredLogarithmicError' },
  sparse_categorical_crossentropy: { frameworks: ['tensorflow'], family: 'crossentropy', meaning: 'SparseCategoricalCrossentropy' },
  ctc: { frameworks: ['pytorch'], family: 'ctc', meaning: 'CTCLoss' },
  negative_log_likelihood: { frameworks: ['pytorch'], family: 'crossentropy', meaning: 'NLLLoss' },
  poisson_negative_log_likelihood: { frameworks: ['pytorch'], family: 'divergence', meaning: 'PoissonNLLLoss' },
  bpr: { frameworks: ['tensorflow'], family: 'ranking', meaning: 'pairwise: loss = -log(sigmoid(s+ - s-))' },
  pair_hinge: { frameworks: ['tensorflow'], family: 'ranking', meaning: 'pairwise: loss = max(0, margin - s+ + s-)' },
  squared_hinge: { frameworks: ['tensorflow'], family: 'margin', meaning: 'SquaredHinge' },
  hinge_embedding: { frameworks: ['pytorch'], family: 'margin', meaning: 'HingeEmbeddingLoss (margin)' },
  cosine_embedding: { frameworks: ['pytorch'], family: 'cosine', meaning: 'CosineEmbeddingLoss (margin)' },
  smooth_l1: { frameworks: ['pytorch'], family: 'regression', meaning: 'SmoothL1Loss (beta)' },
  margin_ranking: { frameworks: ['pytorch'], family: 'ranking', meaning: 'MarginRankingLoss (margin)' },
} as const satisfies Record<string, CanonicalSpec>;

export type Canonical = keyof typeof LOSSES;

/** Every accepted name (lower case) → canonical. The canonical names are aliases of themselves. */
export const ALIASES: Readonly<Record<string, Canonical>> = {
  bce: 'binary_crossentropy', bin_crossentropy: 'binary_crossentropy', bin_cross_entropy: 'binary_crossentropy',
  binary_crossentropy: 'binary_crossentropy', binary_cross_entropy: 'binary_crossentropy',
  cce: 'categorical_crossentropy', cate_crossentropy: 'categorical_crossentropy', cate_cross_entropy: 'categorical_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy', categorical_cross_entropy: 'categorical_crossentropy',
  ch: 'categorical_hinge', chinge: 'categorical_hinge', cate_hinge: 'categorical_hinge', catehinge: 'categorical_hinge',
  categorical_hinge: 'categorical_hinge',
  cs: 'cosine_similarity', cos_similarity: 'cosine_similarity', cossimilarity: 'cosine_similarity', cos_sim: 'cosine_similarity',
  cossim: 'cosine_similarity', cosine_similarity: 'cosine_similarity',
  hinge: 'hinge',
  huber: 'huber',
  kld: 'kullback_leibler_divergence', kullback_leibler_divergence: 'kullback_leibler_divergence',
  mae: 'mean_absolute_error', mean_abs_error: 'mean_absolute_error', mean_absolute_error: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error', mean_abs_percent_error: 'mean_absolute_percentage_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  mse: 'mean_squared_error', mean_square_error: 'mean_squared_error', mean_squared_error: 'mean_squared_error',
  msle: 'mean_squared_logarithmic_error', mean_square_log_error: 'mean_squared_logarithmic_error',
  mean_squared_log_error: 'mean_squared_logarithmic_error', mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  scce: 'sparse_categorical_crossentropy', sparse_cate_crosse_entropy: 'sparse_categorical_crossentropy',
  sparse_cate_cross_entropy: 'sparse_categorical_crossentropy', // accepted beside the listed misspelling above
  sparse_categorical_cross_entropy: 'sparse_categorical_crossentropy', sparse_cate_crossentropy: 'sparse_categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  ctc: 'ctc',
  nll: 'negative_log_likelihood', neg_ll: 'negative_log_likelihood', neg_log_likelihood: 'negative_log_likelihood',
  negative_log_likelihood: 'negative_log_likelihood',
  pnll: 'poisson_negative_log_likelihood', p_neg_ll: 'poisson_negative_log_likelihood',
  p_neg_log_likelihood: 'poisson_negative_log_likelihood', poisson_negative_log_likelihood: 'poisson_negative_log_likelihood',
  bpr: 'bpr', bpr_loss: 'bpr',
  phinge: 'pair_hinge', pair_hinge: 'pair_hinge', pair_hinge_loss: 'pair_hinge',
  squared_hinge: 'squared_hinge',
  hinge_embedding: 'hinge_embedding', hinge_embedding_loss: 'hinge_embedding',
  cosine_embedding: 'cosine_embedding', cosine_embedding_loss: 'cosine_embedding',
  smooth_l1: 'smooth_l1', smooth_l1_loss: 'smooth_l1',
  margin_ranking: 'margin_ranking', margin_ranking_loss: 'margin_ranking',
};

/** A framework class name: its canonical loss, the framework it implies, and options it fixes or implies. */
export interface ClassAlias {
  readonly canonical: Canonical;
  readonly framework: Framework;
  /** Options the class fixes: an explicit contradicting value is BAD_OPTION (BCEWithLogitsLoss, fromLogits false). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** Defaults the class implies: HuberLoss is huber with delta (default 1), not SmoothL1Loss's beta. */
  readonly implied?: Readonly<Record<string, unknown>>;
}

const torch = (canonical: Canonical, extra: Omit<ClassAlias, 'canonical' | 'framework'> = {}): ClassAlias => ({ canonical, framework: 'pytorch', ...extra });
const keras = (canonical: Canonical): ClassAlias => ({ canonical, framework: 'tensorflow' });

/** Exact-case class names. Case-insensitive lookup tries the aliases first ('huber' stays framework-free). */
export const CLASS_NAMES: Readonly<Record<string, ClassAlias>> = {
  BCELoss: torch('binary_crossentropy', { fixed: { fromLogits: false } }),
  BCEWithLogitsLoss: torch('binary_crossentropy', { fixed: { fromLogits: true } }),
  CrossEntropyLoss: torch('categorical_crossentropy'),
  NLLLoss: torch('negative_log_likelihood'),
  KLDivLoss: torch('kullback_leibler_divergence'),
  L1Loss: torch('mean_absolute_error'),
  MSELoss: torch('mean_squared_error'),
  SmoothL1Loss: torch('smooth_l1'),
  HuberLoss: torch('huber', { implied: { delta: 1 } }),
  PoissonNLLLoss: torch('poisson_negative_log_likelihood'),
  CTCLoss: torch('ctc'),
  MarginRankingLoss: torch('margin_ranking'),
  HingeEmbeddingLoss: torch('hinge_embedding'),
  CosineEmbeddingLoss: torch('cosine_embedding'),
  BinaryCrossentropy: keras('binary_crossentropy'),
  CategoricalCrossentropy: keras('categorical_crossentropy'),
  SparseCategoricalCrossentropy: keras('sparse_categorical_crossentropy'),
  CategoricalHinge: keras('categorical_hinge'),
  CosineSimilarity: keras('cosine_similarity'),
  Hinge: keras('hinge'),
  SquaredHinge: keras('squared_hinge'),
  Huber: keras('huber'),
  KLDivergence: keras('kullback_leibler_divergence'),
  MeanAbsoluteError: keras('mean_absolute_error'),
  MeanAbsolutePercentageError: keras('mean_absolute_percentage_error'),
  MeanSquaredError: keras('mean_squared_error'),
  MeanSquaredLogarithmicError: keras('mean_squared_logarithmic_error'),
};

/**
 * The frameworks' function names (lower case), which imply their framework as the class names do:
 * torch.nn.functional's (torch/nn/functional.py) and Keras 3's keras.losses functions (keras/src/losses/losses.py).
 * Where one is also a name of the alias table (binary_cross_entropy, huber, smooth_l1_loss, hinge_embedding_loss,
 * cosine_embedding_loss, margin_ranking_loss, the Keras names that are canonical names), the table wins: it is
 * framework-free there, as docs/design.md §7's table lists it. So these are the function names the table does not have.
 */
export const FUNCTION_NAMES: Readonly<Record<string, ClassAlias>> = {
  // torch.nn.functional
  mse_loss: torch('mean_squared_error'),
  l1_loss: torch('mean_absolute_error'),
  huber_loss: torch('huber', { implied: { delta: 1 } }), // F.huber_loss(delta=1.0) is HuberLoss, not SmoothL1Loss
  binary_cross_entropy_with_logits: torch('binary_crossentropy', { fixed: { fromLogits: true } }),
  cross_entropy: torch('categorical_crossentropy'),
  nll_loss: torch('negative_log_likelihood'),
  kl_div: torch('kullback_leibler_divergence'),
  poisson_nll_loss: torch('poisson_negative_log_likelihood'),
  ctc_loss: torch('ctc'),
  // keras.losses (Keras 3)
  kl_divergence: keras('kullback_leibler_divergence'),
};

const CLASS_NAMES_LOWER: ReadonlyMap<string, ClassAlias> = new Map(Object.entries(CLASS_NAMES).map(([k, v]) => [k.toLowerCase(), v]));

/** The families that have landed: (canonical, framework) → definition. */
export const IMPLEMENTATIONS: Partial<Record<Canonical, Partial<Record<Framework, LossDefinition>>>> = {
  ...REGRESSION,
  ...CTC,
  ...CROSSENTROPY_ROWS,
  ...PROBABILITY,
  ...MARGIN,
  ...COSINE,
};

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

/** The losses in the order of how often people reach for them: the tie-breaker of suggestions. */
const POPULARITY: readonly Canonical[] = [
  'categorical_crossentropy', 'mean_squared_error', 'binary_crossentropy', 'mean_absolute_error', 'sparse_categorical_crossentropy',
  'huber', 'smooth_l1', 'negative_log_likelihood', 'kullback_leibler_divergence', 'cosine_similarity', 'hinge', 'ctc',
  'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'squared_hinge', 'categorical_hinge', 'margin_ranking',
  'cosine_embedding', 'hinge_embedding', 'poisson_negative_log_likelihood', 'bpr', 'pair_hinge',
];

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
