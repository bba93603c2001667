#!/usr/bin/python3
"""Golden fixtures for fastloss's PyTorch-flavoured regression losses.

Writes test/fixtures/regression.torch.json (relative to the repository root,
whatever the working directory): values and gradients computed by PyTorch
itself, in float64 with autograd, for

  MSELoss       -> fl.loss('mse', ...)        torch.nn.functional.mse_loss
  L1Loss        -> fl.loss('mae', ...)        torch.nn.functional.l1_loss
  SmoothL1Loss  -> fl.loss('smooth_l1', ...)  torch.nn.functional.smooth_l1_loss(beta)
                   and fl.loss('huber', ...) without delta (= SmoothL1Loss(beta))
  HuberLoss     -> fl.loss('HuberLoss', ...) and fl.loss('huber', {delta})
                                              torch.nn.functional.huber_loss(delta)

each with reduction 'mean', 'sum' and 'none' (and, for 'none', a case with a
gradOutput tensor: grad = d sum(gradOutput * loss) / d pred), on shapes [],
[1], [7], [3,5], [2,3,4], the empty [0] and [2,0], larger [1000] / [37,33]
cases, and [6]-element cases with NaN / +Infinity / -Infinity in pred and
target.  Each case's "name" and "options" are passed verbatim to
fl.loss(name, { framework: 'pytorch', ...options }).

Why: these pin fastloss's PyTorch semantics (reductions, empty-input means,
boundary conventions at |pred - target| == beta/delta, ties, NaN/Inf
propagation) to what torch actually computes.  The Keras semantics are checked
against float64 references in src/reference/ instead, because TensorFlow is
not installable here.

Inputs are drawn with numpy from fixed seeds as float32 values (so a float32
implementation sees exactly the same numbers), then widened to float64 for
torch.  Some elements are exact ties (pred == target) and some sit exactly on
|pred - target| == beta/delta, so the boundary conventions are pinned (for
SmoothL1Loss with beta == 0 too: torch 1.13 returns a gradient of -1 at a tie,
where L1Loss returns 0, and fastloss gives each what torch gives).

JSON has no NaN/Infinity: those numbers are written as the strings "NaN",
"Infinity" and "-Infinity".  Other numbers are written with Python's repr,
which round-trips float64 exactly.  The output is deterministic (same bytes on
every run with the same torch/numpy).

Run:  npm run fixtures   (= /usr/bin/python3 scripts/make_fixtures.py)
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
OUT_DIR = os.path.join(REPO_ROOT, 'test', 'fixtures')
OUT_FILE = os.path.join(OUT_DIR, 'regression.torch.json')

REDUCTIONS = ('mean', 'sum', 'none')
SMALL_SHAPES = ((), (1,), (7,), (3, 5), (2, 3, 4), (0,), (2, 0))
LARGE_SHAPES = ((1000,), (37, 33))


def torch_fn(kind, param):
    if kind == 'mse':
        return lambda p, t, r: F.mse_loss(p, t, reduction=r)
    if kind == 'l1':
        return lambda p, t, r: F.l1_loss(p, t, reduction=r)
    if kind == 'smooth_l1':
        return lambda p, t, r: F.smooth_l1_loss(p, t, reduction=r, beta=param)
    if kind == 'huber':
        return lambda p, t, r: F.huber_loss(p, t, reduction=r, delta=param)
    raise ValueError(kind)


# (label used in ids, torch loss kind, beta/delta or None, fastloss name, fastloss options)
CONFIGS = (
    ('MSELoss', 'mse', None, 'mse', {}),
    ('L1Loss', 'l1', None, 'mae', {}),
    ('SmoothL1Loss(beta=1)', 'smooth_l1', 1.0, 'smooth_l1', {}),
    ('SmoothL1Loss(beta=0.5)', 'smooth_l1', 0.5, 'smooth_l1', {'beta': 0.5}),
    ('SmoothL1Loss(beta=2)', 'smooth_l1', 2.0, 'smooth_l1', {'beta': 2.0}),
    ('SmoothL1Loss(beta=0)', 'smooth_l1', 0.0, 'smooth_l1', {'beta': 0.0}),
    ('huber=SmoothL1Loss(beta=1)', 'smooth_l1', 1.0, 'huber', {}),
    ('huber=SmoothL1Loss(beta=0.5)', 'smooth_l1', 0.5, 'huber', {'beta': 0.5}),
    ('HuberLoss(delta=1)', 'huber', 1.0, 'HuberLoss', {}),
    ('huber=HuberLoss(delta=2.5)', 'huber', 2.5, 'huber', {'delta': 2.5}),
    ('huber=HuberLoss(delta=0.3)', 'huber', 0.3, 'huber', {'delta': 0.3}),
)

# Large cases ([1000] and [37,33]) only for these configs, one per torch loss
# plus the non-default parameters that take other code paths (beta scaling,
# beta == 0, delta), to keep the committed file under ~1.5 MB.
# label -> reductions used for [1000] and for [37,33]
LARGE = {
    'MSELoss': ('mean', 'none+gradOutput'),
    'L1Loss': ('mean', 'none+gradOutput'),
    'SmoothL1Loss(beta=1)': ('mean', 'none+gradOutput'),
    'HuberLoss(delta=1)': ('mean', 'none+gradOutput'),
    'SmoothL1Loss(beta=0.5)': ('sum', 'mean'),
    'SmoothL1Loss(beta=0)': ('sum', 'mean'),
    'huber=HuberLoss(delta=2.5)': ('sum', 'mean'),
}

# Special values: every pairing of NaN / +Inf / -Inf with finite numbers and
# with each other (Inf - Inf = NaN, Inf - (-Inf) = Inf).
SPECIAL_PRED = [math.nan, math.inf, -math.inf, 1.5, -0.75, math.inf]
SPECIAL_TARGET = [0.25, -2.0, 3.0, math.nan, -math.inf, math.inf]


def rng_for(*key):
    """A numpy Generator seeded from a stable hash of the key (not Python's salted hash)."""
    return np.random.default_rng(zlib.crc32(repr(key).encode('utf-8')))


def f32(a):
    return np.asarray(a, dtype=np.float32)


def make_inputs(label, param, shape):
    """pred, target as float32 arrays: N(0, 2), with some exact ties and |d| == param."""
    rng = rng_for('inputs', label, shape)
    n = int(np.prod(shape, dtype=np.int64))
    pred = f32(rng.normal(0.0, 2.0, n))
    target = f32(rng.normal(0.0, 2.0, n))
    if n >= 2:
        # A few elements with small differences (quadratic zone of smooth_l1/huber).
        k = max(1, n // 5)
        idx = rng.choice(n, size=k, replace=False)
        target[idx] = f32(pred[idx] + rng.normal(0.0, 0.3, k).astype(np.float32))
    special_idx = rng.permutation(n)
    pos = 0
    # Exact ties (at beta == 0 torch 1.13's smooth_l1 gradient there is -1; L1Loss's is 0).
    if n >= 3:
        ties = special_idx[pos:pos + max(1, n // 10)]
        pos += len(ties)
        target[ties] = pred[ties]
    # |pred - target| == param exactly (both signs), when param is exactly reachable with float32 inputs.
    b = 1.0 if param is None else param
    if n >= 5 and b != 0.0 and float(np.float32(b)) == b:
        bnd = special_idx[pos:pos + max(2, n // 10)]
        pos += len(bnd)
        for j, i in enumerate(bnd):
            sign = 1.0 if j % 2 == 0 else -1.0
            # Quantise pred to a multiple of 2^-10 so pred +- b is exact in float32 and float64.
            p = np.float32(round(float(pred[i]) * 1024.0) / 1024.0)
            t = np.float32(float(p) + sign * b)
            assert float(t) - float(p) == sign * b, (p, t, b)
            pred[i], target[i] = p, t
    return pred.reshape(shape), target.reshape(shape)


def make_grad_output(label, shape):
    rng = rng_for('gradOutput', label, shape)
    n = int(np.prod(shape, dtype=np.int64))
    return f32(rng.normal(0.0, 1.0, n)).reshape(shape)


def num(x):
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def tensor_json(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': [num(v) for v in a.reshape(-1)]}


def shape_str(shape):
    return '[' + ','.join(str(d) for d in shape) + ']'


def compute(kind, param, pred, target, reduction, grad_output):
    p = torch.tensor(np.asarray(pred, dtype=np.float64), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(np.asarray(target, dtype=np.float64), dtype=torch.float64)
    loss = torch_fn(kind, param)(p, t, reduction)
    if reduction == 'none':
        if grad_output is not None:
            loss.backward(torch.tensor(np.asarray(grad_output, dtype=np.float64), dtype=torch.float64))
        else:
            loss.sum().backward()
        value = tensor_json(loss.detach().numpy())
    else:
        loss.backward()
        value = num(loss.item())
    assert p.grad is not None and tuple(p.grad.shape) == tuple(p.shape)
    return value, tensor_json(p.grad.numpy())


def make_case(case_id, config, pred, target, reduction, grad_output=None):
    label, kind, param, name, options = config
    value, grad = compute(kind, param, pred, target, reduction, grad_output)
    case = {
        'id': case_id,
        'name': name,
        'options': dict(options, reduction=reduction),
        'inputs': {'pred': tensor_json(pred), 'target': tensor_json(target)},
    }
    if grad_output is not None:
        case['gradOutput'] = tensor_json(grad_output)
    case['value'] = value
    case['grad'] = {'pred': grad}
    return case


def build_cases():
    cases = []
    for config in CONFIGS:
        label, kind, param, _, _ = config
        for shape in SMALL_SHAPES:
            pred, target = make_inputs(label, param, shape)
            for reduction in REDUCTIONS:
                cases.append(make_case(f'{label}/{reduction}/{shape_str(shape)}', config, pred, target, reduction))
            go = make_grad_output(label, shape)
            cases.append(make_case(f'{label}/none+gradOutput/{shape_str(shape)}', config, pred, target, 'none', go))
        if label in LARGE:
            for shape, mode in zip(LARGE_SHAPES, LARGE[label]):
                pred, target = make_inputs(label, param, shape)
                if mode == 'none+gradOutput':
                    go = make_grad_output(label, shape)
                    cases.append(make_case(f'{label}/none+gradOutput/{shape_str(shape)}', config, pred, target, 'none', go))
                else:
                    cases.append(make_case(f'{label}/{mode}/{shape_str(shape)}', config, pred, target, mode))
        sp, st = f32(SPECIAL_PRED), f32(SPECIAL_TARGET)
        for reduction in ('none', 'sum'):
            cases.append(make_case(f'{label}/{reduction}/[6] NaN+Inf', config, sp, st, reduction))
    ids = [c['id'] for c in cases]
    assert len(ids) == len(set(ids)), 'duplicate case ids'
    return cases


def debian_version():
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'python3-torch'],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip() or 'unknown'
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # keep reductions' summation order fixed
    cases = build_cases()
    producer = (f'scripts/make_fixtures.py: torch {torch.__version__} '
                f'(Debian python3-torch {debian_version()}), numpy {np.__version__}, float64 autograd')
    dump = lambda o: json.dumps(o, allow_nan=False, separators=(',', ':'), ensure_ascii=False)
    lines = ['{', f'"producer":{dump(producer)},', f'"command":{dump("npm run fixtures")},', '"cases":[']
    lines.append(',\n'.join(dump(c) for c in cases))
    lines.append(']}')
    text = '\n'.join(lines) + '\n'
    json.loads(text)  # sanity: valid JSON
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(OUT_FILE, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    size = os.path.getsize(OUT_FILE)
    print(f'{os.path.relpath(OUT_FILE, REPO_ROOT)}: {len(cases)} cases, {size} bytes ({size / 1e6:.2f} MB)')
    print(producer)


if __name__ == '__main__':
    main()
