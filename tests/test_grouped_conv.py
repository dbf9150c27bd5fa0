"""Depthwise convolution (``ember/_backend/grouped_conv.py``) against torch: both flat-row
layouts (planar, and channels-last where the output grid is shorter than the channel count),
1-3 spatial dims, strides (one phase per offset), dilation, padding up to the kernel's reach,
input rows past the last window, an empty batch, non-contiguous inputs, double backward and
non-finite values (where the taps that read padding only still count, as in torch's
float64 convolution)."""
import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from ember._backend import numpy_nn, parallel
from tests._nn_compare import check_fn

pytest.importorskip("torch")

CONV = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
CASES = [   # x shape, kernel, stride, padding, dilation
    ((2, 6, 11, 10), (3, 3), 1, 1, 1),          # planar, stride 1 (input grad as a conv)
    ((2, 6, 10, 11), (3, 3), 2, 1, 1),          # planar, four phases
    ((1, 5, 11, 7), (5, 3), (2, 3), (2, 0), 1),  # unequal strides, rows past the last window
    ((2, 40, 4, 4), (3, 3), 1, 1, 1),           # channels-last
    ((2, 40, 5, 5), (5, 5), 2, 2, 1),           # channels-last, strided
    ((2, 4, 12, 12), (3, 3), 1, 2, 2),          # dilation
    ((2, 4, 12, 12), (3, 3), 2, 3, 2),          # dilation 2 at stride 2: taps in one phase
    ((2, 3, 6, 6), (3, 3), 3, 0, 1),            # stride > kernel: phases no tap reads
    ((3, 5, 20), (7,), 3, 3, 1),
    ((1, 4, 5, 6, 7), (3, 3, 3), (1, 2, 2), 1, 1),
    ((0, 3, 6, 6), (3, 3), 1, 1, 1),
    ((2, 40, 2, 2), (5, 5), 1, 2, 1),           # taps that read padding only (left out)
    ((2, 6, 3, 3), (5, 5), 2, 2, 1),
    ((1, 3, 3, 3), (3, 3), 1, 3, 3),
    ((2, 3, 1, 1), (1, 1), 3, 1, 1),            # no tap reads the input
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xs,ks,s,p,d", CASES)
def test_depthwise(torch, rng, xs, ks, s, p, d, dtype):
    c = xs[1]
    x, w, b = rng.standard_normal(xs), rng.standard_normal((c, 1) + ks), rng.standard_normal(c)
    name = CONV[len(ks)]
    check_fn(torch, lambda x, w, b: getattr(EF, name)(x, w, b, s, p, d, c),
             lambda x, w, b: getattr(torch.nn.functional, name)(x, w, b, s, p, d, c),
             [x, w, b], dtype)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("xs,ks,s,p,d", [CASES[1], CASES[4]])
def test_depthwise_in_shares(torch, rng, monkeypatch, threads, xs, ks, s, p, d):
    """Split over channel ranges on threads: the same values and gradients."""
    monkeypatch.setattr(parallel, "workers", lambda: threads)
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_BYTES", 0)
    test_depthwise(torch, rng, xs, ks, s, p, d, "float32")


@pytest.mark.parametrize("needs", [(True, False), (False, True)])
def test_depthwise_one_gradient(torch, rng, needs):
    """Only the input's or only the weight's gradient, from a non-contiguous input."""
    x, w = rng.standard_normal((2, 8, 9, 9)), rng.standard_normal((8, 1, 3, 3))
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=needs[0]).transpose(2, 3)
        wt = lib.tensor(w, requires_grad=needs[1])
        y = lib.nn.functional.conv2d(xt, wt, None, 2, 1, 1, 8)
        (gx,) = lib.autograd.grad(y.square().sum(), [xt if needs[0] else wt])
        res.append((y.detach().numpy(), gx.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-10)


def test_depthwise_double_backward(torch, rng):
    x, w = rng.standard_normal((2, 4, 7, 7)), rng.standard_normal((4, 1, 3, 3))
    res = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, None, 2, 1, 1, 4)
        gx, gw = lib.autograd.grad(y.pow(2).sum(), [xt, wt], create_graph=True)
        (gg,) = lib.autograd.grad((gx.sum() + gw.pow(2).sum()), [wt])
        res.append([t.detach().numpy() for t in (gx, gw, gg)])
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("size,k", [(7, 3), (2, 5)])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("where", ["x", "w", "g"])
def test_depthwise_non_finite(torch, rng, where, stride, size, k):
    """inf/NaN reach exactly the outputs and gradients they reach in torch: the flat rows'
    extra columns (zeros) never meet a non-finite weight or input."""
    x, w = rng.standard_normal((2, 6, size, size)), rng.standard_normal((6, 1, k, k))
    if where == "x":
        x[0, 3, 0, 1], x[1, 2, 1, 1] = np.inf, np.nan
    if where == "w":
        w[3, 0, 0, 1], w[2, 0, 2, 2] = np.inf, np.nan
    res = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, None, stride, k // 2, 1, 6)
        g = np.ones(tuple(y.shape))
        if where == "g":
            g[0, 1, 0, 0], g[1, 4, 0, 0] = np.inf, np.nan
        y.backward(lib.tensor(g))
        res.append([t.detach().numpy() for t in (y, xt.grad, wt.grad)])
    for a, b in zip(*res):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("xs,k,s,p,op,d", [((2, 6, 5, 5), 3, 1, 1, 0, 1),
                                           ((2, 6, 5, 5), 3, 2, 1, 1, 1),   # output_padding
                                           ((2, 4, 5, 5), 3, 2, 0, 0, 2),
                                           ((1, 5, 7), 5, 3, 2, 1, 1)])
def test_depthwise_transposed(torch, rng, xs, k, s, p, op, d):
    """A depthwise transposed convolution: its forward and input gradient are the kernels'
    backward and forward with the roles of input and output swapped."""
    c, nd = xs[1], len(xs) - 2
    x, w, b = rng.standard_normal(xs), rng.standard_normal((c, 1) + (k,) * nd), \
        rng.standard_normal(c)
    name = f"conv_transpose{nd}d"
    check_fn(torch, lambda x, w, b: getattr(EF, name)(x, w, b, s, p, op, c, d),
             lambda x, w, b: getattr(torch.nn.functional, name)(x, w, b, s, p, op, c, d),
             [x, w, b])
