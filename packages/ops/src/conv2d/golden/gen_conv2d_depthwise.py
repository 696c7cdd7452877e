"""Golden vectors for depthwise conv2d (groups = in channels = out channels) from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_conv2d_depthwise.py`.
Writes conv2d_depthwise.json in the format of tools/test-utils/golden/conv2d.json: inputs are
multiples of 1/64 in [-2, 2] (exact in float32), expected values computed in float64.
The shapes are chosen to reach every path of the WebAssembly depthwise kernel: rows shorter than
4 and of every length mod 8, 3x3 stride 1 (two output rows at a time) and stride 2 (even-lane
shuffles), stride 3 (gathers), dilation, asymmetric and 'same' padding, non-square kernels.
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


# (batch, channels, H, W, kh, kw, stride, padding, dilation, bias)
CASES = [
    (1, 3, 7, 9, 3, 3, 1, 1, 1, True),
    (2, 4, 8, 13, 3, 3, 1, 1, 1, False),
    (1, 2, 12, 11, 3, 3, 2, 1, 1, True),
    (2, 3, 9, 17, 3, 3, 2, [0, 1], 1, True),
    (1, 5, 6, 3, 3, 3, 1, 1, 1, True),
    (1, 2, 10, 10, 3, 3, 1, 2, 2, False),
    (1, 3, 13, 14, 3, 3, 1, 4, 4, True),
    (1, 2, 11, 19, 5, 5, 1, 2, 1, True),
    (1, 2, 15, 16, 5, 5, 2, 2, 1, False),
    (1, 3, 14, 12, 7, 7, [2, 1], 3, 1, True),
    (2, 2, 9, 8, 2, 4, 1, "same", [1, 2], True),
    (1, 4, 10, 21, 1, 3, [1, 3], [0, 1], 1, True),
    (1, 2, 8, 8, 3, 1, 3, 0, [2, 1], False),
    (1, 6, 5, 5, 1, 1, 1, 0, 1, True),
    (1, 3, 4, 2, 3, 3, 1, 1, 1, True),
    (1, 2, 7, 7, 3, 3, 2, 0, 1, True),
]


def main():
    cases = []
    for n, c, h, w, kh, kw, stride, padding, dilation, has_bias in CASES:
        x = values([n, c, h, w]).requires_grad_()
        wt = values([c, 1, kh, kw]).requires_grad_()
        b = values([c]).requires_grad_() if has_bias else None
        pad = padding if isinstance(padding, str) else (tuple(padding) if isinstance(padding, list) else padding)
        st = tuple(stride) if isinstance(stride, list) else stride
        dl = tuple(dilation) if isinstance(dilation, list) else dilation
        out = F.conv2d(x, wt, b, stride=st, padding=pad, dilation=dl, groups=c)
        up = values(list(out.shape))
        out.backward(up)
        cases.append(
            {
                "op": "conv2d",
                "input": enc(x.detach()),
                "weight": enc(wt.detach()),
                "bias": enc(b.detach()) if has_bias else None,
                "stride": stride,
                "padding": padding,
                "dilation": dilation,
                "groups": c,
                "out": enc(out.detach()),
                "upstream": enc(up),
                "grad_input": enc(x.grad),
                "grad_weight": enc(wt.grad),
                "grad_bias": enc(b.grad) if has_bias else None,
            }
        )
    meta = {
        "generator": f"PyTorch {torch.__version__} (torch.nn.functional), float64 reference, gen_conv2d_depthwise.py",
        "inputs": "multiples of 1/64 in [-2, 2], exact in float32",
        "seed": SEED,
    }
    with open("conv2d_depthwise.json", "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
