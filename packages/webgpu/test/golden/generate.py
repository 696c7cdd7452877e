#!/usr/bin/python3
"""Golden vectors from PyTorch for the @torchlet/webgpu kernels that the repository's shared golden
files do not cover: adaptive average/max pooling, softmax / log-softmax, cross-entropy (weights,
ignore_index, label smoothing, every reduction, spatial targets), mse_loss, and optimizer steps
(SGD with momentum / dampening / Nesterov / weight decay / maximize; Adam, AdamW, amsgrad).

Run from this folder with Debian's python3-torch: `/usr/bin/python3 generate.py`. Writes
webgpu_golden.json: inputs are multiples of 1/64 in [-2, 2] (exact in float32); expected values
are computed in float64 by torch.nn.functional and torch.optim.
"""
import json
import random

import torch
import torch.nn.functional as F

SEED = 20261207
rng = random.Random(SEED)


def values(shape, scale=1.0):
    n = 1
    for s in shape:
        n *= s
    data = [rng.randint(-128, 128) / 64 * scale for _ in range(n)]
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


def adaptive_cases():
    out = []
    for (n, c, h, w, oh, ow) in [
        (1, 2, 7, 7, 1, 1),
        (2, 1, 5, 7, 3, 2),
        (1, 3, 6, 4, 4, 3),
        (1, 1, 3, 5, 6, 7),
        (2, 2, 9, 8, 4, 5),
    ]:
        x = values([n, c, h, w]).requires_grad_()
        avg = F.adaptive_avg_pool2d(x, (oh, ow))
        up = values(list(avg.shape))
        (gx,) = torch.autograd.grad(avg, x, up)
        # Max: distinct values so the argmax is unique (float64 ties are a property test's job).
        xm = (torch.randperm(n * c * h * w, generator=torch.Generator().manual_seed(rng.randint(0, 10**6)))
              .double().reshape(n, c, h, w) / 16).requires_grad_()
        mx, idx = F.adaptive_max_pool2d(xm, (oh, ow), return_indices=True)
        (gm,) = torch.autograd.grad(mx, xm, up)
        out.append({
            "op": "adaptive_pool2d", "output_size": [oh, ow],
            "input": enc(x.detach()), "out": enc(avg.detach()), "upstream": enc(up), "grad_input": enc(gx),
            "max_input": enc(xm.detach()), "max_out": enc(mx.detach()), "max_indices": enc(idx.double()),
            "max_grad_input": enc(gm),
        })
    return out


def softmax_cases():
    out = []
    for shape in [[3, 5], [2, 4, 3], [1, 10], [2, 3, 2, 2]]:
        x = (values(shape) * 4).requires_grad_()
        up = values(shape)
        y = F.softmax(x, dim=1)
        ly = F.log_softmax(x, dim=1)
        (gy,) = torch.autograd.grad(y, x, up)
        (gly,) = torch.autograd.grad(ly, x, up)
        out.append({"op": "softmax", "input": enc(x.detach()), "upstream": enc(up), "softmax": enc(y.detach()),
                    "log_softmax": enc(ly.detach()), "grad_softmax": enc(gy), "grad_log_softmax": enc(gly)})
    return out


def cross_entropy_cases():
    out = []
    configs = [
        ([4, 5], {}, None),
        ([6, 3], {"reduction": "sum"}, None),
        ([5, 4], {"reduction": "none"}, None),
        ([6, 4], {"ignore_index": 2}, None),
        ([5, 6], {"label_smoothing": 0.2}, None),
        ([6, 3], {"label_smoothing": 0.1, "reduction": "sum"}, None),
        ([5, 4], {}, "weight"),
        ([7, 3], {"label_smoothing": 0.3, "ignore_index": 1}, "weight"),
        ([4, 5], {"reduction": "none", "label_smoothing": 0.15}, "weight"),
        ([2, 4, 3], {}, None),
        ([2, 3, 2, 2], {"ignore_index": 0, "label_smoothing": 0.1}, "weight"),
    ]
    for shape, opts, w in configs:
        x = (values(shape) * 3).requires_grad_()
        classes = shape[1]
        tshape = [shape[0]] + shape[2:]
        t = torch.tensor([rng.randint(0, classes - 1) for _ in range(int(torch.tensor(tshape).prod()))]).reshape(tshape)
        weight = (values([classes]).abs() + 0.25) if w else None
        loss = F.cross_entropy(x, t, weight=weight, **opts)
        up = values(list(loss.shape)) if loss.dim() > 0 else torch.tensor(1.5, dtype=torch.float64)
        (gx,) = torch.autograd.grad(loss, x, up)
        out.append({
            "op": "cross_entropy", "input": enc(x.detach()), "target": enc(t.double()),
            "weight": enc(weight) if weight is not None else None,
            "reduction": opts.get("reduction", "mean"), "ignore_index": opts.get("ignore_index", -100),
            "label_smoothing": opts.get("label_smoothing", 0.0),
            "out": enc(loss.detach().reshape(-1)), "upstream": enc(up.reshape(-1)), "grad_input": enc(gx),
        })
    return out


def mse_cases():
    out = []
    for n, reduction in [(7, "mean"), (300, "mean"), (5, "sum"), (6, "none")]:
        a = values([n]).requires_grad_()
        b = values([n])
        loss = F.mse_loss(a, b, reduction=reduction)
        up = values(list(loss.shape)) if loss.dim() > 0 else torch.tensor(0.75, dtype=torch.float64)
        (ga,) = torch.autograd.grad(loss, a, up)
        out.append({"op": "mse_loss", "reduction": reduction, "input": enc(a.detach()), "target": enc(b),
                    "out": enc(loss.detach().reshape(-1)), "upstream": enc(up.reshape(-1)), "grad_input": enc(ga)})
    return out


def optimizer_cases():
    out = []
    configs = [
        ("sgd", {"lr": 0.1}),
        ("sgd", {"lr": 0.05, "momentum": 0.9}),
        ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
        ("sgd", {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
        ("sgd", {"lr": 0.1, "momentum": 0.5, "maximize": True}),
        ("adam", {"lr": 0.01}),
        ("adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
        ("adam", {"lr": 0.01, "amsgrad": True, "maximize": True}),
        ("adamw", {"lr": 0.01, "weight_decay": 0.1}),
        ("adamw", {"lr": 0.03, "betas": (0.5, 0.9), "amsgrad": True}),
    ]
    steps = 4
    for name, opts in configs:
        p = torch.nn.Parameter(values([9]))
        p0 = p.detach().clone()
        grads = [values([9]) for _ in range(steps)]
        cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]
        opt = cls([p], **opts)
        after = []
        for g in grads:
            p.grad = g.clone()
            opt.step()
            after.append(enc(p.detach().clone()))
        o = dict(opts)
        if "betas" in o:
            o["betas"] = list(o["betas"])
        out.append({"op": name, "options": o, "input": enc(p0), "grads": [enc(g) for g in grads], "after": after})
    return out


def main():
    torch.set_default_dtype(torch.float64)
    doc = {
        "meta": {
            "generator": f"PyTorch {torch.__version__} (torch.nn.functional, torch.optim), float64 reference",
            "inputs": "multiples of 1/64 in [-2, 2] (some scaled by 3 or 4), exact in float32",
            "seed": SEED,
        },
        "adaptive_pool2d": adaptive_cases(),
        "softmax": softmax_cases(),
        "cross_entropy": cross_entropy_cases(),
        "mse_loss": mse_cases(),
        "optimizers": optimizer_cases(),
    }
    with open("webgpu_golden.json", "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
