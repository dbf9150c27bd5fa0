"""Eval-mode outputs of ember.vision.models against real torchvision 0.28 with the same weights
(torchvision's randomly initialised state_dict copied into Ember's model); the smallest model
of each family, on a small image."""
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import models

# name: (image side, constructor arguments for both libraries)
CASES = {
    "resnext50_32x4d": (32, {}),
    "densenet161": (32, {}),
    "squeezenet1_1": (64, {}),
    "mobilenet_v3_small": (64, {}),
    "mobilenet_v3_large": (64, {"reduced_tail": True, "dilated": True}),
    "efficientnet_b0": (32, {}),
    "efficientnet_v2_s": (32, {}),
    "mnasnet0_5": (64, {}),
    "shufflenet_v2_x0_5": (64, {}),
    "regnet_x_400mf": (32, {}),
    "regnet_y_400mf": (32, {}),
    "googlenet": (32, {"init_weights": False, "transform_input": True}),
    "inception_v3": (75, {"init_weights": False}),
    "convnext_tiny": (32, {}),
    "vit_b_32": (64, {"image_size": 64}),
    "swin_t": (64, {}),
    "swin_v2_t": (64, {}),
}
SLOW = {"densenet161", "efficientnet_v2_s", "inception_v3", "convnext_tiny", "vit_b_32", "swin_t",
        "swin_v2_t"}


@pytest.fixture(scope="module")
def tv():
    from tests.oracle import torchvision_ref
    return torchvision_ref.load()


@pytest.fixture
def no_init(monkeypatch):
    """Ember's models are built without drawing initial values: torchvision's replace them."""
    def keep(self, *args, **kwargs):
        return self
    for name in ("uniform_", "normal_"):
        monkeypatch.setattr(ember.Tensor, name, keep)
    monkeypatch.setattr(ember.nn.init, "trunc_normal_", lambda t, *a, **k: t)


def compare(tv, name, size, kwargs, atol=1e-4):
    import torch
    torch.manual_seed(0)
    theirs = tv.models.get_model(name, **kwargs).eval()
    with torch.no_grad():   # move off special initial values (ViT's zero head, unit norms)
        for p in theirs.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    ours = models.get_model(name, **kwargs).eval()
    state = theirs.state_dict()
    copied = OrderedDict((k, ember.tensor(v.numpy())) for k, v in state.items())
    copied._metadata = state._metadata     # module versions (MNASNet reads them)
    ours.load_state_dict(copied)
    x = np.random.default_rng(0).standard_normal((1, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    with ember.no_grad():
        got = ours(ember.from_numpy(x)).numpy()
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, atol=atol, rtol=1e-3)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n
                                  for n in CASES])
def test_forward_matches_torchvision(name, tv, no_init):
    size, kwargs = CASES[name]
    compare(tv, name, size, kwargs)
