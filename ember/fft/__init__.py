"""``ember.fft``: torch.fft's discrete Fourier transforms, composed of the three primitives in
``ember/_ops/fft.py`` as torch composes them (so autograd node names match: ``FftR2CBackward0``,
``FftC2CBackward0``, ``FftC2RBackward0``).

Integer and bool inputs are promoted to the default float dtype; float16 / bfloat16 raise, as
on torch's CPU backend.  ``norm`` is "backward" (default), "ortho" or "forward".
"""
from .. import _dtype as D
from .. import _errors
from .._tensor import _wrap_dim
from .._ops import creation as _creation, pointwise as _P, shape as _S
from .._ops._core import write_out
from .._ops._numpy_names import parsed
from .._ops.fft import _fft_c2c, _fft_r2c, _fft_c2r
from .._ops.nn_pool import constant_pad_nd

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq",
           "rfftfreq", "fftshift", "ifftshift"]

_NONE, _ROOT_N, _BY_N = 0, 1, 2


def _norm(norm, forward):
    """torch's normalization enum for ``norm`` applied to a transform in this direction."""
    if norm is None or norm == "backward":
        return _NONE if forward else _BY_N
    if norm == "forward":
        return _BY_N if forward else _NONE
    if norm == "ortho":
        return _ROOT_N
    raise _errors.fft_norm(norm)


def _promote(x, to_complex=False):
    """Integers and bool to the default float dtype (and real to complex when asked)."""
    dt = x._dtype
    if dt is D.float16 or dt is D.bfloat16:
        raise _errors.fft_unsupported_dtype(dt)
    if dt.category < 2:
        dt = D.get_default_dtype()
    if to_complex and not dt.is_complex:
        dt = dt.to_complex()
    return x if dt is x._dtype else x.to(dt)


def _resize(x, dims, sizes):
    """Trim (slice) or zero-pad each of ``dims`` to its size in ``sizes``."""
    shape = x._data.shape
    for d, n in zip(dims, sizes):
        if n < shape[d]:
            x = x.narrow(d, 0, n)
    pad = [0] * (2 * x._data.ndim)
    for d, n in zip(dims, sizes):
        if n > shape[d]:
            pad[2 * (x._data.ndim - 1 - d) + 1] = n - shape[d]
    return constant_pad_nd(x, pad) if any(pad) else x


def _finish(result, out):
    return result if out is None else write_out(out, result)


# ---- arguments ----------------------------------------------------------------------------------
def _one_dim(x, n, dim, default_n=None):
    """The wrapped ``dim`` and the signal length for a 1-D transform."""
    if x._data.ndim == 0:
        raise _errors.no_dims(dim)
    d = _wrap_dim(dim, x._data.ndim)
    if n is None:
        n = x._data.shape[d] if default_n is None else default_n(x._data.shape[d])
    if n < 1:
        raise _errors.fft_points(n)
    return d, n


def _half_to_full(m):
    return 2 * (m - 1)


def _n_dims(x, s, dim, c2r=False):
    """torch's rules for ``s`` and ``dim`` of an n-D transform -> (dims, signal sizes).  For
    complex-to-real transforms the last size defaults to ``2 * (m - 1)``."""
    nd = x._data.ndim
    if dim is not None:
        dims = [_wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)]
        if len(set(dims)) != len(dims):
            raise _errors.fft_dims_unique()
    if s is not None:
        s = [s] if isinstance(s, int) else list(s)
        if dim is None:
            if len(s) > nd:
                raise _errors.fft_shape_too_long(len(s), nd)
            dims = list(range(nd - len(s), nd))
        elif len(s) != len(dims):
            raise _errors.fft_dim_shape_len()
    elif dim is None:
        dims = list(range(nd))
    shape = x._data.shape
    sizes = [shape[d] if s is None or s[i] == -1 else s[i] for i, d in enumerate(dims)]
    if c2r and dims and (s is None or s[-1] == -1):
        sizes[-1] = _half_to_full(shape[dims[-1]])
    for n in sizes:
        if n < 1:
            raise _errors.fft_points(n)
    return dims, sizes


# ---- 1-D ----------------------------------------------------------------------------------------
def fft(input, n=None, dim=-1, norm=None, *, out=None):
    x = _promote(input)
    d, n = _one_dim(x, n, dim)
    x = _resize(x, (d,), (n,))
    if x._dtype.is_complex:
        return _finish(_fft_c2c(x, (d,), _norm(norm, True), True), out)
    return _finish(_fft_r2c(x, (d,), _norm(norm, True), False), out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    x = _promote(input)
    d, n = _one_dim(x, n, dim)
    x = _resize(x, (d,), (n,))
    if x._dtype.is_complex:
        return _finish(_fft_c2c(x, (d,), _norm(norm, False), False), out)
    # the inverse transform of a real signal is the conjugate of its forward transform
    return _finish(_fft_r2c(x, (d,), _norm(norm, False), False).conj(), out)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    if input._dtype.is_complex:
        raise _errors.fft_real_input("rfft", input._dtype)
    x = _promote(input)
    d, n = _one_dim(x, n, dim)
    return _finish(_fft_r2c(_resize(x, (d,), (n,)), (d,), _norm(norm, True), True), out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    x = _promote(input, to_complex=True)
    d, n = _one_dim(x, n, dim, _half_to_full)
    x = _resize(x, (d,), (n // 2 + 1,))
    return _finish(_fft_c2r(x, (d,), _norm(norm, False), n), out)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    x = _promote(input, to_complex=True)
    d, n = _one_dim(x, n, dim, _half_to_full)
    x = _resize(x, (d,), (n // 2 + 1,)).conj()
    return _finish(_fft_c2r(x, (d,), _norm(norm, True), n), out)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    if input._dtype.is_complex:
        raise _errors.fft_real_input("ihfft", input._dtype)
    x = _promote(input)
    d, n = _one_dim(x, n, dim)
    x = _fft_r2c(_resize(x, (d,), (n,)), (d,), _norm(norm, False), True)
    return _finish(x.conj(), out)


# ---- n-D ----------------------------------------------------------------------------------------
def fftn(input, s=None, dim=None, norm=None, *, out=None):
    x = _promote(input, to_complex=True)
    dims, sizes = _n_dims(x, s, dim)
    return _finish(_fft_c2c(_resize(x, dims, sizes), dims, _norm(norm, True), True), out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    x = _promote(input, to_complex=True)
    dims, sizes = _n_dims(x, s, dim)
    return _finish(_fft_c2c(_resize(x, dims, sizes), dims, _norm(norm, False), False), out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    if input._dtype.is_complex:
        raise _errors.fft_real_input("rfftn", input._dtype, valued=True)
    x = _promote(input)
    dims, sizes = _n_dims(x, s, dim)
    return _finish(_fft_r2c(_resize(x, dims, sizes), dims, _norm(norm, True), True), out)


def _c2r_input(input, s, dim):
    """The complex input of irfftn / hfftn resized to the onesided sizes, its dims and the full
    length of the last dim."""
    x = _promote(input, to_complex=True)
    dims, sizes = _n_dims(x, s, dim, c2r=True)
    last = sizes[-1]
    return _resize(x, dims, sizes[:-1] + [last // 2 + 1]), dims, last


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    x, dims, last = _c2r_input(input, s, dim)
    return _finish(_fft_c2r(x, dims, _norm(norm, False), last), out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    x, dims, last = _c2r_input(input, s, dim)
    return _finish(_fft_c2r(x.conj(), dims, _norm(norm, True), last), out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    if input._dtype.is_complex:
        raise _errors.fft_floating_only(input._dtype)
    x = _promote(input)
    dims, sizes = _n_dims(x, s, dim)
    x = _resize(x, dims, sizes)
    mode = _norm(norm, False)
    # conj(rfftn(x)): onesided along the last dim, then an inverse transform of the conjugate
    y = _fft_r2c(x, dims[-1:], mode, True)
    if len(dims) == 1:
        return _finish(y.conj(), out)
    return _finish(_fft_c2c(_P.conj_physical(y), dims[:-1], mode, False), out)


def _two_d(fn):
    def f(input, s=None, dim=(-2, -1), norm=None, *, out=None):
        return fn(input, s, dim, norm, out=out)
    f.__name__ = f.__qualname__ = fn.__name__[:-1] + "2"
    f.__doc__ = f"``{fn.__name__}`` over the last two dims by default."
    return f


fft2, ifft2, rfft2, irfft2, hfft2, ihfft2 = map(_two_d, (fftn, ifftn, rfftn, irfftn, hfftn,
                                                         ihfftn))


# ---- helpers ------------------------------------------------------------------------------------
def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Sample frequencies ``[0, 1, ..., -2, -1] / (d * n)`` of a length-``n`` transform."""
    r = _creation.arange(n, dtype=dtype or D.get_default_dtype(), device=device)
    r = _P.where(r >= (n + 1) // 2, r - n, r) * (1.0 / (n * d))
    return _finish(r.requires_grad_(requires_grad), out)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of a length-``n`` real transform."""
    r = _creation.arange(n // 2 + 1, dtype=dtype or D.get_default_dtype(), device=device)
    return _finish((r * (1.0 / (n * d))).requires_grad_(requires_grad), out)


def _shift(input, dim, shift):
    nd = input._data.ndim
    if dim is None:
        dims = list(range(nd))
    else:
        dims = [_wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)]
    if not dims:
        raise _errors.shifts_required()
    return _S.roll(input, [shift(input._data.shape[d]) for d in dims], dims)


def fftshift(input, dim=None):
    """Move the zero-frequency term to the centre of each of ``dim`` (all dims by default)."""
    return _shift(input, dim, lambda n: n // 2)


def ifftshift(input, dim=None):
    """The inverse of ``fftshift``."""
    return _shift(input, dim, lambda n: (n + 1) // 2)


# torch parses these from native signatures: NumPy's keyword names work (``fft(x=t, axis=0)``)
for _name in __all__:
    globals()[_name] = parsed(globals()[_name], _name, __name__)
