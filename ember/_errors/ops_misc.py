"""Distances, searching, histograms, quantiles, finite differences and the small composite ops
(cdist, searchsorted, histc, quantile, diff, gradient, cov, combinations, renorm...)."""
from .base import legacy_scalar_type


# ---- cdist ------------------------------------------------------------------------------------
def cdist_dtype(name, dtype):
    return RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                        f"{legacy_scalar_type(dtype)}")


def cdist_dims(name, ndim):
    return RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {ndim}D")


def cdist_columns(c1, c2):
    return RuntimeError(f"X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}")


def cdist_negative_p():
    return RuntimeError("cdist only supports non-negative p values")


def cdist_mode(mode):
    return ValueError(f"{mode} is not a valid value for compute_mode")


# ---- searchsorted / bucketize -----------------------------------------------------------------
def _shape(s):
    return "[" + ", ".join(map(str, s)) + "]"


def searchsorted_side(side):
    return RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")


def searchsorted_side_right(side, right):
    return RuntimeError(f"torch.searchsorted(): side and right can't be set to opposites, got "
                        f"side of {side} while right was {right}")


def searchsorted_scalar(ndim):
    return RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries "
                        f"tensor dimension is 1, but we got boundaries tensor dim({ndim}) and "
                        "input value's dim(0) numel(1)")


def searchsorted_shape(seq_shape, input_shape):
    return RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                        "first N-1 dimensions of boundaries tensor and input value tensor must "
                        f"match, but we got boundaries tensor {_shape(seq_shape)} and input "
                        f"value tensor {_shape(input_shape)}")


def searchsorted_sorter(seq_shape, sorter_shape):
    return RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but "
                        f"got boundary tensor {_shape(seq_shape)}and got sorter tensor "
                        f"{_shape(sorter_shape)}")


def bucketize_dims(ndim):
    return RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({ndim})")


# ---- histograms -------------------------------------------------------------------------------
def histogram_dtype(dtype):
    return NotImplementedError(f"\"histogram_cpu\" not implemented for "
                               f"'{legacy_scalar_type(dtype)}'")


def histogram_bins(bins, dim):
    return RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension {dim}")


def histogram_range(lo, hi, dim):
    return RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max "
                        f"{hi:g} for dimension {dim}")


def histogramdd_bins_len():
    return RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension "
                        "of the input.")


def histc_range():
    return RuntimeError("torch.histc: max must be larger than min")


# ---- quantile ---------------------------------------------------------------------------------
def quantile_dtype():
    return RuntimeError("quantile() input tensor must be either float or double dtype")


def quantile_empty():
    return RuntimeError("quantile() input tensor must be non-empty")


def quantile_q_dims():
    return RuntimeError("quantile() q must be a scalar or 1D tensor")


def quantile_q_dtype():
    return RuntimeError("quantile() q tensor must be same dtype as the input tensor")


def quantile_q_values():
    return RuntimeError("quantile() q values must be in the range [0, 1]")


def quantile_q_range(q):
    return RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")


def quantile_interpolation(name):
    return RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint "
                        f"or nearest, but got {name}")


# ---- cov --------------------------------------------------------------------------------------
def cov_dims(ndim):
    return RuntimeError("cov(): expected input to have two or fewer dimensions but got an input "
                        f"with {ndim} dimensions")


def cov_weights_dims(name, ndim):
    return RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                        f"with {ndim} dimensions")


def cov_weights_dtype(name, kind, dtype):
    return RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                        f"{legacy_scalar_type(dtype)} dtype")


def cov_weights_numel(name, n, got):
    return RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                        f"observations in the input but got {got} != {n}")


def cov_weights_negative(name):
    return RuntimeError(f"cov(): {name} cannot be negative")


def cov_weights_zero():
    return RuntimeError("cov(): weights sum to zero, can't be normalized")


# ---- diff / gradient / trapezoid --------------------------------------------------------------
def diff_0d():
    return RuntimeError("diff expects input to be at least one-dimensional")


def diff_order(n):
    return RuntimeError(f"order must be non-negative but got {n}")


def diff_extra_dims():
    return RuntimeError("diff expects prepend or append to be the same dimension as input")


def gradient_edge_order():
    return RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")


def gradient_too_small():
    return RuntimeError("torch.gradient expected each dimension size to be at least "
                        "edge_order+1")


def gradient_spacing_len(n, ndim, ndims):
    if ndims is None:
        return RuntimeError("torch.gradient expected spacing to be unspecified, a scalar, or a "
                            f"list of length equal to 'self.dim() = {ndim}', since dim argument "
                            f"was not given, but got a list of length {n}")
    return RuntimeError("torch.gradient expected spacing to be unspecified, a scalar or it's "
                        "spacing and dim arguments to have the same length, but got a spacing "
                        f"argument of length {n} and a dim argument of length {ndims}.")


def trapezoid_points(name):
    return RuntimeError(f"{name}: There must be one `x` value for each sample point")


def trapezoid_bool(which, name):
    return RuntimeError(f"{name}: received a bool input for `{which}`, but bool is not supported")


# ---- block_diag / cartesian_prod / combinations / renorm --------------------------------------
def block_diag_dims(i, ndim):
    return RuntimeError("torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                        f"{i} has {ndim} dimensions")


def expect_1d(shape):
    return RuntimeError(f"Expect a 1D vector, but got shape {_shape(shape)}")


def expect_nonnegative(n):
    return RuntimeError(f"Expect a non-negative number, but got {n}")


def renorm_maxnorm(maxnorm):
    return RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")


def renorm_p():
    return RuntimeError("renorm: non-positive-norm not supported")


def renorm_dims(ndim):
    return RuntimeError(f"renorm: input needs at least 2 dimensions, got {ndim} dimensions")


def _num(v, nan="nan"):
    return nan if v != v else f"{v:g}"


def histc_not_finite(lo, hi):
    # torch prints the NaN its min/max reduction produced with its sign bit set
    return RuntimeError(f"torch.histc: range of [{_num(lo, '-nan')}, {_num(hi, '-nan')}] is not "
                        "finite")


def histogram_not_finite(lo, hi, dim):
    return RuntimeError(f"torch.histogramdd: dimension {dim}'s range [{_num(lo)}, {_num(hi)}] "
                        "is not finite")


def bincount_input():
    return RuntimeError("bincount only supports 1-d non-negative integral inputs.")


def bincount_weights():
    return RuntimeError("weights should be 1-d and have the same length as input")


def bincount_minlength():
    return RuntimeError("minlength should be >= 0")


def segment_reduce_name(reduce):
    return RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                        f"{reduce}")


def segment_reduce_arguments(why):
    return RuntimeError(f"segment_reduce(): {why}")


def segment_lengths_negative():
    return RuntimeError("lengths contains negative value!")
