"""Memory formats: a 4-d NCHW tensor laid out ``channels_last`` has NHWC strides (a 5-d one
``channels_last_3d``, NDHWC), with the same logical values.  ``preserve_format`` (the default of
``clone``, ``to`` and the ``*_like`` factories) keeps an input's stride order.  Ops compute on
whatever layout their inputs have; NumPy's element-wise kernels keep it, as torch's do."""
import math

from .. import _errors
from .. import _layout
from .._strides import axis_order as _axis_order

_PERMUTATIONS = {"channels_last": (0, 2, 3, 1), "channels_last_3d": (0, 2, 3, 4, 1)}


def name(fmt, default="preserve_format"):
    """The format's name (``None`` is ``default``)."""
    return default if fmt is None else fmt.name


def check_rank(fmt_name, ndim):
    perm = _PERMUTATIONS.get(fmt_name)
    if perm is not None and ndim != len(perm):
        raise _errors.memory_format_rank(len(perm), fmt_name)


def empty_in_order(xp, shape, dtype, order):
    """An empty array of ``shape`` whose axes lie in memory in ``order`` (outermost first)."""
    return _in_order(xp.empty(math.prod(shape), dtype), shape, order)


def _in_order(flat, shape, order):
    """The 1-d ``flat`` viewed as ``shape`` with its axes lying in memory in ``order``."""
    inverse = [0] * len(order)
    for place, axis in enumerate(order):
        inverse[axis] = place
    return flat.reshape([shape[a] for a in order]).transpose(inverse)


def view_as(flat, shape, fmt_name):
    """The 1-d array ``flat`` seen as ``shape`` in ``fmt_name``'s layout (no copy)."""
    check_rank(fmt_name, len(shape))
    perm = _PERMUTATIONS.get(fmt_name)
    return flat.reshape(shape) if perm is None else _in_order(flat, shape, perm)


def axis_order(ndim, fmt_name, like=None):
    """The memory order of the axes (outermost first) of a new ``ndim``-d array laid out as
    ``fmt_name``, or None for C order.  ``preserve_format`` takes ``like``'s stride order (a
    dense ``like``'s strides exactly; an expanded or sliced one's made dense)."""
    check_rank(fmt_name, ndim)
    perm = _PERMUTATIONS.get(fmt_name)
    if perm is not None:
        return perm
    if fmt_name == "preserve_format" and like is not None and like.ndim > 1 and \
            not like.flags.c_contiguous:
        return _axis_order(like)
    return None


def empty(xp, shape, dtype, fmt_name, like=None):
    """An empty array laid out as ``fmt_name`` (see ``axis_order``)."""
    order = axis_order(len(shape), fmt_name, like)
    return xp.empty(shape, dtype) if order is None else empty_in_order(xp, shape, dtype, order)


def laid_out(xp, arr, fmt_name, like=None):
    """A copy of ``arr`` in ``fmt_name``'s layout (``preserve_format``: that of ``like``, by
    default ``arr`` itself)."""
    out = empty(xp, arr.shape, arr.dtype, fmt_name, like=arr if like is None else like)
    out[...] = arr
    return out


def suggested(arr, fmt_name):
    """Whether torch would suggest ``fmt_name`` for ``arr``: going from the channels dim
    outwards in the format's order, strides never decrease (size-1 dims count with their
    stride), and N's differs from C's; ``to(memory_format=)`` keeps such a tensor as it is."""
    perm = _PERMUTATIONS[fmt_name]
    if arr.ndim != len(perm) or arr.strides[1] == 0:
        return False
    smallest = 0
    for axis in (1,) + tuple(reversed(perm[1:-1])) + (0,):
        size, stride = arr.shape[axis], arr.strides[axis] // arr.itemsize
        if size == 0 or stride < smallest or (axis == 0 and smallest == arr.strides[1] //
                                               arr.itemsize):
            return False
        smallest = stride * size if size > 1 else stride
    return True


def suggest(arr):
    """torch's ``suggest_memory_format``: the channels-last format whose stride order ``arr``
    has, else ``contiguous_format`` (whatever its strides).  An NCHW-contiguous array is
    refused at once: a channels-last one's last dim never has a smaller stride than C's."""
    strides = arr.strides
    if arr.ndim < 4 or strides[-1] < strides[1]:
        return "contiguous_format"
    for fmt_name in _PERMUTATIONS:
        if suggested(arr, fmt_name):
            return fmt_name
    return "contiguous_format"


def is_in(arr, fmt_name):
    """Whether ``arr``'s strides are ``fmt_name``'s dense layout (strides of size-1 dims do not
    matter, as in torch)."""
    perm = _PERMUTATIONS[fmt_name]
    if arr.ndim != len(perm):
        return False
    expected = arr.itemsize
    for axis in reversed(perm):
        if arr.shape[axis] != 1 and arr.strides[axis] != expected:
            return False
        expected *= arr.shape[axis]
    return True


def into(xp, arr, fmt_name):
    """``arr`` (a new result) with the exact strides of ``fmt_name`` (a ``suggest`` answer; any
    other format, or one of another rank, means C order), as torch's kernels allocate their
    outputs: itself when it has them, else a copy.  Size-1 dims count: torch gives a
    channels-last (N, 1, H, W) C's stride 1 and a contiguous one H * W."""
    perm = _PERMUTATIONS.get(fmt_name)
    if perm is None or arr.ndim != len(perm):
        if arr.flags.c_contiguous and 1 not in arr.shape:
            return arr
        perm, fmt_name = range(arr.ndim), "contiguous_format"
    expected, strides = arr.itemsize, list(arr.strides)
    for axis in reversed(perm):
        if strides[axis] != expected:
            return laid_out(xp, arr, fmt_name)
        expected *= arr.shape[axis]
    return arr


def tensor_into(t, fmt_name):
    """The tensor ``t`` (a differentiable result) in ``fmt_name``'s channels-last layout, or
    itself for any other format (for gradients written with ember ops)."""
    if fmt_name not in _PERMUTATIONS:
        return t
    return t.contiguous(memory_format=getattr(_layout, fmt_name))
