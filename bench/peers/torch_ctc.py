"""PyTorch peer of bench/ctc.mjs: the protocol and timing rules of torch_peer.py, timing F.ctc_loss.

Data arrive once per workload as a raw file: log_probs float32 [T, N, C], then targets int32 [N, S], then
input_lengths and target_lengths int32 [N]; they are wrapped with torch.from_numpy (targets and lengths as
int64, what F.ctc_loss's CPU kernel takes). Load request: {"cmd": "load", "key", "path", "T", "N", "C", "S"}.
The loss is reduction 'mean', blank 0; with "grad" the call also runs backward() on a log_probs leaf and reads
its .grad (torch's logits-form gradient: the same work).
"""

from torch_peer import backward_call, serve, start

np, torch, F = start()


def load(req):
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
    return (torch.from_numpy(lp.copy()), torch.from_numpy(tg.astype(np.int64)),
            torch.from_numpy(il.astype(np.int64)), torch.from_numpy(tl.astype(np.int64)))


def ctc(lp, targets, il, tl):
    return F.ctc_loss(lp, targets, il, tl, blank=0, reduction="mean")


def make_call(tensors, req):
    lp, targets, il, tl = tensors
    if not req.get("grad"):
        return (lambda: ctc(lp, targets, il, tl).item()), None
    leaf = lp.detach().requires_grad_()
    return backward_call(ctc, leaf, targets, il, tl), leaf


if __name__ == "__main__":
    serve(load, make_call)
