#!/usr/bin/python3
"""Golden weight gradients for the 3x3, stride-1 conv2d geometries @torchlet/kernels runs as the
Winograd F(2x2, 3x3) weight gradient (at least 16 input and 16 output channels), from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_conv2d_winograd_weight.py`
(it writes the JSON in Biome's layout itself, with gen_conv2d_winograd.py's formatter).
Inputs are multiples of 1/64 in [-2, 2] (exact in float32), expected values computed in float64.
Cases: a batch of several images, odd and even sizes (a last tile of one row or column), padding
0, 1 and 2, channel counts not a multiple of 4, and 32 input channels.
Each case keeps only what the weight gradient needs: input, weight_shape, upstream, grad_weight.
"""
import random

import torch
import torch.nn.functional as F

from gen_conv2d_winograd import fmt

SEED = 20261209
rng = random.Random(SEED)


def values(shape):
    n = 1
    for s in shape:
        n *= s
    data = [rng.randint(-128, 128) / 64 for _ in range(n)]
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


# (batch, in channels, out channels, H, W, padding)
CASES = [
    (2, 16, 17, 9, 10, 1),
    (1, 17, 16, 8, 8, 0),
    (3, 16, 20, 7, 7, 2),
    (2, 32, 16, 6, 5, 1),
]


def main():
    cases = []
    for n, cin, cout, h, w, pad in CASES:
        x = values([n, cin, h, w])
        wt = values([cout, cin, 3, 3]).requires_grad_()
        out = F.conv2d(x, wt, padding=pad)
        up = values(list(out.shape))
        out.backward(up)
        cases.append(
            {
                "input": enc(x),
                "weight_shape": [cout, cin, 3, 3],
                "stride": 1,
                "padding": pad,
                "upstream": enc(up),
                "grad_weight": enc(wt.grad),
            }
        )
    meta = {
        "generator": f"PyTorch {torch.__version__} (torch.nn.functional), float64 reference, gen_conv2d_winograd_weight.py",
        "inputs": "multiples of 1/64 in [-2, 2], exact in float32",
        "seed": SEED,
    }
    with open("conv2d_winograd_weight.json", "w") as f:
        f.write("\n".join(fmt({"meta": meta, "cases": cases}, 0)) + "\n")


if __name__ == "__main__":
    main()
