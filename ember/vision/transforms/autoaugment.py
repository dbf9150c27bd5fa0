"""``torchvision.transforms.autoaugment``: the learned AutoAugment policies' names (the
transforms themselves are in ``transforms.v2``)."""
import enum


class AutoAugmentPolicy(enum.Enum):
    """The policies learned on ImageNet, CIFAR10 and SVHN."""
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"
