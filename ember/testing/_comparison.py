"""``torch.testing.assert_close``: PyTorch's comparison rules, tolerances and messages.

Inputs are paired up recursively through sequences and mappings; each leaf pair is compared as
None, booleans, Python/NumPy numbers or tensor-likes (anything ``as_tensor`` takes), in that
order of preference, as PyTorch's pair types do.  The first mismatch raises, with the item path
appended ("The failure occurred for item [1]['w']").
"""
import cmath
import collections.abc
import contextlib
import warnings

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor

__all__ = ["assert_close", "assert_allclose", "default_tolerances"]

_DTYPE_PRECISIONS = {D.float16: (0.001, 1e-5), D.bfloat16: (0.016, 1e-5),
                     D.float32: (1.3e-6, 1e-5), D.float64: (1e-7, 1e-7),
                     D.complex64: (1.3e-6, 1e-5), D.complex128: (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: D.int64, float: D.float64, complex: D.complex128}


class _Mismatch(Exception):
    """An error found while pairing or comparing, with the path of the item that failed."""

    def __init__(self, error, id=()):
        super().__init__(error)
        self.error, self.id = error, id

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return type(self.error)(msg)
        text = str(self.error)
        if self.id:
            text += f"\n\nThe failure occurred for item {''.join(str([i]) for i in self.id)}"
        return type(self.error)(msg(text) if callable(msg) else text)


def default_tolerances(*inputs, dtype_precisions=None):
    """The loosest ``(rtol, atol)`` of the inputs' dtypes (0 for exact dtypes)."""
    precisions = dtype_precisions or _DTYPE_PRECISIONS
    dtypes = [x.dtype if isinstance(x, Tensor) else x for x in inputs]
    rtols, atols = zip(*[precisions.get(dt, (0.0, 0.0)) for dt in dtypes])
    return max(rtols), max(atols)


def _tolerances(*dtypes, rtol, atol, id):
    if (rtol is None) ^ (atol is None):
        raise _Mismatch(_errors.testing_tolerance_pair(rtol), id)
    if rtol is not None:
        return rtol, atol
    return default_tolerances(*dtypes)


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _pairs(actual, expected, id, options):
    """Yield ``(compare function, id)`` for every leaf pair."""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(_errors.testing_sequence_length(len(actual), len(expected)), id)
        for i in range(len(actual)):
            yield from _pairs(actual[i], expected[i], id + (i,), options)
        return
    if isinstance(actual, collections.abc.Mapping) and \
            isinstance(expected, collections.abc.Mapping):
        ak, ek = set(actual.keys()), set(expected.keys())
        if ak != ek:
            raise _Mismatch(_errors.testing_mapping_keys(ek - ak, ak - ek), id)
        keys = ak
        with contextlib.suppress(Exception):
            keys = sorted(keys)
        for k in keys:
            yield from _pairs(actual[k], expected[k], id + (k,), options)
        return
    for make in (_none_pair, _bool_pair, _number_pair, _tensor_pair):
        pair = make(actual, expected, id, options)
        if pair is not None:
            yield pair, id
            return
    raise _Mismatch(_errors.testing_no_pair(actual, expected), id)


def _none_pair(actual, expected, id, options):
    if actual is None or expected is None:
        def compare():
            if not (actual is None and expected is None):
                raise _errors.testing_none(actual, expected)
        return compare


def _bool_pair(actual, expected, id, options):
    kinds = (bool, np.bool_)
    if isinstance(actual, kinds) and isinstance(expected, kinds):
        a, e = bool(actual), bool(expected)

        def compare():
            if a is not e:
                raise _errors.testing_bool(a, e)
        return compare


def _number_pair(actual, expected, id, options):
    kinds = (int, float, complex, np.number)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        return None
    a, e = (x.item() if isinstance(x, np.number) else x for x in (actual, expected))
    rtol, atol = _tolerances(_NUMBER_DTYPES[type(a)], _NUMBER_DTYPES[type(e)],
                             rtol=options["rtol"], atol=options["atol"], id=id)

    def compare():
        if options["check_dtype"] and type(a) is not type(e):
            raise _errors.testing_number_types(a, e)
        if a == e or options["equal_nan"] and cmath.isnan(a) and cmath.isnan(e):
            return
        diff = abs(a - e)
        if cmath.isfinite(diff) and diff <= atol + rtol * abs(e):
            return
        raise _scalar_mismatch(a, e, rtol, atol)
    return compare


def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    from .._ops.creation import as_tensor
    try:
        return as_tensor(x)
    except Exception:       # noqa: BLE001 - not a tensor-like: another pair type may take it
        return None


def _tensor_pair(actual, expected, id, options):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        return None
    if not options["allow_subclasses"] and type(actual) is not type(expected):
        return None
    a, e = _as_tensor(actual), _as_tensor(expected)
    if a is None or e is None:
        return None
    rtol, atol = _tolerances(a.dtype, e.dtype, rtol=options["rtol"], atol=options["atol"],
                             id=id)
    return lambda: _compare_tensors(a, e, rtol, atol, options)


def _compare_tensors(a, e, rtol, atol, options):
    if a.shape != e.shape:
        raise _errors.testing_attribute("shape", a.shape, e.shape)
    if a.layout != e.layout:
        if options["check_layout"]:
            raise _errors.testing_attribute("layout", a.layout, e.layout)
    elif options["check_stride"] and a.stride() != e.stride():
        raise _errors.testing_attribute("stride()", a.stride(), e.stride())
    if options["check_device"] and a.device != e.device:
        raise _errors.testing_attribute("device", a.device, e.device)
    if options["check_dtype"] and a.dtype != e.dtype:
        raise _errors.testing_attribute("dtype", a.dtype, e.dtype)
    if a.device != e.device:
        a, e = a.cpu(), e.cpu()
    if a.dtype != e.dtype:
        dt = D.promote_types(a.dtype, e.dtype)
        a, e = a.to(dt), e.to(dt)
    a, e = a.detach(), e.detach()
    import ember
    matches = ember.isclose(a, e, rtol=rtol, atol=atol, equal_nan=options["equal_nan"])
    if bool(matches.all()):
        return
    if a.shape == ():
        raise _scalar_mismatch(a.item(), e.item(), rtol, atol)
    raise _tensor_mismatch(a, e, matches, rtol, atol)


def _scalar_mismatch(actual, expected, rtol, atol):
    diff = abs(actual - expected)
    rel = float("inf") if expected == 0 else diff / abs(expected)
    return _errors.testing_mismatch("Scalars", f"Expected {expected} but got {actual}.", diff,
                                    None, atol, rel, None, rtol)


def _tensor_mismatch(a, e, matches, rtol, atol):
    import ember
    total = matches.numel()
    bad = total - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    af, ef, mf = a.flatten(), e.flatten(), matches.flatten()
    if not a.dtype.is_floating_point and not a.dtype.is_complex:
        af, ef = af.to(D.int64), ef.to(D.int64)
    abs_diff = (af - ef).abs()
    abs_diff[mf] = 0
    max_abs, abs_idx = ember.max(abs_diff, 0)
    rel_diff = abs_diff / ef.abs()
    rel_diff[mf] = 0
    max_rel, rel_idx = ember.max(rel_diff, 0)
    shape = tuple(matches.shape)

    def unravel(flat):
        index = []
        for size in reversed(shape):
            flat, mod = divmod(flat, size)
            index.append(mod)
        return tuple(reversed(index))
    return _errors.testing_mismatch("Tensor-likes", extra, max_abs.item(),
                                    unravel(int(abs_idx)), atol, max_rel.item(),
                                    unravel(int(rel_idx)), rtol)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise if ``actual`` and ``expected`` (tensors, scalars, or sequences / mappings of them)
    are not close: ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with the
    default tolerances of their dtype, after the attribute checks."""
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                   equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_layout=check_layout, check_stride=check_stride)
    try:
        pairs = list(_pairs(actual, expected, (), options))
    except _Mismatch as m:
        raise m.to_error() from None
    for compare, id in pairs:
        try:
            compare()
        except AssertionError as error:
            raise _Mismatch(error, id).to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated: ``assert_close`` with looser defaults and no dtype check."""
    warnings.warn(_errors.ASSERT_ALLCLOSE_DEPRECATED, FutureWarning, stacklevel=2)
    import ember
    if not isinstance(actual, Tensor):
        actual = ember.tensor(actual)
    if not isinstance(expected, Tensor):
        expected = ember.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = default_tolerances(actual, expected, dtype_precisions={
            D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
