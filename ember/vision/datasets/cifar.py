"""CIFAR-10 / CIFAR-100 from the python pickle batches (``root/cifar-10-batches-py``)."""
import os
import pickle

import numpy as np

from ... import _errors
from .._pil import pil
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset


class CIFAR10(VisionDataset):
    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self._download_and_check(download, self._check_integrity)
        chunks, self.targets = [], []
        for name in (self.train_list if train else self.test_list):
            entry = self._unpickle(name)
            chunks.append(entry["data"])
            self.targets.extend(entry[self.labels_key])
        # Stored as flat CHW rows; expose HWC uint8 like torchvision.
        self.data = np.vstack(chunks).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        self.classes = list(self._unpickle(self.meta["filename"])[self.meta["key"]])
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _unpickle(self, name):
        with open(os.path.join(self.root, self.base_folder, name), "rb") as f:
            return pickle.load(f, encoding="latin1")

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, n))
                   for n in self.train_list + self.test_list + [self.meta["filename"]])

    def download(self):
        if self._check_integrity():
            return
        try:
            download_and_extract_archive(self.url, self.root, filename=self.filename,
                                         md5=self.tgz_md5)
        except OSError as e:
            raise _errors.download_failed(self.url, e, self.filename, self.tgz_md5,
                                          self.root) from e

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self._apply(pil().fromarray(self.data[index]), int(self.targets[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"

class CIFAR100(CIFAR10):
    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"

