"""Every ember.vision.models builder against the layout real torchvision 0.28 builds
(``shared/fixtures/torchvision_model_layouts.json.gz``: class, parameter count, top-level
children, state_dict keys/shapes/dtypes in order), and the weight enums against torchvision's."""
import gzip
import json
import math
import os

import pytest

import ember
from ember.vision import models
from tests import isolated

FIXTURES = os.environ.get("EMBER_SHARED_FIXTURES", os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "fixtures"))
LAYOUTS = os.path.join(FIXTURES, "torchvision_model_layouts.json.gz")
needs_layouts = pytest.mark.skipif(
    not os.path.exists(LAYOUTS), reason="shared/fixtures/torchvision_model_layouts.json.gz absent")


def _layouts():
    with gzip.open(LAYOUTS) as f:
        return json.load(f)["models"]


BUILT = [n for n in (_layouts() if os.path.exists(LAYOUTS) else {}) if n in models.list_models()]


@pytest.fixture(scope="module")
def layouts():
    return _layouts()


def _layout(name):
    """What the test compares of one builder's model, built without drawing the random initial
    values: the layout does not depend on them, and untouched memory keeps the 600M-parameter
    models cheap."""
    with pytest.MonkeyPatch.context() as mp:
        for init in ("uniform_", "normal_"):
            mp.setattr(ember.Tensor, init, lambda self, *args, **kwargs: self)
        mp.setattr(ember.nn.init, "trunc_normal_", lambda t, *a, **k: t)
        # segmentation and detection builders default to loading the backbone's ImageNet
        # checkpoint
        module = models.get_model_builder(name).__module__
        with_backbone = ".segmentation." in module or ".detection." in module
        model = models.get_model(name, **({"weights_backbone": None} if with_backbone else {}))
    return {"module": type(model).__name__,
            "children": [[n, type(c).__name__] for n, c in model.named_children()],
            "state_dict": [[k, list(v.shape), str(v.dtype).replace("ember.", "torch.")]
                           for k, v in model.state_dict().items()],
            "params": sum(p.numel() for p in model.parameters())}


# builders that run their backbone on a 300x300 image to size their heads (as torchvision's
# do): +300 MB of convolution workspace on top of a worker's memory, so in their own process
ISOLATED = {"ssd300_vgg16"}


@needs_layouts
@pytest.mark.filterwarnings("ignore:The default weight initialization:FutureWarning")
@pytest.mark.parametrize("name", BUILT)
def test_layout_matches_torchvision(name, layouts):
    rec = layouts[name]
    got = isolated.run(_layout, name) if name in ISOLATED else _layout(name)
    assert got["module"] == rec["module"].rsplit(".", 1)[1]
    assert got["children"] == rec["children"]
    assert got["state_dict"] == rec["state_dict"]
    assert got["params"] == rec["params"]


# ---- weight enums and the registry against real torchvision ----------------------------------
@pytest.fixture(scope="module")
def tv():
    from tests.oracle import torchvision_ref
    return torchvision_ref.load()


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("name", sorted(models.list_models()))
def test_weights_enum_matches_torchvision(name, tv):
    ours, theirs = models.get_model_weights(name), tv.models.get_model_weights(name)
    assert ours.__name__ == theirs.__name__
    assert list(ours.__members__) == list(theirs.__members__)
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for member in theirs:
        mine = ours[member.name]
        assert mine.url == member.url
        meta = {k: v for k, v in member.meta.items() if k != "_docs"}
        assert _same({k: v for k, v in mine.meta.items() if k != "_docs"}, meta)
        t_ours, t_theirs = mine.transforms(), member.transforms()
        assert type(t_ours).__name__ == type(t_theirs).__name__
        for attr in ("crop_size", "resize_size", "mean", "std"):
            assert getattr(t_ours, attr, None) == getattr(t_theirs, attr, None), attr
        if hasattr(t_theirs, "interpolation"):       # the ObjectDetection preset has none
            assert t_ours.interpolation.value == t_theirs.interpolation.value
    assert models.get_weight(f"{theirs.__name__}.{theirs.DEFAULT.name}") is ours.DEFAULT


def test_registry_lists_torchvision_names(tv):
    for ours, theirs in ((models, tv.models), (models.segmentation, tv.models.segmentation),
                         (models.detection, tv.models.detection)):
        assert models.list_models(module=ours) == tv.models.list_models(module=theirs)
    assert set(models.list_models()) <= set(tv.models.list_models())
    assert models.list_models(include="resnet1*") == ["resnet101", "resnet152", "resnet18"]
    assert models.list_models(include=["vit*", "swin_v2*"], exclude="*_16") == \
        tv.models.list_models(include=["vit*", "swin_v2*"], exclude="*_16")
