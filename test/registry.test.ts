/** The alias table of docs/design.md: every name resolves, case-insensitively, to its canonical loss and framework. */

import { beforeAll, describe, expect, it } from 'vitest';
import { loadLosses, type FastLoss } from '../src/index.js';
import { ALIASES, CLASS_NAMES, FUNCTION_NAMES, LOSSES } from '../src/registry.js';
import { asTensor, expectClose, expectLossError, loadFixture } from './helpers.js';

let fl: FastLoss;

/** The margin, ranking and cosine families (this branch). */
const MARGIN_FAMILIES = [
  'hinge', 'squared_hinge', 'categorical_hinge', 'hinge_embedding', 'margin_ranking', 'cosine_similarity', 'cosine_embedding', 'bpr', 'pair_hinge',
];
beforeAll(async () => {
  fl = await loadLosses();
});

/** docs/design.md §7's table, copied as data: canonical → aliases, frameworks (default first). */
const TABLE: Record<string, [string[], string[]]> = {
  binary_crossentropy: [['bce', 'bin_crossentropy', 'bin_cross_entropy', 'binary_crossentropy', 'binary_cross_entropy'], ['tensorflow', 'pytorch']],
  categorical_crossentropy: [['cce', 'cate_crossentropy', 'cate_cross_entropy', 'categorical_crossentropy', 'categorical_cross_entropy'], ['tensorflow', 'pytorch']],
  categorical_hinge: [['ch', 'chinge', 'cate_hinge', 'catehinge', 'categorical_hinge'], ['tensorflow', 'pytorch']],
  cosine_similarity: [['cs', 'cos_similarity', 'cossimilarity', 'cos_sim', 'cossim', 'cosine_similarity'], ['tensorflow']],
  hinge: [['hinge'], ['tensorflow']],
  huber: [['huber'], ['tensorflow', 'pytorch']],
  kullback_leibler_divergence: [['kld', 'kullback_leibler_divergence'], ['tensorflow', 'pytorch']],
  mean_absolute_error: [['mae', 'mean_abs_error', 'mean_absolute_error'], ['tensorflow', 'pytorch']],
  mean_absolute_percentage_error: [['mape', 'mean_abs_percent_error', 'mean_absolute_percentage_error'], ['tensorflow']],
  mean_squared_error: [['mse', 'mean_square_error', 'mean_squared_error'], ['tensorflow', 'pytorch']],
  mean_squared_logarithmic_error: [['msle', 'mean_square_log_error', 'mean_squared_log_error', 'mean_squared_logarithmic_error'], ['tensorflow']],
  sparse_categorical_crossentropy: [['scce', 'sparse_cate_crosse_entropy', 'sparse_categorical_cross_entropy', 'sparse_cate_crossentropy', 'sparse_categorical_crossentropy', 'sparse_cate_cross_entropy'], ['tensorflow']],
  ctc: [['ctc'], ['pytorch']],
  negative_log_likelihood: [['nll', 'neg_ll', 'neg_log_likelihood', 'negative_log_likelihood'], ['pytorch']],
  poisson_negative_log_likelihood: [['pnll', 'p_neg_ll', 'p_neg_log_likelihood', 'poisson_negative_log_likelihood'], ['pytorch']],
  poisson: [['poisson', 'poisson_loss'], ['tensorflow']], // Keras Poisson (the third wave)
  soft_margin: [['soft_margin', 'soft_margin_loss'], ['pytorch']],
  bpr: [['bpr', 'bpr_loss'], ['tensorflow']],
  pair_hinge: [['phinge', 'pair_hinge', 'pair_hinge_loss'], ['tensorflow']],
  squared_hinge: [['squared_hinge'], ['tensorflow']],
  hinge_embedding: [['hinge_embedding', 'hinge_embedding_loss'], ['pytorch']],
  cosine_embedding: [['cosine_embedding', 'cosine_embedding_loss'], ['pytorch']],
  smooth_l1: [['smooth_l1', 'smooth_l1_loss'], ['pytorch']],
  margin_ranking: [['margin_ranking', 'margin_ranking_loss'], ['pytorch']],
  log_cosh: [['log_cosh', 'logcosh', 'log_cosh_loss'], ['tensorflow']], // the third wave's first
  categorical_focal_crossentropy: [['cfce', 'categorical_focal_crossentropy', 'categorical_focal_cross_entropy', 'categorical_focal'], ['tensorflow']],
  sparse_categorical_focal_crossentropy: [['scfce', 'sparse_categorical_focal_crossentropy', 'sparse_categorical_focal_cross_entropy', 'sparse_categorical_focal', 'sparse_focal'], ['tensorflow']],
  binary_focal_crossentropy: [['bfce', 'binary_focal_crossentropy', 'binary_focal_cross_entropy', 'binary_focal', 'focal', 'focal_loss'], ['tensorflow', 'pytorch']],
  dice: [['dice', 'dice_loss'], ['tensorflow']],
  tversky: [['tversky', 'tversky_loss'], ['tensorflow']],
  multilabel_soft_margin: [['multilabel_soft_margin', 'multilabel_soft_margin_loss', 'multi_label_soft_margin'], ['pytorch']],
  gaussian_nll: [['gaussian_nll', 'gaussian_nll_loss', 'gnll', 'gaussian_negative_log_likelihood'], ['pytorch']],
};

describe('the alias table', () => {
  it('has exactly the rows and aliases of docs/design.md §7', () => {
    expect(Object.keys(LOSSES).sort()).toEqual(Object.keys(TABLE).sort());
    const expected = Object.entries(TABLE).flatMap(([canonical, [aliases]]) => aliases.map((a) => [a, canonical]));
    expect(Object.entries(ALIASES).sort()).toEqual(expected.sort());
    for (const [canonical, [, frameworks]] of Object.entries(TABLE)) expect(LOSSES[canonical as keyof typeof LOSSES].frameworks).toEqual(frameworks);
  });

  it('fl.aliases() lists every accepted name with its canonical loss and frameworks', () => {
    const list = fl.aliases();
    expect(list.length).toBe(Object.keys(ALIASES).length + Object.keys(CLASS_NAMES).length + Object.keys(FUNCTION_NAMES).length);
    expect(list).toContainEqual({ alias: 'cross_entropy', canonical: 'categorical_crossentropy', frameworks: ['pytorch'] });
    expect(list).toContainEqual({ alias: 'kl_divergence', canonical: 'kullback_leibler_divergence', frameworks: ['tensorflow'] });
    expect(list).toContainEqual({ alias: 'sparse_cate_crosse_entropy', canonical: 'sparse_categorical_crossentropy', frameworks: ['tensorflow'] });
    expect(list).toContainEqual({ alias: 'BCEWithLogitsLoss', canonical: 'binary_crossentropy', frameworks: ['pytorch'] });
  });

  it('every implemented alias resolves, case-insensitively, to its canonical name and default framework', () => {
    for (const { name, frameworks } of fl.implemented()) {
      for (const alias of TABLE[name]![0]) {
        for (const spelling of [alias, alias.toUpperCase(), alias[0]!.toUpperCase() + alias.slice(1)]) {
          const loss = fl.loss(spelling);
          expect(loss.name).toBe(name);
          expect(loss.framework).toBe(frameworks[0]);
        }
      }
    }
    expect(fl.implemented().map((x) => x.name).sort()).toEqual(
      [
        'ctc', 'huber', 'mean_absolute_error', 'mean_absolute_percentage_error', 'mean_squared_error', 'mean_squared_logarithmic_error', 'smooth_l1', 'log_cosh',
        'categorical_crossentropy', 'sparse_categorical_crossentropy', 'negative_log_likelihood',
        'binary_crossentropy', 'kullback_leibler_divergence', 'poisson_negative_log_likelihood', 'poisson', 'soft_margin', 'binary_focal_crossentropy',
        'categorical_focal_crossentropy', 'sparse_categorical_focal_crossentropy', 'dice', 'tversky', 'multilabel_soft_margin', 'gaussian_nll',
        ...MARGIN_FAMILIES,
      ].sort(),
    );
  });

  it("the frameworks' function names imply their framework (and options) as the class names do", () => {
    const torchNames = ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'binary_cross_entropy_with_logits', 'cross_entropy', 'nll_loss', 'kl_div', 'poisson_nll_loss', 'ctc_loss', 'margin_ranking_loss', 'hinge_embedding_loss', 'cosine_embedding_loss', 'sigmoid_focal_loss'];
    const all = new Map(fl.aliases().map((a) => [a.alias, a]));
    for (const name of torchNames) expect(all.get(name)?.frameworks, name).toContain('pytorch');
    // binary_cross_entropy is also a name of the alias table's bce row: the table wins (framework-free, Keras first)
    expect(all.get('binary_cross_entropy')?.frameworks).toEqual(['tensorflow', 'pytorch']);
    expect(all.get('kl_divergence')?.frameworks).toEqual(['tensorflow']);
    expect(fl.loss('mse_loss').framework).toBe('pytorch');
    expect(fl.loss('MSE_LOSS').name).toBe('mean_squared_error');
    expect(fl.loss('l1_loss').name).toBe('mean_absolute_error');
    expect(fl.loss('huber_loss').options).toEqual({ reduction: 'mean', delta: 1 }); // F.huber_loss is HuberLoss
    expect(fl.loss('smooth_l1_loss').options).toEqual({ reduction: 'mean', beta: 1 });
    expect(fl.loss('sigmoid_focal_loss').options).toEqual({ reduction: 'none', alpha: 0.25, gamma: 2 }); // torchvision's defaults
    expect(() => fl.loss('mse_loss' as string, { framework: 'keras' })).toThrow(/BAD_OPTION/);
  });

  it('class names imply their framework and options; .name is the canonical row', () => {
    expect(fl.loss('MSELoss').framework).toBe('pytorch');
    expect(fl.loss('mseloss').framework).toBe('pytorch');
    expect(fl.loss('MeanSquaredError').framework).toBe('tensorflow');
    expect(fl.loss('L1Loss').name).toBe('mean_absolute_error');
    expect(fl.loss('SmoothL1Loss').name).toBe('smooth_l1');
    expect(fl.loss('HuberLoss').options).toEqual({ reduction: 'mean', delta: 1 });
    expect(fl.loss('Huber').framework).toBe('tensorflow');
    expect(fl.loss('huber', { framework: 'pytorch' }).options).toEqual({ reduction: 'mean', beta: 1 });
    expect(fl.loss('HUBER', { framework: 'torch' }).framework).toBe('pytorch');
    expect(fl.loss('huber', { framework: 'pytorch', delta: 2 }).options).toEqual({ reduction: 'mean', delta: 2 });
  });

  it('.options holds every option, defaults filled in, frozen', () => {
    const h = fl.loss('huber');
    expect(h.options).toEqual({ reduction: 'sum_over_batch_size', delta: 1 });
    expect(Object.isFrozen(h.options)).toBe(true);
    expect(fl.loss('mse', { framework: 'keras', reduction: 'sum' }).options).toEqual({ reduction: 'sum' });
    expect(fl.loss('smooth_l1').options).toEqual({ reduction: 'mean', beta: 1 });
  });

  it('compute is loss(name, options)(inputs)', () => {
    const inputs = { pred: [1, 2, 3], target: [0, 0, 0] };
    expect(fl.compute('mse', inputs, { reduction: 'sum' })).toBe(fl.loss('mse', { reduction: 'sum' })(inputs));
    expect(fl.compute('mse', inputs)).toBeCloseTo(14 / 3, 6);
  });
});

describe('README', () => {
  it('lists every accepted name in its alias table, a row for each loss, every one implemented', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // | canonical | `alias`, … | `ClassName` (framework), … | frameworks | meaning |
    const rows = readme.split('\n').filter((line) => /^\| [a-z_0-9]+ \| `/.test(line));
    const table = new Map(rows.map((line) => {
      const cells = line.split(' | ').map((c) => c.replace(/^\| /, ''));
      const names = [cells[1]!, cells[2]!].flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
      return [cells[0]!, { names, frameworks: cells[3]!.split(', ') }];
    }));
    for (const [alias, canonical] of Object.entries(ALIASES)) expect(table.get(canonical)?.names, alias).toContain(alias);
    for (const [name, c] of Object.entries(CLASS_NAMES)) expect(table.get(c.canonical)?.names, name).toContain(name);
    for (const [name, c] of Object.entries(FUNCTION_NAMES)) expect(table.get(c.canonical)?.names, name).toContain(name);
    expect([...table.keys()].sort()).toEqual(Object.keys(LOSSES).sort());
    const implemented = new Map(fl.implemented().map((x) => [x.name as string, x.frameworks as string[]]));
    for (const [canonical, row] of table) expect(implemented.get(canonical), canonical).toEqual(row.frameworks);
  });
});

describe("NLLLoss2d, torch's deprecated subclass of NLLLoss (old code still names it)", () => {
  it('is negative_log_likelihood with framework pytorch, in any case; with another framework it is refused', async () => {
    const fl = await loadLosses({ jsBelow: 0 });
    for (const name of ['NLLLoss2d', 'nllloss2d']) {
      const loss = fl.loss(name as 'NLLLoss2d');
      expect([loss.name, loss.framework], name).toEqual(['negative_log_likelihood', 'pytorch']);
    }
    expect(CLASS_NAMES.NLLLoss2d).toEqual({ canonical: 'negative_log_likelihood', framework: 'pytorch' });
    expectLossError(() => fl.loss('NLLLoss2d', { framework: 'tensorflow' } as never), 'BAD_OPTION');
  });

  it("gives PyTorch's NLLLoss value and gradient on an [N, C, H, W] input (the fixture PyTorch wrote for NLLLoss)", async () => {
    const fl = await loadLosses({ jsBelow: 0 });
    const c = loadFixture('crossentropy.torch.json').cases.find((x) => x.id === 'NLLLoss[2, 3, 2, 2] mean')!;
    expect(c.inputs.pred!.shape).toEqual([2, 3, 2, 2]);
    const g = fl.loss('NLLLoss2d', c.options as never).withGrad({ pred: asTensor(c.inputs.pred!), target: asTensor(c.inputs.target!) });
    expectClose([g.value as number], [c.value as number], 'value');
    expectClose(g.grad.pred!.data, c.grad!.pred!.data, 'grad');
  });
});
