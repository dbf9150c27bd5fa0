"""``torch.nn._reduction``: a loss's ``reduction`` as ATen's enum (none 0, mean 1, sum 2), and
the deprecated ``size_average`` / ``reduce`` flags as a ``reduction`` name.  Loss modules and
functions resolve the flags here; libraries with losses of their own import it too."""
import warnings

from .. import _errors

__all__ = ["get_enum", "legacy_get_string", "legacy_get_enum"]

_ENUM = {"none": 0, "mean": 1, "sum": 2}


def get_enum(reduction):
    if reduction == "elementwise_mean":
        warnings.warn(_errors.elementwise_mean_deprecated(), stacklevel=2)
        return 1
    if reduction not in _ENUM:
        raise _errors.reduction_invalid(reduction)
    return _ENUM[reduction]


def legacy_get_string(size_average, reduce, emit_warning=True):
    """The ``reduction`` the old flags meant (None counts as True), with torch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else ("sum" if reduce else "none")
    if emit_warning:
        warnings.warn(_errors.legacy_reduction_deprecated(ret), stacklevel=2)
    return ret


def legacy_get_enum(size_average, reduce, emit_warning=True):
    return get_enum(legacy_get_string(size_average, reduce, emit_warning))
