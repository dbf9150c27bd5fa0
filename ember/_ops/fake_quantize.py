"""Fake quantization: ``torch.fake_quantize_per_tensor_affine`` / ``_per_channel_affine``.

Values are rounded onto the integer grid ``round(x / scale) + zero_point``, clamped to
``[quant_min, quant_max]`` and mapped back to floating point, all in the input's dtype (half
precision computes in float32).  The gradient is the straight-through estimator: the incoming
gradient where the grid value fell inside the range, zero where it was clamped (the op saves
that mask, as torch's ``*_cachemask`` kernels do).
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make
from ._core import needs_grad, node_class, record, register

_FLOATS = (D.float32, D.float64, D.float16, D.bfloat16)


def _masked_grad(node, g):
    mask, = node.saved()
    return (g * mask,)


PerTensorBackward = node_class("FakeQuantizePerTensorAffineCachemaskBackward0", _masked_grad)
PerTensorQparamsBackward = node_class(
    "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0", _masked_grad)
PerChannelBackward = node_class("FakeQuantizePerChannelAffineCachemaskBackward0", _masked_grad)


def _grid(input, scale, zero_point, quant_min, quant_max, float_zero_point=False):
    """The fake-quantized ``input`` and the mask of values inside the range.  ``scale``: a
    float32 scalar (the grid values are scaled back in float32, as torch's per-tensor kernel
    does) or a float32 array broadcasting against ``input`` (scaled back in float64, as the
    per-channel kernel does); ``zero_point`` likewise."""
    xp = input._device._backend.xp
    x = input._data
    if x.dtype.itemsize < 4:
        x = x.astype(np.float32)
    scaled = x * (np.float32(1) / scale)
    q = xp.rint(scaled + zero_point) if float_zero_point else xp.rint(scaled) + zero_point
    mask = (q >= quant_min) & (q <= quant_max)
    if scale.ndim:
        scale = scale.astype(np.float64)
    values = (xp.clip(q, quant_min, quant_max).astype(scale.dtype) - zero_point) * scale
    out = _make(values.astype(input._dtype.np, copy=False), input._dtype, input._device)
    return out, _make(mask, D.bool_, input._device)


def _check(input, quant_min, quant_max, kernel):
    if input._dtype not in _FLOATS:
        raise _errors.kernel_not_implemented(kernel, input._dtype)
    if quant_min > quant_max:
        raise _errors.quant_min_above_max()


@register("fake_quantize_per_tensor_affine", method=False,
          nodes=(PerTensorBackward.__name__, PerTensorQparamsBackward.__name__))
def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    _check(input, quant_min, quant_max, "fake_quantize_tensor_cachemask_kernel_type_handling")
    if isinstance(scale, Tensor):
        if needs_grad(scale):
            raise _errors.not_differentiable_wrt(
                "_fake_quantize_per_tensor_affine_cachemask_tensor_qparams", "scale")
        node_cls, scale, zero_point = PerTensorQparamsBackward, scale.item(), int(zero_point.item())
    else:
        if not quant_min <= zero_point <= quant_max:
            raise _errors.zero_point_out_of_range()
        node_cls = PerTensorBackward
    out, mask = _grid(input, np.float32(scale), zero_point, quant_min, quant_max)
    if needs_grad(input):
        record(out, node_cls, (input,), saved=(mask,))
    return out


@register("fake_quantize_per_channel_affine", method=False, nodes=(PerChannelBackward.__name__,))
def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    if scale._dtype not in (D.float32, D.bfloat16):
        raise _errors.fake_quant_scale_dtype(scale._dtype)
    float_zero_point = zero_point._dtype in (D.float32, D.float16)
    if not float_zero_point and zero_point._dtype is not D.int32:
        raise _errors.fake_quant_zero_point_dtype(zero_point._dtype)
    for t, which in ((scale, "scale"), (zero_point, "zero point")):
        if t.dim() != 1:
            raise _errors.fake_quant_qparams_not_1d(which)
    if scale.numel() != zero_point.numel():
        raise _errors.fake_quant_qparams_sizes()
    if scale.numel() != input.size(axis):
        raise _errors.fake_quant_channels()
    _check(input, quant_min, quant_max, "fake_quantize_channel_cachemask_cpu_type_handling")
    if not float_zero_point and zero_point.numel() and (
            zero_point.min().item() < quant_min or zero_point.max().item() > quant_max):
        raise _errors.zero_point_out_of_range()
    shape = [1] * input.dim()
    shape[axis] = -1
    out, mask = _grid(input, scale._data.astype(np.float32).reshape(shape),
                      zero_point._data.reshape(shape), quant_min, quant_max, float_zero_point)
    if needs_grad(input):
        record(out, PerChannelBackward, (input,), saved=(mask,))
    return out
