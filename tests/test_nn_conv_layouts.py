"""Convolution lowerings against torch on shapes that reach every layout: channels-last
(C >= 16), per sample (few channels over many positions), planar (groups, few positions),
several sample chunks, stride 1 (input gradient as a convolution) and stride 2 (col2im),
Winograd from enough tiles, and non-finite inputs, weights and output gradients."""
import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from tests._nn_compare import check_fn

# Few channels over >= 192 output positions: per-sample columns (the input gradient as a
# per-sample convolution of the output gradient when padded, col2im otherwise).
PER_SAMPLE_CASES = [
    ((3, 3, 16, 16), (8, 3, 3, 3), dict(padding=1)),
    ((3, 2, 30, 29), (5, 2, 3, 3), dict(stride=2, padding=1)),
    ((3, 1, 18, 18), (4, 1, 3, 3), {}),
    ((2, 3, 20, 20), (4, 3, 3, 2), dict(padding=(2, 1), dilation=2)),
    ((2, 15, 16, 14), (6, 15, 2, 2), dict(stride=1)),
    ((1, 16, 16, 16), (300, 16, 3, 3), dict(padding=1)),              # 256 positions < 300
]

# Fewer output positions than output channels (batch-1 deep layers): planar, not channels-last.
FEW_POSITIONS_CASES = [
    ((1, 32, 6, 6), (48, 32, 3, 3), dict(padding=1)),
    ((2, 24, 7, 7), (64, 24, 3, 3), dict(stride=2, padding=1)),       # col2im
]

LAYOUT_CASES = [
    ((6, 20, 12, 12), (24, 20, 3, 3), dict(padding=1)),               # channels-last, by conv
    ((6, 20, 12, 11), (24, 20, 3, 3), dict(stride=2, padding=1)),     # channels-last, col2im
    ((6, 20, 9, 9), (8, 20, 3, 3), {}),                               # 'valid': col2im
    ((6, 20, 9, 9), (8, 20, 3, 2), dict(padding=(2, 1), dilation=2)),
    ((6, 20, 9, 9), (8, 20, 1, 1), dict(stride=2)),                   # 1x1: planar
    ((2, 8, 16, 16), (6, 8, 1, 1), {}),                               # 1x1: per sample
    ((2, 8, 29, 30), (6, 8, 1, 1), dict(stride=2)),
    ((6, 16, 9, 9), (16, 4, 3, 3), dict(padding=1, groups=4)),        # grouped: planar
    ((2, 64, 20, 20), (16, 64, 3, 3), dict(padding=1)),   # channels-last, one sample a chunk
] + FEW_POSITIONS_CASES + PER_SAMPLE_CASES


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xs,ws,kw", LAYOUT_CASES)
def test_conv_layouts(torch, rng, xs, ws, kw, dtype):
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    check_fn(torch, lambda x, w, b: EF.conv2d(x, w, b, **kw),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw), [x, w, b], dtype)


@pytest.mark.parametrize("xs,ws,kw,layout", [case + ("_PerSample",) for case in PER_SAMPLE_CASES]
                         + [case + ("_Planar",) for case in FEW_POSITIONS_CASES]
                         + [LAYOUT_CASES[0] + ("_ChannelsLast",)])
def test_cases_reach_their_layout(xs, ws, kw, layout):
    numpy_nn = ember.tensor(0.0)._device._backend.nn
    s, p, d = (kw.get(k, 1 if k != "padding" else 0) for k in ("stride", "padding", "dilation"))
    s, p, d = (v if isinstance(v, tuple) else (v, v) for v in (s, p, d))
    assert type(numpy_nn._lowering(xs, ws, s, p, d, 1)).__name__ == layout


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xs,ws,kw", [
    ((2, 6, 14, 14), (6, 4, 3, 3), dict(stride=2, padding=1, output_padding=1)),  # per sample
    ((2, 3, 16, 16), (3, 5, 3, 3), dict(padding=1)),
    ((1, 40, 4, 4), (40, 300, 3, 3), dict(stride=2, padding=1, output_padding=1)),  # planar
])
def test_conv_transpose_layouts(torch, rng, xs, ws, kw, dtype):
    """A transposed convolution is the input gradient of a convolution (col2im, or a
    convolution cropped to ``output_padding``'s positions) in these layouts."""
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    check_fn(torch, lambda x, w: EF.conv_transpose2d(x, w, **kw),
             lambda x, w: torch.nn.functional.conv_transpose2d(x, w, **kw), [x, w], dtype)


@pytest.mark.parametrize("c,k", [(128, 3), (8, 1)])         # Winograd; 1x1 per sample
def test_conv_empty_batch(torch, c, k):
    x, w = np.zeros((0, c, 16, 16)), np.ones((c, c, k, k))
    check_fn(torch, lambda x, w: EF.conv2d(x, w, padding=k // 2),
             lambda x, w: torch.nn.functional.conv2d(x, w, padding=k // 2), [x, w])


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2), {}])
def test_conv_several_chunks(torch, rng, kw):
    """A batch whose columns span several chunks (float64: float32 sums of this many terms
    differ from torch's by more than the test tolerance whatever the summation order)."""
    x, w = rng.standard_normal((40, 32, 24, 24)), rng.standard_normal((8, 32, 3, 3))
    check_fn(torch, lambda x, w: EF.conv2d(x, w, **kw),
             lambda x, w: torch.nn.functional.conv2d(x, w, **kw), [x, w])


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2, padding=1), {}])
@pytest.mark.parametrize("where", ["x", "w", "g"])
@pytest.mark.parametrize("xs,ws", [((2, 20, 7, 7), (5, 20, 3, 3)),
                                   ((2, 128, 5, 5), (128, 128, 3, 3))])   # Winograd-sized
def test_conv_non_finite(torch, rng, where, kw, xs, ws):
    """inf/NaN reach exactly the outputs and gradients they reach in torch (float64)."""
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    arrays = {"x": x, "w": w}
    if where in arrays:
        arrays[where][0, 3, 0, 1], arrays[where][1, 2, 2, 2] = np.inf, np.nan
    res = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, **kw)
        g = np.ones(tuple(y.shape))
        if where == "g":
            g[0, 1, 0, 0], g[1, 4, 2, 1] = np.inf, np.nan
        y.backward(lib.tensor(g))
        res.append([t.detach().cpu().numpy() for t in (y, xt.grad, wt.grad)])
    for a, b in zip(*res):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-10, atol=1e-10)


# 3x3 stride-1 convolutions with >= 64 channels both sides take the Winograd path, their
# weight gradients from 128 channels (output sizes odd and even, paddings 0-2, a batch over
# several chunks).
WINOGRAD_CASES = [
    ((2, 128, 6, 5), (128, 128, 3, 3), dict(padding=1)),
    ((3, 128, 7, 6), (130, 128, 3, 3), {}),
    ((2, 130, 5, 4), (128, 130, 3, 3), dict(padding=2)),
    ((3, 128, 6, 7), (136, 128, 3, 3), dict(padding=1)),
]


@pytest.fixture
def winograd_calls(monkeypatch):
    """Counts the Winograd forward / weight-gradient calls, with chunks of a few samples (in
    the kernels of the device the tests run on)."""
    numpy_nn = ember.tensor(0.0)._device._backend.nn
    calls = {"forward": 0, "weight": 0}

    def counted(key, fn):
        def run(*args):
            calls[key] += 1
            return fn(*args)
        return run
    monkeypatch.setattr(numpy_nn, "_winograd_forward",
                        counted("forward", numpy_nn._winograd_forward))
    monkeypatch.setattr(numpy_nn, "_winograd_weight_grad",
                        counted("weight", numpy_nn._winograd_weight_grad))
    monkeypatch.setattr(numpy_nn, "_WINO_CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES", 1)
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES_WEIGHT", 1)
    return calls


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xs,ws,kw", WINOGRAD_CASES)
def test_conv_winograd(torch, rng, winograd_calls, xs, ws, kw, dtype):
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    check_fn(torch, lambda x, w, b: EF.conv2d(x, w, b, **kw),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw), [x, w, b], dtype)
    # forward, plus the input gradient as a convolution where the input is no larger (padded)
    assert winograd_calls["forward"] == (2 if kw.get("padding") else 1)
    assert winograd_calls["weight"] == (1 if min(xs[1], ws[0]) >= 128 else 0)



@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_conv_winograd_views(torch, rng, winograd_calls, dtype):
    """Non-contiguous input and weight views (channel-sliced input, transposed weight): the
    filter transforms read the weight's taps through a copy, the input gradient's flipped
    filters through the same GEMM."""
    x, w = rng.standard_normal((2, 136, 6, 7)), rng.standard_normal((128, 130, 3, 3))
    check_fn(torch, lambda x, w: EF.conv2d(x[:, 4:132], w.transpose(0, 1)[:, :128], padding=1),
             lambda x, w: torch.nn.functional.conv2d(x[:, 4:132], w.transpose(0, 1)[:, :128],
                                                     padding=1), [x, w], dtype)
    assert winograd_calls["forward"] == 2 and winograd_calls["weight"] == 1


def test_conv_winograd_double_backward(torch, rng, winograd_calls):
    """Second derivatives through Winograd-sized convolutions (the gradient ops are
    convolutions and weight gradients of the same sizes), float64 against torch."""
    x, w = rng.standard_normal((2, 128, 5, 4)), rng.standard_normal((128, 128, 3, 3))
    g, v = rng.standard_normal((2, 128, 5, 4)), rng.standard_normal((2, 128, 5, 4))
    res = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, padding=1)
        gx, gw = lib.autograd.grad(y, (xt, wt), lib.tensor(g), create_graph=True)
        res.append(lib.autograd.grad((gx * lib.tensor(v)).sum() + (gw * gw).sum(), (xt, wt)))
    for e, t in zip(*res):
        np.testing.assert_allclose(e.detach().cpu().numpy(), t.numpy(), rtol=1e-10, atol=1e-8)
    assert winograd_calls["forward"] > 2 and winograd_calls["weight"] > 1


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("n,size,forward,weight", [
    (1, 4, 0, 0),           # 4 tiles: im2col both ways
    (2, 8, 0, 1),           # 32 tiles: the weight gradient alone by Winograd
    (4, 8, 2, 1),           # 64 tiles: forward and input gradient too
])
def test_conv_winograd_from_enough_tiles(torch, rng, winograd_calls, monkeypatch, n, size,
                                         forward, weight, dtype):
    """Winograd's filter transforms pay only over enough tiles: a batch-1 forward of a small
    image takes im2col; the values and gradients are torch's either way."""
    numpy_nn = ember.tensor(0.0)._device._backend.nn
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES", 64)
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES_WEIGHT", 32)
    x, w = rng.standard_normal((n, 128, size, size)), rng.standard_normal((128, 128, 3, 3))
    check_fn(torch, lambda x, w: EF.conv2d(x, w, padding=1),
             lambda x, w: torch.nn.functional.conv2d(x, w, padding=1), [x, w], dtype)
    assert (winograd_calls["forward"], winograd_calls["weight"]) == (forward, weight)
