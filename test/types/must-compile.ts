// Compiled by test/consumer-types.test.ts in a consumer project (`tsc --strict --noEmit`, fastloss resolved to
// dist/): every line must compile, and the `Expect<Equal<…>>` lines pin the inferred types.
import 'fastloss/debug';
import {
  loadLosses,
  LossError,
  type Accumulator,
  type AccumulatorState,
  type CanonicalOf,
  type ConcatenateState,
  type FastLoss,
  type GradResult,
  type InputsOf,
  type Loss,
  type OptionsOf,
  type OutputTensor,
  type ReduceState,
  type TensorLike,
} from 'fastloss';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

declare const fl: FastLoss;
declare const p: Float32Array;
declare const t: Float32Array;
declare const labels: Int32Array;
declare const w: number[];

// ---- the value: number for every scalar reduction (and the default), a tensor for 'none' ----
const mse = fl.loss('mse');
type _mse = Expect<Equal<ReturnType<typeof mse>, number>>;
const v1: number = mse({ pred: p, target: t, sampleWeight: w });
const v2: number = fl.loss('mse', { reduction: 'sum' })({ pred: p, target: t });
const v3: number = fl.loss('mse', { reduction: 'sum_over_batch_size' })({ pred: [[1, 2]], target: [[0, 0]] });
const v4: number = fl.loss('mse', { reduction: 'mean_with_sample_weight' })({ pred: p, target: t, sampleWeight: [1] });
const v5: number = fl.loss('MSELoss', { reduction: 'mean' })({ pred: { data: p, shape: [2, 2] }, target: t });
const n1: OutputTensor = fl.loss('mse', { reduction: 'none' })({ pred: p, target: t });
const n2: Float32Array = fl.loss('mse', { framework: 'pytorch', reduction: 'none' })({ pred: p, target: t }).data;
const kl: number = fl.loss('kld', { framework: 'pytorch', reduction: 'batchmean', logTarget: true })({ pred: p, target: t });
declare const someReduction: 'none' | 'sum';
const either = fl.loss('mae', { reduction: someReduction })({ pred: p, target: t });
type _either = Expect<Equal<typeof either, number | OutputTensor>>;
// torchvision's sigmoid_focal_loss defaults to 'none' (a tensor); Keras's focal, and any scalar reduction, a number
const fv1: OutputTensor = fl.loss('sigmoid_focal_loss')({ pred: p, target: t });
const fv2: OutputTensor = fl.compute('focal', { pred: p, target: t }, { framework: 'pytorch' });
const fv3: number = fl.loss('focal', { framework: 'pytorch', reduction: 'mean' })({ pred: p, target: t });
const fv4: number = fl.loss('BinaryFocalCrossentropy')({ pred: p, target: t, sampleWeight: w });
const fv5: OutputTensor = fl.loss('sigmoid_focal_loss').withGrad({ pred: p, target: t }, { gradOutput: { data: p, shape: [2] } }).value;
// Dice and Tversky: axis null, one axis or a list; Tversky's alpha and beta
const dv1: number = fl.loss('dice')({ pred: p, target: t, sampleWeight: w });
const dv2: number = fl.loss('Dice', { axis: [1, 2, 3] })({ pred: p, target: t });
const dv3: OutputTensor = fl.loss('tversky', { alpha: 0.7, beta: 0.3, axis: -1, reduction: 'none' })({ pred: p, target: t });
const dv4: number = fl.loss('tversky_loss', { axis: null }).withGrad({ pred: p, target: t }).value;
// MultiLabelSoftMarginLoss: weight, PyTorch reductions
const ml1: number = fl.loss('MultiLabelSoftMarginLoss', { weight: [1, 2] })({ pred: p, target: t });
const ml2: OutputTensor = fl.loss('multilabel_soft_margin', { reduction: 'none' }).withGrad({ pred: p, target: t }).value;
// GaussianNLLLoss: { pred, target, var }, gradients of pred and var
const gauss = fl.loss('GaussianNLLLoss', { full: true, eps: 1e-4 }).withGrad({ pred: p, target: t, var: p });
const gaussGp: OutputTensor = gauss.grad.pred;
const gaussGv: OutputTensor = gauss.grad.var;
const gaussV: number = fl.loss('gnll')({ pred: p, target: t, var: 0.5 });

// ---- withGrad: the value's type, and a gradient for each differentiated input ----
const g = fl.loss('huber', { delta: 2 }).withGrad({ pred: p, target: t });
type _g = Expect<Equal<typeof g, GradResult<number, 'pred'>>>;
const gp: OutputTensor = g.grad.pred;
const gv: number = g.value;
const gn = fl.loss('mse', { reduction: 'none' }).withGrad({ pred: p, target: t }, { gradOutput: [1, 2], out: { pred: new Float32Array(2) } });
const gnv: OutputTensor = gn.value;
fl.loss('mse').withGrad({ pred: p, target: t }, { gradOutput: 2 });
const ctc = fl.loss('ctc', { blank: 0, zeroInfinity: true, gradOf: 'logits', reduction: 'sum' });
const gc = ctc.withGrad({ logProbs: p, targets: labels, inputLengths: [10], targetLengths: [3] });
type _gc = Expect<Equal<keyof typeof gc.grad, 'logProbs'>>;
const gm = fl.loss('margin_ranking', { margin: 0.5 }).withGrad({ x1: p, x2: t, target: [1, -1] });
type _gm = Expect<Equal<keyof typeof gm.grad, 'x1' | 'x2'>>;
const gb = fl.loss('bpr').withGrad({ positive: p, negative: t, sampleWeight: w });
type _gb = Expect<Equal<keyof typeof gb.grad, 'positive' | 'negative'>>;

// ---- name and framework are literal types ----
const name: 'mean_squared_error' = fl.loss('mse').name;
const fw: 'pytorch' = fl.loss('mse', { framework: 'torch' }).framework;
const fw2: 'tensorflow' = fl.loss('mse').framework;
const fw3: 'pytorch' = fl.loss('CrossEntropyLoss').framework;
const fw4: 'pytorch' = fl.loss('ctc').framework;

// ---- every loss, by canonical name, alias, class name and functional name, in each of its frameworks ----
fl.loss('binary_crossentropy', { fromLogits: true, labelSmoothing: 0.1 })({ pred: p, target: t, sampleWeight: w });
fl.loss('bce', { framework: 'pytorch', weight: w })({ pred: p, target: t });
fl.loss('bce', { framework: 'pytorch', fromLogits: true, posWeight: [2], weight: w })({ pred: p, target: t });
fl.loss('BCELoss', { weight: w, fromLogits: false })({ pred: p, target: t });
fl.loss('BCEWithLogitsLoss', { posWeight: [2] })({ pred: p, target: t });
fl.loss('binary_cross_entropy_with_logits', { posWeight: w, fromLogits: true })({ pred: p, target: t });
fl.loss('binary_cross_entropy', { framework: 'torch' })({ pred: p, target: t });
fl.loss('BinaryCrossentropy', { fromLogits: true })({ pred: p, target: t });
fl.loss('cce', { fromLogits: true, labelSmoothing: 0.1, axis: -1 })({ pred: p, target: t });
fl.loss('cce', { framework: 'pytorch', weight: w, ignoreIndex: -100, labelSmoothing: 0.1 })({ pred: p, target: labels });
fl.loss('CrossEntropyLoss', { ignoreIndex: 3 })({ pred: p, target: labels });
fl.loss('cross_entropy', { reduction: 'sum' })({ pred: p, target: labels });
fl.loss('CategoricalCrossentropy')({ pred: p, target: t });
fl.loss('scce', { fromLogits: true, ignoreClass: 0 })({ pred: p, target: labels, sampleWeight: w });
fl.loss('SparseCategoricalCrossentropy')({ pred: p, target: labels });
fl.loss('categorical_hinge')({ pred: p, target: t, sampleWeight: w });
fl.loss('ch', { framework: 'pytorch', margin: 1 })({ x1: p, x2: t, target: [1] });
fl.loss('CategoricalHinge')({ pred: p, target: t });
fl.loss('cosine_similarity', { axis: 1 })({ pred: p, target: t });
fl.loss('CosineSimilarity')({ pred: p, target: t });
fl.loss('hinge')({ pred: p, target: t });
fl.loss('Hinge')({ pred: p, target: t });
fl.loss('squared_hinge')({ pred: p, target: t });
fl.loss('SquaredHinge')({ pred: p, target: t });
fl.loss('huber', { delta: 1.5 })({ pred: p, target: t, sampleWeight: w });
fl.loss('huber', { framework: 'pytorch', beta: 0.5 })({ pred: p, target: t });
fl.loss('huber', { framework: 'pytorch', delta: 0.5 })({ pred: p, target: t });
fl.loss('HuberLoss', { delta: 2 })({ pred: p, target: t });
fl.loss('huber_loss', { delta: 2, reduction: 'sum' })({ pred: p, target: t });
fl.loss('Huber', { delta: 2 })({ pred: p, target: t });
fl.loss('smooth_l1', { beta: 0 })({ pred: p, target: t });
fl.loss('SmoothL1Loss')({ pred: p, target: t });
fl.loss('smooth_l1_loss', { beta: 2 })({ pred: p, target: t });
fl.loss('kld')({ pred: p, target: t, sampleWeight: w });
fl.loss('KLDivLoss', { logTarget: false })({ pred: p, target: t });
fl.loss('kl_div', { reduction: 'batchmean' })({ pred: p, target: t });
fl.loss('kl_divergence')({ pred: p, target: t, sampleWeight: w });
fl.loss('KLDivergence')({ pred: p, target: t });
fl.loss('mae')({ pred: p, target: t });
fl.loss('L1Loss')({ pred: p, target: t });
fl.loss('l1_loss')({ pred: p, target: t });
fl.loss('MeanAbsoluteError')({ pred: p, target: t });
fl.loss('mape')({ pred: p, target: t });
fl.loss('MeanAbsolutePercentageError')({ pred: p, target: t });
fl.loss('mean_squared_error')({ pred: p, target: t });
fl.loss('mse_loss')({ pred: p, target: t });
fl.loss('MeanSquaredError')({ pred: p, target: t });
fl.loss('msle')({ pred: p, target: t });
fl.loss('MeanSquaredLogarithmicError')({ pred: p, target: t });
fl.loss('ctc_loss')({ logProbs: p, targets: labels, inputLengths: [10], targetLengths: [3] });
fl.loss('CTCLoss', { blank: 4 })({ logProbs: p, targets: labels, inputLengths: [10], targetLengths: [3] });
fl.loss('nll', { weight: w, ignoreIndex: 1 })({ pred: p, target: labels });
fl.loss('NLLLoss')({ pred: p, target: labels });
fl.loss('nll_loss')({ pred: p, target: labels });
fl.loss('pnll', { logInput: false, full: true, eps: 1e-8 })({ pred: p, target: t });
fl.loss('PoissonNLLLoss')({ pred: p, target: t });
fl.loss('poisson_nll_loss')({ pred: p, target: t });
fl.loss('bpr_loss')({ positive: p, negative: t });
fl.loss('phinge', { margin: 2 })({ positive: p, negative: t, sampleWeight: w });
fl.loss('hinge_embedding', { margin: 2 })({ pred: p, target: t });
fl.loss('HingeEmbeddingLoss')({ pred: p, target: t });
fl.loss('cosine_embedding', { margin: 0.5 })({ x1: p, x2: t, target: [1] });
fl.loss('CosineEmbeddingLoss')({ x1: p, x2: t, target: [1] });
fl.loss('MarginRankingLoss')({ x1: p, x2: t, target: [1] });

// ---- any case resolves, as at run time; every framework spelling ----
fl.loss('MSE')({ pred: p, target: t, sampleWeight: w });
fl.loss('mseloss')({ pred: p, target: t });
fl.loss('Mean_Squared_Error', { framework: 'PyTorch' })({ pred: p, target: t });
fl.loss('mse', { framework: 'keras' });
fl.loss('mse', { framework: 'tf' });
fl.loss('mse', { framework: 'TensorFlow' });
fl.loss('MSELoss', { framework: 'torch' });
type _case = Expect<Equal<CanonicalOf<'CrossEntropyLoss'>, 'categorical_crossentropy'>>;

// ---- fl.compute ----
const c1: number = fl.compute('mse', { pred: p, target: t });
const c2: OutputTensor = fl.compute('mae', { pred: p, target: t }, { framework: 'pytorch', reduction: 'none' });
const c3: number = fl.compute('ctc', { logProbs: p, targets: labels, inputLengths: [1], targetLengths: [1] }, { zeroInfinity: true });

// ---- names held in variables: the loose types (what plain JavaScript gets) ----
declare const fromConfig: string;
declare const optionsFromConfig: Record<string, unknown>;
const loose = fl.loss(fromConfig, optionsFromConfig);
type _loose = Expect<Equal<typeof loose, Loss>>;
const lv: number | OutputTensor = loose({ anything: p });
fl.loss(fromConfig, { framework: fromConfig, reduction: fromConfig });
const lc: number | OutputTensor = fl.compute(fromConfig, { pred: p, target: t }, { delta: 1 });
declare const oneOf: 'mse' | 'mae';
const union = fl.loss(oneOf, { framework: 'pytorch' });
type _union = Expect<Equal<typeof union, Loss>>;
const typedAsLoose: Loss = fl.loss(fromConfig);
// losses of different names in one array: Loss<any>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const many: Array<Loss<any>> = [fl.loss('mse'), fl.loss('ctc'), fl.loss('bpr', { reduction: 'none' }), loose];
// options built beforehand: `as const`, or typed with OptionsOf
const sumOptions = { framework: 'pytorch', reduction: 'sum' } as const;
const fromConst: number = fl.loss('mse', sumOptions)({ pred: p, target: t });
declare const typedOptions: OptionsOf<'mse'>;
const fromTyped = fl.loss('mse', typedOptions)({ pred: p, target: t, sampleWeight: w });
type _fromTyped = Expect<Equal<typeof fromTyped, number | OutputTensor>>;

// ---- the helper types ----
type _inputs = Expect<Equal<keyof InputsOf<'mse', 'pytorch'>, 'pred' | 'target'>>;
type _kinputs = Expect<Equal<keyof InputsOf<'mse'>, 'pred' | 'target' | 'sampleWeight'>>;
type _opts = Expect<Equal<Exclude<keyof OptionsOf<'CTCLoss'>, 'framework'>, 'reduction' | 'blank' | 'zeroInfinity' | 'gradOf'>>;
function scoreWith(inputs: InputsOf<'cce', 'pytorch'>): number {
  return fl.loss('cce', { framework: 'pytorch' })(inputs);
}
const tensorLike: TensorLike = [[1, 2], [3, 4]];

// ---- streaming: loss.accumulator() is typed like the loss ----
const accumulator = fl.loss('mse').accumulator();
const streamed: number = accumulator.update({ pred: p, target: t, sampleWeight: w }).update({ pred: p, target: t }).result();
const streamedNone: OutputTensor = fl.loss('mse', { reduction: 'none' }).accumulator().update({ pred: p, target: t }).result();
const streamMode: 'reduce' | 'concatenate' = accumulator.mode;

// ---- accumulator states: typed by the loss, framework and mode; merge and resume take the same ----
const reduceState = accumulator.state();
type _reduceState = Expect<Equal<typeof reduceState, ReduceState<'mean_squared_error', 'tensorflow'>>>;
const noneState = fl.loss('mse', { reduction: 'none' }).accumulator().state();
type _noneState = Expect<Equal<typeof noneState, ConcatenateState<'mean_squared_error', 'tensorflow'>>>;
const resumed: number = fl.loss('mse').accumulator(reduceState).merge(reduceState).merge(fl.loss('MeanSquaredError').accumulator()).result();
const fromState = fl.accumulator(reduceState);
type _fromState = Expect<Equal<typeof fromState, Accumulator<number, InputsOf<'mean_squared_error', 'tensorflow'>, 'mean_squared_error', 'tensorflow'>>>;
const fromNone: OutputTensor = fl.accumulator(noneState).update({ pred: p, target: t }).result();
declare const someState: AccumulatorState;
const anyLoss = fl.accumulator(someState); // a state of any loss: the loose accumulator
type _anyLoss = Expect<Equal<typeof anyLoss, Accumulator>>;
const fromJson = fl.accumulator(JSON.parse('{}')); // JSON.parse gives any: the loose accumulator
type _fromJson = Expect<Equal<typeof fromJson, Accumulator>>;
const mergedJson: number = fl.loss('mse').accumulator().merge(JSON.parse('{}')).result();
const looseMerged = anyLoss.merge(someState).merge(fl.loss('mae').accumulator()).merge(fl.loss('ctc', { reduction: 'none' }).accumulator());
const terms: ReduceState['sum'] = ['Infinity', 1e-17, 2];

async function main(): Promise<void> {
  const real = await loadLosses({ build: 'debug', jsBelow: 0 });
  try {
    real.loss('mse')({ pred: tensorLike, target: tensorLike });
  } catch (e) {
    if (e instanceof LossError) console.log(e.code, e.argument, e.suggestion);
  }
}

export { c1, c2, c3, either, fv1, fv2, fv3, fv4, fv5, dv1, dv2, dv3, dv4, ml1, ml2, gaussGp, gaussGv, gaussV, fromConst, streamed, streamedNone, streamMode, resumed, fromState, fromNone, anyLoss, fromJson, mergedJson, looseMerged, terms, fromTyped, many, union, fw, fw2, fw3, fw4, gb, gc, gm, gn, gnv, gp, gv, kl, lc, lv, main, n1, n2, name, scoreWith, typedAsLoose, v1, v2, v3, v4, v5 };
export type { _reduceState, _noneState, _fromState, _anyLoss, _fromJson, _case, _either, _fromTyped, _g, _gb, _gc, _gm, _inputs, _kinputs, _loose, _mse, _opts, _union };
