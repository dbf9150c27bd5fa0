"""``QConfig``: which observer (or fake quantizer) constructors watch a module's activations
and weights, and torch's default configurations per backend."""
import warnings
from collections import namedtuple

import ember as torch

from ... import _errors
from ...nn import Module
from .fake_quantize import (FakeQuantize, FusedMovingAvgObsFakeQuantize,
                            default_fake_quant,
                            default_fused_per_channel_wt_fake_quant, default_fused_wt_fake_quant,
                            default_per_channel_weight_fake_quant, default_weight_fake_quant)
from .observer import (HistogramObserver, MovingAverageMinMaxObserver, NoopObserver,
                       PlaceholderObserver, default_debug_observer,
                       default_dynamic_quant_observer, default_float_qparams_observer,
                       default_observer, default_per_channel_weight_observer,
                       default_placeholder_observer, default_weight_observer)

__all__ = ["QConfig", "QConfigDynamic", "default_qconfig", "default_debug_qconfig",
           "default_per_channel_qconfig", "default_dynamic_qconfig", "float16_dynamic_qconfig",
           "float16_static_qconfig", "per_channel_dynamic_qconfig",
           "float_qparams_weight_only_qconfig", "default_qat_qconfig",
           "default_weight_only_qconfig", "default_activation_only_qconfig",
           "get_default_qconfig", "get_default_qat_qconfig", "qconfig_equals"]

_BACKENDS = ["fbgemm", "x86", "qnnpack", "onednn"]


class QConfig(namedtuple("QConfig", ["activation", "weight"])):
    """Constructors (classes or ``with_args`` partials, never instances) of the observers for
    a module's output and its weight."""
    __slots__ = ()

    def __new__(cls, activation, weight):
        if isinstance(activation, Module) or isinstance(weight, Module):
            raise _errors.qconfig_observer_instance("QConfig")
        return super().__new__(cls, activation, weight)


class QConfigDynamic(namedtuple("QConfigDynamic", ["activation", "weight"])):
    """Deprecated form of ``QConfig`` for dynamic quantization."""
    __slots__ = ()

    def __new__(cls, activation=torch.nn.Identity, weight=torch.nn.Identity):
        if isinstance(weight, Module):
            raise _errors.qconfig_observer_instance("QConfigDynamic")
        warnings.warn("QConfigDynamic is going to be deprecated in PyTorch 1.12, please use "
                      "QConfig instead")
        return super().__new__(cls, activation, weight)


default_qconfig = QConfig(activation=default_observer, weight=default_weight_observer)
default_debug_qconfig = QConfig(weight=default_weight_observer,
                                activation=default_debug_observer)
default_per_channel_qconfig = QConfig(activation=default_observer,
                                      weight=default_per_channel_weight_observer)
default_dynamic_qconfig = QConfig(activation=default_dynamic_quant_observer,
                                  weight=default_weight_observer)
float16_dynamic_qconfig = QConfig(
    activation=PlaceholderObserver.with_args(dtype=torch.float16, is_dynamic=True),
    weight=PlaceholderObserver.with_args(dtype=torch.float16))
float16_static_qconfig = QConfig(activation=PlaceholderObserver.with_args(dtype=torch.float16),
                                 weight=PlaceholderObserver.with_args(dtype=torch.float16))
per_channel_dynamic_qconfig = QConfig(activation=default_dynamic_quant_observer,
                                      weight=default_per_channel_weight_observer)
float_qparams_weight_only_qconfig = QConfig(activation=default_placeholder_observer,
                                            weight=default_float_qparams_observer)
default_qat_qconfig = QConfig(activation=default_fake_quant, weight=default_weight_fake_quant)
default_weight_only_qconfig = QConfig(activation=torch.nn.Identity,
                                      weight=default_weight_fake_quant)
default_activation_only_qconfig = QConfig(activation=default_fake_quant,
                                          weight=torch.nn.Identity)
default_reuse_input_qconfig = QConfig(activation=default_placeholder_observer,
                                      weight=NoopObserver)


def _check_backend(backend):
    if backend not in _BACKENDS:
        raise _errors.qconfig_backend(backend, _BACKENDS)


def get_default_qconfig(backend="x86", version=0):
    """torch's post-training qconfig for ``backend`` (a histogram observer for activations)."""
    _check_backend(backend)
    if version != 0:
        raise _errors.qconfig_version("get_default_qconfig", version, "0")
    weight = default_weight_observer if backend == "qnnpack" \
        else default_per_channel_weight_observer
    return QConfig(activation=HistogramObserver.with_args(
        reduce_range=backend in ("fbgemm", "x86")), weight=weight)


def get_default_qat_qconfig(backend="x86", version=1):
    """torch's quantization-aware-training qconfig for ``backend``: fake quantizers with
    moving-average observers (fused ones for ``version=1``)."""
    _check_backend(backend)
    if version not in (0, 1):
        raise _errors.qconfig_version("get_default_qat_qconfig", version, "0 or 1")
    act = {"observer": MovingAverageMinMaxObserver, "quant_min": 0, "quant_max": 255}
    if backend != "onednn":
        act["reduce_range"] = backend in ("fbgemm", "x86")
    if version == 0:
        activation = FakeQuantize.with_args(**act)
        weight = default_weight_fake_quant if backend == "qnnpack" \
            else default_per_channel_weight_fake_quant
    else:
        activation = FusedMovingAvgObsFakeQuantize.with_args(**act)
        weight = default_fused_wt_fake_quant if backend == "qnnpack" \
            else default_fused_per_channel_wt_fake_quant
    return QConfig(activation=activation, weight=weight)


def _partial_wrapper_equals(a, b):
    if hasattr(a, "p") and hasattr(b, "p"):
        a, b = a.p, b.p
        return a.func == b.func and a.args == b.args and a.keywords == b.keywords
    return a == b


def qconfig_equals(q1, q2):
    """Whether two qconfigs build the same observers."""
    if q1 is None or q2 is None:
        return q1 == q2
    return _partial_wrapper_equals(q1.activation, q2.activation) and \
        _partial_wrapper_equals(q1.weight, q2.weight)
