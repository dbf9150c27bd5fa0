"""Helpers shared by observers and fake quantization: quantized ranges per dtype, checks of an
observed range, scheme predicates."""
import warnings

import ember as torch

from ... import _errors

__all__ = ["calculate_qmin_qmax", "check_min_max_valid", "validate_qmin_qmax"]


def is_per_tensor(qscheme):
    return qscheme in (torch.per_tensor_affine, torch.per_tensor_symmetric)


def is_per_channel(qscheme):
    return qscheme in (torch.per_channel_affine, torch.per_channel_affine_float_qparams,
                       torch.per_channel_symmetric)


def is_float_qparams(qscheme):
    return qscheme is torch.per_channel_affine_float_qparams


def validate_qmin_qmax(quant_min, quant_max):
    """A user-given range must contain 0 and be non-empty."""
    if not quant_min <= 0 <= quant_max:
        raise _errors.observer_quant_range()
    if not quant_min < quant_max:
        raise _errors.observer_quant_order()


_DEFAULT_RANGES = {   # dtype -> (range, range with reduce_range)
    torch.qint8: ((-128, 127), (-64, 63)), torch.int8: ((-128, 127), (-64, 63)),
    torch.quint8: ((0, 255), (0, 127)), torch.uint8: ((0, 255), (0, 127)),
    torch.qint32: ((-2 ** 31, 2 ** 31 - 1),) * 2, torch.int32: ((-2 ** 31, 2 ** 31 - 1),) * 2,
    torch.uint16: ((0, 2 ** 16 - 1),) * 2, torch.int16: ((-2 ** 15, 2 ** 15 - 1),) * 2,
}


def calculate_qmin_qmax(quant_min, quant_max, has_customized_qrange, dtype, reduce_range):
    """The quantized range of ``dtype``: the user's (halved under ``reduce_range``) or the
    dtype's default (4-bit for other dtypes)."""
    if has_customized_qrange:
        length = quant_max - quant_min + 1
        if dtype in (torch.qint8, torch.int8) and not 0 < length <= 256:
            raise _errors.observer_bit_range(256)
        if dtype in (torch.qint32, torch.int32) and not 0 < length <= 2 ** 32:
            raise _errors.observer_bit_range(2 ** 32)
        if reduce_range:
            quant_min, quant_max = quant_min // 2, quant_max // 2
        return quant_min, quant_max
    ranges = _DEFAULT_RANGES.get(dtype)
    return (0, 15) if ranges is None else ranges[bool(reduce_range)]


def check_min_max_valid(min_val, max_val):
    """False (with torch's warning) before anything was observed; asserts min <= max."""
    if min_val.numel() == 0 or max_val.numel() == 0:
        warnings.warn("must run observer before calling calculate_qparams. "
                      "Returning default values.")
        return False
    if min_val.dim() == 0 or max_val.dim() == 0:
        if min_val == float("inf") and max_val == float("-inf"):
            warnings.warn("must run observer before calling calculate_qparams. "
                          "Returning default values.")
            return False
        if not min_val <= max_val:
            raise _errors.observer_min_max(min_val, max_val)
    elif not torch.all(min_val <= max_val):
        raise _errors.observer_min_max(min_val, max_val)
    return True
