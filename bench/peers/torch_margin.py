"""PyTorch peer of bench/margin.mjs: the protocol and timing rules of torch_peer.py (forward only).

Data arrives once per workload as a temporary raw float32 file holding `count` arrays of n floats each, wrapped
zero-copy (torch.from_numpy) and viewed with the workload's shape. Load request: {"cmd": "load", "key", "path",
"n", "count", "shape"}.

The losses, composed as a PyTorch user would (torch 1.13 has no binary hinge and no BPR op):
  hinge             torch.clamp(1 - target * pred, min=0).mean()          (Keras Hinge on ±1 labels, 1-D)
  cosine_similarity -F.cosine_similarity(x, y).mean()                     (Keras CosineSimilarity, axis -1)
  cosine_embedding  F.cosine_embedding_loss(x1, x2, target)               (CosineEmbeddingLoss, mean; targets 1)
  bpr               -F.logsigmoid(pos - neg).mean()
"""

from torch_peer import load_float32, serve, start

np, torch, F = start()

LOSSES = {
    "hinge": lambda p, t: torch.clamp(1 - t * p, min=0).mean(),
    "cosine_similarity": lambda x, y: -F.cosine_similarity(x, y).mean(),
    "cosine_embedding": lambda x1, x2, y: F.cosine_embedding_loss(x1, x2, y),
    "bpr": lambda pos, neg: -F.logsigmoid(pos - neg).mean(),
}


def make_call(tensors, req):
    f = LOSSES[req["loss"]]
    if req["loss"] == "cosine_embedding":
        x1, x2 = tensors
        y = torch.ones(x1.shape[0])
        return (lambda: f(x1, x2, y).item()), None
    return (lambda: f(*tensors).item()), None


if __name__ == "__main__":
    serve(load_float32, make_call)
