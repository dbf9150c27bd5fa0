"""Category names of the datasets the published weights were trained on (ImageNet-1K, VOC,
COCO, Kinetics-400) and COCO's person keypoints, as torchvision names them
(``_IMAGENET_CATEGORIES``, ...), read from ``_meta.json``."""
import json
import os

with open(os.path.join(os.path.dirname(__file__), "_meta.json"), encoding="utf-8") as _f:
    globals().update(json.load(_f))
