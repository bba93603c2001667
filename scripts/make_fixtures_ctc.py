#!/usr/bin/python3
"""Golden fixtures for fastloss's CTC loss (torch.nn.functional.ctc_loss, PyTorch 1.13, float64).

Writes test/fixtures/ctc.torch.json (relative to the repository root): for each case, the inputs
(log_probs [T, N, C] as float32 values widened to float64, targets padded [N, S] or concatenated 1-D,
input_lengths, target_lengths, blank, zero_infinity) and, for reduction 'mean', 'sum' and 'none' (with
a random grad_output), the value and two gradients:

  gradLogits    what torch's autograd returns for d loss / d log_probs when log_probs is the leaf:
                torch's ctc backward (LossCTC.cpp, ctc_loss_backward_cpu_template) returns
                s_n * (exp(lp) - posterior) on the frames t < input_lengths[n], the gradient with respect
                to the logits before a log_softmax, not with respect to log_probs (s_n = d reduced / d loss_n).
  gradLogProbs  the true gradient d loss / d log_probs = -s_n * posterior = gradLogits - s_n * exp(lp) on
                the valid frames (0 elsewhere; NaN rows stay NaN; zero_infinity rows stay 0).

Why both, and how the true one is checked: the forward of ctc_loss uses log_probs as given (no
normalisation), so the true gradient is the derivative of that forward.  This script checks, before writing,
(1) central finite differences of torch's own float64 forward against gradLogProbs on the small cases, and
(2) that differentiating through log_softmax from logits x gives the same x-gradient from both forms
(gradLogits - p * sum_c gradLogits = gradLogProbs - p * sum_c gradLogProbs, p = softmax(x)): the two agree
after a log_softmax, and only gradLogProbs is the derivative with respect to log_probs themselves.

Cases: random shapes; blank first, last and in the middle; random and full input lengths; repeated labels;
empty targets; an infeasible sample (target longer than its frames allow, loss inf; NaN gradient rows
without zero_infinity, 0 with it); padded and concatenated targets; an unbatched [T, C] input.

JSON has no NaN/Infinity: those are written as the strings "NaN", "Infinity", "-Infinity".
Run: /usr/bin/python3 scripts/make_fixtures_ctc.py
"""

import json
import math
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_FILE = os.path.join(REPO_ROOT, 'test', 'fixtures', 'ctc.torch.json')


def num(x):
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def flat(a):
    return [num(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def debian_version():
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'python3-torch'],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip() or 'unknown'
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def random_target(rng, L, C, blank, repeats):
    out = []
    for i in range(L):
        if repeats and i > 0 and rng.random() < 0.3:
            out.append(out[-1])
        else:
            c = int(rng.integers(0, C - 1))
            out.append(c + 1 if c >= blank else c)
    return out


def make_inputs(seed, T, N, C, blank, lengths, max_l, infeasible, empty_last, repeats=True):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, (T, N, C)).astype(np.float32)
    lp = torch.log_softmax(torch.tensor(x, dtype=torch.float32), dim=2).numpy().astype(np.float32)
    targets, in_lens = [], []
    for n in range(N):
        tn = T if lengths == 'full' else int(rng.integers(max(1, T // 2), T + 1))
        L = int(rng.integers(0, min(max_l, tn // 2) + 1))
        if infeasible and n == 0:
            L = tn + 1
        if empty_last and n == N - 1:
            L = 0
        targets.append(random_target(rng, L, C, blank, repeats))
        in_lens.append(tn)
    return x, lp, targets, in_lens


def reduction_scales(reduction, targets, grad_output):
    N = len(targets)
    if reduction == 'none':
        return [float(g) for g in grad_output]
    if reduction == 'sum':
        return [1.0] * N
    return [1.0 / (max(len(t), 1) * N) for t in targets]


def run(lp64, targets_t, in_lens, tgt_lens, blank, reduction, zero_inf, grad_output, batched):
    lp = lp64.clone().requires_grad_(True)
    inp = lp if batched else lp[:, 0, :]
    tg = targets_t if batched else targets_t[0]
    il = in_lens if batched else in_lens[0]
    tl = tgt_lens if batched else tgt_lens[0]
    loss = F.ctc_loss(inp, tg, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_inf)
    g = torch.tensor(grad_output, dtype=torch.float64).reshape(loss.shape) if reduction == 'none' else torch.tensor(1.0, dtype=torch.float64)
    (grad,) = torch.autograd.grad(loss, lp, grad_outputs=g)
    return loss.detach(), grad.detach()


def true_gradient(grad_logits, lp64, in_lens, scales):
    true = grad_logits.clone()
    T, N, C = lp64.shape
    for n in range(N):
        tn = int(in_lens[n])
        true[:tn, n, :] -= scales[n] * torch.exp(lp64[:tn, n, :])
    return true


def check_finite_differences(lp64, targets_t, in_lens, tgt_lens, blank, true_grad, batched):
    """Central differences of torch's float64 forward (the sum of the finite losses) against the true gradient."""
    def fwd(z):
        losses = F.ctc_loss(z if batched else z[:, 0, :], targets_t if batched else targets_t[0],
                            in_lens if batched else in_lens[0], tgt_lens if batched else tgt_lens[0],
                            blank=blank, reduction='none').reshape(-1)
        return losses[torch.isfinite(losses)].sum().item()  # an infeasible sample is inf whatever lp is
    h = 1e-6
    flat_lp = lp64.reshape(-1)
    for i in range(flat_lp.numel()):
        if not math.isfinite(true_grad.reshape(-1)[i].item()):
            continue
        up = flat_lp.clone(); up[i] += h
        dn = flat_lp.clone(); dn[i] -= h
        fd = (fwd(up.reshape(lp64.shape)) - fwd(dn.reshape(lp64.shape))) / (2 * h)
        assert abs(fd - true_grad.reshape(-1)[i].item()) < 1e-6, (i, fd, true_grad.reshape(-1)[i].item())


def check_through_log_softmax(x, lp64, grad_logits, true_grad, in_lens):
    p = torch.softmax(torch.tensor(x, dtype=torch.float64), dim=2)
    a = grad_logits - p * grad_logits.sum(dim=2, keepdim=True)
    b = true_grad - p * true_grad.sum(dim=2, keepdim=True)
    mask = torch.isfinite(a) & torch.isfinite(b)
    assert torch.allclose(a[mask], b[mask], atol=1e-9), 'the two forms must agree after log_softmax'


CONFIGS = [
    # id, T, N, C, blank, lengths, max_l, infeasible, empty_last, concatenated, batched
    ('tiny', 3, 2, 3, 0, 'full', 1, False, False, False, True),
    ('blank0-random-lengths', 12, 4, 6, 0, 'random', 5, False, True, False, True),
    ('blank-last', 15, 3, 7, 6, 'random', 6, False, True, True, True),
    ('blank-middle', 10, 3, 5, 2, 'full', 4, False, False, False, True),
    ('repeats', 20, 3, 4, 0, 'random', 9, False, True, True, True),
    ('infeasible', 9, 3, 5, 0, 'random', 3, True, False, False, True),
    ('infeasible-concatenated', 8, 3, 6, 3, 'full', 3, True, True, True, True),
    ('larger', 40, 4, 12, 0, 'random', 15, False, True, False, True),
    ('unbatched', 11, 1, 6, 0, 'full', 5, False, False, False, False),
]


def build_cases():
    cases = []
    for ci, (cid, T, N, C, blank, lengths, max_l, infeasible, empty_last, concatenated, batched) in enumerate(CONFIGS):
        x, lp, targets, in_lens = make_inputs(1000 + ci, T, N, C, blank, lengths, max_l, infeasible, empty_last)
        tgt_lens = [len(t) for t in targets]
        S = max([1] + tgt_lens)
        if concatenated:
            targets_t = torch.tensor(sum(targets, []), dtype=torch.long)
            targets_json = {'shape': [sum(tgt_lens)], 'data': sum(targets, [])}
        else:
            pad = [t + [1 if blank != 1 else 2] * (S - len(t)) for t in targets]
            targets_t = torch.tensor(pad, dtype=torch.long)
            targets_json = {'shape': [N, S] if batched else [S], 'data': sum(pad, [])}
        lp64 = torch.tensor(lp, dtype=torch.float64)
        il = torch.tensor(in_lens, dtype=torch.long)
        tl = torch.tensor(tgt_lens, dtype=torch.long)
        rng = np.random.default_rng(2000 + ci)
        grad_output = [float(v) for v in rng.uniform(0.5, 2.0, N).astype(np.float32)]
        for zero_inf in ([False, True] if infeasible else [False]):
            results = {}
            for reduction in ('mean', 'sum', 'none'):
                loss, g_logits = run(lp64, targets_t, il, tl, blank, reduction, zero_inf, grad_output, batched)
                scales = reduction_scales(reduction, targets, grad_output)
                g_true = true_gradient(g_logits, lp64, in_lens, scales)
                if zero_inf:
                    for n in range(N):  # torch zeroes the whole row set of an infinite sample
                        if g_logits[:, n, :].abs().sum().item() == 0:
                            g_true[:, n, :] = 0
                check_through_log_softmax(x, lp64, g_logits, g_true, in_lens)
                if reduction == 'sum' and T * N * C <= 300 and not zero_inf:
                    check_finite_differences(lp64, targets_t, il, tl, blank, g_true, batched)
                entry = {
                    'value': flat(loss) if reduction == 'none' else num(loss.item()),
                    'gradLogProbs': flat(g_true if batched else g_true[:, 0, :]),
                    'gradLogits': flat(g_logits if batched else g_logits[:, 0, :]),
                }
                if reduction == 'none':
                    entry['gradOutput'] = grad_output if batched else grad_output[0]
                results[reduction] = entry
            cases.append({
                'id': f'{cid}{"-zero-infinity" if zero_inf else ""}',
                'shape': [T, N, C] if batched else [T, C],
                'blank': blank,
                'zeroInfinity': zero_inf,
                'logProbs': flat(lp if batched else lp[:, 0, :]),
                'targets': targets_json,
                'inputLengths': in_lens,
                'targetLengths': tgt_lens,
                'results': results,
            })
    return cases


def main():
    torch.set_num_threads(1)
    cases = build_cases()
    producer = (f'scripts/make_fixtures_ctc.py: torch {torch.__version__} '
                f'(Debian python3-torch {debian_version()}), numpy {np.__version__}, float64 autograd')
    dump = lambda o: json.dumps(o, allow_nan=False, separators=(',', ':'), ensure_ascii=False)
    text = '{\n"producer":' + dump(producer) + ',\n"cases":[\n' + ',\n'.join(dump(c) for c in cases) + '\n]}\n'
    json.loads(text)
    with open(OUT_FILE, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    size = os.path.getsize(OUT_FILE)
    print(f'{os.path.relpath(OUT_FILE, REPO_ROOT)}: {len(cases)} cases, {size} bytes')
    print(producer)


if __name__ == '__main__':
    main()
