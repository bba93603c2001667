"""PyTorch peer of bench/gaussian.mjs: the protocol and timing rules of torch_peer.py (forward only).

Data arrives once per workload as a temporary raw float32 file holding the three arrays, wrapped
zero-copy (torch.from_numpy): pred, target and var, each with its own shape (torch_peer.py load_float32). Load
request: {"cmd": "load", "key", "path", "shapes"}.

torch.nn.functional.gaussian_nll_loss (eps 1e-6, full False, reduction 'mean'): torch's own function.
"""

from torch_peer import load_float32, serve, start

np, torch, F = start()


def make_call(tensors, req):
    x, t, v = tensors
    return (lambda: F.gaussian_nll_loss(x, t, v).item()), None


if __name__ == "__main__":
    serve(load_float32, make_call)
