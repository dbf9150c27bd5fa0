"""Sparse COO tensors: a ``Tensor`` whose layout is ``sparse_coo``, holding an int64 indices
tensor (sparse_dim x nnz) and a values tensor (nnz x dense dims).

A sparse tensor has no strided storage: its ``_data`` is a :class:`_NoStorage` that carries the
shape (so ``size()``, ``dim()``, ``numel()`` work) and refuses everything else with torch's
"Could not run 'aten::<op>' with arguments from the 'SparseCPU' backend", naming the op that
touched it.  The ops that do accept sparse tensors reach the code here without a check on the
dense path:

* methods, operators and properties of a sparse tensor go through ``SparseTensor``'s
  ``__torch_function__`` (``ember._subclass`` routes them): the names in ``_HANDLERS`` have
  sparse implementations, the layout-free metadata ones pass through, the rest raise;
* the public functions that take sparse arguments (``ember.mm``, ``add``, ``sum``...) are
  rebound, once the first sparse tensor exists, by a binding layer (``_ops._bindings``) whose
  wrapper sends calls with a sparse tensor among the first two arguments to the same handlers.
  A program without sparse tensors never pays for it; with one, only these functions do.

Autograd: each op records the node torch records (``ToDenseBackward0``,
``SparseAddmmBackward0``...), with backward formulas written in ember ops, sparse ones
included, so gradients reach sparse leaves (as sparse gradients, as in torch) and the values a
sparse tensor was built from.
"""
import functools
import math
import sys

from .. import _dtype as D
from .. import _errors
from .._layout import sparse_coo, strided
from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import node_class
from ._core import needs_grad, record, sum_to

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
def _new_sparse(indices, values, shape, coalesced):
    """A sparse tensor of ``indices`` / ``values`` (taken as they are) with no autograd history."""
    t = _make(_NoStorage(shape), values._dtype, values._device)
    t.__class__ = SparseTensor          # (not as_subclass: no ``__torch_function__`` layer)
    if not _functions_routed:
        _route_functions()
    t._indices_t = indices
    t._values_t = values
    t._coalesced = coalesced
    return t


def _differentiable(indices, values, shape, coalesced, node=None, inputs=(), saved=(),
                    args=None):
    """``_new_sparse`` of ``values.detach()``; records ``node`` on ``inputs`` (or, by default,
    the constructor's node on ``values``) when they need grad."""
    out = _new_sparse(indices, values.detach(), shape, coalesced)
    if node is None:
        node, inputs, args = _FromValues, (values,), indices
    if needs_grad(*inputs):
        record(out, node, inputs, saved, args)
    return out


def _pattern(s):
    """The coalesced indices of ``s``: where a sparse gradient of ``s`` has its entries (one per
    coordinate, so that its dense meaning is the gradient's)."""
    if s._coalesced:
        return s._indices_t
    return _new_sparse(s._indices_t, s._values_t.detach(), s.shape, False).coalesce()._indices_t


def _values_at(g, indices):
    """The entries of ``g`` (dense, or sparse) at the sparse coordinates ``indices``."""
    if g.layout is sparse_coo:
        g = g.to_dense()
    return g[tuple(indices.unbind(0))] if indices.shape[0] else g.unsqueeze(0).expand(
        indices.shape[1], *g.shape)


_FromValues = node_class("SparseCooTensorWithDimsAndTensorsBackward0",
                         lambda node, g: (_values_at(g, node._args),))


_check_invariants = [False]     # torch.sparse.check_sparse_tensor_invariants's global switch


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
        check_invariants = _check_invariants[0]
    if check_invariants and nnz:
        low, high = indices.amin(1).tolist(), indices.amax(1).tolist()
        for d in range(sparse_dim):
            if low[d] < 0:
                raise _errors.sparse_negative_index(low[d], d)
            if high[d] >= size[d]:
                raise _errors.sparse_index_out_of_bounds(d, size[d], high[d])
    out = _differentiable(indices.detach(), values, size, bool(is_coalesced) or nnz < 2)
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
    values = _values_at(self, indices)
    node = (_ToSparse1 if sparse_dim is None else _ToSparse0) if needs_grad(self) else None
    return _differentiable(indices, values, self.shape, True, node, (self,), (), indices)


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
    return (_differentiable(node._args, _values_at(g, node._args), g.shape, False,
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
        return _differentiable(indices, summed, self.shape, True, node, (self,))

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
        out = _new_sparse(self._indices_t.clone(), self._values_t.clone(), self.shape,
                          self._coalesced)
        out._requires_grad = self._requires_grad
        memo[id(self)] = out
        return out

    def __repr__(self, *, tensor_contents=None):
        return _repr(self)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        handler, name = _lookup(func)
        if handler is None:
            raise _errors.sparse_backend_not_implemented(name)
        return handler(*args, **(kwargs or {}))


def _unpickle(indices, values, shape, coalesced, requires_grad):
    out = _new_sparse(indices, values, shape, coalesced)
    out._requires_grad = requires_grad
    return out


_ValuesNode = node_class("ValuesBackward0", lambda node, g: (
    _differentiable(node._args._indices_t, g, node._args.shape, True),))
_Coalesce = node_class("CoalesceBackward0", lambda node, g: (g,))


def _repr(s):
    """torch's repr: the indices and values tensors, then size, nnz, dtype, layout, autograd."""
    from .._tensor_str import _body, _join_suffixes
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
    return _join_suffixes(",\n".join(parts) + ",\n" + " " * 7 + suffixes[0], suffixes[1:], 7)


# ---- the ops ------------------------------------------------------------------------------------
def _dense_operand(t):
    return t.to_dense() if t.layout is sparse_coo else t


def _mm_values(s, d):
    """The dense product of a 2-D sparse ``s`` (coalesced or not) and a dense ``d``."""
    idx, vals = s._indices_t, s._values_t
    be = vals._device._backend
    dt = D.promote_types(vals._dtype, d._dtype)
    rows, cols = idx._data
    out = be.xp.zeros((s.shape[0],) + tuple(d.shape[1:]), dtype=dt.np)
    contrib = vals._data.astype(dt.np).reshape((-1,) + (1,) * (d.dim() - 1)) * d._data[cols]
    be.scatter_add(out, rows, contrib)
    return _make(out, dt, d._device)


def _check_mm(s, d):
    if s.shape[1] != d.shape[0]:
        raise _errors.sparse_mm_shape(s.shape[1], d.shape[0])


def _masked_grad(s, g, d):
    """The gradient of a sparse ``s`` in s @ d given the product's gradient ``g``: (g d^T) at
    s's coordinates, as a sparse tensor."""
    indices = _pattern(s)
    rows, cols = indices.unbind(0)
    vals = (g[rows] * d[cols]).sum(-1)
    return _differentiable(indices, vals, s.shape, True)


def _dense_grad(g, d):
    """The dense gradient of the sparse factor of s @ d: g d^T (an outer product for a vector)."""
    return g.unsqueeze(-1) * d.unsqueeze(0) if d.dim() == 1 else g @ d.t()


def _sparse_addmm_backward(node, g):
    s, d = node.saved()
    beta, alpha = node._args
    need = [f is not None for f, _ in node.next_functions]
    return (g * beta if need[0] else None, _masked_grad(s, g, d) * alpha if need[1] else None,
            _mm(s.t(), g) * alpha if need[2] else None)


def _addmm_backward(node, g):
    """AddmmBackward0 of addmm(input, sparse, dense): dense gradients, as torch's."""
    s, d = node.saved()
    beta, alpha, shape = node._args
    need = [f is not None for f, _ in node.next_functions]
    return (sum_to(g * beta, shape) if need[0] else None,
            _dense_grad(g, d) * alpha if need[1] else None,
            _mm(s.t(), g) * alpha if need[2] else None)


def _mm_backward(node, g):
    s, d = node.saved()
    need = [f is not None for f, _ in node.next_functions]
    return _dense_grad(g, d) if need[0] else None, _mm(s.t(), g) if need[1] else None


def _mm_dense_sparse_backward(node, g):
    d, s = node.saved()
    need = [f is not None for f, _ in node.next_functions]
    return _mm(s, g.t()).t() if need[0] else None, d.t() @ g if need[1] else None


_SparseAddmm = node_class("SparseAddmmBackward0", _sparse_addmm_backward)
_Addmm = node_class("AddmmBackward0", _addmm_backward)
_Mm = node_class("MmBackward0", _mm_backward)
_Mv = node_class("MvBackward0", _mm_backward)
_MmDenseSparse = node_class("MmBackward0", _mm_dense_sparse_backward)


def _mm(a, b):
    """torch.mm / matmul / @ of a sparse 2-D tensor and a dense matrix or vector, or of a dense
    matrix and a sparse one (dense results)."""
    if a.layout is sparse_coo and b.layout is strided and b.dim() in (1, 2):
        _check_mm(a, b)
        out = _mm_values(a, b)
        if needs_grad(a, b):
            record(out, _Mm if b.dim() == 2 else _Mv, (a, b), (a, b))
        return out
    if a.layout is strided and a.dim() == 2 and b.layout is sparse_coo:
        _check_mm(b.t(), a.t())
        out = _mm_values(_transpose(b.detach(), 0, 1), a.t()).t()
        if needs_grad(a, b):
            record(out, _MmDenseSparse, (a, b), (a, b))
        return out
    raise _errors.sparse_backend_not_implemented("mm")


def sparse_mm(sparse, dense, reduce=None):
    """``torch.sparse.mm``: the product, with ``SparseAddmmBackward0`` and a sparse gradient
    for the sparse operand (its entries only).  ``reduce`` needs the CSR layout, as in torch."""
    if reduce is not None:
        raise _errors.sparse_backend_not_implemented(
            "_sparse_mm_reduce_impl", "SparseCPU" if sparse.layout is sparse_coo else "CPU")
    if sparse.layout is not sparse_coo:
        return sparse.mm(dense)
    return sparse_addmm(None, sparse, dense)


def sparse_addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``torch.sparse.addmm``: beta * input + alpha * (mat1 @ mat2), mat1 sparse."""
    _check_mm(mat1, mat2)
    prod = _mm_values(mat1, mat2)._data * alpha
    if input is not None:
        prod = prod + beta * input._data
    out = _make(prod, D.promote_types(mat1._dtype, mat2._dtype), mat2._device)
    if needs_grad(input, mat1, mat2):
        record(out, _SparseAddmm, (input, mat1, mat2), (mat1, mat2), (beta, alpha))
    return out


def _addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """torch.addmm with a sparse mat1: beta * input + alpha * (mat1 @ mat2), AddmmBackward0."""
    if mat1.layout is not sparse_coo or input.layout is sparse_coo or \
            mat2.layout is sparse_coo:
        raise _errors.sparse_backend_not_implemented("addmm")
    _check_mm(mat1, mat2)
    prod = _mm_values(mat1, mat2)
    out = _make(beta * input._data + alpha * prod._data,
                D.promote_types(input._dtype, prod._dtype), prod._device)
    if needs_grad(input, mat1, mat2):
        record(out, _Addmm, (input, mat1, mat2), (mat1, mat2), (beta, alpha, input.shape))
    return out


def sparse_sum(input, dim=None, dtype=None):
    """``torch.sparse.sum``: all entries (a dense 0-d tensor), or over ``dim`` (a sparse
    tensor, dense once every sparse dim is summed)."""
    if input.layout is not sparse_coo:
        raise _errors.sparse_expected_layout("coalesce")
    vals = input._values_t if dtype is None else input._values_t.to(dtype)
    if dim is None:
        out = vals.detach().sum()
        if needs_grad(input):
            record(out, _SumAll, (input,), (), input)
        return out
    dims = sorted({d % input.dim() for d in ((dim,) if isinstance(dim, int) else dim)})
    sd = input.sparse_dim()
    keep = [d for d in range(sd) if d not in dims]
    dense_dims = [d - sd + 1 for d in dims if d >= sd]
    summed = vals.detach().sum(dense_dims) if dense_dims else vals.detach()
    shape = [s for d, s in enumerate(input.shape) if d not in dims]
    if not keep:
        out = summed.sum(0)
        if needs_grad(input):
            record(out, _SparseSum, (input,), (), (input, dims))
        return out
    idx = input._indices_t[keep]
    out = _new_sparse(idx, summed, shape, False).coalesce()
    out = _new_sparse(out._indices_t, out._values_t, shape, True)
    if needs_grad(input):
        record(out, _SparseSum, (input,), (), (input, dims))
    return out


def _sum_all_backward(node, g):
    s = node._args
    indices = _pattern(s)
    vals = g.expand((indices.shape[1],) + tuple(s._values_t.shape[1:]))
    return (_differentiable(indices, vals, s.shape, True),)


def _sparse_sum_backward(node, g):
    s, dims = node._args
    dense = _dense_operand(g)
    for d in dims:
        dense = dense.unsqueeze(d)
    indices = _pattern(s)
    return (_differentiable(indices, _values_at(dense.expand(s.shape), indices), s.shape, True),)


_SumAll = node_class("SumBackward0", _sum_all_backward)
_SparseSum = node_class("SparseSumBackward0", _sparse_sum_backward)


def _add(a, b, *, alpha=1):
    """sparse + sparse (sparse), dense + sparse (dense); sparse + dense is torch's error."""
    if a.layout is sparse_coo and not (isinstance(b, Tensor) and b.layout is sparse_coo):
        raise _errors.sparse_add_dense()
    if tuple(a.shape) != tuple(b.shape):
        raise _errors.sparse_add_size_mismatch(a.shape, b.shape)
    if a.layout is strided:
        return a + _dense_operand(b) * alpha
    if a.sparse_dim() != b.sparse_dim():
        raise _errors.sparse_density_mismatch(a.sparse_dim(), b.sparse_dim())
    from .shape import cat
    dt = D.promote_types(a._dtype, b._dtype)
    vals = cat([a._values_t.to(dt), b._values_t.to(dt) * alpha])
    indices = cat([a._indices_t, b._indices_t], 1)
    out = _new_sparse(indices, vals.detach(), a.shape, False).coalesce()
    out = _new_sparse(out._indices_t, out._values_t, a.shape, True)
    if needs_grad(a, b):
        record(out, _AddNode, (a, b), (), alpha)
    return out


def _sub(a, b, *, alpha=1):
    return _add(a, b, alpha=-alpha)


_AddNode = node_class("AddBackward0", lambda node, g: (g, g * node._args))


def _scale(s, c, node):
    """A sparse tensor times the number ``c`` (its pattern kept)."""
    out = _new_sparse(s._indices_t, s._values_t * c, s.shape, s._coalesced)
    if needs_grad(s):
        record(out, node, (s,), (), c)
    return out


_MulNode = node_class("MulBackward0", lambda node, g: (g * node._args,))
_NegNode = node_class("NegBackward0", lambda node, g: (-g,))


def _mul(a, b):
    """sparse * number, sparse * dense (broadcast to the sparse shape: the sparse pattern is
    kept) and sparse * sparse (the intersection of the patterns)."""
    s, c = (a, b) if isinstance(a, Tensor) and a.layout is sparse_coo else (b, a)
    if not isinstance(c, Tensor):
        return _scale(s, c, _MulNode)
    if c.layout is strided:
        dense = c.expand(s.shape)
        out = _new_sparse(s._indices_t, s._values_t * _values_at(dense.detach(),
                                                                 s._indices_t),
                          s.shape, s._coalesced)
    else:
        out = _intersection_product(s, c)
    if needs_grad(a, b):
        record(out, _MulTensors, (a, b), (a, b))
    return out


def _intersection_product(a, b):
    """The entrywise product of two sparse tensors of one shape: the coordinates both hold."""
    if tuple(a.shape) != tuple(b.shape) or a.sparse_dim() != b.sparse_dim():
        raise _errors.sparse_intersection_shapes()
    a, b = a.detach().coalesce(), b.detach().coalesce()
    xp = a._values_t._device._backend.xp
    shape = tuple(a.shape[:a.sparse_dim()])
    keys_a = xp.ravel_multi_index(tuple(a._indices_t._data), shape)
    keys_b = xp.ravel_multi_index(tuple(b._indices_t._data), shape)
    pos = xp.minimum(xp.searchsorted(keys_a, keys_b), max(keys_a.size - 1, 0))
    hit = keys_a[pos] == keys_b if keys_a.size else xp.zeros(keys_b.shape, dtype=bool)
    in_a = _make(pos[hit].astype(xp.int64), _int64, a._device)
    in_b = _make(xp.nonzero(hit)[0].astype(xp.int64), _int64, a._device)
    values = a._values_t.index_select(0, in_a) * b._values_t.index_select(0, in_b)
    return _new_sparse(a._indices_t.index_select(1, in_a), values, a.shape, True)


def _mul_backward(node, g):
    a, b = node.saved()
    need = [f is not None for f, _ in node.next_functions]
    ga = _grad_to(g * b, a) if need[0] else None
    gb = _grad_to(g * a, b) if need[1] else None
    return ga, gb


def _grad_to(g, t):
    """``g`` as the gradient of ``t``: reduced over the dims ``t`` was broadcast along."""
    if tuple(g.shape) == tuple(t.shape):
        return g
    return sum_to(_dense_operand(g), tuple(t.shape))


_MulTensors = node_class("MulBackward0", _mul_backward)


def _neg(s):
    return _scale(s, -1, _NegNode)


def _transpose(s, dim0, dim1, node=None):
    nd = s.dim()
    d0, d1 = dim0 % nd, dim1 % nd
    sd = s.sparse_dim()
    if (d0 < sd) != (d1 < sd) or d0 >= sd:
        raise _errors.sparse_backend_not_implemented("transpose.int")
    order = list(range(sd))
    order[d0], order[d1] = order[d1], order[d0]
    shape = list(s.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    out = _new_sparse(s._indices_t[order], s._values_t, shape, False)
    if needs_grad(s):
        record(out, node or _TransposeNode, (s,), (), (d0, d1))
    return out


_TransposeNode = node_class("TransposeBackward0",
                            lambda node, g: (g.transpose(*node._args),))
_TNode = node_class("TBackward0", lambda node, g: (g.t(),))


def _t(s):
    return _transpose(s, 0, 1, _TNode) if s.dim() == 2 else s


# Zero-preserving element-wise ops that torch computes on a sparse tensor's (coalesced) values.
_VALUE_OPS = ("abs", "asin", "asinh", "atan", "atanh", "ceil", "deg2rad", "erf", "erfinv",
              "expm1", "floor", "frac", "log1p", "rad2deg", "relu", "round", "sgn", "sign",
              "sin", "sinh", "sqrt", "square", "tan", "tanh", "trunc", "signbit", "isnan",
              "nan_to_num")


def _on_values(name):
    """The sparse form of the dense op ``name``: applied to the coalesced values, the pattern
    kept; its node takes the dense op's name (``SinBackward0``) and backward runs the dense
    op's own backward on the values."""
    def op(s, *args, **kwargs):
        c = s.detach().coalesce()
        values = getattr(c._values_t, name)(*args, **kwargs)
        out = _new_sparse(c._indices_t, values, s.shape, True)
        if needs_grad(s) and values.dtype.is_floating_point:
            probe = getattr(c._values_t[:0].requires_grad_(), name)(*args, **kwargs)
            if probe.grad_fn is not None:
                record(out, _value_node(type(probe.grad_fn).__name__), (s,), (),
                       (c, name, args, kwargs))
        return out
    op.__name__ = name
    return op


def _value_op_backward(node, g):
    from ..autograd import grad
    c, name, args, kwargs = node._args
    values = c._values_t.detach().requires_grad_()
    with enable_grad():
        out = getattr(values, name)(*args, **kwargs)
        (gv,) = grad(out, values, _values_at(g, c._indices_t), create_graph=needs_grad(g))
    return (_differentiable(c._indices_t, gv, c.shape, True),)


_value_nodes = {}


def _value_node(node_name):
    cls = _value_nodes.get(node_name)
    if cls is None:
        cls = _value_nodes[node_name] = node_class(node_name, _value_op_backward)
    return cls


def _detach(s):
    return _new_sparse(s._indices_t, s._values_t, s.shape, s._coalesced)


def _clone(s, *, memory_format=None):
    out = _new_sparse(s._indices_t.clone(), s._values_t.clone(), s.shape, s._coalesced)
    if needs_grad(s):
        record(out, _CloneNode, (s,))
    return out


_CloneNode = node_class("CloneBackward0", lambda node, g: (g,))


def _to(s, *args, **kwargs):
    vals = s._values_t.to(*args, **kwargs)
    if vals is s._values_t:
        return s
    out = _new_sparse(s._indices_t.to(vals._device), vals, s.shape, s._coalesced)
    if needs_grad(s):
        record(out, _ToCopyNode, (s,), (), s._dtype)
    return out


_ToCopyNode = node_class("ToCopyBackward0", lambda node, g: (g.to(node._args),))


def _sum(s, dim=None, keepdim=False, *, dtype=None):
    if keepdim:
        raise _errors.sparse_backend_not_implemented("sum.dim_IntList")
    return sparse_sum(s, dim, dtype)


def _matmul(a, b):
    if a.dim() != 2 or (b.layout is sparse_coo and b.dim() != 2):
        raise _errors.sparse_backend_not_implemented("matmul")
    return _mm(a, b)


def _reshape(s, *shape):
    raise _errors.sparse_reshape()


# Tensor methods and properties that only read the shape, dtype, device or autograd fields.
def _no_storage(s):
    raise _errors.sparse_no_storage()


_PASS_THROUGH = ("size", "dim", "ndimension", "numel", "nelement", "element_size",
                 "is_floating_point", "is_complex", "is_signed", "requires_grad_",
                 "retain_grad", "register_hook", "backward", "get_device", "__len__", "type_as",
                 "item")


def _stride(s, dim=None):
    """torch's strides of a sparse tensor: zeros."""
    return (0,) * s.dim() if dim is None else 0

_HANDLERS = {
    "mm": _mm, "matmul": _matmul, "__matmul__": _matmul, "addmm": _addmm,
    "add": _add, "__add__": _add, "__radd__": lambda a, b: _add(b, a),
    "sub": _sub, "__sub__": _sub,
    "mul": _mul, "__mul__": _mul, "__rmul__": _mul, "neg": _neg, "__neg__": _neg,
    "negative": _neg, "t": _t, "transpose": _transpose, "sum": _sum, "detach": _detach,
    "clone": _clone, "to": _to, "reshape": _reshape,
    "double": lambda s: _to(s, D.float64), "float": lambda s: _to(s, D.float32),
    "cpu": lambda s: _to(s, "cpu"), "cuda": lambda s, device=None, **kw: _to(s, device or "cuda"),
    "T": _t, "mT": lambda s: _transpose(s, -2, -1), "data": _detach,
    "data_ptr": _no_storage, "untyped_storage": _no_storage, "stride": _stride,
    "storage_offset": lambda s: 0, "is_contiguous": lambda s, memory_format=None: False,
    "to_dense": to_dense, "to_sparse": to_sparse, "sparse_mm": sparse_mm,
    **{name: _on_values(name) for name in _VALUE_OPS},
}


_functions_routed = []


def _route_functions():
    """Switch on the binding layer that sends the public functions with sparse handlers to
    them when a sparse tensor is among their first two arguments."""
    from . import _bindings
    from ._core import OPS
    routed = {OPS[name].fn: _HANDLERS[name] for name in _HANDLERS if name in OPS}

    def wrap(inner, original):
        handler = routed[original]

        @functools.wraps(original)
        def public(*args, **kwargs):
            for a in args[:2]:
                if a.__class__ is SparseTensor:
                    return handler(*args, **kwargs)
            return inner(*args, **kwargs)
        return public
    _functions_routed.append(True)
    _bindings.register_layer("sparse", -2, lambda: routed, wrap)
    _bindings.set_active("sparse", True)


_names = {}


def _name_of(func):
    """The op or Tensor attribute name of a function ``__torch_function__`` receives."""
    from . import _bindings
    from ._core import OPS
    if not _names:
        for name, value in vars(Tensor).items():
            if isinstance(value, property):
                _names[value] = name
        for name, value in vars(Tensor).items():
            if callable(value) and not isinstance(value, type):
                _names.setdefault(value, name)
        for op in OPS.values():
            _names[op.fn] = op.name
            if op.inplace is not None:
                _names[op.inplace] = op.name + "_"
    prop = getattr(func, "__self__", None)
    if isinstance(prop, property):
        return _names.get(prop), True
    func = _bindings.original(func)
    return _names.get(func, getattr(func, "__name__", "?")), False


_IN_PLACE_OPERATORS = {"iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "iand",
                       "ior", "ixor", "ilshift", "irshift", "imatmul"}
_OPERATOR_OPS = {"truediv": "div", "truediv_": "div_", "getitem": "index.Tensor",
                 "setitem": "index_put_", "invert": "bitwise_not", "and": "bitwise_and",
                 "or": "bitwise_or", "xor": "bitwise_xor", "mod": "remainder"}


def _aten_name(name):
    """The aten op behind a Tensor operator (``__iadd__`` -> ``add_``), for error messages."""
    if not (name.startswith("__") and name.endswith("__")):
        return name
    core = name[2:-2]
    if core in _IN_PLACE_OPERATORS:
        core = core[1:] + "_"
    return _OPERATOR_OPS.get(core, core)


def _lookup(func):
    """(handler, name) for ``func``: the sparse implementation, the pass-through, or None and
    the aten name to report."""
    name, is_property = _name_of(func)
    handler = _HANDLERS.get(name)
    if handler is not None:
        return handler, name
    if is_property or name in _PASS_THROUGH:
        return func, name
    return None, _aten_name(name)


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
