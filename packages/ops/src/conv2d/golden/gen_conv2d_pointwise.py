#!/usr/bin/python3
"""Golden vectors for 1x1, stride-1, unpadded conv2d (the gradients that run as GEMMs) from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_conv2d_pointwise.py`, then
lay the JSON out with `pnpm biome format --write conv2d_pointwise.json`.
Writes conv2d_pointwise.json in the format of tools/test-utils/golden/conv2d.json: inputs are
multiples of 1/64 in [-2, 2] (exact in float32), expected values computed in float64.
The shapes reach every path of the WebAssembly 1x1 gradient kernels: input channels not a multiple
of 4 and positions not a multiple of 8 (clipped tiles), groups, several images (classes of images
in the weight gradient), images of 512+ positions (position ranges) and 1024+ positions (several
column chunks of the input gradient).
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
    data = [rng.randint(-128, 128) / 64 for _ in range(n)]
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


# (batch, in channels, out channels, H, W, groups, bias)
CASES = [
    (1, 5, 3, 7, 9, 1, True),
    (2, 6, 9, 4, 5, 3, False),
    (3, 13, 7, 3, 11, 1, True),
    (2, 8, 12, 9, 10, 2, True),
    (1, 40, 36, 7, 7, 1, False),
    (1, 3, 70, 1, 37, 1, True),
    (5, 4, 6, 2, 2, 1, False),
    (1, 4, 6, 23, 24, 1, True),
    (1, 2, 3, 33, 34, 1, False),
]


def main():
    cases = []
    for n, cin, cout, h, w, groups, has_bias in CASES:
        x = values([n, cin, h, w]).requires_grad_()
        wt = values([cout, cin // groups, 1, 1]).requires_grad_()
        b = values([cout]).requires_grad_() if has_bias else None
        out = F.conv2d(x, wt, b, groups=groups)
        up = values(list(out.shape))
        out.backward(up)
        cases.append(
            {
                "op": "conv2d",
                "input": enc(x.detach()),
                "weight": enc(wt.detach()),
                "bias": enc(b.detach()) if has_bias else None,
                "stride": 1,
                "padding": 0,
                "dilation": 1,
                "groups": groups,
                "out": enc(out.detach()),
                "upstream": enc(up),
                "grad_input": enc(x.grad),
                "grad_weight": enc(wt.grad),
                "grad_bias": enc(b.grad) if has_bias else None,
            }
        )
    meta = {
        "generator": f"PyTorch {torch.__version__} (torch.nn.functional), float64 reference, gen_conv2d_pointwise.py",
        "inputs": "multiples of 1/64 in [-2, 2], exact in float32",
        "seed": SEED,
    }
    with open("conv2d_pointwise.json", "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
