"""channels_last / channels_last_3d through the nn ops, against torch: each op's output strides
and values, its input and weight gradients' strides (the op's own through ``autograd.grad``, and
a leaf's ``.grad``, which torch's layout contract lays out as the leaf), for channels-last and
contiguous inputs, weights and incoming gradients, float32 and float64, 2-d and 3-d, shapes whose
format is ambiguous (C=1, H=W=1), and a channels-last CNN's training step."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_FMT = {4: "channels_last", 5: "channels_last_3d"}


def _conv(T, x, w):
    return (T.nn.functional.conv2d if x.dim() == 4 else T.nn.functional.conv3d)(x, w, padding=1)


def _conv_t(T, x, w):
    f = T.nn.functional.conv_transpose2d if x.dim() == 4 else T.nn.functional.conv_transpose3d
    return f(x, w, stride=2)


def _pool(name):
    return lambda T, x: getattr(T.nn.functional, f"{name}{x.dim() - 2}d")(x, 2)


def _adaptive(name, size):
    return lambda T, x: getattr(T.nn.functional, f"adaptive_{name}_pool{x.dim() - 2}d")(x, size)


def _interp(mode):
    def f(T, x):
        m = {"linear": ("bilinear", "trilinear")[x.dim() - 4]}.get(mode, mode)
        kw = {} if mode.startswith("nearest") else {"align_corners": False}
        return T.nn.functional.interpolate(x, scale_factor=2, mode=m, **kw)
    return f


# name: (function(T, x[, w]), weight shape from the input's C and spatial rank or None, ranks)
OPS = {
    "conv": (_conv, lambda c, n: (4, c) + (3,) * n, (4, 5)),
    "conv_transpose": (_conv_t, lambda c, n: (c, 2) + (2,) * n, (4, 5)),
    "batch_norm": (lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True),
                   None, (4, 5)),
    "group_norm": (lambda T, x: T.nn.functional.group_norm(x, 1), None, (4, 5)),
    "relu": (lambda T, x: T.relu(x), None, (4, 5)),
    "max_pool": (_pool("max_pool"), None, (4, 5)),
    "avg_pool": (_pool("avg_pool"), None, (4, 5)),
    "adaptive_avg_pool": (_adaptive("avg", 2), None, (4, 5)),
    "adaptive_avg_pool_1": (_adaptive("avg", 1), None, (4, 5)),
    "adaptive_max_pool": (_adaptive("max", 3), None, (4, 5)),
    "nearest": (_interp("nearest"), None, (4, 5)),
    "linear": (_interp("linear"), None, (4, 5)),
    "bicubic": (_interp("bicubic"), None, (4,)),
    "pixel_shuffle": (lambda T, x: T.nn.functional.pixel_shuffle(x, 2), None, (4,)),
    "pixel_unshuffle": (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), None, (4,)),
    "channel_shuffle": (lambda T, x: T.nn.functional.channel_shuffle(x, 2), None, (4, 5)),
    "nearest_exact": (_interp("nearest-exact"), None, (4, 5)),
    **{f"pad_{mode}": (lambda T, x, mode=mode: T.nn.functional.pad(
        x, (1, 2) * (x.dim() - 2), mode=mode), None, (4, 5))
       for mode in ("constant", "reflect", "replicate", "circular")},
    "instance_norm": (lambda T, x: T.nn.functional.instance_norm(x), None, (4, 5)),
    "layer_norm": (lambda T, x: T.nn.functional.layer_norm(x, x.shape[1:]), None, (4, 5)),
}
# input shapes: ordinary (float32 and float64), C=1 and H=W(=D)=1 (formats torch must
# disambiguate; float32)
SHAPES = {4: [(2, 4, 6, 6), (2, 1, 6, 6), (3, 4, 1, 1)], 5: [(2, 4, 4, 4, 4), (2, 1, 4, 4, 4)]}
_SIZE1_OK = {"conv", "batch_norm", "group_norm", "relu", "adaptive_avg_pool_1", "nearest",
             "linear", "bicubic", "pad_constant", "pad_replicate"}


def _cases():
    for name, (_, wshape, ranks) in OPS.items():
        for nd in ranks:
            for shape in SHAPES[nd]:
                if shape[2] == 1 and name not in _SIZE1_OK:
                    continue
                if (name.startswith("pixel") or name == "channel_shuffle") and shape[1] == 1:
                    continue
                dtypes = (np.float32, np.float64) if shape == SHAPES[nd][0] else (np.float32,)
                for xcl, wcl in [(0, 0), (1, 0), (0, 1), (1, 1)] if wshape else [(0, 0), (1, 0)]:
                    for dt in dtypes:
                        yield pytest.param(name, shape, xcl, wcl, dt,
                                           id=f"{name}-{shape}-x{'CL' if xcl else 'C'}" +
                                              (f"-w{'CL' if wcl else 'C'}" if wshape else "") +
                                              f"-{np.dtype(dt).name}")


def _layout(t):
    """The strides that place elements: those of the dims longer than 1 (a size-1 dim's stride
    is arbitrary, and torch's kernels disagree on it in ambiguous shapes)."""
    return tuple(s for s, n in zip(t.stride(), t.shape) if n != 1)


def _laid(T, arr, cl, requires_grad=True):
    t = T.tensor(arr)
    if cl:
        t = t.to(memory_format=getattr(T, _FMT[arr.ndim]))
    return t.requires_grad_(requires_grad)


def _run(T, name, xa, wa, xcl, wcl, ga, gcl):
    fn = OPS[name][0]
    x = _laid(T, xa, xcl)
    args = (x,) if wa is None else (x, _laid(T, wa, wcl))
    y = fn(T, *args)
    g = _laid(T, ga, gcl, False) if ga.ndim in _FMT else T.tensor(ga)
    op_grads = T.autograd.grad(y, args, g, retain_graph=True)
    y.backward(g)
    return y, op_grads, [a.grad for a in args]


@pytest.mark.parametrize("name,shape,xcl,wcl,dtype", list(_cases()))
def test_op_layouts_match_torch(name, shape, xcl, wcl, dtype):
    rng = np.random.default_rng(sum(shape) + 7 * xcl + 3 * wcl)
    xa = rng.standard_normal(shape).astype(dtype)
    wshape = OPS[name][1]
    wa = None if wshape is None else \
        rng.standard_normal(wshape(shape[1], len(shape) - 2)).astype(dtype)
    out_shape = tuple(OPS[name][0](torch, torch.tensor(xa), *(
        () if wa is None else (torch.tensor(wa),))).shape)
    ga = rng.standard_normal(out_shape).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for gcl in (0, 1):
        ty, tg, tl = _run(torch, name, xa, wa, xcl, wcl, ga, gcl)
        ey, eg, el = _run(ember, name, xa, wa, xcl, wcl, ga, gcl)
        assert _layout(ey) == _layout(ty), "output"
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=tol,
                                   atol=tol)
        for which, e, t in [("op", eg, tg), ("leaf", el, tl)]:
            for i, (ei, ti) in enumerate(zip(e, t)):
                assert _layout(ei) == _layout(ti), f"{which} gradient {i}, g {gcl}"
                np.testing.assert_allclose(ei.numpy(), ti.numpy(), rtol=tol, atol=tol)


def test_channels_last_weight_with_contiguous_input():
    """A channels-last weight alone makes the convolution's output channels-last (torch's
    CPU backends), in 2-d; in 3-d too except for float64."""
    for T in (torch, ember):
        w = T.randn(4, 3, 3, 3).to(memory_format=T.channels_last)
        assert T.nn.functional.conv2d(T.randn(2, 3, 5, 5), w).is_contiguous(
            memory_format=T.channels_last)
    for dt in ("float32", "float64"):
        got = []
        for T in (torch, ember):
            w = T.randn(4, 3, 2, 2, 2, dtype=getattr(T, dt)).to(
                memory_format=T.channels_last_3d)
            for n in (1, 2):     # one small sample: torch's native kernel, NCDHW
                x = T.randn(n, 3, 3, 3, 3, dtype=getattr(T, dt))
                got.append(T.nn.functional.conv3d(x, w).stride())
        assert got[:2] == got[2:]


@pytest.mark.parametrize("shape,bias", [((2, 16, 6, 6), True), ((1, 2, 16, 16), False),
                                        ((2, 16, 3, 4, 4), True)])
def test_convolution_lowerings_write_channels_last(shape, bias):
    """Each im2col column layout (channels-last columns from 16 channels, per-sample columns
    over many positions, planar ones) gives torch's values and strides."""
    rng = np.random.default_rng(1)
    xa = rng.standard_normal(shape).astype(np.float32)
    wa = rng.standard_normal((8, shape[1]) + (3,) * (len(shape) - 2)).astype(np.float32)
    ba = rng.standard_normal(8).astype(np.float32) if bias else None
    got = []
    for T in (torch, ember):
        x = _laid(T, xa, True, False)
        f = T.nn.functional.conv2d if len(shape) == 4 else T.nn.functional.conv3d
        got.append(f(x, T.tensor(wa), None if ba is None else T.tensor(ba), padding=1))
    assert got[1].stride() == got[0].stride()
    np.testing.assert_allclose(got[1].numpy(), got[0].numpy(), rtol=1e-4, atol=1e-4)


def _cnn(T):
    nn = T.nn
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1, bias=False),
                         nn.GroupNorm(2, 8), nn.ReLU(), nn.Upsample(scale_factor=2),
                         nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(8, 5))


def test_channels_last_cnn_training_step():
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((4, 3, 12, 12)).astype(np.float32)
    target = rng.integers(0, 5, 4)
    torch.manual_seed(0)
    tm = _cnn(torch)
    em = _cnn(ember)
    with ember.no_grad():
        for pe, pt in zip(em.parameters(), tm.parameters()):
            pe.copy_(ember.tensor(pt.detach().numpy()))
    results = []
    for T, m in ((torch, tm), (ember, em)):
        m = m.to(memory_format=T.channels_last)
        opt = T.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
        x = T.tensor(xa).to(memory_format=T.channels_last)
        feats = m[:9](x)
        loss = T.nn.functional.cross_entropy(m[9:](feats), T.tensor(target))
        opt.zero_grad()
        loss.backward()
        opt.step()
        results.append((feats, loss, [(p.grad, p.detach()) for p in m.parameters()]))
    (tf, tl, tp), (ef, el, ep) = results
    assert ef.stride() == tf.stride()
    np.testing.assert_allclose(el.item(), tl.item(), rtol=1e-5)
    for (eg, ev), (tg, tv) in zip(ep, tp):
        assert eg.stride() == tg.stride() and ev.stride() == tv.stride()
        np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-4, atol=1e-6)


LEAVES = {
    "channels_last": lambda T: T.randn(2, 3, 4, 4).to(memory_format=T.channels_last),
    "transposed": lambda T: T.randn(4, 3).t(),
    "expanded": lambda T: T.randn(3, 1).expand(3, 4),
    "sliced": lambda T: T.randn(4, 6)[:, ::2],
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("leaf", list(LEAVES))
def test_leaf_gradient_layout_contract(leaf, create_graph):
    """A leaf's first ``.grad`` has the leaf's strides when the leaf is dense, C-contiguous
    strides otherwise; under ``create_graph`` it is a differentiable copy (torch's node)."""
    got = []
    for T in (torch, ember):
        x = LEAVES[leaf](T).detach().requires_grad_()
        (x * x.detach()).sum().backward(create_graph=create_graph)
        got.append((x.grad.stride(), type(x.grad.grad_fn).__name__))
    assert got[1] == got[0]
