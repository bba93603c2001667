#!/usr/bin/python3
"""Writes data/*.json: the outputs of small real models on the datasets scikit-learn ships, for `npm start`.

    /usr/bin/python3 scripts/make_data.py                    # train, score, write every file
    /usr/bin/python3 scripts/make_data.py --references-only  # recompute digits.json's torch references only

Deterministic (fixed seeds, one thread, float32 training) and offline (load_diabetes, load_linnerud,
load_digits: no fetch_*). Each file names its producer (this script, the Python/torch/sklearn/numpy
versions), the model and the split, and carries PyTorch's own values of the losses on the stored numbers
(`torch_reference`) so the CLI can compare fastloss's PyTorch semantics against torch itself.

    data/diabetes.json  torch MLP regressor, 442 samples: pred [442], target [442], split per sample
    data/linnerud.json  sklearn Ridge, 3 outputs, 5-fold out-of-fold predictions: pred [20,3], target [20,3]
    data/digits.json    torch MLP classifier, test split only: logits [450,10], labels [450]

Numbers are float32 values written with at most 7 significant digits (logits: 5): the decimal string read
back as float32 is exactly the value the references were computed on.
"""

import json
import os
import platform
import sys

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes, load_digits, load_linnerud
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SEED = 0
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(ROOT, 'data')

torch.manual_seed(SEED)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def f32(values, digits=7):
    """Rounds to `digits` significant digits, then to float32; returns nested Python floats whose shortest
    repr (what json writes) is that decimal, which parses back to exactly the float32."""
    a = np.asarray(values, dtype=np.float64)
    rounded = np.vectorize(lambda x: np.float32(float(f'{x:.{digits}g}')), otypes=[np.float32])(a)

    def conv(x):
        return float(np.format_float_positional(x, unique=True, trim='-')) if x.ndim == 0 else [conv(v) for v in x]

    return conv(rounded), rounded


def num(x):
    """A scalar for the metadata, 7 significant digits."""
    return float(f'{float(x):.7g}')


def producer(model, split):
    return {
        'script': 'scripts/make_data.py',
        'python': platform.python_version(),
        'torch': torch.__version__,
        'sklearn': sklearn.__version__,
        'numpy': np.__version__,
        'seed': SEED,
        'model': model,
        'split': split,
    }


def torch_refs(pred, target, specs):
    """PyTorch's value and gradient L2 norm (w.r.t. pred) of each loss, in float32 on the stored numbers."""
    out = []
    for loss, call, fn in specs:
        p = torch.tensor(pred, dtype=torch.float32, requires_grad=True)
        value = fn(p, target)
        value.backward()
        out.append({
            'loss': loss,
            'framework': 'pytorch',
            'torch': call,
            'value': num(value.item()),
            'grad_norm': num(torch.linalg.vector_norm(p.grad.double()).item()),
        })
    return out


def regression_refs(pred, target):
    t = torch.tensor(target, dtype=torch.float32)
    return torch_refs(pred, t, [
        ('mean_squared_error', 'F.mse_loss(pred, target)', lambda p, t: F.mse_loss(p, t)),
        ('mean_absolute_error', 'F.l1_loss(pred, target)', lambda p, t: F.l1_loss(p, t)),
        # fastloss's pytorch 'huber' without `delta` is SmoothL1Loss(beta=1), as is smooth_l1.
        ('huber', 'F.smooth_l1_loss(pred, target, beta=1.0)', lambda p, t: F.smooth_l1_loss(p, t, beta=1.0)),
        ('smooth_l1', 'F.smooth_l1_loss(pred, target, beta=1.0)', lambda p, t: F.smooth_l1_loss(p, t, beta=1.0)),
    ])


def write(name, payload):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(payload, f, separators=(',', ':'))
        f.write('\n')
    print(f'{os.path.relpath(path, ROOT)}  {os.path.getsize(path)} bytes')


def train(model, x, y, loss_fn, epochs, lr, weight_decay):
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return model


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    idx = np.arange(len(y))
    train_idx, test_idx = train_test_split(idx, test_size=0.2, random_state=SEED)
    scaler = StandardScaler().fit(X[train_idx])
    y_mean, y_std = y[train_idx].mean(), y[train_idx].std()
    xs = torch.tensor(scaler.transform(X), dtype=torch.float32)
    ys = torch.tensor((y - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)

    torch.manual_seed(SEED)
    model = torch.nn.Sequential(torch.nn.Linear(10, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    tr = torch.tensor(train_idx)
    train(model, xs[tr], ys[tr], F.mse_loss, epochs=300, lr=0.01, weight_decay=0.1)
    with torch.no_grad():
        raw = (model(xs).squeeze(1).double() * y_std + y_mean).numpy()

    pred, pred32 = f32(raw)
    target, target32 = f32(y)
    split = np.array(['train'] * len(y), dtype=object)
    split[test_idx] = 'test'
    mse = lambda ix: float(np.mean((pred32[ix].astype(np.float64) - target32[ix]) ** 2))
    write('diabetes.json', {
        'description': 'Diabetes progression one year after baseline (sklearn load_diabetes, 442 x 10), '
                       'predicted by a small MLP; pred and target in the original units (25-346).',
        'producer': producer(
            'torch MLP 10-8-1 (tanh), inputs and target standardized on the train split; Adam lr 0.01, '
            'weight decay 0.1, 300 full-batch epochs, MSE loss, float32 (test MSE on par with least squares)',
            'train_test_split(test_size=0.2, random_state=0): 353 train, 89 test; every sample is stored in '
            'load_diabetes order, `split` says which part each was in'),
        'summary': f'torch MLP 10-8-1 regressor, all 442 samples ({len(train_idx)} train, {len(test_idx)} test; '
                   f'test MSE {mse(test_idx):.0f})',
        'metrics': {'mse_train': num(mse(train_idx)), 'mse_test': num(mse(test_idx)), 'mse_all': num(mse(idx))},
        'shape': [len(y)],
        'pred': pred,
        'target': target,
        'split': split.tolist(),
        'torch_reference': regression_refs(pred32, target32),
    })


def linnerud():
    X, Y = load_linnerud(return_X_y=True)  # 20 x 3 exercises -> 20 x 3 physiological (weight, waist, pulse)
    oof = np.zeros_like(Y)
    fold = np.zeros(len(Y), dtype=int)
    for k, (tr, te) in enumerate(KFold(n_splits=5, shuffle=True, random_state=SEED).split(X)):
        model = make_pipeline(StandardScaler(), Ridge(alpha=10.0)).fit(X[tr], Y[tr])
        oof[te] = model.predict(X[te])
        fold[te] = k
    pred, pred32 = f32(oof)
    target, target32 = f32(Y)
    write('linnerud.json', {
        'description': 'Linnerud (sklearn load_linnerud, 20 middle-aged men): three exercise counts -> weight (lb), '
                       'waist (in), pulse (bpm), predicted by a multi-output ridge regression.',
        'producer': producer(
            'sklearn make_pipeline(StandardScaler(), Ridge(alpha=10)), one model for the 3 outputs',
            'KFold(n_splits=5, shuffle=True, random_state=0): each prediction is out-of-fold '
            '(made by the model that did not see that sample); `fold` gives the fold of each sample'),
        'summary': 'sklearn ridge regression of weight, waist and pulse, out-of-fold (5-fold) predictions',
        'targets': ['Weight', 'Waist', 'Pulse'],
        'metrics': {'mse_per_target': [num(v) for v in np.mean((pred32.astype(np.float64) - target32) ** 2, axis=0)]},
        'shape': list(Y.shape),
        'pred': pred,
        'target': target,
        'fold': fold.tolist(),
        'torch_reference': regression_refs(pred32, target32),
    })


def digits():
    X, y = load_digits(return_X_y=True)
    idx = np.arange(len(y))
    train_idx, test_idx = train_test_split(idx, test_size=0.25, random_state=SEED, stratify=y)
    x = torch.tensor(X / 16.0, dtype=torch.float32)
    labels = torch.tensor(y, dtype=torch.long)

    torch.manual_seed(SEED)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    tr = torch.tensor(train_idx)
    train(model, x[tr], labels[tr], F.cross_entropy, epochs=300, lr=0.01, weight_decay=1e-4)
    te = torch.tensor(test_idx)
    with torch.no_grad():
        raw = model(x[te]).double().numpy()
        train_acc = (model(x[tr]).argmax(1) == labels[tr]).double().mean().item()

    logits, logits32 = f32(raw, digits=5)
    y_test = y[test_idx]
    acc = float(np.mean(logits32.argmax(1) == y_test))
    write('digits.json', {
        'description': 'Handwritten digits (sklearn load_digits, 1797 8x8 images, 10 classes), scored by a small MLP; '
                       'the held-out test split only: raw logits (pre-softmax) and integer class labels.',
        'producer': producer(
            'torch MLP 64-32-10 (ReLU) on pixels / 16; Adam lr 0.01, weight decay 1e-4, 300 full-batch epochs, '
            'cross-entropy loss, float32; logits rounded to 5 significant digits',
            'train_test_split(test_size=0.25, stratify=y, random_state=0): 1347 train, 450 test; only the test '
            'split is stored, `index` gives each row\'s position in load_digits order'),
        'summary': f'torch MLP 64-32-10 classifier, logits of the {len(test_idx)}-image test split '
                   f'(accuracy {100 * acc:.1f}%)',
        'metrics': {'accuracy_train': num(train_acc), 'accuracy_test': num(acc)},
        'shape': list(logits32.shape),
        'logits': logits,
        'labels': y_test.tolist(),
        'index': test_idx.tolist(),
        'torch_reference': digits_refs(logits32, y_test),
    })


def digits_refs(logits32, labels):
    """Each reference is differentiated with respect to the input fastloss is given: CrossEntropyLoss's pred is
    the logits; NLLLoss's pred is the log-probabilities (log_softmax of the logits, taken here in float32 as a
    model's LogSoftmax layer gives them), so its gradient is -1/N at each label, not a gradient of the logits."""
    lt = torch.tensor(labels, dtype=torch.long)
    return torch_refs(logits32, lt, [
        ('categorical_crossentropy', 'F.cross_entropy(logits, labels)', lambda p, t: F.cross_entropy(p, t)),
    ]) + torch_refs(F.log_softmax(torch.tensor(logits32), 1).numpy(), lt, [
        ('negative_log_likelihood', 'F.nll_loss(log_probs, labels), log_probs = F.log_softmax(logits, 1)',
         lambda p, t: F.nll_loss(p, t)),
    ])


def references_only():
    """`--references-only`: recomputes data/digits.json's torch_reference from the logits it stores, without
    training again (training is deterministic on one machine, not across CPUs: the logits differ in the last
    digits elsewhere, and the stored data must stay what the references describe)."""
    path = os.path.join(OUT, 'digits.json')
    with open(path) as f:
        data = json.load(f)
    data['torch_reference'] = digits_refs(np.asarray(data['logits'], dtype=np.float32), np.asarray(data['labels']))
    data['producer']['references'] = {'torch': torch.__version__, 'numpy': np.__version__}
    write('digits.json', data)


if __name__ == '__main__':
    if sys.version_info < (3, 8):
        sys.exit('python 3.8+ required')
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:] == ['--references-only']:
        references_only()
        sys.exit(0)
    diabetes()
    linnerud()
    digits()
