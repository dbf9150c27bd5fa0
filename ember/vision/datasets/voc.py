"""Pascal VOC 2007-2012 from the extracted ``VOCdevkit`` folder: segmentation (class masks)
and detection (the annotation XML as nested dicts, as torchvision returns it)."""
import collections
import os
from xml.etree.ElementTree import parse as _parse_xml

from ... import _errors
from .._pil import pil
from .utils import download_and_extract_archive, verify_str_arg
from .vision import VisionDataset


def _year(url_year, name, md5, base=("VOCdevkit",)):
    return {"url": f"https://thor.robots.ox.ac.uk/pascal/VOC/voc{url_year}/{name}",
            "filename": name, "md5": md5,
            "base_dir": os.path.join(*base, f"VOC{url_year}")}


DATASET_YEAR_DICT = {
    "2012": _year("2012", "VOCtrainval_11-May-2012.tar", "6cd6e144f989b92b3379bac3b3de84fd"),
    "2011": _year("2011", "VOCtrainval_25-May-2011.tar", "6c3384ef61512963050cb5d687e5bf1e",
                  ("TrainVal", "VOCdevkit")),
    "2010": _year("2010", "VOCtrainval_03-May-2010.tar", "da459979d0c395079b5c75ee67908abb"),
    "2009": _year("2009", "VOCtrainval_11-May-2009.tar", "a3e00b113cfcfebf17e343f59da3caa1"),
    "2008": {**_year("2008", "VOCtrainval_14-Jul-2008.tar", "2629fa636546599198acfcfbfcf1904a"),
             "filename": "VOCtrainval_11-May-2012.tar"},     # sic: torchvision's entry
    "2007": _year("2007", "VOCtrainval_06-Nov-2007.tar", "c52e279531787c972589f7e41ab4ae64"),
    "2007-test": _year("2007", "VOCtest_06-Nov-2007.tar", "b6e924de25625d8de591ea690078ad9f"),
}


class _VOCBase(VisionDataset):
    _SPLITS_DIR = _TARGET_DIR = _TARGET_FILE_EXT = None

    def __init__(self, root, year="2012", image_set="train", download=False, transform=None,
                 target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.year = verify_str_arg(year, "year", [str(y) for y in range(2007, 2013)])
        valid_sets = ["train", "trainval", "val"] + (["test"] if year == "2007" else [])
        self.image_set = verify_str_arg(image_set, "image_set", valid_sets)
        entry = DATASET_YEAR_DICT["2007-test" if year == "2007" and image_set == "test"
                                  else year]
        self.url, self.filename, self.md5 = entry["url"], entry["filename"], entry["md5"]
        voc_root = os.path.join(self.root, entry["base_dir"])
        if download:
            download_and_extract_archive(self.url, self.root, filename=self.filename,
                                         md5=self.md5)
        if not os.path.isdir(voc_root):
            raise _errors.vision_dataset_missing(corrupted=True)
        split_file = os.path.join(voc_root, "ImageSets", self._SPLITS_DIR,
                                  image_set.rstrip("\n") + ".txt")
        with open(split_file) as f:
            names = [x.strip() for x in f.readlines()]
        self.images = [os.path.join(voc_root, "JPEGImages", x + ".jpg") for x in names]
        self.targets = [os.path.join(voc_root, self._TARGET_DIR, x + self._TARGET_FILE_EXT)
                        for x in names]

    def __len__(self):
        return len(self.images)

    def _image(self, index):
        return pil().open(self.images[index]).convert("RGB")


class VOCSegmentation(_VOCBase):
    _SPLITS_DIR = "Segmentation"
    _TARGET_DIR = "SegmentationClass"
    _TARGET_FILE_EXT = ".png"

    @property
    def masks(self):
        return self.targets

    def __getitem__(self, index):
        return self._apply(self._image(index), pil().open(self.masks[index]))


class VOCDetection(_VOCBase):
    _SPLITS_DIR = "Main"
    _TARGET_DIR = "Annotations"
    _TARGET_FILE_EXT = ".xml"

    @property
    def annotations(self):
        return self.targets

    def __getitem__(self, index):
        target = self.parse_voc_xml(_parse_xml(self.annotations[index]).getroot())
        return self._apply(self._image(index), target)

    @staticmethod
    def parse_voc_xml(node):
        """An XML element as ``{tag: text}`` or ``{tag: {child tag: ...}}`` (repeated children
        as lists; ``object`` is always a list)."""
        voc_dict = {}
        children = list(node)
        if children:
            grouped = collections.defaultdict(list)
            for child in map(VOCDetection.parse_voc_xml, children):
                for key, value in child.items():
                    grouped[key].append(value)
            if node.tag == "annotation":
                grouped["object"] = [grouped["object"]]
            voc_dict = {node.tag: {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}}
        if node.text and not children:
            voc_dict[node.tag] = node.text.strip()
        return voc_dict
