"""PyTorch peer of bench/focal.mjs: the protocol and timing rules of torch_peer.py (forward only).

Data arrives once per workload as a temporary raw float32 file holding `count` arrays of n floats each, wrapped
zero-copy (torch.from_numpy). Load request: {"cmd": "load", "key", "path", "n", "count", "shape"}.

torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py, 0.14 to 0.28: the same code), composed here as
torchvision writes it (the Debian torch 1.13 has no torchvision package), alpha 0.25, gamma 2, reduction 'mean'.
"""

from torch_peer import load_float32, serve, start

np, torch, F = start()


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean()


def make_call(tensors, req):
    x, t = tensors
    return (lambda: sigmoid_focal_loss(x, t).item()), None


if __name__ == "__main__":
    serve(load_float32, make_call)
