#!/usr/bin/python3
"""Golden vectors for the 3x3, stride-1 conv2d geometries @torchlet/kernels runs as Winograd F(2x2, 3x3).

Run from this folder with Debian's python3-torch: `/usr/bin/python3 gen_conv2d_winograd.py` (it writes
the JSON in Biome's layout itself).
Writes conv2d_winograd.json in the format of tools/test-utils/golden/conv2d.json: inputs are
multiples of 1/64 in [-2, 2] (exact in float32), expected values computed in float64.
Every case has at least 16 input and 16 output channels and 48 output tiles of 2x2 per image
(what `preferWinograd` takes), so the forward pass and the stride-1 input gradient (a 3x3 conv of
the upstream gradient) both run the Winograd kernel: odd and even sizes (a last tile of one row or
column), padding 0, 1 and 2, output channels not a multiple of 4, and 32 input channels (the
error grows with them). The weight and bias gradients are left out (they do not run it).
"""
import json
import random

import torch
import torch.nn.functional as F

SEED = 20261208
rng = random.Random(SEED)


def values(shape):
    n = 1
    for s in shape:
        n *= s
    data = [rng.randint(-128, 128) / 64 for _ in range(n)]
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


# (batch, in channels, out channels, H, W, padding, bias)
CASES = [
    (1, 17, 16, 14, 14, 1, True),
    (1, 16, 16, 13, 14, 2, True),
    (1, 16, 21, 16, 16, 0, True),
    (1, 32, 16, 13, 13, 1, False),
]


# Biome's layout (lines up to 120 columns, arrays of numbers filled), written here because Biome is slow
# on a megabyte on one line.
WIDTH = 120
def fmt(v, ind, key_prefix=""):
    """Lines of value v at indent ind in Biome's JSON layout (the first line starts with key_prefix)."""
    pad = ' ' * ind
    if isinstance(v, dict):
        one = key_prefix + inline(v)
        if len(pad + one) <= WIDTH and all(not isinstance(x, (dict, list)) or (isinstance(x, list) and all(not isinstance(y,(dict,list)) for y in x)) for x in v.values()):
            return [pad + one]
        lines = [pad + key_prefix + '{']
        items = list(v.items())
        for i, (k, x) in enumerate(items):
            sub = fmt(x, ind + 2, json.dumps(k) + ': ')
            if i < len(items) - 1: sub[-1] += ','
            lines += sub
        lines.append(pad + '}')
        return lines
    if isinstance(v, list):
        one = key_prefix + inline(v)
        if len(pad + one) <= WIDTH:
            return [pad + one]
        lines = [pad + key_prefix + '[']
        if all(not isinstance(x, (dict, list)) for x in v):
            cur = ' ' * (ind + 2)
            toks = [json.dumps(x) for x in v]
            for i, t in enumerate(toks):
                t2 = t + (',' if i < len(toks) - 1 else '')
                if cur.strip() == '':
                    cur = ' ' * (ind + 2) + t2
                elif len(cur) + 1 + len(t2) <= WIDTH:
                    cur += ' ' + t2
                else:
                    lines.append(cur); cur = ' ' * (ind + 2) + t2
            lines.append(cur)
        else:
            for i, x in enumerate(v):
                sub = fmt(x, ind + 2)
                if i < len(v) - 1: sub[-1] += ','
                lines += sub
        lines.append(pad + ']')
        return lines
    return [pad + key_prefix + json.dumps(v)]
def inline(v):
    """Value v on one line, as Biome writes short objects and arrays."""
    if isinstance(v, dict):
        if not v: return '{}'
        return '{ ' + ', '.join(json.dumps(k) + ': ' + inline(x) for k, x in v.items()) + ' }'
    if isinstance(v, list):
        return '[' + ', '.join(inline(x) for x in v) + ']'
    return json.dumps(v)


def main():
    cases = []
    for n, cin, cout, h, w, pad, has_bias in CASES:
        x = values([n, cin, h, w]).requires_grad_()
        wt = values([cout, cin, 3, 3]).requires_grad_()
        b = values([cout]).requires_grad_() if has_bias else None
        out = F.conv2d(x, wt, b, padding=pad)
        up = values(list(out.shape))
        out.backward(up)
        cases.append(
            {
                "op": "conv2d",
                "input": enc(x.detach()),
                "weight": enc(wt.detach()),
                "bias": enc(b.detach()) if has_bias else None,
                "stride": 1,
                "padding": pad,
                "dilation": 1,
                "groups": 1,
                "out": enc(out.detach()),
                "upstream": enc(up),
                "grad_input": enc(x.grad),
                # The weight and bias gradients do not run the Winograd kernel (and would double the file).
                "grad_weight": None,
                "grad_bias": None,
            }
        )
    meta = {
        "generator": f"PyTorch {torch.__version__} (torch.nn.functional), float64 reference, gen_conv2d_winograd.py",
        "inputs": "multiples of 1/64 in [-2, 2], exact in float32",
        "seed": SEED,
    }
    with open("conv2d_winograd.json", "w") as f:
        f.write("\n".join(fmt({"meta": meta, "cases": cases}, 0)) + "\n")


if __name__ == "__main__":
    main()
