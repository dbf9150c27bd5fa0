"""``torchvision`` for Ember: models, transforms, datasets, ops (boxes, NMS, RoI pooling,
shared layers), io (image files through Pillow) and utils."""
from . import datasets, io, models, ops, transforms, tv_tensors, utils  # noqa: F401
