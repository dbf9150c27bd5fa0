"""Pooling, interpolation, padding, pixel/channel shuffle against torch 2.13."""
import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF
from tests._nn_compare import check_fn, check_module


def _both(torch, name, *args, **kw):
    return (lambda *a: getattr(EF, name)(*a, *args, **kw),
            lambda *a: getattr(torch.nn.functional, name)(*a, *args, **kw))


POOL_CASES = [
    ("max_pool2d", (2, 3, 8, 8), (2,), {}),
    ("max_pool2d", (2, 3, 9, 7), (3,), dict(stride=2, padding=1)),
    ("max_pool2d", (2, 3, 9, 7), ((3, 2),), dict(stride=(2, 1), dilation=(1, 2),
                                                 ceil_mode=True)),
    ("max_pool2d", (3, 9, 7), (2,), dict(ceil_mode=True)),
    ("max_pool2d", (2, 3, 8, 8), (2,), dict(return_indices=True)),
    ("max_pool2d", (2, 3, 9, 9), (3,), dict(stride=2, return_indices=True, padding=1)),
    ("max_pool1d", (2, 3, 11), (3,), dict(stride=2, padding=1, return_indices=True)),
    ("max_pool3d", (1, 2, 5, 6, 4), (2,), dict(stride=(1, 2, 2), return_indices=True)),
    ("avg_pool2d", (2, 3, 8, 8), (2,), {}),
    ("avg_pool2d", (2, 3, 9, 7), (3,), dict(stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 9, 7), (3,), dict(stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", (2, 3, 9, 7), (3,), dict(stride=2, padding=1, ceil_mode=True,
                                            count_include_pad=False)),
    ("avg_pool2d", (2, 3, 9, 7), (2,), dict(divisor_override=3)),
    ("avg_pool1d", (2, 3, 11), (3,), dict(stride=2, padding=1)),
    ("avg_pool3d", (1, 2, 5, 6, 4), (2,), dict(stride=(1, 2, 2))),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), ((4, 3),), {}),
    ("adaptive_avg_pool2d", (2, 3, 8, 8), ((4, None),), {}),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), (1,), {}),
    ("adaptive_avg_pool1d", (2, 3, 10), (4,), {}),
    ("adaptive_avg_pool3d", (1, 2, 5, 6, 4), ((2, 3, 3),), {}),
    ("adaptive_max_pool2d", (2, 3, 9, 7), ((4, 3),), dict(return_indices=True)),
    ("adaptive_max_pool1d", (2, 3, 10), (4,), dict(return_indices=True)),
    ("adaptive_max_pool2d", (2, 3, 9, 7), (2,), {}),
    ("lp_pool2d", (2, 3, 8, 8), (2, 2), {}),
    ("lp_pool1d", (2, 3, 9), (3, 3), dict(stride=2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,xs,args,kw", POOL_CASES)
def test_pool_functional(torch, rng, name, xs, args, kw, dtype):
    x = rng.standard_normal(xs)
    if name.startswith("lp"):
        x = np.abs(x) + 0.1
    check_fn(torch, *_both(torch, name, *args, **kw), [x], dtype)


def test_max_pool_nan_propagates(torch):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan
    ye = EF.max_pool2d(ember.tensor(x), 2)
    yt = torch.nn.functional.max_pool2d(torch.tensor(x), 2)
    np.testing.assert_array_equal(ye.cpu().numpy(), yt.cpu().numpy())


@pytest.mark.parametrize("nan", [False, True])
@pytest.mark.parametrize("name,xs,args,kw", [c for c in POOL_CASES if c[0].startswith("max_pool")
                                             and not c[3].get("return_indices")])
def test_max_pool_without_indices(torch, rng, name, xs, args, kw, nan):
    """Without autograd or return_indices the maxima come from a running maximum over the
    kernel offsets: the same values as torch's, NaN propagating."""
    x = rng.standard_normal(xs).astype(np.float32)
    if nan:
        x.flat[::5] = np.nan
    fe, ft = _both(torch, name, *args, **kw)
    ye, yt = fe(ember.tensor(x)), ft(torch.tensor(x))
    np.testing.assert_array_equal(ye.cpu().numpy(), yt.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("xs", [(3, 4, 8, 6), (2, 3, 9, 7), (5, 3, 4)])
def test_max_pool_2x2_ties_odd_sizes_and_views(torch, rng, dtype, xs):
    """The 2x2/stride-2 fast path: many ties (small integers, signed zeros), odd sizes that
    drop the last row/column, a transposed input; values, indices and gradients equal."""
    x = rng.integers(-2, 3, xs).astype(np.float64)
    x[x == 0] = -0.0 * rng.integers(0, 2, (x == 0).sum())
    xe = ember.tensor(x).to(getattr(ember, dtype)).transpose(-1, -2).requires_grad_()
    xt = torch.tensor(x).to(getattr(torch, dtype)).transpose(-1, -2).requires_grad_()
    (ye, ie), (yt, it) = (mod.nn.functional.max_pool2d(v, 2, return_indices=True)
                          for mod, v in ((ember, xe), (torch, xt)))
    np.testing.assert_array_equal(ye.float().detach().cpu().numpy(),
                                  yt.float().detach().cpu().numpy())
    np.testing.assert_array_equal(ie.cpu().numpy(), it.cpu().numpy())
    g = rng.standard_normal(ye.shape)
    g.flat[0] = np.inf
    ye.backward(ember.tensor(g).to(ye.dtype))
    yt.backward(torch.tensor(g).to(yt.dtype))
    np.testing.assert_array_equal(xe.grad.float().cpu().numpy(), xt.grad.float().cpu().numpy())


@pytest.mark.parametrize("nsp", [1, 2])
def test_max_unpool(torch, rng, nsp):
    shape = (2, 3, 8) if nsp == 1 else (2, 3, 8, 6)
    x = rng.standard_normal(shape)
    pool = f"max_pool{nsp}d"
    unpool = f"max_unpool{nsp}d"
    _, it = getattr(torch.nn.functional, pool)(torch.tensor(x), 2, return_indices=True)
    ye, ie = getattr(EF, pool)(ember.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(ie.cpu().numpy(), it.cpu().numpy())
    y = getattr(torch.nn.functional, pool)(torch.tensor(x), 2).cpu().numpy()
    check_fn(torch, lambda a: getattr(EF, unpool)(a, ie, 2),
             lambda a: getattr(torch.nn.functional, unpool)(a, it, 2), [y])


INTERP_CASES = [
    ((2, 3, 5, 4), dict(scale_factor=2)),
    ((2, 3, 5, 4), dict(size=(7, 9))),
    ((2, 3, 5, 4), dict(scale_factor=1.7, mode="nearest-exact")),
    ((2, 3, 5, 4), dict(size=(3, 3), mode="nearest")),
    ((2, 3, 5, 4), dict(scale_factor=2, mode="bilinear")),
    ((2, 3, 5, 4), dict(size=(8, 3), mode="bilinear", align_corners=True)),
    ((2, 3, 5, 4), dict(scale_factor=(1.5, 2.5), mode="bilinear")),
    ((2, 3, 5, 4), dict(scale_factor=2, mode="bicubic")),
    ((2, 3, 5, 4), dict(size=(7, 3), mode="bicubic", align_corners=True)),
    ((2, 3, 6, 6), dict(size=(4, 3), mode="area")),
    ((2, 3, 7), dict(scale_factor=2, mode="linear")),
    ((2, 3, 7), dict(size=4, mode="nearest")),
    ((1, 2, 3, 4, 3), dict(scale_factor=2, mode="trilinear")),
    ((1, 2, 3, 4, 3), dict(scale_factor=2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xs,kw", INTERP_CASES)
def test_interpolate(torch, rng, xs, kw, dtype):
    check_fn(torch, *_both(torch, "interpolate", **kw), [rng.standard_normal(xs)], dtype)


PAD_CASES = [
    ((2, 3, 5, 4), (1, 2), "constant", 0.5),
    ((2, 3, 5, 4), (1, 2, 0, 3), "constant", None),
    ((2, 3, 5, 4), (-1, 2, 1, -2), "constant", None),
    ((2, 3, 5, 4), (1, 2, 2, 1), "reflect", None),
    ((2, 3, 5), (2, 3), "reflect", None),
    ((2, 3, 5, 4), (1, 2, 2, 1), "replicate", None),
    ((2, 3, 5, 4, 3), (1, 2, 2, 1, 1, 1), "replicate", None),
    ((2, 3, 5, 4), (1, 2, 2, 1), "circular", None),
]


@pytest.mark.parametrize("xs,pad,mode,value", PAD_CASES)
def test_pad(torch, rng, xs, pad, mode, value):
    kw = {} if value is None else {"value": value}
    check_fn(torch, *_both(torch, "pad", pad, mode, **kw), [rng.standard_normal(xs)])


def test_shuffles(torch, rng):
    check_fn(torch, *_both(torch, "pixel_shuffle", 2), [rng.standard_normal((2, 8, 3, 4))])
    check_fn(torch, *_both(torch, "pixel_unshuffle", 2), [rng.standard_normal((2, 2, 4, 6))])
    check_fn(torch, *_both(torch, "channel_shuffle", 3), [rng.standard_normal((2, 6, 3, 4))])


MODULES = [
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool1d", (3, 2), {}, (2, 3, 9)),
    ("MaxPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AvgPool1d", (2,), {}, (2, 3, 8)),
    ("AvgPool2d", (3, 1, 1), dict(ceil_mode=True, count_include_pad=False), (2, 3, 6, 5)),
    ("AvgPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", ((2, None),), {}, (2, 3, 6, 5)),
    ("AdaptiveMaxPool2d", (3,), {}, (2, 3, 7, 5)),
    ("LPPool2d", (2, 3), {}, (2, 3, 6, 6)),
    ("Upsample", (), dict(scale_factor=2), (2, 3, 4, 4)),
    ("Upsample", (), dict(size=(3, 7), mode="bilinear"), (2, 3, 4, 4)),
    ("UpsamplingNearest2d", (), dict(scale_factor=2), (2, 3, 4, 4)),
    ("UpsamplingBilinear2d", (), dict(size=5), (2, 3, 4, 4)),
    ("ZeroPad2d", (1,), {}, (2, 3, 4, 4)),
    ("ConstantPad1d", ((1, 2), 3.5), {}, (2, 3, 4)),
    ("ReflectionPad2d", (2,), {}, (2, 3, 4, 4)),
    ("ReflectionPad1d", ((1, 2),), {}, (2, 3, 4)),
    ("ReplicationPad2d", ((1, 0, 2, 1),), {}, (2, 3, 4, 4)),
    ("ReplicationPad1d", (2,), {}, (2, 3, 4)),
    ("CircularPad2d", (1,), {}, (2, 3, 4, 4)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 3)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 4)),
    ("ChannelShuffle", (2,), {}, (2, 4, 3, 3)),
]


@pytest.mark.parametrize("name,args,kw,xs", MODULES)
def test_modules(torch, rng, name, args, kw, xs):
    check_module(torch, getattr(enn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw),
                 rng.standard_normal(xs))


def _err(lib, fn):
    try:
        fn(lib)
    except Exception as e:             # noqa: BLE001 - we compare type and message
        return type(e), str(e).splitlines()[0]
    return None


ERRORS = [
    lambda L: L.nn.functional.max_pool2d(L.randn(1, 2, 4, 4), 2, padding=2),
    lambda L: L.nn.functional.max_pool2d(L.randn(2, 3), 2),
    lambda L: L.nn.functional.max_pool2d(L.randn(1, 2, 4, 4), 5),
    lambda L: L.nn.functional.avg_pool2d(L.randn(1, 2, 4, 4), 5),
    lambda L: L.nn.functional.max_pool2d(L.randn(1, 2, 4, 4), (2, 2, 2)),
    lambda L: L.nn.functional.adaptive_avg_pool2d(L.randn(2, 3), 2),
    lambda L: L.nn.functional.pad(L.randn(1, 2, 4, 4), (1,)),
    lambda L: L.nn.functional.pad(L.randn(1, 2, 4, 4), (1, 2, 3), mode="reflect"),
    lambda L: L.nn.ReplicationPad2d((1, 2, 3))(L.randn(1, 2, 4, 4)),
    lambda L: L.nn.ZeroPad2d((1, 2, 3))(L.randn(1, 2, 4, 4)),
    lambda L: L.nn.functional.pixel_unshuffle(L.randn(4, 4), 2),
    lambda L: L.nn.functional.pixel_shuffle(L.randn(4, 4), 2),
    lambda L: L.nn.functional.pixel_shuffle(L.randn(1, 3, 2, 2), 2),
    lambda L: L.nn.functional.interpolate(L.randn(1, 2, 4, 4), size=3, scale_factor=2),
    lambda L: L.nn.functional.interpolate(L.randn(1, 2, 4, 4)),
    lambda L: L.nn.functional.interpolate(L.randn(1, 2, 4, 4), scale_factor=2, mode="linear"),
    lambda L: L.nn.functional.interpolate(L.randn(1, 2, 4, 4), scale_factor=2,
                                          align_corners=True),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(torch, i):
    assert _err(ember, ERRORS[i]) == _err(torch, ERRORS[i])


# ---- OpInfo regressions: negative (cropping) pads, gradients through them -------------------------
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(-1, 1, -2, 1), (2, -1, 0, 0), (0, 0, 1, -3), (-1, 2, 1, -1)])
def test_pad_negative_amounts(mode, pad):
    from tests._compare_ops import check, rand
    check(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode), rand(1, 2, 5, 5))


def test_pad_backward_is_differentiable():
    from tests._compare_ops import rand
    torch = pytest.importorskip("torch")
    a = rand(1, 1, 5)
    res = []
    for lib in (torch, ember):
        x = lib.tensor(a, requires_grad=True)
        for mode in ("reflect", "replicate", "circular"):
            (g,) = lib.autograd.grad((lib.nn.functional.pad(x, (2, -1), mode=mode) ** 3).sum(),
                                     x, create_graph=True)
            res += [g.detach().cpu().numpy(), lib.autograd.grad(g.sum(), x)[0].cpu().numpy()]
    n = len(res) // 2
    for e, t in zip(res[n:], res[:n]):
        np.testing.assert_allclose(e, t, rtol=1e-10)


def _second_derivatives(lib, fn, x, v, w):
    """d/dx and d/dv of <w, d<v, fn(x)>/dx>: the double backward through fn."""
    x = lib.tensor(x, requires_grad=True)
    v = lib.tensor(v, requires_grad=True)
    out = fn(x)
    out = out[0] if isinstance(out, tuple) else out
    (gx,) = lib.autograd.grad(out, x, v, create_graph=True)
    assert gx.requires_grad
    return lib.autograd.grad((gx * lib.tensor(w)).sum(), (x, v), allow_unused=True)


@pytest.mark.parametrize("name,xs,args,kw", [c for c in POOL_CASES if c[0] != "lp_pool1d"])
def test_pool_second_derivatives(torch, rng, name, xs, args, kw):
    """Gradients taken with create_graph=True are differentiable again, with torch's values
    (w.r.t. the input and w.r.t. the upstream gradient)."""
    x = rng.standard_normal(xs)
    if name.startswith("lp"):
        x = np.abs(x) + 0.1
    e_fn, t_fn = _both(torch, name, *args, **kw)
    y = t_fn(torch.tensor(x))
    v = rng.standard_normal(tuple((y[0] if isinstance(y, tuple) else y).shape))
    w = rng.standard_normal(xs)
    for ge, gt in zip(_second_derivatives(ember, e_fn, x, v, w),
                      _second_derivatives(torch, t_fn, x, v, w)):
        _same_or_both_zero(ge, gt)


def _same_or_both_zero(ge, gt):
    """None (no path) and a zero gradient are the same answer."""
    if ge is None or gt is None:
        other = gt if ge is None else ge
        assert other is None or not other.detach().cpu().numpy().any()
        return
    np.testing.assert_allclose(ge.detach().cpu().numpy(), gt.cpu().numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("nsp", [1, 2, 3])
def test_max_unpool_second_derivatives(torch, rng, nsp):
    xs = (2, 3) + (4,) * nsp
    _, it = getattr(torch.nn.functional, f"max_pool{nsp}d")(
        torch.tensor(rng.standard_normal(xs)), 2, return_indices=True)
    ie = ember.tensor(it.cpu().numpy())
    y = rng.standard_normal(tuple(it.shape))
    unpool = f"max_unpool{nsp}d"
    v, w = rng.standard_normal(xs), rng.standard_normal(tuple(it.shape))
    ge = _second_derivatives(ember, lambda a: getattr(EF, unpool)(a, ie, 2), y, v, w)
    gt = _second_derivatives(torch, lambda a: getattr(torch.nn.functional, unpool)(a, it, 2),
                             y, v, w)
    for a, b in zip(ge, gt):
        _same_or_both_zero(a, b)


@pytest.mark.parametrize("name", [f"{p}{n}d" for p in ("ConstantPad", "ZeroPad", "ReflectionPad",
                                                      "ReplicationPad", "CircularPad")
                                  for n in (1, 2, 3)])
def test_padding_class_tree_matches_torch(name):
    """Libraries test ``isinstance(m, nn.modules.padding._ReflectionPadNd)`` and the like."""
    torch = pytest.importorskip("torch")
    ours = [c.__name__ for c in getattr(ember.nn, name).__mro__]
    theirs = [c.__name__ for c in getattr(torch.nn, name).__mro__]
    assert [c for c in ours if c != "_PadNd"] == theirs
    for base in ("_ConstantPadNd", "_ReflectionPadNd", "_ReplicationPadNd", "_CircularPadNd"):
        assert issubclass(getattr(ember.nn, name), getattr(ember.nn.modules.padding, base)) == \
            issubclass(getattr(torch.nn, name), getattr(torch.nn.modules.padding, base))
