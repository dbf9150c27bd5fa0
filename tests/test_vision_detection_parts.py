"""The detection models' building blocks against real torchvision 0.28 (fast): box coders,
Matcher, anchor / default-box generators, FPN, MultiScaleRoIAlign, the transform (resize
with boxes, masks, keypoints; batching; postprocess with mask pasting) and error messages."""
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import ops as eops
from ember.vision.models.detection import _utils as det_utils
from ember.vision.models.detection import anchor_utils, transform
from ember.vision.models.detection.image_list import ImageList
# ``tv``: real torchvision, its NMS and (uncompiled) RoI Align usable on the CPU torch
from tests.test_vision_detection import _assert_close, _to_ember, tv  # noqa: F401,F811

torch = pytest.importorskip("torch")


def _boxes(rng, n, size=50.0):
    xy = rng.random((n, 2)) * size
    return np.concatenate([xy, xy + 1 + rng.random((n, 2)) * size], axis=1)


def _both(a, dtype="float64"):
    return (torch.tensor(a, dtype=getattr(torch, dtype)),
            ember.tensor(a, dtype=getattr(ember, dtype)))


@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0)])
def test_box_coder_matches_torchvision(tv, weights):
    tvu = tv.models.detection._utils
    rng = np.random.default_rng(0)
    gt_t, gt_e = _both(_boxes(rng, 7))
    pr_t, pr_e = _both(_boxes(rng, 7))
    theirs, ours = tvu.BoxCoder(weights), det_utils.BoxCoder(weights)
    codes_t = theirs.encode([gt_t[:3], gt_t[3:]], [pr_t[:3], pr_t[3:]])
    codes_e = ours.encode([gt_e[:3], gt_e[3:]], [pr_e[:3], pr_e[3:]])
    for c_e, c_t in zip(codes_e, codes_t):
        _assert_close(c_e, c_t, rtol=1e-12, atol=1e-12)
    rel_t, rel_e = _both(rng.normal(size=(7, 8)) * 3)       # large dw/dh hit the clip
    _assert_close(ours.decode(rel_e, [pr_e[:3], pr_e[3:]]),
                  theirs.decode(rel_t, [pr_t[:3], pr_t[3:]]), rtol=1e-12, atol=1e-12)
    linear_t, linear_e = tvu.BoxLinearCoder(True), det_utils.BoxLinearCoder(True)
    _assert_close(linear_e.encode(pr_e, gt_e), linear_t.encode(pr_t, gt_t), rtol=1e-12)
    _assert_close(linear_e.decode(rel_e[:, :4].abs(), pr_e),
                  linear_t.decode(rel_t[:, :4].abs(), pr_t), rtol=1e-12)


@pytest.mark.parametrize("low_quality", [False, True])
def test_matchers_match_torchvision(tv, low_quality):
    tvu = tv.models.detection._utils
    rng = np.random.default_rng(1)
    iou = np.round(rng.random((4, 30)), 1)        # ties and exact threshold values
    q_t, q_e = _both(iou, "float32")
    got = det_utils.Matcher(0.7, 0.3, low_quality)(q_e)
    assert got.tolist() == tvu.Matcher(0.7, 0.3, low_quality)(q_t).tolist()
    assert det_utils.SSDMatcher(0.5)(q_e).tolist() == tvu.SSDMatcher(0.5)(q_t).tolist()
    with pytest.raises(ValueError, match="No ground-truth boxes available"):
        det_utils.Matcher(0.7, 0.3)(ember.zeros(0, 5))


def test_sampler_draws_within_its_budget():
    matched = ember.tensor([0, 1, -1, 2, 0, 0, 3, 0, 1, -2])
    pos, neg = det_utils.BalancedPositiveNegativeSampler(4, 0.5)([matched])
    assert pos[0].dtype == ember.uint8
    assert int(pos[0].sum()) == 2 and int(neg[0].sum()) == 2
    assert bool((matched[pos[0].bool()] >= 1).all()) and bool((matched[neg[0].bool()] == 0).all())


def test_anchor_generators_match_torchvision(tv):
    tva = tv.models.detection.anchor_utils
    sizes, ratios = ((16, 32), (64,)), ((0.5, 1.0, 2.0), (1.0,))
    feats_t = [torch.zeros(2, 4, 8, 10), torch.zeros(2, 4, 4, 5)]
    feats_e = [ember.zeros(2, 4, 8, 10), ember.zeros(2, 4, 4, 5)]
    images_t = tv.models.detection.image_list.ImageList(torch.zeros(2, 3, 64, 80),
                                                        [(60, 80), (64, 70)])
    images_e = ImageList(ember.zeros(2, 3, 64, 80), [(60, 80), (64, 70)])
    for kwargs in (dict(), dict(steps=[8, 16], scales=[0.1, 0.3, 0.6])):
        pairs = [(anchor_utils.AnchorGenerator(sizes, ratios), tva.AnchorGenerator(sizes, ratios)),
                 (anchor_utils.DefaultBoxGenerator([[2], [2, 3]], **kwargs),
                  tva.DefaultBoxGenerator([[2], [2, 3]], **kwargs))]
        for ours, theirs in pairs:
            assert ours.num_anchors_per_location() == theirs.num_anchors_per_location()
            for a_e, a_t in zip(ours(images_e, feats_e), theirs(images_t, feats_t)):
                _assert_close(a_e, a_t, rtol=1e-6, atol=1e-5)
    assert repr(pairs[1][0]) == repr(pairs[1][1])


def _features(rng, channels=(8, 16, 32), size=16):
    arrays = [rng.normal(size=(2, c, size >> i, size >> i)) for i, c in enumerate(channels)]
    return (OrderedDict((str(i), torch.tensor(a)) for i, a in enumerate(arrays)),
            OrderedDict((str(i), ember.tensor(a)) for i, a in enumerate(arrays)))


@pytest.mark.parametrize("extra", ["maxpool", "p6p7", "p6p7_c5"])
def test_feature_pyramid_network_matches_torchvision(tv, extra):
    fpn_mod = tv.ops.feature_pyramid_network
    torch.manual_seed(0)
    blocks = {"maxpool": (fpn_mod.LastLevelMaxPool, eops.feature_pyramid_network.LastLevelMaxPool,
                          ()),
              "p6p7": (fpn_mod.LastLevelP6P7, eops.feature_pyramid_network.LastLevelP6P7,
                       (8, 8)),
              "p6p7_c5": (fpn_mod.LastLevelP6P7, eops.feature_pyramid_network.LastLevelP6P7,
                          (32, 8))}[extra]
    theirs = fpn_mod.FeaturePyramidNetwork([8, 16, 32], 8, blocks[0](*blocks[2])).double()
    ours = eops.FeaturePyramidNetwork([8, 16, 32], 8, blocks[1](*blocks[2])).double()
    ours.load_state_dict(_to_ember(theirs.state_dict()))
    x_t, x_e = _features(np.random.default_rng(2))
    out_t, out_e = theirs(x_t), ours(x_e)
    assert list(out_e) == list(out_t)
    for k in out_t:
        _assert_close(out_e[k], out_t[k], rtol=1e-10, atol=1e-12)
    with pytest.raises(TypeError, match="extra_blocks should be of type ExtraFPNBlock"):
        eops.FeaturePyramidNetwork([8], 8, extra_blocks=ember.nn.ReLU())


def test_multiscale_roi_align_matches_torchvision(tv):
    # boxes inside the images: beyond the feature maps torchvision's pure-torch RoI Align (the
    # oracle here) extends the border pixels, where its compiled kernel (and ember) reads zeros
    rng = np.random.default_rng(3)
    x_t, x_e = _features(rng, channels=(4, 4, 4), size=32)
    boxes = [_boxes(rng, 5, 60), _boxes(rng, 3, 14) * 4]
    theirs = tv.ops.MultiScaleRoIAlign(["0", "2"], 3, 2)(
        x_t, [torch.tensor(b) for b in boxes], [(128, 128), (120, 128)])
    ours = eops.MultiScaleRoIAlign(["0", "2"], 3, 2)
    _assert_close(ours(x_e, [ember.tensor(b) for b in boxes], [(128, 128), (120, 128)]),
                  theirs, rtol=1e-10, atol=1e-12)
    assert ours.scales == [0.25, 0.0625]
    assert repr(ours) == repr(tv.ops.MultiScaleRoIAlign(["0", "2"], 3, 2))


def test_transform_matches_torchvision(tv):
    tvt = tv.models.detection.transform
    rng = np.random.default_rng(4)
    shapes = [(3, 30, 41), (3, 37, 25)]
    images = [rng.random(s) for s in shapes]
    targets = []
    for s in shapes:
        boxes = _boxes(rng, 2, 20)
        targets.append({"boxes": boxes, "labels": np.array([1, 2]),
                        "masks": (rng.random((2,) + s[1:]) > 0.5).astype(np.uint8),
                        "keypoints": np.concatenate([rng.random((2, 3, 2)) * 20,
                                                     np.ones((2, 3, 1))], axis=2)})
    args = (48, 64, [0.4, 0.5, 0.6], [0.2, 0.25, 0.3])
    theirs, ours = tvt.GeneralizedRCNNTransform(*args), transform.GeneralizedRCNNTransform(*args)
    for mode in ("train", "eval"):
        getattr(theirs, mode)()
        getattr(ours, mode)()
        t_images = [torch.tensor(i, dtype=torch.float32) for i in images]
        e_images = [ember.tensor(i, dtype=ember.float32) for i in images]
        t_targets = [{k: torch.tensor(v, dtype=torch.float32 if v.dtype == np.float64 else None)
                      for k, v in t.items()} for t in targets]
        e_targets = [{k: ember.tensor(v, dtype=ember.float32 if v.dtype == np.float64 else None)
                      for k, v in t.items()} for t in targets]
        (batch_t, out_t), (batch_e, out_e) = theirs(t_images, t_targets), ours(e_images, e_targets)
        assert batch_e.image_sizes == batch_t.image_sizes
        _assert_close(batch_e.tensors, batch_t.tensors, rtol=1e-5, atol=1e-5)
        for o, t in zip(out_e, out_t):
            for k in t:
                assert str(o[k].dtype).replace("ember.", "torch.") == str(t[k].dtype)
                _assert_close(o[k], t[k], rtol=1e-5, atol=1e-5)
    assert repr(ours) == repr(theirs)
    # predictions back to the input sizes, masks pasted into the image
    masks = rng.random((3, 1, 7, 7))
    boxes = np.array([[2.0, 3.0, 30.0, 20.0], [-4.0, 5.5, 12.0, 50.0], [10.0, 10.0, 11.0, 11.0]])
    pred_t = [{"boxes": torch.tensor(boxes), "masks": torch.tensor(masks)}]
    pred_e = [{"boxes": ember.tensor(boxes), "masks": ember.tensor(masks)}]
    theirs.eval()
    ours.eval()
    got = ours.postprocess(pred_e, [(48, 60)], [(30, 41)])[0]
    expected = theirs.postprocess(pred_t, [(48, 60)], [(30, 41)])[0]
    for k in expected:
        _assert_close(got[k], expected[k], rtol=1e-10, atol=1e-12)


def test_transform_and_model_errors():
    t = transform.GeneralizedRCNNTransform(32, 64, [0.5] * 3, [0.5] * 3)
    with pytest.raises(ValueError, match=r"images is expected to be a list of 3d tensors"):
        t([ember.zeros(1, 3, 8, 8)])
    with pytest.raises(TypeError, match="Expected input images to be of floating type"):
        t([ember.zeros(3, 8, 8, dtype=ember.uint8)])
    from ember.vision.models.detection import FasterRCNN
    with pytest.raises(ValueError, match="backbone should contain an attribute out_channels"):
        FasterRCNN(ember.nn.Identity(), num_classes=3)
    backbone = ember.nn.Conv2d(3, 4, 3)
    backbone.out_channels = 4
    with pytest.raises(ValueError, match="num_classes should not be None when box_predictor"):
        FasterRCNN(backbone)
    with pytest.raises(TypeError, match="rpn_anchor_generator should be of type AnchorGenerator"):
        FasterRCNN(backbone, 3, rpn_anchor_generator=object())
