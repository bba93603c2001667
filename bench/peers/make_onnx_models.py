"""The ONNX models of the ONNX Runtime peer (bench/peers/ort_crossentropy.mjs): PyTorch's F.cross_entropy exported
by torch.onnx (opset 13), which writes it as the one operator SoftmaxCrossEntropyLoss (reduction 'mean'), the op an
ONNX Runtime user runs for it. Two models, logits of rank 2 ([N, C]) and rank 4 ([N, C, H, W], segmentation), each
with every axis dynamic; labels int64. Run: /usr/bin/python3 bench/peers/make_onnx_models.py (writes next to itself).
"""

import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class CrossEntropy(torch.nn.Module):
    def forward(self, logits, labels):
        return F.cross_entropy(logits, labels)


for rank, shape in ((2, (4, 10)), (4, (2, 5, 3, 3))):
    logits = torch.randn(*shape)
    labels = torch.randint(0, shape[1], (shape[0], *shape[2:]))
    names = ["N", "C", "H", "W"][:rank]
    torch.onnx.export(
        CrossEntropy(),
        (logits, labels),
        os.path.join(HERE, f"softmax_cross_entropy_{rank}d.onnx"),
        opset_version=13,
        input_names=["logits", "labels"],
        output_names=["loss"],
        dynamic_axes={"logits": dict(enumerate(names)), "labels": dict(enumerate([n for n in names if n != "C"]))},
    )
    print(f"softmax_cross_entropy_{rank}d.onnx")
