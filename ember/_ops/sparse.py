"""Sparse COO tensors: a ``Tensor`` whose layout is ``sparse_coo``, holding an int64 indices
tensor (sparse_dim x nnz) and a values tensor (nnz x dense dims).

A sparse tensor has no strided storage: its ``_data`` is a :class:`_NoStorage` that carries the
shape (so ``size()``, ``dim()``, ``numel()`` work) and refuses everything else with torch's
"Could not run 'aten::<op>' with arguments from the 'SparseCPU' backend", naming the op that
touched it.  The ops that do accept sparse tensors reach the code here without a check on the
dense path:

* methods, operators and properties of a sparse tensor go through ``SparseTensor``'s
  ``__torch_function__`` (``ember._subclass`` routes them) to ``sparse_dispatch``'s table: the
  ops of ``sparse_ops``, the layout-free metadata methods passed through, or the error;
* the public functions that take sparse arguments (``ember.mm``, ``add``, ``sum``...) are
  rebound, once the first sparse tensor exists, by a binding layer (``_ops._bindings``) whose
  wrapper sends calls with a sparse tensor among the first two arguments to the same table.
  A program without sparse tensors never pays for it; with one, only these functions do.

This module: the tensor, its construction and conversions; ``sparse_ops``: the ops;
``sparse_dispatch``: which op or method goes where.

Autograd: each op records the node torch records (``ToDenseBackward0``,
``SparseAddmmBackward0``...), with backward formulas written in ember ops, sparse ones
included, so gradients reach sparse leaves (as sparse gradients, as in torch) and the values a
sparse tensor was built from.
"""
import math
import sys

from .. import _dtype as D
from .. import _errors
from .._layout import sparse_coo, strided
from .._tensor import Tensor, _make
from ..autograd.graph import node_class
from ._core import needs_grad, record

_int64 = D.int64


class _NoStorage:
    """The ``_data`` of a sparse tensor: its shape, and no strided storage."""
    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = tuple(shape)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    def __getattr__(self, name):
        raise _errors.sparse_backend_not_implemented(_running_op())

    def __array__(self, *args, **kwargs):
        raise _errors.sparse_backend_not_implemented(_running_op())

    __array_ufunc__ = __array_function__ = __array__


_op_frames = {}     # code object -> [(function, op name)], built on the first error


def _running_op():
    """The name of the outermost registered op running on the stack (error path only): its
    frame's code is the op function's, and its free variables those of the function's closure
    (ops made by one factory share their code)."""
    from ._core import OPS
    if not _op_frames:
        for op in OPS.values():
            for fn, name in ((op.fn, op.name), (op.inplace, op.name + "_")):
                if hasattr(fn, "__code__"):
                    _op_frames.setdefault(fn.__code__, []).append((fn, name))
    found = "unknown"
    frame = sys._getframe(1)
    while frame is not None:
        for fn, name in _op_frames.get(frame.f_code, ()):
            cells = fn.__closure__ or ()
            if all(frame.f_locals.get(var, cell) is cell.cell_contents
                   for var, cell in zip(fn.__code__.co_freevars, cells)):
                found = name
                break
        frame = frame.f_back
    return found


# ---- construction -------------------------------------------------------------------------------
def new_sparse(indices, values, shape, coalesced):
    """A sparse tensor of ``indices`` / ``values`` (taken as they are) with no autograd history."""
    t = _make(_NoStorage(shape), values._dtype, values._device)
    t.__class__ = SparseTensor          # (not as_subclass: no ``__torch_function__`` layer)
    if not _routing:
        _start_routing()
    t._indices_t = indices
    t._values_t = values
    t._coalesced = coalesced
    return t


_routing = []


def _start_routing():
    from .sparse_dispatch import route_functions
    route_functions()
    _routing.append(True)


def sparse_with_grad(indices, values, shape, coalesced, node=None, inputs=(), saved=(),
                    args=None):
    """``new_sparse`` of ``values.detach()``; records ``node`` on ``inputs`` (or, by default,
    the constructor's node on ``values``) when they need grad."""
    out = new_sparse(indices, values.detach(), shape, coalesced)
    if node is None:
        node, inputs, args = _FromValues, (values,), indices
    if needs_grad(*inputs):
        record(out, node, inputs, saved, args)
    return out


def coalesced_indices(s):
    """The coalesced indices of ``s``: where a sparse gradient of ``s`` has its entries (one per
    coordinate, so that its dense meaning is the gradient's)."""
    if s._coalesced:
        return s._indices_t
    return new_sparse(s._indices_t, s._values_t.detach(), s.shape, False).coalesce()._indices_t


def values_at(g, indices):
    """The entries of ``g`` (dense, or sparse) at the sparse coordinates ``indices``."""
    if g.layout is sparse_coo:
        g = g.to_dense()
    return g[tuple(indices.unbind(0))] if indices.shape[0] else g.unsqueeze(0).expand(
        indices.shape[1], *g.shape)


_FromValues = node_class("SparseCooTensorWithDimsAndTensorsBackward0",
                         lambda node, g: (values_at(g, node._args),))


INVARIANT_CHECKS = [False]      # torch.sparse.check_sparse_tensor_invariants's switch


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with ``values`` at ``indices`` (uncoalesced unless told)."""
    from . import creation
    indices = indices if isinstance(indices, Tensor) else creation.tensor(indices, device=device)
    if not isinstance(values, Tensor):
        values = creation.tensor(values, dtype=dtype, device=device)
    elif dtype is not None or device is not None:
        values = values.to(device=device, dtype=dtype)
    if indices.dim() != 2:
        raise _errors.sparse_indices_shape(indices.shape)
    sparse_dim, nnz = indices.shape
    if values.dim() == 0 or values.shape[0] != nnz:
        raise _errors.sparse_nnz_mismatch(nnz, values.shape[0] if values.dim() else 1)
    dense = tuple(values.shape[1:])
    indices = indices.to(_int64)
    if size is None:
        size = tuple(int(m) + 1 for m in indices.amax(1).tolist()) if nnz else (0,) * sparse_dim
        size = size + dense
    size = tuple(int(s) for s in size)
    if len(size) != sparse_dim + len(dense):
        raise _errors.sparse_size_mismatch(len(size), sparse_dim, len(dense))
    if check_invariants is None:
        check_invariants = INVARIANT_CHECKS[0]
    if check_invariants and nnz:
        low, high = indices.amin(1).tolist(), indices.amax(1).tolist()
        for d in range(sparse_dim):
            if low[d] < 0:
                raise _errors.sparse_negative_index(low[d], d)
            if high[d] >= size[d]:
                raise _errors.sparse_index_out_of_bounds(d, size[d], high[d])
    out = sparse_with_grad(indices.detach(), values, size, bool(is_coalesced) or nnz < 2)
    if requires_grad:
        out.requires_grad_()
    return out


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``Tensor.to_sparse``: the nonzero entries (over the first ``sparse_dim`` dims) of a dense
    tensor, coalesced; a sparse tensor comes back as it is."""
    if self.layout is sparse_coo:
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise _errors.sparse_to_sparse_dim()
        return self
    ndim = self.dim()
    sd = ndim if sparse_dim is None else sparse_dim
    if not 0 <= sd <= ndim:
        raise _errors.sparse_dense_to_sparse_dim(ndim, sd)
    if sd == 0 and ndim:
        raise _errors.sparse_dim_zero()
    xp = self._device._backend.xp
    a = self._data
    # an entry of the sparse dims is kept when any of its dense-dim values is nonzero
    nonzero = (a.reshape(a.shape[:sd] + (math.prod(a.shape[sd:]),)) != 0).any(axis=-1)
    idx = xp.stack(xp.nonzero(nonzero)) if sd else xp.zeros((0, int(nonzero)))
    indices = _make(idx.astype(xp.int64), _int64, self._device)
    values = values_at(self, indices)
    node = (_ToSparse1 if sparse_dim is None else _ToSparse0) if needs_grad(self) else None
    return sparse_with_grad(indices, values, self.shape, True, node, (self,), (), indices)


# (torch's overloads: 0 with a sparse_dim, 1 without)
_ToSparse0 = node_class("ToSparseBackward0", lambda node, g: (g.to_dense(),))
_ToSparse1 = node_class("ToSparseBackward1", lambda node, g: (g.to_dense(),))


def to_dense(self, dtype=None, *, masked_grad=None):
    """``Tensor.to_dense``: a strided copy (a dense tensor is returned as it is)."""
    if self.layout is strided:
        return self
    s = self.coalesce() if not self._coalesced else self
    idx, vals = s._indices_t, s._values_t
    xp = vals._device._backend.xp
    out = xp.zeros(tuple(self.shape), dtype=vals._dtype.np)
    if idx.shape[0]:
        out[tuple(idx._data)] = vals._data
    elif vals.shape[0]:
        out[...] = vals._data.sum(0)
    result = _make(out, vals._dtype, vals._device)
    if needs_grad(self):
        record(result, _ToDense, (self,), (), idx)
    return result if dtype is None else result.to(dtype)


def _to_dense_backward(node, g):
    return (sparse_with_grad(node._args, values_at(g, node._args), g.shape, False,
                            _MaskFromDense, (g,), (), node._args),)


_ToDense = node_class("ToDenseBackward0", _to_dense_backward)
_MaskFromDense = node_class("SparseMaskBackward0", lambda node, g: (g.to_dense(),))


# ---- the sparse tensor --------------------------------------------------------------------------
class SparseTensor(Tensor):
    """A Tensor in the sparse COO layout (see the module docstring)."""
    layout = sparse_coo
    is_sparse = True

    def _indices(self):
        return self._indices_t

    def _values(self):
        return self._values_t

    def indices(self):
        if not self._coalesced:
            raise _errors.sparse_uncoalesced("indices")
        return self._indices_t

    def values(self):
        if not self._coalesced:
            raise _errors.sparse_uncoalesced("values")
        if needs_grad(self):
            out = self._values_t.detach()
            record(out, _ValuesNode, (self,), (), self)
            return out
        return self._values_t

    def is_coalesced(self):
        return self._coalesced

    def sparse_dim(self):
        return self._indices_t.shape[0]

    def dense_dim(self):
        return self._values_t.dim() - 1

    def _nnz(self):
        return self._indices_t.shape[1]

    def coalesce(self):
        """Sorted, unique indices; the values of repeated indices summed."""
        if self._coalesced:
            return self
        idx, vals = self._indices_t, self._values_t
        xp = vals._device._backend.xp
        shape = tuple(self.shape[:idx.shape[0]])
        keys = xp.ravel_multi_index(tuple(idx._data), shape) if shape else \
            xp.zeros(idx.shape[1], dtype=xp.int64)
        uniq, inverse = xp.unique(keys, return_inverse=True)
        new_idx = xp.stack(xp.unravel_index(uniq, shape)) if shape else \
            xp.zeros((0, uniq.size), dtype=xp.int64)
        indices = _make(new_idx.astype(xp.int64).reshape(len(shape), -1), _int64, vals._device)
        inv = _make(inverse.reshape(-1).astype(xp.int64), _int64, vals._device)
        summed = vals.new_zeros((uniq.size,) + tuple(vals.shape[1:])).index_add(0, inv, vals)
        node = _Coalesce if needs_grad(self) else None
        return sparse_with_grad(indices, summed, self.shape, True, node, (self,))

    def to_sparse(self, sparse_dim=None, **kwargs):
        return to_sparse(self, sparse_dim, **kwargs)

    def to_dense(self, dtype=None, **kwargs):
        return to_dense(self, dtype, **kwargs)

    def numpy(self, *, force=False):
        raise _errors.sparse_to_numpy()

    def __reduce_ex__(self, proto):
        return (_unpickle, (self._indices_t, self._values_t, tuple(self.shape), self._coalesced,
                            self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise _errors.deepcopy_non_leaf()
        out = new_sparse(self._indices_t.clone(), self._values_t.clone(), self.shape,
                          self._coalesced)
        out._requires_grad = self._requires_grad
        memo[id(self)] = out
        return out

    def __repr__(self, *, tensor_contents=None):
        return _repr(self)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from .sparse_dispatch import lookup
        handler, name = lookup(func)
        if handler is None:
            raise _errors.sparse_backend_not_implemented(name)
        return handler(*args, **(kwargs or {}))


def _unpickle(indices, values, shape, coalesced, requires_grad):
    out = new_sparse(indices, values, shape, coalesced)
    out._requires_grad = requires_grad
    return out


_ValuesNode = node_class("ValuesBackward0", lambda node, g: (
    sparse_with_grad(node._args._indices_t, g, node._args.shape, True),))
_Coalesce = node_class("CoalesceBackward0", lambda node, g: (g,))


def _repr(s):
    """torch's repr: the indices and values tensors, then size, nnz, dtype, layout, autograd."""
    from .._tensor_str import _body, _add_suffixes
    parts = []
    for label, t, indent in (("tensor(indices=", s._indices_t, 0), ("values=", s._values_t, 7)):
        prefix = " " * indent + label + "tensor("
        a = t._device.backend.to_host(t._data)
        body = _body(a, t._dtype, len(prefix)) if a.size else "[]"
        parts.append(prefix + body + (f", size={tuple(a.shape)})" if not a.size else ")"))
    suffixes = [f"device='{s._device}'"] if s._device.type != "cpu" else []
    suffixes += [f"size={tuple(s.shape)}", f"nnz={s._nnz()}"]
    if s._dtype not in (D.get_default_dtype(), D.default_complex(), D.int64, D.bool_):
        suffixes.append(f"dtype={s._dtype}")
    suffixes.append("layout=torch.sparse_coo")
    if s._grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(s._grad_fn).__name__}>")
    elif s._requires_grad:
        suffixes.append("requires_grad=True")
    # the first suffix starts a line of its own, as torch prints sparse tensors
    return _add_suffixes(",\n".join(parts) + ",\n" + " " * 7 + suffixes[0], suffixes[1:], 7)


# ---- the same methods on dense tensors ----------------------------------------------------------
def _strided_is_coalesced(self):
    raise _errors.sparse_expected_layout("is_coalesced")


def _strided_coalesce(self):
    raise _errors.sparse_expected_layout("coalesce")


def _strided_indices(self):
    raise _errors.sparse_expected_layout("indices")


def _strided_values(self):
    raise _errors.sparse_expected_layout("values")


def _strided_nnz(self):
    raise _errors.sparse_backend_not_implemented("_nnz", "CPU")


Tensor.to_sparse = to_sparse
Tensor.to_dense = to_dense
Tensor.is_coalesced = _strided_is_coalesced
Tensor.coalesce = _strided_coalesce
Tensor.indices = Tensor._indices = _strided_indices
Tensor.values = Tensor._values = _strided_values
Tensor._nnz = _strided_nnz
Tensor.sparse_dim = lambda self: 0
Tensor.dense_dim = Tensor.dim
