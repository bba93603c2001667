// Compiled by test/consumer-types.test.ts in a consumer project (`tsc --strict --noEmit`): each misuse below
// must be a compile error. The test compiles this file as it is (an unused @ts-expect-error fails) and once
// more with the directives blanked out, where every error must fall on a line that follows one.
import { type AccumulatorState, type FastLoss, type OutputTensor } from 'fastloss';

declare const fl: FastLoss;
declare const p: Float32Array;
declare const t: Float32Array;
declare const labels: Int32Array;

// ---- option names, per loss and framework ----
// @ts-expect-error a misspelt option
fl.loss('mse', { reducton: 'sum' });
// @ts-expect-error MSE has no axis
fl.loss('mse', { axis: -1 });
// @ts-expect-error L1Loss has no delta
fl.loss('mae', { framework: 'torch', delta: 1 });
// @ts-expect-error PyTorch BCE has no labelSmoothing
fl.loss('bce', { framework: 'pytorch', labelSmoothing: 0.1 });
// @ts-expect-error PyTorch CE takes logits: no fromLogits
fl.loss('cce', { framework: 'pytorch', fromLogits: true });
// @ts-expect-error Keras CCE has no ignoreIndex (Keras SCCE calls it ignoreClass)
fl.loss('cce', { ignoreIndex: 0 });
// @ts-expect-error posWeight is BCEWithLogitsLoss's, not BCELoss's
fl.loss('BCELoss', { posWeight: [2] });
// @ts-expect-error posWeight needs fromLogits
fl.loss('bce', { framework: 'pytorch', posWeight: [2] });
// @ts-expect-error BCEWithLogitsLoss takes logits
fl.loss('BCEWithLogitsLoss', { fromLogits: false });
// @ts-expect-error beta (SmoothL1Loss) and delta (HuberLoss) together
fl.loss('huber', { framework: 'pytorch', beta: 1, delta: 1 });
// @ts-expect-error HuberLoss has delta, not beta
fl.loss('HuberLoss', { beta: 1 });
// @ts-expect-error Keras Huber has no beta
fl.loss('huber', { beta: 1 });
// @ts-expect-error logTarget is PyTorch's
fl.loss('kld', { logTarget: true });
// @ts-expect-error CTC's blank is an index
fl.loss('ctc', { blank: 'first' });
// @ts-expect-error gradOf is 'logProbs' or 'logits'
fl.loss('ctc', { gradOf: 'pred' });
// @ts-expect-error delta is a number
fl.loss('huber', { delta: '1' });
// @ts-expect-error sampleWeight is an input, not an option
fl.loss('mse', { sampleWeight: [1, 2] });

// ---- reductions and frameworks ----
// @ts-expect-error Keras has no 'batchmean'
fl.loss('kld', { reduction: 'batchmean' });
// @ts-expect-error PyTorch has no 'sum_over_batch_size'
fl.loss('mse', { framework: 'pytorch', reduction: 'sum_over_batch_size' });
// @ts-expect-error 'batchmean' is KLDivLoss's alone
fl.loss('mse', { framework: 'pytorch', reduction: 'batchmean' });
// @ts-expect-error reductions are lower case
fl.loss('mse', { reduction: 'Sum' });
// @ts-expect-error MAPE is Keras only
fl.loss('mape', { framework: 'pytorch' });
// @ts-expect-error CTC is PyTorch only
fl.loss('ctc', { framework: 'tensorflow' });
// @ts-expect-error MSELoss is PyTorch's class
fl.loss('MSELoss', { framework: 'keras' });
// @ts-expect-error mse_loss is torch.nn.functional's
fl.loss('mse_loss', { framework: 'tf' });
// @ts-expect-error kl_divergence is Keras's
fl.loss('kl_divergence', { framework: 'pytorch' });
// @ts-expect-error no such framework
fl.loss('mse', { framework: 'jax' });

// ---- names ----
// @ts-expect-error no such loss
fl.loss('mean_sqared_error');
// @ts-expect-error no such loss
fl.compute('msee', { pred: p, target: t });

// ---- input names ----
// @ts-expect-error preds is not an input
fl.loss('mse')({ preds: p, target: t });
// @ts-expect-error target is missing
fl.loss('mse')({ pred: p });
// @ts-expect-error PyTorch losses take no sampleWeight
fl.loss('mse', { framework: 'pytorch' })({ pred: p, target: t, sampleWeight: [1] });
// @ts-expect-error Keras's is sampleWeight
fl.loss('mse')({ pred: p, target: t, sample_weight: [1] });
// @ts-expect-error MarginRankingLoss takes x1, x2, target
fl.loss('margin_ranking')({ pred: p, target: t });
// @ts-expect-error categorical_hinge in PyTorch is MarginRankingLoss
fl.loss('ch', { framework: 'pytorch' })({ pred: p, target: t });
// @ts-expect-error bpr takes positive and negative
fl.loss('bpr')({ pred: p, target: t });
// @ts-expect-error CTC needs inputLengths
fl.loss('ctc')({ logProbs: p, targets: labels, targetLengths: [3] });
// @ts-expect-error CTC's input is logProbs
fl.loss('CTCLoss')({ pred: p, targets: labels, inputLengths: [3], targetLengths: [3] });
// @ts-expect-error a string is not a tensor
fl.loss('mse')({ pred: 'abc', target: t });
// @ts-expect-error fl.compute checks the inputs too
fl.compute('mse', { preds: p, target: t });
// @ts-expect-error and the options
fl.compute('mse', { pred: p, target: t }, { reducton: 'sum' });

// ---- results ----
// @ts-expect-error 'none' returns a tensor, not a number
const a: number = fl.loss('mse', { reduction: 'none' })({ pred: p, target: t });
// @ts-expect-error a scalar reduction returns a number, not a tensor
const b: OutputTensor = fl.loss('mse', { reduction: 'sum' })({ pred: p, target: t });
// @ts-expect-error 'none' from fl.compute too
const c: number = fl.compute('mse', { pred: p, target: t }, { reduction: 'none' });
// @ts-expect-error the value of withGrad with 'none'
const d: number = fl.loss('mae', { framework: 'pytorch', reduction: 'none' }).withGrad({ pred: p, target: t }).value;
// @ts-expect-error a reduction that may be 'none' may return a tensor
const e: number = fl.loss('mse', { reduction: Math.random() > 0.5 ? 'none' : 'sum' })({ pred: p, target: t });
// @ts-expect-error the default is scalar: no tensor
const f: OutputTensor = fl.loss('huber')({ pred: p, target: t });
// @ts-expect-error 'none' is a tensor: no arithmetic
const g = fl.loss('mse', { reduction: 'none' })({ pred: p, target: t }) * 2;
// @ts-expect-error torchvision's sigmoid_focal_loss defaults to 'none': a tensor
const fh: number = fl.loss('sigmoid_focal_loss')({ pred: p, target: t });
// @ts-expect-error so does focal in framework pytorch, through fl.compute and withGrad too
const fi: number = fl.compute('focal', { pred: p, target: t }, { framework: 'pytorch' });
// @ts-expect-error the same default's withGrad value
const fk: number = fl.loss('focal', { framework: 'torch' }).withGrad({ pred: p, target: t }).value;
// @ts-expect-error Dice's axis is a number, a list of numbers or null
void fl.loss('dice', { axis: '1' });
// @ts-expect-error Dice has no alpha (Tversky has)
void fl.loss('dice', { alpha: 0.5 });
// @ts-expect-error Tversky is a Keras loss: no PyTorch reduction 'batchmean'
void fl.loss('tversky', { reduction: 'batchmean' });
// @ts-expect-error MultiLabelSoftMarginLoss is PyTorch's: no sampleWeight
void fl.loss('multilabel_soft_margin')({ pred: p, target: t, sampleWeight: p });
// @ts-expect-error GaussianNLLLoss needs var
void fl.loss('gaussian_nll')({ pred: p, target: t });
// @ts-expect-error GaussianNLLLoss differentiates pred and var, not target
void fl.loss('gaussian_nll').withGrad({ pred: p, target: t, var: p }).grad.target;

// ---- gradients ----
// @ts-expect-error mse differentiates pred only
void fl.loss('mse').withGrad({ pred: p, target: t }).grad.target;
// @ts-expect-error margin ranking's gradients are x1 and x2
void fl.loss('margin_ranking').withGrad({ x1: p, x2: t, target: [1] }).grad.pred;
// @ts-expect-error a scalar reduction's gradOutput is a number
fl.loss('mse').withGrad({ pred: p, target: t }, { gradOutput: [1, 2] });
// @ts-expect-error a misspelt withGrad option
fl.loss('mse').withGrad({ pred: p, target: t }, { gradoutput: 2 });
// @ts-expect-error out is keyed by the differentiated inputs
fl.loss('mse').withGrad({ pred: p, target: t }, { out: { target: new Float32Array(2) } });
// @ts-expect-error the loss's name is its canonical name
const n: 'mse' = fl.loss('mse').name;

// ---- streaming ----
// @ts-expect-error a scalar reduction's accumulator gives a number
const h: OutputTensor = fl.loss('mse').accumulator().result();
// @ts-expect-error the accumulator takes the loss's inputs (PyTorch mse has no sampleWeight)
fl.loss('mse', { framework: 'pytorch' }).accumulator().update({ pred: p, target: t, sampleWeight: p });

// ---- accumulator states ----
// @ts-expect-error a state of another loss does not merge
fl.loss('mse').accumulator().merge(fl.loss('mae').accumulator().state());
// @ts-expect-error nor an accumulator of another framework
fl.loss('mse').accumulator().merge(fl.loss('mse', { framework: 'pytorch' }).accumulator());
// @ts-expect-error a 'none' state does not resume a scalar reduction
fl.loss('mse').accumulator(fl.loss('mse', { reduction: 'none' }).accumulator().state());
// @ts-expect-error a scalar reduction's state has no values
void fl.loss('mse').accumulator().state().values;
// @ts-expect-error an accumulator resumed from a scalar state gives a number
const i: OutputTensor = fl.accumulator(fl.loss('mse').accumulator().state()).result();
// @ts-expect-error a state names the canonical loss, not an alias
const j: AccumulatorState<'mse'> = fl.loss('mse').accumulator().state();
// @ts-expect-error a resumed accumulator takes its loss's inputs
fl.accumulator(fl.loss('ctc').accumulator().state()).update({ pred: p, target: t });

export { a, b, c, d, e, f, fh, fi, fk, g, h, i, j, n };
