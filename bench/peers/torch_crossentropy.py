"""PyTorch peer of bench/crossentropy.mjs: one long-lived child process spoken to in JSON lines on stdin/stdout,
the pattern of bench/peers/torch_server.py (same timing rules: calibrate K calls per sample to at least the target
time, one sample of K calls per request, seconds per call; the Node side interleaves the samples with its peers').

torch runs with torch.set_num_threads(1). Data arrives once per workload as temporary raw files and is wrapped
zero-copy with torch.from_numpy: logits float32 of `shape`, then labels (int64 for cross-entropy, float32 targets
for BCE). Losses:
  ce     F.cross_entropy(logits, labels)                        (class axis 1: [N, C] or [N, C, H, W])
  bcel   F.binary_cross_entropy_with_logits(logits, targets)
Forward+gradient runs backward on a leaf that shares the logits' memory; torch allocates a new gradient per call.

Requests: {"cmd": "load", "key", "pred_path", "shape", "target_path", "target_dtype"}, {"cmd": "drop", "key"},
{"cmd": "check", "key", "loss", "grad", "grad_path"?}, {"cmd": "calibrate", ..., "target_s"},
{"cmd": "sample", ..., "k"}, {"cmd": "quit"}. The first line is {"ok": true, "torch", "numpy", "threads",
"capability"} or {"ok": false, "error"}.
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
    "ce": F.cross_entropy,
    "bcel": F.binary_cross_entropy_with_logits,
}

data = {}
calls = {}


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def make_call(key, loss, grad):
    p, t = data[key]
    f = LOSSES[loss]
    if not grad:
        return (lambda: f(p, t).item()), None
    leaf = p.detach().requires_grad_()

    def call():
        leaf.grad = None
        value = f(leaf, t)
        value.backward()
        _ = leaf.grad
        return value.item()

    return call, leaf


def get_call(req):
    k = (req["key"], req["loss"], bool(req["grad"]))
    if k not in calls:
        calls[k] = make_call(*k)
    return calls[k]


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
        shape = tuple(req["shape"])
        pred = np.fromfile(req["pred_path"], dtype=np.float32).reshape(shape)
        target = np.fromfile(req["target_path"], dtype=np.dtype(req["target_dtype"]))
        if req["target_dtype"] == "int32":
            target = target.astype(np.int64)  # torch's class indices are int64
        target = target.reshape(tuple(req["target_shape"]))
        data[req["key"]] = (torch.from_numpy(pred), torch.from_numpy(target))
        return {}
    if cmd == "drop":
        data.pop(req["key"], None)
        for k in [k for k in calls if k[0] == req["key"]]:
            del calls[k]
        return {}
    if cmd == "check":
        call, leaf = get_call(req)
        value = call()
        if leaf is not None and req.get("grad_path"):
            leaf.grad.numpy().tofile(req["grad_path"])
        return {"value": value}
    if cmd == "calibrate":
        return {"k": calibrate(get_call(req)[0], req["target_s"])}
    if cmd == "sample":
        return {"per_call_s": sample(get_call(req)[0], req["k"])}
    raise ValueError(f"unknown command {cmd!r}")


def main():
    reply({
        "ok": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "capability": cpu_capability(),
    })
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        try:
            reply({"ok": True, **handle(req)})
        except Exception as err:  # noqa: BLE001 - report it to the Node side, keep serving
            reply({"ok": False, "error": f"{type(err).__name__}: {err}"})


if __name__ == "__main__":
    main()
