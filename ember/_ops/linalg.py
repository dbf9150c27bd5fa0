"""Linear algebra: matrix products (mm/bmm/mv/dot/matmul and the ``add*`` fused forms),
contractions (einsum, tensordot, kron) and the ``torch.linalg`` factorizations and solvers.

Forward runs on the backend's BLAS/LAPACK (``xp.matmul`` / ``xp.linalg``); float16/bfloat16
products are computed in float32 and cast back.  Backward formulas are written with ember ops
so that double backward works.  ``matmul`` with autograd builds the same graph as PyTorch
(dot / mv / mm / folded mm / expanded bmm + ``_unsafe_view``); without autograd it is a single
``xp.matmul`` call.
"""
import math

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class, set_output, save_output
from ..return_types import _structseq
from ._core import (register, set_autocast,
                    record, _grad, write_out, inplace, grad_for, check_same_device,
                    check_scalar_arg)

_ndarray = np.ndarray
_f32 = np.float32

linalg_svd_t = _structseq("linalg_svd", ("U", "S", "Vh"))
svd_t = _structseq("svd", ("U", "S", "V"))
linalg_slogdet_t = _structseq("linalg_slogdet", ("sign", "logabsdet"))
slogdet_t = _structseq("slogdet", ("sign", "logabsdet"))
linalg_qr_t = _structseq("linalg_qr", ("Q", "R"))
qr_t = _structseq("qr", ("Q", "R"))
linalg_eigh_t = _structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_lstsq_t = _structseq("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


# ---- small helpers ------------------------------------------------------------------------
def _grad_needed(*ts):
    if not _grad[0]:
        return False
    for t in ts:
        if t is not None and t._requires_grad:
            return True
    return False


def _lowp(dt):
    return dt is D.float16 or dt is D.bfloat16


def _prod_arr(a, b, dt):
    """``a @ b`` on arrays of dtype ``dt`` (half precision through float32)."""
    if _lowp(dt):
        return np.asarray(np.matmul(a.astype(_f32), b.astype(_f32))).astype(dt.np)
    r = np.matmul(a, b)
    return r if r.__class__ is _ndarray else np.asarray(r)


def _mT(x):
    """Conjugate transpose of the last two dims (plain transpose for real tensors)."""
    x = x.transpose(-2, -1)
    return x.conj() if x._dtype.is_complex else x


def _conj(x):
    return x.conj() if x._dtype.is_complex else x


def _eye_like(x, n, m=None):
    xp = x._device._backend.xp
    return _make(xp.eye(n, n if m is None else m, dtype=x._dtype.np), x._dtype, x._device)


def _diag_embed(v):
    """A batch of diagonal matrices from the last dim of ``v`` (differentiable)."""
    return v.unsqueeze(-1) * _eye_like(v, v._data.shape[-1])


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _check_float(name, t):
    if t._dtype.category < 2:
        raise _errors.linalg_float_expected(name, t._dtype)


def _check_square(name, t):
    s = t._data.shape
    if len(s) < 2:
        raise _errors.linalg_min_2d(name)
    if s[-1] != s[-2]:
        raise _errors.linalg_not_square(name, s[-2], s[-1])


def _result(res, out):
    return res if out is None else write_out(out, res)


def _reshape_node(name):
    """A node for a reshape of an op's fresh output (``_unsafe_view``, in-place ``squeeze_``)."""
    return node_class(name, lambda node, g: (g.reshape(node._args),))


UnsafeViewBackward0 = _reshape_node("UnsafeViewBackward0")
SqueezeBackward4 = _reshape_node("SqueezeBackward4")


def _reshaped(t, shape, cls=UnsafeViewBackward0):
    res = _make(t._data.reshape(shape), t._dtype, t._device)
    if _grad[0] and t._requires_grad:
        record(res, cls, (t,), (), t._data.shape)
    return res


# ---- products: mm, bmm, mv, dot, vdot -----------------------------------------------------
def _mm_arr(a, b, op="mm"):
    """The product array of ``a @ b``; ``op`` (here and in the other ``_*_arr``) names the
    operation being checked, for the wording of PyTorch's messages."""
    x, y = a._data, b._data
    if x.ndim != 2:
        raise _errors.mm_not_matrix(op, 0, x.ndim)
    if y.ndim != 2:
        raise _errors.mm_not_matrix(op, 1, y.ndim)
    if x.shape[1] != y.shape[0]:
        raise _errors.mm_shape(x.shape, y.shape)
    dt = a._dtype
    if dt is not b._dtype:
        if op == "addmm":
            raise _errors.addmm_mat_dtype(dt, b._dtype)
        raise _errors.mm_dtype(dt, b._dtype)
    if dt is D.bool_:
        raise _errors.kernel_not_implemented("addmm_impl_cpu_", dt)
    if a._device is not b._device:
        check_same_device(a, b)
    return _prod_arr(x, y, dt)


def _bmm_arr(a, b, op="bmm"):
    x, y = a._data, b._data
    if x.ndim != 3:
        raise _errors.bmm_not_3d("batch1")
    if y.ndim != 3:
        raise _errors.bmm_not_3d("batch2")
    if y.shape[:2] != (x.shape[0], x.shape[2]):
        raise _errors.bmm_batch2_size(x.shape, y.shape)
    if a._dtype is not b._dtype:
        raise _errors.scalar_type_mismatch(a._dtype, b._dtype)
    if a._dtype is D.bool_:
        raise _errors.kernel_not_implemented(op, a._dtype)
    return _prod_arr(x, y, a._dtype)


def _mv_arr(a, v, op="mv"):
    x, y = a._data, v._data
    if x.ndim != 2 or y.ndim != 1:
        raise _errors.mv_dims(x.ndim, y.ndim)
    if x.shape[1] != y.shape[0]:
        raise _errors.mv_size(x.shape, y.shape[0])
    if a._dtype is not v._dtype:
        raise _errors.addmv_dtype(a._dtype, v._dtype)
    if a._dtype is D.bool_:
        raise _errors.kernel_not_implemented("addmv_impl_cpu", a._dtype)
    return _prod_arr(x, y, a._dtype)


def _dot_check(a, b, name):
    x, y = a._data, b._data
    if x.ndim != 1 or y.ndim != 1:
        raise _errors.dot_dims(x.ndim, y.ndim)
    if x.shape[0] != y.shape[0]:
        raise _errors.dot_size(x.shape[0], y.shape[0])
    if a._dtype is not b._dtype:
        raise _errors.dot_dtype(name, a._dtype, b._dtype)
    if a._dtype is D.bool_:
        raise _errors.kernel_not_implemented(name, a._dtype)
    return x, y


def _mm_grads(node, g, product):
    """Gradients of ``product(a, b)`` (mm or bmm) for the two saved factors."""
    a, b = node.saved()
    ga = product(g, _mT(b)) if node.next_functions[0][0] is not None else None
    gb = product(_mT(a), g) if node.next_functions[1][0] is not None else None
    return ga, gb


MmBackward0 = node_class("MmBackward0", lambda node, g: _mm_grads(node, g, mm))
BmmBackward0 = node_class("BmmBackward0", lambda node, g: _mm_grads(node, g, bmm))


def _mv_bwd(node, g):
    a, v = node.saved()
    ga = outer(g, _conj(v)) if node.next_functions[0][0] is not None else None
    gv = mv(_mT(a), g) if node.next_functions[1][0] is not None else None
    return ga, gv


def _dot_bwd(node, g):
    a, b = node.saved()
    ga = g * _conj(b) if node.next_functions[0][0] is not None else None
    gb = g * _conj(a) if node.next_functions[1][0] is not None else None
    return ga, gb


def _vdot_bwd(node, g):
    a, b = node.saved()
    ga = _conj(g) * b if node.next_functions[0][0] is not None else None
    gb = g * a if node.next_functions[1][0] is not None else None
    return ga, gb


MvBackward0 = node_class("MvBackward0", _mv_bwd)
DotBackward0 = node_class("DotBackward0", _dot_bwd)
VdotBackward0 = node_class("VdotBackward0", _vdot_bwd)


def _binary_product(arr_fn, cls, a, b, out):
    res = _make(arr_fn(a, b), a._dtype, a._device)
    if _grad[0] and (a._requires_grad or b._requires_grad):
        record(res, cls, (a, b), (a, b))
    return res if out is None else write_out(out, res)


@register("mm", autocast="lower_precision_fp", nodes=("MmBackward0",), out=True)
def mm(input, mat2, *, out=None):
    return _binary_product(_mm_arr, MmBackward0, input, mat2, out)


@register("bmm", autocast="lower_precision_fp", nodes=("BmmBackward0",), out=True)
def bmm(input, mat2, *, out=None):
    return _binary_product(_bmm_arr, BmmBackward0, input, mat2, out)


@register("mv", autocast={"cuda": "lower_precision_fp"}, nodes=("MvBackward0",), out=True)
def mv(input, vec, *, out=None):
    return _binary_product(_mv_arr, MvBackward0, input, vec, out)


def _dot_arr(a, b):
    x, y = _dot_check(a, b, "dot")
    return _prod_arr(x, y, a._dtype)


def _vdot_arr(a, b):
    x, y = _dot_check(a, b, "vdot")
    return _prod_arr(x.conj() if a._dtype.is_complex else x, y, a._dtype)


@register("dot", autocast={"cuda": "promote"}, nodes=("DotBackward0",), out=True)
def dot(input, tensor, *, out=None):
    return _binary_product(_dot_arr, DotBackward0, input, tensor, out)


@register("vdot", autocast={"cuda": "promote"}, nodes=("VdotBackward0",), out=True)
def vdot(input, other, *, out=None):
    return _binary_product(_vdot_arr, VdotBackward0, input, other, out)


# ---- matmul -------------------------------------------------------------------------------
@register("matmul", autocast="lower_precision_fp",
          nodes=("DotBackward0", "MvBackward0", "MmBackward0", "BmmBackward0",
                           "UnsafeViewBackward0", "SqueezeBackward4", "CloneBackward0"),
          out=True)
def matmul(input, other, *, out=None):
    x, y = input._data, other._data
    if x.ndim == 2 and y.ndim == 2:
        return _binary_product(_mm_arr, MmBackward0, input, other, out)
    dt = input._dtype
    if (dt is other._dtype and dt is not D.bool_ and x.ndim and y.ndim
            and not (_grad[0] and (input._requires_grad or other._requires_grad))
            and input._device is other._device):
        try:
            r = _prod_arr(x, y, dt)
        except ValueError:
            pass                        # mismatched shapes: the graph path raises torch's error
        else:
            return _result(_make(r, dt, input._device), out)
    return _result(_matmul_graph(input, other), out)


def _matmul_graph(t1, t2):
    """PyTorch's ``_matmul_impl``: the same sequence of differentiable ops (so the same graph)."""
    d1, d2 = t1._data.ndim, t2._data.ndim
    if d1 == 0 or d2 == 0:
        raise _errors.matmul_0d(d1, d2)
    if d1 == 1 and d2 == 1:
        return dot(t1, t2)
    if d1 == 2 and d2 == 1:
        return mv(t1, t2)
    if d1 == 1 and d2 == 2:
        return _reshaped(mm(t1.unsqueeze(0), t2), (t2._data.shape[1],), SqueezeBackward4)
    if _should_fold(t1, t2):
        return _matmul_folded(t1, t2)
    return _matmul_batched(t1, t2)


def _should_fold(t1, t2):
    """Whether the batch of the larger operand can be folded into one mm/mv (torch's rule)."""
    d1, d2 = t1._data.ndim, t2._data.ndim
    larger = d1 >= d2
    dl, ds = (d1, d2) if larger else (d2, d1)
    if dl < 3 or ds > 2:
        return False
    if (t2 if larger else t1)._requires_grad:
        return True
    if d1 == 2:
        return False
    big = t1._data if larger else t2._data
    if big.size == 0:
        return True
    shape, strides = list(big.shape), list(big.strides)
    if not larger:
        shape[-2:], strides[-2:] = shape[:-3:-1], strides[:-3:-1]
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(dl - 2))


def _matmul_folded(t1, t2):
    transpose = t2._data.ndim > t1._data.ndim
    a = t2.mT if transpose else t1
    b = (t1.t() if t1._data.ndim == 2 else t1) if transpose else t2
    sizes = a._data.shape
    out_shape = sizes[:-1]
    a = a.reshape(_prod(out_shape), sizes[-1])
    if b._data.ndim == 1:
        return _reshaped(mv(a, b), out_shape)
    r = _reshaped(mm(a, b), out_shape + (b._data.shape[1],))
    return r.mT.contiguous() if transpose else r


def _matmul_batched(t1, t2):
    s1, s2 = t1._data.shape, t2._data.shape
    d1, d2 = len(s1), len(s2)
    n = s1[-2] if d1 > 1 else 1
    m1 = s1[-1]
    m2 = s2[-2] if d2 > 1 else s2[0]
    p = s2[-1] if d2 > 1 else 1
    b1, b2 = s1[:max(d1 - 2, 0)], s2[:max(d2 - 2, 0)]
    try:
        batch = np.broadcast_shapes(b1, b2)
    except ValueError:
        raise _errors.broadcast_mismatch(b1, b2) from None
    nb = _prod(batch)
    e1 = t1.expand(batch + (n, m1)).reshape(nb, n, m1)
    out_shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    if d2 == 1:
        e2 = t2.expand(batch + (m2,)).reshape(nb, m2).unsqueeze(2)
        return _reshaped(bmm(e1, e2).squeeze(-1), out_shape)
    e2 = t2.expand(batch + (m2, p)).reshape(nb, m2, p)
    return _reshaped(bmm(e1, e2), out_shape)


def _matmul_op(self, other):
    return matmul(self, other)


def _rmatmul_op(self, other):
    return matmul(other, self)


Tensor.__matmul__ = _matmul_op
Tensor.__rmatmul__ = _rmatmul_op
Tensor.__imatmul__ = inplace(matmul)


# ---- fused add-products: addmm, addmv, addr, baddbmm, addbmm --------------------------------
def _scalar_for(dt, v):
    """A Python scalar factor as the result dtype takes it: integral results truncate a float
    (as torch's cast does) and bool results take its truth value."""
    if dt is D.bool_:
        return bool(v)
    return int(v) if dt.category == 1 and isinstance(v, float) else v


def _scaled_add(p, input, beta, alpha):
    """``beta * input + alpha * p`` into the fresh product array ``p`` (in place)."""
    if alpha != 1:
        p *= alpha
    if beta == 0:
        return p
    c = input._data
    if c.dtype != p.dtype:
        c = c.astype(p.dtype)
    if beta != 1:
        c = c * beta
    try:
        if c.shape == p.shape or np.broadcast_shapes(c.shape, p.shape) == p.shape:
            p += c
            return p
    except ValueError:
        pass
    input.expand(p.shape)               # raises PyTorch's expand error
    raise _errors.broadcast_mismatch(c.shape, p.shape)


def _promoted(t, dt):
    """``t`` cast to ``dt`` outside autograd (the node keeps the original)."""
    return t if t._dtype is dt else _make(t._data.astype(dt.np), dt, t._device)


def _as_dtype(t, dt):
    """``t`` (or None) cast to ``dt`` in autograd: addr's gradients come in the promoted dtype."""
    return t if t is None or t._dtype is dt else t.to(dt)


def _addop(name, node_name, product_arr, grads, promote=False):
    """Define ``name(input, a, b, *, beta=1, alpha=1)`` = beta*input + alpha*product(a, b).

    ``grads(g, a, b, need_a, need_b)`` gives the product's input gradients.  ``input`` must
    have the factors' dtype, except with ``promote`` (addr), where the three are promoted."""
    def backward(node, g):
        a, b = node.saved()
        shape, dt, beta, alpha = node._args
        nf = node.next_functions
        gi = grad_for(g * beta if beta != 1 else g, shape, dt) if nf[0][0] is not None else None
        ga, gb = grads(g * alpha if alpha != 1 else g, _as_dtype(a, g._dtype),
                       _as_dtype(b, g._dtype), nf[1][0] is not None, nf[2][0] is not None)
        return gi, _as_dtype(ga, a._dtype), _as_dtype(gb, b._dtype)

    cls = node_class(node_name, backward)

    def op(input, a, b, *, beta=1, alpha=1, out=None):
        pa, pb = a, b
        if promote:
            dt = D.result_type(input, a, b)
            check_scalar_arg(dt, beta, "beta")
            check_scalar_arg(dt, alpha, "alpha")
            pa, pb = _promoted(a, dt), _promoted(b, dt)
        elif input._dtype is not a._dtype or a._dtype is not b._dtype:
            raise _errors.addmm_dtype(name, input._dtype, a._dtype, b._dtype)
        p = product_arr(pa, pb, name)
        dt = pa._dtype
        if p.base is not None or not p.flags.writeable:
            p = p.copy()
        if dt.category < 2:
            beta, alpha = _scalar_for(dt, beta), _scalar_for(dt, alpha)
        res = _make(_scaled_add(p, input, beta, alpha), dt, a._device)
        if _grad_needed(input, a, b):
            record(res, cls, (input, a, b), (a, b),
                   (input._data.shape, input._dtype, beta, alpha))
        return _result(res, out)

    op.__name__ = op.__qualname__ = name
    op_ = inplace(op)
    register(name, nodes=(node_name,), inplace=op_, out=True)(op)
    return op, op_


def _mm_pair(g, a, b, na, nb, product=None):
    product = product or mm
    ga = product(g, _mT(b)) if na else None
    if not nb:
        return ga, None
    if product is mm and _column_major(b._data):
        # Give mat2's gradient mat2's own layout, as PyTorch does: for Linear's ``W.t()`` the
        # gradient then arrives at W C-contiguous and AccumulateGrad can keep it without a copy.
        return ga, _mT(mm(_mT(g), a))
    return ga, product(_mT(a), g)


def _column_major(arr):
    return arr.ndim == 2 and arr.flags.f_contiguous and not arr.flags.c_contiguous


def _bmm_pair(g, a, b, na, nb):
    return _mm_pair(g, a, b, na, nb, bmm)


def _addbmm_pair(g, a, b, na, nb):
    g = g.unsqueeze(0).expand(a._data.shape[0], *g._data.shape)
    return _mm_pair(g, a, b, na, nb, bmm)


def _mv_pair(g, a, v, na, nv):
    return (outer(g, _conj(v)) if na else None), (mv(_mT(a), g) if nv else None)


def _outer_pair(g, u, v, nu, nv):
    return (mv(g, _conj(v)) if nu else None), (mv(_mT(g), _conj(u)) if nv else None)


def _outer_arr(u, v, op):
    x, y = u._data, v._data
    if x.ndim != 1:
        raise _errors.outer_not_vector(op, "vec1", x.ndim)
    if y.ndim != 1:
        raise _errors.outer_not_vector(op, "vec2", y.ndim)
    return np.multiply.outer(x, y)


def _addbmm_arr(a, b, op):
    x, y = a._data, b._data
    if x.ndim == 3 == y.ndim and y.shape[:2] != (x.shape[0], x.shape[2]):
        raise _errors.addbmm_sizes(x.shape, y.shape)
    return _bmm_arr(a, b, "addmm_impl_cpu_").sum(0)


addmm, addmm_ = _addop("addmm", "AddmmBackward0", _mm_arr, _mm_pair)
addmv, addmv_ = _addop("addmv", "AddmvBackward0", _mv_arr, _mv_pair)
addr, addr_ = _addop("addr", "AddrBackward0", _outer_arr, _outer_pair, promote=True)
baddbmm, baddbmm_ = _addop("baddbmm", "BaddbmmBackward0", _bmm_arr, _bmm_pair)
addbmm, addbmm_ = _addop("addbmm", "AddbmmBackward0", _addbmm_arr, _addbmm_pair)
for _name in ("addmm", "baddbmm", "addbmm"):
    set_autocast(_name, "lower_precision_fp")
for _name in ("addmv", "addr"):
    set_autocast(_name, {"cuda": "lower_precision_fp"})


# ---- outer, inner, tensordot, kron, trace, cross ----------------------------------------------
@register("outer", aliases=("ger",), nodes=("MulBackward0",), out=True)
def outer(input, vec2, *, out=None):
    if input._data.ndim != 1:
        raise _errors.outer_not_vector("outer", "self", input._data.ndim)
    if vec2._data.ndim != 1:
        raise _errors.outer_not_vector("outer", "vec2", vec2._data.ndim)
    return _result(input.reshape(input._data.shape[0], 1) * vec2, out)


@register("inner", nodes=("MulBackward0", "ViewBackward0"), out=True)
def inner(input, other, *, out=None):
    if input._data.ndim == 0 or other._data.ndim == 0:
        return _result(input * other, out)
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise _errors.inner_last_dim(sa, sb)
    return _result(tensordot(input, other, ([-1], [-1])), out)


def _dims_list(d):
    return [d] if isinstance(d, int) else list(d)


@register("tensordot", autocast={"cuda": "promote"}, nodes=("ViewBackward0",), out=True)
def tensordot(a, b, dims=2, out=None):
    """Permute the contracted dims together and contract with one ``mm`` (as PyTorch does)."""
    na, nbd = a._data.ndim, b._data.ndim
    if isinstance(dims, int):
        if dims < 0:
            raise _errors.tensordot_negative_dims(dims)
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        da, db = _dims_list(dims[0]), _dims_list(dims[1])
    if len(da) != len(db):
        raise _errors.tensordot_dims_length()
    sa, sb = a._data.shape, b._data.shape
    for x, y in zip(da, db):   # a size-1 dim broadcasts: the other side is summed over it
        if sb[y] == 1:
            a = a.sum(x, keepdim=True)
        elif sa[x] == 1:
            b = b.sum(y, keepdim=True)
        elif sa[x] != sb[y]:
            raise _errors.tensordot_contracted(sa[x], x, sb[y], y)
    sa, sb = a._data.shape, b._data.shape
    ca = [_wrap_dim(x, na) for x in da]
    cb = [_wrap_dim(y, nbd) for y in db]
    fa = [i for i in range(na) if i not in ca]
    fb = [i for i in range(nbd) if i not in cb]
    k = _prod(sa[i] for i in ca)
    left = a.permute(*fa, *ca).reshape(_prod(sa[i] for i in fa), k)
    right = b.permute(*cb, *fb).reshape(k, _prod(sb[i] for i in fb))
    shape = tuple(sa[i] for i in fa) + tuple(sb[i] for i in fb)
    return _result(mm(left, right).reshape(shape), out)


@register("kron", nodes=("UnsafeViewBackward0",), out=True)
def kron(input, other, *, out=None):
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    ia = sum(((s, 1) for s in sa), ())
    ib = sum(((1, s) for s in sb), ())
    r = input.reshape(ia) * other.reshape(ib)
    return _result(_reshaped(r, tuple(x * y for x, y in zip(sa, sb))), out)


def _trace_bwd(node, g):
    shape, dt = node._args
    n, m = shape
    eye = _make(np.eye(n, m, dtype=dt.np), dt, g._device)
    return (eye * g,)


TraceBackward0 = node_class("TraceBackward0", _trace_bwd)


@register("trace", autocast={"cpu": "fp32"}, nodes=("TraceBackward0",))
def trace(input):
    x = input._data
    if x.ndim != 2:
        raise _errors.trace_not_matrix(x.ndim)
    dt = input._dtype
    if dt is D.bool_:
        raise _errors.kernel_not_implemented("trace", dt)
    odt = D.int64 if dt.category < 2 else dt
    r = np.asarray(np.trace(x, dtype=_f32 if _lowp(dt) else odt.np)).astype(odt.np)
    res = _make(r, odt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, TraceBackward0, (input,), (), (x.shape, dt))
    return res


def _cross_bwd(node, g):
    a, b = node.saved()
    dim, ma, mb = node._args
    nf = node.next_functions
    ga = grad_for(linalg_cross(b, g, dim=dim), *ma) if nf[0][0] is not None else None
    gb = grad_for(linalg_cross(g, a, dim=dim), *mb) if nf[1][0] is not None else None
    return ga, gb


LinalgCrossBackward0 = node_class("LinalgCrossBackward0", _cross_bwd)


@register("linalg_cross", method=False, nodes=("LinalgCrossBackward0",), out=True, function=False)
def linalg_cross(input, other, *, dim=-1, out=None):
    x, y = input._data, other._data
    if x.ndim != y.ndim:
        raise _errors.cross_ndim()
    if input._dtype is not other._dtype:
        raise _errors.scalar_type_mismatch(input._dtype, other._dtype)
    d = _wrap_dim(dim, x.ndim)
    if x.shape[d] != 3 or y.shape[d] != 3:
        raise _errors.cross_length(dim, x.shape[d], y.shape[d])
    try:
        r = np.cross(x, y, axis=d)
    except ValueError:
        raise _errors.broadcast_mismatch(x.shape, y.shape) from None
    res = _make(np.asarray(r).astype(input._dtype.np, copy=False), input._dtype, input._device)
    if _grad_needed(input, other):
        record(res, LinalgCrossBackward0, (input, other), (input, other),
               (d, (x.shape, input._dtype), (y.shape, other._dtype)))
    return _result(res, out)


@register("cross", autocast={"cuda": "promote"}, nodes=("LinalgCrossBackward0",), out=True)
def cross(input, other, dim=None, *, out=None):
    if dim is None:
        import warnings
        warnings.warn(_errors.cross_default_dim_warning(), UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return linalg_cross(input, other, dim=dim, out=out)


# ---- chains and powers ------------------------------------------------------------------------
@register("linalg_multi_dot", autocast="lower_precision_fp",
          method=False, nodes=("ViewBackward0",), out=True, function=False)
def linalg_multi_dot(tensors, *, out=None):
    tensors = list(tensors)
    if len(tensors) < 2:
        raise _errors.multi_dot_count(len(tensors))
    first, last = tensors[0], tensors[-1]
    shape = (() if first._data.ndim == 1 else first._data.shape[:1]) + \
        (() if last._data.ndim == 1 else last._data.shape[1:])
    if first._data.ndim == 1:
        tensors[0] = first.unsqueeze(0)
    if last._data.ndim == 1:
        tensors[-1] = last.unsqueeze(1)
    r = tensors[0]
    for t in tensors[1:]:
        r = mm(r, t)
    return _result(r.view(shape), out)


@register("chain_matmul", autocast="lower_precision_fp",
          method=False, nodes=("ViewBackward0", "CloneBackward0"), out=True)
def chain_matmul(*matrices, out=None):
    if len(matrices) == 1:
        return _result(matrices[0].clone(), out)
    return linalg_multi_dot(matrices, out=out)


CopyBackwards = node_class("CopyBackwards", lambda node, g: (g * 0,))


def _eye_batch(t):
    s = t._data.shape
    eye = np.broadcast_to(np.eye(s[-1], dtype=t._dtype.np), s)
    return _make(eye, t._dtype, t._device)


@register("matrix_power", nodes=("MmBackward0", "CloneBackward0", "CopyBackwards"), out=True)
def matrix_power(input, n, *, out=None):
    _check_square("linalg.matrix_power", input)
    if n == 0:
        res = _eye_batch(input).clone()
        if _grad[0] and input._requires_grad:
            record(res, CopyBackwards, (input,))
        return _result(res, out)
    if n < 0:
        input = linalg_inv(input)
        n = -n
    if n == 1:
        return _result(input.clone(), out)
    result, base = None, input
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return _result(result, out)


# ---- inverse, determinants, solve ----------------------------------------------------------
def _inv_bwd(node, g):
    (y,) = node.saved()
    yh = _mT(y)
    return (-matmul(matmul(yh, g), yh),)


LinalgInvExBackward0 = node_class("LinalgInvExBackward0", _inv_bwd)


@register("linalg_inv", method=False, nodes=("LinalgInvExBackward0",), out=True, function=False)
def linalg_inv(A, *, out=None):
    _check_float("linalg.inv", A)
    _check_square("linalg.inv", A)
    try:
        r = np.linalg.inv(A._data)
    except np.linalg.LinAlgError:
        raise _errors.linalg_inv_singular(A._data) from None
    res = _make(r, A._dtype, A._device)
    if _grad[0] and A._requires_grad:
        save_output(record(res, LinalgInvExBackward0, (A,), (None,)), res, 0)
    return _result(res, out)


@register("inverse", autocast={"cpu": "fp32"}, nodes=("LinalgInvExBackward0",), out=True)
def inverse(input, *, out=None):
    return linalg_inv(input, out=out)


def _det_bwd(node, g):
    A, d = node.saved()
    return ((g * _conj(d)).unsqueeze(-1).unsqueeze(-1) * _mT(linalg_inv(A)),)


LinalgDetBackward0 = node_class("LinalgDetBackward0", _det_bwd)


@register("linalg_det", method=False, nodes=("LinalgDetBackward0",), out=True, function=False)
def linalg_det(A, *, out=None):
    _check_float("linalg.det", A)
    _check_square("linalg.det", A)
    res = _make(np.asarray(np.linalg.det(A._data)), A._dtype, A._device)
    if _grad[0] and A._requires_grad:
        save_output(record(res, LinalgDetBackward0, (A,), (A, None)), res, 1)
    return _result(res, out)


@register("det", nodes=("LinalgDetBackward0",))
def det(input):
    return linalg_det(input)


def _slogdet_bwd(node, g_sign, g_logabs):
    (A,) = node.saved()
    if g_logabs is None:
        return (None,)
    return (g_logabs.unsqueeze(-1).unsqueeze(-1) * _mT(linalg_inv(A)),)


LinalgSlogdetBackward0 = node_class("LinalgSlogdetBackward0", _slogdet_bwd)


def _slogdet(A, name, tuple_cls):
    _check_float(name, A)
    _check_square(name, A)
    sign, logabs = np.linalg.slogdet(A._data)
    dt, dev = A._dtype, A._device
    s = _make(np.asarray(sign).astype(dt.np), dt, dev)
    la = _make(np.asarray(logabs).astype(dt.to_real().np if dt.is_complex else dt.np),
               dt.to_real() if dt.is_complex else dt, dev)
    if _grad[0] and A._requires_grad:   # both outputs come from the node, as in torch
        node = record(s, LinalgSlogdetBackward0, (A,), (A,))
        set_output(node, la, nr=1)
        node._nout = 2
    return tuple_cls(s, la)


@register("linalg_slogdet", method=False, nodes=("LinalgSlogdetBackward0",), function=False)
def linalg_slogdet(A):
    return _slogdet(A, "linalg.slogdet", linalg_slogdet_t)


@register("slogdet", nodes=("LinalgSlogdetBackward0",))
def slogdet(input):
    return _slogdet(input, "linalg.slogdet", slogdet_t)


@register("logdet", nodes=("WhereBackward0",))
def logdet(input):
    sign, logabs = _slogdet(input, "linalg.slogdet", slogdet_t)
    nan = _make(np.asarray(np.nan, dtype=logabs._dtype.np), logabs._dtype, logabs._device)
    return logabs.where(sign >= 0, nan)


def _solve_is_vector(A, B):
    sa, sb = A._data.shape, B._data.shape
    return len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])


def _solve_bwd(node, g):
    A, X = node.saved()
    left, vector, bshape = node._args
    nf = node.next_functions
    gB = linalg_solve(_mT(A), g, left=left)
    gA = None
    if nf[0][0] is not None:
        if vector:
            gA = -gB.unsqueeze(-1) * _conj(X).unsqueeze(-2)
        else:
            gA = -matmul(gB, _mT(X)) if left else -matmul(_mT(X), gB)
        gA = grad_for(gA, A._data.shape, A._dtype)
    gB = grad_for(gB, bshape, A._dtype) if nf[1][0] is not None else None
    return gA, gB


LinalgSolveExBackward0 = node_class("LinalgSolveExBackward0",
                                    lambda node, g: _solve_bwd(node, g))


@register("linalg_solve", method=False, nodes=("LinalgSolveExBackward0",), out=True, function=False)
def linalg_solve(A, B, *, left=True, out=None):
    _check_float("linalg.solve", A)
    _check_square("linalg.solve", A)
    if A._dtype is not B._dtype:
        raise _errors.solve_dtype(A._dtype, B._dtype)
    vector = left and _solve_is_vector(A, B)
    a, b = A._data, B._data
    if not left:
        a, b = np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    if b.shape[-2] != a.shape[-1]:
        raise _errors.solve_shapes(left, A._data.shape, b.shape if left else B._data.shape)
    bshape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    try:
        r = np.linalg.solve(np.broadcast_to(a, bshape + a.shape[-2:]),
                            np.broadcast_to(b, bshape + b.shape[-2:]))
    except np.linalg.LinAlgError:
        raise _errors.linalg_singular("torch.linalg.solve") from None
    r = r[..., 0] if vector else (r if left else np.swapaxes(r, -1, -2))
    res = _make(np.ascontiguousarray(r), A._dtype, A._device)
    if _grad_needed(A, B):
        node = record(res, LinalgSolveExBackward0, (A, B), (A, None),
                      (left, vector, B._data.shape))
        save_output(node, res, 1)
    return _result(res, out)


def _solve_tri_bwd(node, g):
    A, X = node.saved()
    upper, left, unitriangular = node._args
    nf = node.next_functions
    gB = linalg_solve_triangular(_mT(A), g, upper=not upper, left=left,
                                 unitriangular=unitriangular)
    gA = None
    if nf[0][0] is not None:
        gA = -matmul(gB, _mT(X)) if left else -matmul(_mT(X), gB)
        mask = np.triu(np.ones(A._data.shape[-2:]), 1 if unitriangular else 0) if upper else \
            np.tril(np.ones(A._data.shape[-2:]), -1 if unitriangular else 0)
        gA = grad_for(gA * _make(mask.astype(A._dtype.np), A._dtype, A._device),
                      A._data.shape, A._dtype)
    return gA, (gB if nf[1][0] is not None else None)


LinalgSolveTriangularBackward0 = node_class("LinalgSolveTriangularBackward0", _solve_tri_bwd)


@register("linalg_solve_triangular", method=False, nodes=("LinalgSolveTriangularBackward0",),
          out=True, function=False)
def linalg_solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _check_float("linalg.solve_triangular", A)
    a = np.triu(A._data) if upper else np.tril(A._data)
    if unitriangular:
        a = a.copy()
        np.einsum("...ii->...i", a)[...] = 1
    b = B._data
    if not left:
        a, b = np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)
    bshape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    r = np.linalg.solve(np.broadcast_to(a, bshape + a.shape[-2:]),
                        np.broadcast_to(b, bshape + b.shape[-2:]))
    if not left:
        r = np.swapaxes(r, -1, -2)
    res = _make(np.ascontiguousarray(r), A._dtype, A._device)
    if _grad_needed(A, B):
        save_output(record(res, LinalgSolveTriangularBackward0, (A, B), (A, None),
                           (upper, left, unitriangular)), res, 1)
    return _result(res, out)


# ---- factorizations: cholesky, qr, eigh, svd ------------------------------------------------
def _tril_mask(x, k=0):
    n = x._data.shape[-1]
    return _make(np.tril(np.ones((n, n), x._dtype.np), k), x._dtype, x._device)


def _cholesky_bwd(node, g):
    (L,) = node.saved()
    upper = node._args
    if upper:
        L, g = _mT(L), _mT(g)
    # gA = L^{-H} phi(L^H gL) L^{-1}, phi = lower triangle with halved diagonal; symmetrised.
    half = _tril_mask(L, -1) + _eye_like(L, L._data.shape[-1]) * 0.5
    P = matmul(_mT(L), g) * half
    gA = linalg_solve_triangular(_mT(L), P, upper=True)
    gA = linalg_solve_triangular(L, gA, upper=False, left=False)
    return (0.5 * (gA + _mT(gA)),)


LinalgCholeskyExBackward0 = node_class("LinalgCholeskyExBackward0", _cholesky_bwd)


@register("linalg_cholesky", method=False, nodes=("LinalgCholeskyExBackward0",), out=True,
          function=False)
def linalg_cholesky(A, *, upper=False, out=None):
    _check_float("linalg.cholesky", A)
    _check_square("linalg.cholesky", A)
    try:
        r = np.linalg.cholesky(A._data)
    except np.linalg.LinAlgError:
        raise _errors.cholesky_not_pd(A._data) from None
    if upper:
        r = np.ascontiguousarray(np.swapaxes(r, -1, -2).conj())
    res = _make(r, A._dtype, A._device)
    if _grad[0] and A._requires_grad:
        save_output(record(res, LinalgCholeskyExBackward0, (A,), (None,), upper), res, 0)
    return _result(res, out)


def _qr_bwd(node, gQ, gR):
    Q, R = node.saved()
    mode, m, n = node._args
    if mode == "r" or mode == "complete" and m > n:
        raise _errors.qr_backward(mode)
    if m < n:
        return (_qr_wide_grad(Q, R, gQ, gR, m),)
    return (_qr_tall_grad(Q, R, gQ, gR),)


def _qr_wide_grad(Q, R, gQ, gR, m):
    """A = [X | Y] with X = Q R1 square and R2 = Q^H Y: R2 feeds back into Q's gradient
    (gQ + Y gR2^H), X takes the square-case gradient and Y gets Q gR2."""
    from .shape import cat
    R1, R2 = R[..., :m], R[..., m:]
    gR1 = gR2 = None
    if gR is not None:
        gR1, gR2 = gR[..., :m], gR[..., m:]
        back = matmul(matmul(Q, R2), _mT(gR2))   # Y gR2^H, with Y = Q R2
        gQ = back if gQ is None else gQ + back
    gX = _qr_tall_grad(Q, R1, gQ, gR1)
    gY = matmul(Q, gR2) if gR2 is not None else R2.new_zeros(R2.shape)
    return cat([gX, gY], -1)


def _qr_tall_grad(Q, R, gQ, gR):
    """Gradient of A = QR (m >= n, reduced): gA = (gQ + Q copyltu(M)) R^{-H},
    M = R gR^H - gQ^H Q."""
    M = None
    if gR is not None:
        M = matmul(R, _mT(gR))
    if gQ is not None:
        M = -matmul(_mT(gQ), Q) if M is None else M - matmul(_mT(gQ), Q)
    low = M * _tril_mask(M, -1)
    sym = low + _mT(low) + M * _eye_like(M, M._data.shape[-1])
    b = matmul(Q, sym)
    if gQ is not None:
        b = b + gQ
    return linalg_solve_triangular(_mT(R), b, upper=False, left=False)


LinalgQrBackward0 = node_class("LinalgQrBackward0", _qr_bwd)


def _qr(A, mode, tuple_cls):
    if mode not in ("reduced", "complete", "r"):
        raise _errors.qr_mode(mode)
    _check_float("linalg.qr", A)
    if A._data.ndim < 2:
        raise _errors.linalg_min_2d("linalg.qr")
    q, r = np.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
    dt, dev = A._dtype, A._device
    Q = _make(q if mode != "r" else np.empty((0,), dt.np), dt, dev)
    R = _make(r, dt, dev)
    if _grad[0] and A._requires_grad:
        m, n = A._data.shape[-2:]
        node = record(R, LinalgQrBackward0, (A,), (None, None), (mode, m, n))
        set_output(node, Q, nr=0)
        set_output(node, R, nr=1)
        node._nout = 2
        save_output(node, Q, 0, 0)
        save_output(node, R, 1, 1)
    return tuple_cls(Q, R)


@register("linalg_qr", method=False, nodes=("LinalgQrBackward0",), function=False)
def linalg_qr(A, mode="reduced"):
    return _qr(A, mode, linalg_qr_t)


@register("qr", autocast={"cpu": "fp32"}, nodes=("LinalgQrBackward0",))
def qr(input, some=True):
    return _qr(input, "reduced" if some else "complete", qr_t)


def _skew(x):
    return x - _mT(x)


def _eigh_bwd(node, gL, gV):
    L, V = node.saved()
    inner = None
    if gV is not None:
        E = L.unsqueeze(-2) - L.unsqueeze(-1)
        eye = _eye_like(L, L._data.shape[-1])
        inner = 0.5 * _skew(matmul(_mT(V), gV)) / (E + eye)
    if gL is not None:
        d = _diag_embed(gL)
        inner = d if inner is None else inner + d
    return (matmul(matmul(V, inner), _mT(V)),)


LinalgEighBackward0 = node_class("LinalgEighBackward0", _eigh_bwd)


def _eigh(A, UPLO, want_vectors):
    _check_float("linalg.eigh", A)
    _check_square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise _errors.eigh_uplo(UPLO)
    dt, dev = A._dtype, A._device
    w, v = np.linalg.eigh(A._data, UPLO=UPLO)
    rdt = dt.to_real() if dt.is_complex else dt
    L = _make(w.astype(rdt.np, copy=False), rdt, dev)
    V = _make(v, dt, dev)
    if _grad[0] and A._requires_grad:
        node = record(L, LinalgEighBackward0, (A,), (None, None))
        node._nout = 2
        save_output(node, L, 0, 0)
        if want_vectors:
            set_output(node, V, nr=1)
        node._saved = node._saved[:1] + (V,)
        node._versions = node._versions[:1] + (V._vc[0],)
    return L, V


@register("linalg_eigh", method=False, nodes=("LinalgEighBackward0",), function=False)
def linalg_eigh(A, UPLO="L"):
    return linalg_eigh_t(*_eigh(A, UPLO, True))


@register("linalg_eigvalsh", method=False, nodes=("LinalgEighBackward0",), function=False)
def linalg_eigvalsh(A, UPLO="L"):
    return _eigh(A, UPLO, False)[0]


def _svd_bwd(node, gU, gS, gVh):
    U, S, Vh = node.saved()
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    k = S._data.shape[-1]
    if U._data.shape[-1] != k:              # full_matrices: only the first k vectors matter
        U = U[..., :k]
        gU = gU[..., :k] if gU is not None else None
    if Vh._data.shape[-2] != k:
        Vh = Vh[..., :k, :]
        gVh = gVh[..., :k, :] if gVh is not None else None
    V = _mT(Vh)
    gV = _mT(gVh) if gVh is not None else None
    inner = None
    if gU is not None:
        inner = _skew(matmul(_mT(U), gU)) * S.unsqueeze(-2)
    if gV is not None:
        t = S.unsqueeze(-1) * _skew(matmul(Vh, gV))
        inner = t if inner is None else inner + t
    if inner is not None:
        S2 = S * S
        inner = inner / (S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye_like(S, k))
    if gS is not None:
        d = _diag_embed(gS)
        inner = d if inner is None else inner + d
    gA = matmul(matmul(U, inner), Vh) if inner is not None else None
    if gU is not None and m > k:
        gUS = gU / S.unsqueeze(-2)
        t = matmul(gUS - matmul(U, matmul(_mT(U), gUS)), Vh)
        gA = t if gA is None else gA + t
    if gV is not None and n > k:
        gVS = gV / S.unsqueeze(-2)
        t = matmul(U, _mT(gVS - matmul(V, matmul(Vh, gVS))))
        gA = t if gA is None else gA + t
    return (gA,)


LinalgSvdBackward0 = node_class("LinalgSvdBackward0", _svd_bwd)


def _svd(A, full_matrices, want_vectors, name="linalg.svd"):
    _check_float(name, A)
    if A._data.ndim < 2:
        raise _errors.linalg_min_2d(name)
    dt, dev = A._dtype, A._device
    rdt = dt.to_real() if dt.is_complex else dt
    a = A._data
    if want_vectors:
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    else:
        s = np.linalg.svd(a, compute_uv=False)
        u = vh = None
    S = _make(s.astype(rdt.np, copy=False), rdt, dev)
    U = _make(u, dt, dev) if want_vectors else None
    Vh = _make(vh, dt, dev) if want_vectors else None
    if _grad[0] and A._requires_grad:
        if not want_vectors:                # svdvals still needs U, Vh for its backward
            u, _, vh = np.linalg.svd(a, full_matrices=False)
        node = record(S, LinalgSvdBackward0, (A,), (None, S, None))
        node._nout = 3
        set_output(node, S, nr=1)
        save_output(node, S, 1, 1)
        su, svh = _make(u, dt, dev), _make(vh, dt, dev)
        node._saved = (su, node._saved[1], svh)
        node._versions = (0, node._versions[1], 0)
        if want_vectors:
            set_output(node, U, nr=0)
            set_output(node, Vh, nr=2)
    return U, S, Vh


@register("linalg_svd", method=False, nodes=("LinalgSvdBackward0",), function=False)
def linalg_svd(A, full_matrices=True, *, driver=None):
    return linalg_svd_t(*_svd(A, full_matrices, True))


@register("linalg_svdvals", method=False, nodes=("LinalgSvdBackward0",), function=False)
def linalg_svdvals(A, *, driver=None):
    return _svd(A, False, False)[1]


@register("svd", autocast={"cpu": "fp32"}, nodes=("LinalgSvdBackward0",))
def svd(input, some=True, compute_uv=True):
    U, S, Vh = _svd(input, not some, True)
    return svd_t(U, S, Vh.mT.conj() if Vh._dtype.is_complex else Vh.mT)


# ---- pseudo-inverse and least squares ----------------------------------------------------------
def _pinv_grad(A, P, gP):
    """gA = -P^H gP P^H + (I - A P) gP^H P P^H + P^H P gP^H (I - P A)."""
    Ph, gPh = _mT(P), _mT(gP)
    gA = -matmul(matmul(Ph, gP), Ph)
    t = matmul(gPh, matmul(P, Ph))
    gA = gA + t - matmul(A, matmul(P, t))
    t = matmul(matmul(Ph, P), gPh)
    return gA + t - matmul(matmul(t, P), A)


def _pinv_bwd(node, g):
    A, P = node.saved()
    return (_pinv_grad(A, P, g),)


LinalgPinvBackward0 = node_class("LinalgPinvBackward0", _pinv_bwd)


@register("linalg_pinv", method=False, nodes=("LinalgPinvBackward0",), out=True, function=False)
def linalg_pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    _check_float("linalg.pinv", A)
    a = A._data
    m, n = a.shape[-2:]
    if rcond is not None:
        rtol = rcond
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(m, n) * np.finfo(a.dtype).eps
    if hermitian:
        w, v = np.linalg.eigh(a)
        aw = np.abs(w)
        cut = np.maximum(atol or 0.0, rtol * aw.max(-1, keepdims=True, initial=0.0))
        winv = np.where(aw > cut, 1.0 / np.where(aw > cut, w, 1.0), 0.0)
        r = np.matmul(v * winv[..., None, :], np.swapaxes(v, -1, -2).conj())
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        cut = np.maximum(atol or 0.0, rtol * s.max(-1, keepdims=True, initial=0.0))
        sinv = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
        r = np.matmul(np.swapaxes(vh, -1, -2).conj() * sinv[..., None, :],
                      np.swapaxes(u, -1, -2).conj())
    res = _make(r.astype(A._dtype.np, copy=False), A._dtype, A._device)
    if _grad[0] and A._requires_grad:
        save_output(record(res, LinalgPinvBackward0, (A,), (A, None)), res, 1)
    return _result(res, out)


@register("pinverse", autocast={"cpu": "fp32"}, nodes=("LinalgPinvBackward0",))
def pinverse(input, rcond=1e-15):
    return linalg_pinv(input, rtol=rcond)


def _lstsq_bwd(node, g, g_res=None, *_):
    A, B, P, X = node.saved()
    nf = node.next_functions
    if node._args:                      # B (and the solution) are vectors
        B, X = B.unsqueeze(-1), X.unsqueeze(-1)
        g = g.unsqueeze(-1) if g is not None else None
    gA = gB = None
    if g is not None:
        gA = _pinv_grad(A, P, matmul(g, _mT(B))) if nf[0][0] is not None else None
        gB = matmul(_mT(P), g) if nf[1][0] is not None else None
    if g_res is not None and g_res._data.size:
        # residuals = |A X - B|^2 summed over rows; X's own variation drops out at the optimum
        E = (matmul(A, X) - B) * g_res.unsqueeze(-2) * 2
        if nf[0][0] is not None:
            gA = matmul(E, _mT(X)) if gA is None else gA + matmul(E, _mT(X))
        if nf[1][0] is not None:
            gB = -E if gB is None else gB - E
    return gA, (gB.squeeze(-1) if node._args and gB is not None else gB)


LinalgLstsqBackward0 = node_class("LinalgLstsqBackward0", _lstsq_bwd)


@register("linalg_lstsq", method=False, nodes=("LinalgLstsqBackward0",), function=False)
def linalg_lstsq(A, B, rcond=None, *, driver=None):
    """Minimum-norm least-squares solution through the pseudo-inverse (gelsd's answer)."""
    _check_float("linalg.lstsq", A)
    vector = B._data.ndim == A._data.ndim - 1
    b = B._data[..., None] if vector else B._data
    a = A._data
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    m, n = a.shape[-2:]
    tol = (rcond if rcond is not None else max(m, n) * np.finfo(a.dtype).eps) * \
        s.max(-1, keepdims=True, initial=0.0)
    keep = s > tol
    sinv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    p = np.matmul(np.swapaxes(vh, -1, -2).conj() * sinv[..., None, :],
                  np.swapaxes(u, -1, -2).conj())
    x = np.matmul(p, b)
    dt, dev = A._dtype, A._device
    rank = keep.sum(-1)
    drv = driver or "gelsy"
    empty = _make(np.empty((0,), dt.np), dt, dev)
    resid = _make(np.empty((0,), dt.np), dt, dev)
    # gels (QR) assumes full rank and always reports residuals; gelsd/gelss only at full rank
    if m > n and drv != "gelsy" and (drv == "gels" or bool((rank == n).all())):
        resid = _make((np.abs(np.matmul(a, x) - b) ** 2).sum(-2).astype(dt.np), dt, dev)
    sv = _make(s.astype(dt.np), dt, dev) if drv in ("gelsd", "gelss") else empty
    # gels computes no rank
    rank = np.empty((0,), np.int64) if drv == "gels" else np.asarray(rank, np.int64)
    X = _make(np.ascontiguousarray(x[..., 0] if vector else x).astype(dt.np, copy=False),
              dt, dev)
    if _grad_needed(A, B):   # the solution and the residuals come from the node
        node = record(X, LinalgLstsqBackward0, (A, B),
                      (A, B, _make(p.astype(dt.np, copy=False), dt, dev), None), vector)
        save_output(node, X, 3)
        set_output(node, resid, nr=1)
        node._nout = 2
    return linalg_lstsq_t(X, resid, _make(rank, D.int64, dev), sv)


# ---- norms --------------------------------------------------------------------------------------
def _norm_dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),)
    return tuple(_wrap_dim(d, ndim) for d in dim)


def _vector_norm_bwd(node, g):
    x, norm = node.saved()
    ord, dims, keepdim = node._args
    shape = x._data.shape
    if not keepdim and shape:
        kshape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        g, norm = g.reshape(kshape), norm.reshape(kshape)
    if ord == 0:
        return (x * 0,)
    if ord == 2:
        scale = (g / norm).where(norm != 0, 0.0)
        return (x * scale,)
    if ord == 1:
        return (x.sgn() * g,)
    ax = x.abs()
    if math.isinf(ord):
        hit = (ax == norm).to(x._dtype)
        count = hit.sum(dims, keepdim=True)
        return (x.sgn() * hit * (g / count),)
    w = (g / norm.pow(ord - 1)).where(norm != 0, 0.0)
    d = x.sgn() * ax.pow(ord - 1)
    if ord < 1:   # |x|^(p-1) is infinite at 0: torch takes the subgradient 0 there
        d = d.where(x != 0, 0.0)
    return (d * w,)


LinalgVectorNormBackward0 = node_class("LinalgVectorNormBackward0", _vector_norm_bwd)


def _vector_norm_arr(x, ord, dims, keepdim):
    ax = np.abs(x)
    if ord == 2:
        return np.sqrt(np.sum(ax * ax, axis=dims, keepdims=keepdim))
    if ord == 1:
        return np.sum(ax, axis=dims, keepdims=keepdim)
    if ord == 0:
        return np.sum(ax != 0, axis=dims, keepdims=keepdim).astype(ax.dtype)
    if ord == math.inf:
        return np.max(ax, axis=dims, keepdims=keepdim, initial=0)
    if ord == -math.inf:
        return np.min(ax, axis=dims, keepdims=keepdim)
    return np.sum(ax ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


@register("linalg_vector_norm", method=False, nodes=("LinalgVectorNormBackward0",), out=True,
          function=False)
def linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = x._dtype
    if dt.category < 2:
        raise _errors.vector_norm_dtype(dt)
    if dtype is not None:
        dtype = D.to_dtype(dtype)
        x = x.to(dtype)
        dt = dtype
    ord = float(ord)
    a = x._data
    dims = _norm_dims(dim, a.ndim)
    if a.ndim == 0:
        dims = ()
    work = a.astype(_f32) if _lowp(dt) else a
    rdt = dt.to_real() if dt.is_complex else dt
    r = np.asarray(_vector_norm_arr(work, ord, dims, keepdim)).astype(rdt.np, copy=False)
    res = _make(r, rdt, x._device)
    if _grad[0] and x._requires_grad:
        save_output(record(res, LinalgVectorNormBackward0, (x,), (x, None), (ord, dims, keepdim)),
                    res, 1)
    return _result(res, out)


@register("linalg_matrix_norm", method=False,
          nodes=("LinalgVectorNormBackward0", "SumBackward1", "AmaxBackward0", "AminBackward0"),
          out=True, function=False)
def linalg_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if ord not in _MATRIX_ORDS:
        raise _errors.matrix_norm_order(ord)
    nd = A._data.ndim
    if nd < 2:
        raise _errors.linalg_min_2d("linalg.matrix_norm")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = _wrap_dim(dim[0], nd), _wrap_dim(dim[1], nd)
    if ord == "fro":
        return linalg_vector_norm(A, 2, (d0, d1), keepdim, out=out)
    if ord in ("nuc", 2, -2):
        perm = [i for i in range(nd) if i not in (d0, d1)] + [d0, d1]
        s = linalg_svdvals(A.permute(*perm))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return _result(r, out)
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    s = linalg_vector_norm(A, 1, d0, keepdim)
    d1 = d1 - 1 if not keepdim and d0 < d1 else d1
    return _result(s.amax(d1, keepdim) if ord > 0 else s.amin(d1, keepdim), out)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


@register("linalg_norm", method=False, nodes=("LinalgVectorNormBackward0",), out=True,
          function=False)
def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, int):
        dim = (dim,)
    if ord is not None and (dim is not None and len(dim) == 2
                            or dim is None and A._data.ndim == 2):
        return linalg_matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim,
                                  dtype=dtype, out=out)
    if ord is not None and dim is None and A._data.ndim != 1:
        raise _errors.linalg_norm_dims(A._data.ndim)
    return linalg_vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


@register("norm", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("LinalgVectorNormBackward0", "SumBackward1"), out=True)
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if isinstance(dim, int):
        dim = (dim,)
    if p == "nuc":
        return linalg_matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim,
                                  dtype=dtype, out=out)
    return linalg_vector_norm(input, 2 if p == "fro" or p is None else p, dim, keepdim,
                              dtype=dtype, out=out)


@register("linalg_matrix_power", method=False, nodes=("MmBackward0",), out=True, function=False)
def linalg_matrix_power(A, n, *, out=None):
    return matrix_power(A, n, out=out)


@register("linalg_vecdot", autocast="lower_precision_fp",
          method=False, nodes=("SumBackward1",), out=True, function=False)
def linalg_vecdot(x, y, *, dim=-1, out=None):
    return _result((_conj(x) * y).sum(dim), out)


# ---- einsum ---------------------------------------------------------------------------------
def _einsum_labels(term, ndim, k):
    """Subscripts of operand ``k`` as a list of labels: letters, and negative ints for the
    ellipsis dims (right-aligned, so that broadcasting lines up across operands)."""
    if "..." in term:
        head, _, tail = term.partition("...")
        n_ell = ndim - len(head) - len(tail)
        if n_ell < 0:
            raise _errors.einsum_subscript_count(len(head) + len(tail), ndim, k, True)
        return list(head) + list(range(-n_ell, 0)) + list(tail)
    if len(term) != ndim:
        raise _errors.einsum_subscript_count(len(term), ndim, k, False)
    return list(term)


def _take_diagonals(t, labels, k):
    """Collapse repeated labels of one operand into a diagonal view (``ii -> i``)."""
    uniq = list(dict.fromkeys(labels))
    if len(uniq) == len(labels):
        return t, labels
    shape, stride = t._data.shape, t.stride()
    sizes = {}
    strides = dict.fromkeys(uniq, 0)
    for lab, n, st in zip(labels, shape, stride):
        if sizes.setdefault(lab, n) != n:
            raise _errors.einsum_repeated_size(lab, k, n, sizes[lab])
        strides[lab] += st
    return t.as_strided([sizes[u] for u in uniq], [strides[u] for u in uniq],
                        t.storage_offset()), uniq


def _sumproduct_pair(left, right, sum_dims):
    """Contract two aligned tensors (same ndim, size-1 where absent) over ``sum_dims`` with one
    bmm; the result keeps every dim (summed ones as size 1)."""
    sl, sr = left._data.shape, right._data.shape
    lro, lo, sm, ro = [], [], [], []
    for i, (a, b) in enumerate(zip(sl, sr)):
        if i in sum_dims:   # a dim only one side has is summed there first (kept as size 1)
            if a > 1 and b == 1:
                left = left.sum(i, keepdim=True)
            elif b > 1 and a == 1:
                right = right.sum(i, keepdim=True)
            sm.append(i)
        elif a > 1 and b > 1:
            lro.append(i)
        elif b > 1:
            ro.append(i)
        else:
            lo.append(i)
    sl, sr = left._data.shape, right._data.shape
    perm = lro + lo + sm + ro
    nb = _prod(sl[i] for i in lro)
    nlo, nro, ns = _prod(sl[i] for i in lo), _prod(sr[i] for i in ro), _prod(sl[i] for i in sm)
    a = left.permute(*perm).reshape(nb, nlo, ns)
    b = right.permute(*perm).reshape(nb, ns, nro)
    shape = [sl[i] for i in lro] + [sl[i] for i in lo] + [1] * len(sm) + [sr[i] for i in ro]
    r = bmm(a, b).view(shape)
    inv = [0] * len(perm)
    for k, p in enumerate(perm):
        inv[p] = k
    return r.permute(*inv)


@register("einsum", autocast="lower_precision_fp",
          method=False, nodes=("ViewBackward0", "SumBackward1", "PermuteBackward0"))
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise _errors.einsum_operand_count(len(operands) > len(terms))
    ops, labels = [], []
    for k, (t, term) in enumerate(zip(operands, terms)):
        t, lab = _take_diagonals(t, _einsum_labels(term, t._data.ndim, k), k)
        ops.append(t)
        labels.append(lab)
    n_ell = max((-min([x for x in lab if x.__class__ is int] + [0]) for lab in labels),
                default=0)
    if arrow:
        out = _einsum_labels(rhs, len(rhs.replace("...", "")) + n_ell, "output") \
            if "..." in rhs else list(rhs)
    else:
        counts = {}
        for term in terms:
            for x in term:
                counts[x] = counts.get(x, 0) + 1
        out = list(range(-n_ell, 0)) + sorted(x for x, c in counts.items()
                                              if isinstance(x, str) and c == 1)
    sizes = {}
    for k, (t, lab) in enumerate(zip(ops, labels)):
        for x, n in zip(lab, t._data.shape):
            seen = sizes.get(x, 1)
            if n != 1 and seen != 1 and n != seen:
                raise _errors.einsum_broadcast(x, n, k, seen)
            sizes[x] = max(seen, n) if n != 1 else seen
    order = out + [x for x in dict.fromkeys(x for lab in labels for x in lab) if x not in out]
    pos = {x: i for i, x in enumerate(order)}
    aligned = []
    for t, lab in zip(ops, labels):
        perm = sorted(range(len(lab)), key=lambda i: pos[lab[i]])
        full = [1] * len(order)
        for i in perm:
            full[pos[lab[i]]] = t._data.shape[i]
        aligned.append(t.permute(*perm).reshape(full) if lab else t.reshape(full))
    nout = len(out)
    result = aligned[0]
    for i in range(1, len(aligned)):
        later = {pos[x] for lab in labels[i + 1:] for x in lab}
        sum_dims = [d for d in range(nout, len(order)) if d not in later]
        result = _sumproduct_pair(result, aligned[i], sum_dims)
    if len(order) > nout and len(aligned) == 1:
        result = result.sum(tuple(range(nout, len(order))), keepdim=True)
    out_shape = [result._data.shape[i] for i in range(nout)]
    return result.reshape(out_shape) if result._data.ndim != nout else result
