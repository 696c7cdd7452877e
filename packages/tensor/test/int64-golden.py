#!/usr/bin/python3
"""Golden cases for the int64 dtype (issue 18): creation, printing, casts, type promotion,
elementwise ops and reductions, as PyTorch computes and prints them.

Run with Debian's PyTorch: /usr/bin/python3 packages/tensor/test/int64-golden.py
Writes packages/tensor/test/golden/int64.json. Each case names an op, its operands and the
result's repr (str) and dtype; the test rebuilds the operands, runs the op and compares the
printed result, so values, dtype and printing are all checked.
Operand values are strings ('12', 'nan', '-inf', '0.5') so int64 survives JSON exactly.
"""
import json
import math
import os
import random

import torch

DT = {'int64': torch.int64, 'int32': torch.int32, 'float32': torch.float32,
      'float64': torch.float64, 'bool': torch.bool}
NAME = {v: k for k, v in DT.items()}


def enc(v):
    if isinstance(v, bool):
        return '1' if v else '0'
    if isinstance(v, float):
        if math.isnan(v):
            return 'nan'
        if math.isinf(v):
            return 'inf' if v > 0 else '-inf'
        return repr(v)
    return str(v)


def operand(values, dtype, shape=None):
    t = torch.tensor(values, dtype=DT[dtype])
    if shape is not None:
        t = t.reshape(shape)
    flat = t.flatten().tolist()
    return t, {'dtype': dtype, 'shape': list(t.shape), 'values': [enc(v) for v in flat]}


cases = []


def add_case(op, operands, result, **extra):
    t_ops = [o[0] for o in operands]
    c = {'op': op, 'operands': [o[1] for o in operands], 'repr': str(result), 'dtype': NAME[result.dtype]}
    c.update(extra)
    cases.append(c)


I64_EDGE = [0, 1, -1, 2**31 - 1, -2**31, 2**31, 2**53, 2**53 + 1, -(2**53) - 1, 2**62, 2**63 - 1, -2**63]

# ---- printing ------------------------------------------------------------------------------------
for vals, shape in [([1, 2, 3], None), ([0], None), ([5], []), (I64_EDGE, None), ([-7, 12, 300, 4, 5, -66], [2, 3]),
                    ([], None), ([2**40, 3], None), (list(range(1200)), None), (list(range(-60, 60)), [4, 30])]:
    for dtype in ['int64', 'int32']:
        if dtype == 'int32' and any(v >= 2**31 or v < -2**31 for v in vals):
            continue
        o = operand(vals if shape != [] else vals[0], dtype, shape if shape else None)
        add_case('print', [o], o[0])

# ---- casts ---------------------------------------------------------------------------------------
floats = [0.0, -0.0, 2.7, -2.7, 1e10, -1e10, 9.2e18, 1e19, -1e19, float('nan'), float('inf'), float('-inf'), 2.0**53 + 2]
for src in ['float32', 'float64']:
    o = operand(floats, src)
    add_case('to', [o], o[0].to(torch.int64), dtype_arg='int64')
o = operand(I64_EDGE + [2**60 + 1, 2**60 + 2**36 + 1, -(2**59) - 2**35 - 1, 2**24 + 1, 16777217 * 4 + 3], 'int64')
for dst in ['int32', 'float32', 'float64', 'bool']:
    add_case('to', [o], o[0].to(DT[dst]), dtype_arg=dst)
for src, vals in [('int32', [0, -5, 2**31 - 1, -2**31]), ('bool', [True, False])]:
    o2 = operand(vals, src)
    add_case('to', [o2], o2[0].to(torch.int64), dtype_arg='int64')

# ---- binary ops with promotion and broadcasting --------------------------------------------------
rng = random.Random(18)


def rand_ints(n, big=False):
    if big:
        return [rng.choice([rng.randint(-2**63, 2**63 - 1), rng.randint(-50, 50), rng.choice(I64_EDGE)]) for _ in range(n)]
    return [rng.randint(-50, 50) for _ in range(n)]


def make(dtype, shape, big=False):
    n = 1
    for s in shape:
        n *= s
    if dtype == 'bool':
        vals = [rng.random() < 0.5 for _ in range(n)]
    elif dtype in ('float32', 'float64'):
        vals = [rng.choice([rng.uniform(-50, 50), float(rng.randint(-5, 5)), 0.5])for _ in range(n)]
    elif dtype == 'int32':
        vals = [rng.randint(-2**31, 2**31 - 1) if big else rng.randint(-50, 50) for _ in range(n)]
    else:
        vals = rand_ints(n, big)
    return operand(vals, dtype, shape)


BIN = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'maximum': torch.maximum,
       'minimum': torch.minimum, 'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le,
       'gt': torch.gt, 'ge': torch.ge}
pairs = [('int64', 'int64'), ('int32', 'int64'), ('int64', 'int32'), ('int64', 'float32'), ('float64', 'int64'),
         ('bool', 'int64'), ('int64', 'bool')]
for name, f in BIN.items():
    for a_dt, b_dt in pairs:
        if name == 'sub' and 'bool' in (a_dt, b_dt):
            continue
        for big in [False, True]:
            a = make(a_dt, [2, 1, 3], big)
            b = make(b_dt, [4, 1], big)
            add_case(name, [a, b], f(a[0], b[0]))
# scalars: int64 tensor with Python ints and floats; bool tensor with an int
for name in ['add', 'sub', 'mul', 'div', 'eq', 'lt']:
    a = make('int64', [5], True)
    for s in [3, -2, 2.5, 2**40]:
        add_case(name, [a], BIN[name](a[0], s), scalar=enc(s))
for s in [3, 2.5]:
    b = make('bool', [4])
    add_case('add', [b], torch.add(b[0], s), scalar=enc(s))
# pow with int64 (tensor exponents, including negative ones)
base = operand([2, -3, 1, -1, 0, 7, 2**20], 'int64')
expo = operand([3, 2, -5, -3, 5, 20, 3], 'int64')
add_case('pow', [base, expo], torch.pow(base[0], expo[0]))
add_case('pow', [base], torch.pow(base[0], 3), scalar='3')
# unary
u = make('int64', [7], True)
add_case('neg', [u], torch.neg(u[0]))
add_case('abs', [u], torch.abs(u[0]))
u2 = operand([-3, 0, 4, 9], 'int64')
for name, f in [('exp', torch.exp), ('sqrt', torch.sqrt), ('relu', torch.relu), ('sigmoid', torch.sigmoid)]:
    add_case(name, [u2], f(u2[0]))
add_case('clamp', [u2], torch.clamp(u2[0], -1, 5), lo='-1', hi='5')

# ---- reductions ----------------------------------------------------------------------------------
for dtype in ['int64', 'int32', 'bool']:
    for big in [False, True]:
        x = make(dtype, [3, 4], big)
        add_case('sum', [x], x[0].sum())
        add_case('sum', [x], x[0].sum(0), dim=0)
        add_case('sum', [x], x[0].sum(1, keepdim=True), dim=1, keepdim=True)
        add_case('prod', [x], x[0].prod())
        add_case('prod', [x], x[0].prod(1), dim=1)
        add_case('cumsum', [x], x[0].cumsum(1), dim=1)
        add_case('cumsum', [x], x[0].cumsum(0), dim=0)
        add_case('cumprod', [x], x[0].cumprod(1), dim=1)
        if dtype != 'bool':
            add_case('max', [x], x[0].max())
            add_case('min', [x], x[0].min(0).values, dim=0)
            add_case('argmax', [x], x[0].argmax())
            add_case('argmin', [x], x[0].argmin(1), dim=1)
ov = operand([2**31 - 1, 5, 2**31 - 1], 'int32')
add_case('cumsum', [ov], ov[0].cumsum(0), dim=0)
add_case('sum', [ov], ov[0].sum())
for vals in [[2.0, 0.0, float('inf'), 3.0], [float('inf'), 0.0, 2.0], [0.0, float('inf')], [1e30, 1e30, 1e-30, 0.0, 5.0]]:
    for dtype in ['float32', 'float64']:
        x = operand(vals, dtype)
        add_case('cumprod', [x], x[0].cumprod(0), dim=0)
for dtype in ['float32', 'float64']:
    x = operand([[0.0, float('inf'), 2.0], [3.0, 0.0, float('inf')]], dtype)
    add_case('cumprod', [x], x[0].cumprod(0), dim=0)
    add_case('cumprod', [x], x[0].cumprod(1), dim=1)

# ---- matmul, where, cat, indexing ---------------------------------------------------------------
a = make('int64', [2, 3], True)
b = make('int64', [3, 2], True)
add_case('matmul', [a, b], a[0] @ b[0])
v1 = make('int64', [4])
v2 = make('int64', [4])
add_case('matmul', [v1, v2], v1[0] @ v2[0])
c = make('bool', [2, 3])
x = make('int64', [2, 3], True)
y = make('float32', [3])
add_case('where', [c, x, y], torch.where(c[0], x[0], y[0]))
add_case('where', [c, x], torch.where(c[0], x[0], 0), scalar='0')
p = make('int32', [2, 3])
add_case('cat', [x, p], torch.cat([x[0], p[0]], 0), dim=0)
add_case('transpose', [x], x[0].t().contiguous())
add_case('flip', [x], x[0].flip([1]), dim=1)

# ---- creation ------------------------------------------------------------------------------------
for args in [(5,), (2, 11, 3), (-4, 4, 2), (10, 0, -3), (0, 7.5, 2.5), (2**40, 2**40 + 3)]:
    r = torch.arange(*args, dtype=torch.int64)
    cases.append({'op': 'arange', 'operands': [], 'args': [enc(v) for v in args], 'repr': str(r), 'dtype': 'int64'})
# PyTorch's integer arange (no dtype: int64), which torchlet gives for bigint arguments.
for args in [(5,), (0,), (0, 10, 3), (10, 0, -3), (-5, 5, 4), (3, -3, -1), (2**60, 2**60 + 3),
             (-2**63, -2**63 + 2), (2**63 - 3, 2**63 - 1), (7, 7)]:
    r = torch.arange(*args)
    assert r.dtype == torch.int64
    cases.append({'op': 'arange_int', 'operands': [], 'args': [enc(v) for v in args], 'repr': str(r), 'dtype': 'int64'})
for args in [([2, 3], 7), ([3], -2**63), ([2], 2**62)]:
    r = torch.full(args[0], args[1], dtype=torch.int64)
    cases.append({'op': 'full', 'operands': [], 'args': [args[0], enc(args[1])], 'repr': str(r), 'dtype': 'int64'})
r = torch.eye(3, dtype=torch.int64)
cases.append({'op': 'eye', 'operands': [], 'args': [3], 'repr': str(r), 'dtype': 'int64'})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden', 'int64.json')
with open(out, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=0)
    f.write('\n')
print(f'{len(cases)} cases -> {out}')
