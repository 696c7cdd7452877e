#!/usr/bin/python3
"""Golden weight gradients for conv2d on small output images, the geometries @torchlet/kernels'
batched weight-gradient GEMM takes (groups 1, at most 256 output positions per image, at least 32
output channels and 2^20 multiply-adds), from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_conv2d_weight_gemm.py`, then
lay the JSON out with `pnpm biome format --write conv2d_weight_gemm.json`.
Inputs are multiples of 1/64 in [-2, 2] (exact in float32), expected values computed in float64.
Each case keeps only what the weight gradient needs: input, weight (its shape), upstream, grad_weight.
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


# (batch, in channels, out channels, H, W, kernel, stride, padding)
CASES = [
    # 12 input channels: 3x3 stride-1 convs with 16+ channels each way run the Winograd weight gradient.
    (4, 12, 32, 10, 10, 3, 1, 1),
    (3, 16, 64, 13, 13, 3, 2, 1),
]


def main():
    cases = []
    for n, cin, cout, h, w, k, stride, padding in CASES:
        x = values([n, cin, h, w])
        wt = values([cout, cin, k, k]).requires_grad_()
        out = F.conv2d(x, wt, stride=stride, padding=padding)
        up = values(list(out.shape))
        out.backward(up)
        cases.append(
            {
                "input": enc(x),
                "weight_shape": list(wt.shape),
                "stride": stride,
                "padding": padding,
                "upstream": enc(up),
                "grad_weight": enc(wt.grad),
            }
        )
    meta = {
        "generator": f"PyTorch {torch.__version__} (torch.nn.functional), float64 reference, gen_conv2d_weight_gemm.py",
        "inputs": "multiples of 1/64 in [-2, 2], exact in float32",
        "seed": SEED,
    }
    with open("conv2d_weight_gemm.json", "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
