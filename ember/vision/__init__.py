"""``torchvision`` for Ember: models, transforms, datasets, utils."""
from . import datasets, models, transforms, utils  # noqa: F401
