#!/usr/bin/python3
"""Golden fixtures for fastloss's PyTorch-flavoured probability losses.

Writes test/fixtures/crossentropy.torch.json (relative to the repository root): values and gradients
computed by PyTorch itself, in float64 with autograd, for

  CrossEntropyLoss  F.cross_entropy   class indices ([C], [N,C], [N,C,d1,...]) and probability targets;
                                      weight, ignore_index, label_smoothing; all reductions
  NLLLoss           F.nll_loss        weight, ignore_index, [N,C] and [N,C,d1,d2]
  BCELoss           F.binary_cross_entropy              weight ([C] and full shape); p exactly 0 and 1
  BCEWithLogitsLoss F.binary_cross_entropy_with_logits  weight, pos_weight; logits of +-1e4 and 0
  KLDivLoss         F.kl_div          log_target; 'mean', 'batchmean', 'sum', 'none'; targets with zeros
  PoissonNLLLoss    F.poisson_nll_loss log_input, full, eps; targets 0, fractional and > 1

each with 'none' also run with a gradOutput tensor (grad = d sum(gradOutput * loss) / d pred), and edge
cases: rows of all -inf, NaN logits, every label ignored (torch's mean is NaN with a zero gradient), empty
batches. Each case's "name" and "options" are passed verbatim to fl.loss(name, { framework: 'pytorch',
...options }); class-index targets carry "dtype": "int64".

Inputs are float32 values (drawn with numpy from fixed seeds) widened to float64 for torch. JSON has no
NaN/Infinity: those are the strings "NaN", "Infinity", "-Infinity". Deterministic output.

Run:  /usr/bin/python3 scripts/make_fixtures_crossentropy.py
"""

import json
import math
import os
import subprocess
import zlib

import numpy as np
import torch
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_FILE = os.path.join(REPO_ROOT, 'test', 'fixtures', 'crossentropy.torch.json')


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode('utf-8')))


def f32(a):
    return np.asarray(a, dtype=np.float32)


def enc(x):
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def tensor_json(a, dtype=None):
    a = np.asarray(a)
    out = {'shape': list(a.shape), 'data': [enc(v) if dtype is None else int(v) for v in a.reshape(-1)]}
    if dtype is not None:
        out['dtype'] = dtype
    return out


def debian_version():
    try:
        return subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'python3-torch'], capture_output=True, text=True).stdout.strip() or 'unknown'
    except OSError:
        return 'unknown'


cases = []


def add(cid, name, options, fn, pred, target, int_target=False, grad_output=True):
    """fn(pred64, target) -> loss tensor (reduction inside options)."""
    reduction = options.get('reduction', 'mean')
    p = torch.tensor(np.asarray(pred, dtype=np.float64), requires_grad=True)
    t = torch.tensor(np.asarray(target, dtype=np.int64)) if int_target else torch.tensor(np.asarray(target, dtype=np.float64))
    loss = fn(p, t, reduction)
    runs = [None]
    if reduction == 'none' and grad_output and loss.numel() > 0:
        runs.append(f32(rng_for('go', cid).normal(0, 1, loss.shape)))
    for go in runs:
        if go is None:
            g = torch.autograd.grad(loss.sum(), p, allow_unused=True, retain_graph=True)[0] if loss.requires_grad else torch.zeros_like(p)
        else:
            g = torch.autograd.grad((loss * torch.tensor(go.astype(np.float64))).sum(), p, retain_graph=True)[0]
        if g is None:
            g = torch.zeros_like(p)
        case = {
            'id': cid + ('' if go is None else '+gradOutput'),
            'name': name,
            'options': options,
            'inputs': {'pred': tensor_json(f32(pred)), 'target': tensor_json(target, 'int64') if int_target else tensor_json(f32(target))},
            'value': enc(loss.item()) if reduction != 'none' else tensor_json(loss.detach().numpy()),
            'grad': {'pred': tensor_json(g.numpy())},
        }
        if go is not None:
            case['gradOutput'] = tensor_json(go)
        cases.append(case)


def ce(weight=None, ignore_index=-100, label_smoothing=0.0):
    w = None if weight is None else torch.tensor(np.asarray(weight, dtype=np.float64))
    return lambda p, t, r: F.cross_entropy(p, t, weight=w, ignore_index=ignore_index, reduction=r, label_smoothing=label_smoothing)


def opts(reduction, **kw):
    o = {'reduction': reduction}
    for k, v in kw.items():
        if v is not None:
            o[k] = v.tolist() if isinstance(v, np.ndarray) else v
    return o


REDUCTIONS = ('mean', 'sum', 'none')

# ---- CrossEntropyLoss with class indices ----
for shape in ((5,), (4, 5), (3, 4, 2, 3), (6, 3, 5)):
    C = shape[0] if len(shape) == 1 else shape[1]
    rows = () if len(shape) == 1 else (shape[0],) + shape[2:]
    rng = rng_for('ce', shape)
    x = f32(rng.normal(0, 2, shape))
    y = rng.integers(0, C, rows) if rows else np.int64(rng.integers(0, C))
    y = np.asarray(y)
    w = f32(rng.uniform(0.2, 2.0, C))
    yi = y.copy()
    if yi.size >= 3:
        yi.reshape(-1)[1] = -100
    yk = y.copy()
    if yk.size >= 3:
        yk.reshape(-1)[2] = 1
    for r in REDUCTIONS:
        base = f'CrossEntropyLoss{list(shape)} {r}'
        add(base, 'CrossEntropyLoss', opts(r), ce(), x, y, True)
        add(base + ' weight', 'CrossEntropyLoss', opts(r, weight=w), ce(w), x, yi, True)
        add(base + ' ignoreIndex=1', 'cce', opts(r, ignoreIndex=1), ce(ignore_index=1), x, yk, True)
        add(base + ' labelSmoothing=0.1', 'CrossEntropyLoss', opts(r, labelSmoothing=0.1), ce(label_smoothing=0.1), x, yi, True)
        add(base + ' weight labelSmoothing=0.3', 'CrossEntropyLoss', opts(r, weight=w, labelSmoothing=0.3), ce(w, label_smoothing=0.3), x, yi, True)

# every label ignored; empty batch; large logits; rows of all -inf; NaN
x = f32(rng_for('ce-edge').normal(0, 1, (3, 4)))
for r in REDUCTIONS:
    add(f'CrossEntropyLoss all ignored {r}', 'CrossEntropyLoss', opts(r), ce(), x, np.full(3, -100), True)
    add(f'CrossEntropyLoss all ignored weight {r}', 'CrossEntropyLoss', opts(r, weight=f32([1, 2, 3, 4])), ce(f32([1, 2, 3, 4])), x, np.full(3, -100), True)
    add(f'CrossEntropyLoss empty {r}', 'CrossEntropyLoss', opts(r), ce(), np.zeros((0, 4), np.float32), np.zeros(0, np.int64), True)
big = f32([[1e4, 0, -1e4, 5], [-1e4, -1e4, -1e4, -1e4], [3e4, 3e4, -2e4, 0], [0, 0, 0, 1e4]])
for r in REDUCTIONS:
    add(f'CrossEntropyLoss logits 1e4 {r}', 'CrossEntropyLoss', opts(r), ce(), big, np.array([0, 2, 1, 0]), True)
    add(f'CrossEntropyLoss logits 1e4 labelSmoothing {r}', 'CrossEntropyLoss', opts(r, labelSmoothing=0.2), ce(label_smoothing=0.2), big, np.array([0, 2, 1, 0]), True)
special = f32([[-math.inf] * 4, [0, -math.inf, 1, 2], [math.nan, 0, 1, 2], [1, 2, 3, 4]])
add('CrossEntropyLoss -inf and NaN rows none', 'CrossEntropyLoss', opts('none'), ce(), special, np.array([0, 0, 1, 3]), True, grad_output=False)
add('CrossEntropyLoss -inf row picked elsewhere none', 'CrossEntropyLoss', opts('none'), ce(), special[1:2], np.array([2]), True, grad_output=False)

# ---- CrossEntropyLoss with probability targets ----
for shape in ((5,), (4, 5), (2, 3, 4)):
    C = shape[0] if len(shape) == 1 else shape[1]
    rng = rng_for('ce-prob', shape)
    x = f32(rng.normal(0, 2, shape))
    axis = 0 if len(shape) == 1 else 1
    t = rng.uniform(0, 1, shape)
    t = f32(t / t.sum(axis=axis, keepdims=True))
    w = f32(rng.uniform(0.2, 2.0, C))
    for r in REDUCTIONS:
        base = f'CrossEntropyLoss probabilities{list(shape)} {r}'
        add(base, 'CrossEntropyLoss', opts(r), ce(), x, t)
        add(base + ' weight labelSmoothing=0.2', 'CrossEntropyLoss', opts(r, weight=w, labelSmoothing=0.2), ce(w, label_smoothing=0.2), x, t)
    # a soft target that does not sum to 1 (torch's gradient is (Σy)·softmax - y)
    add(f'CrossEntropyLoss unnormalised probabilities{list(shape)} sum', 'CrossEntropyLoss', opts('sum'), ce(), x, f32(t * 1.7))

# ---- NLLLoss ----
def nll(weight=None, ignore_index=-100):
    w = None if weight is None else torch.tensor(np.asarray(weight, dtype=np.float64))
    return lambda p, t, r: F.nll_loss(p, t, weight=w, ignore_index=ignore_index, reduction=r)


for shape in ((4, 5), (2, 3, 2, 2)):
    C = shape[1]
    rng = rng_for('nll', shape)
    x = f32(np.log(rng.uniform(0.01, 1, shape)))
    rows = (shape[0],) + shape[2:]
    y = rng.integers(0, C, rows)
    y.reshape(-1)[0] = -100
    w = f32(rng.uniform(0.2, 2.0, C))
    for r in REDUCTIONS:
        add(f'NLLLoss{list(shape)} {r}', 'NLLLoss', opts(r), nll(), x, y, True)
        add(f'NLLLoss{list(shape)} weight {r}', 'nll', opts(r, weight=w), nll(w), x, y, True)
        add(f'NLLLoss{list(shape)} ignoreIndex=0 {r}', 'NLLLoss', opts(r, ignoreIndex=0), nll(ignore_index=0), x, np.abs(y) % C, True)
for r in REDUCTIONS:
    add(f'NLLLoss all ignored {r}', 'NLLLoss', opts(r), nll(), f32(np.zeros((2, 3))), np.full(2, -100), True)

# ---- BCELoss / BCEWithLogitsLoss ----
def bce(weight=None):
    w = None if weight is None else torch.tensor(np.asarray(weight, dtype=np.float64))
    return lambda p, t, r: F.binary_cross_entropy(p, t, weight=w, reduction=r)


def bcel(weight=None, pos_weight=None):
    w = None if weight is None else torch.tensor(np.asarray(weight, dtype=np.float64))
    pw = None if pos_weight is None else torch.tensor(np.asarray(pos_weight, dtype=np.float64))
    return lambda p, t, r: F.binary_cross_entropy_with_logits(p, t, weight=w, pos_weight=pw, reduction=r)


for shape in ((7,), (3, 5), (2, 3, 4)):
    rng = rng_for('bce', shape)
    p = f32(rng.uniform(0.001, 0.999, shape))
    t = f32(rng.integers(0, 2, shape))
    ts = f32(rng.uniform(0, 1, shape))  # soft targets
    x = f32(rng.normal(0, 3, shape))
    last = shape[-1]
    w_last = f32(rng.uniform(0.2, 2.0, last))
    w_full = f32(rng.uniform(0.2, 2.0, shape))
    pw = f32(rng.uniform(0.5, 3.0, last))
    for r in REDUCTIONS:
        add(f'BCELoss{list(shape)} {r}', 'BCELoss', opts(r), bce(), p, t)
        add(f'BCELoss{list(shape)} soft weight[last] {r}', 'BCELoss', opts(r, weight=w_last), bce(w_last), p, ts)
        add(f'BCELoss{list(shape)} weight[full] {r}', 'bce', opts(r, fromLogits=False, weight=w_full), bce(w_full), p, t)
        add(f'BCEWithLogitsLoss{list(shape)} {r}', 'BCEWithLogitsLoss', opts(r), bcel(), x, ts)
        add(f'BCEWithLogitsLoss{list(shape)} weight posWeight {r}', 'BCEWithLogitsLoss', opts(r, weight=w_last, posWeight=pw), bcel(w_last, pw), x, t)
        add(f'BCEWithLogitsLoss{list(shape)} posWeight soft {r}', 'bce', opts(r, fromLogits=True, posWeight=pw), bcel(None, pw), x, ts)
edge_p = f32([0, 1, 0, 1, 0.5, 1e-30, 1 - 2 ** -24, 0.25])
edge_t = f32([0, 1, 1, 0, 1, 0, 1, 0.5])
edge_x = f32([1e4, -1e4, 1e4, -1e4, 0, 0, 88, -104])
for r in REDUCTIONS:
    add(f'BCELoss exact 0 and 1 {r}', 'BCELoss', opts(r), bce(), edge_p, edge_t)
    add(f'BCEWithLogitsLoss logits 1e4 {r}', 'BCEWithLogitsLoss', opts(r), bcel(), edge_x, edge_t)
    add(f'BCEWithLogitsLoss logits 1e4 posWeight {r}', 'BCEWithLogitsLoss', opts(r, posWeight=f32([2.0])), bcel(None, f32([2.0])), edge_x, edge_t)

# ---- KLDivLoss ----
def kl(log_target):
    return lambda p, t, r: F.kl_div(p, t, reduction=r, log_target=log_target)


for shape in ((5,), (3, 5), (2, 3, 4)):
    rng = rng_for('kl', shape)
    q = rng.uniform(0.01, 1, shape)
    x = f32(np.log(q / q.sum(axis=-1, keepdims=True)))
    t = rng.uniform(0, 1, shape)
    t.reshape(-1)[::4] = 0
    t = f32(t / np.maximum(t.sum(axis=-1, keepdims=True), 1e-9))
    lt = f32(np.log(rng.uniform(0.01, 1, shape)))
    for r in REDUCTIONS + ('batchmean',):
        add(f'KLDivLoss{list(shape)} {r}', 'KLDivLoss', opts(r), kl(False), x, t)
        add(f'KLDivLoss{list(shape)} logTarget {r}', 'kld', opts(r, logTarget=True), kl(True), x, lt)

# ---- PoissonNLLLoss ----
def pnll(log_input, full, eps):
    return lambda p, t, r: F.poisson_nll_loss(p, t, log_input=log_input, full=full, eps=eps, reduction=r)


for shape in ((6,), (3, 4)):
    rng = rng_for('pnll', shape)
    xl = f32(rng.normal(0, 1, shape))
    xp = f32(rng.uniform(0.05, 4, shape))
    t = f32(rng.choice([0, 0.5, 1, 1.5, 2, 3, 7], shape))
    for r in REDUCTIONS:
        for full in (False, True):
            add(f'PoissonNLLLoss{list(shape)} logInput full={full} {r}', 'PoissonNLLLoss', opts(r, full=full), pnll(True, full, 1e-8), xl, t)
            add(f'PoissonNLLLoss{list(shape)} rates full={full} {r}', 'pnll', opts(r, logInput=False, full=full), pnll(False, full, 1e-8), xp, t)
        add(f'PoissonNLLLoss{list(shape)} rates eps=0.1 {r}', 'PoissonNLLLoss', opts(r, logInput=False, eps=0.1), pnll(False, False, 0.1), f32(xp - 0.05), t)

os.makedirs(os.path.dirname(OUT_FILE), exist_ok=True)
with open(OUT_FILE, 'w') as f:
    json.dump({
        'producer': f'torch {torch.__version__} (Debian python3-torch {debian_version()}), float64, autograd; scripts/make_fixtures_crossentropy.py',
        'cases': cases,
    }, f, separators=(',', ':'))
    f.write('\n')
print(f'{OUT_FILE}: {len(cases)} cases, {os.path.getsize(OUT_FILE)} bytes')
