"""Index arithmetic: ``triu_indices`` / ``tril_indices``, ``unravel_index`` and
``nonzero_static`` (nonzero padded or cut to a fixed row count)."""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._device import resolve as _resolve
from .._tensor import _make
from ._core import register
from .indexing import nonzero
from .pinned import pinned
from .pointwise import _reject


def _tri_indices(name, lower):
    check = _reject(name, lambda dt: dt.category > 1)

    def op(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
        dt = D.int64 if dtype is None else D.to_dtype(dtype)
        check(dt)
        for what, value in (("row", row), ("col", col)):
            if value < 0:
                raise _errors.tri_indices_negative(what, value)
        dev = _resolve(device)
        xp = dev._backend.xp
        mask = xp.tri(row, col, offset, dtype=bool) if lower else \
            ~xp.tri(row, col, offset - 1, dtype=bool)
        out = _make(xp.stack(xp.nonzero(mask)).reshape(2, -1).astype(dt.np), dt, dev)
        return pinned(out) if pin_memory else out
    op.__name__ = op.__qualname__ = name
    return register(name, method=False, differentiable=False)(op)


triu_indices = _tri_indices("triu_indices", False)
tril_indices = _tri_indices("tril_indices", True)


@register("unravel_index", method=False, differentiable=False)
def unravel_index(indices, shape):
    """The coordinates of flat ``indices`` in ``shape`` (one int64 tensor per dim).  Like
    torch, out-of-range and negative indices wrap (floor division and modulo)."""
    if indices.dtype.category > 1 or indices.dtype is D.bool_:
        raise _errors.unravel_index_dtype(indices.dtype)
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    rest = indices._data.astype(np.int64)
    coords = []
    for s in reversed(shape):
        coords.append(rest % s)
        rest = rest // s
    return tuple(_make(c, D.int64, indices._device) for c in reversed(coords))


@register("nonzero_static", differentiable=False)
def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero(input)`` with exactly ``size`` rows: cut, or padded with ``fill_value``."""
    if not isinstance(size, int) or size < 0:
        raise _errors.nonzero_static_size()
    found = nonzero(input)._data[:size]
    xp = input._device._backend.xp
    out = xp.full((size, input._data.ndim), fill_value, dtype=np.int64)
    out[:found.shape[0]] = found
    return _make(out, D.int64, input._device)
