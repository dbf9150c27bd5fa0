"""Eval-mode outputs of ember.vision.models against real torchvision 0.28 with the same weights
(torchvision's randomly initialised state_dict copied into Ember's model); the smallest model
of each family, on a small image."""
import os
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import models
from tests import isolated

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
    "lraspp_mobilenet_v3_large": (64, {"weights_backbone": None, "num_classes": 3}),
    "deeplabv3_mobilenet_v3_large": (64, {"weights_backbone": None, "aux_loss": True}),
    "fcn_resnet50": (32, {"weights_backbone": None, "aux_loss": True}),
    "regnet_y_400mf": (32, {}),
    "googlenet": (32, {"init_weights": False, "transform_input": True}),
    "inception_v3": (75, {"init_weights": False}),
}
SLOW = {"densenet161", "efficientnet_v2_s", "inception_v3", "fcn_resnet50", "resnext50_32x4d",
        "regnet_x_400mf"}


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


def check(theirs, make_ours, shape, atol=1e-4):
    """Perturb torchvision's model off its special initial values (ViT's zero head, unit
    norms), give its state to Ember's, compare eval-mode outputs on one random batch.  Ember's
    tensors are views of torch's memory (eval mode writes neither model's state): one copy of
    the weights, not three (torch's, a copy, and the copy loaded into Ember's parameters)."""
    import torch
    theirs.eval()
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    ours = make_ours().eval()
    state = theirs.state_dict()
    shared = OrderedDict((k, ember.from_numpy(v.numpy())) for k, v in state.items())
    shared._metadata = state._metadata     # module versions (MNASNet reads them)
    ours.load_state_dict(shared, assign=True)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x))
    with ember.no_grad():
        got = ours(ember.from_numpy(x))
    if isinstance(expected, dict):       # segmentation: {"out": ..., "aux": ...}
        assert type(got) is type(expected) and list(got) == list(expected)
    else:
        got, expected = {"out": got}, {"out": expected}
    for key in expected:
        g, e = got[key].numpy(), expected[key].numpy()
        assert g.shape == e.shape and g.dtype == e.dtype
        # float32 rounding through a deep network grows with its values: the absolute
        # tolerance is relative to the largest output (fcn_resnet50's reach about 33)
        np.testing.assert_allclose(g, e, atol=atol * max(1.0, float(np.abs(e).max())), rtol=1e-3)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n
                                  for n in CASES])
def test_forward_matches_torchvision(name, tv, no_init):
    import torch
    size, kwargs = CASES[name]
    torch.manual_seed(0)
    check(tv.models.get_model(name, **kwargs), lambda: models.get_model(name, **kwargs),
          (1, 3, size, size))


# the transformer families at small widths and image sizes: (module, class, arguments built from
# that library's module, input side)
SMALL = {
    "maxvit": ("maxvit", "MaxVit", lambda m: dict(
        input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[8, 16],
        block_layers=[2, 1], head_dim=4, stochastic_depth_prob=0.2, num_classes=5), 32),
    "vit": ("vision_transformer", "VisionTransformer", lambda m: dict(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
        num_classes=5), 32),
    "vit_representation": ("vision_transformer", "VisionTransformer", lambda m: dict(
        image_size=32, patch_size=8, num_layers=1, num_heads=2, hidden_dim=16, mlp_dim=32,
        num_classes=5, representation_size=12), 32),
    "swin": ("swin_transformer", "SwinTransformer", lambda m: dict(
        patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[3, 3],
        num_classes=5), 36),
    "swin_v2": ("swin_transformer", "SwinTransformer", lambda m: dict(
        patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[3, 3],
        num_classes=5, block=m.SwinTransformerBlockV2, downsample_layer=m.PatchMergingV2), 36),
    "convnext": ("convnext", "ConvNeXt", lambda m: dict(
        block_setting=[m.CNBlockConfig(8, 16, 1), m.CNBlockConfig(16, None, 2)],
        num_classes=5), 32),
}


@pytest.mark.parametrize("case", list(SMALL))
def test_small_configuration_matches_torchvision(case, tv, no_init):
    import importlib
    import torch
    module, cls, config, size = SMALL[case]
    theirs_mod = importlib.import_module(f"torchvision.models.{module}")
    ours_mod = importlib.import_module(f"ember.vision.models.{module}")
    torch.manual_seed(0)
    check(getattr(theirs_mod, cls)(**config(theirs_mod)),
          lambda: getattr(ours_mod, cls)(**config(ours_mod)), (2, 3, size, size))


# ---- behaviour around checkpoints and training-mode outputs -----------------------------------
def _save_state(model, path):
    ember.save(model.state_dict(), str(path))
    return str(path)


def _aux_heads_and_transform_input(name, aux_names, aux_default, folder):
    """As torchvision: the checkpoint is loaded with auxiliary heads, which are then dropped
    unless kept (``aux_logits``; GoogLeNet's default drops, Inception's keeps), and inputs are
    transformed by default."""
    path = _save_state(models.get_model(name, aux_logits=True, init_weights=False),
                       os.path.join(folder, "ckpt.pth"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # GoogLeNet: "auxiliary heads ... NOT pretrained"
        model = models.get_model(name, weights="DEFAULT", weights_path=path)
    assert model.transform_input is True and model.aux_logits is aux_default
    assert all((getattr(model, a) is not None) is aux_default for a in aux_names)
    del model     # one Inception v3 alive at a time (100 MB each)
    with pytest.warns(UserWarning, match="NOT pretrained") if name == "googlenet" else \
            warnings.catch_warnings():
        kept = models.get_model(name, weights="DEFAULT", weights_path=path, aux_logits=True,
                                transform_input=False)
    assert kept.transform_input is False and all(getattr(kept, a) is not None for a in aux_names)
    with pytest.raises(ValueError, match="'aux_logits' expected value True but got False"):
        models.get_model(name, weights="DEFAULT", weights_path=path, aux_logits=False)


@pytest.mark.slow
@pytest.mark.parametrize("name, aux_names, aux_default", [
    ("googlenet", ["aux1", "aux2"], False), ("inception_v3", ["AuxLogits"], True)])
def test_checkpoint_brings_aux_heads_and_transform_input(name, aux_names, aux_default, tmp_path,
                                                         no_init):
    if name == "inception_v3":      # two 100 MB models and a checkpoint: in a process of its own
        isolated.run(_aux_heads_and_transform_input, name, aux_names, aux_default, str(tmp_path))
    else:
        _aux_heads_and_transform_input(name, aux_names, aux_default, str(tmp_path))


@pytest.mark.slow
def test_training_outputs_are_named_tuples(tv, no_init):
    import torch
    torch.manual_seed(0)
    theirs = tv.models.googlenet(init_weights=False).train()
    ours = models.googlenet(init_weights=False).train()
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    out, expected = ours(ember.from_numpy(x)), theirs(torch.from_numpy(x))
    assert type(out).__name__ == type(expected).__name__ == "GoogLeNetOutputs"
    assert out._fields == expected._fields
    assert [tuple(t.shape) for t in out] == [tuple(t.shape) for t in expected]


def test_vit_checkpoint_sets_image_size(tmp_path, no_init):
    """SWAG weights carry their image size; a different explicit one is an error."""
    w = models.ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1
    with pytest.raises(ValueError, match="'image_size' expected value 384 but got 224"):
        models.vit_b_16(weights=w, image_size=224)


def test_segmentation_builder_arguments(no_init):
    m = models.segmentation.lraspp_mobilenet_v3_large(weights_backbone=None, num_classes=4)
    with ember.no_grad():
        out = m.eval()(ember.randn(1, 3, 40, 48))
    assert list(out) == ["out"] and tuple(out["out"].shape) == (1, 4, 40, 48)
    with pytest.raises(NotImplementedError, match="does not use auxiliary loss"):
        models.segmentation.lraspp_mobilenet_v3_large(weights_backbone=None, aux_loss=True)
    w = models.segmentation.FCN_ResNet50_Weights.DEFAULT
    with pytest.raises(ValueError, match="'num_classes' expected value 21 but got 5"):
        models.segmentation.fcn_resnet50(weights=w, num_classes=5)
    assert models.segmentation.FCN_ResNet50_Weights.DEFAULT.transforms().resize_size == [520]


def test_segmentation_backbone_weights(tmp_path, monkeypatch):
    """The backbone's ImageNet checkpoint is the default (read from the hub cache);
    ``pretrained_backbone=False`` (deprecated) or ``weights_backbone=None`` skip it."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    build = models.segmentation.lraspp_mobilenet_v3_large
    with pytest.raises(FileNotFoundError, match="mobilenet_v3_large-8738ca79.pth"):
        build()
    with pytest.warns(UserWarning, match="'pretrained_backbone' is deprecated"):
        build(pretrained_backbone=False)
    backbone = models.mobilenet_v3_large(dilated=True)
    cache = tmp_path / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    _save_state(backbone, cache / "mobilenet_v3_large-8738ca79.pth")
    model = build()
    np.testing.assert_array_equal(model.backbone["0"][0].weight.detach().numpy(),
                                  backbone.features[0][0].weight.detach().numpy())


@pytest.mark.parametrize("reset_heads", [False, True])
def test_vit_interpolate_embeddings(tv, reset_heads):
    import torch
    from ember.vision.models.vision_transformer import interpolate_embeddings
    rng = np.random.default_rng(0)
    pos = rng.standard_normal((1, 17, 6)).astype(np.float32)
    head = rng.standard_normal((3, 6)).astype(np.float32)

    def state(make):
        return OrderedDict([("encoder.pos_embedding", make(pos)),
                            ("heads.head.weight", make(head))])
    theirs = tv.models.vision_transformer.interpolate_embeddings(
        48, 8, state(torch.from_numpy), reset_heads=reset_heads)
    ours = interpolate_embeddings(48, 8, state(ember.from_numpy), reset_heads=reset_heads)
    assert list(ours) == list(theirs)
    for k in theirs:
        np.testing.assert_allclose(ours[k].numpy(), theirs[k].numpy(), atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="seq_length is not a perfect square"):
        interpolate_embeddings(48, 8, {"encoder.pos_embedding": ember.zeros(1, 11, 6)})
