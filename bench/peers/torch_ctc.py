"""PyTorch peer of bench/ctc.mjs: a long-lived child process spoken to in JSON lines (as torch_server.py),
timing F.ctc_loss itself with time.perf_counter by the rules of bench/measure.mjs, torch.set_num_threads(1).

Data arrive once per workload as a raw file: log_probs float32 [T, N, C], then targets int32 [N, S], then
input_lengths and target_lengths int32 [N]; they are wrapped with torch.from_numpy (targets and lengths as
int64, what F.ctc_loss's CPU kernel takes). The loss is reduction 'mean', blank 0; with "grad" the call also
runs backward() on a log_probs leaf and reads its .grad (torch's logits-form gradient: the same work).

Requests: {"cmd": "load", "key", "path", "T", "N", "C", "S"}, {"cmd": "drop", "key"},
{"cmd": "check", "key", "grad", "grad_path"?} -> {"value"}, {"cmd": "calibrate", "key", "grad", "target_s"} -> {"k"},
{"cmd": "sample", "key", "grad", "k"} -> {"per_call_s"}, {"cmd": "quit"}.
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

data = {}
calls = {}


def make_call(key, grad):
    lp, targets, il, tl = data[key]
    if not grad:
        return (lambda: F.ctc_loss(lp, targets, il, tl, blank=0, reduction="mean").item()), None
    leaf = lp.detach().requires_grad_()

    def call():
        leaf.grad = None
        value = F.ctc_loss(leaf, targets, il, tl, blank=0, reduction="mean")
        value.backward()
        _ = leaf.grad
        return value.item()

    return call, leaf


def get_call(req):
    k = (req["key"], bool(req["grad"]))
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
        T, N, C, S = req["T"], req["N"], req["C"], req["S"]
        raw = np.fromfile(req["path"], dtype=np.uint8)
        off = 0
        lp = raw[off:off + 4 * T * N * C].view(np.float32).reshape(T, N, C)
        off += 4 * T * N * C
        tg = raw[off:off + 4 * N * S].view(np.int32).reshape(N, S)
        off += 4 * N * S
        il = raw[off:off + 4 * N].view(np.int32)
        off += 4 * N
        tl = raw[off:off + 4 * N].view(np.int32)
        data[req["key"]] = (torch.from_numpy(lp.copy()), torch.from_numpy(tg.astype(np.int64)),
                            torch.from_numpy(il.astype(np.int64)), torch.from_numpy(tl.astype(np.int64)))
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
    reply({"ok": True, "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads()})
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
