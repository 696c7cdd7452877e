#!/usr/bin/env python3
"""Differential cases for issue 18, computed with PyTorch (Debian's python3-torch, 1.13).

Run from the repository root:  /usr/bin/python3 tools/test-utils/differential/generate_issue18.py
It writes tools/test-utils/differential/issue18.json, which test/adversarial/differential.test.ts
replays against torchlet (tests never need Python). Seeded: the same file every run.
"""
import json
import math
import os
import random

import torch
import torch.nn.functional as F

rng = random.Random(18)
torch.manual_seed(18)
cases = {}


def num(x):
    """JSON-safe float: NaN and infinities as strings."""
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return x


def nested(t):
    if t.dim() == 0:
        return num(t.item())
    return [nested(s) for s in t]


def small_values(n, specials=False):
    vals = [round(rng.uniform(-4, 4), 2) for _ in range(n)]
    if specials:
        for i in range(n):
            if rng.random() < 0.2:
                vals[i] = rng.choice([float('nan'), 0.0, 1.5])
    return vals


# linspace and int32 arange
cases['linspace'] = []
for _ in range(150):
    start, end = round(rng.uniform(-10, 10), 3), round(rng.uniform(-10, 10), 3)
    steps = rng.choice([0, 1, 1, 2, 3, 5, 7, 10])
    cases['linspace'].append({'start': start, 'end': end, 'steps': steps,
                              'out': [num(v) for v in torch.linspace(start, end, steps, dtype=torch.float64)]})
cases['arange_int32'] = []
for _ in range(150):
    start = round(rng.uniform(-5, 5), 2)
    end = round(rng.uniform(-5, 15), 2)
    step = rng.choice([0.25, 0.5, 1, 1.5, 2, 2.7, -1, -1.5, 3])
    entry = {'start': start, 'end': end, 'step': step}
    try:
        entry['out'] = torch.arange(start, end, step, dtype=torch.int32).tolist()
    except RuntimeError as e:
        entry['error'] = 'step must be nonzero' if 'nonzero' in str(e) else 'bound'
    cases['arange_int32'].append(entry)

# std / var gradients with constant rows
cases['std_var_grad'] = []
for _ in range(120):
    rows, cols = rng.randint(1, 4), rng.randint(2, 5)
    vals = []
    for r in range(rows):
        if rng.random() < 0.4:
            c = round(rng.uniform(-3, 3), 1)
            vals.append([c] * cols)
        else:
            vals.append([round(rng.uniform(-3, 3), 2) for _ in range(cols)])
    fn = rng.choice(['std', 'var'])
    correction = rng.choice([0, 1])
    x = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
    getattr(torch, fn)(x, 1, unbiased=bool(correction)).sum().backward()
    cases['std_var_grad'].append({'fn': fn, 'x': vals, 'correction': correction, 'grad': nested(x.grad)})

# max / min / maximum / minimum gradients with NaN
cases['extremum_nan_grad'] = []
for _ in range(120):
    n = rng.randint(2, 6)
    a = small_values(n, specials=True)
    b = small_values(n, specials=True)
    fn = rng.choice(['max', 'min', 'max_dim', 'min_dim', 'maximum', 'minimum'])
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    if fn in ('max', 'min'):
        getattr(x, fn)().backward()
        grads = [nested(x.grad)]
    elif fn in ('max_dim', 'min_dim'):
        getattr(x.reshape(1, n), fn[:3])(1).values.sum().backward()
        grads = [nested(x.grad)]
    else:
        getattr(torch, fn)(x, y).sum().backward()
        grads = [nested(x.grad), nested(y.grad)]
    cases['extremum_nan_grad'].append({'fn': fn, 'a': [num(v) for v in a], 'b': [num(v) for v in b], 'grads': grads})

# cumprod gradients with zeros and infinities (single infinity at the end: defined, no NaN)
cases['cumprod_grad'] = []
for _ in range(80):
    n = rng.randint(1, 5)
    vals = [rng.choice([0.0, 1.0, 2.0, -1.5, 0.5, 3.0]) for _ in range(n)]
    if rng.random() < 0.5:
        # An infinity, without zeros: with both, 0 * inf makes the result depend on PyTorch's
        # evaluation order, not on the mathematics.
        vals = [v if v != 0.0 else 1.0 for v in vals]
        vals[-1] = float('inf')
    x = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
    torch.cumprod(x, 0).sum().backward()
    g = nested(x.grad)
    if any(v == 'nan' for v in g):
        continue  # PyTorch's own division gives NaN there; not a reference to match
    cases['cumprod_grad'].append({'x': [num(v) for v in vals], 'grad': g})

# pad with negative pads in every mode
cases['pad'] = []
for _ in range(200):
    mode = rng.choice(['reflect', 'replicate', 'circular', 'constant'])
    k = rng.choice([1, 2])
    shape = [1, rng.randint(1, 2)] + [rng.randint(2, 5) for _ in range(k)]
    pads = []
    for d in range(k):
        size = shape[-1 - d]
        lo = -(size - 1)
        hi = size - 1 if mode == 'reflect' else size
        pads += [rng.randint(lo, hi), rng.randint(lo, hi)]
    if mode == 'circular' and any(
        max(pads[2 * d], pads[2 * d + 1]) > shape[-1 - d] - max(0, -pads[2 * d]) - max(0, -pads[2 * d + 1])
        for d in range(k)
    ):
        continue  # wraps past what is left after cropping: PyTorch reads uninitialised memory there
    x = torch.arange(math.prod(shape), dtype=torch.float64).reshape(shape)
    entry = {'mode': mode, 'shape': shape, 'pads': pads}
    try:
        entry['out'] = nested(F.pad(x, tuple(pads), mode=mode))
    except Exception:
        continue
    cases['pad'].append(entry)

# indexing with several ellipses
cases['ellipsis'] = []
for _ in range(120):
    shape = [rng.randint(1, 4) for _ in range(rng.randint(1, 4))]
    items = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(['...', 'int', 'slice', 'None', '...'])
        if kind == 'int':
            items.append(str(rng.randint(-1, 1)))
        elif kind == 'slice':
            items.append(rng.choice([':', '1:', ':2', '::2']))
        else:
            items.append(kind)
    text = ', '.join(items)
    x = torch.arange(math.prod(shape), dtype=torch.float64).reshape(shape)
    pyidx = []
    for it in items:
        if it == '...':
            pyidx.append(Ellipsis)
        elif it == 'None':
            pyidx.append(None)
        elif ':' in it:
            parts = [int(p) if p else None for p in it.split(':')]
            pyidx.append(slice(*parts))
        else:
            pyidx.append(int(it))
    entry = {'shape': shape, 'index': text}
    try:
        entry['out'] = nested(x[tuple(pyidx)])
        entry['outShape'] = list(x[tuple(pyidx)].shape)
    except (IndexError, RuntimeError):
        entry['error'] = True
    cases['ellipsis'].append(entry)

# sum / mean over expanded views
cases['expanded_reduce'] = []
for _ in range(120):
    base_shape = [rng.choice([1, 2, 3]) for _ in range(rng.randint(1, 3))]
    target = [s if s != 1 else rng.choice([1, 4, 5]) for s in base_shape]
    base = torch.tensor(small_values(math.prod(base_shape)), dtype=torch.float64).reshape(base_shape)
    dims = sorted(rng.sample(range(len(target)), rng.randint(0, len(target))))
    fn = rng.choice(['sum', 'mean'])
    keepdim = rng.random() < 0.5 and len(dims) > 0  # with no dims PyTorch's call takes no keepdim
    v = base.expand(target)
    out = getattr(v, fn)(dims, keepdim=keepdim) if dims else getattr(v, fn)()
    cases['expanded_reduce'].append({'base': nested(base), 'baseShape': base_shape, 'target': target, 'dims': dims,
                                     'fn': fn, 'keepdim': keepdim, 'out': nested(out), 'outShape': list(out.shape)})

# printing with sci_mode on tensors of zeros, NaN and infinities
cases['sci_print'] = []
for _ in range(60):
    n = rng.randint(1, 4)
    vals = [rng.choice([0.0, -0.0, float('nan'), float('inf'), float('-inf'), 1.5, 1e-5, 2.0]) for _ in range(n)]
    torch.set_printoptions(sci_mode=True)
    text = str(torch.tensor(vals))
    torch.set_printoptions(sci_mode=None)
    cases['sci_print'].append({'x': [num(v) for v in vals], 'text': text})

# int32 conversions of scalars
cases['int32_scalar'] = []
for v in [float('nan'), float('inf'), float('-inf'), 3e9, -3e9, 2147483647, -2147483648, 2147483648, 2.7, -2.7, 0.5]:
    entry = {'value': num(v)}
    try:
        entry['out'] = torch.full([1], v, dtype=torch.int32).tolist()
    except RuntimeError:
        entry['error'] = True
    cases['int32_scalar'].append(entry)

# cross_entropy with PyTorch's full signature
cases['cross_entropy'] = []
for _ in range(150):
    c = rng.randint(2, 4)
    layout = rng.choice(['unbatched', 'batched', 'kdim'])
    shape = [c] if layout == 'unbatched' else [rng.randint(1, 3), c] + ([rng.randint(1, 3)] if layout == 'kdim' else [])
    x = torch.tensor(small_values(math.prod(shape)), dtype=torch.float64).reshape(shape)
    probs = rng.random() < 0.25
    row_shape = [] if layout == 'unbatched' else [shape[0]] + shape[2:]
    if probs:
        tgt = torch.softmax(torch.tensor(small_values(math.prod(shape)), dtype=torch.float64).reshape(shape), 1 if layout != 'unbatched' else 0)
        target = nested(tgt)
    else:
        ignore = rng.choice([-100, 0, 1])
        labels = [rng.choice(list(range(c)) + [ignore]) for _ in range(max(1, math.prod(row_shape)))]
        tgt = torch.tensor(labels, dtype=torch.int64).reshape(row_shape)
        target = tgt.tolist()
    weight = [round(rng.uniform(0.2, 2), 2) for _ in range(c)] if rng.random() < 0.5 else None
    smoothing = rng.choice([0.0, 0.0, 0.1, 0.3])
    reduction = rng.choice(['mean', 'sum', 'none'])
    kwargs = {'label_smoothing': smoothing, 'reduction': reduction}
    if weight is not None:
        kwargs['weight'] = torch.tensor(weight, dtype=torch.float64)
    if not probs:
        kwargs['ignore_index'] = ignore
    xv = x.clone().requires_grad_(True)
    out = F.cross_entropy(xv, tgt, **kwargs)
    out.sum().backward()
    cases['cross_entropy'].append({'x': nested(x), 'shape': shape, 'target': target, 'probs': probs,
                                   'weight': weight, 'ignoreIndex': None if probs else ignore, 'smoothing': smoothing,
                                   'reduction': reduction, 'out': nested(out), 'grad': nested(xv.grad)})

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'issue18.json')
with open(out_path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
print(out_path, {k: len(v) for k, v in cases.items()})
