"""ImageNet 2012 in torchvision's layout: ``root/meta.bin`` (class names per WordNet id and
the validation labels) and ``root/{train,val}/<wnid>/*.JPEG``; both are made from the
official archives (placed in ``root`` by hand) on first use."""
import os
import shutil
import tempfile

from ... import _errors
from .folder import ImageFolder
from .utils import check_integrity, extract_archive, loadmat, verify_str_arg

ARCHIVE_META = {
    "train": ("ILSVRC2012_img_train.tar", "1d675b47d978889d74fa0da5fadfb00e"),
    "val": ("ILSVRC2012_img_val.tar", "29b22e2961454d5413ddabcf34fc5622"),
    "devkit": ("ILSVRC2012_devkit_t12.tar.gz", "fa75699e90414af021442c21a62c3abf"),
}
META_FILE = "meta.bin"


class ImageNet(ImageFolder):
    """``classes`` are the tuples of names of each class; ``wnids`` their WordNet ids."""

    def __init__(self, root, split="train", **kwargs):
        root = self.root = os.path.expanduser(root)
        self.split = verify_str_arg(split, "split", ("train", "val"))
        self.parse_archives()
        wnid_to_classes = load_meta_file(self.root)[0]
        super().__init__(self.split_folder, **kwargs)
        self.root = root
        self.wnids, self.wnid_to_idx = self.classes, self.class_to_idx
        self.classes = [wnid_to_classes[wnid] for wnid in self.wnids]
        self.class_to_idx = {cls: idx for idx, clss in enumerate(self.classes) for cls in clss}

    def parse_archives(self):
        if not check_integrity(os.path.join(self.root, META_FILE)):
            parse_devkit_archive(self.root)
        if not os.path.isdir(self.split_folder):
            (parse_train_archive if self.split == "train" else parse_val_archive)(self.root)

    @property
    def split_folder(self):
        return os.path.join(self.root, self.split)

    def extra_repr(self):
        return f"Split: {self.split}"


def load_meta_file(root, file=None):
    """``(wnid_to_classes, val_wnids)`` from ``meta.bin`` (a ``torch.save`` file)."""
    from ... import load
    file = os.path.join(root, file or META_FILE)
    if not check_integrity(file):
        raise _errors.imagenet_meta_missing(file)
    return load(file, weights_only=True)


def _verify_archive(root, file, md5):
    if not check_integrity(os.path.join(root, file), md5):
        raise _errors.imagenet_archive_missing(file, root)


def parse_devkit_archive(root, file=None):
    """Write ``meta.bin`` from the devkit's ``meta.mat`` and validation ground truth."""
    from ... import save
    _verify_archive(root, file or ARCHIVE_META["devkit"][0], ARCHIVE_META["devkit"][1])
    tmp_dir = tempfile.mkdtemp()
    try:
        extract_archive(os.path.join(root, file or ARCHIVE_META["devkit"][0]), tmp_dir)
        devkit = os.path.join(tmp_dir, "ILSVRC2012_devkit_t12")
        synsets = loadmat(os.path.join(devkit, "data", "meta.mat"), squeeze_me=True)["synsets"]
        leaves = [s for s in synsets if s[4] == 0]          # num_children == 0: the classes
        idx_to_wnid = {s[0]: s[1] for s in leaves}
        wnid_to_classes = {s[1]: tuple(s[2].split(", ")) for s in leaves}
        with open(os.path.join(devkit, "data", "ILSVRC2012_validation_ground_truth.txt")) as f:
            val_wnids = [idx_to_wnid[int(line)] for line in f.readlines()]
        save((wnid_to_classes, val_wnids), os.path.join(root, META_FILE))
    finally:
        shutil.rmtree(tmp_dir)


def parse_train_archive(root, file=None, folder="train"):
    """Extract the training tar and its per-class tars into ``root/train/<wnid>/``."""
    file = file or ARCHIVE_META["train"][0]
    _verify_archive(root, file, ARCHIVE_META["train"][1])
    train_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), train_root)
    for archive in [os.path.join(train_root, a) for a in os.listdir(train_root)]:
        extract_archive(archive, os.path.splitext(archive)[0], remove_finished=True)


def parse_val_archive(root, file=None, wnids=None, folder="val"):
    """Extract the validation tar and sort its images into ``root/val/<wnid>/``."""
    file = file or ARCHIVE_META["val"][0]
    if wnids is None:
        wnids = load_meta_file(root)[1]
    _verify_archive(root, file, ARCHIVE_META["val"][1])
    val_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), val_root)
    images = sorted(os.path.join(val_root, image) for image in os.listdir(val_root))
    for wnid in set(wnids):
        os.mkdir(os.path.join(val_root, wnid))
    for wnid, img_file in zip(wnids, images):
        shutil.move(img_file, os.path.join(val_root, wnid, os.path.basename(img_file)))
