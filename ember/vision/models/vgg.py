"""VGG (Simonyan & Zisserman, 2014): configurations A, B, D, E, with or without batch norm."""
from ... import nn
from ._api import builder

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights",
           "VGG16_Weights", "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11",
           "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]

# channel counts of the 3x3 convolutions; "M" is a 2x2 max-pool
CFGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    layers, in_channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def _prepare(weights, kwargs):
    kwargs.setdefault("init_weights", False)      # the checkpoint overwrites them anyway


def _vgg(cfg, batch_norm):
    def make(**kwargs):
        return VGG(make_layers(CFGS[cfg], batch_norm), **kwargs)
    return make


VGG11_Weights, vgg11 = builder("vgg11", _vgg("A", False), prepare=_prepare)
VGG11_BN_Weights, vgg11_bn = builder("vgg11_bn", _vgg("A", True), prepare=_prepare)
VGG13_Weights, vgg13 = builder("vgg13", _vgg("B", False), prepare=_prepare)
VGG13_BN_Weights, vgg13_bn = builder("vgg13_bn", _vgg("B", True), prepare=_prepare)
VGG16_Weights, vgg16 = builder("vgg16", _vgg("D", False), prepare=_prepare)
VGG16_BN_Weights, vgg16_bn = builder("vgg16_bn", _vgg("D", True), prepare=_prepare)
VGG19_Weights, vgg19 = builder("vgg19", _vgg("E", False), prepare=_prepare)
VGG19_BN_Weights, vgg19_bn = builder("vgg19_bn", _vgg("E", True), prepare=_prepare)
