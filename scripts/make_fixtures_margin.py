#!/usr/bin/python3
"""Golden fixtures for fastloss's PyTorch-flavoured margin, ranking and cosine losses.

Writes test/fixtures/margin.torch.json (relative to the repository root): values
and gradients of every differentiated input computed by PyTorch itself, in
float64 with autograd, for

  HingeEmbeddingLoss(margin)  -> fl.loss('hinge_embedding', ...)   inputs pred, target (+-1)
  MarginRankingLoss(margin)   -> fl.loss('margin_ranking', ...), fl.loss('MarginRankingLoss', ...)
                                 and fl.loss('categorical_hinge', { framework: 'pytorch' })
                                                                   inputs x1, x2, target (+-1); grads x1, x2
  CosineEmbeddingLoss(margin) -> fl.loss('cosine_embedding', ...)  inputs x1, x2 [N, D] or [D], target [N] or []

each with reduction 'mean', 'sum' and 'none' (for 'none' also with a gradOutput:
grad = d sum(gradOutput * loss) / d input), on several shapes including tails,
and edge cases: exact ties on the clamp (margin - pred == 0, -y(x1 - x2) + margin
== 0; margins are float32-representable, as the kernels use them), zero vectors and nearly parallel vectors for the cosine, empty inputs.

Inputs are drawn from fixed seeds as float32 values, widened to float64 for
torch.  NaN/Infinity are written as strings.  Each case's name and options are
passed verbatim to fl.loss(name, { framework: 'pytorch', ...options }).

Run:  /usr/bin/python3 scripts/make_fixtures_margin.py
"""

import json
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_FILE = os.path.join(REPO_ROOT, 'test', 'fixtures', 'margin.torch.json')
REDUCTIONS = ('mean', 'sum', 'none')


def enc(x):
    x = float(x)
    if x != x:
        return 'NaN'
    if x == float('inf'):
        return 'Infinity'
    if x == float('-inf'):
        return '-Infinity'
    return x


def tensor_json(t):
    return {'shape': list(t.shape), 'data': [enc(v) for v in t.detach().reshape(-1).tolist()]}


def f32(rng, shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32).astype(np.float64)


def signs(rng, shape):
    return np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)


def run_case(cases, cid, name, options, inputs, differentiated, fn, go_seed=None):
    ts = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in differentiated) for k, v in inputs.items()}
    out = fn(ts, options)
    case = {'id': cid, 'name': name, 'options': options, 'inputs': {k: tensor_json(t) for k, t in ts.items()}}
    if options['reduction'] == 'none':
        if go_seed is not None:
            go = torch.tensor(f32(np.random.default_rng(go_seed), tuple(out.shape), -1.5, 1.5))
            case['gradOutput'] = tensor_json(go)
        else:
            go = torch.ones_like(out)
        (out * go).sum().backward()
        case['value'] = tensor_json(out)
    else:
        out.backward()
        case['value'] = enc(out.item())
    case['grad'] = {k: tensor_json(ts[k].grad if ts[k].grad is not None else torch.zeros_like(ts[k])) for k in differentiated}
    cases.append(case)


def hinge_embedding(ts, o):
    return F.hinge_embedding_loss(ts['pred'], ts['target'], margin=o.get('margin', 1.0), reduction=o['reduction'])


def margin_ranking(ts, o):
    return F.margin_ranking_loss(ts['x1'], ts['x2'], ts['target'], margin=o.get('margin', 0.0), reduction=o['reduction'])


def cosine_embedding(ts, o):
    return F.cosine_embedding_loss(ts['x1'], ts['x2'], ts['target'], margin=o.get('margin', 0.0), reduction=o['reduction'])


def build_cases():
    cases = []
    seed = 100
    # HingeEmbeddingLoss
    for margin in (None, 0.5, -0.25, 2.0):
        for shape in ((1,), (7,), (3, 5), (2, 3, 4), (33,)):
            for red in REDUCTIONS:
                seed += 1
                rng = np.random.default_rng(seed)
                pred = f32(rng, shape)
                target = signs(rng, shape)
                m = 1.0 if margin is None else margin
                if pred.size >= 3:
                    pred.reshape(-1)[1] = m  # a tie: margin - pred == 0 (gradient passes)
                    target.reshape(-1)[1] = -1.0
                opts = {'reduction': red} if margin is None else {'reduction': red, 'margin': margin}
                run_case(cases, f'hinge_embedding-{seed}', 'hinge_embedding', opts, {'pred': pred, 'target': target}, ('pred',), hinge_embedding)
                if red == 'none' and shape == (3, 5):
                    run_case(cases, f'hinge_embedding-{seed}-go', 'hinge_embedding', opts, {'pred': pred, 'target': target}, ('pred',), hinge_embedding, go_seed=seed)
    # MarginRankingLoss, under its three names
    for name in ('margin_ranking', 'MarginRankingLoss', 'categorical_hinge'):
        for margin in (None, 0.5, -0.25):
            for shape in ((1,), (6,), (4, 3), (2, 2, 5), (35,)):
                for red in REDUCTIONS:
                    seed += 1
                    rng = np.random.default_rng(seed)
                    x1 = f32(rng, shape)
                    x2 = f32(rng, shape)
                    y = signs(rng, shape)
                    m = 0.0 if margin is None else margin
                    if x1.size >= 3:
                        # a tie: -y(x1 - x2) + m == 0 with exactly representable numbers
                        x1.reshape(-1)[2] = 0.5
                        x2.reshape(-1)[2] = 0.5 - m if m >= 0 else 0.5 + m
                        y.reshape(-1)[2] = 1.0 if m >= 0 else -1.0
                    opts = {'reduction': red} if margin is None else {'reduction': red, 'margin': margin}
                    run_case(cases, f'{name}-{seed}', name, opts, {'x1': x1, 'x2': x2, 'target': y}, ('x1', 'x2'), margin_ranking)
                    if red == 'none' and shape == (4, 3):
                        run_case(cases, f'{name}-{seed}-go', name, opts, {'x1': x1, 'x2': x2, 'target': y}, ('x1', 'x2'), margin_ranking, go_seed=seed)
    # CosineEmbeddingLoss
    for margin in (None, 0.3, -0.2):
        for shape in ((5,), (1, 3), (4, 7), (3, 33), (6, 16), (2, 129)):
            for red in REDUCTIONS:
                seed += 1
                rng = np.random.default_rng(seed)
                x1 = f32(rng, shape)
                x2 = f32(rng, shape)
                lshape = shape[:-1]
                y = signs(rng, lshape)
                if len(shape) == 2 and shape[0] >= 3:
                    x1[0, :] = 0.0  # a zero vector
                    x2[1, :] = x1[1, :] * 2.0  # parallel
                    y[1] = -1.0
                    y[2] = 1.0  # a row whose gradient is not rounding noise
                opts = {'reduction': red} if margin is None else {'reduction': red, 'margin': margin}
                run_case(cases, f'cosine_embedding-{seed}', 'cosine_embedding', opts, {'x1': x1, 'x2': x2, 'target': y}, ('x1', 'x2'), cosine_embedding)
                if red == 'none' and len(shape) == 2 and shape[0] >= 3:
                    run_case(cases, f'cosine_embedding-{seed}-go', 'cosine_embedding', opts, {'x1': x1, 'x2': x2, 'target': y}, ('x1', 'x2'), cosine_embedding, go_seed=seed)
    # empty inputs
    for red in REDUCTIONS:
        run_case(cases, f'hinge_embedding-empty-{red}', 'hinge_embedding', {'reduction': red}, {'pred': np.zeros((0,)), 'target': np.zeros((0,))}, ('pred',), hinge_embedding)
        run_case(cases, f'margin_ranking-empty-{red}', 'margin_ranking', {'reduction': red}, {'x1': np.zeros((0,)), 'x2': np.zeros((0,)), 'target': np.zeros((0,))}, ('x1', 'x2'), margin_ranking)
        run_case(cases, f'cosine_embedding-empty-{red}', 'cosine_embedding', {'reduction': red}, {'x1': np.zeros((0, 4)), 'x2': np.zeros((0, 4)), 'target': np.zeros((0,))}, ('x1', 'x2'), cosine_embedding)
    return cases


def debian_version():
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'python3-torch'], capture_output=True, text=True, check=True)
        return out.stdout.strip() or 'unknown'
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    cases = build_cases()
    producer = (f'scripts/make_fixtures_margin.py: torch {torch.__version__} '
                f'(Debian python3-torch {debian_version()}), numpy {np.__version__}, float64 autograd')
    dump = lambda o: json.dumps(o, allow_nan=False, separators=(',', ':'), ensure_ascii=False)
    lines = ['{', f'"producer":{dump(producer)},', f'"command":{dump("/usr/bin/python3 scripts/make_fixtures_margin.py")},', '"cases":[']
    lines.append(',\n'.join(dump(c) for c in cases))
    lines.append(']}')
    text = '\n'.join(lines) + '\n'
    json.loads(text)
    with open(OUT_FILE, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    size = os.path.getsize(OUT_FILE)
    print(f'{os.path.relpath(OUT_FILE, REPO_ROOT)}: {len(cases)} cases, {size} bytes ({size / 1e6:.2f} MB)')
    print(producer)


if __name__ == '__main__':
    main()
