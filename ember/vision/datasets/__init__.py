"""``torchvision.datasets`` for Ember (plus the embedded ``Digits`` set)."""
from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "Digits", "FakeData", "DatasetFolder", "ImageFolder",
           "EMNIST", "KMNIST", "MNIST", "FashionMNIST", "VisionDataset"]
