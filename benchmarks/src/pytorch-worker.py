#!/usr/bin/python3
# PyTorch as an optional benchmark contender (src/pytorch.ts starts this with Debian's
# /usr/bin/python3 when `import torch` works there; it is never a dependency).
#
# One JSON request per line on stdin, one JSON reply per line on stdout. A request is
#   {"cmd": "setup", "task": "forward" | "train" | "lenet-epoch", "threads": n, ...}
#   {"cmd": "reset"}    fresh model and optimizer for an epoch (outside timing)
#   {"cmd": "run"}      one timed call: a forward, a training step or an epoch
#   {"cmd": "output", "path": p}   the eval forward's output as raw float32 written to p
#   {"cmd": "metric"}   forward: -; train: the first step's loss; lenet-epoch: test accuracy
#   {"cmd": "stats"}    versions, threads, the process's peak and baseline RSS
# Weights come from torchlet as a safetensors file (parsed here with numpy: the format is an
# 8-byte header length, a JSON header and raw little-endian bytes), so both run the same numbers.

import json
import resource
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak_rss_bytes():
    # VmHWM starts afresh at exec; ru_maxrss would carry the (large) parent's peak over exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


BASELINE_RSS = rss_bytes()  # after importing torch and torchvision, before any model


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    body = memoryview(raw)[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def read_f32(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(shape))


def read_labels(path):
    return torch.from_numpy(np.fromfile(path, dtype=np.int32).astype(np.int64))


def lenet():
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def build(net, num_classes):
    if net == "resnet18":
        return torchvision.models.resnet18(num_classes=num_classes)
    if net == "mobilenetV2":
        return torchvision.models.mobilenet_v2(num_classes=num_classes)
    if net == "lenet":
        return lenet()
    raise ValueError(f"unknown net {net}")


def load(model, path):
    state = read_safetensors(path)
    own = model.state_dict()
    for k, v in list(state.items()):
        if k in own:
            state[k] = v.to(own[k].dtype)
    missing, unexpected = model.load_state_dict(state, strict=False)
    # torchlet may leave out BatchNorm's step counter; every weight and statistic must match.
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"state dict mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}")


class Task:
    def __init__(self, req):
        self.req = req
        self.kind = req["task"]
        torch.manual_seed(0)
        self.model = build(req["net"], req.get("numClasses", 10))
        load(self.model, req["weights"])
        self.initial = {k: v.clone() for k, v in self.model.state_dict().items()}
        self.first_loss = None
        if self.kind == "lenet-epoch":
            n, tn = req["trainCount"], req["testCount"]
            self.images = read_f32(req["trainImages"], (n, 1, 28, 28))
            self.labels = read_labels(req["trainLabels"])
            self.test_images = read_f32(req["testImages"], (tn, 1, 28, 28))
            self.test_labels = read_labels(req["testLabels"])
            self.reset()
            self.run(limit=4 * req["batchSize"])  # warm up on 4 batches, as torchlet does
            self.reset()
        else:
            self.x = read_f32(req["input"], req["inputShape"])
            if self.kind == "forward":
                self.model.eval()
            else:
                self.labels = read_labels(req["labels"])
                self.model.train()
                self.opt = torch.optim.SGD(self.model.parameters(), lr=req["lr"], momentum=req["momentum"])
                self.first_loss = self.run()

    def reset(self):
        self.model.load_state_dict(self.initial)
        self.model.train()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=self.req["lr"])

    def run(self, limit=None):
        if self.kind == "forward":
            with torch.no_grad():
                return self.model(self.x)
        if self.kind == "train":
            self.opt.zero_grad()
            loss = F.cross_entropy(self.model(self.x), self.labels)
            loss.backward()
            self.opt.step()
            return loss.item()
        # one epoch in order, reading each batch's loss as torchlet does
        b = self.req["batchSize"]
        n = self.images.shape[0] if limit is None else limit
        total = 0.0
        for s in range(0, n, b):
            x, y = self.images[s : s + b], self.labels[s : s + b]
            loss = F.cross_entropy(self.model(x), y)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item() * x.shape[0]
        return total / n

    def metric(self):
        if self.kind == "train":
            return self.first_loss
        if self.kind == "lenet-epoch":
            self.model.eval()
            with torch.no_grad():
                pred = self.model(self.test_images).argmax(1)
            self.model.train()
            return float((pred == self.test_labels).float().mean())
        return None


def main():
    task = None
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        try:
            reply = {"ok": True}
            if cmd == "setup":
                torch.set_num_threads(req["threads"])
                task = Task(req)
            elif cmd == "reset":
                task.reset()
            elif cmd == "run":
                task.run()
            elif cmd == "output":
                with torch.no_grad():
                    task.model.eval()
                    y = task.model(task.x)
                y.numpy().astype(np.float32).tofile(req["path"])
            elif cmd == "metric":
                reply["value"] = task.metric()
            elif cmd == "stats":
                reply.update(
                    torch=torch.__version__,
                    torchvision=torchvision.__version__,
                    threads=torch.get_num_threads(),
                    peakRssBytes=peak_rss_bytes(),
                    baselineRssBytes=BASELINE_RSS,
                )
            elif cmd == "exit":
                break
            else:
                raise ValueError(f"unknown command {cmd}")
        except Exception as e:  # reported to the harness, which marks the contender failed
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
