"""ember.vision.ops against real torchvision 0.28 (its pure-Python parts; see
tests/oracle/torchvision_ref.py) and, for the compiled kernels torchvision cannot load here
(nms, roi_pool), against straightforward reference loops written from their definitions."""
import importlib
import math

import numpy as np
import pytest

import ember
from ember.vision import ops as eops
from tests.oracle import torchvision_ref
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tv():
    return torchvision_ref.load()


def _boxes(rng, n, scale=10.0):
    xy = rng.uniform(0, scale, (n, 2))
    wh = rng.uniform(0.5, scale / 2, (n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


def _pair(a, dtype="float64", grad=False):
    a = np.asarray(a, dtype=dtype)
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


# ---- boxes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", ["box_iou", "generalized_box_iou", "distance_box_iou",
                                "complete_box_iou"])
def test_pairwise_ious_and_gradients(tv, fn, dtype):
    rng = np.random.default_rng(0)
    (e1, t1), (e2, t2) = _pair(_boxes(rng, 5), dtype, True), _pair(_boxes(rng, 3), dtype, True)
    eo, to = getattr(eops, fn)(e1, e2), getattr(tv.ops, fn)(t1, t2)
    tol = 1e-5 if dtype == "float32" else 1e-10
    compare(eo, to, tol, tol)
    g = rng.standard_normal(tuple(to.shape))
    eo.backward(ember.tensor(g, dtype=eo.dtype))
    to.backward(torch.tensor(g, dtype=to.dtype))
    compare(e1.grad, t1.grad, 10 * tol, 10 * tol)
    compare(e2.grad, t2.grad, 10 * tol, 10 * tol)


def test_box_iou_batched_and_integer_boxes(tv):
    rng = np.random.default_rng(1)
    b1 = np.stack([_boxes(rng, 4), _boxes(rng, 4)])
    b2 = np.stack([_boxes(rng, 2), _boxes(rng, 2)])
    compare(eops.box_iou(ember.tensor(b1), ember.tensor(b2)),
            tv.ops.box_iou(torch.tensor(b1), torch.tensor(b2)), 1e-10, 1e-10)
    ints = (_boxes(rng, 4) * 3).astype(np.int64)
    for fmt in ("xyxy", "xywh", "cxcywh"):
        compare(eops.box_area(ember.tensor(ints), fmt), tv.ops.box_area(torch.tensor(ints), fmt),
                0, 0)
        compare(eops.box_iou(ember.tensor(ints), ember.tensor(ints), fmt),
                tv.ops.box_iou(torch.tensor(ints), torch.tensor(ints), fmt), 1e-6, 1e-6)


@pytest.mark.parametrize("pair", [("xyxy", "xywh"), ("xyxy", "cxcywh"), ("xywh", "xyxy"),
                                  ("xywh", "cxcywh"), ("cxcywh", "xyxy"), ("cxcywh", "xywh"),
                                  ("xyxy", "xyxy")])
def test_box_convert_axis_aligned(tv, pair):
    b = _boxes(np.random.default_rng(2), 6)
    compare(eops.box_convert(ember.tensor(b), *pair), tv.ops.box_convert(torch.tensor(b), *pair),
            1e-12, 1e-12)


@pytest.mark.parametrize("pair", [("xywhr", "cxcywhr"), ("cxcywhr", "xywhr"),
                                  ("xywhr", "xyxyxyxy"), ("xyxyxyxy", "xywhr"),
                                  ("cxcywhr", "xyxyxyxy"), ("xyxyxyxy", "cxcywhr")])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_box_convert_rotated(tv, pair, dtype):
    rng = np.random.default_rng(3)
    width = {"xywhr": 5, "cxcywhr": 5, "xyxyxyxy": 8}[pair[0]]
    b = rng.uniform(1, 20, (4, width))
    if width == 5:
        b[:, 4] = rng.uniform(-90, 90, 4)
    b = b.astype(dtype)
    compare(eops.box_convert(ember.tensor(b), *pair), tv.ops.box_convert(torch.tensor(b), *pair),
            1e-9, 1e-9)


def test_box_errors(tv):
    b = torch.tensor(_boxes(np.random.default_rng(4), 2))
    for call in (lambda m, x: m.ops.box_convert(x, "xyxy", "abc"),
                 lambda m, x: m.ops.box_convert(x, "xyxy", "xywhr"),
                 lambda m, x: m.ops.box_area(x, "xywhr"),
                 lambda m, x: m.ops.box_iou(x, x, "abc")):
        with pytest.raises(Exception) as t_exc:
            call(tv, b)
        with pytest.raises(type(t_exc.value)) as e_exc:
            call(ember.vision, ember.tensor(b.numpy()))
        assert str(e_exc.value) == str(t_exc.value)


def test_clip_remove_small_and_masks_to_boxes(tv):
    rng = np.random.default_rng(5)
    b = rng.uniform(-5, 15, (7, 4))
    compare(eops.clip_boxes_to_image(ember.tensor(b), (8, 9)),
            tv.ops.clip_boxes_to_image(torch.tensor(b), (8, 9)), 0, 0)
    b = _boxes(rng, 9)
    compare(eops.remove_small_boxes(ember.tensor(b), 2.0),
            tv.ops.remove_small_boxes(torch.tensor(b), 2.0), 0, 0)
    masks = rng.uniform(size=(3, 6, 7)) > 0.8
    masks[1] = False
    masks[1, 2, 3] = True
    compare(eops.masks_to_boxes(ember.tensor(masks)), tv.ops.masks_to_boxes(torch.tensor(masks)),
            0, 0)


# ---- nms (reference: the definition, box by box) ------------------------------------------------
def _reference_nms(boxes, scores, threshold):
    """Greedy NMS visiting boxes in ``torch.sort(scores, descending=True)`` order, as
    torchvision's CPU kernel does (an unstable sort: tied scores in torch's order)."""
    order = torch.sort(torch.tensor(scores), descending=True).indices.tolist()
    keep = []
    for i in order:
        ok = True
        for j in keep:
            x1, y1 = max(boxes[i][0], boxes[j][0]), max(boxes[i][1], boxes[j][1])
            x2, y2 = min(boxes[i][2], boxes[j][2]), min(boxes[i][3], boxes[j][3])
            inter = max(x2 - x1, 0) * max(y2 - y1, 0)
            area = lambda b: (b[2] - b[0]) * (b[3] - b[1])  # noqa: E731
            if inter / (area(boxes[i]) + area(boxes[j]) - inter) > threshold:
                ok = False
                break
        if ok:
            keep.append(i)
    return keep


@pytest.mark.parametrize("n,threshold", [(1, 0.5), (30, 0.3), (60, 0.5), (60, 0.9)])
def test_nms_matches_the_greedy_definition(n, threshold):
    rng = np.random.default_rng(n)
    boxes, scores = _boxes(rng, n, 20), rng.uniform(size=n)
    keep = eops.nms(ember.tensor(boxes, dtype=ember.float64), ember.tensor(scores), threshold)
    assert keep.dtype == ember.int64
    assert keep.tolist() == _reference_nms(boxes.tolist(), scores.tolist(), threshold)


def test_nms_visits_tied_scores_in_torchs_order():
    rng = np.random.default_rng(11)
    boxes, scores = _boxes(rng, 80, 20), rng.integers(0, 4, 80) / 4
    keep = eops.nms(ember.tensor(boxes), ember.tensor(scores), 0.3)
    assert keep.tolist() == _reference_nms(boxes.tolist(), scores.tolist(), 0.3)


def test_batched_nms_keeps_categories_apart():
    rng = np.random.default_rng(7)
    boxes, scores = _boxes(rng, 40, 20), rng.uniform(size=40)
    idxs = rng.integers(0, 3, 40)
    got = eops.batched_nms(ember.tensor(boxes), ember.tensor(scores), ember.tensor(idxs), 0.4)
    expected = []
    for c in range(3):
        members = [i for i in range(40) if idxs[i] == c]
        expected += [members[k] for k in _reference_nms(boxes[members].tolist(),
                                                        scores[members].tolist(), 0.4)]
    assert got.tolist() == sorted(expected, key=lambda i: -scores[i])
    empty = eops.batched_nms(ember.zeros(0, 4), ember.zeros(0), ember.zeros(0, dtype=ember.int64),
                             0.5)
    assert empty.shape == (0,) and empty.dtype == ember.int64


def test_nms_errors():
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 1D"):
        eops.nms(ember.zeros(4), ember.zeros(1), 0.5)
    with pytest.raises(RuntimeError, match="boxes and scores should have same number"):
        eops.nms(ember.zeros(3, 4), ember.zeros(2), 0.5)


# ---- RoI Align (reference: torchvision's pure-torch _roi_align) ---------------------------------
def _reference_roi_align(tv):
    """torchvision's pure-torch RoI Align, without the torch.compile wrapper."""
    import sys
    return sys.modules["torchvision.ops.roi_align"]._roi_align.__wrapped__


def _rois(rng, k, images, size):
    """RoIs inside a map of ``size`` (torchvision's pure-torch RoI Align, the reference, does
    not zero the samples beyond the map's edge as its C++ kernels and Ember do)."""
    corners = _boxes(rng, k, size * 0.6)
    return np.concatenate([rng.integers(0, images, (k, 1)).astype(float), corners], axis=1)


@pytest.mark.parametrize("sampling_ratio", [-1, 2])
@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_roi_align_matches_torchvision(tv, sampling_ratio, aligned, scale):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 12, 10))
    rois = _rois(rng, 6, 2, 10 / scale)
    reference = _reference_roi_align(tv)
    (ex, tx), (er, tr) = _pair(x, grad=True), _pair(rois)
    eo = eops.roi_align(ex, er, (3, 4), scale, sampling_ratio, aligned)
    to = reference(tx, tr, scale, 3, 4, sampling_ratio, aligned)
    compare(eo, to, 1e-10, 1e-10)
    g = rng.standard_normal(tuple(to.shape))
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    compare(ex.grad, tx.grad, 1e-10, 1e-10)


@pytest.mark.parametrize("sampling_ratio", [-1, 2])
def test_roi_align_in_groups_and_double_backward(tv, monkeypatch, sampling_ratio):
    """A few RoIs at a time (here one: the budget of the [k, C, PH, W] intermediate is 1), the
    images' RoIs interleaved and one image without any; the gradient of the input's gradient
    with respect to the output's gradient."""
    module = importlib.import_module("ember.vision.ops.roi_align")   # (the function's name)
    monkeypatch.setattr(module._Separable, "BUDGET", 1)
    rng = np.random.default_rng(10)
    x = rng.standard_normal((3, 2, 9, 11))
    rois = _rois(rng, 5, 2, 9)
    (ex, tx), (er, tr) = _pair(x, grad=True), _pair(rois)
    eo = eops.roi_align(ex, er, (2, 3), 1.0, sampling_ratio)
    to = _reference_roi_align(tv)(tx, tr, 1.0, 2, 3, sampling_ratio, False)
    compare(eo, to, 1e-10, 1e-10)
    (eg, tg), (eh, th) = _pair(rng.standard_normal(to.shape), grad=True), _pair(rng.random(x.shape))
    (egx,) = ember.autograd.grad(eo, ex, eg, create_graph=True)
    (tgx,) = torch.autograd.grad(to, tx, tg, create_graph=True)
    compare(egx, tgx, 1e-10, 1e-10)
    compare(ember.autograd.grad(egx, eg, eh)[0], torch.autograd.grad(tgx, tg, th)[0], 1e-10, 1e-10)


def test_roi_align_box_list_module_and_float32(tv):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 4, 9, 9)).astype(np.float32)
    boxes = [_boxes(rng, 3, 7).astype(np.float32), _boxes(rng, 2, 7).astype(np.float32)]
    rois = tv.ops._utils.convert_boxes_to_roi_format([torch.tensor(b) for b in boxes])
    layer = eops.RoIAlign((2, 2), 1.0, 2)
    assert repr(layer) == repr(tv.ops.RoIAlign((2, 2), 1.0, 2))
    compare(layer(ember.tensor(x), [ember.tensor(b) for b in boxes]),
            _reference_roi_align(tv)(torch.tensor(x), rois, 1.0, 2, 2, 2, False),
            1e-5, 1e-5)


def test_roi_align_samples_outside_the_map_count_as_zero():
    x = ember.ones(1, 1, 4, 4)
    out = eops.roi_align(x, ember.tensor([[0, -8.0, 0.5, -4.0, 2.5]]), 1, 1.0, 1)
    assert out.item() == 0.0     # the single sample sits at x=-6: more than a pixel outside


def test_aligned_roi_align_of_an_empty_box_is_zero():
    """aligned=True keeps a zero-size box's size: its adaptive grid has no samples, and the
    kernel's average over at least one sample gives 0."""
    out = eops.roi_align(ember.ones(1, 2, 5, 5), ember.tensor([[0, 2.0, 2, 2, 2]]), 2, 1.0, -1,
                         aligned=True)
    assert out.abs().sum().item() == 0.0 and tuple(out.shape) == (1, 2, 2, 2)


def test_roi_boxes_shape_errors():
    with pytest.raises(AssertionError, match=r"Tensor\[K, 5\]"):
        eops.roi_align(ember.zeros(1, 1, 4, 4), ember.zeros(2, 4), 2)
    with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
        eops.roi_pool(ember.zeros(1, 1, 4, 4), [ember.zeros(2, 5)], 2)


# ---- RoI Pool (reference: the bin definition, bin by bin) ---------------------------------------
def _reference_roi_pool(x, rois, ph, pw, scale):
    out = np.zeros((len(rois), x.shape[1], ph, pw))
    rnd = lambda v: math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)  # noqa: E731
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        x1, y1, x2, y2 = (rnd(v * scale) for v in (x1, y1, x2, y2))
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(ph):
            for j in range(pw):
                hs = min(max(math.floor(i * h / ph) + y1, 0), x.shape[2])
                he = min(max(math.ceil((i + 1) * h / ph) + y1, 0), x.shape[2])
                ws = min(max(math.floor(j * w / pw) + x1, 0), x.shape[3])
                we = min(max(math.ceil((j + 1) * w / pw) + x1, 0), x.shape[3])
                if he > hs and we > ws:
                    out[k, :, i, j] = x[int(b), :, hs:he, ws:we].max(axis=(1, 2))
    return out


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_roi_pool_matches_the_bin_definition(scale):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 11, 9))
    rois = _rois(rng, 7, 2, 9 / scale)
    rois[0, 1:] = [-30, -30, -20, -20]     # entirely outside: zeros
    got = eops.roi_pool(ember.tensor(x), ember.tensor(rois), (3, 2), scale)
    np.testing.assert_array_equal(got.numpy(), _reference_roi_pool(x, rois, 3, 2, scale))


def test_roi_pool_gradient_reaches_each_bins_maximum():
    rng = np.random.default_rng(11)
    x = ember.tensor(rng.standard_normal((1, 2, 6, 6)), requires_grad=True)
    out = eops.RoIPool(2, 1.0)(x, ember.tensor([[0.0, 0, 0, 5, 5]]))
    out.sum().backward()
    grad = x.grad.numpy()
    assert grad.sum() == 8 and set(np.unique(grad)) == {0.0, 1.0}
    for c in range(2):        # each 3x3 quadrant's maximum receives the gradient
        for i in range(2):
            for j in range(2):
                block = x.detach().numpy()[0, c, 3 * i:3 * i + 3, 3 * j:3 * j + 3]
                hit = np.unravel_index(block.argmax(), block.shape)
                assert grad[0, c, 3 * i + hit[0], 3 * j + hit[1]] == 1


# ---- position-sensitive RoI Align / Pool (reference: their kernels' definitions, bin by bin) ----
def _bilinear(plane, y, x):
    """A bilinear sample as RoI Align takes it: zero more than a pixel outside the map."""
    h, w = plane.shape
    if not (-1 <= y <= h and -1 <= x <= w):
        return 0.0, []
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = min(int(y), h - 1), min(int(x), w - 1)
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    ly, lx = (0.0 if y0 == h - 1 else y - y0), (0.0 if x0 == w - 1 else x - x0)
    taps = [(y0, x0, (1 - ly) * (1 - lx)), (y0, x1, (1 - ly) * lx), (y1, x0, ly * (1 - lx)),
            (y1, x1, ly * lx)]
    return sum(wt * plane[a, b] for a, b, wt in taps), taps


def _reference_ps_roi_align(x, rois, ph, pw, scale, ratio, grad_out=None):
    """(output, input gradient for ``grad_out``) bin by bin."""
    cout = x.shape[1] // (ph * pw)
    out, grad = np.zeros((len(rois), cout, ph, pw)), np.zeros_like(x)
    for k, (b, *box) in enumerate(rois):
        x1, y1, x2, y2 = (v * scale - 0.5 for v in box)
        bh, bw = (y2 - y1) / ph, (x2 - x1) / pw
        gh = ratio if ratio > 0 else math.ceil((y2 - y1) / ph)
        gw = ratio if ratio > 0 else math.ceil((x2 - x1) / pw)
        for c in range(cout):
            for i in range(ph):
                for j in range(pw):
                    plane = x[int(b), (c * ph + i) * pw + j]
                    total = 0.0
                    for iy in range(gh):
                        for ix in range(gw):
                            val, taps = _bilinear(plane, y1 + i * bh + (iy + 0.5) * bh / gh,
                                                  x1 + j * bw + (ix + 0.5) * bw / gw)
                            total += val
                            for a, bb, wt in taps if grad_out is not None else ():
                                grad[int(b), (c * ph + i) * pw + j, a, bb] += \
                                    grad_out[k, c, i, j] * wt / (gh * gw)
                    out[k, c, i, j] = total / (gh * gw) if gh * gw else math.nan
    return out, grad


def _reference_ps_roi_pool(x, rois, ph, pw, scale, grad_out=None):
    """(output, input gradient for ``grad_out``): bins clipped to size - 1 in the forward
    pass and to size in the backward pass, as torchvision's kernels do."""
    cout = x.shape[1] // (ph * pw)
    out, grad = np.zeros((len(rois), cout, ph, pw)), np.zeros_like(x)
    rnd = lambda v: math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)  # noqa: E731
    for k, (b, *box) in enumerate(rois):
        x1, y1, x2, y2 = (rnd(v * scale) for v in box)
        h, w = max(y2 - y1, 1), max(x2 - x1, 1)
        for i in range(ph):
            for j in range(pw):
                for c in range(cout):
                    ch = (c * ph + i) * pw + j
                    for last, backward in ((1, False), (0, True)):
                        hs = min(max(math.floor(i * h / ph) + y1, 0), x.shape[2] - last)
                        he = min(max(math.ceil((i + 1) * h / ph) + y1, 0), x.shape[2] - last)
                        ws = min(max(math.floor(j * w / pw) + x1, 0), x.shape[3] - last)
                        we = min(max(math.ceil((j + 1) * w / pw) + x1, 0), x.shape[3] - last)
                        if he <= hs or we <= ws:
                            continue
                        area = (he - hs) * (we - ws)
                        if not backward:
                            out[k, c, i, j] = x[int(b), ch, hs:he, ws:we].sum() / area
                        elif grad_out is not None:
                            grad[int(b), ch, hs:he, ws:we] += grad_out[k, c, i, j] / area
    return out, grad


def _ps_rois(rng, k, images, extent):
    rois = _rois(rng, k, images, extent)
    rois[0, 1:] = [-30, -30, -20, -20]          # entirely outside the map
    rois[1, 1:] = [3.0, 2.0, 3.0, 2.0]          # a point: empty sample grids
    return rois


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("ratio,scale,size", [(2, 1.0, (3, 2)), (-1, 0.5, 2), (1, 1.0, 1)])
def test_ps_roi_align_matches_the_kernel_definition(ratio, scale, size, dtype):
    rng = np.random.default_rng(12)
    ph, pw = size if isinstance(size, tuple) else (size, size)
    x = rng.standard_normal((2, 2 * ph * pw, 9, 8))
    rois = _ps_rois(rng, 6, 2, 8 / scale)
    g = rng.standard_normal((6, 2, ph, pw))
    want, want_grad = _reference_ps_roi_align(x, rois, ph, pw, scale, ratio, g)
    ex = ember.tensor(x.astype(dtype), requires_grad=True)
    got = eops.ps_roi_align(ex, ember.tensor(rois.astype(dtype)), size, scale, ratio)
    got.backward(ember.tensor(np.nan_to_num(g).astype(dtype)))
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    assert got.dtype == ex.dtype and tuple(got.shape) == want.shape
    np.testing.assert_allclose(got.detach().numpy(), want, equal_nan=True, **tol)
    if ratio > 0:       # (an empty grid's 0/0 sends NaN gradients, as the kernel's does not)
        np.testing.assert_allclose(ex.grad.numpy(), want_grad, **tol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("scale,size", [(1.0, (3, 2)), (0.5, 2), (1.0, 1)])
def test_ps_roi_pool_matches_the_kernel_definition(scale, size, dtype):
    rng = np.random.default_rng(13)
    ph, pw = size if isinstance(size, tuple) else (size, size)
    x = rng.standard_normal((2, 3 * ph * pw, 9, 8))
    rois = _ps_rois(rng, 6, 2, 8 / scale)
    rois[2, 1:] = [4.0, 5.0, 20.0, 30.0]        # reaches past the last row and column
    g = rng.standard_normal((6, 3, ph, pw))
    want, want_grad = _reference_ps_roi_pool(x, rois, ph, pw, scale, g)
    ex = ember.tensor(x.astype(dtype), requires_grad=True)
    got = eops.PSRoIPool(size, scale)(ex, ember.tensor(rois.astype(dtype)))
    got.backward(ember.tensor(g.astype(dtype)))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.detach().numpy(), want, **tol)
    np.testing.assert_allclose(ex.grad.numpy(), want_grad, **tol)


def test_ps_roi_ops_box_lists_modules_and_errors(tv):
    rng = np.random.default_rng(14)
    x = ember.tensor(rng.standard_normal((2, 8, 6, 6)))
    boxes = [ember.tensor(_boxes(rng, 2, 5.0)), ember.tensor(_boxes(rng, 1, 5.0))]
    rois = ember.cat([ember.tensor([[0.0], [0.0], [1.0]]), ember.cat(boxes)], 1)
    for fn, args in ((eops.ps_roi_align, (1.0, 2)), (eops.ps_roi_pool, (1.0,))):
        compare(fn(x, boxes, 2, *args), fn(x, rois, 2, *args), 0, 0)
    for name, args in (("PSRoIAlign", ((2, 2), 0.5, 2)), ("PSRoIPool", (2, 0.25))):
        assert repr(getattr(eops, name)(*args)) == repr(getattr(tv.ops, name)(*args))
    for fn in (eops.ps_roi_align, eops.ps_roi_pool):
        with pytest.raises(RuntimeError, match="input channels must be a multiple of pooling "
                                               "height \\* pooling width"):
            fn(ember.zeros(1, 6, 4, 4), ember.tensor([[0.0, 0, 0, 2, 2]]), 2)


# ---- losses -------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_sigmoid_focal_loss(tv, reduction):
    rng = np.random.default_rng(12)
    (ex, tx), (ey, ty) = _pair(rng.standard_normal((4, 5)), grad=True), \
        _pair(rng.integers(0, 2, (4, 5)))
    for alpha in (0.25, -1):
        eo = eops.sigmoid_focal_loss(ex, ey, alpha, 2, reduction)
        to = tv.ops.sigmoid_focal_loss(tx, ty, alpha, 2, reduction)
        compare(eo, to, 1e-10, 1e-10)
    eo.sum().backward()
    to.sum().backward()
    compare(ex.grad, tx.grad, 1e-10, 1e-10)


@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss",
                                  "complete_box_iou_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_box_losses(tv, name, reduction):
    rng = np.random.default_rng(13)
    (e1, t1), (e2, t2) = _pair(_boxes(rng, 6), grad=True), _pair(_boxes(rng, 6), grad=True)
    eo, to = getattr(eops, name)(e1, e2, reduction), getattr(tv.ops, name)(t1, t2, reduction)
    compare(eo, to, 1e-10, 1e-10)
    eo.sum().backward()
    to.sum().backward()
    compare(e1.grad, t1.grad, 1e-9, 1e-9)
    compare(e2.grad, t2.grad, 1e-9, 1e-9)
    empty = getattr(eops, name)(ember.zeros(0, 4), ember.zeros(0, 4), "mean")
    compare(empty, getattr(tv.ops, name)(torch.zeros(0, 4), torch.zeros(0, 4), "mean"), 0, 0)


def test_loss_argument_errors(tv):
    for call in (lambda m, T: m.ops.sigmoid_focal_loss(T.zeros(2), T.zeros(2), alpha=2.0),
                 lambda m, T: m.ops.generalized_box_iou_loss(T.zeros(1, 4), T.zeros(1, 4), "avg")):
        with pytest.raises(ValueError) as t_exc:
            call(tv, torch)
        with pytest.raises(ValueError) as e_exc:
            call(ember.vision, ember)
        assert str(e_exc.value) == str(t_exc.value)


# ---- layers -------------------------------------------------------------------------------------
def _twins(tv, make):
    em, tm = make(ember.vision.ops, ember.nn), make(tv.ops, torch.nn)
    assert repr(em) == repr(tm)
    t_state = tm.state_dict()
    assert list(em.state_dict()) == list(t_state)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_state.items()})
    return em.double(), tm.double()


@pytest.mark.parametrize("make,shape", [
    (lambda ops, nn: ops.Conv2dNormActivation(3, 4, 3, stride=2), (2, 3, 7, 7)),
    (lambda ops, nn: ops.Conv2dNormActivation(3, 6, (3, 5), groups=3, dilation=(1, 2),
                                              norm_layer=None, activation_layer=nn.SiLU),
     (1, 3, 8, 9)),
    (lambda ops, nn: ops.Conv3dNormActivation(2, 3, 3), (1, 2, 4, 5, 5)),
    (lambda ops, nn: ops.SqueezeExcitation(6, 2), (2, 6, 5, 5)),
    (lambda ops, nn: ops.MLP(5, [8, 7, 3], norm_layer=nn.LayerNorm, dropout=0.0), (4, 5)),
    (lambda ops, nn: ops.Permute([0, 2, 3, 1]), (2, 3, 4, 5)),
])
def test_layers_match_torchvision(tv, make, shape):
    em, tm = _twins(tv, make)
    em.eval(), tm.eval()
    x = np.random.default_rng(14).standard_normal(shape)
    (ex, tx) = _pair(x, grad=True)
    eo, to = em(ex), tm(tx)
    compare(eo, to, 1e-10, 1e-10)
    eo.sum().backward()
    to.sum().backward()
    compare(ex.grad, tx.grad, 1e-9, 1e-9)


def test_frozen_batch_norm(tv):
    em, tm = _twins(tv, lambda ops, nn: ops.FrozenBatchNorm2d(3, eps=1e-3))
    bn = torch.nn.BatchNorm2d(3)
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    state = bn.state_dict()             # with num_batches_tracked, which both drop
    tm.load_state_dict(state)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in state.items()})
    x = np.random.default_rng(15).standard_normal((2, 3, 4, 4))
    compare(em(ember.tensor(x)), tm.double()(torch.tensor(x)), 1e-10, 1e-10)
    assert [n for n, _ in em.named_parameters()] == []


def test_stochastic_depth_and_drop_block():
    x = ember.ones(400, 3)
    out = eops.stochastic_depth(x, 0.25, "row")
    rows = out[:, 0]
    assert np.all(np.isclose(rows.numpy(), 0) | np.isclose(rows.numpy(), 1 / 0.75))
    assert (out == out[:, :1]).all()                    # whole rows survive or vanish
    assert abs(float(rows.mean()) - 1.0) < 0.15
    assert eops.stochastic_depth(x, 0.25, "row", training=False) is x
    assert eops.stochastic_depth(x, 1.0, "batch").abs().sum() == 0
    layer = eops.StochasticDepth(0.5, "batch")
    assert repr(layer) == "StochasticDepth(p=0.5, mode=batch)"
    y = eops.drop_block2d(ember.ones(2, 3, 9, 9), 0.3, 3)
    zeros = (y == 0).float().mean().item()
    assert 0.1 < zeros < 0.6 and abs(float(y.sum()) / y.numel() - 1) < 1e-4
    assert repr(eops.DropBlock3d(0.1, 3)) == "DropBlock3d(p=0.1, block_size=3, inplace=False)"


def test_stochastic_depth_and_drop_block_errors(tv):
    for call in (lambda m, T: m.ops.stochastic_depth(T.ones(2), 1.5, "row"),
                 lambda m, T: m.ops.stochastic_depth(T.ones(2), 0.5, "col"),
                 lambda m, T: m.ops.drop_block2d(T.ones(2, 2, 4, 4), -0.1, 3),
                 lambda m, T: m.ops.drop_block2d(T.ones(2, 4, 4), 0.1, 3),
                 lambda m, T: m.ops.drop_block3d(T.ones(1, 1, 6, 6, 6), 0.1, 4)):
        with pytest.raises(ValueError) as t_exc:
            call(tv, torch)
        with pytest.raises(ValueError) as e_exc:
            call(ember.vision, ember)
        assert str(e_exc.value) == str(t_exc.value)


def test_split_normalization_params(tv):
    em, tm = _twins(tv, lambda ops, nn: nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3),
                                                       nn.Sequential(nn.Linear(3, 2),
                                                                     nn.LayerNorm(2))))
    e_norm, e_other = eops.split_normalization_params(em)
    t_norm, t_other = tv.ops._utils.split_normalization_params(tm)
    assert [tuple(p.shape) for p in e_norm] == [tuple(p.shape) for p in t_norm]
    assert [tuple(p.shape) for p in e_other] == [tuple(p.shape) for p in t_other]
