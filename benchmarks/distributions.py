"""Sampling: torch.distributions on a batch of 4096 (Normal.log_prob, Categorical.sample and
MultivariateNormal.rsample, float32, in calls per second), and building VGG-16 with its default
initialisation (138M float32 parameters drawn from the seeded generator: the default
``kaiming_uniform_`` of every layer, then VGG's ``kaiming_normal_`` / ``normal_``)."""
from .harness import Workload

BATCH = 4096


def _normal(lib):
    gen = lib.Generator().manual_seed(0)
    loc = lib.randn(BATCH, generator=gen)
    d = lib.distributions.Normal(loc, lib.rand(BATCH, generator=gen) + 0.5)
    return d, lib.randn(BATCH, generator=gen)


def _categorical(lib):
    gen = lib.Generator().manual_seed(1)
    return lib.distributions.Categorical(logits=lib.randn(BATCH, 10, generator=gen))


def _mvn(lib):
    gen = lib.Generator().manual_seed(2)
    a = lib.randn(4, 4, generator=gen)
    cov = a @ a.T + 4 * lib.eye(4)
    return lib.distributions.MultivariateNormal(lib.randn(BATCH, 4, generator=gen),
                                                covariance_matrix=cov)


def normal_log_prob(state):
    d, x = state
    d.log_prob(x)


def categorical_sample(d):
    d.sample()


def mvn_rsample(d):
    d.rsample()


# VGG-16 (configuration "D"), written once against the torch.nn API: torchvision's
# architecture and init recipe, so both libraries do the same work
_VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


def _vgg16(state):
    """Build VGG-16; ``--quick`` narrows every layer 8 times (a smoke run, not 2 x 550 MB)."""
    lib, narrow = state
    nn, layers, cin = lib.nn, [], 3
    for v in _VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(cin, v // narrow, 3, padding=1), nn.ReLU(True)]
            cin = v // narrow
    hidden = 4096 // narrow
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten(),
                          nn.Linear(cin * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
                          nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
                          nn.Linear(hidden, 1000))
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.constant_(m.bias, 0)
    return model


def _seeded(lib, narrow=1):
    lib.manual_seed(0)
    return lib, narrow


WORKLOADS = [
    Workload("distributions_normal_log_prob", f"Normal.log_prob, batch {BATCH}", _normal,
             normal_log_prob, calls=500, unit="calls/s"),
    Workload("distributions_categorical_sample", f"Categorical.sample, batch {BATCH} x 10",
             _categorical, categorical_sample, calls=300, unit="calls/s"),
    Workload("distributions_mvn_rsample", f"MultivariateNormal.rsample, batch {BATCH} x 4",
             _mvn, mvn_rsample, calls=300, unit="calls/s"),
    Workload("distributions_vgg16_init", "VGG-16 built with default init (138M parameters)",
             _seeded, _vgg16, calls=1, unit="builds/s",
             quick_setup=lambda lib: _seeded(lib, narrow=8)),
]
