"""PyTorch peer of bench/overlap.mjs: the protocol and timing rules of torch_peer.py (forward only).

Data arrives once per workload as a temporary raw float32 file holding `count` arrays of n floats each, wrapped
zero-copy (torch.from_numpy). Load request: {"cmd": "load", "key", "path", "n", "count", "shape"}.

PyTorch has no Dice or Tversky loss: each is composed as a user writes Keras's formula (keras/src/losses/losses.py
`dice`, `tversky`) in torch, Dice over every axis, Tversky per sample (dims 1, 2, 3) with alpha 0.3, beta 0.7.
"""

from torch_peer import load_float32, serve, start

np, torch, F = start()


def dice(y_pred, y_true):
    intersection = (y_true * y_pred).sum()
    return 1 - 2.0 * intersection / (y_true.sum() + y_pred.sum() + 1e-7)


def tversky(y_pred, y_true, alpha=0.3, beta=0.7):
    dims = tuple(range(1, y_pred.dim()))
    tp = (y_true * y_pred).sum(dims)
    fn = (y_true * (1 - y_pred)).sum(dims)
    fp = ((1 - y_true) * y_pred).sum(dims)
    return (1 - tp / (tp + alpha * fn + beta * fp + 1e-7)).mean()


def make_call(tensors, req):
    x, t = tensors
    f = dice if req["loss"] == "dice" else tversky
    return (lambda: f(x, t).item()), None


if __name__ == "__main__":
    serve(load_float32, make_call)
