"""PyTorch peer of bench/margin.mjs: one long-lived child process, JSON lines on stdin/stdout, the protocol and
timing rules of bench/peers/torch_server.py (calibrate K calls per sample to at least the target time with
time.perf_counter, one sample per request, seconds per call), with torch.set_num_threads(1).

Data arrives once per workload as a temporary raw float32 file holding `count` arrays of n floats each, wrapped
zero-copy (torch.from_numpy) and viewed with the workload's shape.

The losses, composed as a PyTorch user would (torch 1.13 has no binary hinge and no BPR op):
  hinge             torch.clamp(1 - target * pred, min=0).mean()          (Keras Hinge on ±1 labels, 1-D)
  cosine_similarity -F.cosine_similarity(x, y).mean()                     (Keras CosineSimilarity, axis -1)
  cosine_embedding  F.cosine_embedding_loss(x1, x2, target)               (CosineEmbeddingLoss, mean)
  bpr               -F.logsigmoid(pos - neg).mean()

Requests: {"cmd": "load", "key", "path", "n", "count", "shape"}, {"cmd": "drop", "key"},
{"cmd": "check" | "calibrate" | "sample", "key", "loss", "target_s"? , "k"?}, {"cmd": "quit"}.
"""

import json
import math
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except Exception as err:  # noqa: BLE001 - any import failure means: no torch peer
    reply({"ok": False, "error": f"cannot import torch: {err}"})
    sys.exit(0)

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

LOSSES = {
    "hinge": lambda p, t: torch.clamp(1 - t * p, min=0).mean(),
    "cosine_similarity": lambda x, y: -F.cosine_similarity(x, y).mean(),
    "cosine_embedding": lambda x1, x2, y: F.cosine_embedding_loss(x1, x2, y),
    "bpr": lambda pos, neg: -F.logsigmoid(pos - neg).mean(),
}

data = {}


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def make_call(req):
    args = data[req["key"]]
    f = LOSSES[req["loss"]]
    if req["loss"] == "cosine_embedding":
        x1, x2 = args
        y = torch.ones(x1.shape[0])
        return lambda: f(x1, x2, y).item()
    return lambda: f(*args).item()


def sample(call, k):
    t0 = time.perf_counter()
    for _ in range(k):
        call()
    return (time.perf_counter() - t0) / k


def calibrate(call, target_s):
    k = 1
    for _ in range(8):
        total = sample(call, k) * k
        if total >= target_s:
            return k
        k = min(k * 1000, math.ceil(k * target_s * 1.2 / max(total, 1e-9)))
    return k


def handle(req):
    cmd = req["cmd"]
    if cmd == "load":
        arr = np.fromfile(req["path"], dtype=np.float32)
        n, count, shape = req["n"], req["count"], req["shape"]
        if arr.size != n * count:
            raise ValueError(f"expected {n * count} floats, got {arr.size}")
        data[req["key"]] = [torch.from_numpy(arr[i * n:(i + 1) * n]).view(*shape) for i in range(count)]
        return {}
    if cmd == "drop":
        data.pop(req["key"], None)
        return {}
    if cmd == "check":
        return {"value": make_call(req)()}
    if cmd == "calibrate":
        return {"k": calibrate(make_call(req), req["target_s"])}
    if cmd == "sample":
        return {"per_call_s": sample(make_call(req), req["k"])}
    raise ValueError(f"unknown command {cmd!r}")


def main():
    reply({"ok": True, "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(), "capability": cpu_capability()})
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        try:
            reply({"ok": True, **handle(req)})
        except Exception as err:  # noqa: BLE001
            reply({"ok": False, "error": f"{type(err).__name__}: {err}"})


if __name__ == "__main__":
    main()
