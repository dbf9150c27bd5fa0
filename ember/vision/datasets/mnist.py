"""MNIST-family data sets read from IDX files in torchvision's layout ``root/<Name>/raw``.

Both the gzipped files (as downloaded) and their extracted copies are accepted."""
import gzip
import os
import string

import numpy as np

import ember

from ... import _errors
from .._pil import pil
from .utils import download_from_mirrors, extract_archive, download_url
from .vision import VisionDataset

_IDX_TYPES = {8: np.uint8, 9: np.int8, 11: np.dtype(">i2"), 12: np.dtype(">i4"),
              13: np.dtype(">f4"), 14: np.dtype(">f8")}


def read_idx(path):
    """Parse an IDX file (optionally gzipped) into a writable NumPy array in native byte order.
    The data is read straight into the array, a MiB at a time (gzip reads a whole request into
    a temporary first): MNIST's 47 MB of training images are held once, not as the file's
    bytes and two copies."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic = f.read(4)
        if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES:
            raise _errors.not_idx_file(path)
        dims = f.read(4 * magic[3])
        shape = tuple(int.from_bytes(dims[i:i + 4], "big") for i in range(0, len(dims), 4))
        data = np.empty(shape, _IDX_TYPES[magic[2]])
        view, filled = memoryview(data.reshape(-1)).cast("B"), 0
        while filled < len(view) and (n := f.readinto(view[filled:filled + (1 << 20)])):
            filled += n
        if filled < len(view) or f.read(1):
            raise ValueError(f"{path}: the data does not fill the IDX shape {shape}")
    return data.astype(data.dtype.newbyteorder("="), copy=False)


class MNIST(VisionDataset):
    """Items are ``(PIL image of mode 'L', int label)`` before transforms."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self._download_and_check(download, self._check_exists, corrupted=False)
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _files(self):
        prefix = "train" if self.train else "t10k"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _find(self, name):
        """The extracted file if present, else the gzipped one (None when neither is)."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(n) is not None for n in self._files())

    def _load_data(self):
        images, labels = (read_idx(self._find(n)) for n in self._files())
        return ember.from_numpy(images), ember.from_numpy(labels.astype(np.int64))

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            download_from_mirrors(self.mirrors, filename, self.raw_folder, md5)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img = pil().fromarray(self.data[index].numpy(), mode="L")
        return self._apply(img, int(self.targets[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


_LETTERS = list(string.ascii_lowercase)
_MERGED = ["c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"]


class EMNIST(MNIST):
    """EMNIST; ``split`` picks the file set ``emnist-<split>-{train,test}-...`` in ``raw``."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    classes_split_dict = {
        "byclass": list(string.digits + string.ascii_uppercase + string.ascii_lowercase),
        "bymerge": list(string.digits + string.ascii_uppercase)
        + [c for c in string.ascii_lowercase if c not in _MERGED],
        "balanced": list(string.digits + string.ascii_uppercase)
        + [c for c in string.ascii_lowercase if c not in _MERGED],
        "letters": ["N/A"] + _LETTERS,
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        if split not in self.splits:
            raise _errors.emnist_split(split, self.splits)
        self.split = split
        self.classes = self.classes_split_dict[split]
        super().__init__(root, **kwargs)

    def _files(self):
        part = "train" if self.train else "test"
        return [f"emnist-{self.split}-{part}-images-idx3-ubyte",
                f"emnist-{self.split}-{part}-labels-idx1-ubyte"]

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        try:
            download_url(self.url, self.raw_folder, md5=self.md5)
        except OSError as e:
            raise _errors.download_failed(self.url, e, "gzip.zip", self.md5,
                                          self.raw_folder) from e
        extract_archive(os.path.join(self.raw_folder, "gzip.zip"), self.raw_folder)
        gz_dir = os.path.join(self.raw_folder, "gzip")
        for name in os.listdir(gz_dir):
            if name.endswith(".gz"):
                os.replace(os.path.join(gz_dir, name), os.path.join(self.raw_folder, name))
