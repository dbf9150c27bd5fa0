"""torchvision imports resolve to ember.vision."""
import torchvision
from torchvision import datasets, transforms, models

print(torchvision.__name__, datasets.__name__, transforms.__name__, models.__name__)
