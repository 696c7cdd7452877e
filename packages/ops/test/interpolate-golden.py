"""Golden vectors for @torchlet/ops' interpolate and interpolateBackward, from PyTorch's
F.interpolate (run with Debian's python3-torch: `python3 packages/ops/test/interpolate-golden.py`).

Writes golden/interpolate.json: {"meta", "cases": [{input, options, out, upstream, grad_input}]}.
Inputs are multiples of 1/64 in [-2, 2] (exact in float32). Each case is computed twice, in float32
and in float64, because PyTorch computes bilinear source coordinates in the tensor's precision.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def values(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-128, 129, shape, generator=g).double() / 64


def flat(t):
    return {"shape": list(t.shape), "data": t.detach().double().flatten().tolist()}


CASES = [
    # (input shape, options as torchlet names them)
    ([1, 1, 2, 2], {"scaleFactor": 2}),
    ([1, 2, 3, 5], {"size": [7, 4]}),
    ([2, 1, 5, 4], {"size": [3, 3]}),
    ([1, 1, 3, 3], {"scaleFactor": 1.5}),
    ([1, 1, 5, 7], {"scaleFactor": [0.6, 1.7]}),
    ([1, 1, 5, 7], {"scaleFactor": [0.6, 1.7], "recomputeScaleFactor": True}),
    ([1, 1, 7, 7], {"scaleFactor": 0.3}),
    ([1, 1, 4, 6], {"size": [4, 6]}),
    ([1, 1, 2, 3], {"scaleFactor": 1.2}),
    ([1, 2, 3, 5], {"size": [7, 4], "mode": "nearest-exact"}),
    ([1, 1, 5, 7], {"scaleFactor": [0.6, 1.7], "mode": "nearest-exact"}),
    ([1, 1, 2, 2], {"scaleFactor": 2, "mode": "bilinear"}),
    ([1, 2, 3, 5], {"size": [7, 4], "mode": "bilinear"}),
    ([1, 2, 3, 5], {"size": [7, 4], "mode": "bilinear", "alignCorners": True}),
    ([2, 1, 6, 5], {"size": [3, 2], "mode": "bilinear"}),
    ([1, 1, 6, 5], {"size": [1, 1], "mode": "bilinear", "alignCorners": True}),
    ([1, 1, 1, 1], {"size": [3, 2], "mode": "bilinear", "alignCorners": True}),
    ([1, 1, 3, 3], {"scaleFactor": 1.5, "mode": "bilinear"}),
    ([1, 1, 3, 3], {"scaleFactor": 1.5, "mode": "bilinear", "recomputeScaleFactor": True}),
    ([1, 1, 5, 7], {"scaleFactor": [0.6, 1.7], "mode": "bilinear"}),
    ([1, 1, 5, 7], {"scaleFactor": [0.6, 1.7], "mode": "bilinear", "alignCorners": True}),
    ([1, 1, 2, 3], {"scaleFactor": 1.2, "mode": "bilinear"}),
    ([1, 3, 8, 8], {"size": [5, 11], "mode": "bilinear"}),
    ([1, 1, 9, 9], {"scaleFactor": 0.25, "mode": "bilinear"}),
    # antialias (torchvision's resize with antialias=True): a triangle filter widened by the
    # downscaling factor, normalised per output pixel; W resampled first, then H.
    ([1, 2, 9, 11], {"size": [4, 5], "mode": "bilinear", "antialias": True}),
    ([1, 1, 12, 7], {"size": [3, 7], "mode": "bilinear", "antialias": True}),
    ([1, 1, 7, 12], {"size": [7, 2], "mode": "bilinear", "antialias": True}),
    ([1, 1, 5, 4], {"size": [8, 9], "mode": "bilinear", "antialias": True}),
    ([1, 1, 9, 9], {"scaleFactor": 0.3, "mode": "bilinear", "antialias": True}),
    ([1, 1, 9, 9], {"scaleFactor": 0.3, "mode": "bilinear", "antialias": True, "recomputeScaleFactor": True}),
    ([1, 1, 10, 8], {"size": [3, 3], "mode": "bilinear", "antialias": True, "alignCorners": True}),
    ([2, 3, 16, 16], {"size": [5, 7], "mode": "bilinear", "antialias": True}),
    ([1, 1, 6, 5], {"size": [6, 5], "mode": "bilinear", "antialias": True}),
    ([1, 1, 6, 5], {"size": [1, 1], "mode": "bilinear", "antialias": True}),
    ([1, 1, 4, 13], {"scaleFactor": [1.5, 0.45], "mode": "bilinear", "antialias": True}),
]


def torch_kwargs(o):
    k = {"mode": o.get("mode", "nearest")}
    if "size" in o:
        k["size"] = o["size"] if isinstance(o["size"], int) else tuple(o["size"])
    if "scaleFactor" in o:
        s = o["scaleFactor"]
        k["scale_factor"] = s if isinstance(s, (int, float)) else tuple(s)
    if "alignCorners" in o:
        k["align_corners"] = o["alignCorners"]
    if "antialias" in o:
        k["antialias"] = o["antialias"]
    if "recomputeScaleFactor" in o:
        k["recompute_scale_factor"] = o["recomputeScaleFactor"]
    return k


cases = []
for i, (shape, options) in enumerate(CASES):
    x64 = values(shape, 100 + i)
    entry = {"options": options, "input": flat(x64)}
    for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
        x = x64.to(dtype).requires_grad_(True)
        y = F.interpolate(x, **torch_kwargs(options))
        up = values(list(y.shape), 200 + i).to(dtype)
        (g,) = torch.autograd.grad(y, x, up)
        entry[name] = {"out": flat(y), "grad_input": flat(g)}
        entry["upstream"] = flat(up)
    cases.append(entry)

meta = {
    "generator": "packages/ops/test/interpolate-golden.py",
    "torch": torch.__version__,
    "op": "torch.nn.functional.interpolate and its backward (autograd.grad with `upstream`)",
}
with open(os.path.join(HERE, "golden", "interpolate.json"), "w") as f:
    json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases")
