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


def observer_dtype(dtypes):
    return AssertionError(f"Default Observer only works for {dtypes} data type")


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


# ---- observers ---------------------------------------------------------------------------------
def observer_per_tensor_only(qscheme=None, name="MinMaxObserver"):
    """MinMaxObserver / HistogramObserver (``qscheme`` None) or MovingAverageMinMaxObserver
    given a per-channel scheme."""
    if qscheme is None:
        return NotImplementedError(f"{name}'s qscheme only support "
                                   "torch.per_tensor_symmetric                     and "
                                   "torch.per_tensor_affine.")
    return NotImplementedError("MovingAverageMinMaxObserver's qscheme only support       "
                               "          torch.per_tensor_symmetric and torch.per_tensor_affine."
                               f"                 but got: {qscheme}")


def observer_per_channel_only(name):
    return NotImplementedError(f"{name}'s qscheme only support                     "
                               "torch.per_channel_symmetric, torch.per_channel_affine and "
                               "torch.per_channel_affine_float_qparams.")


def observer_not_dynamic(name, averaging_constant=None):
    tail = "" if averaging_constant is None else \
        f" for averaging constant of {averaging_constant}"
    return NotImplementedError(f"{name} doesn't support dynamic quantization{tail}")


def observer_symmetric_reduce_range():
    return NotImplementedError("Cannot reduce range for symmetric                               "
                               "         quantization for quint8")


def observer_cannot_reset():
    return NotImplementedError("Cannot reset min/max values in the given observer.")


def observer_no_qparams(name):
    return Exception(f"calculate_qparams should not be called for {name}")  # noqa: TRY002


def observer_state_key(kind, key):
    return Exception(f"{kind} keys for observer {key} in state_dict")  # noqa: TRY002


# ---- fake quantize modules, qconfigs, the workflow -------------------------------------------
def fake_quant_range(what):
    return AssertionError({"order": "quant_min must be less than or equal to quant_max",
                           "min": "quant_min out of bound",
                           "max": "quant_max out of bound"}[what])


def fake_quant_scheme(qscheme):
    return AssertionError("Only per channel and per tensor quantization are supported in fake "
                          f"quantize got qscheme: {qscheme}")


def qconfig_observer_instance(name):
    return ValueError(f"{name} received observer instance, please pass observer class instead. "
                      "Use MyObserver.with_args(x=1) to override arguments to constructor if "
                      "needed")


def qconfig_backend(backend, supported):
    return AssertionError(f"backend: {backend} not supported. backend must be one of "
                          f"{supported}")


def qconfig_version(function, version, allowed):
    gap = " " if function == "get_default_qconfig" else ""
    return AssertionError(f"Version number: {version}{gap}in {function} is not supported. "
                          f"Version number must be {allowed}")


_WORKFLOW = {
    "same_mode": "{first} and BN both must be in the same mode (train or eval).",
    "bn_channels": "Output channel of {conv} must match num_features of {bn}{end}",
    "bn_features": "Output features of Linear must match num_features of {bn}",
    "bn_affine": "Only support fusing {bn} with affine set to True",
    "bn_running_stats": "Only support fusing {bn} with tracking_running_stats set to True",
    "no_fuser": "did not find fuser method for: {types} ",
    "devices": "{function} only works with cpu or single-device CUDA modules, but got devices "
               "{devices}",
    "qat_training": "prepare_qat only works on models in training mode",
    "qat_qconfig": "qconfig must be provided for QAT module",
    "qat_from": "qat.{name}.from_float only works for {float_name}, got {got}",
    "qat_no_qconfig": "Input float module must have qconfig defined",
    "qat_bad_qconfig": "Input float module must have a valid qconfig",
    "fused_types": "Incorrect types for input modules: {listed}",
}


def quantization_workflow(key, **fields):
    """The AssertionErrors of fusion, prepare and the QAT modules (torch's asserts)."""
    return AssertionError(_WORKFLOW[key].format(**fields))


def fuse_not_supported(what, modules):
    if what == "convtranspose_qat":
        return Exception("Fusing ConvTranspose+BatchNorm not yet supported in QAT.")  # noqa
    return NotImplementedError(f"Cannot fuse {what} modules: {modules}")


def quantization_deprecated():
    """torch 2.13's DeprecationWarning text for the eager quantization entry points."""
    return ("torch.ao.quantization is deprecated and will be removed in 2.10. \n"
            "For migrations of users: \n"
            "1. Eager mode quantization (torch.ao.quantization.quantize, "
            "torch.ao.quantization.quantize_dynamic), please migrate to use torchao eager mode "
            "quantize_ API instead \n"
            "2. FX graph mode quantization (torch.ao.quantization.quantize_fx.prepare_fx,"
            "torch.ao.quantization.quantize_fx.convert_fx, please migrate to use torchao pt2e "
            "quantization API instead (prepare_pt2e, convert_pt2e) \n"
            "3. pt2e quantization has been migrated to torchao "
            "(https://github.com/pytorch/ao/tree/main/torchao/quantization/pt2e) \n"
            "see https://github.com/pytorch/ao/issues/2259 for more details")


def quantization_not_written(what):
    return NotImplementedError(f"{what} is not implemented in Ember (eager-mode quantization "
                               "is: torch.ao.quantization.prepare / prepare_qat)")
