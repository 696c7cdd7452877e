#!/usr/bin/python3
"""Golden vectors for adaptive_max_pool2d and max_unpool2d from PyTorch.

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_unpool_adaptive_max.py`,
then `pnpm biome check --write unpool_adaptive_max.json` (the repository's formatter lays it out).
Writes unpool_adaptive_max.json:
- adaptive: float64 inputs of few distinct values (multiples of 1/4 in [-2, 2], so ties are
  decided by PyTorch's first-maximum rule), some with NaN and -inf entries, output sizes that
  divide the input and that do not (overlapping windows), larger than the input, and `None`
  (kept); the values, int64 indices and the input gradient for an upstream gradient.
- unpool: max_pool2d(return_indices=True) of random inputs with several kernels, strides, paddings
  and output sizes, then max_unpool2d of random values at those indices (duplicated indices where
  windows overlap), with the input gradient for an upstream gradient.
"""
import json
import math
import random

import torch
import torch.nn.functional as F

SEED = 20261208
rng = random.Random(SEED)


def values(shape, specials=False):
    n = 1
    for s in shape:
        n *= s
    data = []
    for _ in range(n):
        v = rng.randint(-8, 8) / 4
        if specials:
            r = rng.random()
            if r < 0.04:
                v = math.nan
            elif r < 0.08:
                v = -math.inf
        data.append(v)
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def num(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return float(v)


def enc(t):
    return {"shape": list(t.shape), "data": [num(v) for v in t.flatten().tolist()]}


def enc_int(t):
    return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}


# (shape, output_size, specials)
ADAPTIVE = [
    ([1, 1, 4, 4], [2, 2], False),
    ([2, 3, 7, 9], [3, 4], False),
    ([1, 2, 5, 5], [3, 3], True),
    ([1, 2, 6, 10], [None, 3], False),
    ([3, 6, 5], [2, 5], False),
    ([1, 1, 3, 3], [5, 4], False),
    ([2, 2, 8, 8], [1, 1], True),
    ([1, 3, 13, 11], [7, 7], True),
    ([1, 1, 10, 7], [4, None], True),
    ([2, 5, 9], [1, 3], False),
]

# (shape, kernel, stride, padding, output_size or None)
UNPOOL = [
    ([1, 1, 4, 4], 2, None, 0, None),
    ([2, 3, 8, 6], 2, 2, 0, None),
    ([1, 2, 7, 9], 3, 2, 1, None),
    ([1, 2, 7, 9], 3, 2, 1, [7, 9]),
    ([1, 1, 9, 9], 3, 1, 1, None),
    ([3, 5, 5], [2, 3], [2, 1], [1, 0], [5, 5]),
    ([1, 2, 11, 10], 2, 2, 0, [11, 10]),
    ([2, 2, 6, 6], [3, 2], [3, 2], 0, [1, 1, 7, 7]),
]


def main():
    adaptive = []
    for shape, output_size, specials in ADAPTIVE:
        x = values(shape, specials).requires_grad_()
        y, idx = F.adaptive_max_pool2d(x, output_size, return_indices=True)
        up = values(list(y.shape))
        y.backward(up)
        adaptive.append(
            {
                "input": enc(x.detach()),
                "output_size": output_size,
                "values": enc(y.detach()),
                "indices": enc_int(idx),
                "upstream": enc(up),
                "grad_input": enc(x.grad),
            }
        )
    unpool = []
    for shape, kernel, stride, padding, output_size in UNPOOL:
        _, idx = F.max_pool2d(values(shape), kernel, stride, padding, return_indices=True)
        v = values(list(idx.shape)).requires_grad_()
        y = F.max_unpool2d(v, idx, kernel, stride, padding, output_size)
        up = values(list(y.shape))
        y.backward(up)
        unpool.append(
            {
                "input": enc(v.detach()),
                "indices": enc_int(idx),
                "kernel_size": kernel,
                "stride": stride,
                "padding": padding,
                "output_size": output_size,
                "output": enc(y.detach()),
                "upstream": enc(up),
                "grad_input": enc(v.grad),
            }
        )
    meta = {"generator": "gen_unpool_adaptive_max.py", "torch": torch.__version__, "seed": SEED}
    with open("unpool_adaptive_max.json", "w") as f:
        json.dump({"meta": meta, "adaptive": adaptive, "unpool": unpool}, f)


if __name__ == "__main__":
    main()
