"""Convolutions, unfold/fold against torch 2.13: values, gradients, node names, modules, errors."""
import math

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF
from tests._nn_compare import check_fn, check_module

CONV_CASES = [
    (1, (2, 3, 11), (4, 3, 3), {}),
    (1, (2, 4, 11), (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (2, 3, 9, 8), (4, 3, 3, 2), {}),
    (2, (2, 4, 9, 8), (6, 2, 3, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (2, 4, 7, 7), (4, 1, 3, 3), dict(padding=(1, 2), groups=4)),        # depthwise
    (2, (2, 3, 7, 6), (5, 3, 2, 3), dict(padding="same")),
    (2, (2, 3, 7, 6), (5, 3, 2, 2), dict(padding="same", dilation=(1, 2))),
    (2, (2, 3, 7, 6), (5, 3, 3, 3), dict(padding="valid", stride=(2, 1))),
    (2, (3, 7, 6), (5, 3, 3, 3), dict(padding=1)),                           # unbatched
    (3, (1, 2, 5, 6, 7), (3, 2, 2, 3, 2), dict(padding=1, stride=(1, 2, 1))),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nsp,xs,ws,kw", CONV_CASES)
def test_conv_functional(torch, rng, nsp, xs, ws, kw, dtype):
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    name = f"conv{nsp}d"
    check_fn(torch, lambda x, w, b: getattr(EF, name)(x, w, b, **kw),
             lambda x, w, b: getattr(torch.nn.functional, name)(x, w, b, **kw), [x, w, b], dtype)


TRANSPOSED_CASES = [
    (1, (2, 4, 6), (4, 3, 3), {}),
    (2, (2, 4, 5, 6), (4, 3, 3, 2), dict(stride=2, padding=1, output_padding=1)),
    (2, (2, 4, 5, 5), (4, 2, 3, 3), dict(stride=(2, 3), groups=2, dilation=2,
                                          output_padding=(1, 0))),
    (3, (1, 2, 3, 4, 3), (2, 3, 2, 2, 2), dict(stride=2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nsp,xs,ws,kw", TRANSPOSED_CASES)
def test_conv_transpose_functional(torch, rng, nsp, xs, ws, kw, dtype):
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    b = rng.standard_normal(ws[1] * kw.get("groups", 1))
    name = f"conv_transpose{nsp}d"
    check_fn(torch, lambda x, w, b: getattr(EF, name)(x, w, b, **kw),
             lambda x, w, b: getattr(torch.nn.functional, name)(x, w, b, **kw), [x, w, b], dtype)


def test_conv_without_bias_and_no_input_grad(torch, rng):
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    EF.conv2d(ember.tensor(x), we).sum().backward()
    torch.nn.functional.conv2d(torch.tensor(x), wt).sum().backward()
    np.testing.assert_allclose(we.grad.cpu().numpy(), wt.grad.cpu().numpy(), rtol=1e-10)


def test_conv_double_backward(torch, rng):
    """Gradient penalty style: grad of a function of the input gradient."""
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    res = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, stride=(2, 1), padding=1)
        gx, = lib.autograd.grad((y * y).sum(), xt, create_graph=True)
        (gx * gx).sum().backward()
        res.append((xt.grad.detach().cpu().numpy(), wt.grad.detach().cpu().numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_conv_gradcheck():
    x = ember.randn(1, 2, 5, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, 1, 2, 2, dtype=ember.float64, requires_grad=True)
    wt = ember.randn(2, 2, 2, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda x, w: EF.conv2d(x, w, stride=2, padding=1, groups=2), (x, w))
    assert ember.autograd.gradcheck(
        lambda x, w: EF.conv_transpose2d(x, w, stride=2, groups=2), (x, wt))


MODULES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1), (2, 3, 10)),
    ("Conv2d", (1, 32, 3), {}, (2, 1, 10, 10)),
    ("Conv2d", (4, 6, (3, 2)), dict(padding=1, dilation=(2, 1), groups=2, bias=False),
     (2, 4, 9, 8)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 3), dict(padding=(1, 2), padding_mode="replicate"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="circular"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 4), dict(padding="same", padding_mode="reflect"), (2, 3, 6, 7)),
    ("Conv3d", (2, 3, 2), dict(padding=1), (1, 2, 4, 4, 4)),
    ("ConvTranspose1d", (3, 2, 3), dict(stride=2), (2, 3, 5)),
    ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1, groups=2), (2, 4, 4, 5)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2), (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,args,kw,xs", MODULES)
def test_conv_modules(torch, rng, name, args, kw, xs, dtype):
    check_module(torch, getattr(enn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw),
                 rng.standard_normal(xs), dtype)


def test_conv_transpose_output_size(torch, rng):
    me, mt = enn.ConvTranspose2d(2, 3, 3, stride=2), torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    check_module(torch, me, mt, rng.standard_normal((1, 2, 4, 4)), output_size=[10, 10])
    with pytest.raises(ValueError, match="requested an output size of"):
        me(ember.randn(1, 2, 4, 4, dtype=ember.float64), output_size=[12, 12])


def test_reprs(torch):
    cases = [((1, 32, 3), {}), ((1, 32, 3), dict(padding=1, bias=False, padding_mode="reflect",
                                                 dilation=2)),
             ((2, 4, 3), dict(padding="same", groups=2))]
    for args, kw in cases:
        assert repr(enn.Conv2d(*args, **kw)) == repr(torch.nn.Conv2d(*args, **kw))
    assert repr(enn.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1)) == \
        repr(torch.nn.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1))
    assert repr(enn.Conv1d(2, 4, 3)) == "Conv1d(2, 4, kernel_size=(3,), stride=(1,))"


def test_default_init_statistics():
    m = enn.Conv2d(16, 64, 5)
    fan_in = 16 * 25
    bound = 1 / math.sqrt(fan_in)       # kaiming_uniform(a=sqrt(5)) gives the same bound
    w, b = m.weight.detach().cpu().numpy(), m.bias.detach().cpu().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    mt = enn.ConvTranspose2d(8, 4, 3)
    assert mt.weight.shape == (8, 4, 3, 3)
    assert np.abs(mt.bias.detach().cpu().numpy()).max() <= 1 / math.sqrt(4 * 9)


def _err(lib, fn):
    try:
        fn(lib)
    except Exception as e:             # noqa: BLE001 - we compare type and message
        return type(e), str(e).splitlines()[0]
    return None


ERRORS = [
    lambda L: L.nn.functional.conv2d(L.randn(2, 3, 28, 28), L.randn(32, 1, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.randn(2, 1, 2, 2), L.randn(32, 1, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.randn(2, 3), L.randn(32, 1, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.randn(1, 3, 5, 5), L.randn(4, 3, 3, 3), groups=2),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(3, 2, 3, 3), groups=2),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), stride=0),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), padding=-1),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), padding="same",
                                     stride=2),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), padding="foo"),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), bias=L.randn(3)),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5, dtype=L.float64),
                                     L.randn(4, 4, 3, 3)),
    lambda L: L.nn.functional.conv_transpose2d(L.randn(1, 4, 5, 5), L.randn(3, 4, 3, 3)),
    lambda L: L.nn.functional.conv_transpose2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3),
                                               stride=2, output_padding=2),
    lambda L: L.nn.functional.conv2d(L.randn(1, 4, 5, 5), L.randn(4, 4, 3, 3), stride=(1, 1, 1)),
    lambda L: L.convolution(L.randn(1, 4, 5, 5), L.randn(4, 4, 3), None, [1], [0], [1], False,
                            [0], 1),
    lambda L: L.nn.Conv2d(3, 4, 3, groups=2),
    lambda L: L.nn.Conv2d(4, 3, 3, groups=2),
    lambda L: L.nn.Conv2d(4, 4, 3, padding="same", stride=2),
    lambda L: L.nn.Conv2d(4, 4, 3, groups=0),
    lambda L: L.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(torch, i):
    assert _err(ember, ERRORS[i]) == _err(torch, ERRORS[i])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_unfold_fold(torch, rng, dtype):
    x = rng.standard_normal((2, 3, 7, 6))
    kw = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    ye, _ = check_fn(torch, lambda a: EF.unfold(a, **kw),
                     lambda a: torch.nn.functional.unfold(a, **kw), [x], dtype)
    cols = rng.standard_normal(tuple(ye.shape))
    check_fn(torch, lambda a: EF.fold(a, (7, 6), **kw),
             lambda a: torch.nn.functional.fold(a, (7, 6), **kw), [cols], dtype)
    assert repr(enn.Fold(4, 2)) == repr(torch.nn.Fold(4, 2))
    assert repr(enn.Unfold(2)) == repr(torch.nn.Unfold(2))


def test_lenet_training_step_matches_torch(torch, rng):
    """A whole conv-relu-pool network: outputs and every parameter gradient."""
    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2))
    check_module(torch, build(ember), build(torch), rng.standard_normal((4, 1, 28, 28)),
                 "float32")


def test_float16_conv_computes_in_float32(rng):
    x = ember.tensor(rng.standard_normal((1, 2, 5, 5)), dtype=ember.float16)
    w = ember.tensor(rng.standard_normal((3, 2, 3, 3)), dtype=ember.float16)
    y = EF.conv2d(x, w)
    assert y.dtype is ember.float16
    ref = EF.conv2d(x.float(), w.float())
    np.testing.assert_allclose(y.float().cpu().numpy(), ref.cpu().numpy(), rtol=1e-2, atol=1e-2)


# ---- OpInfo regressions ---------------------------------------------------------------------------
@pytest.mark.parametrize("nsp", [1, 2, 3])
def test_conv_transpose_output_padding_past_stride(nsp):
    """output_padding >= stride (allowed when < dilation) adds rows no window reached: the
    input gradient and the weight gradient must ignore them."""
    from tests._compare_ops import check, rand
    fn = f"conv_transpose{nsp}d"
    kw = dict(stride=(3, 2, 1)[:nsp], padding=(1, 2, 3)[:nsp], output_padding=(2, 3, 1)[:nsp],
              groups=2, dilation=4)
    check(lambda lib, x, w, b: getattr(lib.nn.functional, fn)(x, w, b, **kw),
          rand(2, 2, *(4,) * nsp), rand(2, 2, *(4, 5, 6)[:nsp]), rand(4), rtol=1e-5)


def test_conv_transpose_output_padding_double_backward():
    from tests._compare_ops import rand
    from ember.autograd import gradcheck, gradgradcheck
    x = ember.tensor(rand(1, 2, 4, 4), requires_grad=True)
    w = ember.tensor(rand(2, 2, 3, 3), requires_grad=True)
    f = lambda x, w: EF.conv_transpose2d(x, w, stride=2, output_padding=2, dilation=3)  # noqa
    assert gradcheck(f, (x, w)) and gradgradcheck(f, (x, w))


def test_unfold_empty_batch():
    from tests._compare_ops import check, rand
    check(lambda lib, x: lib.nn.functional.unfold(x, 2, 1, 1, 2), rand(0, 1, 5, 5))
