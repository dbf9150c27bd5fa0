"""``ember.masked`` (torch.masked): reductions and normalisations over the elements a boolean
``mask`` keeps, for strided tensors.

Each function replaces the masked-out elements with the identity of its reduction (0 for sums,
1 for products, -inf for maxima...) and applies the ordinary op, so values, dtypes and
gradients are those of the op it is made of.  ``mask`` broadcasts to the input; ``mask=None``
keeps every element.  Reductions with no identity (mean, var, std) divide by the count of kept
elements and give nan where a reduced slice is fully masked out.  (torch's ``MaskedTensor`` and
sparse layouts are not provided.)
"""
import math
import sys

from .. import _errors
from .._ops._bindings import original as _original
from .._ops._core import OPS as _OPS
from .._type_info import iinfo as _iinfo
from .._dtype import bool_ as _bool, int64 as _int64, float32 as _float32, uint8 as _uint8

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp",
           "logsumexp", "mean", "median", "norm", "normalize", "prod", "softmax", "softmin",
           "std", "sum", "var"]

def _op(name):
    """The op ``name`` as bound in its module now: transforms (vmap, forward AD, autocast)
    rebind it there, not in the op table."""
    op = _OPS[name]
    bound = vars(sys.modules[op.module]).get(op.fn.__name__)
    return bound if bound is not None and _original(bound) is op.fn else op.fn


def _canonical_dim(dim, ndim):
    """``dim`` (None, an int or a sequence; ``()`` means every dim) as a sorted tuple."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    n = max(ndim, 1)
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise _errors.masked_dim_repeated(d)
        if d >= n or d < -n:
            raise _errors.dim_out_of_range(d, -n, n - 1)
        dims.append(d % n)
    return tuple(sorted(dims))


def _input_mask(input, mask):
    """``mask`` broadcast to ``input``'s shape, as bool."""
    if tuple(mask.shape) != tuple(input.shape):
        if mask.ndim > input.ndim:
            raise _errors.masked_mask_ndim()
        mask = mask.clone().broadcast_to(input.shape)
    return mask.to(dtype=_bool)


def _extreme(dtype, largest):
    """+inf / -inf, or the integer dtype's max / min (None for other dtypes)."""
    if dtype.is_floating_point:
        return math.inf if largest else -math.inf
    if dtype.is_signed or dtype is _uint8:
        info = _iinfo(dtype)
        return info.max if largest else info.min
    return None


def _identity(op, dtype, ord=2.0):
    if op in ("sum", "norm"):
        return math.inf if op == "norm" and ord == -math.inf else 0
    if op == "prod":
        return 1
    if op == "median":
        return math.nan
    if op == "logsumexp" and dtype.is_complex:
        return complex(-math.inf, 0)
    value = None if dtype.is_complex else _extreme(dtype, op in ("amin", "argmin"))
    if value is None:
        raise _errors.masked_identity(op, dtype)
    return value


def _fill(op, input, mask, *args):
    """``input`` with the elements ``mask`` drops replaced by ``op``'s identity."""
    if mask is None:
        return input
    fill = _op("tensor")(_identity(op, input.dtype, *args), dtype=input.dtype,
                             device=input.device)
    return _op("where")(_input_mask(input, mask), input, fill)


def _sum_dtype(input, dtype):
    """The default result dtype of sum / prod: integer and bool inputs give int64."""
    if dtype is not None:
        return dtype
    return _int64 if not input.dtype.is_floating_point and not input.dtype.is_complex and \
        input.dtype.itemsize < 8 else input.dtype


# ---- reductions -------------------------------------------------------------------------------
def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = _sum_dtype(input, dtype)
    return _fill("sum", input, mask).sum(_canonical_dim(dim, input.ndim), bool(keepdim),
                                         dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    result = _fill("prod", input, mask).to(dtype=_sum_dtype(input, dtype))
    for d in reversed(_canonical_dim(dim, input.ndim)):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    dtype = dtype or input.dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return _fill("sum", input, mask).cumsum(d, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    dtype = dtype or input.dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return _fill("prod", input, mask).cumprod(d, dtype=dtype).to(dtype=dtype)


def _extremum(name):
    def reduce(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        x = _fill(name, input, mask)
        return getattr(x, name)(_canonical_dim(dim, x.ndim), bool(keepdim)).to(
            dtype=dtype or input.dtype)
    reduce.__name__ = reduce.__qualname__ = name
    return reduce


def _arg_extremum(name):
    def reduce(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        x = _fill(name, input, mask)
        return getattr(x, name)(dim, bool(keepdim)).to(dtype=dtype or input.dtype)
    reduce.__name__ = reduce.__qualname__ = name
    return reduce


amax, amin = _extremum("amax"), _extremum("amin")
argmax, argmin = _arg_extremum("argmax"), _arg_extremum("argmin")


def _kept_sum(input, dim, keepdim, dtype, mask):
    """(sum of the kept elements, their count) over ``dim``."""
    if mask is None:
        count = sum(_op("ones")(input.shape, dtype=_int64, device=input.device), dim,
                    keepdim=keepdim)
        return sum(input, dim, keepdim=keepdim, dtype=dtype), count, None
    inmask = _input_mask(input, mask)
    count = inmask.sum(dim=dim, keepdim=bool(keepdim))
    return sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask), count, inmask


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    source = "Optional" if dtype is not None else "Input"
    dtype = dtype or input.dtype
    if not (dtype.is_floating_point or dtype.is_complex):
        raise _errors.masked_mean_dtype(source, dtype)
    total, count, _ = _kept_sum(input, dim, keepdim, dtype, mask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    dtype = dtype or input.dtype
    d = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    x = input if is_float else input.to(dtype=_float32)
    out = _fill("median", x, mask).nanmedian(d, keepdim).values
    if is_float:
        return out
    if out.isnan().any():
        raise _errors.masked_median_int()
    return out.to(dtype=dtype)


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    x = _fill("logsumexp", input, mask)
    return x.logsumexp(_canonical_dim(dim, input.ndim), keepdim=keepdim).to(
        dtype=dtype or input.dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    return _fill("logsumexp", input, input_mask).logaddexp(
        _fill("logsumexp", other, other_mask)).to(dtype=dtype or input.dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    x = _fill("norm", input, mask, ord)
    return _op("linalg_vector_norm")(x, ord, _canonical_dim(dim, input.ndim), bool(keepdim),
                                    dtype=dtype or input.dtype)


def _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, sqrt):
    if unbiased is not None and correction is not None:
        raise _errors.masked_std_var_args()
    corr = float(correction) if correction is not None else \
        (0.0 if unbiased is not None and not unbiased else 1.0)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = _float32
    compute = dtype if (dtype.is_floating_point or dtype.is_complex) else _float32
    total, count, inmask = _kept_sum(input, dim, True, dtype, mask)
    x = input - total / count
    sq = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute, mask=inmask)
    if not keepdim:
        count = count.reshape(sq.shape)
    if corr != 0:
        count = (count.to(compute.to_real() if compute.is_complex else compute) - corr)
        count = count.maximum(count.new_zeros([]))
    out = (sq / count).to(dtype=dtype)
    return out.sqrt() if sqrt else out


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None,
        mask=None):
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None,
        mask=None):
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, True)


# ---- normalisations ---------------------------------------------------------------------------
def softmax(input, dim, *, dtype=None, mask=None):
    d = _canonical_dim(dim, input.ndim)[0]
    return _fill("amax", input, mask).softmax(d, dtype=dtype or input.dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    d = _canonical_dim(dim, input.ndim)[0]
    return _fill("amax", input, mask).log_softmax(d, dtype=dtype or input.dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    d = _canonical_dim(dim, input.ndim)[0]
    return (-_fill("amin", input, mask)).softmax(d, dtype=dtype or input.dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype or input.dtype, mask=mask)
    return _fill("sum", input, mask) / nrm.maximum(nrm.new_full([], eps))

