"""ember.vision.models.detection against real torchvision 0.28: the same weights loaded into
both models (state_dict through NumPy), then eval-mode detections (boxes, labels, scores,
masks, keypoints) and train-mode loss dicts on the same images and targets, plus a short
training run of ``fasterrcnn_mobilenet_v3_large_320_fpn`` whose losses must fall."""
import contextlib
import functools
import math
import os
import sys
import tempfile

import numpy as np
import pytest

import ember
from ember.vision import models
from ember.vision.models import detection
from tests import isolated
from tests.oracle import torchvision_ref

torch = pytest.importorskip("torch")


def _torch_nms(dets, scores, iou_threshold):
    """Greedy NMS over ``scores.sort(0, descending=True)`` (an unstable sort: ties in torch's
    order), as torchvision's compiled kernel (which cannot load beside the CPU torch) does, for
    its ``batched_nms``."""
    order = torch.sort(scores, 0, descending=True).indices
    boxes = dets[order]
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        lt = torch.maximum(boxes[i, :2], boxes[i + 1:, :2])
        rb = torch.minimum(boxes[i, 2:], boxes[i + 1:, 2:])
        inter = (rb - lt).clamp(min=0).prod(dim=1)
        suppressed[i + 1:] |= inter / (area[i] + area[i + 1:] - inter) > iou_threshold
    return order[torch.tensor(keep, dtype=torch.int64)]


@contextlib.contextmanager
def _real_torchvision():
    """Real torchvision with pure-torch stand-ins for its compiled NMS and RoI Align."""
    tvm = torchvision_ref.load()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys.modules["torchvision.ops.boxes"], "nms", _torch_nms)
        # skip torch.compile of the pure-torch RoI Align (its compilation dominates)
        roi_align = sys.modules["torchvision.ops.roi_align"]
        mp.setattr(roi_align, "_roi_align", _in_chunks(roi_align._roi_align.__wrapped__))
        yield tvm


@pytest.fixture(scope="module")
def tv():
    with _real_torchvision() as tvm:
        yield tvm


def _in_chunks(roi_align, budget=1 << 18):
    """torchvision's pure-torch RoI Align (its compiled kernel's stand-in) over a few RoIs at a
    time, each chunk recomputed in backward rather than kept.  It samples into
    [K, C, PH, PW, IY, IX] tensors, and its graph keeps indices of that shape: 480 MB for the
    box features of 100 proposals.  Each RoI's output depends on that RoI alone, and the
    recomputation is the same computation, so the results are the same.

    With adaptive sampling (the mask targets) IY x IX is the whole input (370 MB for one mask
    of a 64x85 image), so each RoI samples the window of the input that holds its samples
    instead (:func:`_window`)."""
    def chunk(input, rois, *args):
        if not input.requires_grad:
            return roi_align(input, rois, *args)
        return torch.utils.checkpoint.checkpoint(roi_align, input, rois, *args,
                                                 use_reentrant=False)

    def chunked(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
        args = (spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned)
        if sampling_ratio <= 0:
            return torch.cat([chunk(*_window(input, roi, *args), *args)
                              for roi in rois.split(1)] or [roi_align(input, rois, *args)])
        per_roi = input.shape[1] * pooled_height * pooled_width * sampling_ratio ** 2
        step = max(1, budget // per_roi)
        return torch.cat([chunk(input, rois[i:i + step], *args)
                          for i in range(0, max(len(rois), 1), step)])
    return chunked


def _window(input, roi, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
    """One RoI (``[1, 5]``, adaptive sampling) and its image cut to the rows and columns its
    bilinear samples read, the RoI moved by the cut's whole-pixel offset (an exact subtraction
    at ``spatial_scale=1``, the mask targets'; other scales keep the whole image).  The
    samples lie inside the RoI and each reads the pixel before and after it; a cut that ends at
    the image's border keeps the border's clamping and zeroing, and one at least as large as
    the sampling grid keeps the grid's mask: the same samples and sums over fewer masked ones,
    their positions rounded from the moved RoI (within 1e-13 of the whole image's result)."""
    offset = 0.5 if aligned else 0.0
    batch, x1, y1, x2, y2 = roi[0].tolist()
    cuts = []
    for start, end, size, bins in ((y1, y2, input.shape[2], pooled_height),
                                   (x1, x2, input.shape[3], pooled_width)):
        start, end = start - offset, end - offset
        low, high = max(math.floor(start) - 1, 0), min(math.ceil(end) + 2, size)
        if spatial_scale != 1 or high - low < math.ceil(max(end - start, 1.0) / bins):
            return input, roi
        cuts.append((low, high))
    (top, bottom), (left, right) = cuts
    return (input[int(batch), None, :, top:bottom, left:right],
            roi - roi.new_tensor([batch, left, top, left, top]))


def _to_ember(state):
    return {k: ember.tensor(v.detach().numpy().copy()) for k, v in state.items()}


def _shared_state(model):
    """The torch model's state for ember: the parameters as views of torch's memory (the same
    values, which neither library writes outside an optimizer step: the pair holds one copy),
    the buffers as copies (batch norm updates its statistics in train mode)."""
    params = dict(model.named_parameters())
    return {k: ember.from_numpy(v.detach().numpy()) if k in params else _to_ember({k: v})[k]
            for k, v in model.state_dict().items()}


def _perturb_norm_stats(model, seed=0):
    """Non-trivial batch-norm statistics, so eval mode exercises them."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)


def _pair(tv, name, dtype=torch.float32, heads=None, **kwargs):
    """The torchvision model (seeded init, perturbed stats) and ember's with its weights
    (built without drawing initial values, which the weights replace).  ``heads(detection,
    model)``, given, replaces heads in both models (``detection``: each library's module)."""
    torch.manual_seed(0)
    theirs = tv.models.get_model(name, weights=None, weights_backbone=None, **kwargs)
    if heads is not None:
        heads(tv.models.detection, theirs)
    _perturb_norm_stats(theirs)
    cls_logits = getattr(getattr(getattr(theirs, "head", None), "classification_head", None),
                         "cls_logits", None)
    if isinstance(cls_logits, torch.nn.Conv2d):
        # spread RetinaNet's / FCOS's class scores (all start at the prior probability)
        with torch.no_grad():
            cls_logits.bias.normal_(-1.0, 1.0)
    theirs = theirs.to(dtype)
    with pytest.MonkeyPatch.context() as mp:
        for init in ("uniform_", "normal_"):
            mp.setattr(ember.Tensor, init, lambda self, *a, **k: self)
        ours = models.get_model(name, weights=None, weights_backbone=None, **kwargs)
        if heads is not None:
            heads(detection, ours)
    ours.load_state_dict(_shared_state(theirs), assign=True)
    return theirs, ours.to(getattr(ember, str(dtype).split(".")[1]))


def _images(dtype, shapes=((3, 48, 64), (3, 56, 40)), seed=1):
    rng = np.random.default_rng(seed)
    arrays = [rng.random(s) for s in shapes]
    return ([torch.tensor(a, dtype=dtype) for a in arrays],
            [ember.tensor(a, dtype=getattr(ember, str(dtype).split(".")[1])) for a in arrays])


def _targets(dtype, num_classes, masks=False, keypoints=False):
    """Two images' targets in input coordinates (48x64 and 56x40 images)."""
    boxes = [[[4.0, 5.0, 30.0, 33.0], [20.0, 14.0, 60.0, 46.0]], [[6.0, 8.0, 35.0, 50.0]]]
    labels = [[1, num_classes - 1], [num_classes - 1]]
    out_t, out_e = [], []
    for i, (b, lab) in enumerate(zip(boxes, labels)):
        t = {"boxes": torch.tensor(b, dtype=dtype), "labels": torch.tensor(lab)}
        if masks:
            h, w = ((48, 64), (56, 40))[i]
            m = torch.zeros((len(b), h, w), dtype=torch.uint8)
            for j, (x1, y1, x2, y2) in enumerate(b):
                m[j, int(y1):int(y2), int(x1):int(x2)] = 1
            t["masks"] = m
        if keypoints:
            rng = np.random.default_rng(i)
            kp = []
            for x1, y1, x2, y2 in b:
                xy = rng.uniform((x1, y1), (x2, y2), size=(17, 2))
                kp.append(np.concatenate([xy, (rng.random((17, 1)) > 0.3)], axis=1))
            t["keypoints"] = torch.tensor(np.array(kp), dtype=torch.float32)
        out_t.append(t)
        out_e.append({k: ember.tensor(v.numpy()) for k, v in t.items()})
    return out_t, out_e


def _assert_close(ours, theirs, rtol=1e-3, atol=2e-3, chunk=1 << 18):
    """Element-wise, a quarter million elements at a time: assert_allclose's temporaries are
    several float64 copies of its inputs (190 MB for RetinaNet's largest gradient)."""
    ours, theirs = ours.detach().numpy(), theirs.detach().numpy()
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    ours, theirs = ours.reshape(-1), theirs.reshape(-1)
    for i in range(0, max(ours.size, 1), chunk):
        np.testing.assert_allclose(np.asarray(ours[i:i + chunk], dtype=np.float64),
                                   np.asarray(theirs[i:i + chunk], dtype=np.float64),
                                   rtol=rtol, atol=atol, err_msg=f"elements from {i}")


def _compare_detections(ours, theirs, **tol):
    assert len(ours) == len(theirs)
    assert sum(len(t["boxes"]) for t in theirs) > 0       # the comparison means something
    for o, t in zip(ours, theirs):
        assert sorted(o) == sorted(t)
        for key in t:
            assert str(o[key].dtype).replace("ember.", "torch.") == str(t[key].dtype), key
            assert tuple(o[key].shape) == tuple(t[key].shape), key
            if key == "labels":
                assert o[key].tolist() == t[key].tolist()
            elif key == "boxes":
                # pixel coordinates decoded through exp() of an untrained head's deltas: the
                # last bits of torch's convolutions (which differ between AVX2 and AVX-512
                # kernels) move a box edge by up to ~0.06 px; a wrong op moves it by pixels
                _assert_close(o[key], t[key], rtol=1e-3, atol=0.1)
            else:
                _assert_close(o[key], t[key], **tol)


# the models resize their inputs, and torchvision's pure-torch RoI Align is slow: keep the
# images small and the proposals few
SMALL = dict(min_size=64, max_size=96, rpn_pre_nms_top_n_test=100, rpn_post_nms_top_n_test=50,
             rpn_pre_nms_top_n_train=100, rpn_post_nms_top_n_train=50)

EVAL_CASES = [
    ("fasterrcnn_mobilenet_v3_large_320_fpn", dict(num_classes=4, **SMALL)),
    ("fasterrcnn_mobilenet_v3_large_fpn", dict(num_classes=4, **SMALL)),
    ("fasterrcnn_resnet50_fpn", dict(num_classes=4, **SMALL)),
    ("fasterrcnn_resnet50_fpn_v2", dict(num_classes=4, **SMALL)),
    ("maskrcnn_resnet50_fpn", dict(num_classes=3, **SMALL)),
    ("maskrcnn_resnet50_fpn_v2", dict(num_classes=3, **SMALL)),
    ("keypointrcnn_resnet50_fpn", dict(num_keypoints=5, box_detections_per_img=8, **SMALL)),
    ("retinanet_resnet50_fpn", dict(num_classes=3, min_size=64, max_size=96)),
    ("retinanet_resnet50_fpn_v2", dict(num_classes=3, min_size=64, max_size=96)),
    ("fcos_resnet50_fpn", dict(num_classes=3, min_size=64, max_size=96, score_thresh=0.05)),
    ("ssd300_vgg16", dict(num_classes=3, detections_per_img=50)),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,kwargs", EVAL_CASES, ids=[c[0] for c in EVAL_CASES])
def test_eval_detections_match_torchvision(name, kwargs):
    """Each model in a process of its own (tests/isolated.py): torchvision's SSD300 builder
    makes the whole VGG-16 (553 MB of float32 weights) before it drops the classifier, and
    the others raised a worker's peak by 60-200 MB each for the rest of the run."""
    isolated.run(_eval_detections_match, None, name, kwargs)


def _eval_detections_match(tv, name, kwargs):
    """Eval-mode detections of both models on the same images (``tv=None``: load torchvision
    here)."""
    if tv is None:
        with _real_torchvision() as tv:
            return _eval_detections_match(tv, name, kwargs)
    theirs, ours = _pair(tv, name, **kwargs)
    theirs.eval()
    ours.eval()
    images_t, images_e = _images(torch.float32)
    with torch.no_grad():
        expected = theirs(images_t)
    with ember.no_grad():
        got = ours(images_e)
    _compare_detections(got, expected)


@pytest.mark.slow
def test_ssdlite_eval_outputs_match_torchvision(tv):
    """SSDlite's randomly initialised features are constant over many cells, so its boxes
    tie in score and NMS keeps an arbitrary one of each tied group: compare what precedes
    NMS (transformed images, head outputs, default boxes) and the detections' structure."""
    theirs, ours = _pair(tv, "ssdlite320_mobilenet_v3_large", num_classes=3)
    theirs.eval()
    ours.eval()
    images_t, images_e = _images(torch.float32)
    with torch.no_grad():
        batch_t, _ = theirs.transform(images_t)
        features_t = list(theirs.backbone(batch_t.tensors).values())
        head_t = theirs.head(features_t)
        anchors_t = theirs.anchor_generator(batch_t, features_t)
        expected = theirs(images_t)
    with ember.no_grad():
        batch_e, _ = ours.transform(images_e)
        features_e = list(ours.backbone(batch_e.tensors).values())
        head_e = ours.head(features_e)
        anchors_e = ours.anchor_generator(batch_e, features_e)
        got = ours(images_e)
    _assert_close(batch_e.tensors, batch_t.tensors)
    for key in head_t:
        _assert_close(head_e[key], head_t[key])
    for a_e, a_t in zip(anchors_e, anchors_t):
        _assert_close(a_e, a_t)
    for o, t in zip(got, expected):
        assert sorted(o) == sorted(t)
        assert o["labels"].dtype == ember.int64 and o["boxes"].shape[1:] == (4,)


TRAIN_CASES = [
    ("fasterrcnn_mobilenet_v3_large_320_fpn", dict(num_classes=4, **SMALL)),
    ("maskrcnn_resnet50_fpn", dict(num_classes=3, **SMALL)),
    ("keypointrcnn_resnet50_fpn", dict(num_keypoints=17, **SMALL)),
    ("retinanet_resnet50_fpn_v2", dict(num_classes=3, min_size=64, max_size=96)),
    ("fcos_resnet50_fpn", dict(num_classes=3, min_size=64, max_size=96)),
    ("ssdlite320_mobilenet_v3_large", dict(num_classes=3)),
]
# every labelled anchor / proposal sampled: the losses do not depend on the random draw
ALL_SAMPLED = dict(rpn_batch_size_per_image=10 ** 6, box_batch_size_per_image=10 ** 6)


def _sampling(name):
    return ALL_SAMPLED if "rcnn" in name else {}


def _narrow_heads(det, model, width=64):
    """The R-CNN RoI heads at ``width`` channels, replaced the way torchvision's fine-tuning
    guide replaces a predictor: the same modules and losses, without the default widths'
    parameters (the box head's 12544 x 1024 layer, the keypoint head's eight 512-channel
    convolutions: 35 of keypoint R-CNN's 59M, which float64 weights and gradients held twice
    over).  The ResNet-50 FPN backbone and the RPN keep their torchvision sizes."""
    heads, channels = model.roi_heads, model.backbone.out_channels
    resolution = heads.box_roi_pool.output_size[0]
    heads.box_head = det.faster_rcnn.TwoMLPHead(channels * resolution ** 2, width)
    heads.box_predictor = det.faster_rcnn.FastRCNNPredictor(
        width, heads.box_predictor.cls_score.out_features)
    if heads.has_mask():
        # 7x7 mask features, so 14x14 mask logits and targets: torchvision's pure-torch RoI
        # Align samples each target's whole image per output cell (_in_chunks)
        pool = heads.mask_roi_pool
        heads.mask_roi_pool = type(pool)(pool.featmap_names, 7, pool.sampling_ratio)
        heads.mask_head = det.mask_rcnn.MaskRCNNHeads(channels, (width,) * 4, 1)
        heads.mask_predictor = det.mask_rcnn.MaskRCNNPredictor(
            width, width, heads.mask_predictor.mask_fcn_logits.out_channels)
    if heads.has_keypoint():
        heads.keypoint_head = det.keypoint_rcnn.KeypointRCNNHeads(channels, (width,) * 8)
        heads.keypoint_predictor = det.keypoint_rcnn.KeypointRCNNPredictor(
            width, heads.keypoint_predictor.kps_score_lowres.out_channels)


def _fixed_input_size(model, size):
    """SSDlite resizes every image to a fixed 320x320; float64 activations and gradients at
    that size took its process to 0.94-0.96 GB.  At 160x160 each feature map is still at
    least 1x1 (the last extra blocks'), and every loss and gradient is still compared."""
    transform = model.transform
    transform.min_size, transform.max_size, transform.fixed_size = (size,), size, (size, size)


@pytest.mark.slow
@pytest.mark.parametrize("name,kwargs", TRAIN_CASES, ids=[c[0] for c in TRAIN_CASES])
def test_train_losses_match_torchvision(name, kwargs):
    """Each model in its own process (tests/isolated.py): float64 ResNet-50 models reach
    0.8-0.9 GB there, which on top of an xdist worker's would pass 1 GB."""
    isolated.run(_train_losses_match, name, kwargs)


def _train_losses_match(name, kwargs):
    """Losses, then every gradient, of ember's model equal torchvision's.  float64: batch norm
    over a batch of two small images amplifies float32 rounding.  Torch's backward runs before
    ember's forward (one library's graph alive at a time), its gradients go to files as they
    are accumulated, and each of ember's is compared with torch's as it is accumulated, then
    freed: at most one gradient of each library is in memory."""
    kwargs = dict(kwargs, **_sampling(name))
    with _real_torchvision() as tv, tempfile.TemporaryDirectory() as grads:
        theirs, ours = _pair(tv, name, dtype=torch.float64,
                             heads=_narrow_heads if "rcnn" in name else None, **kwargs)
        if name.startswith("ssdlite"):
            for model in (theirs, ours):
                _fixed_input_size(model, 160)
        theirs.train()
        ours.train()
        images_t, images_e = _images(torch.float64)
        targets_t, targets_e = _targets(torch.float64, kwargs.get("num_classes", 2),
                                        masks=name.startswith("mask"),
                                        keypoints=name.startswith("keypoint"))
        assert [n for n, _ in theirs.named_parameters()] == \
            [n for n, _ in ours.named_parameters()]

        def save_grad(param, name):
            np.save(os.path.join(grads, name + ".npy"), param.grad.numpy())
            param.grad = None

        for n, param in theirs.named_parameters():
            param.register_post_accumulate_grad_hook(functools.partial(save_grad, name=n))
        expected = theirs(images_t, targets_t)
        sum(expected.values()).backward()
        del theirs
        got = ours(images_e, targets_e)
        assert list(got) == list(expected)
        # (torch computes the RPN's BCE of float64 logits with float32 labels in float32)
        for key in expected:
            _assert_close(got[key], expected[key], rtol=1e-6, atol=1e-9)
        expected_grads = {f[:-4] for f in os.listdir(grads)}

        def check_grad(param, name):
            if name in expected_grads:
                expected_grads.remove(name)
                _assert_close(param.grad, torch.from_numpy(np.load(os.path.join(grads,
                                                                                 name + ".npy"))),
                              rtol=1e-5, atol=1e-8)
            param.grad = None

        for n, param in ours.named_parameters():
            param.register_post_accumulate_grad_hook(functools.partial(check_grad, name=n))
        sum(got.values()).backward()
        assert not expected_grads, sorted(expected_grads)  # ember has every gradient torch has


def _synthetic_batch(rng, n=2, size=64):
    """Images with one or two bright rectangles on noise, and their boxes / labels."""
    images, targets = [], []
    for _ in range(n):
        img = rng.random((3, size, size)) * 0.2
        boxes, labels = [], []
        for label in range(1, rng.integers(1, 3) + 1):
            x1, y1 = rng.integers(0, size // 2, size=2)
            w, h = rng.integers(12, size // 2, size=2)
            img[label - 1, y1:y1 + h, x1:x1 + w] = 1.0
            boxes.append([x1, y1, x1 + w, y1 + h])
            labels.append(label)
        images.append(ember.tensor(img, dtype=ember.float32))
        targets.append({"boxes": ember.tensor(boxes, dtype=ember.float32),
                        "labels": ember.tensor(labels, dtype=ember.int64)})
    return images, targets


@pytest.mark.slow
def test_fasterrcnn_mobilenet_320_trains_and_predicts():
    ember.manual_seed(0)
    model = detection.fasterrcnn_mobilenet_v3_large_320_fpn(
        weights=None, weights_backbone=None, num_classes=3, min_size=64, max_size=64)
    images, targets = _synthetic_batch(np.random.default_rng(0))
    optimizer = ember.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01,
                                momentum=0.9)
    model.train()
    totals = []
    for _ in range(6):
        losses = model(images, targets)
        assert sorted(losses) == ["loss_box_reg", "loss_classifier", "loss_objectness",
                                  "loss_rpn_box_reg"]
        total = sum(losses.values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        totals.append(total.item())
    assert totals[-1] < 0.7 * totals[0], totals
    model.eval()
    with ember.no_grad():
        out = model(images)
    assert len(out) == len(images)
    for pred in out:
        assert sorted(pred) == ["boxes", "labels", "scores"]
        assert pred["boxes"].dtype == ember.float32 and pred["boxes"].shape[1:] == (4,)
        assert pred["labels"].dtype == ember.int64
        assert pred["scores"].shape == pred["labels"].shape == pred["boxes"].shape[:1]


@pytest.mark.slow
def test_coco_checkpoint_loads_from_a_path(tv, tmp_path):
    """``weights=`` with ``weights_path=``: the checkpoint fixes ``num_classes`` (91 COCO
    categories), the backbone gets frozen batch norm, and the weights arrive unchanged."""
    torch.manual_seed(0)
    name = "fasterrcnn_mobilenet_v3_large_320_fpn"
    theirs = tv.models.get_model(name, weights=None, weights_backbone=None, num_classes=91)
    path = tmp_path / "coco.pth"
    torch.save(theirs.state_dict(), path)
    ours = models.get_model(name, weights="DEFAULT", weights_path=path)
    assert ours.roi_heads.box_predictor.cls_score.out_features == 91
    assert type(ours.backbone.body["1"].block[0][1]).__name__ == "FrozenBatchNorm2d"
    state = ours.state_dict()
    for key, value in theirs.state_dict().items():
        if not key.endswith("num_batches_tracked"):
            # exactly equal: compared as they are (assert_allclose with zero tolerances made
            # six float64 copies of the 12544x1024 box layer, +600 MB)
            np.testing.assert_array_equal(state[key].numpy(), value.numpy(), err_msg=key)
    with pytest.raises(ValueError, match="num_classes"):
        models.get_model(name, weights="DEFAULT", weights_path=path, num_classes=5)
