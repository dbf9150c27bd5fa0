"""``torchvision.datasets`` for Ember (plus the embedded ``Digits`` set)."""
from .cifar import CIFAR10, CIFAR100
from .coco import CocoCaptions, CocoDetection
from .digits import Digits
from .fakedata import FakeData
from .flowers102 import Flowers102
from .folder import DatasetFolder, ImageFolder
from .imagenet import ImageNet
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .oxford_iiit_pet import OxfordIIITPet
from .stl10 import STL10
from .svhn import SVHN
from .vision import VisionDataset
from .voc import VOCDetection, VOCSegmentation

__all__ = ["CIFAR10", "CIFAR100", "CocoCaptions", "CocoDetection", "Digits", "FakeData",
           "Flowers102", "DatasetFolder", "ImageFolder", "ImageNet", "EMNIST", "KMNIST", "MNIST",
           "FashionMNIST", "OxfordIIITPet", "STL10", "SVHN", "VisionDataset", "VOCDetection",
           "VOCSegmentation"]
