"""Batching rules: the table that gives every op of ``ember._ops`` its rule (``rule_for``),
and the rules of the shape, indexing and product ops. The rule families most ops share are
in ``_batching``, the nn and random rules in ``_nn_rules``, the gather / scatter ones in
``_index_rules``, the decompositions in ``_decomposed_rules``; an op without a rule gets one
raising torch's "Batching rule not implemented" error.
"""
import numpy as np   # host bookkeeping only (the shapes of index lists)

from .. import _dtype as D, _errors
from .._tensor import Tensor
from ._batched import wrap, is_batched
from ._batching import (_lift, _size, _batched_value, _pad, _shift, _check_out, _sizes,
                        _only_self, _first_sample, _dim_rule, _reduce_or_pointwise, _leading,
                        _fold, _fold_first, _composite, _decomposition, _inplace_pointwise,
                        pointwise, no_rule)
from ._decomposed_rules import (_COPIES, _copy_of, _with_unbiased, _cross, _unfold, _kron,
                                _fill, _isin, _bucketize, _trapezoid, _spaced, _block_diag,
                                _lstsq, _vander, _masked_fill, reflected_rules)
from ._index_rules import (index_rule, index_reduce, view_scatter, put, masked_scatter,
                           histc, bincount)
from ._nn_rules import (RANDOM, kernel_rules, _random, _convolution, _loss, _nll_loss,
                        _layer_norm, _native_layer_norm, _embedding, _batch_norm, _prelu,
                        _margin_loss, _signal,
                        _unbatched_result, _new_batched, _new_full, _one_hot, _take, _renorm,
                        _searchsorted, _diag)

__all__ = ["rule_for", "inplace_rule_for", "kernel_rules", "reflected_rules", "no_rule", "pointwise", "getitem",
           "setitem", "RANDOM", "DYNAMIC", "CREATION"]


# ---- shape ops ----------------------------------------------------------------------------
def _view_rule(name):
    keyword = "size" if name == "view" else "shape"

    def rule(call, level, args, kwargs):
        v = _only_self(name, level, args, kwargs)
        if kwargs.get("dtype") is not None or (len(args) == 2 and not isinstance(
                args[1], (int, tuple, list)) and not hasattr(args[1], "__index__")):
            return _lift(call(v, *args[1:], **kwargs), level)   # view(dtype)
        shape = _sizes(args[1:], kwargs, keyword)
        return _lift(call(v, (v.shape[0],) + shape), level)
    return rule


def _as_rule(target):
    """view_as / reshape_as / expand_as: the other tensor's logical shape."""
    def rule(call, level, args, kwargs):
        return getattr(args[0], target)(tuple(args[1].shape))
    return rule


def _expand(call, level, args, kwargs):
    x = args[0]
    sizes = _sizes(args[1:], kwargs, "size")
    v = _pad(_only_self("expand", level, (x,), kwargs), x.dim(), len(sizes))
    return _lift(call(v, (v.shape[0],) + sizes, **kwargs), level)


def _broadcast_to(call, level, args, kwargs):
    return args[0].expand(*args[1:], **kwargs)


def _permute(call, level, args, kwargs):
    x = args[0]
    v = _only_self("permute", level, args[:1], kwargs)
    dims = _sizes(args[1:], kwargs, "dims")
    if len(dims) != x.dim():   # torch's own error
        return call(v[0], dims)
    return _lift(call(v, (0,) + _shift(tuple(dims), x.dim())), level)


def _repeat(call, level, args, kwargs):
    x = args[0]
    sizes = _sizes(args[1:], kwargs, "repeats")
    v = _only_self("repeat", level, args[:1], kwargs)
    if len(sizes) < x.dim():
        return call(v[0], sizes)
    return _lift(call(_pad(v, x.dim(), len(sizes)), (1,) + sizes), level)


def _tile(call, level, args, kwargs):
    x, dims = args[0], _sizes(args[1:], kwargs, "dims")
    return x.repeat((1,) * (x.dim() - len(dims)) + dims)


def _flip(call, level, args, kwargs):
    x = args[0]
    v = _only_self("flip", level, args[:1], {})
    dims = _sizes(args[1:], kwargs, "dims")
    return _lift(call(v, _shift(dims, x.dim())), level)


def _first_only(name):
    """Ops whose other tensor arguments (boundaries, test elements) must not be batched."""
    def rule(call, level, args, kwargs):
        return _lift(call(_only_self(name, level, args, kwargs), *args[1:], **kwargs), level)
    return rule


def _t(call, level, args, kwargs):
    x = args[0]
    if x.dim() > 2:
        return call(_only_self("t", level, args, kwargs)[0])
    return x.transpose(0, 1) if x.dim() == 2 else x.view(tuple(x.shape))


def _squeeze(call, level, args, kwargs):
    x = args[0]
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    v = _only_self("squeeze", level, args[:1], {})
    n = x.dim()
    if dim is None:
        dim = tuple(i for i, s in enumerate(x.shape) if s == 1)
    if n == 0:
        return _lift(v.view(tuple(v.shape)), level)
    return _lift(call(v, _shift(dim, n)), level)


def _cat(extra):
    def rule(call, level, args, kwargs):
        tensors = list(args[0])
        dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
        _check_out("cat", kwargs)
        ref = next((t for t in tensors if not (t.dim() == 1 and t.shape[0] == 0)), tensors[0])
        n = ref.dim()
        values = [_batched_value(t, level) if t.dim() or extra else t for t in tensors]
        return _lift(call(values, _shift(dim, n + extra)), level)
    return rule


# ---- indexing -----------------------------------------------------------------------------
def getitem(call, level, args, kwargs):
    x, index = args
    index = list(index) if isinstance(index, tuple) else [index]
    if any(is_batched(i, level) for i in index) or not is_batched(x, level):
        raise _errors.vmap_no_rule("index.Tensor")
    advanced = [k for k, i in enumerate(index)
                if isinstance(i, (Tensor, list)) or (hasattr(i, "__len__") and
                                                      not isinstance(i, (str, slice)))]
    out = call(x._value, tuple([slice(None)] + index))
    if advanced and advanced != list(range(advanced[0], advanced[-1] + 1)):
        # separated advanced indices move their dims to the front, ahead of the batch
        lead = max(i.dim() if isinstance(i, Tensor) else np.ndim(i)
                   for i in (index[k] for k in advanced))
        out = out.movedim(lead, 0)
    return _lift(out, level)


def setitem(call, level, args, kwargs):
    x, index, value = args
    if not is_batched(x, level):
        raise _errors.vmap_no_rule("index_put_")
    index = list(index) if isinstance(index, tuple) else [index]
    if any(is_batched(i, level) for i in index):
        raise _errors.vmap_no_rule("index_put_")
    if is_batched(value, level):
        target = x[tuple(index)].dim()
        value = _pad(value._value, value.dim(), target)
    call(x._value, tuple([slice(None)] + index), value)


def _index_put(call, level, args, kwargs):
    """index_put(input, indices, values[, accumulate]) with integer indices (batched ones line
    up with it): one more index, ``arange(batch)``, in front (also the in-place variant:
    advanced indexing's backward)."""
    x, indices, values = args[0], tuple(args[1]), args[2]
    if any(i is None or i.dtype.is_floating_point or i.dtype is D.bool_ for i in indices):
        raise _errors.vmap_no_rule("index_put_")
    from .._ops import creation
    b, nd = _size(level), max(i.dim() for i in indices)
    rows = creation.arange(b, device=x.device).reshape((b,) + (1,) * nd)
    indices = tuple(_pad(i._value, i.dim(), nd) if is_batched(i, level) else i for i in indices)
    target = nd + x.dim() - len(indices)
    v = _pad(values._value, values.dim(), target) if is_batched(values, level) else values
    return _lift(call(_batched_value(x, level), (rows,) + indices, v, *args[3:], **kwargs),
                 level)


# ---- products -----------------------------------------------------------------------------
def _matmul(call, level, args, kwargs):
    a, b = args[0], args[1]
    _check_out("matmul", kwargs)
    ka, kb = a.dim(), b.dim()
    if ka == 0 or kb == 0:
        raise _errors.matmul_0d(ka, kb)
    from .._ops import linalg
    va = a._value if is_batched(a, level) else a
    vb = b._value if is_batched(b, level) else b
    if ka == 1 and kb == 1 and not is_batched(b, level):    # (batch, k) @ (k,): mv
        return wrap(linalg.mv(va, vb), level)
    if ka == 1:
        va, ka = va.unsqueeze(-2), 2
    if kb == 1:
        vb, kb = vb.unsqueeze(-1), 2
    nd = max(ka, kb)
    if is_batched(a, level):
        va = _pad(va, ka, nd)
    if is_batched(b, level):
        vb = _pad(vb, kb, nd)
    out = linalg.matmul(va, vb)
    if a.dim() == 1:
        out = out.squeeze(-2)
    if b.dim() == 1:
        out = out.squeeze(-1)
    return _lift(out, level)


def _product(ndims):
    """mm / bmm / mv / dot: matmul once the operands' logical ranks are checked (a wrong rank,
    or bmm's batch sizes, raise torch's error from the op run on the first samples)."""
    def rule(call, level, args, kwargs):
        a, b = args[0], args[1]
        if (a.dim(), b.dim()) != ndims or (ndims[0] == 3 and a.shape[0] != b.shape[0]) or \
                a.shape[-1] != b.shape[-2 if b.dim() > 1 else -1]:
            return call(_first_sample(a, level), _first_sample(b, level), **kwargs)
        return _matmul(call, level, (a, b), kwargs)
    return rule


def _vdot(call, level, args, kwargs):
    a, b = args[0], args[1]
    if (a.dim(), b.dim()) != (1, 1):
        return call(_first_sample(a, level), _first_sample(b, level))
    from .._ops import linalg
    return linalg.matmul(a.conj() if a.is_complex() else a, b)


def _inner(call, level, args, kwargs):
    """inner(a, b): the products over the last dims, shaped a.shape[:-1] + b.shape[:-1]."""
    a, b = args[0], args[1]
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        if a.dim() and b.dim():
            return call(_first_sample(a, level), _first_sample(b, level))
        from .._ops import pointwise as P
        return P.mul(a, b)
    from .._ops import linalg
    k = a.shape[-1]
    out = linalg.matmul(a.reshape(-1, k), b.reshape(-1, k).t())
    return out.reshape(tuple(a.shape[:-1]) + tuple(b.shape[:-1]))


def _addop(name, reduce_first=False, outer=False):
    """addmm / addmv / baddbmm / addbmm / addr as ``beta * input + alpha * product``."""
    def rule(call, level, args, kwargs):
        from .._ops import linalg, pointwise as P
        _check_out(name, kwargs)
        inp, a, b = args[:3]
        beta, alpha = kwargs.get("beta", 1), kwargs.get("alpha", 1)
        prod = P.mul(a.unsqueeze(-1), b) if outer else linalg.matmul(a, b)
        if reduce_first:
            prod = prod.sum(0)
        if alpha != 1:
            prod = P.mul(prod, alpha)
        if beta == 0:
            return prod
        return P.add(P.mul(inp, beta) if beta != 1 else inp, prod)
    return rule


def _outer(call, level, args, kwargs):
    from .._ops import pointwise as P
    return P.mul(args[0].unsqueeze(-1), args[1])


def _einsum(call, level, args, kwargs):
    """One more letter for the batch, on every batched operand and the output."""
    if isinstance(args[0], str):
        eq, ops = args[0], list(args[1:])
    else:                           # the sublist form
        from .._ops.linalg import _sublist_equation
        eq, ops = _sublist_equation(args)
        ops = list(ops)
    if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
        ops = list(ops[0])
    lhs, arrow, rhs = eq.replace(" ", "").partition("->")
    terms = lhs.split(",")
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if c not in eq)
    if not arrow:
        rhs = "".join(sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1))
        if "..." in lhs:
            rhs = "..." + rhs
    new_terms, values = [], []
    for t, o in zip(terms, ops):
        if is_batched(o, level):
            new_terms.append(letter + t)
            values.append(o._value)
        else:
            new_terms.append(t)
            values.append(o)
    return _lift(call(",".join(new_terms) + "->" + letter + rhs, *values), level)


# ---- the table ----------------------------------------------------------------------------
_POINTWISE_FACTORIES = frozenset((
    "unary.<locals>.op", "binary.<locals>.op", "_tensor_only.<locals>.op",
    "_binary_special.<locals>.op", "_x_n.<locals>.polynomial", "_conv.<locals>.convert",
    "_like.<locals>.make_like"))


_POINTWISE = frozenset((
    "add", "sub", "div", "rsub", "pow", "float_power", "where", "clamp", "clamp_min",
    "clamp_max", "lerp", "addcmul", "addcdiv", "masked_fill", "nan_to_num", "polar", "complex",
    "isclose", "heaviside", "fmod", "remainder", "round", "positive", "conj", "conj_physical",
    "resolve_conj", "resolve_neg", "clone", "contiguous", "detach", "to", "cpu", "cuda",
    "pin_memory",
    "full_like", "square", "logit", "polygamma", "mvlgamma", "special_round", "special_zeta",
    "special_xlog1py", "xlogy", "threshold", "hardtanh", "leaky_relu", "elu", "celu", "selu",
    "gelu", "silu", "mish", "softplus", "hardsigmoid", "hardswish", "hardshrink",
    "softshrink", "log_sigmoid", "real", "imag", "angle", "copysign", "frexp", "ldexp",
    "view_as_real", "relu", "sigmoid", "tanh", "isin", "bucketize", "erfinv", "igamma",
    "igammac", "maximum", "minimum", "scalar_tensor", "tensor", "as_tensor", "asarray"))


_DIMS_ALL = {   # reductions: dim None / () means every logical dim
    "sum": ("dim",), "mean": ("dim",), "nansum": ("dim",), "nanmean": ("dim",),
    "amax": ("dim",), "amin": ("dim",), "std": ("dim",), "var": ("dim",),
    "std_mean": ("dim",), "var_mean": ("dim",), "logsumexp": ("dim",), "any": ("dim",),
    "all": ("dim",), "count_nonzero": ("dim",), "linalg_vector_norm": ("dim",),
    "norm": ("dim",),
}


_DIMS_FLAT = {  # dim None flattens the input
    "argmax": ("dim",), "argmin": ("dim",), "prod": ("dim",), "median": ("dim",),
    "nanmedian": ("dim",), "aminmax": ("dim",),
}


_DIMS = {       # required dims (or defaults that are dims)
    "cumsum": ("dim",), "softmax": ("dim",), "log_softmax": ("dim",), "softmin": ("dim",),
    "cumprod": ("dim",), "cummax": ("dim",), "cummin": ("dim",), "logcumsumexp": ("dim",),
    "sort": ("dim",), "argsort": ("dim",), "topk": ("dim",), "kthvalue": ("dim",), "mode": ("dim",),
    "select": ("dim",), "narrow": ("dim",), "narrow_copy": ("dim",), "transpose": ("dim0", "dim1"),
    "swapaxes": ("axis0", "axis1"),
    "diagonal": ("dim1", "dim2"), "movedim": ("source", "destination"),
    "flatten": ("start_dim", "end_dim"), "unflatten": ("dim",), "split": ("dim",),
    "split_with_sizes": ("dim",), "chunk": ("dim",), "unbind": ("dim",),
    "tensor_split": ("dim",), "index_select": ("dim",), "glu": ("dim",), "diff": ("dim",),
    "cumulative_trapezoid": ("dim",), "trapezoid": ("dim",),
    "trapz": ("dim",), "linalg_cross": ("dim",), "cross": ("dim",),
    "gather": ("dim",), "take_along_dim": ("dim",), "scatter": ("dim",),
    "scatter_add": ("dim",), "scatter_reduce": ("dim",), "index_add": ("dim",),
    "index_copy": ("dim",), "index_fill": ("dim",), "rot90": ("dims",), "unfold": ("dimension",),
    "_fft_c2c": ("dim",), "_fft_r2c": ("dim",), "_fft_c2r": ("dim",),
}


_DIM_OTHERS = {"linalg_cross": ("other",), "cross": ("other",), "gather": ("index",),
               "take_along_dim": ("indices",), "scatter": ("index", "src"),
               "scatter_add": ("index", "src"), "scatter_reduce": ("index", "src"),
               "index_add": ("source",), "index_copy": ("source",)}


_DIMS_EXTRA = {"unsqueeze": ("dim",), "diag_embed": ("dim1", "dim2")}


_LEADING = {    # min logical dims
    "tril": 2, "triu": 2, "adjoint": 2, "linalg_diagonal": 2, "inverse": 2, "linalg_inv": 2,
    "linalg_inv_ex": 2, "det": 2, "linalg_det": 2, "logdet": 2, "slogdet": 2,
    "linalg_slogdet": 2, "cholesky": 2, "linalg_cholesky": 2, "linalg_cholesky_ex": 2,
    "linalg_qr": 2, "qr": 2, "linalg_svd": 2, "svd": 2, "linalg_svdvals": 2,
    "linalg_eigh": 2, "linalg_eigvalsh": 2, "linalg_eig": 2, "linalg_eigvals": 2,
    "linalg_matrix_exp": 2, "matrix_exp": 2, "linalg_matrix_power": 2, "matrix_power": 2,
    "linalg_pinv": 2, "pinverse": 2, "linalg_matrix_norm": 2, "linalg_solve": 2,
    "linalg_solve_ex": 2, "linalg_solve_triangular": 2, "cholesky_solve": 2,
    "cholesky_inverse": 2, "linalg_lu_factor": 2, "linalg_lu_factor_ex": 2, "linalg_lu": 2,
    "linalg_lu_solve": 2, "lu_unpack": 2, "linalg_householder_product": 2,
    "linalg_matrix_rank": 2, "linalg_cond": 2, "linalg_vecdot": 1, "layer_norm": 1,
    "pixel_shuffle": 3, "pixel_unshuffle": 3, "linalg_vander": 1, "view_as_complex": 1,
    "constant_pad_nd": 0, "cdist": 2, "lu_solve": 2, "triangular_solve": 2, "linalg_lstsq": 2,
    "linalg_ldl_factor": 2, "linalg_ldl_factor_ex": 2, "linalg_ldl_solve": 2, "geqrf": 2,
    "orgqr": 2, "ormqr": 2, "lu": 2,
}


def _segment_reduce(call, level, args, kwargs):
    """``segment_reduce``: the batch is one more leading dim of the data and of its lengths /
    offsets (the op takes a row of segments per index of the dims before ``axis``)."""
    data, rest = args[0], args[1:]
    axis = kwargs.get("axis", 0)
    kwargs = {k: _batched_value(v, level) if isinstance(v, Tensor) else v
              for k, v in kwargs.items()}
    kwargs["axis"] = _shift(axis, data.dim())
    return _lift(call(_batched_value(data, level), *rest, **kwargs), level)


_SPECIAL = {
    "view": _view_rule("view"), "reshape": _view_rule("reshape"),
    "view_as": _as_rule("view"), "reshape_as": _as_rule("reshape"),
    "expand_as": _as_rule("expand"), "expand": _expand, "broadcast_to": _broadcast_to,
    "permute": _permute, "repeat": _repeat, "tile": _tile, "t": _t, "squeeze": _squeeze,
    "cat": _cat(0), "concat": _cat(0), "stack": _cat(1), "getitem": getitem,
    "setitem": setitem, "matmul": _matmul, "mm": _product((2, 2)), "bmm": _product((3, 3)),
    "mv": _product((2, 1)), "dot": _product((1, 1)), "vdot": _vdot, "inner": _inner,
    "outer": _outer, "flip": _flip, "bucketize": _bucketize(_first_only("bucketize")),
    "isin": _isin(_first_only("isin")), "addmm": _addop("addmm"), "addmv": _addop("addmv"),
    "baddbmm": _addop("baddbmm"), "addbmm": _addop("addbmm", reduce_first=True),
    "addr": _addop("addr", outer=True),
    "einsum": _einsum, "convolution": _convolution, "conv1d": _composite,
    "conv2d": _composite, "conv3d": _composite, "conv_transpose1d": _composite,
    "conv_transpose2d": _composite, "conv_transpose3d": _composite, "max_pool1d": _fold(1, "max_pool1d"),
    "max_pool2d": _fold(2, "max_pool2d"), "max_pool3d": _fold(3, "max_pool3d"),
    "avg_pool1d": _fold(1, "avg_pool1d"), "adaptive_avg_pool1d": _fold(1, "adaptive_avg_pool1d"),
    "adaptive_max_pool1d": _fold(1, "adaptive_max_pool1d"), "nll_loss": _nll_loss,
    "layer_norm": _layer_norm, "embedding": _embedding, "batch_norm": _batch_norm,
    "native_layer_norm": _native_layer_norm,
    "group_norm": _fold_first("group_norm"), "prelu": _prelu, "one_hot": _one_hot,
    "take": _take, "index_put": _index_put, "copy_": _inplace_pointwise("copy_"), "fill_": _inplace_pointwise("fill_"),
    "zero_": _inplace_pointwise("zero_"), "new_zeros": _new_batched,
    "new_ones": _new_batched, "new_empty": _new_batched, "new_full": _new_full,
    "new_tensor": _unbatched_result,
    "is_conj": _unbatched_result, "is_neg": _unbatched_result,
    "ravel": _decomposition(lambda x: x.reshape(-1)),
    "trace": _decomposition(lambda x: x.diagonal().sum() if x.dim() == 2 else x.trace()),
    "fliplr": _decomposition(lambda x: x.flip(1) if x.dim() >= 2 else x.fliplr()),
    "flipud": _decomposition(lambda x: x.flip(0) if x.dim() >= 1 else x.flipud()),
    "msort": _decomposition(lambda x: x.sort(0).values),
    "diag": _decomposition(_diag), "renorm": _decomposition(_renorm),
    "searchsorted": _searchsorted, "channel_shuffle": _fold_first("channel_shuffle"),
    "diagflat": _decomposition(lambda x, offset=0: x.reshape(-1).diag_embed(offset)),
    "alias_copy": _decomposition(lambda x: x.clone()),
    "detach_copy": _decomposition(lambda x: x.detach().clone()),
    "dist": _decomposition(lambda x, y, p=2: (x - y).norm(p)),
    "kron": _decomposition(_kron), "fill": _decomposition(_fill),
    "index_reduce": index_reduce, "select_scatter": view_scatter("select_scatter"),
    "slice_scatter": view_scatter("slice_scatter"),
    "diagonal_scatter": view_scatter("diagonal_scatter"),
    "linspace": _spaced(False), "logspace": _spaced(True),
    "put": put, "masked_scatter": masked_scatter, "histc": histc, "bincount": bincount,
    "block_diag": _block_diag, "unravel_index": _first_only("unravel_index"),
    "new_empty_strided": _unbatched_result, "linalg_lstsq": _lstsq(_leading(2)),
    "linalg_vander": _vander(_leading(1)), "masked_fill": _masked_fill(pointwise("masked_fill")),
    "stft": _signal(1), "istft": _signal(2), "segment_reduce": _segment_reduce,
}
_SPECIAL.update((k, _copy_of(v)) for k, v in _COPIES.items() if k not in _SPECIAL)


_COMPOSITE = frozenset((
    "atleast_1d", "atleast_2d", "atleast_3d", "hsplit", "vsplit", "dsplit", "hstack", "vstack",
    "dstack", "column_stack", "tensordot", "cartesian_prod", "meshgrid", "broadcast_tensors",
    "chain_matmul", "linalg_multi_dot", "cov", "corrcoef", "linalg_norm", "bilinear", "gradient",
    "linalg_tensorsolve", "combinations", "quantile", "nanquantile", "ctc_loss",
    "sum_to_size", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d",
    "affine_grid_generator"))


# ops whose output shape depends on the data: torch's dynamic-shape error
_LOSSES = frozenset(("mse_loss", "huber_loss", "smooth_l1_loss", "soft_margin_loss",
                     "binary_cross_entropy", "binary_cross_entropy_with_logits"))


DYNAMIC = frozenset(("nonzero", "argwhere", "masked_select", "unique", "unique_consecutive",
                      "histogram", "histogramdd", "repeat_interleave"))


# ops that take no tensor: they never meet a BatchedTensor and need no rule
CREATION = frozenset((
    "arange", "empty", "eye", "full", "linspace", "logspace", "ones", "zeros", "from_numpy",
    "broadcast_shapes", "bartlett_window", "blackman_window", "hamming_window", "hann_window",
    "kaiser_window"))


_UNBIASED = frozenset(("var", "std", "var_mean", "std_mean"))

# ops whose dim rule needs more in some cases: (fn, dim rule) -> rule
_WITH_DIM_RULE = {"cross": lambda fn, rule: _cross(rule), "unfold": lambda fn, rule: _unfold(rule),
                  "trapz": lambda fn, rule: _trapezoid(False, rule),
                  "trapezoid": lambda fn, rule: _trapezoid(False, rule),
                  "cumulative_trapezoid": lambda fn, rule: _trapezoid(True, rule),
                  **dict.fromkeys(("index_select", "index_add", "index_copy", "index_fill"),
                                  index_rule)}


def _is_pointwise(name, fn):
    return name in _POINTWISE or fn.__code__.co_qualname in _POINTWISE_FACTORIES


def rule_for(name, fn):
    """The batching rule of op ``name`` (function ``fn``)."""
    if name in RANDOM:
        return _random(name, pointwise(name))
    if name in ("max", "min"):
        return _reduce_or_pointwise(fn)
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _LOSSES:
        return _loss(fn)
    if name in ("multi_margin_loss", "multilabel_margin_loss"):
        return _margin_loss(fn)
    if name in _COMPOSITE:
        return _composite
    if name in _DIMS_ALL:
        rule = _dim_rule(fn, _DIMS_ALL[name], "all")
        return _with_unbiased(rule) if name in _UNBIASED else rule
    if name == "roll":
        return _dim_rule(fn, ("dims",), "restore")
    if name in _DIMS_FLAT:
        return _dim_rule(fn, _DIMS_FLAT[name], "flat", values=name in ("median", "nanmedian"))
    if name in _DIMS:
        rule = _dim_rule(fn, _DIMS[name], "keep", others=_DIM_OTHERS.get(name, ()))
        return _WITH_DIM_RULE[name](fn, rule) if name in _WITH_DIM_RULE else rule
    if name in _DIMS_EXTRA:
        return _dim_rule(fn, _DIMS_EXTRA[name], "keep", extra=1)
    if name in _LEADING:
        return _leading(_LEADING[name])
    if _is_pointwise(name, fn):
        return pointwise(name)
    if name in DYNAMIC:
        def dynamic(call, level, args, kwargs):
            raise _errors.vmap_dynamic_shape(name)
        return dynamic
    return None


def inplace_rule_for(name, fn, inplace):
    """The rule of ``inplace``, the in-place variant of op ``name`` (function ``fn``):
    pointwise ops, and ops with dim arguments (``index_fill_``, ``scatter_``...)."""
    if name in RANDOM:
        return _random(name + "_", _inplace_pointwise(name + "_"))
    if _is_pointwise(name, fn):
        return _inplace_pointwise(name + "_")
    if name in _DIMS:
        return _dim_rule(fn, _DIMS[name], "keep", others=_DIM_OTHERS.get(name, ()))
    if name == "index_put":
        return _index_put
    return None
