"""PyTorch peer of bench/crossentropy.mjs: the protocol and timing rules of torch_peer.py.

Data arrives once per workload as temporary raw files and is wrapped zero-copy with torch.from_numpy: logits
float32 of `shape`, then labels (int64 for cross-entropy, float32 targets for BCE). Load request: {"cmd": "load",
"key", "pred_path", "shape", "target_path", "target_dtype", "target_shape"}. Losses:
  ce     F.cross_entropy(logits, labels)                        (class axis 1: [N, C] or [N, C, H, W])
  bcel   F.binary_cross_entropy_with_logits(logits, targets)
Forward+gradient runs backward on a leaf that shares the logits' memory; torch allocates a new gradient per call.
"""

from torch_peer import backward_call, serve, start

np, torch, F = start()

LOSSES = {
    "ce": F.cross_entropy,
    "bcel": F.binary_cross_entropy_with_logits,
}


def load(req):
    pred = np.fromfile(req["pred_path"], dtype=np.float32).reshape(tuple(req["shape"]))
    target = np.fromfile(req["target_path"], dtype=np.dtype(req["target_dtype"]))
    if req["target_dtype"] == "int32":
        target = target.astype(np.int64)  # torch's class indices are int64
    target = target.reshape(tuple(req["target_shape"]))
    return torch.from_numpy(pred), torch.from_numpy(target)


def make_call(tensors, req):
    p, t = tensors
    f = LOSSES[req["loss"]]
    if not req.get("grad"):
        return (lambda: f(p, t).item()), None
    leaf = p.detach().requires_grad_()
    return backward_call(f, leaf, t), leaf


if __name__ == "__main__":
    serve(load, make_call)
