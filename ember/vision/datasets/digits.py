"""The embedded UCI handwritten digits: 1,797 grey 8×8 images, no download needed.

Source: E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
Learning Repository, 1998 (CC BY 4.0). Shipped as ``data/digits.csv.gz``: each row is 64 pixel
values 0..16 (row-major 8×8) followed by the label.

Split (deterministic): the first 1,437 rows are ``train=True``, the last 360 ``train=False``.
``.data`` keeps the original 0..16 scale as uint8 (N, 8, 8); items are PIL 'L' images scaled to
0..255 (``value * 255 // 16``) so the usual transforms (ToTensor → [0, 1]) apply unchanged.
"""
import gzip
import os

import numpy as np

import ember

from .._pil import pil
from .vision import VisionDataset

_FILE = os.path.join(os.path.dirname(__file__), "data", "digits.csv.gz")
N_TRAIN = 1437


def _load():
    with gzip.open(_FILE, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    return rows[:, :64].reshape(-1, 8, 8), rows[:, 64].astype(np.int64)


class Digits(VisionDataset):
    classes = [str(i) for i in range(10)]

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels = _load()
        part = slice(None, N_TRAIN) if train else slice(N_TRAIN, None)
        self.data = ember.from_numpy(np.ascontiguousarray(images[part]))
        self.targets = ember.from_numpy(labels[part].copy())
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        pixels = self.data[index].numpy().astype(np.uint16) * 255 // 16
        return self._apply(pil().fromarray(pixels.astype(np.uint8), mode="L"),
                           int(self.targets[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"
