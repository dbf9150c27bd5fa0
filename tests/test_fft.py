"""ember.fft against torch.fft: values, dtypes, shapes, node names, errors, and the gradients
(first and second order) for real and complex inputs."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

ONE_D = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")
N_D = ("fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2", "fftn", "ifftn", "rfftn",
       "irfftn", "hfftn", "ihfftn")
REAL_ONLY = ("rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn")


def _np(t):
    return t.detach().resolve_conj().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _close(e, t, rtol=1e-6, atol=1e-8):
    assert str(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(e), _np(t), rtol=rtol, atol=atol)


def _input(lib, arr, complex_):
    """Leaves (real and imaginary parts for a complex input) and the input built from them."""
    if not complex_:
        x = lib.tensor(arr, requires_grad=True)
        return [x], x
    re = lib.tensor(arr.real.copy(), requires_grad=True)
    im = lib.tensor(arr.imag.copy(), requires_grad=True)
    return [re, im], re.to(lib.complex128) + im.to(lib.complex128) * 1j


def _run(lib, name, arr, kwargs, complex_):
    """Output, its node name, gradients of a nonlinear real loss and second-order gradients."""
    leaves, x = _input(lib, arr, complex_)
    y = getattr(lib.fft, name)(x, **kwargs)
    w = np.random.default_rng(1).standard_normal(tuple(y.shape) + (2,))
    parts = (y.real, y.imag) if y.dtype.is_complex else (y,)
    loss = sum((p ** 2 * lib.tensor(w[..., i])).sum() for i, p in enumerate(parts))
    gs = lib.autograd.grad(loss, leaves, create_graph=True)
    ggs = lib.autograd.grad(sum((g * g).sum() for g in gs), leaves)
    return y, type(y.grad_fn).__name__, gs, ggs


def _cases(names, size_kw, dim_kw):
    for name in names:
        for complex_ in (False, True):
            if complex_ and name in REAL_ONLY:
                continue
            for kw in ({}, {"norm": "ortho"}, {"norm": "forward"}, size_kw, dim_kw):
                yield pytest.param(name, complex_, kw, id=f"{name}-{complex_}-{kw}")


@pytest.mark.parametrize("name,complex_,kw", list(
    _cases(ONE_D, {"n": 5}, {"n": 8, "dim": 0}))
    + list(_cases(N_D, {"s": (3, 5)}, {"s": (7,), "dim": (0,)})))
def test_transform_and_gradients(name, complex_, kw):
    rng = np.random.default_rng(0)
    arr = rng.standard_normal((4, 6))
    if complex_:
        arr = arr + 1j * rng.standard_normal((4, 6))
    e, t = _run(ember, name, arr, kw, complex_), _run(torch, name, arr, kw, complex_)
    _close(e[0], t[0])
    assert e[1] == t[1]
    for eg, tg in zip(e[2] + e[3], t[2] + t[3]):
        _close(eg, tg, 1e-6, 1e-7)


@pytest.mark.parametrize("name", ONE_D + N_D)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "complex64"])
def test_dtypes_and_noncontiguous(name, dtype):
    if dtype == "complex64" and name in REAL_ONLY:
        return
    arr = np.random.default_rng(2).uniform(-2, 3, (5, 3, 4)).astype(
        dtype if dtype != "complex64" else "float32").swapaxes(0, 2)
    if dtype == "complex64":
        arr = arr + 1j * arr[::-1]
    e = getattr(ember.fft, name)(ember.from_numpy(arr.astype(arr.dtype)))
    t = getattr(torch.fft, name)(torch.from_numpy(arr.copy()))
    _close(e, t, 1e-4, 1e-4)


@pytest.mark.parametrize("name", ONE_D + ("fftn", "rfftn", "irfftn", "hfftn", "ihfftn"))
def test_empty_batch(name):
    """torch's CPU (MKL) backend fails on an empty batch; ember returns an empty result shaped
    like torch's result for a one-row batch."""
    kw = {"dim": -1} if name.endswith("n") else {}
    e = getattr(ember.fft, name)(ember.zeros(0, 4), **kw)
    t = getattr(torch.fft, name)(torch.zeros(1, 4), **kw)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == (0,) + tuple(t.shape[1:])


def test_zero_dim():
    _close(ember.fft.fftn(ember.tensor(2.5)), torch.fft.fftn(torch.tensor(2.5)))
    _close(ember.fft.ifftn(ember.tensor(2)), torch.fft.ifftn(torch.tensor(2)))


def test_out():
    x = np.random.default_rng(3).standard_normal((3, 8))
    eo, to = ember.empty(0, dtype=ember.complex128), torch.empty(0, dtype=torch.complex128)
    r = ember.fft.rfft(ember.tensor(x), out=eo)
    torch.fft.rfft(torch.tensor(x), out=to)
    assert r is eo
    _close(eo, to)


ERRORS = [
    ("fft", (4, 6), "float32", dict(n=0)),
    ("irfft", (4, 6), "complex64", dict(n=0)),
    ("irfft", (4, 1), "complex64", {}),
    ("fft", (4, 6), "float32", dict(dim=2)),
    ("fft", (), "float32", {}),
    ("fftn", (4, 6), "float32", dict(s=(3,), dim=(0, 1))),
    ("fftn", (4, 6), "float32", dict(dim=(0, 0))),
    ("fftn", (4, 6), "float32", dict(s=(1, 2, 3))),
    ("fftn", (4, 6), "float32", dict(s=(0, 3))),
    ("fft", (4, 6), "float32", dict(norm="bad")),
    ("rfft", (4, 6), "complex64", {}),
    ("ihfft", (4, 6), "complex128", {}),
    ("rfftn", (4, 6), "complex64", {}),
    ("ihfftn", (4, 6), "complex64", {}),
    ("fft", (4,), "float16", {}),
    ("rfft", (4,), "bfloat16", {}),
    ("irfft", (4,), "float16", {}),
]


@pytest.mark.parametrize("name,shape,dtype,kw", ERRORS)
def test_errors(name, shape, dtype, kw):
    def call(lib):
        return getattr(lib.fft, name)(lib.zeros(shape, dtype=getattr(lib, dtype)), **kw)
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)) as ee:
        call(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("n", [1, 4, 7])
@pytest.mark.parametrize("d", [1.0, 0.3])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_fftfreq(n, d, dtype):
    kw = {} if dtype is None else {"dtype": getattr(ember, dtype)}
    tkw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    _close(ember.fft.fftfreq(n, d, **kw), torch.fft.fftfreq(n, d, **tkw))
    _close(ember.fft.rfftfreq(n, d, **kw), torch.fft.rfftfreq(n, d, **tkw))


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("fn", ["fftshift", "ifftshift"])
def test_shift(fn, dim):
    x = np.arange(35.0).reshape(5, 7)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e, t = getattr(ember.fft, fn)(ex, dim=dim), getattr(torch.fft, fn)(tx, dim=dim)
    _close(e, t)
    w = np.random.default_rng(4).standard_normal(x.shape)
    e.backward(ember.tensor(w))
    t.backward(torch.tensor(w))
    _close(ex.grad, tx.grad)


def test_shift_without_dims():
    with pytest.raises(RuntimeError, match="`shifts` required"):
        torch.fft.fftshift(torch.zeros(3), dim=())
    with pytest.raises(RuntimeError, match="`shifts` required"):
        ember.fft.fftshift(ember.zeros(3), dim=())


def test_float32_roundtrip_precision():
    x = np.random.default_rng(5).standard_normal((2, 64)).astype(np.float32)
    e = ember.fft.irfft(ember.fft.rfft(ember.from_numpy(x)), n=64)
    t = torch.fft.irfft(torch.fft.rfft(torch.from_numpy(x)), n=64)
    _close(e, t, 1e-5, 1e-6)


@pytest.mark.parametrize("name", ["fft", "ifft", "hfft", "irfft", "fft2", "ifftn", "hfftn",
                                  "irfftn"])
def test_complex_leaf_gradient(name):
    """A complex leaf gets torch's (conjugate Wirtinger) gradient."""
    rng = np.random.default_rng(6)
    a = rng.standard_normal((3, 8)) + 1j * rng.standard_normal((3, 8))
    grads = []
    for lib in (ember, torch):
        c = lib.tensor(a, requires_grad=True)
        y = getattr(lib.fft, name)(c)
        parts = (y.real, y.imag) if y.dtype.is_complex else (y, y * y)
        w = np.random.default_rng(7).standard_normal((2,) + tuple(y.shape))
        loss = sum((p * lib.tensor(w[i])).sum() for i, p in enumerate(parts))
        grads.append(lib.autograd.grad(loss, c)[0])
    _close(*grads)


@pytest.mark.parametrize("fn", [
    lambda c: c.real * 2 + c.imag, lambda c: c * (1 + 2j), lambda c: c / (1 + 2j),
    lambda c: (1 + 2j) / c, lambda c: c.reciprocal(), lambda c: c.abs(), lambda c: c * c.conj()],
    ids=["real_imag", "mul_scalar", "div_scalar", "rdiv_scalar", "reciprocal", "abs", "conj"])
def test_complex_autograd_the_transforms_rely_on(fn):
    """Gradients through complex pointwise ops follow torch's conjugate Wirtinger convention."""
    a = np.random.default_rng(8).standard_normal(4)
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        y = fn(x.to(lib.complex128) * (0.5 + 1.5j))
        y = y.to(lib.complex128) if not y.dtype.is_complex else y
        w = lib.tensor(np.random.default_rng(9).standard_normal(4))
        grads.append(lib.autograd.grad((y.real * w).sum() + (y.imag * w * 0.3).sum(), x)[0])
    _close(*grads)
