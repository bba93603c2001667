/**
 * The CTC loss's declaration: PyTorch 1.13's torch.nn.CTCLoss (docs/semantics.md §2 ctc). Its code is the ctc
 * part (./ctc.part.ts, loaded on demand: ./parts.ts; kernels assembly/ctc.ts).
 *
 * Inputs: logProbs [T, N, C] (or [T, C], unbatched), targets [N, S] padded (entries past targetLengths[n] are
 * ignored) or 1-D concatenated (length Σ targetLengths), inputLengths [N], targetLengths [N]: integers in any
 * array type. Options: blank (0), reduction ('mean': each loss / max(targetLength, 1), then the mean over the
 * batch; 'sum'; 'none'), zeroInfinity (false), gradOf ('logProbs': the true gradient; 'logits': what torch's
 * backward and warp-ctc return, the gradient wrt the logits before log_softmax, grad + s_n·exp(logProbs) on the
 * valid frames).
 */

import { booleanOption, classIndexOption, enumOption, reductionOption } from '../options.js';
import type { CtcInputs, CtcOptions } from '../signatures.js';
import { signature, type Declarations } from './declaration.js';
import { inPart } from './parts.js';

const definition = inPart('ctc', {
  inputs: ['logProbs', 'targets', 'inputLengths', 'targetLengths'],
  optionalInputs: [],
  options: {
    reduction: reductionOption('pytorch'),
    blank: classIndexOption(0),
    zeroInfinity: booleanOption(false),
    gradOf: enumOption(['logProbs', 'logits'], 'logProbs'),
  },
});

/**
 * CTC loss (ctc, CTCLoss; PyTorch only): `-ln p(targets | logProbs)` per sequence, summed over every alignment
 * (Graves et al. 2006), with torch's reductions, blank, zero_infinity. `withGrad` returns `grad.logProbs`.
 * No alignment (inputLength < targetLength + adjacent equal labels): inf, and NaN gradient rows on the valid
 * frames as torch (0 and zero rows with zeroInfinity). Where torch 1.13 is undefined or NaN, this gives the
 * mathematical answer: an input length of 0 is 0 for an empty target and inf otherwise (torch reads out of
 * bounds), and a logProbs entry of -inf on a finite loss has gradient 0 (torch: NaN).
 * @example fl.loss('ctc')({ logProbs, targets, inputLengths, targetLengths })
 */
/** The CTC family's declaration. */
export const CTC = {
  ctc: {
    aliases: ['ctc'],
    frameworks: ['pytorch'],
    family: 'ctc',
    meaning: 'CTCLoss',
    rank: 11,
    pytorch: { classes: { CTCLoss: {} }, functions: { ctc_loss: {} }, signature: signature<CtcInputs, 'logProbs', CtcOptions>(), definition },
  },
} as const satisfies Declarations;
