"""PyTorch peer of bench/gaussian.mjs: the protocol and timing rules of torch_peer.py (forward only).

Data arrives once per workload as a temporary raw float32 file holding `count` arrays of n floats each, wrapped
zero-copy (torch.from_numpy): pred, target and var (var of pred's shape, or `var_n` floats: one per row). Load
request: {"cmd": "load", "key", "path", "n", "count", "shape", "var_shape"}.

torch.nn.functional.gaussian_nll_loss (eps 1e-6, full False, reduction 'mean'): torch's own function.
"""

from torch_peer import serve, start

np, torch, F = start()


def load(req):
    arr = np.fromfile(req["path"], dtype=np.float32)
    n, shape, var_shape = req["n"], req["shape"], req["var_shape"]
    var_n = int(np.prod(var_shape))
    if arr.size != 2 * n + var_n:
        raise ValueError(f"expected {2 * n + var_n} floats, got {arr.size}")
    pred = torch.from_numpy(arr[:n]).view(*shape)
    target = torch.from_numpy(arr[n:2 * n]).view(*shape)
    var = torch.from_numpy(arr[2 * n:]).view(*var_shape)
    return [pred, target, var]


def make_call(tensors, req):
    x, t, v = tensors
    return (lambda: F.gaussian_nll_loss(x, t, v).item()), None


if __name__ == "__main__":
    serve(load, make_call)
