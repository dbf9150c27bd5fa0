"""Linear algebra, norms: ``vector_norm``, ``matrix_norm``, ``norm`` (torch.linalg's and the
legacy ``torch.norm``)."""
import math

from .. import _dtype as D
from .. import _errors
from .._tensor import _make, _wrap_dim
from ..autograd.graph import node_class, save_output
from ._core import register, record, _grad_on
from .linalg import _lowp, _f32, _result
from .decompositions import linalg_svdvals


# ---- norms --------------------------------------------------------------------------------------
def _norm_dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),)
    return tuple(_wrap_dim(d, ndim) for d in dim)


def _vector_norm_bwd(node, g):
    x, norm = node.saved()
    return (vector_norm_grad(x, norm, g, *node._args),)


def vector_norm_grad(x, norm, g, ord, dims, keepdim):
    """The gradient of ``norm = vector_norm(x, ord, dims, keepdim)`` for upstream ``g`` (ember
    ops: differentiable again)."""
    shape = x._data.shape
    if not keepdim and shape:
        kshape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        g, norm = g.reshape(kshape), norm.reshape(kshape)
    if ord == 0:
        return x * 0
    if ord == 2:
        scale = (g / norm).where(norm != 0, 0.0)
        return x * scale
    if ord == 1:
        return x.sgn() * g
    ax = x.abs()
    if math.isinf(ord):
        hit = (ax == norm).to(x._dtype)
        count = hit.sum(dims, keepdim=True)
        return x.sgn() * hit * (g / count)
    w = (g / norm.pow(ord - 1)).where(norm != 0, 0.0)
    d = x.sgn() * ax.pow(ord - 1)
    if ord < 1:   # |x|^(p-1) is infinite at 0: torch takes the subgradient 0 there
        d = d.where(x != 0, 0.0)
    return d * w


LinalgVectorNormBackward0 = node_class("LinalgVectorNormBackward0", _vector_norm_bwd)


def _vector_norm_arr(xp, x, ord, dims, keepdim):
    ax = xp.abs(x)
    if ord == 2:
        return xp.sqrt(xp.sum(ax * ax, axis=dims, keepdims=keepdim))
    if ord == 1:
        return xp.sum(ax, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(ax != 0, axis=dims, keepdims=keepdim).astype(ax.dtype)
    if ord == math.inf:
        return xp.max(ax, axis=dims, keepdims=keepdim, initial=0)
    if ord == -math.inf:
        return xp.min(ax, axis=dims, keepdims=keepdim)
    return xp.sum(ax ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


@register("linalg_vector_norm", method=False, nodes=("LinalgVectorNormBackward0",), out=True,
          function=False)
def linalg_vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = input._dtype
    if dt.category < 2:
        raise _errors.vector_norm_dtype(dt)
    if dtype is not None:
        dtype = D.to_dtype(dtype)
        input = input.to(dtype)
        dt = dtype
    ord = float(ord)
    a = input._data
    dims = _norm_dims(dim, a.ndim)
    if a.ndim == 0:
        dims = ()
    work = a.astype(_f32) if _lowp(dt) else a
    rdt = dt.to_real() if dt.is_complex else dt
    xp = input._device._backend.xp
    r = xp.asarray(_vector_norm_arr(xp, work, ord, dims, keepdim)).astype(rdt.np, copy=False)
    res = _make(r, rdt, input._device)
    if _grad_on() and input._requires_grad:
        node = record(res, LinalgVectorNormBackward0, (input,), (input, None), (ord, dims, keepdim))
        save_output(node, res, 1)
    return _result(res, out)


@register("linalg_matrix_norm", method=False,
          nodes=("LinalgVectorNormBackward0", "SumBackward1", "AmaxBackward0", "AminBackward0"),
          out=True, function=False)
def linalg_matrix_norm(input, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if ord not in _MATRIX_ORDS:
        raise _errors.matrix_norm_order(ord)
    nd = input._data.ndim
    if nd < 2:
        raise _errors.linalg_min_2d("linalg.matrix_norm")
    if dtype is not None:
        input = input.to(dtype)
    d0, d1 = _wrap_dim(dim[0], nd), _wrap_dim(dim[1], nd)
    if ord == "fro":
        return linalg_vector_norm(input, 2, (d0, d1), keepdim, out=out)
    if ord in ("nuc", 2, -2):
        perm = [i for i in range(nd) if i not in (d0, d1)] + [d0, d1]
        s = linalg_svdvals(input.permute(*perm))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return _result(r, out)
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    s = linalg_vector_norm(input, 1, d0, keepdim)
    d1 = d1 - 1 if not keepdim and d0 < d1 else d1
    return _result(s.amax(d1, keepdim) if ord > 0 else s.amin(d1, keepdim), out)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


@register("linalg_norm", method=False, nodes=("LinalgVectorNormBackward0",), out=True,
          function=False)
def linalg_norm(input, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, int):
        dim = (dim,)
    if ord is not None and (dim is not None and len(dim) == 2
                            or dim is None and input._data.ndim == 2):
        return linalg_matrix_norm(input, ord, dim if dim is not None else (-2, -1), keepdim,
                                  dtype=dtype, out=out)
    if ord is not None and dim is None and input._data.ndim != 1:
        raise _errors.linalg_norm_dims(input._data.ndim)
    return linalg_vector_norm(input, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


@register("norm", autocast={"cuda": "fp32_set_opt_dtype"}, nodes=("LinalgVectorNormBackward0", "SumBackward1"), out=True)
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if isinstance(dim, int):
        dim = (dim,)
    if p == "nuc":
        return linalg_matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim,
                                  dtype=dtype, out=out)
    return linalg_vector_norm(input, 2 if p == "fro" or p is None else p, dim, keepdim,
                              dtype=dtype, out=out)


