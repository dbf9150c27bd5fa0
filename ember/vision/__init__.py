"""``torchvision`` for Ember: models, transforms, datasets, utils."""
from . import models  # noqa: F401
