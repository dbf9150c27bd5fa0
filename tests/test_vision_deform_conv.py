"""``torchvision.ops.deform_conv2d`` / ``DeformConv2d``.  torchvision's kernel is compiled and
cannot load beside the CPU torch here, so the oracles are: torch's ``conv2d`` (zero and
whole-pixel offsets), a float64 loop over the definition (fractional offsets, the boundary
rule), float64 finite differences (every gradient) and torchvision's Python module (the layer's
construction, seeded initialisation and repr)."""
import math

import numpy as np
import pytest

import ember
from ember.vision.ops import DeformConv2d, deform_conv2d
from tests.oracle import torchvision_ref

torch = pytest.importorskip("torch")

CASES = [  # (N, C_in, H, W), (C_out, kh, kw), stride, padding, dilation, groups, offset groups
    ((2, 4, 7, 6), (6, 3, 3), 1, 0, 1, 1, 1),
    ((1, 4, 8, 9), (4, 3, 2), (2, 1), (1, 2), 1, 2, 2),
    ((2, 2, 6, 6), (2, 2, 2), 1, 1, (2, 1), 2, 1),
    ((1, 6, 5, 7), (3, 1, 3), 2, 1, 1, 1, 3),
]


def _out(size, k, s, p, d):
    return (size + 2 * p - (d * (k - 1) + 1)) // s + 1


def _setup(case, rng, dtype="float64"):
    shape, (cout, kh, kw), stride, padding, dilation, groups, og = case
    s, p, d = (np.broadcast_to(v, 2) for v in (stride, padding, dilation))
    oh, ow = _out(shape[2], kh, s[0], p[0], d[0]), _out(shape[3], kw, s[1], p[1], d[1])
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((cout, shape[1] // groups, kh, kw)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    return x, w, b, (shape[0], og, kh * kw, oh, ow), dict(stride=stride, padding=padding,
                                                           dilation=dilation)


def _reference(x, offset, w, b, mask, stride, padding, dilation):
    """The definition, one sample at a time (torchvision's bilinear rule)."""
    (sh, sw), (ph, pw), (dh, dw) = (np.broadcast_to(v, 2) for v in (stride, padding, dilation))
    n, c, h, wd = x.shape
    cout, cg, kh, kw = w.shape
    og = offset.shape[1] // (2 * kh * kw)
    oh, ow = offset.shape[2:]
    groups = c // cg

    def sample(img, y, xx):
        if y <= -1 or y >= h or xx <= -1 or xx >= wd:
            return 0.0
        y0, x0 = math.floor(y), math.floor(xx)
        total = 0.0
        for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
            for xc, wx in ((x0, 1 - (xx - x0)), (x0 + 1, xx - x0)):
                if 0 <= yy < h and 0 <= xc < wd:
                    total += wy * wx * img[yy, xc]
        return total

    out = np.zeros((n, cout, oh, ow))
    for i in range(n):
        for o in range(cout):
            g = o // (cout // groups)
            for ci in range(cg):
                ch = g * cg + ci
                grp = ch // (c // og)
                for a in range(kh):
                    for bb in range(kw):
                        t = a * kw + bb
                        for yo in range(oh):
                            for xo in range(ow):
                                at = grp * 2 * kh * kw + 2 * t
                                y = yo * sh - ph + a * dh + offset[i, at, yo, xo]
                                xx = xo * sw - pw + bb * dw + offset[i, at + 1, yo, xo]
                                m = 1.0 if mask is None else mask[i, grp * kh * kw + t, yo, xo]
                                out[i, o, yo, xo] += w[o, ci, a, bb] * m * sample(x[i, ch], y, xx)
    return out + b[None, :, None, None]


@pytest.mark.parametrize("case", CASES)
def test_zero_and_whole_pixel_offsets_are_torchs_convolution(case):
    rng = np.random.default_rng(0)
    x, w, b, (n, og, taps, oh, ow), kw = _setup(case, rng)
    groups = case[5]
    expected = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b),
                                          groups=groups, **kw)
    zero = ember.zeros(n, 2 * og * taps, oh, ow, dtype=ember.float64)
    got = deform_conv2d(ember.tensor(x), zero, ember.tensor(w), ember.tensor(b), **kw)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)
    # every tap moved down one row and left two columns: torch's unpadded convolution of the
    # zero-padded input read one row lower and two columns further left
    ph, pw = np.broadcast_to(kw["padding"], 2)
    moved = np.zeros((n, x.shape[1], x.shape[2] + 2 * ph, x.shape[3] + 2 * pw))
    for yq in range(moved.shape[2]):
        for xq in range(moved.shape[3]):
            ys, xs = yq + 1 - ph, xq - 2 - pw
            if 0 <= ys < x.shape[2] and 0 <= xs < x.shape[3]:
                moved[:, :, yq, xq] = x[:, :, ys, xs]
    offset = np.zeros((n, og, taps, 2, oh, ow))
    offset[:, :, :, 0], offset[:, :, :, 1] = 1.0, -2.0
    expected = torch.nn.functional.conv2d(torch.tensor(moved), torch.tensor(w), torch.tensor(b),
                                          stride=kw["stride"], dilation=kw["dilation"],
                                          groups=groups)
    got = deform_conv2d(ember.tensor(x), ember.tensor(offset.reshape(n, -1, oh, ow)),
                        ember.tensor(w), ember.tensor(b), **kw)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("modulated", [False, True])
def test_fractional_offsets_follow_the_definition(case, modulated):
    rng = np.random.default_rng(1)
    x, w, b, (n, og, taps, oh, ow), kw = _setup(case, rng)
    offset = rng.uniform(-2.5, 2.5, (n, 2 * og * taps, oh, ow))
    mask = rng.uniform(0, 1, (n, og * taps, oh, ow)) if modulated else None
    got = deform_conv2d(ember.tensor(x), ember.tensor(offset), ember.tensor(w), ember.tensor(b),
                        mask=None if mask is None else ember.tensor(mask), **kw)
    np.testing.assert_allclose(got.numpy(), _reference(x, offset, w, b, mask, **kw),
                               rtol=1e-10, atol=1e-10)
    single = deform_conv2d(*(ember.tensor(a.astype("float32")) for a in (x, offset, w)),
                           **kw)
    assert single.dtype == ember.float32
    np.testing.assert_allclose(single.numpy(), _reference(x, offset, w, 0 * b, None, **kw),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", [((1, 2, 4, 4), (2, 2, 2), 1, 1, 1, 1, 1),
                                  ((1, 4, 4, 5), (2, 2, 2), (2, 1), 0, (1, 2), 2, 2)])
def test_gradients_match_finite_differences(case):
    rng = np.random.default_rng(2)
    x, w, b, (n, og, taps, oh, ow), kw = _setup(case, rng)
    # offsets away from whole pixels, where the bilinear weights have kinks
    offset = np.round(rng.uniform(-2, 2, (n, 2 * og * taps, oh, ow))) + \
        rng.uniform(0.2, 0.8, (n, 2 * og * taps, oh, ow))
    mask = rng.uniform(0, 1, (n, og * taps, oh, ow))
    args = [ember.tensor(a, requires_grad=True) for a in (x, offset, w, b, mask)]
    assert ember.autograd.gradcheck(
        lambda x, o, w, b, m: deform_conv2d(x, o, w, b, mask=m, **kw), args)


def test_checks_and_layer_match_torchvision():
    tv = torchvision_ref.load()
    with pytest.raises(RuntimeError, match=r"offset.shape\[1\]=3, while 2 \* weight.size\[2\] "
                                           r"\* weight.size\[3\]=18"):
        deform_conv2d(ember.zeros(1, 2, 5, 5), ember.zeros(1, 3, 3, 3), ember.zeros(2, 2, 3, 3))
    with pytest.raises(RuntimeError):
        deform_conv2d(ember.zeros(1, 2, 5, 5), ember.zeros(1, 18, 2, 3), ember.zeros(2, 2, 3, 3))
    for args, kwargs in (((4, 6, 3), {}), ((4, 6, (3, 2)), dict(stride=2, padding=1, dilation=2,
                                                                  groups=2, bias=False))):
        torch.manual_seed(5)
        theirs = tv.ops.DeformConv2d(*args, **kwargs)
        ember.manual_seed(5)
        ours = DeformConv2d(*args, **kwargs)
        assert repr(ours) == repr(theirs)
        for name, p in theirs.named_parameters():
            np.testing.assert_array_equal(getattr(ours, name).detach().numpy(),
                                          p.detach().numpy())
    for bad in (dict(groups=3), ):
        with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
            DeformConv2d(4, 6, 3, **bad)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        DeformConv2d(4, 6, 3, groups=4)
