"""PyTorch peer of `npm run bench`: one long-lived child process, spoken to in JSON lines on stdin/stdout.

It times its own calls with time.perf_counter, by the same rules as the Node side (bench/measure.mjs):
calibrate K calls per sample to at least the target time, then one sample of K calls per request, returned as
seconds per call; the Node side interleaves those samples with the other peers' and takes median and min.

torch runs with torch.set_num_threads(1). Data arrives once per size as a temporary file of raw float32
(pred then target) and is wrapped zero-copy: torch.from_numpy(np.fromfile(...)).

Requests (one JSON object per line) and replies:
  {"cmd": "load", "key": k, "path": p, "n": n}                  -> {"ok": true}
  {"cmd": "drop", "key": k}                                     -> {"ok": true}
  {"cmd": "check", "key", "loss", "grad", "grad_path"?}         -> {"ok": true, "value": v}  (gradient -> grad_path)
  {"cmd": "calibrate", "key", "loss", "grad", "target_s"}       -> {"ok": true, "k": K}
  {"cmd": "sample", "key", "loss", "grad", "k"}                 -> {"ok": true, "per_call_s": s}
  {"cmd": "quit"}
The first line written is {"ok": true, "torch": version, ...} or {"ok": false, "error": ...} if torch is missing.
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

# PyTorch's counterparts of the measured losses, reduction 'mean'.
LOSSES = {
    "mse": F.mse_loss,
    "mae": F.l1_loss,
    "huber": lambda p, t: F.huber_loss(p, t, delta=1.0),
}

data = {}  # key -> (pred, target), float32 tensors sharing memory with the numpy arrays
calls = {}  # (key, loss, grad) -> (call, leaf)


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def make_call(key, loss, grad):
    """A zero-argument function doing one call; returns (call, leaf whose .grad holds the gradient)."""
    p, t = data[key]
    f = LOSSES[loss]
    if not grad:
        return (lambda: f(p, t).item()), None
    leaf = p.detach().requires_grad_()  # shares p's memory; a leaf, so backward() fills leaf.grad

    def call():
        leaf.grad = None  # torch allocates a new gradient each call, as fastloss does
        value = f(leaf, t)
        value.backward()
        _ = leaf.grad  # read the gradient (already computed: CPU is synchronous)
        return value.item()

    return call, leaf


def get_call(req):
    k = (req["key"], req["loss"], bool(req["grad"]))
    if k not in calls:
        calls[k] = make_call(*k)
    return calls[k]


def sample(call, k):
    """Seconds per call over one sample of k calls."""
    t0 = time.perf_counter()
    for _ in range(k):
        call()
    return (time.perf_counter() - t0) / k


def calibrate(call, target_s):
    """Smallest K (scaled up from one call) whose sample takes at least target_s; same rule as measure.mjs."""
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
        n = req["n"]
        if arr.size != 2 * n:
            raise ValueError(f"expected {2 * n} floats in {req['path']}, got {arr.size}")
        data[req["key"]] = (torch.from_numpy(arr[:n]), torch.from_numpy(arr[n:]))
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
