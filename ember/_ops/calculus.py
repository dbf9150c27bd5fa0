"""Finite differences and integration composed of ops: ``diff``, ``gradient`` (numpy's
second-order accurate central differences), ``trapezoid`` / ``trapz`` and
``cumulative_trapezoid``."""
from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _wrap_dim
from . import shape as S
from ._core import register


def _slice(t, dim, start, stop=None):
    """``t`` sliced along ``dim`` like ``t[..., start:stop]`` (negative bounds allowed)."""
    n = t.shape[dim]
    start = max(start + n, 0) if start < 0 else min(start, n)
    stop = n if stop is None else (max(stop + n, 0) if stop < 0 else min(stop, n))
    return t.narrow(dim, start, max(stop - start, 0))


# ---- diff ---------------------------------------------------------------------------------------
@register("diff")
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input._data.ndim == 0:
        raise _errors.diff_0d()
    if n < 0:
        raise _errors.diff_order(n)
    dim = _wrap_dim(dim, input._data.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    if any(t._data.ndim != input._data.ndim for t in parts):
        raise _errors.diff_extra_dims()
    x = S.cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        hi, lo = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = hi.logical_xor(lo) if x._dtype is D.bool_ else hi - lo
    return x


# ---- gradient -----------------------------------------------------------------------------------
def _gradient_dims_spacing(input, spacing, dim):
    nd = input._data.ndim
    dims = list(range(nd)) if dim is None else \
        [_wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)]
    if not isinstance(spacing, (list, tuple)):
        return dims, [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) == 1 and not isinstance(spacing[0], Tensor):
        spacing = spacing * len(dims)
    if len(spacing) != len(dims):
        raise _errors.gradient_spacing_len(len(spacing), nd, None if dim is None else len(dims))
    return dims, spacing


def _uniform(x, d, h, edge_order):
    center = (_slice(x, d, 2) - _slice(x, d, 0, -2)) / h / 2
    if edge_order == 1:
        first = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / h
        last = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / h
    else:
        first = (_slice(x, d, 0, 1) * -1.5 + _slice(x, d, 1, 2) * 2 - _slice(x, d, 2, 3) * 0.5) / h
        last = (_slice(x, d, -3, -2) * 0.5 - _slice(x, d, -2, -1) * 2 + _slice(x, d, -1) * 1.5) / h
    return S.cat([first, center, last], d)


def _coordinates(x, d, coords, edge_order):
    """Non-uniform samples at ``coords``: numpy's weighted three-point formulas."""
    shape = [1] * x._data.ndim
    shape[d] = -1
    dx = coords.diff()
    d1, d2 = dx[:-1], dx[1:]
    a = (-d2 / (d1 * (d1 + d2))).reshape(shape)
    b = ((d2 - d1) / (d1 * d2)).reshape(shape)
    c = (d1 / (d2 * (d1 + d2))).reshape(shape)
    center = a * _slice(x, d, 0, -2) + b * _slice(x, d, 1, -1) + c * _slice(x, d, 2)
    if edge_order == 1:
        first = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / dx[0]
        last = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / dx[-1]
    else:
        h0, h1, g1, g2 = dx[0], dx[1], dx[-1], dx[-2]
        first = (_slice(x, d, 0, 1) * (-(2 * h0 + h1) / (h0 * (h0 + h1)))
                 + _slice(x, d, 1, 2) * ((h0 + h1) / (h0 * h1))
                 + _slice(x, d, 2, 3) * (-h0 / (h1 * (h0 + h1))))
        last = (_slice(x, d, -3, -2) * (g1 / (g2 * (g1 + g2)))
                + _slice(x, d, -2, -1) * (-(g1 + g2) / (g1 * g2))
                + _slice(x, d, -1) * ((2 * g1 + g2) / (g1 * (g1 + g2))))
    return S.cat([first, center, last], d)


@register("gradient", method=False)
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The derivative of ``input`` along each of ``dim`` (all dims by default), one tensor
    per dim; ``spacing`` is a scalar, one scalar per dim, or one coordinate tensor per dim."""
    if edge_order not in (1, 2):
        raise _errors.gradient_edge_order()
    dims, spacing = _gradient_dims_spacing(input, 1 if spacing is None else spacing, dim)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise _errors.gradient_too_small()
    x = input if input._dtype.category >= 2 else input.to(D.get_default_dtype())
    return tuple(_coordinates(x, d, h, edge_order) if isinstance(h, Tensor) else
                 _uniform(x, d, h, edge_order) for d, h in zip(dims, spacing))


# ---- trapezoid ----------------------------------------------------------------------------------
def _sample_spacing(y, x, dim, name):
    """The differences of the sample points ``x``, shaped to broadcast against ``y``'s."""
    nd = y._data.ndim
    if x._data.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise _errors.trapezoid_points(name)
        shape = [1] * nd
        shape[dim] = -1
        x = x.reshape(shape)
    elif x._data.ndim < nd:
        x = x.reshape((1,) * (nd - x._data.ndim) + tuple(x.shape))
    return _slice(x, dim, 1) - _slice(x, dim, 0, -1)


def _empty_along(y, dim):
    from .creation import zeros
    shape = list(y.shape)
    del shape[dim]
    return zeros(shape, dtype=y._dtype if y._dtype.category >= 2 else D.get_default_dtype(),
                 device=y._device)


_SIGNATURES = ("Tensor y, Tensor x, *, int dim = -1", "Tensor y, *, Number dx = 1, int dim = -1")


def _trapezoid_args(y, x, dx, dim, name):
    """Check the arguments; the wrapped dim and the sample spacing (a number or None)."""
    if x is not None and (dx is not None or not isinstance(x, Tensor)):
        raise _errors.invalid_arguments(name, (y, x) if dx is None else (y, x, dx), _SIGNATURES)
    if y._dtype is D.bool_:
        raise _errors.trapezoid_bool("y", name)
    if x is not None and x._dtype is D.bool_:
        raise _errors.trapezoid_bool("x` or `y", name)
    return _wrap_dim(dim, y._data.ndim), 1 if dx is None else dx


@register("trapezoid", method=False)
def trapezoid(y, x=None, *, dx=None, dim=-1):
    dim, h = _trapezoid_args(y, x, dx, dim, "trapezoid")
    if y.shape[dim] == 0:
        return _empty_along(y, dim)
    if x is not None:
        return (_sample_spacing(y, x, dim, "trapezoid") *
                (_slice(y, dim, 1) + _slice(y, dim, 0, -1))).sum(dim) / 2.0
    return (y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5) * h


@register("trapz", method=False)
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


@register("cumulative_trapezoid", method=False)
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    dim, h = _trapezoid_args(y, x, dx, dim, "cumulative_trapezoid")
    pairs = _slice(y, dim, 1) + _slice(y, dim, 0, -1)
    if x is not None:
        h = _sample_spacing(y, x, dim, "cumulative_trapezoid")
    return (h / 2.0 * pairs).cumsum(dim)
