#!/usr/bin/python3
"""Golden vectors for @torchlet/ops' batchNormTraining and batchNormTrainingBackward, from PyTorch's
F.batch_norm(training=True) and autograd (run with Debian's python3-torch:
`/usr/bin/python3 packages/ops/test/batch-norm-training-golden.py`).

Writes golden/batch_norm_training.json: {"meta", "cases": [{input, weight, bias, grad_output, eps,
float32: {output, mean, variance, invstd, grad_input, grad_weight, grad_bias}, float64: {...}}]}.
mean and invstd are PyTorch's save_mean and save_invstd (torch.ops.aten.native_batch_norm),
variance the biased batch variance; the gradients are autograd's for upstream grad_output (grad
of weight and bias also where the case has no affine parameters, from ones and zeros).
activation (relu, relu6 or null) is applied after the batch norm (F.relu / F.relu6), so the output
and gradients are those of the pair. Inputs are random float32 values (stored exactly as doubles), some far from zero (offset 50) so a
one-pass E[x^2] - E[x]^2 variance would show.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def flat(t):
    return {"shape": list(t.shape), "data": t.detach().double().flatten().tolist()}


CASES = [
    # (input shape, eps, affine, offset, seed[, activation])
    ([2, 3, 4, 5], 1e-5, True, 0.5, 1),
    ([8, 4, 7, 7], 1e-5, True, 50.0, 2),
    ([4, 5, 11], 1e-3, False, -3.0, 3),
    ([3, 6], 1e-5, True, 0.0, 4),
    ([2, 4, 3, 3, 2], 0.1, True, 1.0, 5),
    ([2, 16, 9, 13], 1e-5, True, 0.0, 6),
    ([1, 24, 15, 13], 1e-5, False, 2.0, 7),
    ([5, 7, 1, 1], 0.0, True, 0.0, 8),
    ([2, 3, 24, 25], 1e-5, True, 0.25, 9),
    ([2, 5, 6, 7], 1e-5, True, 0.5, 10, "relu6"),
    ([3, 4, 5, 5], 1e-5, False, 0.0, 11, "relu"),
    ([4, 6, 3, 3], 1e-3, True, 1.0, 12, "relu6"),
]


def main():
    cases = []
    for shape, eps, affine, offset, seed, *rest in CASES:
        activation = rest[0] if rest else None
        g = torch.Generator().manual_seed(seed)
        c = shape[1]
        x = torch.randn(shape, generator=g) * 3 + offset
        weight = torch.randn(c, generator=g)
        bias = torch.randn(c, generator=g)
        grad_output = torch.randn(shape, generator=g)
        case = {
            "input": flat(x),
            "weight": flat(weight) if affine else None,
            "bias": flat(bias) if affine else None,
            "grad_output": flat(grad_output),
            "eps": eps,
            "activation": activation,
        }
        for dtype, key in ((torch.float32, "float32"), (torch.float64, "float64")):
            xi = x.detach().clone().to(dtype).requires_grad_(True)
            w = (weight if affine else torch.ones(c)).detach().clone().to(dtype).requires_grad_(True)
            b = (bias if affine else torch.zeros(c)).detach().clone().to(dtype).requires_grad_(True)
            y = F.batch_norm(xi, None, None, w, b, training=True, eps=eps)
            if activation == "relu":
                y = F.relu(y)
            elif activation == "relu6":
                y = F.relu6(y)
            y.backward(grad_output.to(dtype))
            _, save_mean, save_invstd = torch.ops.aten.native_batch_norm(
                x.to(dtype), w.detach(), b.detach(), None, None, True, 0.1, eps
            )[:3]
            dims = [0] + list(range(2, len(shape)))
            variance = x.to(dtype).var(dim=dims, unbiased=False)
            case[key] = {
                "output": flat(y),
                "mean": flat(save_mean),
                "variance": flat(variance),
                "invstd": flat(save_invstd),
                "grad_input": flat(xi.grad),
                "grad_weight": flat(w.grad),
                "grad_bias": flat(b.grad),
            }
        cases.append(case)
    meta = {
        "generator": "packages/ops/test/batch-norm-training-golden.py",
        "torch": torch.__version__,
        "note": "F.batch_norm(training=True) and its autograd gradients; save_mean/save_invstd from aten native_batch_norm",
    }
    with open(os.path.join(HERE, "golden", "batch_norm_training.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
