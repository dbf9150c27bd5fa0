"""COCO detection and captions: images under ``root``, annotations from the ``annFile`` JSON
(read with pycocotools when it is installed, else with a small built-in index giving the same
``imgs`` / ``loadImgs`` / ``getAnnIds`` / ``loadAnns`` answers)."""
import collections
import json
import os

from ... import _errors
from .._pil import pil
from .vision import VisionDataset


class _CocoIndex:
    """The part of ``pycocotools.coco.COCO`` the data sets use."""

    def __init__(self, annotation_file):
        with open(annotation_file) as f:
            dataset = json.load(f)
        self.dataset = dataset
        self.imgs = {img["id"]: img for img in dataset.get("images", [])}
        self.anns = {ann["id"]: ann for ann in dataset.get("annotations", [])}
        self.cats = {cat["id"]: cat for cat in dataset.get("categories", [])}
        self.imgToAnns = collections.defaultdict(list)
        for ann in dataset.get("annotations", []):
            self.imgToAnns[ann["image_id"]].append(ann)

    def loadImgs(self, ids):
        return [self.imgs[i] for i in (ids if isinstance(ids, list) else [ids])]

    def getAnnIds(self, imgIds):
        ids = imgIds if isinstance(imgIds, list) else [imgIds]
        return [ann["id"] for i in ids for ann in self.imgToAnns.get(i, [])]

    def loadAnns(self, ids):
        return [self.anns[i] for i in (ids if isinstance(ids, list) else [ids])]


def _coco(annotation_file):
    try:
        from pycocotools.coco import COCO
    except ImportError:
        return _CocoIndex(annotation_file)
    return COCO(annotation_file)


class CocoDetection(VisionDataset):
    """``(image, [annotation dicts])`` per image, images in increasing id order."""

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.coco = _coco(annFile)
        self.ids = list(sorted(self.coco.imgs.keys()))

    def _load_image(self, id):
        path = self.coco.loadImgs(id)[0]["file_name"]
        return pil().open(os.path.join(self.root, path)).convert("RGB")

    def _load_target(self, id):
        return self.coco.loadAnns(self.coco.getAnnIds(id))

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise _errors.coco_index_type(index)
        id = self.ids[index]
        return self._apply(self._load_image(id), self._load_target(id))

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """``(image, [caption strings])`` per image."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
