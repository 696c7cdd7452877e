#!/usr/bin/python3
"""Golden vectors for @torchlet/ops' batchNormInference, from PyTorch's
F.batch_norm(training=False) (run with Debian's python3-torch:
`/usr/bin/python3 packages/ops/test/batch-norm-golden.py`).

Writes golden/batch_norm_inference.json: {"meta", "cases": [{input, running_mean, running_var,
weight, bias, eps, relu, out_float32, out_float64}]}. Inputs are random float32 values (stored
exactly as doubles); every case runs in float32 and in float64, with and without weight and bias,
and with ReLU after it (F.relu(F.batch_norm(...))).
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def flat(t):
    return {"shape": list(t.shape), "data": t.detach().double().flatten().tolist()}


CASES = [
    # (input shape, eps, affine, relu, seed)
    ([2, 3, 4, 5], 1e-5, True, False, 1),
    ([1, 64, 7, 9], 1e-5, True, True, 2),
    ([4, 5, 11], 1e-3, False, False, 3),
    ([3, 6], 1e-5, True, False, 4),
    ([2, 4, 3, 3, 2], 0.1, True, True, 5),
    ([2, 16, 9, 13], 1e-5, True, False, 6),
    ([1, 24, 15, 13], 1e-5, False, True, 7),
    ([2, 7, 1, 1], 0.0, True, False, 8),
]


def main():
    cases = []
    for shape, eps, affine, relu, seed in CASES:
        g = torch.Generator().manual_seed(seed)
        c = shape[1]
        x = torch.randn(shape, generator=g) * 3 + 0.5
        mean = torch.randn(c, generator=g)
        var = torch.rand(c, generator=g) * 2 + 0.05
        weight = torch.randn(c, generator=g) if affine else None
        bias = torch.randn(c, generator=g) if affine else None
        case = {
            "input": flat(x),
            "running_mean": flat(mean),
            "running_var": flat(var),
            "weight": flat(weight) if affine else None,
            "bias": flat(bias) if affine else None,
            "eps": eps,
            "relu": relu,
        }
        for dtype, key in ((torch.float32, "out_float32"), (torch.float64, "out_float64")):
            cast = lambda t: None if t is None else t.to(dtype)  # noqa: E731
            y = F.batch_norm(cast(x), cast(mean), cast(var), cast(weight), cast(bias), training=False, eps=eps)
            if relu:
                y = F.relu(y)
            case[key] = flat(y)
        cases.append(case)
    meta = {
        "generator": "packages/ops/test/batch-norm-golden.py",
        "torch": torch.__version__,
        "note": "F.batch_norm(training=False), then F.relu when relu is true",
    }
    with open(os.path.join(HERE, "golden", "batch_norm_inference.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
