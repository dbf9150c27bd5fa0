"""ember.vision.models against facts recorded from real torchvision (../shared/fixtures)."""
import json
import os
import shutil
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models
from tests import isolated

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures")
MODELS_JSON = os.path.join(FIXTURES, "torchvision_models.json")
needs_fixtures = pytest.mark.skipif(not os.path.exists(MODELS_JSON),
                                    reason="shared/fixtures/torchvision_models.json absent")

# input side for the forward check: the deep models get a smaller image to keep tests quick
FORWARD_SIZE = {"resnet50": 32, "densenet121": 32, "vgg16": 32, "vgg16_bn": 32, "vgg11": 32}
# VGG's default init draws 130M numbers; structure does not depend on it
FAST_KWARGS = {"vgg11": {"init_weights": False}, "vgg16": {"init_weights": False},
               "vgg16_bn": {"init_weights": False}}


def _recorded():
    with open(MODELS_JSON) as f:
        return json.load(f)["models"]


@pytest.fixture(scope="module")
def recorded():
    return _recorded()


# above this many parameters (the VGGs, 530-550 MB of float32 weights; AlexNet, 240 MB) an
# architecture is built in its own process (tests/isolated.py): on top of an xdist worker's
# memory the VGGs passed 1 GB
ISOLATED_PARAMS = 50_000_000


def _facts(name):
    """What the tests below check of one architecture: its state_dict entries, repr, parameter
    count, and the shape, dtype and finiteness of an eval-mode forward's output."""
    ember.manual_seed(0)
    model = getattr(models, name)(**FAST_KWARGS.get(name, {}))
    facts = {"state_dict": [[k, list(v.shape), str(v.dtype)]
                            for k, v in model.state_dict().items()],
             "repr": repr(model), "num_params": sum(p.numel() for p in model.parameters())}
    size = FORWARD_SIZE.get(name, 64)
    with ember.no_grad():
        out = model.eval()(ember.randn(1, 3, size, size))
    facts.update(out_shape=tuple(out.shape), out_dtype=str(out.dtype),
                 out_finite=bool(np.isfinite(out.numpy()).all()))
    return facts


@pytest.fixture(scope="module")
def built(name, recorded):
    """Each architecture built once (construction is the slow part) for the tests that take it:
    its facts.  ``name`` is a module-scoped parameter, so pytest runs those tests together and
    drops the model before building the next: holding them all kept 2 GB alive (three VGGs)."""
    if recorded[name]["num_params"] > ISOLATED_PARAMS:
        return isolated.run(_facts, name)
    return _facts(name)


MODEL_NAMES = list(_recorded()) if os.path.exists(MODELS_JSON) else []


@needs_fixtures
@pytest.mark.parametrize("name", MODEL_NAMES, scope="module")
def test_state_dict_repr_and_params_match_torchvision(name, recorded, built):
    rec = recorded[name]
    assert built["state_dict"] == rec["state_dict"]
    assert built["repr"] == rec["repr"]
    assert built["num_params"] == rec["num_params"]


@needs_fixtures
@pytest.mark.parametrize("name", MODEL_NAMES, scope="module")
def test_forward_shape(name, built):
    assert built["out_shape"] == (1, 1000)
    assert built["out_dtype"] == str(ember.float32)
    assert built["out_finite"]


def test_train_mode_backward_and_num_classes():
    model = models.resnet18(num_classes=7)
    out = model(ember.randn(2, 3, 32, 32))
    assert tuple(out.shape) == (2, 7)
    out.sum().backward()
    assert model.conv1.weight.grad is not None
    assert model.layer4[1].bn2.weight.grad.shape == (512,)


def test_extra_builders(monkeypatch):
    m = models.squeezenet1_1(num_classes=5).eval()
    with ember.no_grad():
        assert tuple(m(ember.randn(1, 3, 64, 64)).shape) == (1, 5)
    # VGG-11's 133M parameters without drawing their initial values, which this test does not
    # read: their pages are then never touched (530 MB otherwise)
    monkeypatch.setattr(ember.Tensor, "uniform_", lambda self, *args, **kwargs: self)
    assert len(models.vgg11_bn(init_weights=False).features) == 29


def test_zero_init_residual():
    m = models.resnet18(zero_init_residual=True)
    assert (m.layer1[0].bn2.weight.detach().numpy() == 0).all()
    assert (m.layer1[0].bn1.weight.detach().numpy() == 1).all()


# ---- weights API ------------------------------------------------------------------------------
def test_weight_enums():
    w = models.ResNet18_Weights
    assert w.DEFAULT is w.IMAGENET1K_V1
    assert w.IMAGENET1K_V1.url == "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    assert models.ResNet50_Weights.DEFAULT is models.ResNet50_Weights.IMAGENET1K_V2
    assert models.MobileNet_V2_Weights.DEFAULT.url.endswith("mobilenet_v2-7ebf99e0.pth")
    assert w.verify("DEFAULT") is w.IMAGENET1K_V1
    assert w.verify("ResNet18_Weights.IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert repr(w.IMAGENET1K_V1) == "ResNet18_Weights.IMAGENET1K_V1"
    assert w.IMAGENET1K_V1.meta["num_params"] == 11689512
    assert callable(w.IMAGENET1K_V1.transforms)
    with pytest.raises(ValueError, match="Failed to find Weights `NOPE`"):
        w.verify("NOPE")
    with pytest.raises(TypeError, match="expected ResNet18_Weights"):
        models.resnet18(weights=models.AlexNet_Weights.DEFAULT)


def test_registry():
    names = models.list_models()
    for n in ("resnet18", "resnet50", "vgg16_bn", "alexnet", "mobilenet_v2", "squeezenet1_0",
              "densenet121"):
        assert n in names
    assert models.list_models(include="resnet[1-5]?") == ["resnet18", "resnet34", "resnet50"]
    assert models.get_model_weights("alexnet") is models.AlexNet_Weights
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V1") is \
        models.ResNet50_Weights.IMAGENET1K_V1
    assert type(models.get_model("squeezenet1_0", num_classes=3)).__name__ == "SqueezeNet"
    with pytest.raises(ValueError, match="Unknown model"):
        models.get_model("nope")


def test_missing_checkpoint_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    expected = os.path.join(str(tmp_path), "hub", "checkpoints", "resnet18-f37072fd.pth")
    with pytest.raises(FileNotFoundError) as info:
        models.resnet18(weights="DEFAULT")
    msg = str(info.value)
    assert expected in msg and "network" in msg
    assert "https://download.pytorch.org/models/resnet18-f37072fd.pth" in msg


def test_pretrained_legacy_warns(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        models.squeezenet1_0(pretrained=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(FileNotFoundError, match="squeezenet1_0-b66bff10.pth"):
            models.squeezenet1_0(pretrained=True)
    texts = [str(w.message) for w in caught]
    assert any("weights=SqueezeNet1_0_Weights.IMAGENET1K_V1" in t for t in texts)


def test_num_classes_conflicts_with_weights():
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 10"):
        models.alexnet(weights=models.AlexNet_Weights.DEFAULT, num_classes=10)


# ---- real torchvision checkpoints ------------------------------------------------------------
REFERENCE = os.path.join(FIXTURES, "tv_reference_outputs.npz")


@pytest.mark.skipif(not os.path.exists(REFERENCE), reason="torchvision checkpoints absent")
@pytest.mark.parametrize("name", ["squeezenet1_0", "mobilenet_v2"])
def test_torchvision_checkpoint_reproduces_outputs(name):
    ref = np.load(REFERENCE)
    model = getattr(models, name)()
    model.load_state_dict(ember.load(os.path.join(FIXTURES, f"tv_{name}.pth")))
    model.eval()
    with ember.no_grad():
        out = model(ember.from_numpy(ref["input"]))
    np.testing.assert_allclose(out.numpy(), ref[name], atol=1e-4, rtol=1e-4)


@pytest.mark.skipif(not os.path.exists(REFERENCE), reason="torchvision checkpoints absent")
def test_weights_from_hub_cache_and_weights_path(tmp_path, monkeypatch):
    """A checkpoint placed in the hub cache (or passed as weights_path) is what gets loaded."""
    src = os.path.join(FIXTURES, "tv_squeezenet1_0.pth")
    ref = np.load(REFERENCE)
    x = ember.from_numpy(ref["input"])
    cache = tmp_path / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    shutil.copy(src, cache / "squeezenet1_0-b66bff10.pth")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    for model in (models.squeezenet1_0(weights=models.SqueezeNet1_0_Weights.DEFAULT),
                  models.squeezenet1_0(weights="DEFAULT", weights_path=src)):
        with ember.no_grad():
            out = model.eval()(x)
        np.testing.assert_allclose(out.numpy(), ref["squeezenet1_0"], atol=1e-4, rtol=1e-4)


def test_densenet_legacy_checkpoint_keys():
    from ember.vision.models.densenet import _remap_legacy_keys
    old = {"features.denseblock1.denselayer1.norm.1.weight": 1,
           "features.denseblock1.denselayer1.conv.2.weight": 2, "classifier.bias": 3}
    assert list(_remap_legacy_keys(old)) == ["features.denseblock1.denselayer1.norm1.weight",
                                             "features.denseblock1.denselayer1.conv2.weight",
                                             "classifier.bias"]
