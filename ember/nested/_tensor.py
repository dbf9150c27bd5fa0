"""The nested tensor: a ``Tensor`` subclass holding one dense tensor and the structure that
cuts it into components.

* jagged layout (``torch.jagged``): ``values`` holds the components concatenated along their
  ragged dimension (the outer dimension ``ragged_idx``, the values' ``ragged_idx - 1``),
  ``offsets`` (int64, batch + 1) where each starts, and ``lengths`` when the components do not
  fill the values end to end (``narrow``, ``nested_tensor_from_jagged(lengths=)``).  Outer
  dimension ``d > 0`` is the values' dimension ``d - 1``.
* strided layout (``torch.strided``): ``values`` is a flat buffer holding every component in
  order, and ``sizes`` their shapes (any dimension may be ragged).

All arithmetic happens on these dense tensors with ember's own ops, so autograd needs nothing of
its own: a nested leaf is its values leaf, and gradients reach the tensors a nested tensor was
built from through the ops that built it.  The ops are in ``_ops``; this module has the tensor,
its metadata and the conversions between structures (components, padded).
"""
import itertools
import math
import warnings

from .. import _dtype as D
from .. import _errors
from .._layout import jagged, strided
from .._tensor import Size, Tensor, _make, _wrap_dim as wrap_dim
from .. import _ops as O
from ..utils.weak import WeakIdKeyDictionary

_int64 = D.int64


class NestedInt:
    """A ragged size (``j1``): equal only to itself; tensors on the same offsets tensor share
    it (``ragged_size``)."""
    _count = itertools.count(1)
    __slots__ = ("_n",)

    def __init__(self):
        self._n = next(NestedInt._count)

    def __repr__(self):
        return f"j{self._n}"


class NestedSize(Size):
    """torch.Size of a jagged tensor: prints its ragged size as ``j<n>``."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__


class _NoData:
    """The ``_data`` of a nested tensor: its rank only; there is no single strided array."""
    __slots__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = ndim

    def __getattr__(self, name):
        raise _errors.nested_no_sizes()


class NestedTensor(Tensor):
    """A nested tensor (see the module docstring); ops reach ``_ops`` through
    ``__torch_function__``."""
    is_nested = True

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from ._ops import dispatch
        return dispatch(func, args, kwargs or {})

    # ---- metadata (own attributes: no dispatch) ------------------------------------------------
    @property
    def layout(self):
        return jagged if self._offsets_t is not None else strided

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def __len__(self):
        return self._batch

    def __iter__(self):
        if self._offsets_t is None:     # (torch's strided layout: no sizes to iterate by)
            raise _errors.nested_no_sizes()
        return iter(components(self))

    @property
    def shape(self):
        if self._offsets_t is None:
            raise _errors.nested_no_sizes()
        return self.size()

    def size(self, dim=None):
        if dim is None:
            if self._offsets_t is None:
                raise _errors.nested_no_sizes()
            return NestedSize(self.size(d) for d in range(self.dim()))
        d = wrap_dim(dim, self.dim())
        if d == 0:
            return self._batch
        if self._offsets_t is not None:
            return self._ragged if d == self._ragged_idx else self._values_t.shape[d - 1]
        sizes = {s[d - 1] for s in self._sizes}
        if len(sizes) != 1:
            raise _errors.nested_irregular_dim(d)
        return sizes.pop()

    def numel(self):
        if self._offsets_t is None:
            return self._values_t.numel()
        rest = list(self._values_t.shape)
        del rest[self._ragged_idx - 1]
        return int(lengths_of(self).sum()) * math.prod(rest)

    nelement = numel

    def values(self):
        return self._values_t

    def offsets(self):
        if self._offsets_t is None:
            raise _errors.nested_no_attribute("offsets")
        return self._offsets_t

    def lengths(self):
        if self._offsets_t is None:
            raise _errors.nested_no_attribute("lengths")
        return self._lengths_t

    def to_padded_tensor(self, padding, output_size=None):
        from . import to_padded_tensor
        return to_padded_tensor(self, padding, output_size)

    def is_contiguous(self, memory_format=None):
        return self._offsets_t is None or (self._lengths_t is None
                                           and self._values_t.is_contiguous())

    # ---- autograd: the values are the leaf --------------------------------------------------
    @property
    def requires_grad(self):
        return self._values_t.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._values_t.requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        self._values_t.requires_grad_(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self._values_t.is_leaf

    @property
    def grad_fn(self):
        return self._values_t.grad_fn

    @property
    def grad(self):
        g = self._values_t.grad
        return None if g is None else like(self, g)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        g = gradient._values_t if isinstance(gradient, NestedTensor) else gradient
        self._values_t.backward(g, retain_graph, create_graph, inputs)

    def __repr__(self):
        leaf = self.requires_grad and self.is_leaf
        if self._offsets_t is not None:     # torch's NestedTensor(...) line
            flags = ", requires_grad=True" if leaf else (
                f", grad_fn={self.grad_fn!r}" if self.requires_grad else "")
            size = ", ".join(map(str, self.size()))
            return (f"NestedTensor(size=({size}), offsets={self._offsets_t!r}{flags}, "
                    f"contiguous={self.is_contiguous()})")
        flags = ", requires_grad=True" if leaf else (
            f", grad_fn=<{type(self.grad_fn).__name__}>" if self.requires_grad else "")
        parts = []
        for c in components(self):      # torch shows each component as a leaf
            c = c.detach().requires_grad_(self.requires_grad)
            parts.append("\n".join("  " + line for line in repr(c).splitlines()))
        return "nested_tensor([\n" + ",\n".join(parts) + "\n]" + flags + ")"


# ---- making nested tensors ----------------------------------------------------------------
def _new(values, ndim, batch):
    t = _make(_NoData(ndim), values._dtype, values._device).as_subclass(NestedTensor)
    t._values_t = values
    t._batch = batch
    return t


_ragged_sizes = WeakIdKeyDictionary()     # offsets tensor -> its NestedInt


def ragged_size(offsets):
    size = _ragged_sizes.get(offsets)
    if size is None:
        size = _ragged_sizes[offsets] = NestedInt()
    return size


def new_jagged(values, offsets, lengths=None, ragged_idx=1, max_seqlen=None):
    """A jagged tensor of ``values`` cut at ``offsets``.  ``max_seqlen``: the longest component
    when known (``to_padded_tensor`` pads to it, else to the values' ragged size, as torch)."""
    t = _new(values, values.dim() + 1, offsets.shape[0] - 1)
    t._offsets_t, t._lengths_t, t._ragged_idx = offsets, lengths, ragged_idx
    t._ragged = ragged_size(offsets)
    t._max_seqlen = max_seqlen
    t._sizes = None
    return t


_warned = []


def new_strided(buffer, sizes):
    """A strided nested tensor whose components, of shapes ``sizes``, lie in ``buffer``.  The
    first one warns that the layout is a prototype, once a process (as torch)."""
    if not _warned:
        _warned.append(True)
        warnings.warn(_errors.nested_strided_prototype(), stacklevel=4)
    t = _new(buffer, len(sizes[0]) + 1 if sizes else 1, len(sizes))
    t._offsets_t = t._lengths_t = None
    t._sizes = tuple(tuple(s) for s in sizes)
    return t


def like(nt, values, ragged_idx=None):
    """A nested tensor with ``nt``'s structure (offsets, ragged size or shapes) and new values."""
    if nt._offsets_t is None:
        return new_strided(values, nt._sizes)
    return new_jagged(values, nt._offsets_t, nt._lengths_t,
                      nt._ragged_idx if ragged_idx is None else ragged_idx, nt._max_seqlen)


def from_components(tensors, layout):
    """A nested tensor of ``tensors`` (autograd flows back to them)."""
    if layout is jagged:
        if not tensors:
            raise _errors.nested_empty_list()
        first = tensors[0]
        if first.dim() == 0:
            raise _errors.nested_zero_dim_list()
        for t in tensors:
            if t.dim() != first.dim():
                raise _errors.nested_jagged_dim_mismatch()
            if t.shape[1:] != first.shape[1:]:
                raise _errors.nested_jagged_one_ragged()
        lengths = [t.shape[0] for t in tensors]
        offsets = O.creation.tensor([0, *itertools.accumulate(lengths)], dtype=_int64,
                                    device=first.device)
        return new_jagged(O.shape.cat(tensors), offsets, max_seqlen=max(lengths))
    for i, t in enumerate(tensors):
        if t.dim() != tensors[0].dim():
            raise _errors.nested_dim_mismatch(i, t.dim(), tensors[0].dim())
    if not tensors:
        return new_strided(O.creation.empty(0), ())
    return new_strided(O.shape.cat([t.reshape(-1) for t in tensors]), [t.shape for t in tensors])


def lengths_of(nt):
    return nt._lengths_t if nt._lengths_t is not None else nt._offsets_t.diff()


def components(nt):
    """The components as tensors (views of the values, so gradients flow to them)."""
    values = nt._values_t
    if nt._offsets_t is None:
        sizes = [math.prod(s) for s in nt._sizes]
        return [piece.view(s) for piece, s in zip(values.split(sizes), nt._sizes)]
    axis = nt._ragged_idx - 1
    if nt._lengths_t is None:
        return list(values.split(nt._offsets_t.diff().tolist(), axis))
    return [values.narrow(axis, start, n)
            for start, n in zip(nt._offsets_t[:-1].tolist(), nt._lengths_t.tolist())]


# ---- padded <-> jagged ----------------------------------------------------------------------
def _rows(nt, max_len):
    """(batch index, position, values row) of every component row kept in a padding to
    ``max_len``: int64 tensors, made with ember ops."""
    lengths = lengths_of(nt)
    batch = O.creation.arange(nt._batch, device=lengths.device)
    batch = batch.repeat_interleave(lengths)
    starts = O.scan.cumsum(lengths, 0) - lengths
    pos = O.creation.arange(batch.shape[0], device=lengths.device) - starts[batch]
    keep = pos < max_len
    batch, pos = batch[keep], pos[keep]
    return batch, pos, nt._offsets_t[batch] + pos


def max_length(nt):
    lengths = lengths_of(nt)
    return int(lengths.max()) if lengths.numel() else 0


def padded_length(nt):
    """The ragged size ``to_padded_tensor`` pads to by default: torch's choice (the longest
    component when known, else the values' first size)."""
    if nt._max_seqlen is not None:
        return nt._max_seqlen
    return nt._values_t.shape[0]


def jagged_to_padded(nt, padding, max_len=None):
    """The padded dense form (batch, ..., max_len at ``ragged_idx``, ...) of a jagged tensor."""
    max_len = max_length(nt) if max_len is None else max_len
    batch, pos, row = _rows(nt, max_len)
    r = nt._ragged_idx
    values = nt._values_t if r == 1 else nt._values_t.movedim(r - 1, 0)
    rest = tuple(values.shape[1:])
    out = O.creation.full((nt._batch * max_len, *rest), padding, dtype=values.dtype,
                          device=values.device)
    out = out.index_put((batch * max_len + pos,), values[row])
    out = out.view(nt._batch, max_len, *rest)
    return out if r == 1 else out.movedim(1, r)


def padded_to_jagged(padded, nt):
    """A jagged tensor with ``nt``'s structure (packed: no holes) from its padded form."""
    max_len = padded.shape[nt._ragged_idx]
    batch, pos, _ = _rows(nt, max_len)
    r = nt._ragged_idx
    flat = padded if r == 1 else padded.movedim(r, 1)
    flat = flat.reshape(nt._batch * max_len, *flat.shape[2:])
    values = flat[batch * max_len + pos]
    values = values if r == 1 else values.movedim(0, r - 1)
    offsets = nt._offsets_t if nt._lengths_t is None else O.shape.cat([
        nt._offsets_t.new_zeros(1), O.scan.cumsum(nt._lengths_t, 0)])
    return new_jagged(values, offsets, None, nt._ragged_idx, nt._max_seqlen)


def strided_to_padded(nt, padding, output_size=None):
    """The padded dense form of a strided nested tensor (components padded at their ends)."""
    shapes = nt._sizes
    target = [max(s[i] for s in shapes) for i in range(nt.dim() - 1)] if shapes else []
    if output_size is not None:
        if len(output_size) != nt.dim():
            raise _errors.nested_padded_output_dims()
        if any(o < t for o, t in zip(output_size[1:], target)):
            raise _errors.nested_padded_truncation()
        target = list(output_size[1:])
    padded = []
    for c in components(nt):
        pads = []
        for have, want in zip(reversed(c.shape), reversed(target)):
            pads += [0, want - have]
        padded.append(O.nn_pool.constant_pad_nd(c, pads, padding))
    return O.shape.stack(padded)
