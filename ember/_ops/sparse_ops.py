"""The ops on sparse COO tensors (``ember._ops.sparse``): products with dense operands,
sums, entrywise arithmetic, transposes and the zero-preserving element-wise ops on the values.
Forward on the indices / values through the backend; each records torch's node, whose backward
is written in ember ops (sparse ones included)."""
from .. import _dtype as D
from .. import _errors
from .._layout import sparse_coo, strided
from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import node_class
from ._core import needs_grad, record, sum_to
from .sparse import coalesced_indices, new_sparse, sparse_with_grad, values_at

_int64 = D.int64


def dense_operand(t):
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
    indices = coalesced_indices(s)
    rows, cols = indices.unbind(0)
    vals = (g[rows] * d[cols]).sum(-1)
    return sparse_with_grad(indices, vals, s.shape, True)


def _dense_grad(g, d):
    """The dense gradient of the sparse factor of s @ d: g d^T (an outer product for a vector)."""
    return g.unsqueeze(-1) * d.unsqueeze(0) if d.dim() == 1 else g @ d.t()


def _addmm_backward(node, g, sparse_grad):
    """(input, sparse, dense) gradients of beta * input + alpha * sparse @ dense; the sparse
    factor's is sparse (its own entries) for torch.sparse.addmm, dense for torch.addmm."""
    s, d = node.saved()
    beta, alpha, shape = node._args
    need = [f is not None for f, _ in node.next_functions]
    gs = (_masked_grad(s, g, d) if sparse_grad else _dense_grad(g, d)) if need[1] else None
    return (sum_to(g * beta, shape) if need[0] else None, gs * alpha if need[1] else None,
            mm(s.t(), g) * alpha if need[2] else None)


def _mm_backward(node, g):
    s, d = node.saved()
    need = [f is not None for f, _ in node.next_functions]
    return _dense_grad(g, d) if need[0] else None, mm(s.t(), g) if need[1] else None


def _mm_dense_sparse_backward(node, g):
    d, s = node.saved()
    need = [f is not None for f, _ in node.next_functions]
    return mm(s, g.t()).t() if need[0] else None, d.t() @ g if need[1] else None


_SparseAddmm = node_class("SparseAddmmBackward0", lambda node, g: _addmm_backward(node, g, True))
_Addmm = node_class("AddmmBackward0", lambda node, g: _addmm_backward(node, g, False))
_Mm = node_class("MmBackward0", _mm_backward)
_Mv = node_class("MvBackward0", _mm_backward)
_MmDenseSparse = node_class("MmBackward0", _mm_dense_sparse_backward)


def mm(a, b):
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
        out = _mm_values(transpose(b.detach(), 0, 1), a.t()).t()
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


def sparse_addmm(mat, mat1, mat2, *, beta=1, alpha=1):
    """``torch.sparse.addmm``: beta * mat + alpha * (mat1 @ mat2), mat1 sparse (``mat`` None:
    the product alone, for ``sparse.mm``)."""
    if mat2.layout is sparse_coo:       # sparse @ sparse (a sparse result in torch)
        raise _errors.sparse_backend_not_implemented("_sparse_sparse_matmul")
    _check_mm(mat1, mat2)
    prod = _mm_values(mat1, mat2)._data * alpha
    if mat is not None:
        prod = prod + beta * mat._data
    out = _make(prod, D.promote_types(mat1._dtype, mat2._dtype), mat2._device)
    if needs_grad(mat, mat1, mat2):
        shape = None if mat is None else mat.shape
        record(out, _SparseAddmm, (mat, mat1, mat2), (mat1, mat2), (beta, alpha, shape))
    return out


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
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
    out = new_sparse(idx, summed, shape, False).coalesce()
    out = new_sparse(out._indices_t, out._values_t, shape, True)
    if needs_grad(input):
        record(out, _SparseSum, (input,), (), (input, dims))
    return out


def _sum_all_backward(node, g):
    s = node._args
    indices = coalesced_indices(s)
    vals = g.expand((indices.shape[1],) + tuple(s._values_t.shape[1:]))
    return (sparse_with_grad(indices, vals, s.shape, True),)


def _sparse_sum_backward(node, g):
    s, dims = node._args
    dense = dense_operand(g)
    for d in dims:
        dense = dense.unsqueeze(d)
    indices = coalesced_indices(s)
    return (sparse_with_grad(indices, values_at(dense.expand(s.shape), indices), s.shape, True),)


_SumAll = node_class("SumBackward0", _sum_all_backward)
_SparseSum = node_class("SparseSumBackward0", _sparse_sum_backward)


def add(a, b, *, alpha=1):
    """sparse + sparse (sparse), dense + sparse (dense); sparse + dense is torch's error."""
    if a.layout is sparse_coo and not (isinstance(b, Tensor) and b.layout is sparse_coo):
        raise _errors.sparse_add_dense()
    if tuple(a.shape) != tuple(b.shape):
        raise _errors.sparse_add_size_mismatch(a.shape, b.shape)
    if a.layout is strided:
        return a + dense_operand(b) * alpha
    if a.sparse_dim() != b.sparse_dim():
        raise _errors.sparse_density_mismatch(a.sparse_dim(), b.sparse_dim())
    from .shape import cat
    dt = D.promote_types(a._dtype, b._dtype)
    vals = cat([a._values_t.to(dt), b._values_t.to(dt) * alpha])
    indices = cat([a._indices_t, b._indices_t], 1)
    out = new_sparse(indices, vals.detach(), a.shape, False).coalesce()
    out = new_sparse(out._indices_t, out._values_t, a.shape, True)
    if needs_grad(a, b):
        record(out, _AddNode, (a, b), (), alpha)
    return out


def sub(a, b, *, alpha=1):
    return add(a, b, alpha=-alpha)


_AddNode = node_class("AddBackward0", lambda node, g: (g, g * node._args))


def _scale(s, c, node):
    """A sparse tensor times the number ``c`` (its pattern kept)."""
    out = new_sparse(s._indices_t, s._values_t * c, s.shape, s._coalesced)
    if needs_grad(s):
        record(out, node, (s,), (), c)
    return out


_MulNode = node_class("MulBackward0", lambda node, g: (g * node._args,))
_NegNode = node_class("NegBackward0", lambda node, g: (-g,))


def mul(a, b):
    """sparse * number, sparse * dense (broadcast to the sparse shape: the sparse pattern is
    kept) and sparse * sparse (the intersection of the patterns)."""
    s, c = (a, b) if isinstance(a, Tensor) and a.layout is sparse_coo else (b, a)
    if not isinstance(c, Tensor):
        return _scale(s, c, _MulNode)
    if c.layout is strided:
        dense = c.expand(s.shape)
        out = new_sparse(s._indices_t, s._values_t * values_at(dense.detach(),
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
    return new_sparse(a._indices_t.index_select(1, in_a), values, a.shape, True)


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
    return sum_to(dense_operand(g), tuple(t.shape))


_MulTensors = node_class("MulBackward0", _mul_backward)


def neg(s):
    return _scale(s, -1, _NegNode)


def transpose(s, dim0, dim1, node=None):
    nd = s.dim()
    d0, d1 = dim0 % nd, dim1 % nd
    sd = s.sparse_dim()
    if (d0 < sd) != (d1 < sd) or d0 >= sd:
        raise _errors.sparse_backend_not_implemented("transpose.int")
    order = list(range(sd))
    order[d0], order[d1] = order[d1], order[d0]
    shape = list(s.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    out = new_sparse(s._indices_t[order], s._values_t, shape, False)
    if needs_grad(s):
        record(out, node or _TransposeNode, (s,), (), (d0, d1))
    return out


_TransposeNode = node_class("TransposeBackward0",
                            lambda node, g: (g.transpose(*node._args),))
_TNode = node_class("TBackward0", lambda node, g: (g.t(),))


def t(s):
    return transpose(s, 0, 1, _TNode) if s.dim() == 2 else s


# Zero-preserving element-wise ops that torch computes on a sparse tensor's (coalesced) values.
VALUE_OPS = ("abs", "asin", "asinh", "atan", "atanh", "ceil", "deg2rad", "erf", "erfinv",
              "expm1", "floor", "frac", "log1p", "rad2deg", "relu", "round", "sgn", "sign",
              "sin", "sinh", "sqrt", "square", "tan", "tanh", "trunc", "signbit", "isnan",
              "nan_to_num")


def on_values(name):
    """The sparse form of the dense op ``name``: applied to the coalesced values, the pattern
    kept; its node takes the dense op's name (``SinBackward0``) and backward runs the dense
    op's own backward on the values."""
    def op(s, *args, **kwargs):
        c = s.detach().coalesce()
        values = getattr(c._values_t, name)(*args, **kwargs)
        out = new_sparse(c._indices_t, values, s.shape, True)
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
        (gv,) = grad(out, values, values_at(g, c._indices_t), create_graph=needs_grad(g))
    return (sparse_with_grad(c._indices_t, gv, c.shape, True),)


_value_nodes = {}


def _value_node(node_name):
    cls = _value_nodes.get(node_name)
    if cls is None:
        cls = _value_nodes[node_name] = node_class(node_name, _value_op_backward)
    return cls


def detach(s):
    return new_sparse(s._indices_t, s._values_t, s.shape, s._coalesced)


def zero_(s):
    """In place: every entry dropped (an empty, coalesced tensor of the same shape)."""
    idx, vals = s._indices_t, s._values_t
    s._indices_t = _make(idx._data[:, :0].copy(), _int64, idx._device)
    s._values_t = _make(vals._data[:0].copy(), vals._dtype, vals._device)
    s._coalesced = True
    s._vc[0] += 1
    return s


def clone(s, *, memory_format=None):
    out = new_sparse(s._indices_t.clone(), s._values_t.clone(), s.shape, s._coalesced)
    if needs_grad(s):
        record(out, _CloneNode, (s,))
    return out


_CloneNode = node_class("CloneBackward0", lambda node, g: (g,))


def to(s, *args, **kwargs):
    vals = s._values_t.to(*args, **kwargs)
    if vals is s._values_t:
        return s
    out = new_sparse(s._indices_t.to(vals._device), vals, s.shape, s._coalesced)
    if needs_grad(s):
        record(out, _ToCopyNode, (s,), (), s._dtype)
    return out


_ToCopyNode = node_class("ToCopyBackward0", lambda node, g: (g.to(node._args),))


def sum_method(s, dim=None, keepdim=False, *, dtype=None):
    if keepdim:
        raise _errors.sparse_backend_not_implemented("sum.dim_IntList")
    return sparse_sum(s, dim, dtype)


def matmul(a, b):
    if a.dim() != 2 or (b.layout is sparse_coo and b.dim() != 2):
        raise _errors.sparse_backend_not_implemented("matmul")
    return mm(a, b)


def reshape(s, *shape):
    raise _errors.sparse_reshape()
