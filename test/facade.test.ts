/**
 * The facade of src/index.ts and src/registry.ts, word for word: every refusal of loadLosses, fl.loss,
 * fl.compute and fl.tensor with its code, argument, expected and received texts; how options are resolved
 * (defaults, their order, what a class name fixes or implies); the compute cache (keyed only by plain values,
 * bounded); and the "Did you mean" a misspelt loss name gets. The other suites match these messages by pattern,
 * which a changed word or a dropped suggestion still passes.
 */

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LossError, loadLosses, type FastLoss, type Loss, type OutputTensor, type WasmTensor } from '../src/index.js';
import { aliasTable, LOSSES, resolveName, suggestLoss } from '../src/registry.js';
import { expectLossError } from './helpers.js';

/** Whether a module holds f32x4.relaxed_madd (0xfd 0x105): src/wasm.ts's relaxed probe. */
function relaxedProbe(bytes: unknown): boolean {
  const u = new Uint8Array(bytes as ArrayBuffer);
  for (let i = 0; i + 2 < u.length; i++) if (u[i] === 253 && u[i + 1] === 133 && u[i + 2] === 2) return true;
  return false;
}

/** The API as a plain-JavaScript caller sees it: no types to stop a wrong name or option before it runs. */
interface Untyped {
  loss(name: unknown, options?: unknown): Loss;
  compute(name: unknown, inputs: unknown, options?: unknown): number | OutputTensor;
  tensor(shape: unknown, dtype?: unknown): WasmTensor;
}

let fl: FastLoss;
let js: Untyped;
beforeAll(async () => {
  fl = await loadLosses();
  js = fl as unknown as Untyped;
});

/** The LossError of `fn` as [code, loss, argument, expected, received, suggestion, note]. */
function parts(fn: () => unknown, code: string): (string | undefined)[] {
  const e = expectLossError(fn, code);
  return [e.code, e.loss, e.argument, e.expected, e.received, e.suggestion, e.suggestionNote];
}

async function rejection(p: Promise<unknown>): Promise<LossError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LossError);
    return e as LossError;
  }
  return expect.fail('expected a rejection');
}

describe('loadLosses', () => {
  it('refuses options that are not an object', async () => {
    for (const [options, received] of [[null, 'null'], [5, '5'], [[1], 'an array of length 1'], ['simd', '"simd"']] as const) {
      const e = await rejection(loadLosses(options as never));
      expect([e.code, e.loss, e.argument, e.expected, e.received]).toEqual(['BAD_OPTION', 'loadLosses', 'options', 'an object { build?, jsBelow?, threads?, losses? }', received]);
    }
  });

  it('an unknown option, with a suggestion when one is near', async () => {
    const e = await rejection(loadLosses({ jsbelow: 3 } as never));
    expect([e.code, e.loss, e.argument, e.expected, e.received, e.suggestion]).toEqual(['UNKNOWN_OPTION', 'loadLosses', 'option "jsbelow"', 'build, jsBelow, threads or losses', '"jsbelow"', 'jsBelow']);
    expect((await rejection(loadLosses({ loss: ['mse'] } as never))).suggestion).toBe('losses');
    expect((await rejection(loadLosses({ bild: 'simd' } as never))).suggestion).toBe('build');
    expect((await rejection(loadLosses({ thread: 2 } as never))).suggestion).toBe('threads');
    const far = await rejection(loadLosses({ workers: 2 } as never));
    expect([far.argument, far.suggestion]).toEqual(['option "workers"', undefined]);
  });

  it("losses: the parts an instance loads ('all', the default in Node; 'core'; names, any alias or class name), and fl.load for more", async () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'nothing thrown';
      } catch (e) {
        return (e as LossError).code;
      }
    };
    const all = await loadLosses();
    expect(['mse', 'bce', 'cce', 'hinge', 'bpr', 'cosine_similarity', 'cosine_embedding', 'ctc'].map((n) => all.isLoaded(n as never))).toEqual(Array(8).fill(true));
    const core = await loadLosses({ losses: 'core' });
    expect(['mse', 'bce', 'cce', 'nll', 'poisson', 'hinge', 'margin_ranking', 'cosine_similarity', 'ctc'].map((n) => core.isLoaded(n as never))).toEqual([true, true, true, true, true, false, false, false, false]);
    // NOT_LOADED before the options are read, naming the call that loads it
    const e = expectLossError(() => core.loss('CTCLoss', { blank: -1 } as never), 'NOT_LOADED');
    expect([e.loss, e.argument, e.received]).toEqual(['ctc', 'name', '"CTCLoss" (its part not loaded)']);
    expect(e.expected).toContain("await fl.load('ctc')");
    expect(code(() => core.compute('hinge', { pred: [1], target: [1] }))).toBe('NOT_LOADED');
    // an accumulator state of an unloaded loss says so (not BAD_STATE: the state is good)
    const state = all.loss('hinge').accumulator().state();
    expect(code(() => core.accumulator(state))).toBe('NOT_LOADED');
    // names load their parts: an alias, a class name; the margin part brings every loss of it, no other part
    const some = await loadLosses({ losses: ['MSELoss', 'phinge'] });
    expect(['hinge', 'categorical_hinge', 'cosine_similarity', 'ctc'].map((n) => some.isLoaded(n as never))).toEqual([true, true, false, false]);
    expect(some.loss('hinge')({ pred: [0.3, -0.2], target: [1, -1] })).toBeCloseTo(0.75, 6);
    await some.load('ctc');
    await some.load(['CosineSimilarity', 'ctc']);
    expect(some.isLoaded('cosine_similarity')).toBe(true);
    expect(some.loss('cosine_similarity')({ pred: [[1, 0]], target: [[1, 0]] })).toBeCloseTo(-1, 6);
    await core.load('all');
    expect(core.isLoaded('ctc')).toBe(true);
    // bad lists
    for (const [losses, want] of [[5, 'BAD_OPTION'], [{ ctc: true }, 'BAD_OPTION'], [['mse', 'hnge'], 'UNKNOWN_LOSS'], [[7], 'UNKNOWN_LOSS']] as const) {
      expect((await rejection(loadLosses({ losses: losses as never }))).code, JSON.stringify(losses)).toBe(want);
    }
    const near = await rejection(loadLosses({ losses: ['mse', 'hnge'] }));
    expect([near.code, near.loss, near.argument, near.received, near.suggestion]).toEqual(['UNKNOWN_LOSS', 'loadLosses', 'option "losses"[1]', '"hnge"', 'hinge']);
    const inLoad = await rejection(core.load(['ctcloss', 'nope']));
    expect([inLoad.loss, inLoad.argument]).toEqual(['load', 'losses[1]']);
    const bad = await rejection(core.load(3 as never));
    expect([bad.code, bad.loss, bad.argument, bad.expected, bad.received]).toEqual(['BAD_OPTION', 'load', 'losses', '"all", "core", a loss name, or an array of loss names', '3']);
    expect((await rejection(loadLosses({ losses: 5 as never }))).argument).toBe('option "losses"');
    // 'all' and 'core' in any case, as names are; a lower-case class name and a plain string are names
    expect((await loadLosses({ losses: 'ALL' })).isLoaded('CTCLoss')).toBe(true);
    expect((await loadLosses({ losses: 'Core' })).isLoaded('hinge')).toBe(false);
    // a single name is no list; 'all' and 'core' are suggested where near
    const cor = await rejection(loadLosses({ losses: 'cor' }));
    expect([cor.code, cor.argument, cor.suggestion]).toEqual(['UNKNOWN_LOSS', 'option "losses"', 'core']);
    expect((await rejection(loadLosses({ losses: ['mse', 'al'] }))).suggestion).toBe('all');
    const name: string = 'ctcloss';
    expect((await loadLosses({ losses: name })).isLoaded(name)).toBe(true);
    expect(code(() => core.isLoaded('nope' as never))).toBe('UNKNOWN_LOSS');
  });

  it('a bad build and a bad jsBelow', async () => {
    const b = await rejection(loadLosses({ build: 'wasm' as never }));
    expect([b.code, b.loss, b.argument, b.expected, b.received]).toEqual(['BAD_OPTION', 'loadLosses', 'option "build"', 'one of "auto" | "relaxed" | "simd" | "scalar" | "debug"', '"wasm"']);
    for (const [jsBelow, received] of [[-1, '-1'], [NaN, 'NaN'], ['8', '"8"']] as const) {
      const e = await rejection(loadLosses({ jsBelow: jsBelow as never }));
      expect([e.code, e.loss, e.argument, e.expected, e.received]).toEqual(['BAD_OPTION', 'loadLosses', 'option "jsBelow"', 'a number >= 0', received]);
    }
  });

  it('the accepted ones: the build it runs, jsBelow 0 and Infinity', async () => {
    expect((await loadLosses({ build: 'scalar' })).build).toBe('scalar');
    expect((await loadLosses({ build: 'simd', jsBelow: 0 })).build).toBe('simd');
    expect((await loadLosses({ build: 'relaxed' })).build).toBe('relaxed');
    // 'auto': relaxed SIMD here (Node 22+, or Node 20 with the flag test/setup-relaxed.ts sets)
    expect((await loadLosses({ jsBelow: Infinity })).build).toBe('relaxed');
    expect(fl.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it("'auto' takes the best build the engine runs; a build it cannot run by name is refused", async () => {
    const validate = WebAssembly.validate.bind(WebAssembly);
    const spy = vi.spyOn(WebAssembly, 'validate');
    try {
      // an engine with SIMD and without relaxed SIMD (Node 20, Safari): the relaxed probe fails, as V8 11.3's does
      spy.mockImplementation((bytes) => (relaxedProbe(bytes) ? false : validate(bytes)));
      expect((await loadLosses()).build).toBe('simd');
      const e = await rejection(loadLosses({ build: 'relaxed' }));
      expect([e.code, e.loss, e.argument, e.expected, e.received]).toEqual([
        'BAD_OPTION', 'loadLosses', 'option "build"',
        'a build this engine runs: "relaxed" needs WebAssembly relaxed SIMD (Node 22+, Chrome and Edge 114+); "auto" picks the best one there is', '"relaxed"',
      ]);
      // and without SIMD at all
      spy.mockReturnValue(false);
      expect((await loadLosses()).build).toBe('scalar');
      const s = await rejection(loadLosses({ build: 'simd' }));
      expect([s.code, s.expected]).toEqual(['BAD_OPTION', 'a build this engine runs: "simd" needs WebAssembly SIMD; "auto" picks the best one there is']);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('fl.loss: the name', () => {
  it('UNKNOWN_LOSS names what came, counts the names, and suggests the canonical name with the matched class', () => {
    const count = aliasTable().length;
    expect(parts(() => js.loss('cross_entropy_los'), 'UNKNOWN_LOSS')).toEqual([
      'UNKNOWN_LOSS', 'cross_entropy_los', 'name', `a loss name or alias (fl.aliases() lists all ${count})`, '"cross_entropy_los"', 'categorical_crossentropy', 'CrossEntropyLoss',
    ]);
    expect(parts(() => js.loss('msee'), 'UNKNOWN_LOSS').slice(4)).toEqual(['"msee"', 'mean_squared_error', undefined]);
    expect(parts(() => js.loss('xyzzy'), 'UNKNOWN_LOSS').slice(4)).toEqual(['"xyzzy"', undefined, undefined]);
    // not a string: named by its type, no suggestion
    expect(parts(() => js.loss(5 as never), 'UNKNOWN_LOSS').slice(1)).toEqual(['5', 'name', `a loss name or alias (fl.aliases() lists all ${count})`, 'number', undefined, undefined]);
    expect(parts(() => js.loss(null as never), 'UNKNOWN_LOSS').slice(1, 2)).toEqual(['null']);
  });

  it('resolves class names exactly first, then aliases, function names and class names in any case', () => {
    expect(resolveName('Huber')).toMatchObject({ canonical: 'huber', classAlias: { framework: 'tensorflow' }, given: 'Huber' });
    expect(resolveName('huber')).toEqual({ canonical: 'huber', given: 'huber' }); // the alias: no framework implied
    expect(resolveName('HUBER')).toEqual({ canonical: 'huber', given: 'HUBER' });
    expect(resolveName('mseloss')).toMatchObject({ canonical: 'mean_squared_error', classAlias: { framework: 'pytorch' } });
    expect(resolveName('MSE_LOSS')).toMatchObject({ canonical: 'mean_squared_error', classAlias: { framework: 'pytorch' } });
    expect(resolveName('KL_Divergence')).toMatchObject({ canonical: 'kullback_leibler_divergence', classAlias: { framework: 'tensorflow' } });
    // names of Object.prototype are not names
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expectLossError(() => resolveName(name), 'UNKNOWN_LOSS', name);
  });

  it('suggestions rank the names users type', () => {
    const cases: [string, { name: string; note?: string } | undefined][] = [
      ['cross_entropy', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }],
      ['CrossEntropy', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }],
      ['l1', { name: 'mean_absolute_error', note: 'L1Loss' }],
      ['msee', { name: 'mean_squared_error' }],
      ['MeanSquaredErr', { name: 'mean_squared_error' }],
      ['hinge_loss', { name: 'hinge' }],
      ['mae_loss', { name: 'mean_absolute_error' }],
      ['binary', { name: 'binary_crossentropy' }],
      ['binarycrossentropy', { name: 'binary_crossentropy' }],
      ['BinaryCrossEntropyLoss', { name: 'binary_crossentropy' }],
      ['BCEWithLogits', { name: 'binary_crossentropy', note: 'BCEWithLogitsLoss' }],
      ['bce_logits', { name: 'binary_crossentropy', note: 'BCEWithLogitsLoss' }],
      ['kl', { name: 'kullback_leibler_divergence', note: 'KLDivLoss' }],
      ['KLDiv', { name: 'kullback_leibler_divergence', note: 'KLDivLoss' }],
      ['smoothl1', { name: 'smooth_l1' }],
      ['smooth_l1loss', { name: 'smooth_l1', note: 'SmoothL1Loss' }],
      ['poisson_nll', { name: 'poisson_negative_log_likelihood', note: 'PoissonNLLLoss' }],
      ['poison', { name: 'poisson' }],
      ['cos', { name: 'cosine_similarity' }],
      ['huberloss', { name: 'huber', note: 'HuberLoss' }],
      ['Hubber', { name: 'huber' }],
      ['categorical', { name: 'categorical_crossentropy' }],
      ['nll_los', { name: 'negative_log_likelihood', note: 'nll_loss' }],
      ['margin', { name: 'margin_ranking' }],
      ['ranking', { name: 'margin_ranking' }],
      ['squaredhinge', { name: 'squared_hinge' }],
      ['mean_squared_logarithmic', { name: 'mean_squared_logarithmic_error' }],
      ['l2', { name: 'mean_squared_error', note: 'MSELoss' }], // what people call it
      ['ce', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }],
      ['xent', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }],
      ['hi', undefined], // two letters are two edits from the two-letter aliases: no typo suggestion
      ['sq', undefined],
      ['cat', { name: 'categorical_crossentropy' }], // a word's first three letters
      ['cate', { name: 'categorical_crossentropy' }],
      ['catHinge', { name: 'categorical_hinge' }],
      ['kull', { name: 'kullback_leibler_divergence' }],
      ['kld_loss', { name: 'kullback_leibler_divergence' }],
      ['div', { name: 'kullback_leibler_divergence', note: 'KLDivLoss' }],
      ['smoothl', { name: 'smooth_l1' }],
      ['SmoothL1', { name: 'smooth_l1' }],
      ['neg_log', { name: 'negative_log_likelihood' }],
      ['cosine_emb', { name: 'cosine_embedding' }],
      ['hinge_emb', { name: 'hinge_embedding' }],
      ['marg_rank', { name: 'margin_ranking' }],
      ['ranking_margin', { name: 'margin_ranking' }],
      ['pois_nll', { name: 'poisson_negative_log_likelihood', note: 'PoissonNLLLoss' }],
      ['abs', { name: 'mean_absolute_error' }],
      ['meanabs', { name: 'mean_absolute_error' }],
      ['mean_percent', { name: 'mean_absolute_percentage_error' }],
      ['sparse', { name: 'sparse_categorical_crossentropy' }],
      ['spar', { name: 'sparse_categorical_crossentropy' }],
      ['logits', { name: 'binary_crossentropy', note: 'BCEWithLogitsLoss' }],
      ['sim', { name: 'cosine_similarity' }],
      ['pair', { name: 'pair_hinge' }],
      ['entropy_cross', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }],
      ['error_squared_mean', { name: 'mean_squared_error' }],
      ['crossent', { name: 'categorical_crossentropy' }],
      ['cross', { name: 'categorical_crossentropy', note: 'CrossEntropyLoss' }], // the class name, whose first word it is
      ['cro', { name: 'categorical_crossentropy' }], // three letters are a word's start: not ctc by edit distance
      ['square', { name: 'squared_hinge' }], // the name with the fewest other words
      ['kl_di', { name: 'kullback_leibler_divergence', note: 'KLDivLoss' }],
      ['uber_loss', { name: 'huber' }], // four letters run together inside a name
      // the plain function name of the table, not binary_cross_entropy_with_logits (which fixes fromLogits)
      ['bin_cross_entropy_loss', { name: 'binary_crossentropy' }],
      ['cross_entropy_bin', { name: 'binary_crossentropy' }],
      ['loss', undefined],
      ['', undefined],
      ['___', undefined],
      ['Lovasz', undefined],
      ['tverski', { name: 'tversky' }],
      ['dice_los', { name: 'dice' }],
      ['logcosh_loss', { name: 'log_cosh' }],
      ['sigmoid_focal', { name: 'binary_focal_crossentropy', note: 'sigmoid_focal_loss' }],
      ['BinaryFocal', { name: 'binary_focal_crossentropy' }],
      ['focall', { name: 'binary_focal_crossentropy' }],
    ];
    for (const [given, want] of cases) expect(suggestLoss(given), given).toEqual(want);
  });

  it('the alias table: every alias with its frameworks, class and function names with their own', () => {
    const table = aliasTable();
    const byAlias = new Map(table.map((e) => [e.alias, e]));
    expect(byAlias.get('mse')).toEqual({ alias: 'mse', canonical: 'mean_squared_error', frameworks: ['tensorflow', 'pytorch'] });
    expect(byAlias.get('MSELoss')).toEqual({ alias: 'MSELoss', canonical: 'mean_squared_error', frameworks: ['pytorch'] });
    expect(byAlias.get('kl_div')).toEqual({ alias: 'kl_div', canonical: 'kullback_leibler_divergence', frameworks: ['pytorch'] });
    expect(byAlias.get('kl_divergence')).toEqual({ alias: 'kl_divergence', canonical: 'kullback_leibler_divergence', frameworks: ['tensorflow'] });
    expect(fl.aliases()).toEqual(table);
    for (const e of table) expect(resolveName(e.alias).canonical, e.alias).toBe(e.canonical);
  });

  it('implemented(): every loss of the table, with its frameworks, default first', () => {
    expect(fl.implemented()).toEqual(Object.entries(LOSSES).map(([name, spec]) => ({ name, frameworks: [...spec.frameworks] })));
  });
});

describe('fl.loss: the options', () => {
  it('options that are not an object', () => {
    for (const [options, received] of [[null, 'null'], [5, '5'], [['sum'], 'an array of length 1']] as const) {
      expect(parts(() => js.loss('mse', options as never), 'BAD_OPTION')).toEqual(['BAD_OPTION', 'mse', 'options', 'an object of options', received, undefined, undefined]);
    }
  });

  it('framework: synonyms in any case, a typo with a suggestion, a non-string without one', () => {
    for (const f of ['torch', 'PyTorch', 'TORCH']) expect(js.loss('mse', { framework: f }).framework).toBe('pytorch');
    for (const f of ['keras', 'tf', 'TensorFlow']) expect(js.loss('mse', { framework: f }).framework).toBe('tensorflow');
    const expected = 'one of "tensorflow" | "pytorch" (or "keras", "tf", "torch")';
    expect(parts(() => js.loss('mse', { framework: 'pytroch' }), 'BAD_OPTION')).toEqual(['BAD_OPTION', 'mean_squared_error', 'option "framework"', expected, '"pytroch"', 'pytorch', undefined]);
    expect(parts(() => js.loss('mse', { framework: 3 }), 'BAD_OPTION')).toEqual(['BAD_OPTION', 'mean_squared_error', 'option "framework"', expected, '3', undefined, undefined]);
    expect(parts(() => js.loss('mse', { framework: 'toString' }), 'BAD_OPTION').slice(4, 5)).toEqual(['"toString"']);
  });

  it('a class name fixes its framework; a loss has only its frameworks', () => {
    expect(parts(() => js.loss('MSELoss', { framework: 'tensorflow' }), 'BAD_OPTION').slice(2, 5)).toEqual([
      'option "framework"', '"pytorch" (MSELoss is a PyTorch class)', '"tensorflow"',
    ]);
    expect(parts(() => js.loss('MeanSquaredError', { framework: 'torch' }), 'BAD_OPTION').slice(2, 5)).toEqual([
      'option "framework"', '"tensorflow" (MeanSquaredError is a Keras class)', '"torch"',
    ]);
    expect(js.loss('MSELoss', { framework: 'torch' }).framework).toBe('pytorch');
    expect(parts(() => js.loss('mape', { framework: 'pytorch' }), 'UNSUPPORTED_FRAMEWORK')).toEqual([
      'UNSUPPORTED_FRAMEWORK', 'mean_absolute_percentage_error', 'option "framework"', 'one of the frameworks of mean_absolute_percentage_error: "tensorflow"', '"pytorch"', undefined, undefined,
    ]);
    expect(parts(() => js.loss('ctc', { framework: 'keras' }), 'UNSUPPORTED_FRAMEWORK').slice(3, 5)).toEqual(['one of the frameworks of ctc: "pytorch"', '"keras"']);
    // the same loss under another name in that framework: named as the suggestion
    expect(parts(() => js.loss('poisson', { framework: 'pytorch' }), 'UNSUPPORTED_FRAMEWORK').slice(3)).toEqual(['one of the frameworks of poisson: "tensorflow"', '"pytorch"', 'poisson_negative_log_likelihood', 'PyTorch: PoissonNLLLoss']);
    expect(parts(() => js.loss('pnll', { framework: 'keras' }), 'UNSUPPORTED_FRAMEWORK').slice(5)).toEqual(['poisson', 'Keras: Poisson']);
    expect(js.loss('huber').framework).toBe('tensorflow'); // the first framework is the default
  });

  it('an unknown option names the options of that loss and framework, with a suggestion', () => {
    expect(parts(() => js.loss('huber', { framework: 'pytorch', bta: 1 }), 'UNKNOWN_OPTION')).toEqual([
      'UNKNOWN_OPTION', 'huber (pytorch)', 'option "bta"', 'an option of huber (pytorch): reduction, beta, delta', '"bta"', 'beta', undefined,
    ]);
    expect(parts(() => js.loss('mse', { colour: 'red' }), 'UNKNOWN_OPTION').slice(2)).toEqual([
      'option "colour"', 'an option of mean_squared_error (tensorflow): reduction', '"colour"', undefined, undefined,
    ]);
  });

  it('an input given as an option says it is an input, naming each input once', () => {
    expect(parts(() => js.loss('mse', { sampleWeight: [1] }), 'UNKNOWN_OPTION').slice(2, 5)).toEqual([
      'option "sampleWeight"',
      'an option of mean_squared_error (tensorflow): reduction (sampleWeight is an input: pass it with the inputs, loss({ pred, target, sampleWeight }))',
      '"sampleWeight" as an option',
    ]);
    expect(parts(() => js.loss('huber', { sampleWeight: 1 }), 'UNKNOWN_OPTION')[3]).toBe(
      'an option of huber (tensorflow): reduction, delta (sampleWeight is an input: pass it with the inputs, loss({ pred, target, sampleWeight }))',
    );
    expect(parts(() => js.loss('mse', { pred: [1] }), 'UNKNOWN_OPTION')[3]).toBe(
      'an option of mean_squared_error (tensorflow): reduction (pred is an input: pass it with the inputs, loss({ pred, target }))',
    );
  });

  it('defaults are filled in, in the definition order, and undefined means the default', () => {
    const h = js.loss('huber', { framework: 'pytorch', reduction: 'sum', beta: 2 });
    expect(Object.keys(h.options)).toEqual(['reduction', 'beta']);
    expect(h.options).toEqual({ reduction: 'sum', beta: 2 });
    const reversed = js.loss('huber', { beta: 2, reduction: 'sum', framework: 'pytorch' });
    expect(Object.keys(reversed.options)).toEqual(['reduction', 'beta']);
    const defaults = js.loss('huber', { framework: 'pytorch', beta: undefined });
    expect(defaults.options).toEqual({ reduction: 'mean', beta: 1 });
    expect(Object.keys(defaults.options)).toEqual(['reduction', 'beta']);
    expect(Object.keys(js.loss('mse').options)).toEqual(['reduction']);
    expect(Object.isFrozen(h.options)).toBe(true);
  });

  it('a class name implies options (HuberLoss: delta) and fixes others (BCEWithLogitsLoss: fromLogits)', () => {
    expect(js.loss('HuberLoss').options).toEqual({ reduction: 'mean', delta: 1 });
    expect(js.loss('HuberLoss', { delta: 2 }).options).toEqual({ reduction: 'mean', delta: 2 });
    expect(js.loss('huber_loss').options).toEqual({ reduction: 'mean', delta: 1 });
    expect(js.loss('BCEWithLogitsLoss').options).toMatchObject({ fromLogits: true });
    expect(js.loss('BCEWithLogitsLoss', { fromLogits: true }).options).toMatchObject({ fromLogits: true });
    expect(js.loss('BCELoss').options).toMatchObject({ fromLogits: false });
    expect(parts(() => js.loss('BCEWithLogitsLoss', { fromLogits: false }), 'BAD_OPTION')).toEqual([
      'BAD_OPTION', 'binary_crossentropy (pytorch)', 'option "fromLogits"', 'true (implied by BCEWithLogitsLoss)', 'false', undefined, undefined,
    ]);
    expect(parts(() => js.loss('BCELoss', { fromLogits: true }), 'BAD_OPTION')[3]).toBe('false (implied by BCELoss)');
  });

  it('the loss carries its name, framework and options as enumerable properties', () => {
    const loss = js.loss('L1Loss', { reduction: 'sum' });
    expect(loss.name).toBe('mean_absolute_error');
    expect(Object.keys(loss)).toEqual(expect.arrayContaining(['framework', 'options']));
    expect({ ...loss }).toMatchObject({ framework: 'pytorch', options: { reduction: 'sum' } });
  });
});

describe('fl.compute', () => {
  const pred = Float32Array.of(1, 2, 3);
  const target = Float32Array.of(0, 0, 0);

  it('equals js.loss(name, options)(inputs), for plain and for object-valued options', () => {
    expect(js.compute('mse', { pred, target })).toBe(js.loss('mse')({ pred, target }));
    expect(js.compute('mse', { pred, target }, { framework: 'pytorch', reduction: 'sum' })).toBe(14);
    expect(js.compute('mse', { pred, target }, { reduction: 'sum', framework: 'pytorch' })).toBe(14);
    expect(js.compute('mse', { pred, target }, { framework: 'pytorch' })).toBeCloseTo(14 / 3, 6);
    // options holding objects are not cached by their text: two different weight tensors, two values
    const logits = { data: Float32Array.of(1, 2, 3, 3, 2, 1), shape: [2, 3] };
    const labels = Int32Array.of(0, 2);
    const w1 = { data: Float32Array.of(1, 1, 1), shape: [3] };
    const w2 = { data: Float32Array.of(5, 1, 1), shape: [3] };
    const inputs = { pred: logits, target: labels };
    const a = js.compute('CrossEntropyLoss', inputs, { weight: w1, reduction: 'sum' }) as number;
    const b = js.compute('CrossEntropyLoss', inputs, { weight: w2, reduction: 'sum' }) as number;
    expect(a).toBeCloseTo(js.loss('CrossEntropyLoss', { weight: w1, reduction: 'sum' })(inputs) as number, 6);
    expect(b).toBeCloseTo(js.loss('CrossEntropyLoss', { weight: w2, reduction: 'sum' })(inputs) as number, 6);
    expect(Math.abs(a - b)).toBeGreaterThan(1);
  });

  it('refuses what fl.loss refuses, and options that are not an object', () => {
    expectLossError(() => js.compute('msee' as never, { pred, target }), 'UNKNOWN_LOSS');
    expect(parts(() => js.compute('mse', { pred, target }, null as never), 'BAD_OPTION').slice(2, 5)).toEqual(['options', 'an object of options', 'null']);
    expectLossError(() => js.compute(7 as never, { pred, target }), 'UNKNOWN_LOSS');
  });

  it('keeps at most 64 resolved losses', async () => {
    const own = await loadLosses();
    for (let i = 0; i < 100; i++) expect((own as unknown as Untyped).compute('huber', { pred, target }, { framework: 'pytorch', beta: 1 + i, reduction: 'sum' })).toBeGreaterThan(0);
    expect((own as unknown as { cache: Map<string, unknown> }).cache.size).toBe(64);
    // the newest are kept: the last call is served from the cache, same function
    const cache = (own as unknown as { cache: Map<string, unknown> }).cache;
    const last = [...cache.keys()].pop()!;
    expect(last).toContain('beta=100');
    expect([...cache.keys()].some((k) => k.includes('beta=1\u0000'))).toBe(false);
  });
});

describe('fl.tensor', () => {
  it('refuses a shape that is not an array, a bad entry, a bad dtype, and a size past wasm memory', () => {
    expect(parts(() => js.tensor(3 as never), 'SHAPE_MISMATCH')).toEqual(['SHAPE_MISMATCH', 'tensor', 'shape', 'an array of non-negative integers', '3', undefined, undefined]);
    expect(parts(() => js.tensor([2, -1]), 'SHAPE_MISMATCH').slice(1, 5)).toEqual(['tensor', 'shape[1]', 'a non-negative integer (each entry of the shape)', '-1']);
    expect(parts(() => js.tensor([2.5]), 'SHAPE_MISMATCH').slice(2, 5)).toEqual(['shape[0]', 'a non-negative integer (each entry of the shape)', '2.5']);
    expect(parts(() => js.tensor([2], 'float64' as never), 'BAD_DTYPE')).toEqual(['BAD_DTYPE', 'tensor', 'dtype', '"float32" or "int32"', '"float64"', undefined, undefined]);
    expect(parts(() => js.tensor([65536, 65536]), 'SHAPE_MISMATCH').slice(1, 5)).toEqual([
      'tensor',
      'shape', 'a tensor that fits in wasm memory (4 GiB in all)', `[65536, 65536] (${4 * 65536 * 65536} bytes)`,
    ]);
  });

  it('makes empty and int32 tensors', () => {
    const empty = js.tensor([0]);
    expect([empty.size, empty.data.length]).toEqual([0, 0]);
    empty.free();
    const ints = js.tensor([2, 3], 'int32');
    expect(ints.data).toBeInstanceOf(Int32Array);
    expect(ints.data.length).toBe(6);
    ints.free();
  });
});
