import torch, json
import torch.nn as nn
import torch.nn.functional as F
torch.set_printoptions(precision=10)
def pattern(shape, k=0, dtype=torch.float32):
    n = 1
    for s in shape: n *= s
    vals = [(((i * 7 + k) % 11) - 5) / 8 for i in range(n)]
    return torch.tensor(vals, dtype=dtype).reshape(shape)
out = {}
def rec(name, t): out[name] = t.detach().double().flatten().tolist() if isinstance(t, torch.Tensor) else t

# Conv2d
c = nn.Conv2d(2, 3, 3, stride=2, padding=1)
with torch.no_grad():
    c.weight.copy_(pattern(c.weight.shape, 1)); c.bias.copy_(torch.tensor([0.25, -0.5, 0.125]))
x = pattern([1, 2, 5, 5], 0)
rec('conv_s2p1', c(x)); out['conv_s2p1_shape'] = list(c(x).shape)
c = nn.Conv2d(2, 4, 3, groups=2, padding=1, padding_mode='reflect', bias=False)
with torch.no_grad(): c.weight.copy_(pattern(c.weight.shape, 2))
x = pattern([1, 2, 4, 4], 3)
rec('conv_groups_reflect', c(x)); out['conv_groups_reflect_shape'] = list(c(x).shape)
c = nn.Conv2d(1, 2, (2, 3), dilation=(2, 1), padding=(1, 0))
with torch.no_grad(): c.weight.copy_(pattern(c.weight.shape, 4)); c.bias.copy_(torch.tensor([1.0, -1.0]))
x = pattern([2, 1, 5, 6], 5)
rec('conv_dil', c(x)); out['conv_dil_shape'] = list(c(x).shape)
ct = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1)
with torch.no_grad(): ct.weight.copy_(pattern(ct.weight.shape, 6)); ct.bias.copy_(torch.tensor([0.5, 0.0, -0.25]))
x = pattern([1, 2, 3, 3], 7)
rec('convT', ct(x)); out['convT_shape'] = list(ct(x).shape)
# Linear
l = nn.Linear(3, 2)
with torch.no_grad(): l.weight.copy_(pattern([2, 3], 8)); l.bias.copy_(torch.tensor([0.5, -0.25]))
x = pattern([2, 2, 3], 9)
rec('linear3d', l(x))
# pooling
x = pattern([1, 1, 5, 5], 10)
rec('maxpool_k3s2p1', nn.MaxPool2d(3, stride=2, padding=1)(x))
rec('avgpool_k3s2p1_nopad', nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)(x))
rec('avgpool_k3s2p1', nn.AvgPool2d(3, stride=2, padding=1)(x))
x = pattern([1, 2, 5, 7], 11)
rec('adaptive_2x3', nn.AdaptiveAvgPool2d((2, 3))(x))
# BatchNorm
bn = nn.BatchNorm2d(2)
with torch.no_grad(): bn.weight.copy_(torch.tensor([1.5, -0.5])); bn.bias.copy_(torch.tensor([0.1, 0.2]))
x1 = pattern([3, 2, 2, 2], 12); x2 = pattern([3, 2, 2, 2], 13) * 2 + 0.5
rec('bn_train1', bn(x1)); bn(x2)
rec('bn_running_mean', bn.running_mean); rec('bn_running_var', bn.running_var); out['bn_nbt'] = int(bn.num_batches_tracked)
bn.eval(); rec('bn_eval', bn(x1))
# activations
x = torch.tensor([-3.0, -0.5, 0.0, 0.25, 2.0])
rec('sigmoid', torch.sigmoid(x)); rec('tanh', torch.tanh(x))
# losses
a = pattern([4, 3], 14, torch.float64); b = pattern([4, 3], 15, torch.float64)
rec('mse_mean', F.mse_loss(a, b)); rec('mse_sum', F.mse_loss(a, b, reduction='sum'))
t = torch.tensor([0, 2, 1, 2])
a.requires_grad_(True)
ce = F.cross_entropy(a, t); ce.backward(); rec('ce_mean', ce); rec('ce_grad', a.grad); a.grad = None
rec('ce_none', F.cross_entropy(a, t, reduction='none'))
rec('ce_sum', F.cross_entropy(a, t, reduction='sum'))
rec('ce_ls', F.cross_entropy(a, t, label_smoothing=0.1))
big = torch.tensor([[1000.0, 0.0, -1000.0], [50.0, 51.0, 52.0]])
rec('ce_big', F.cross_entropy(big, torch.tensor([1, 2]), reduction='none'))
probs = torch.softmax(pattern([4, 3], 16, torch.float64), 1)
rec('ce_probs', F.cross_entropy(a, probs))
y = (pattern([4, 3], 17, torch.float64) > 0).double()
bce = F.binary_cross_entropy_with_logits(a, y); bce.backward(); rec('bce_mean', bce); rec('bce_grad', a.grad)
rec('bce_none', F.binary_cross_entropy_with_logits(a, y, reduction='none'))
rec('bce_pos', F.binary_cross_entropy_with_logits(a, y, pos_weight=torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64), reduction='sum'))
rec('bce_big', F.binary_cross_entropy_with_logits(torch.tensor([200.0, -200.0, 0.0]), torch.tensor([0.0, 1.0, 0.5]), reduction='none'))
print(json.dumps(out))
