"""Golden data for @torchlet/vision's image decoding and transforms, from Debian's
python3-torchvision 0.14 and PIL: `python3 packages/vision/test/transforms-golden.py`.

Writes the committed test images (images/pattern.png, images/pattern.jpg: a 23x17 RGB pattern)
and golden/transforms.json: the decoded pixels (PIL) and torchvision's outputs of ToTensor,
Normalize, Resize, CenterCrop, crop and hflip on the decoded PNG.
"""
import json
import os

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 23, 17

pixels = np.zeros((H, W, 3), dtype=np.uint8)
for y in range(H):
    for x in range(W):
        pixels[y, x] = ((x * 11 + y * 7) % 256, (x * x + 3 * y) % 256, (5 * x * y + 40) % 256)
img = Image.fromarray(pixels, "RGB")
img.save(os.path.join(HERE, "images", "pattern.png"))
# 4:4:4 (no chroma subsampling): decoders then differ only by IDCT rounding; with 4:2:0 they
# also differ by their chroma upsampling, by tens of levels on this sharp pattern.
img.save(os.path.join(HERE, "images", "pattern.jpg"), quality=90, subsampling=0)
img.save(os.path.join(HERE, "images", "pattern-420.jpg"), quality=90, subsampling=2)

png = Image.open(os.path.join(HERE, "images", "pattern.png")).convert("RGB")
jpg = Image.open(os.path.join(HERE, "images", "pattern.jpg")).convert("RGB")
jpg420 = Image.open(os.path.join(HERE, "images", "pattern-420.jpg")).convert("RGB")


def flat(t):
    t = torch.as_tensor(t)
    return {"shape": list(t.shape), "data": t.double().flatten().tolist()}


x = T.ToTensor()(png)  # [3, H, W] float32 in [0, 1]
u8 = F.pil_to_tensor(png)  # [3, H, W] uint8
mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
cases = {
    "png_pixels": flat(np.array(png)),
    "png_gray": flat(np.array(png.convert("L"))),
    "jpeg_pixels": flat(np.array(jpg)),
    "jpeg420_pixels": flat(np.array(jpg420)),
    "to_tensor": flat(x),
    "normalize": flat(F.normalize(x, mean, std)),
    "resize_8_bilinear": flat(F.resize(x, 8, antialias=False)),
    "resize_40_bilinear": flat(F.resize(x, 40, antialias=False)),
    "resize_10x30_nearest": flat(F.resize(x, [10, 30], interpolation=T.InterpolationMode.NEAREST)),
    "resize_12_max14_bilinear": flat(F.resize(x, 12, max_size=14, antialias=False)),
    "resize_uint8_12_bilinear": flat(F.resize(u8, 12, antialias=False)),
    "resize_uint8_9x31_nearest": flat(F.resize(u8, [9, 31], interpolation=T.InterpolationMode.NEAREST)),
    # antialias=True: torchvision's tensor path through F.interpolate(..., antialias=True).
    "resize_8_antialias": flat(F.resize(x, 8, antialias=True)),
    "resize_40_antialias": flat(F.resize(x, 40, antialias=True)),
    "resize_5x19_antialias": flat(F.resize(x, [5, 19], antialias=True)),
    "resize_uint8_7_antialias": flat(F.resize(u8, 7, antialias=True)),
    # The PIL path always antialiases (in fixed point): within one level of the tensor path.
    "resize_pil_7": flat(np.array(F.resize(png, 7))),
    "center_crop_10": flat(F.center_crop(x, 10)),
    "center_crop_8x13": flat(F.center_crop(x, [8, 13])),
    "center_crop_20x30": flat(F.center_crop(x, [20, 30])),
    "crop_m2_3_6_8": flat(F.crop(x, -2, 3, 6, 8)),
    "crop_14_20_6_8": flat(F.crop(x, 14, 20, 6, 8)),
    "hflip": flat(F.hflip(x)),
    "pipeline": flat(
        T.Compose([T.ToTensor(), T.Resize(12, antialias=False), T.CenterCrop(10), T.Normalize(mean, std)])(png)
    ),
}
meta = {"generator": "packages/vision/test/transforms-golden.py", "torch": torch.__version__}
with open(os.path.join(HERE, "golden", "transforms.json"), "w") as f:
    json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print("ok", {k: v["shape"] for k, v in cases.items()})
