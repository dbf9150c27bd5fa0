"""Base class of the vision data sets (``torchvision.datasets.VisionDataset``)."""
import os

from ... import _errors
from ...utils.data import Dataset


class VisionDataset(Dataset):
    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        if transforms is not None and (transform is not None or target_transform is not None):
            raise _errors.vision_transforms_exclusive()
        self.transform, self.target_transform = transform, target_transform
        if transforms is None and (transform is not None or target_transform is not None):
            transforms = _PairTransform(transform, target_transform)
        self.transforms = transforms

    def _download_and_check(self, download, present, corrupted=True):
        """``download()`` when asked; then torchvision's error unless ``present()``."""
        if download:
            self.download()
        if not present():
            raise _errors.vision_dataset_missing(corrupted=corrupted)

    def _apply(self, img, target):
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"Root location: {self.root}")
        lines += [ln for ln in self.extra_repr().splitlines() if ln]
        for name, t in (("Transform", self.transform),
                        ("Target transform", self.target_transform)):
            if t is not None:
                body = repr(t).splitlines()
                lines.append(f"{name}: {body[0]}")
                lines += [" " * len(name) + "  " + ln for ln in body[1:]]
        pad = " " * self._repr_indent
        return "\n".join([f"Dataset {type(self).__name__}"] + [pad + ln for ln in lines])


class _PairTransform:
    def __init__(self, transform, target_transform):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, img, target):
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target
