"""Ember: PyTorch's programming model in Python, on NumPy (CPU) and CuPy (CUDA).

``import ember as torch`` is meant to be enough for ordinary PyTorch code.
"""
import math

from . import _dtype
from ._dtype import (dtype, float16, bfloat16, float32, float64, complex64, complex128, uint8,
                     int8, int16, int32, int64, uint16, uint32, uint64, float8_e4m3fn,
                     float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, complex32, get_default_dtype,
                     set_default_dtype, promote_types, qint8, quint8, qint32, quint4x2, quint2x4)
from ._dtype import bool_ as bool  # noqa: A001  (torch.bool)
from ._device import device
from ._tensor import Tensor, Size, is_tensor
from ._type_info import finfo, iinfo
from . import _errors
from ._errors import UnsupportedError
from . import autograd
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                 is_grad_enabled, is_inference_mode_enabled)
from . import _ops
from . import cuda, accelerator, backends

half = float16
float = float32  # noqa: A001
double = float64
cfloat = complex64
cdouble = complex128
chalf = complex32
short = int16
int = int32  # noqa: A001
long = int64

globals().update({k: v for k, v in _ops.functions.items() if k not in globals()})

from .version import EMBER_VERSION as __version__  # noqa: E402  (torch's under ember.run)
from ._device import get_default_device, set_default_device  # noqa: E402
from ._layout import (layout, memory_format, strided, sparse_coo, sparse_csr, jagged,  # noqa: E402
                      contiguous_format, preserve_format, channels_last, channels_last_3d,
                      legacy_contiguous_format)
from ._global_state import *  # noqa: E402,F401,F403
from ._storage import UntypedStorage  # noqa: E402

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None


def result_type(tensor, other):
    return _dtype.result_type(tensor, other)


def can_cast(from_, to):
    return _dtype.can_cast(from_, to)


def is_floating_point(input):
    return input._dtype.is_floating_point


def is_complex(input):
    return input._dtype.is_complex


def numel(input):
    return input.numel()


def _assert(condition, message):
    """``assert condition, message`` as a call, so that symbolic tracing can record it."""
    if not condition:
        raise AssertionError(message)


from . import linalg  # noqa: E402
# Eager, like linalg (it only names ops): a module first imported while jit.trace / fx patch the
# op bindings would hand out unpatched functions, which the trace would bake in as constants.
from . import special  # noqa: E402
from ._tensor_str import set_printoptions, get_printoptions  # noqa: E402
from ._ops.random import (Generator, default_generator, manual_seed, seed,  # noqa: E402
                          initial_seed, get_rng_state, set_rng_state)
from . import random  # noqa: E402
from ._ops.sparse import sparse_coo_tensor  # noqa: E402
from ._torch_functions import *  # noqa: E402,F401,F403
from ._errors import OutOfMemoryError  # noqa: E402,F401
from ._quantized import *  # noqa: E402,F401,F403


# Subpackages that core tensor code never needs load on first use (PEP 562), which keeps
# ``import ember`` fast; ``ember.nn`` etc. behave exactly as if imported eagerly.
_LAZY_MODULES = {"nn", "optim", "utils", "hub", "serialization", "vision", "distributed",
                 "jit", "onnx", "fx", "compiler", "_dynamo", "storage", "library",
                 "overrides", "_C", "amp", "cpu", "testing", "multiprocessing", "futures",
                 "profiler", "distributions", "func", "export", "nested",
                 "fft", "signal", "masked", "sparse", "__config__", "quasirandom", "functional",
                 "_utils", "xpu", "mps", "ao", "quantization", "__future__"}
_LAZY_ATTRS = {"save": ("serialization", "save"), "load": ("serialization", "load"),
               "PyTorchFileReader": ("serialization", "PyTorchFileReader"),
               "ScriptModule": ("jit", "ScriptModule"), "ScriptFunction": ("jit", "ScriptFunction"),
               "compile": ("_dynamo.eval_frame", "compile"), "ops": ("library", "ops"),
               "autocast": ("amp.autocast_mode", "autocast"),
               "svd_lowrank": ("_lowrank", "svd_lowrank"),
               "pca_lowrank": ("_lowrank", "pca_lowrank"), "vmap": ("func", "vmap"),
               "lobpcg": ("_lobpcg", "lobpcg"),
               "from_dlpack": ("utils.dlpack", "from_dlpack"),
               "to_dlpack": ("utils.dlpack", "to_dlpack"),
               "cond": ("_higher_order_ops", "cond"),
               "while_loop": ("_higher_order_ops", "while_loop")}
_LAZY_ATTRS.update((name, ("amp.autocast_mode", name)) for name in (
    "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
    "autocast_increment_nesting", "autocast_decrement_nesting", "clear_autocast_cache",
    "is_autocast_cache_enabled", "set_autocast_cache_enabled", "is_autocast_cpu_enabled",
    "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype",
    "get_autocast_gpu_dtype", "set_autocast_gpu_dtype"))
_LAZY_ATTRS.update(Stream=("_streams", "Stream"), Event=("_streams", "Event"),
                   GradScaler=("amp", "GradScaler"))
_LAZY_ATTRS.update((name, ("jit._types", name)) for name in (
    "Type", "TensorType", "AnyType", "NoneType", "BoolType", "IntType", "FloatType",
    "ComplexType", "NumberType", "StringType", "DeviceObjType", "StreamObjType", "SymIntType",
    "SymBoolType", "PyObjectType"))
# functional forms torch also exposes at the top level
_LAZY_ATTRS.update((name, ("nn.functional", name)) for name in (
    "cosine_similarity", "pairwise_distance", "pdist", "rms_norm", "celu_", "selu_", "rrelu_",
    "threshold_", "conv_tbc"))
_LAZY_ATTRS.update((name, ("_ops.nn_basic", name)) for name in (
    "dropout_", "alpha_dropout_", "feature_dropout_", "feature_alpha_dropout_"))
# native functions torch exposes at the top level (``torch._VF``'s)
_LAZY_ATTRS.update((name, ("_VF", name)) for name in (
    "lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell",
    "rnn_relu_cell", "kl_div", "cosine_embedding_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "poisson_nll_loss", "triplet_margin_loss", "instance_norm",
    "native_dropout", "max_pool1d_with_indices", "frobenius_norm", "nuclear_norm",
    "norm_except_dim"))
_LAZY_ATTRS.update((name, ("_symbolic", name)) for name in (
    "SymInt", "SymFloat", "SymBool", "sym_int", "sym_float", "sym_max", "sym_min", "sym_not",
    "sym_ite", "sym_sum", "sym_sqrt", "sym_constrain_range", "sym_constrain_range_for_size",
    "sym_fresh_size"))
# torch's top-level ``fork`` / ``wait`` are TorchScript's (``torch.jit.fork`` / ``wait``)
_LAZY_ATTRS.update(fork=("jit._runtime", "fork"), wait=("jit._runtime", "_positional_wait"))


def __getattr__(name):
    import importlib
    if name == "torch":     # torch's top-level module is reachable as ``torch.torch``
        return importlib.import_module(__package__)
    if name.endswith("Storage") and name != "UntypedStorage":   # FloatStorage, TypedStorage...
        from . import storage
        found = {"TypedStorage": storage.TypedStorage,
                 "Storage": storage.LEGACY_STORAGES["FloatStorage"]}
        found.update(storage.LEGACY_STORAGES)
        if name in found:
            globals()[name] = found[name]
            return found[name]
    if name.endswith("Tensor") and name != "Tensor":    # FloatTensor & co., built on first use
        from ._legacy_types import CPU_TYPES
        if name in CPU_TYPES:
            globals().update(CPU_TYPES)
            return CPU_TYPES[name]
    if name.startswith("_foreach_"):    # the multi-tensor ops, made on first use
        from . import _foreach
        if name in _foreach.__all__:
            globals().update(_foreach._FUNCTIONS)
            return _foreach._FUNCTIONS[name]
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        globals()[name] = module
        return module
    if name in _LAZY_ATTRS:
        module_name, attr = _LAZY_ATTRS[name]
        value = getattr(importlib.import_module(f"{__package__}.{module_name}"), attr)
        globals()[name] = value
        return value
    raise _errors.module_attribute(__name__, name)


def __dir__():
    return sorted(set(globals()) | _LAZY_MODULES | set(_LAZY_ATTRS))
