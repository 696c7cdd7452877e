#!/usr/bin/python3
"""Golden vectors for max_pool2d with 3x3 windows and stride 2 (ResNet's stem pool) from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_max_pool3x3s2.py`, then
`pnpm biome check --write max_pool3x3s2.json` (the repository's formatter lays the JSON out).
Writes max_pool3x3s2.json: float32 inputs of few distinct values (multiples of 1/4 in [-2, 2],
with -0.0 beside +0.0, so ties and the sign of a zero maximum are decided by PyTorch's
first-maximum rule), the values and int64 indices of F.max_pool2d(..., return_indices=True), and
the input gradient for an upstream gradient. The shapes reach every path of the WebAssembly
3x3 / stride 2 kernel: rows narrower than a vector block, every row length mod 8, left padding 0
and 1, rows clipped at the bottom and right, ceil mode, several planes and batches.
"""
import json
import random

import torch
import torch.nn.functional as F

SEED = 20261207
rng = random.Random(SEED)


def values(shape):
    n = 1
    for s in shape:
        n *= s
    data = []
    for _ in range(n):
        v = rng.randint(-8, 8) / 4
        data.append(-0.0 if v == 0 and rng.random() < 0.5 else v)
    return torch.tensor(data, dtype=torch.float32).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


# (batch, channels, H, W, padding, ceil_mode)
CASES = [
    (1, 2, 112, 40, 1, False),
    (2, 3, 8, 8, 1, False),
    (1, 2, 7, 9, 1, True),
    (1, 1, 5, 5, 0, False),
    (1, 2, 17, 21, 0, True),
    (1, 3, 1, 1, 1, False),
    (1, 2, 2, 3, 1, True),
    (1, 1, 16, 64, 1, False),
    (1, 2, 9, 31, 1, True),
    (2, 2, 11, 17, 1, False),
    (1, 2, 10, 10, 0, False),
    (1, 1, 6, 12, 1, True),
    (1, 2, 13, 26, 1, False),
    (1, 1, 4, 7, 0, True),
]


def main():
    cases = []
    for n, c, h, w, padding, ceil_mode in CASES:
        x = values([n, c, h, w]).requires_grad_()
        out, idx = F.max_pool2d(x, 3, stride=2, padding=padding, ceil_mode=ceil_mode, return_indices=True)
        upstream = torch.tensor([rng.randint(-8, 8) / 8 for _ in range(out.numel())], dtype=torch.float32).reshape(
            out.shape
        )
        (grad,) = torch.autograd.grad(out, x, upstream)
        cases.append(
            {
                "input": enc(x.detach()),
                "padding": padding,
                "ceil_mode": ceil_mode,
                "out": enc(out.detach()),
                "indices": {"shape": list(idx.shape), "data": [int(v) for v in idx.flatten().tolist()]},
                "upstream": enc(upstream),
                "grad_input": enc(grad),
            }
        )
    meta = {"torch": torch.__version__, "seed": SEED, "generator": "gen_max_pool3x3s2.py"}
    with open("max_pool3x3s2.json", "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
