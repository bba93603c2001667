"""PyTorch peer of `npm run bench` (the regression losses): the protocol and timing rules of torch_peer.py.

Data arrives once per size as a temporary file of raw float32 (pred then target) and is wrapped zero-copy:
torch.from_numpy(np.fromfile(...)). Load request: {"cmd": "load", "key", "path", "n"}. Losses, reduction 'mean':
  mse    F.mse_loss      mae    F.l1_loss      huber    F.huber_loss(delta=1)
Forward+gradient ("grad": true) runs backward on a leaf that shares pred's memory.
"""

from torch_peer import backward_call, serve, start

np, torch, F = start()

# PyTorch's counterparts of the measured losses, reduction 'mean'.
LOSSES = {
    "mse": F.mse_loss,
    "mae": F.l1_loss,
    "huber": lambda p, t: F.huber_loss(p, t, delta=1.0),
}


def load(req):
    arr = np.fromfile(req["path"], dtype=np.float32)
    n = req["n"]
    if arr.size != 2 * n:
        raise ValueError(f"expected {2 * n} floats in {req['path']}, got {arr.size}")
    return torch.from_numpy(arr[:n]), torch.from_numpy(arr[n:])


def make_call(tensors, req):
    p, t = tensors
    f = LOSSES[req["loss"]]
    if not req.get("grad"):
        return (lambda: f(p, t).item()), None
    leaf = p.detach().requires_grad_()  # shares p's memory; a leaf, so backward() fills leaf.grad
    return backward_call(f, leaf, t), leaf


if __name__ == "__main__":
    serve(load, make_call)
