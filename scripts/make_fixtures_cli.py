"""Fixture for the `fastloss` command (test/cli.test.ts): .npy files written by NumPy from PyTorch tensors, and the
values PyTorch computes on them, in test/fixtures/cli/.

Each case names a loss, the command's arguments, and the expected value (or per-sample values for reduction
'none'), computed by torch 1.13 in float64 on the float32 (or integer) numbers the files hold. Keras cases are
computed from Keras 3's definitions with torch ops (keras/src/losses/losses.py: the mean over the last axis per
sample, then sample_weight, then 'sum_over_batch_size' = the sum over the number of per-sample values).

Run: /usr/bin/python3 scripts/make_fixtures_cli.py
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "cli")
DEBIAN = "1.13.1+dfsg-4"
g = torch.Generator().manual_seed(20261129)


def save(name, array):
    np.save(os.path.join(OUT, name), array)
    return name


def f32(*shape, lo=-3.0, hi=3.0):
    return (lo + (hi - lo) * torch.rand(*shape, generator=g)).to(torch.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def case(name, args, value=None, values=None, shape=None):
        c = {"name": name, "args": args}
        if value is not None:
            c["value"] = float(value)
        if values is not None:
            c["values"] = [float(v) for v in values.reshape(-1)]
            c["shape"] = list(shape)
        cases.append(c)

    # regression: [257, 5] float32 pred and target (float64 and int32 copies too)
    p = f32(257, 5)
    t = f32(257, 5)
    w = (2 * torch.rand(257, generator=g)).to(torch.float32)
    ti = torch.randint(-3, 4, (257, 5), generator=g, dtype=torch.int32)
    save("pred_f32.npy", p.numpy())
    save("target_f32.npy", t.numpy())
    save("pred_f64.npy", p.double().numpy() + 1e-12)  # float64 data, rounded to float32 on reading
    save("target_i32.npy", ti.numpy())
    save("target_i64.npy", ti.to(torch.int64).numpy())
    save("weight_f32.npy", w.numpy())
    P, T, W, TI = p.double(), t.double(), w.double(), ti.double()
    Pr = torch.from_numpy(np.load(os.path.join(OUT, "pred_f64.npy")).astype(np.float32)).double()

    base = ["--pred", "pred_f32.npy", "--target", "target_f32.npy"]
    case("mse pytorch mean", ["mse", *base, "--framework", "pytorch"], F.mse_loss(P, T))
    case("mse pytorch sum", ["mse", *base, "--framework", "pytorch", "--reduction", "sum"], F.mse_loss(P, T, reduction="sum"))
    case("mse keras default", ["mse", *base], ((P - T) ** 2).mean(-1).mean())
    case("mse pytorch float64 pred", ["mse", "--pred", "pred_f64.npy", "--target", "target_f32.npy", "--framework", "pytorch"], F.mse_loss(Pr, T))
    case("mae pytorch int32 target", ["mae", "--pred", "pred_f32.npy", "--target", "target_i32.npy", "--framework", "pytorch"], F.l1_loss(P, TI))
    case("mae pytorch int64 target", ["mae", "--pred", "pred_f32.npy", "--target", "target_i64.npy", "--framework", "pytorch", "--reduction", "sum"], F.l1_loss(P, TI, reduction="sum"))
    case("smooth_l1 beta 0.5", ["smooth_l1", *base, "--option", "beta=0.5"], F.smooth_l1_loss(P, T, beta=0.5))
    case("HuberLoss delta 2", ["HuberLoss", *base, "--option", "delta=2"], F.huber_loss(P, T, delta=2.0))
    per_sample_huber = F.huber_loss(P, T, delta=1.0, reduction="none").mean(-1)
    case("keras huber sampleWeight sum", ["huber", *base, "--input", "sampleWeight=weight_f32.npy", "--reduction", "sum"], (per_sample_huber * W).sum())
    case(
        "keras huber sampleWeight mean_with_sample_weight",
        ["huber", *base, "--input", "sampleWeight=weight_f32.npy", "--reduction", "mean_with_sample_weight"],
        (per_sample_huber * W).sum() / W.sum(),
    )
    none = F.mse_loss(P, T, reduction="none")
    case("mse pytorch none", ["mse", *base, "--framework", "pytorch", "--reduction", "none"], values=none, shape=none.shape)
    keras_none = ((P - T) ** 2).mean(-1)
    case("mse keras none", ["mse", *base, "--reduction", "none"], values=keras_none, shape=keras_none.shape)

    # msle (Keras) on positive 1-D data: one Keras sample, the mean over the whole axis
    q = f32(1000, lo=0.0, hi=4.0)
    r = f32(1000, lo=0.0, hi=4.0)
    save("pos_pred_1d.npy", q.numpy())
    save("pos_target_1d.npy", r.numpy())
    Q, R = q.double(), r.double()
    case("msle keras 1-D", ["msle", "--pred", "pos_pred_1d.npy", "--target", "pos_target_1d.npy"], ((torch.log1p(Q) - torch.log1p(R)) ** 2).mean())

    # cross-entropy: logits [300, 7] float32, int64 class indices (some ignored), one-hot float32 targets
    logits = (3 * torch.randn(300, 7, generator=g)).to(torch.float32)
    y = torch.randint(0, 7, (300,), generator=g, dtype=torch.int64)
    y_ignored = y.clone()
    y_ignored[::11] = -100
    save("ce_logits.npy", logits.numpy())
    save("ce_labels_i64.npy", y.numpy())
    save("ce_labels_ignored_i64.npy", y_ignored.numpy())
    save("ce_onehot_f32.npy", F.one_hot(y, 7).to(torch.float32).numpy())
    L = logits.double()
    cw = [0.5, 1.0, 2.0, 1.5, 0.25, 1.0, 3.0]
    ce = ["--pred", "ce_logits.npy", "--target", "ce_labels_i64.npy"]
    case("cce pytorch mean", ["cce", *ce, "--framework", "pytorch"], F.cross_entropy(L, y))
    case(
        "CrossEntropyLoss weight, ignore_index, label smoothing",
        ["CrossEntropyLoss", "--pred", "ce_logits.npy", "--target", "ce_labels_ignored_i64.npy", "--option", f"weight={json.dumps(cw)}", "--option", "labelSmoothing=0.1"],
        F.cross_entropy(L, y_ignored, weight=torch.tensor(cw, dtype=torch.float64), label_smoothing=0.1),
    )
    lp = torch.log_softmax(L, -1)
    save("ce_logprobs_f64.npy", lp.numpy())
    case("nll weight", ["nll", "--pred", "ce_logprobs_f64.npy", "--target", "ce_labels_i64.npy", "--option", f"weight={json.dumps(cw)}"],
         F.nll_loss(torch.from_numpy(np.load(os.path.join(OUT, "ce_logprobs_f64.npy")).astype(np.float32)).double(), y, weight=torch.tensor(cw, dtype=torch.float64)))
    keras_cce = -(F.one_hot(y, 7).double() * torch.log_softmax(L, -1)).sum(-1).mean()
    case("cce keras fromLogits", ["cce", "--pred", "ce_logits.npy", "--target", "ce_onehot_f32.npy", "--option", "fromLogits=true"], keras_cce)
    ce_none = F.cross_entropy(L, y, reduction="none")
    case("cce pytorch none", ["cce", *ce, "--framework", "pytorch", "--reduction", "none"], values=ce_none, shape=ce_none.shape)

    # CTC: logProbs [T, N, C] float32, targets [N, S] int64, lengths int64 and int32
    Tn, N, C, S = 12, 6, 5, 4
    lp = torch.log_softmax(torch.randn(Tn, N, C, generator=g), -1).to(torch.float32)
    targets = torch.randint(1, C, (N, S), generator=g, dtype=torch.int64)
    il = torch.tensor([12, 11, 12, 9, 12, 3], dtype=torch.int64)
    tl = torch.tensor([4, 3, 0, 2, 4, 3], dtype=torch.int64)  # the last sequence is infeasible when its labels repeat
    save("ctc_logprobs.npy", lp.numpy())
    save("ctc_targets.npy", targets.numpy())
    save("ctc_input_lengths.npy", il.numpy())
    save("ctc_target_lengths.npy", tl.to(torch.int32).numpy())
    ctc_args = [
        "--input", "logProbs=ctc_logprobs.npy", "--input", "targets=ctc_targets.npy",
        "--input", "inputLengths=ctc_input_lengths.npy", "--input", "targetLengths=ctc_target_lengths.npy",
    ]
    LP = lp.double()
    losses = F.ctc_loss(LP, targets, il, tl, reduction="none", zero_infinity=True)
    case("ctc mean zeroInfinity", ["ctc", *ctc_args, "--option", "zeroInfinity=true"], F.ctc_loss(LP, targets, il, tl, zero_infinity=True))
    case("ctc sum zeroInfinity", ["ctc", *ctc_args, "--option", "zeroInfinity=true", "--reduction", "sum"], losses.sum())
    case("ctc none zeroInfinity", ["ctc", *ctc_args, "--option", "zeroInfinity=true", "--reduction", "none"], values=losses, shape=losses.shape)

    out = {
        "producer": f"scripts/make_fixtures_cli.py, torch {torch.__version__} (Debian {DEBIAN}), numpy {np.__version__}, float64",
        "cases": cases,
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases in {OUT}")


if __name__ == "__main__":
    main()
