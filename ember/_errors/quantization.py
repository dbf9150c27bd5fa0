"""Fake quantization ops and ``torch.ao.quantization`` (observers, qconfigs, prepare)."""
from .base import legacy_scalar_type


def quant_min_above_max():
    return RuntimeError("`quant_min` should be less than or         equal to `quant_max`.")


def zero_point_out_of_range():
    return RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")


def fake_quant_scale_dtype(dtype):
    return RuntimeError(f"Scale must be Float or BFloat16, found {legacy_scalar_type(dtype)}")


def fake_quant_zero_point_dtype(dtype):
    return RuntimeError(f"Zero-point must be Int32, Float or Half, found "
                        f"{legacy_scalar_type(dtype)}")


def fake_quant_qparams_not_1d(which):
    return RuntimeError(f"{which} should be a 1-D tensor")


def fake_quant_qparams_sizes():
    return RuntimeError("scale and zero-point need to have the same dimensions")


def fake_quant_channels():
    return RuntimeError("dimensions of scale and zero-point are not consistent with input tensor")


def observer_dtype():
    return AssertionError("Default Observer only works for qint8, quint8 and quint4x2 data type")


def observer_qscheme():
    return AssertionError("Default Observer only supports per_tensor_affine, "
                          "per_tensor_symmetric, per_channel_affine, per_channel_symmetric and "
                          "per_channel_float_qparams quantization scheme")


def observer_quant_range():
    return AssertionError("Used-specified quantization range must include 0.")


def observer_quant_order():
    return AssertionError("qmin must be strictly less than qmax for user-specified "
                          "quantization range.")


def observer_min_max(min_val, max_val):
    return AssertionError(f"min {min_val} should be less than max {max_val}")


def quantized_tensors_missing(what):
    """What needs quantized tensors (qint8 storage and the quantized kernels)."""
    return NotImplementedError(
        f"{what} needs quantized tensors (torch.qint8 / torch.quint8 storage and the quantized "
        "kernels), which Ember does not have; observers, fake quantization and "
        "quantization-aware training (prepare / prepare_qat) run in floating point")


def not_differentiable_wrt(function, argument):
    return RuntimeError(f"The function '{function}' is not differentiable with respect to "
                        f"argument '{argument}'. This input cannot have requires_grad True.")


def observer_bit_range(n):
    return AssertionError("quantization range should be positive and not exceed the maximum bit "
                          f"range (={n}).")


def float_functional_forward():
    return RuntimeError("FloatFunctional is not intended to use the 'forward'. Please use the "
                        "underlying operation")
