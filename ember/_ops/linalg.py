"""Linear algebra, products: matrix products (mm/bmm/mv/dot/matmul and the ``add*`` fused
forms), contractions (einsum, tensordot, kron, inner, outer), trace and cross products.
Factorizations and solvers live in ``decompositions``, norms in ``norms``.

Forward runs on the backend's BLAS (``xp.matmul``); float16/bfloat16 products are computed in
float32 and cast back.  Backward formulas are written with ember ops
so that double backward works.  ``matmul`` with autograd builds the same graph as PyTorch
(dot / mv / mm / folded mm / expanded bmm + ``_unsafe_view``); without autograd it is a single
``xp.matmul`` call.
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class
from ._core import (register, set_autocast, record, _grad_on, write_out, inplace, grad_for,
                    check_same_device,
                    check_scalar_arg)

_f32 = np.float32



# ---- small helpers ------------------------------------------------------------------------
def _grad_needed(*ts):
    if not _grad_on():
        return False
    for t in ts:
        if t is not None and t._requires_grad:
            return True
    return False


def _lowp(dt):
    return dt is D.float16 or dt is D.bfloat16


def _prod_arr(a, b, dt, dev=None):
    """``a @ b`` on arrays of dtype ``dt`` (half precision through float32), matrices through
    the backend of device ``dev`` (its ``matmul`` picks the BLAS's fast operand layouts);
    without ``dev`` (vectors) the arrays' own ``@``.  1-D @ 1-D gives a scalar (callers wrap
    it)."""
    if _lowp(dt):
        return (a.astype(_f32) @ b.astype(_f32)).astype(dt.np)
    if a.shape[-1] == 1 and a.ndim > 1 and b.ndim > 1 and b.shape[-2] == 1:
        # outer products (per-sample weight gradients): NumPy's matmul takes a slow
        # non-BLAS loop for them; the broadcast product is the same single multiplication
        r = a * b
        return r if r.flags.c_contiguous else r.copy(order="C")
    return a @ b if dev is None else dev._backend.matmul(a, b)


def _mT(x):
    """Conjugate transpose of the last two dims (plain transpose for real tensors)."""
    x = x.transpose(-2, -1)
    return x.conj() if x._dtype.is_complex else x


def _conj(x):
    return x.conj() if x._dtype.is_complex else x


def _eye_like(x, n, m=None):
    xp = x._device._backend.xp
    return _make(xp.eye(n, n if m is None else m, dtype=x._dtype.np), x._dtype, x._device)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _result(res, out):
    return res if out is None else write_out(out, res)


def _reshape_node(name):
    """A node for a reshape of an op's fresh output (``_unsafe_view``, in-place ``squeeze_``)."""
    return node_class(name, lambda node, g: (g.reshape(node._args),))


UnsafeViewBackward0 = _reshape_node("UnsafeViewBackward0")
SqueezeBackward4 = _reshape_node("SqueezeBackward4")


def _reshaped(t, shape, cls=UnsafeViewBackward0):
    res = _make(t._data.reshape(shape), t._dtype, t._device)
    if _grad_on() and t._requires_grad:
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
    return _prod_arr(x, y, dt, a._device)


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
    return _prod_arr(x, y, a._dtype, a._device)


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


def _mm_bwd(node, g):
    """mm's gradients laid out as their factors are, as torch's: a column-major factor (a
    Linear weight seen through ``.t()``) gets a column-major gradient, so that the weight's own
    gradient comes out contiguous."""
    a, b = node.saved()
    ga = gb = None
    if node.next_functions[0][0] is not None:
        ga = mm(_conj(b), g.t()).t() if _column_major(a._data) else mm(g, _mT(b))
    if node.next_functions[1][0] is not None:
        gb = mm(g.t(), _conj(a)).t() if _column_major(b._data) else mm(_mT(a), g)
    return ga, gb


MmBackward0 = node_class("MmBackward0", _mm_bwd)
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
    if _grad_on() and (a._requires_grad or b._requires_grad):
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
    return a._device._backend.xp.asarray(_prod_arr(x, y, a._dtype))


def _vdot_arr(a, b):
    x, y = _dot_check(a, b, "vdot")
    return a._device._backend.xp.asarray(
        _prod_arr(x.conj() if a._dtype.is_complex else x, y, a._dtype))


@register("dot", autocast={"cuda": "promote"}, nodes=("DotBackward0",), out=True)
def dot(input, tensor, *, out=None):
    return _binary_product(_dot_arr, DotBackward0, input, tensor, out)


@register("vdot", autocast={"cuda": "promote"}, nodes=("VdotBackward0",), out=True)
def vdot(input, other, *, out=None):
    return _binary_product(_vdot_arr, VdotBackward0, input, other, out)


# ---- matmul -------------------------------------------------------------------------------
@register("matmul", autocast="lower_precision_fp", nodes=("DotBackward0", "MvBackward0", "MmBackward0", "BmmBackward0",
                           "UnsafeViewBackward0", "SqueezeBackward4", "CloneBackward0"),
          out=True)
def matmul(input, other, *, out=None):
    x, y = input._data, other._data
    if x.ndim == 2 and y.ndim == 2:
        return _binary_product(_mm_arr, MmBackward0, input, other, out)
    dt = input._dtype
    if (dt is other._dtype and dt is not D.bool_ and x.ndim and y.ndim
            and not (_grad_on() and (input._requires_grad or other._requires_grad))
            and input._device is other._device):
        try:
            r = _prod_arr(x, y, dt, input._device)
        except ValueError:
            pass                        # mismatched shapes: the graph path raises torch's error
        else:
            if x.ndim == 1 == y.ndim:
                r = input._device._backend.xp.asarray(r)
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


def _number(fn, name, v):
    """A Number argument's value: a 0-d tensor that needs no gradient counts as one."""
    if isinstance(v, Tensor):
        if v.dim() or v._requires_grad:
            raise _errors.number_argument(fn, name, v)
        return v.item()
    return v


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
        p += c                          # only if c broadcasts to p's shape
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
    """The body of ``name(input, a, b, *, beta=1, alpha=1)`` = beta*input + alpha*product(a, b);
    each op's own ``def`` gives its factors torch's keyword names (``mat1``, ``vec``, ...).

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

    def op(input, a, b, beta, alpha, out):
        pa, pb = a, b
        beta, alpha = _number(name, "beta", beta), _number(name, "alpha", alpha)
        if promote:
            dt = D.result_type(input, a, b)
            check_scalar_arg(dt, beta, "beta")
            check_scalar_arg(dt, alpha, "alpha")
            pa, pb = _promoted(a, dt), _promoted(b, dt)
        elif input._dtype is not a._dtype or a._dtype is not b._dtype:
            raise _errors.addmm_dtype(name, input._dtype, a._dtype, b._dtype)
        p = product_arr(pa, pb, name)
        dt = pa._dtype
        if p.base is not None or not a._device._backend.writeable(p):
            p = p.copy()
        if dt.category < 2:
            beta, alpha = _scalar_for(dt, beta), _scalar_for(dt, alpha)
        res = _make(_scaled_add(p, input, beta, alpha), dt, a._device)
        if _grad_needed(input, a, b):
            record(res, cls, (input, a, b), (a, b),
                   (input._data.shape, input._dtype, beta, alpha))
        return _result(res, out)
    op.node_name = node_name
    return op


def _register_addop(fn, body):
    """Register the add-product ``fn`` (computed by ``body``) with its in-place variant."""
    fn_ = inplace(fn)
    register(fn.__name__, nodes=(body.node_name,), inplace=fn_, out=True)(fn)
    return fn, fn_


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
    return u._device._backend.xp.multiply.outer(x, y)


def _addbmm_arr(a, b, op):
    x, y = a._data, b._data
    if x.ndim == 3 == y.ndim and y.shape[:2] != (x.shape[0], x.shape[2]):
        raise _errors.addbmm_sizes(x.shape, y.shape)
    return _bmm_arr(a, b, "addmm_impl_cpu_").sum(0)


_addmm = _addop("addmm", "AddmmBackward0", _mm_arr, _mm_pair)
_addmv = _addop("addmv", "AddmvBackward0", _mv_arr, _mv_pair)
_addr = _addop("addr", "AddrBackward0", _outer_arr, _outer_pair, promote=True)
_baddbmm = _addop("baddbmm", "BaddbmmBackward0", _bmm_arr, _bmm_pair)
_addbmm = _addop("addbmm", "AddbmmBackward0", _addbmm_arr, _addbmm_pair)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    return _addmm(input, mat1, mat2, beta, alpha, out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    return _addmv(input, mat, vec, beta, alpha, out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    return _addr(input, vec1, vec2, beta, alpha, out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _baddbmm(input, batch1, batch2, beta, alpha, out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _addbmm(input, batch1, batch2, beta, alpha, out)


addmm, addmm_ = _register_addop(addmm, _addmm)
addmv, addmv_ = _register_addop(addmv, _addmv)
addr, addr_ = _register_addop(addr, _addr)
baddbmm, baddbmm_ = _register_addop(baddbmm, _baddbmm)
addbmm, addbmm_ = _register_addop(addbmm, _addbmm)
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
    left = a.permute(fa + ca).reshape(_prod(sa[i] for i in fa), k)
    right = b.permute(cb + fb).reshape(k, _prod(sb[i] for i in fb))
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
    eye = _make(g._device._backend.xp.eye(n, m, dtype=dt.np), dt, g._device)
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
    xp = input._device._backend.xp
    r = xp.asarray(xp.trace(x, dtype=_f32 if _lowp(dt) else odt.np)).astype(odt.np)
    res = _make(r, odt, input._device)
    if _grad_on() and input._requires_grad:
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
    xp = input._device._backend.xp
    if x.shape[d] != 3 or y.shape[d] != 3:
        raise _errors.cross_length(dim, x.shape[d], y.shape[d])
    try:
        r = xp.cross(x, y, axis=d)
    except ValueError:
        raise _errors.broadcast_mismatch(x.shape, y.shape) from None
    res = _make(xp.asarray(r).astype(input._dtype.np, copy=False), input._dtype, input._device)
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
@register("linalg_multi_dot", autocast="lower_precision_fp", method=False, nodes=("ViewBackward0",), out=True, function=False)
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


@register("chain_matmul", autocast="lower_precision_fp", method=False, nodes=("ViewBackward0", "CloneBackward0"), out=True)
def chain_matmul(*matrices, out=None):
    if len(matrices) == 1:
        return _result(matrices[0].clone(), out)
    return linalg_multi_dot(matrices, out=out)


@register("linalg_vecdot", autocast="lower_precision_fp", method=False, nodes=("SumBackward1",), out=True, function=False)
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
    if lo and ro and ro[0] < lo[0]:
        # (as torch: the operands swap so that the product comes out in the output's order,
        # contiguous: "ij,jk->ki" is (B^T A^T), not a transposed A B)
        return _sumproduct_pair(right, left, sum_dims)
    sl, sr = left._data.shape, right._data.shape
    perm = lro + lo + sm + ro
    nb = _prod(sl[i] for i in lro)
    nlo, nro, ns = _prod(sl[i] for i in lo), _prod(sr[i] for i in ro), _prod(sl[i] for i in sm)
    a = left.permute(perm).reshape(nb, nlo, ns)
    b = right.permute(perm).reshape(nb, ns, nro)
    shape = [sl[i] for i in lro] + [sl[i] for i in lo] + [1] * len(sm) + [sr[i] for i in ro]
    r = bmm(a, b).view(shape)
    inv = [0] * len(perm)
    for k, p in enumerate(perm):
        inv[p] = k
    return r.permute(inv)


def _sublist_equation(args):
    """The equation and operands of the sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``:
    subscripts 0-25 are A-Z, 26-51 a-z, ``...`` is ``Ellipsis``; a last odd list is the
    output's."""
    def letters(sublist):
        out = []
        for n in sublist:
            if n is Ellipsis:
                out.append("...")
            elif 0 <= n < 52:
                out.append(chr(ord("A") + n) if n < 26 else chr(ord("a") + n - 26))
            else:
                raise _errors.einsum_sublist_range()
        return "".join(out)
    equation = ",".join(letters(sub) for sub in args[1::2])
    if len(args) % 2:
        return equation + "->" + letters(args[-1]), args[:-1:2]
    return equation, args[::2]


def _contraction_path(equation, operands):
    """The pairs to contract, in opt_einsum's order (``backends.opt_einsum``), or None for left
    to right.  Each pair indexes the operands left, and its product goes last."""
    from ..backends import opt_einsum as switches
    if not switches.enabled:
        return None
    return switches.get_opt_einsum().contract_path(
        equation, *[t._data.shape for t in operands], shapes=True,
        optimize=switches.strategy)[0]


@register("einsum", autocast="lower_precision_fp", method=False, nodes=("ViewBackward0", "SumBackward1", "PermuteBackward0"))
def einsum(equation, *operands):
    """``einsum(equation, *operands)``, ``einsum(equation, operands)`` or the sublist form
    ``einsum(a, sublist_a, b, sublist_b, ...)``."""
    if not operands:
        raise _errors.einsum_too_few_arguments()
    if isinstance(equation, Tensor):
        equation, operands = _sublist_equation((equation,) + operands)
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
        aligned.append(t.permute(perm).reshape(full) if lab else t.reshape(full))
    nout = len(out)
    path = _contraction_path(equation, operands) if len(ops) > 2 else None
    # (operand, the positions its labels hold): torch takes the path's pairs and puts each
    # product last; without a path, the first two and the product first
    left = [(t, {pos[x] for x in lab}) for t, lab in zip(aligned, labels)]
    for step in range(len(left) - 1):
        i, j = sorted(path[step]) if path is not None else (0, 1)
        b, in_b = left.pop(j)
        a, in_a = left.pop(i)
        later = set().union(*(held for _, held in left))
        sum_dims = [d for d in range(nout, len(order)) if d not in later]
        product = (_sumproduct_pair(a, b, sum_dims), (in_a | in_b).difference(sum_dims))
        left.insert(len(left) if path is not None else 0, product)
    result = left[0][0]
    if len(order) > nout and len(aligned) == 1:
        result = result.sum(tuple(range(nout, len(order))), keepdim=True)
    out_shape = [result._data.shape[i] for i in range(nout)]
    return result.reshape(out_shape) if result._data.ndim != nout else result
