"""The shared half of the PyTorch peers of `npm run bench` (torch_server.py, torch_crossentropy.py, torch_ctc.py,
torch_margin.py, torch_focal.py, torch_overlap.py, torch_gaussian.py): each is one long-lived child process spoken to in JSON lines on stdin/stdout, timing its own
calls with time.perf_counter by the rules of bench/measure.mjs: calibrate K calls per sample to at least the
target time, then one sample of K calls per request, returned as seconds per call; the Node side interleaves
those samples with the other peers' and takes median and min. torch runs with torch.set_num_threads(1), or
at its default threads with FASTLOSS_TORCH_THREADS=default.

A peer script gives `serve` two functions: load(req) -> the workload's tensors (wrapped zero-copy with
torch.from_numpy where the dtype allows), and make_call(tensors, req) -> (call, leaf): a zero-argument function
doing one call and returning the loss as a float, and the leaf whose .grad holds the gradient (or None).

Requests (one JSON object per line) and replies:
  {"cmd": "load", "key": k, ...what the peer's load reads}      -> {"ok": true}
  {"cmd": "drop", "key": k}                                     -> {"ok": true}
  {"cmd": "check", "key", "loss"?, "grad"?, "grad_path"?}       -> {"ok": true, "value": v}  (gradient -> grad_path)
  {"cmd": "calibrate", "key", "loss"?, "grad"?, "target_s"}     -> {"ok": true, "k": K}
  {"cmd": "sample", "key", "loss"?, "grad"?, "k"}               -> {"ok": true, "per_call_s": s}
  {"cmd": "quit"}
The first line written is {"ok": true, "torch", "numpy", "threads", "capability"}, or {"ok": false, "error"} if
torch cannot be imported (the bench then reports PyTorch as not measured).
"""

import json
import math
import os
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def start():
    """numpy, torch and torch.nn.functional, torch on one thread; or the failure reported and the process ended."""
    try:
        import numpy as np
        import torch
        import torch.nn.functional as F
    except Exception as err:  # noqa: BLE001 - any import failure means: no torch peer
        reply({"ok": False, "error": f"cannot import torch: {err}"})
        sys.exit(0)
    # FASTLOSS_TORCH_THREADS=default: torch's own choice (every core), the peer a user gets without asking
    if os.environ.get("FASTLOSS_TORCH_THREADS", "1") != "default":
        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
    return np, torch, F


def load_float32(req):
    """The arrays of a load request (the workload's float32 data, written once to a temporary raw file): {"path",
    "n", "count", "shape"} holds `count` arrays of n floats, each viewed as `shape`; "shapes" (one per array)
    instead gives each its own shape and size. Wrapped zero-copy with torch.from_numpy."""
    import numpy as np
    import torch

    arr = np.fromfile(req["path"], dtype=np.float32)
    shapes = req.get("shapes") or [req["shape"]] * req["count"]
    sizes = [int(np.prod(s)) for s in shapes]
    if arr.size != sum(sizes):
        raise ValueError(f"expected {sum(sizes)} floats, got {arr.size}")
    out, at = [], 0
    for shape, size in zip(shapes, sizes):
        out.append(torch.from_numpy(arr[at:at + size]).view(*shape))
        at += size
    return out


def backward_call(f, leaf, *rest):
    """One forward+backward call on `leaf` (a leaf sharing the input's memory): torch allocates a new gradient
    each call, as fastloss does, and the gradient is read (already computed: CPU is synchronous)."""

    def call():
        leaf.grad = None
        value = f(leaf, *rest)
        value.backward()
        _ = leaf.grad
        return value.item()

    return call


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


def cpu_capability(torch):
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def serve(load, make_call):
    """The request loop of a peer (see the module's docstring)."""
    import numpy as np
    import torch

    data = {}  # key -> the workload's tensors
    calls = {}  # (key, loss, grad) -> (call, leaf)

    def get_call(req):
        k = (req["key"], req.get("loss"), bool(req.get("grad")))
        if k not in calls:
            calls[k] = make_call(data[req["key"]], req)
        return calls[k]

    def handle(req):
        cmd = req["cmd"]
        if cmd == "load":
            data[req["key"]] = load(req)
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

    reply({
        "ok": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "capability": cpu_capability(torch),
    })
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        try:
            reply({"ok": True, **handle(req)})
        except Exception as err:  # noqa: BLE001 - report it to the Node side, keep serving
            reply({"ok": False, "error": f"{type(err).__name__}: {err}"})
