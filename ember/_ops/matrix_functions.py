"""Linear algebra, matrix functions built on the decompositions: powers and the exponential,
rank and condition number, tensor inverse / solve, Vandermonde and ``linalg.diagonal``."""
import math

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on
from .linalg import matmul, _mT, _result, _prod
from .decompositions import (linalg_inv, linalg_inv_ex, inv_named, linalg_solve, linalg_svdvals,
                             linalg_eigvalsh, _check_float, _check_square)
from .norms import linalg_matrix_norm

CopyBackwards = node_class("CopyBackwards", lambda node, g: (g * 0,))


def _eye_batch(t):
    s = t._data.shape
    xp = t._device._backend.xp
    eye = xp.broadcast_to(xp.eye(s[-1], dtype=t._dtype.np), s)
    return _make(eye, t._dtype, t._device)


@register("matrix_power", nodes=("MmBackward0", "CloneBackward0", "CopyBackwards"), out=True)
def matrix_power(input, n, *, out=None):
    _check_square("linalg.matrix_power", input)
    if n == 0:
        res = _eye_batch(input).clone()
        if _grad_on() and input._requires_grad:
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


@register("linalg_matrix_power", method=False, nodes=("MmBackward0",), out=True, function=False)
def linalg_matrix_power(input, n, *, out=None):
    return matrix_power(input, n, out=out)


def _matrix_exp_bwd(node, g):
    """The Fréchet derivative at A^H applied to g: the top-right block of
    exp([[A^H, g], [0, A^H]]) (differentiable, so double backward works)."""
    from .shape import cat
    (A,) = node.saved()
    Ah = _mT(A)
    top = cat([Ah, g], -1)
    bottom = cat([g * 0, Ah], -1)
    n = A._data.shape[-1]
    return (linalg_matrix_exp(cat([top, bottom], -2))[..., :n, n:],)


LinalgMatrixExpBackward0 = node_class("LinalgMatrixExpBackward0", _matrix_exp_bwd)


@register("linalg_matrix_exp", method=False, nodes=("LinalgMatrixExpBackward0",),
          function=False)
def linalg_matrix_exp(input):
    _check_float("linalg.matrix_exp", input)
    _check_square("linalg.matrix_exp", input)
    res = _make(input._device._backend.linalg.matrix_exp(input._data), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, LinalgMatrixExpBackward0, (input,), (input,))
    return res


@register("matrix_exp", nodes=("LinalgMatrixExpBackward0",))
def matrix_exp(input):
    return linalg_matrix_exp(input)


@register("linalg_matrix_rank", method=False, out=True, function=False, differentiable=False)
def linalg_matrix_rank(input, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    _check_float("linalg.matrix_rank", input)
    if input._data.ndim < 2:
        raise _errors.linalg_min_2d("linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    s = linalg_eigvalsh(input).abs() if hermitian else linalg_svdvals(input)
    m, n = input._data.shape[-2:]
    if rtol is None:
        rtol = 0.0 if atol is not None and _positive(atol) else \
            max(m, n) * np.finfo(s._dtype.np).eps
    smax = s.amax(-1, keepdim=True) if s._data.shape[-1] else s.sum(-1, keepdim=True)
    cut = smax * rtol
    if atol is not None:
        cut = cut.clamp_min(atol) if not hasattr(atol, "_data") else cut.maximum(
            atol.unsqueeze(-1) if atol._data.ndim else atol)
    return _result((s > cut).sum(-1), out)


def _positive(x):
    return (x > 0).all().item() if hasattr(x, "_data") else x > 0


_COND_SVD = (None, 2, -2)


@register("linalg_cond", method=False, out=True, function=False,
          nodes=("SqueezeBackward1", "MulBackward0", "NanToNumBackward0"))
def linalg_cond(input, p=None, *, out=None):
    """From the singular values for p in (None, 2, -2, 'nuc'); otherwise
    ||A|| ||A^-1|| with the inverse of a singular matrix taken as inf (the result is then inf)."""
    if p in _COND_SVD:
        if input._data.ndim < 2:
            raise _errors.linalg_min_2d("linalg.cond")
        s = linalg_svdvals(input)
        hi, lo = s[..., :1], s[..., -1:]
        return _result((lo / hi if p == -2 else hi / lo).squeeze(-1), out)
    sh = input._data.shape
    if len(sh) < 2 or sh[-1] != sh[-2]:
        raise _errors.cond_not_square(p, sh)
    if p == "nuc":
        s = linalg_svdvals(input)
        return _result(s.sum(-1) * s.reciprocal().sum(-1), out)
    inv, info = linalg_inv_ex(input)
    # in place, as torch does (so that, as in torch, backward reports the modified inverse)
    inv.masked_fill_((info > 0).unsqueeze(-1).unsqueeze(-1), math.inf)
    r = linalg_matrix_norm(input, p) * linalg_matrix_norm(inv, p)
    return _result(r.nan_to_num(math.inf, math.inf, -math.inf), out)


@register("linalg_tensorinv", method=False, out=True, function=False)
def linalg_tensorinv(input, ind=2, *, out=None):
    if ind <= 0:
        raise _errors.tensorinv_ind(ind)
    sh = input._data.shape
    rows, cols = _prod(sh[:ind]), _prod(sh[ind:])
    if rows != cols:
        raise _errors.tensorinv_shape(cols, rows)
    return _result(inv_named(input.reshape(rows, cols), "inv").reshape(sh[ind:] + sh[:ind]), out)


@register("linalg_tensorsolve", method=False, out=True, function=False)
def linalg_tensorsolve(input, other, dims=None, *, out=None):
    nd = input._data.ndim
    if dims is not None:
        dims = [d % nd for d in dims]
        input = input.permute(*[i for i in range(nd) if i not in dims], *dims)
    sh = input._data.shape
    nb = other._data.ndim
    rows = _prod(other._data.shape)
    x_shape = sh[nb:]
    X = linalg_solve(input.reshape(rows, _prod(x_shape)), other.reshape(rows))
    return _result(X.reshape(x_shape), out)


@register("linalg_vander", method=False, function=False, nodes=("CatBackward0",))
def linalg_vander(x, *, N=None):
    """Columns x^0, x^1, ..., x^(N-1) (a cumulative product, so its gradient is torch's)."""
    from .shape import cat
    if x._dtype is D.bool_:
        raise _errors.vander_dtype(x._dtype)
    if x._data.ndim == 0:
        x = x.unsqueeze(0)
    if N is None:
        N = x._data.shape[-1]
    if N <= 1:
        raise _errors.vander_n()
    if x._dtype.category < 2:
        x = x.to(D.int64)
    powers = x.unsqueeze(-1).expand(*x._data.shape, N - 1).cumprod(-1)
    return cat([x.new_ones(x._data.shape + (1,)), powers], -1)


@register("vander", method=False, nodes=("FlipBackward0", "CopySlices"))
def vander(x, N=None, increasing=False):
    """Columns x^(N-1), ..., x^1, x^0 (``increasing``: the other way round), in x's dtype
    promoted with int64; filled in place (a cumulative product), as torch builds it."""
    if x._data.ndim != 1:
        raise _errors.vander_one_dimensional()
    if N is None:
        N = x._data.shape[0]
    if N < 0:
        raise _errors.vander_negative_n()
    from .creation import empty
    result = empty((x._data.shape[0], N), dtype=D.promote_types(x._dtype, D.int64),
                   device=x.device)
    if N:
        result.select(1, 0).fill_(1)
    if N > 1:
        powers = result[:, 1:]
        powers.copy_(x.unsqueeze(1))
        powers.copy_(powers.cumprod(1))
    return result if increasing else result.flip(1)


@register("linalg_diagonal", method=False, function=False)
def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


def _block_diag_bwd(node, g):
    shapes, dtypes, offsets = node._args
    grads = []
    for (r, c), shape, dt, nf in zip(offsets, shapes, dtypes, node.next_functions):
        if nf[0] is None:
            grads.append(None)
            continue
        rows, cols = (1, shape[0]) if len(shape) == 1 else ((1, 1) if not shape else shape)
        grads.append(g[r:r + rows, c:c + cols].reshape(shape).to(dt))
    return tuple(grads)


BlockDiagBackward0 = node_class("BlockDiagBackward0", _block_diag_bwd)


@register("block_diag", method=False, nodes=("BlockDiagBackward0",))
def block_diag(*tensors):
    """Tensors (0-d as 1x1, 1-d as one row) placed along the diagonal of a zero matrix."""
    from .._device import device as _device
    mats = []
    for i, t in enumerate(tensors):
        nd = t._data.ndim
        if nd > 2:
            raise _errors.block_diag_dims(i, nd)
        mats.append(t._data.reshape((1, -1) if nd == 1 else (1, 1)) if nd < 2 else t._data)
    dt = D.result_type(*tensors) if tensors else D.get_default_dtype()
    dev = tensors[0]._device if tensors else _device("cpu")
    xp = dev._backend.xp
    rows = sum(m.shape[0] for m in mats) if mats else 1     # torch: block_diag() is 1 x 0
    out = xp.zeros((rows, sum(m.shape[1] for m in mats)), dt.np)
    offsets, r, c = [], 0, 0
    for m in mats:
        out[r:r + m.shape[0], c:c + m.shape[1]] = m
        offsets.append((r, c))
        r, c = r + m.shape[0], c + m.shape[1]
    res = _make(out, dt, dev)
    if _grad_on() and any(t._requires_grad for t in tensors):
        record(res, BlockDiagBackward0, tensors, (),
               ([t._data.shape for t in tensors], [t._dtype for t in tensors], offsets))
    return res
