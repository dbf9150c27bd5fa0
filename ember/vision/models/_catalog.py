"""Facts about torchvision 0.28's published weights, read from ``_catalog.json`` (recorded from
torchvision's weight enums; tests compare them), one entry per builder:
``name: (enum class name, DEFAULT member, [(member, file under download.pytorch.org/models/,
transforms preset, preset arguments, meta), ...])``.  ``meta["categories"]`` (and
``meta["keypoint_names"]``) name lists in ``_meta``.  JSON has no tuples: every list inside a
member (``min_size``, a video preset's sizes, ...) is one in torchvision."""
import json
import os


def _tuples(obj):
    if isinstance(obj, list):
        return tuple(_tuples(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _tuples(v) for k, v in obj.items()}
    return obj


with open(os.path.join(os.path.dirname(__file__), "_catalog.json"), encoding="utf-8") as _f:
    CATALOG = {name: (cls, default, [_tuples(m) for m in members])
               for name, (cls, default, members) in json.load(_f).items()}
