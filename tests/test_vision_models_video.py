"""ember.vision.models.video and .optical_flow against real torchvision 0.28: eval-mode
outputs with the same weights (torchvision's random initialisation, perturbed, copied into
Ember's model), at the smallest inputs each architecture accepts; the presets; RAFT's checks."""
import importlib
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import models
from tests import isolated


@pytest.fixture(scope="module")
def tv():
    from tests.oracle import torchvision_ref
    return torchvision_ref.load()


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def compare(theirs, ours, shapes, atol=1e-4, grads=False, **call):
    """Copy ``theirs``' (perturbed) state into ``ours``; their eval-mode outputs on random
    inputs of ``shapes`` (a tensor or a list of them) must agree, and with ``grads`` the
    parameters' gradients of a weighted sum of the (last) output too."""
    import torch
    theirs.eval()
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    # one copy of the weights: ours are views of theirs (neither library writes them here)
    ours.load_state_dict(OrderedDict((k, ember.from_numpy(v.numpy()))
                                     for k, v in theirs.state_dict().items()), assign=True)
    ours.eval()
    xs = _inputs(shapes)
    with torch.set_grad_enabled(grads):
        expected = theirs(*map(torch.from_numpy, xs), **call)
    with ember.set_grad_enabled(grads):
        got = ours(*map(ember.from_numpy, xs), **call)
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected)
    else:
        got, expected = [got], [expected]
    for g, e in zip(got, expected):
        assert tuple(g.shape) == tuple(e.shape) and str(g.dtype)[6:] == str(e.dtype)[6:]
        np.testing.assert_allclose(g.detach().numpy(), e.detach().numpy(), atol=atol, rtol=1e-3)
    if grads:
        weights = _inputs([tuple(expected[-1].shape)], seed=1)[0]
        (expected[-1] * torch.from_numpy(weights)).sum().backward()
        (got[-1] * ember.from_numpy(weights)).sum().backward()
        mine = dict(ours.named_parameters())
        for name, p in theirs.named_parameters():
            np.testing.assert_allclose(mine[name].grad.numpy(), p.grad.numpy(), atol=atol,
                                       rtol=1e-3, err_msg=name)


# name: (input shapes, builder arguments, call arguments)
CASES = {
    "r3d_18": ([(1, 3, 4, 32, 32)], {"num_classes": 7}, {}),
    "mc3_18": ([(2, 3, 4, 24, 32)], {}, {}),
    "r2plus1d_18": ([(1, 3, 4, 32, 32)], {}, {}),
    "raft_small": ([(1, 3, 128, 128)] * 2, {}, {"num_flow_updates": 2}),
    "s3d": ([(1, 3, 13, 224, 224)], {"num_classes": 5}, {}),
    "raft_large": ([(1, 3, 128, 136)] * 2, {}, {"num_flow_updates": 2}),
    "swin3d_t": ([(1, 3, 2, 32, 32)], {}, {}),
}
SLOW = {"s3d", "raft_large", "r3d_18", "mc3_18", "r2plus1d_18", "swin3d_t"}


# in a process of its own (tests/isolated.py): S3D's smallest clip is 13 x 224 x 224, and its
# 3D convolutions' workspace adds ~200 MB to a worker that already holds ~800 MB late in a run
OWN_PROCESS = {"s3d"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n
                                  for n in CASES])
def test_forward_matches_torchvision(name, tv):
    if name in OWN_PROCESS:
        isolated.run(_forward_matches, name)
    else:
        _forward_matches(name, tv)


def _forward_matches(name, tv=None):
    import torch
    from tests.oracle import torchvision_ref
    tv = tv or torchvision_ref.load()
    shapes, kwargs, call = CASES[name]
    torch.manual_seed(0)
    ember.manual_seed(0)
    compare(tv.models.get_model(name, **kwargs), _undrawn(models.get_model, name, **kwargs),
            shapes, **call)


def _undrawn(builder, *args, **kwargs):
    """``builder(*args, **kwargs)`` without drawing initial values: compare() replaces them."""
    with pytest.MonkeyPatch.context() as mp:
        for init in ("uniform_", "normal_"):
            mp.setattr(ember.Tensor, init, lambda self, *a, **k: self)
        # (its redraws of out-of-range values would never end on undrawn memory)
        mp.setattr(ember.nn.init, "trunc_normal_", lambda t, *a, **k: t)
        return builder(*args, **kwargs)


def test_builders_live_in_torchvision_modules(tv):
    for ours, theirs in ((models.video, tv.models.video),
                         (models.optical_flow, tv.models.optical_flow)):
        assert models.list_models(module=ours) == tv.models.list_models(module=theirs)
    for module in ("video.mvit", "video.resnet", "video.s3d", "video.swin_transformer",
                   "optical_flow.raft"):
        ours, theirs = (importlib.import_module(f"{package}.models.{module}")
                        for package in ("ember.vision", "torchvision"))
        assert sorted(ours.__all__) == sorted(theirs.__all__)
        assert all(hasattr(ours, n) for n in ours.__all__)
    assert not hasattr(models, "r3d_18") and not hasattr(models, "raft_large")
    assert models.get_model_builder("r3d_18") is models.video.resnet.r3d_18
    assert models.get_model_weights("raft_small") is models.optical_flow.Raft_Small_Weights


def test_video_classification_preset(tv):
    import torch
    ours = models.video.R3D_18_Weights.DEFAULT.transforms()
    theirs = tv.models.video.R3D_18_Weights.DEFAULT.transforms()
    assert repr(ours) == repr(theirs)
    vid = np.random.default_rng(1).integers(0, 256, (2, 3, 3, 40, 52), dtype=np.uint8)
    # float clips agree exactly; uint8 ones within one level (Ember's uint8 bilinear resize
    # rounds a few values just under .5 the other way)
    level = 1 / 255 / min(theirs.std) + 1e-5
    for clip, atol in ((vid / np.float32(255), 1e-5), (vid[0] / np.float32(255), 1e-5),
                       (vid, level)):   # batched (N, T, C, H, W) and single clips
        got, expected = ours(ember.from_numpy(clip)), theirs(torch.from_numpy(clip))
        assert tuple(got.shape) == tuple(expected.shape) and got.dtype == ember.float32
        np.testing.assert_allclose(got.numpy(), expected.numpy(), atol=atol, rtol=0)


def test_optical_flow_preset(tv):
    import torch
    ours = models.optical_flow.Raft_Large_Weights.DEFAULT.transforms()
    theirs = tv.models.optical_flow.Raft_Large_Weights.DEFAULT.transforms()
    assert repr(ours) == repr(theirs)
    a, b = np.random.default_rng(2).integers(0, 256, (2, 3, 16, 24), dtype=np.uint8)
    got = ours(ember.from_numpy(a), ember.from_numpy(b))
    expected = theirs(torch.from_numpy(a), torch.from_numpy(b))
    assert isinstance(got, tuple) and len(got) == 2
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.numpy(), e.numpy(), atol=1e-6)


@pytest.mark.parametrize("shapes", [[(1, 3, 64, 64), (1, 3, 64, 72)], [(1, 3, 60, 64)] * 2,
                                    [(1, 3, 64, 64)] * 2])
def test_raft_input_errors(shapes, tv):
    import torch
    x1, x2 = _inputs(shapes)
    torch.manual_seed(0)
    with pytest.raises(ValueError) as expected:
        tv.models.optical_flow.raft_small()(torch.from_numpy(x1), torch.from_numpy(x2))
    with pytest.raises(ValueError) as got:
        models.optical_flow.raft_small()(ember.from_numpy(x1), ember.from_numpy(x2))
    assert str(got.value) == str(expected.value)


# small configurations of the transformer families: (module, class, arguments built from that
# library's module, input shape)
SMALL = {
    "swin3d": ("swin_transformer", "SwinTransformer3d", lambda m: dict(
        patch_size=[2, 4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4],
        window_size=[2, 3, 3], num_classes=5), (2, 3, 4, 24, 24)),
    "swin3d_padded": ("swin_transformer", "SwinTransformer3d", lambda m: dict(
        patch_size=[2, 4, 4], embed_dim=8, depths=[2, 1], num_heads=[2, 2],
        window_size=[4, 4, 3], num_classes=3), (1, 3, 5, 28, 20)),
    "mvit_v2": ("mvit", "MViT", lambda m: dict(
        spatial_size=(32, 24), temporal_size=4, block_setting=_mvit_blocks(m), residual_pool=True,
        residual_with_cls_embed=False, rel_pos_embed=True, proj_after_attn=True,
        num_classes=5), (2, 3, 4, 32, 24)),
    "mvit_v1": ("mvit", "MViT", lambda m: dict(
        spatial_size=(32, 32), temporal_size=4, block_setting=_mvit_blocks(m), residual_pool=False,
        residual_with_cls_embed=True, rel_pos_embed=False, proj_after_attn=False,
        num_classes=5), (1, 3, 4, 32, 32)),
    "mvit_single_frame": ("mvit", "MViT", lambda m: dict(
        spatial_size=(32, 32), temporal_size=1, block_setting=_mvit_blocks(m), residual_pool=True,
        residual_with_cls_embed=True, rel_pos_embed=True, proj_after_attn=False,
        num_classes=5, patch_embed_kernel=(1, 7, 7), patch_embed_stride=(1, 4, 4),
        patch_embed_padding=(0, 3, 3)), (1, 3, 32, 32)),
    # the builders' own blocks (torchvision's builders fix 16 x 224 x 224 clips: too slow here)
    "mvit_v1_b": ("mvit", "MViT", lambda m: dict(
        spatial_size=(32, 32), temporal_size=4, block_setting=_builder_blocks(m, False),
        residual_pool=False, residual_with_cls_embed=False, rel_pos_embed=False,
        proj_after_attn=False), (1, 3, 4, 32, 32)),
    "mvit_v2_s": ("mvit", "MViT", lambda m: dict(
        spatial_size=(32, 48), temporal_size=4, block_setting=_builder_blocks(m, True),
        residual_pool=True, residual_with_cls_embed=False, rel_pos_embed=True,
        proj_after_attn=True), (2, 3, 4, 32, 48)),
}
SLOW_SMALL = {"mvit_v1_b", "mvit_v2_s"}


def _builder_blocks(m, v2):
    from ember.vision.models.video import mvit
    return [m.MSBlockConfig(**vars(c)) for c in mvit._block_setting(v2)]


def _mvit_blocks(m):
    """Three narrow blocks: pooled keys/values, then pooled queries with a wider output."""
    return [m.MSBlockConfig(1, 8, 8, [], [3, 3, 3], [], [1, 2, 2]),
            m.MSBlockConfig(2, 8, 16, [3, 3, 3], [3, 3, 3], [1, 2, 2], [1, 2, 2]),
            m.MSBlockConfig(2, 16, 16, [3, 3, 3], [3, 3, 3], [1, 1, 1], [1, 1, 1])]


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_SMALL
                                  else c for c in SMALL])
def test_small_configuration_matches_torchvision(case, tv):
    import importlib
    import torch
    module, cls, config, shape = SMALL[case]
    theirs_mod = importlib.import_module(f"torchvision.models.video.{module}")
    ours_mod = importlib.import_module(f"ember.vision.models.video.{module}")
    torch.manual_seed(0)
    compare(getattr(theirs_mod, cls)(**config(theirs_mod)),
            getattr(ours_mod, cls)(**config(ours_mod)), [shape], grads=case not in SLOW_SMALL)


@pytest.mark.parametrize("part, kwargs", [
    ("MotionEncoder", dict(in_channels_corr=4, flow_layers=(8,))),
    ("MotionEncoder", dict(in_channels_corr=4, corr_layers=(8, 8, 8))),
    ("RecurrentBlock", dict(input_size=4, hidden_size=4, kernel_size=(3,), padding=(1, 1))),
    ("RecurrentBlock", dict(input_size=4, hidden_size=4, kernel_size=(3,) * 3, padding=(1,) * 3)),
    ("FeatureEncoder", dict(layers=(8, 8, 8)))])
def test_raft_part_errors(part, kwargs, tv):
    with pytest.raises(ValueError) as expected:
        getattr(tv.models.optical_flow.raft, part)(**kwargs)
    with pytest.raises(ValueError) as got:
        getattr(models.optical_flow.raft, part)(**kwargs)
    assert str(got.value) == str(expected.value)


def test_raft_needs_an_update_block_with_hidden_size():
    with pytest.raises(ValueError, match="should expose a 'hidden_state_size' attribute"):
        models.optical_flow.RAFT(feature_encoder=None, context_encoder=None, corr_block=None,
                                 update_block=ember.nn.Identity())


@pytest.mark.parametrize("name", ["raft_small", "s3d"])
def test_weights_load_a_local_checkpoint(name, tmp_path):
    """``weights=`` reads the checkpoint (no download); video weights fix ``num_classes``,
    flow weights have no categories; ``pretrained=True`` is the legacy spelling."""
    path = str(tmp_path / "ckpt.pth")
    ember.save(models.get_model(name).state_dict(), path)
    model = models.get_model(name, weights="DEFAULT", weights_path=path)
    for (k, a), b in zip(ember.load(path).items(), model.state_dict().values()):
        assert ember.equal(a, b), k
    del model       # one model alive at a time (S3D: 32 MB of weights)
    with pytest.warns(UserWarning) as record:
        models.get_model(name, pretrained=True, weights_path=path)
    theirs = {"raft_small": "Raft_Small_Weights.C_T_V2", "s3d": "S3D_Weights.KINETICS400_V1"}
    assert "'pretrained' is deprecated" in str(record[0].message)
    assert f"equivalent to passing `weights={theirs[name]}`" in str(record[1].message)
    if name == "s3d":
        with pytest.raises(ValueError, match="'num_classes' expected value 400 but got 5"):
            models.get_model(name, weights="DEFAULT", weights_path=path, num_classes=5)
