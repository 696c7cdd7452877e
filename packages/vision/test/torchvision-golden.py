"""Golden data for @torchlet/vision's models, from Debian's python3-torchvision (0.14):
`python3 packages/vision/test/torchvision-golden.py` writes golden/models.json.

For each model: the module tree (named_modules: name and class), the state-dict keys in order
with their shapes, and the eval-mode logits for weights that a formula fills in both languages
(test/fill.ts is the TypeScript side), on an input another formula fills. No weights are
downloaded or stored.

Weight formula, for the k-th state-dict entry (k from 0, in state-dict order), element i of its
flattened values, with the hash u = frac(|sin(i + 1000 k)| * 43758.5453) in [0, 1):
  running_var                 -> 0.5 + 0.5 * u      (positive)
  running_mean                -> 0.2 * (u - 0.5)
  num_batches_tracked         -> left as constructed (0)
  tensors of 2 or more dims   -> (2u - 1) * sqrt(6 / fanIn), fanIn = numel / shape[0] (He-uniform
                                 scale, so activations stay O(1) through deep ReLU networks)
  other 1-dim tensors named *weight (BatchNorm scale) -> 0.8 + 0.4 * u
  other 1-dim tensors (biases) -> 0.1 * (2u - 1)
Input: x[i] = 2u - 1 with k = -1 over the flattened [N, C, H, W] input.
The hash decorrelates neighbouring weights: a smooth formula such as sin(0.37 i + k) makes
convolutions cancel, and the logits then hardly depend on the input or on the convolutions.
"""
import json
import math
import os

import numpy as np

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
NUM_CLASSES = 10

# name as torchlet exports it, torchvision constructor, input shape
MODELS = [
    ("alexnet", lambda: torchvision.models.alexnet(num_classes=NUM_CLASSES), [2, 3, 64, 64]),
    ("vgg11", lambda: torchvision.models.vgg11(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg11Bn", lambda: torchvision.models.vgg11_bn(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg13", lambda: torchvision.models.vgg13(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg13Bn", lambda: torchvision.models.vgg13_bn(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg16", lambda: torchvision.models.vgg16(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg16Bn", lambda: torchvision.models.vgg16_bn(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg19", lambda: torchvision.models.vgg19(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("vgg19Bn", lambda: torchvision.models.vgg19_bn(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("googlenet", lambda: torchvision.models.googlenet(num_classes=NUM_CLASSES, aux_logits=True, init_weights=True), [2, 3, 32, 32]),
    ("googlenetTransformInput", lambda: torchvision.models.googlenet(num_classes=NUM_CLASSES, aux_logits=False, transform_input=True, init_weights=True), [1, 3, 32, 32]),
    ("googlenetNoAux", lambda: torchvision.models.googlenet(num_classes=NUM_CLASSES, aux_logits=False, init_weights=True), [1, 3, 32, 32]),
    ("resnet18", lambda: torchvision.models.resnet18(num_classes=NUM_CLASSES), [2, 3, 32, 32]),
    ("resnet34", lambda: torchvision.models.resnet34(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("resnet50", lambda: torchvision.models.resnet50(num_classes=NUM_CLASSES), [1, 3, 32, 32]),
    ("densenet121", lambda: torchvision.models.densenet121(num_classes=NUM_CLASSES), [2, 3, 32, 32]),
    ("mobilenetV2", lambda: torchvision.models.mobilenet_v2(num_classes=NUM_CLASSES), [2, 3, 32, 32]),
]


def hash_u(n, k):
    i = np.arange(n, dtype=np.float64)
    v = np.abs(np.sin(i + 1000.0 * k)) * 43758.5453
    return torch.from_numpy(v - np.floor(v))


def fill_value(key, shape, k, n):
    u = hash_u(n, k)
    if key.endswith("running_var"):
        return 0.5 + 0.5 * u
    if key.endswith("running_mean"):
        return 0.2 * (u - 0.5)
    if len(shape) >= 2:
        return (2 * u - 1) * math.sqrt(6 / (n / shape[0]))
    if key.endswith("weight"):
        return 0.8 + 0.4 * u
    return 0.1 * (2 * u - 1)


def fill(model):
    sd = model.state_dict()
    with torch.no_grad():
        for k, (key, t) in enumerate(sd.items()):
            if key.endswith("num_batches_tracked"):
                continue
            t.copy_(fill_value(key, list(t.shape), k, t.numel()).reshape(t.shape).to(t.dtype))


def input_of(shape):
    n = 1
    for s in shape:
        n *= s
    return (2 * hash_u(n, -1) - 1).reshape(shape).float()


out = {
    "meta": {
        "generator": "packages/vision/test/torchvision-golden.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "numClasses": NUM_CLASSES,
    },
    "models": {},
}
for name, make, shape in MODELS:
    torch.manual_seed(0)
    model = make()
    fill(model)
    model.eval()
    with torch.no_grad():
        logits = model(input_of(shape))
    out["models"][name] = {
        "inputShape": shape,
        "modules": [[n, type(m).__name__] for n, m in model.named_modules()],
        "stateDict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "logits": {"shape": list(logits.shape), "data": logits.double().flatten().tolist()},
    }
    print(name, list(logits.shape), float(logits.abs().max()))

with open(os.path.join(HERE, "golden", "models.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
