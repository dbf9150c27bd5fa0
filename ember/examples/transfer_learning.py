"""Transfer learning: freeze a ResNet-18 backbone, replace its ``fc`` layer, train only
the new head.  The images are the embedded Digits, upsampled to 32x32 and repeated over
three channels.  The backbone is randomly initialised because the example runs offline;
with a network, ``resnet18(weights=ResNet18_Weights.DEFAULT)`` gives the pretrained one.

    python -m ember.examples.transfer_learning [--epochs N] [--train-size N]
"""
import ember as torch
from ember import nn
from ember.utils.data import Subset

from ._common import command_line, fit, loaders


def digits_as_rgb(size, train_size, test_size):
    """Digits subsets as 3 x size x size tensors, normalised like ImageNet inputs."""
    from ember.vision import datasets, transforms
    transform = transforms.Compose([
        transforms.Resize(size), transforms.Grayscale(num_output_channels=3),
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    train = datasets.Digits(train=True, transform=transform)
    test = datasets.Digits(train=False, transform=transform)
    return (Subset(train, range(min(train_size, len(train)))),
            Subset(test, range(min(test_size, len(test)))))


def frozen_resnet18(classes):
    """ResNet-18 whose parameters are all frozen except a new ``fc`` for ``classes``."""
    from ember.vision.models import resnet18
    model = resnet18()
    for p in model.parameters():
        p.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, classes)   # new parameters train
    return model


def main(argv=None):
    args = command_line("transfer_learning", argv,
                        {"epochs": 3, "train-size": 512, "test-size": 256, "image-size": 32,
                         "lr": 1e-2})
    model = frozen_resnet18(classes=10)
    trainable = [p for p in model.parameters() if p.requires_grad]
    print(f"training {sum(p.numel() for p in trainable)} of "
          f"{sum(p.numel() for p in model.parameters())} parameters (the new fc)")
    train, test = digits_as_rgb(args.image_size, args.train_size, args.test_size)
    train_loader, test_loader = loaders(train, test, batch_size=64)
    optimizer = torch.optim.Adam(trainable, lr=args.lr)
    history = fit(model, train_loader, test_loader, optimizer, args.epochs)
    print(f"Final test accuracy: {100 * history['accuracy'][-1]:.1f}%")
    return model, history


if __name__ == "__main__":
    main()
