"""PyTorch's long tail beyond the registered ops: top-level in-place function forms
(``torch.relu_(x)``), small predicates and
switches, deprecated spellings old code still calls (``torch.range``, ``Tensor.new``), and the
Tensor methods that are thin wrappers (``is_nonzero``, ``apply_``, ``map_``)."""
import math
import warnings

from . import _dtype, _errors
from ._device import device as _device
from ._ops._core import OPS
from ._ops._numpy_names import OPERAND_NAMES, accepting
from ._ops.nn_pool import adaptive_max_pool1d as _functional_adaptive_max_pool1d
from ._tensor import Tensor
from ._utils import _get_available_device_type, _get_device_module
from .accelerator import current_device_index as _current_device_index
from .autograd.function import Function

# torch.<name>_(input, ...) is input.<name>_(...) for these
_INPLACE_METHODS = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
    "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
    "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_", "exp_",
    "expm1_", "fix_", "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_", "log10_", "log1p_",
    "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_",
    "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_",
    "tan_", "tanh_", "trunc_", "xlogy_", "conj_physical_", "index_put_", "addmv_", "as_strided_")

__all__ = list(_INPLACE_METHODS) + [
    "detach_", "is_nonzero", "is_same_size", "adaptive_max_pool1d", "get_device_module", "is_signed", "is_inference",
    "get_device", "typename", "is_storage", "range", "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
    "set_anomaly_enabled", "is_warn_always_enabled", "set_warn_always",
    "_convert_indices_from_coo_to_csr", "_convert_indices_from_csr_to_coo",
    "set_default_tensor_type", "is_distributed", "matrix_rank", "eig", "symeig", "lstsq",
    "solve"]


def _function_form(name):
    """``torch.<name>``: the Tensor method, taking NumPy's names for ``input`` / ``other``
    (``torch.relu_(x=t)``) as torch's parser does for its in-place functions."""
    method, op = getattr(Tensor, name), OPS.get(name[:-1])
    return method if op is None else accepting(method, name, OPERAND_NAMES, signature_of=op.fn)


globals().update((name, _function_form(name)) for name in _INPLACE_METHODS)


def _detach_(input):
    """``torch.detach_(t)``: ``t.detach_()``."""
    return input.detach_()


detach_ = accepting(_detach_, "detach_", OPERAND_NAMES)
detach_.__name__ = detach_.__qualname__ = "detach_"


def is_nonzero(input):
    """``bool(input)`` for a one-element tensor (torch's errors otherwise)."""
    n = input.numel()
    if n != 1:
        raise _errors.bool_ambiguous(n)
    return bool(input.item())


def is_same_size(input, other):
    return input.shape == other.shape


def get_device_module(device=None):
    """The module of a device type (``ember.cuda`` for ``"cuda:0"``); for None, the current
    accelerator's, or ``ember.cpu`` without one."""
    if isinstance(device, str):
        device = _device(device)
    if device is None:
        return _get_device_module(_get_available_device_type() or "cpu")
    if not isinstance(device, _device):
        raise _errors.device_module_argument(device)
    return _get_device_module(device.type)


def adaptive_max_pool1d(input, output_size):
    """torch's function form: (values, indices), where nn.functional's takes
    ``return_indices``."""
    return _functional_adaptive_max_pool1d(input, output_size, True)


def _new(self, *args, device=None):
    """Legacy ``Tensor.new``: sizes give an uninitialised tensor, a sequence gives its data, a
    ``Size`` gives that shape; the dtype (and by default the device) are ``self``'s."""
    from ._tensor import Size
    if not args:
        return self.new_empty((0,), device=device)
    if len(args) == 1 and not isinstance(args[0], (int, Size)) and not hasattr(args[0], "__index__"):
        return self.new_tensor(args[0], device=device)
    return self.new_empty(args[0] if len(args) == 1 and isinstance(args[0], Size) else args,
                          device=device)


def _apply_(self, callable):
    """Replace each element ``x`` by ``callable(x)`` (CPU, no autograd; slow)."""
    if self._requires_grad:
        raise _errors.apply_requires_grad("apply_")
    flat = [callable(v) for v in self.tolist()] if self.dim() else callable(self.item())
    return self.copy_(self.new_tensor(flat).reshape(self.shape))


def _map_elements(self, name, tensors, callable):
    """Replace each element ``x`` of ``self`` by ``callable(x, *ys)``, the ``ys`` from
    ``tensors`` broadcast to ``self`` (CPU, no autograd; slow)."""
    if self._requires_grad:
        raise _errors.apply_requires_grad(name)
    columns = [self.reshape(-1).tolist()] + [t.expand_as(self).reshape(-1).tolist()
                                             for t in tensors]
    values = [callable(*row) for row in zip(*columns)]
    return self.copy_(self.new_tensor(values).reshape(self.shape))


def _map_(self, tensor, callable):
    return _map_elements(self, "map_", (tensor,), callable)


def _map2_(self, x, y, callable):
    return _map_elements(self, "map2_", (x, y), callable)


class Resize(Function):
    """torch's autograd function behind the deprecated ``Tensor.resize`` (``ResizeBackward``):
    the same elements in a new shape."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        ctx.input_sizes = tensor.shape
        numel = math.prod(sizes)
        if numel != tensor.numel():
            raise _errors.autograd_resize_numel(sizes, numel, tensor.shape, tensor.numel())
        return tensor.contiguous().view(sizes)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None


def _resize(self, *sizes):
    """Deprecated: ``self``'s elements in a tensor of ``sizes`` (the same number of them)."""
    warnings.warn(_errors.non_inplace_deprecated("resize"), UserWarning, stacklevel=2)
    return Resize.apply(self, sizes)


def _resize_as(self, tensor):
    warnings.warn(_errors.non_inplace_deprecated("resize_as"), UserWarning, stacklevel=2)
    return Resize.apply(self, tuple(tensor.shape))


def _dim_order(self, *, ambiguity_check=False):
    """The dims from the outermost in memory to the innermost.  ``ambiguity_check``: True, or
    a list of memory formats of which exactly one must fit, refuses a tensor whose order is not
    unique (equal strides, or a dim of size 1), and a broadcast one."""
    from ._layout import memory_format
    from ._ops.memory_format import _axis_order
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    if not isinstance(ambiguity_check, bool) and not (
            isinstance(ambiguity_check, list)
            and all(isinstance(f, memory_format) for f in ambiguity_check)):
        raise _errors.dim_order_check_type()
    if ambiguity_check is not False:
        strides = self.stride()
        ambiguous = 1 in self.shape or any(a == b for a, b in zip(strides, strides[1:]))
        if ambiguous and sum(self.is_contiguous(memory_format=f) for f in formats) != 1:
            raise _errors.dim_order_ambiguous()
        if 0 in strides:    # a broadcast dim has no place in memory
            raise _errors.dim_order_ambiguous(formats=False)
    return tuple(_axis_order(self._data))


def _module_load(self, other, assign=False):
    """What ``load_state_dict`` stores for ``other`` into ``self``'s place: ``other`` itself,
    detached (subclasses override this)."""
    return other.detach()


def _volatile(self):
    warnings.warn(_errors.VOLATILE_REMOVED, UserWarning, stacklevel=2)
    return False


def _removed_method(name):
    def removed(self, *args, **kwargs):
        raise _errors.removed_since_1_9(name)
    removed.__name__ = removed.__qualname__ = name
    return removed


def _chalf(self, memory_format=None):
    raise _errors.complex32_unsupported()


def _storage(self):
    from .storage import typed_storage_of
    return typed_storage_of(self)


def _storage_type(self):
    from .storage import storage_type_of
    return storage_type_of(self)


def _to_device_type(kind):
    """``Tensor.xpu()`` & co. for device types Ember has no backend for: ``to(kind)`` raises
    what a CPU-only torch raises (an explicit index asks for the accelerator first)."""
    def move(self, device=None, non_blocking=False, memory_format=None):
        if device is not None:
            _current_device_index()
        return self.to(kind, non_blocking=non_blocking)
    move.__name__ = move.__qualname__ = kind
    return move


_METHODS = {   # Tensor attribute -> what this module gives it
    "storage": _storage, "storage_type": _storage_type, "is_nonzero": is_nonzero,
    "is_same_size": is_same_size, "new": _new, "apply_": _apply_, "map_": _map_,
    "map2_": _map2_, "resize": _resize, "resize_as": _resize_as, "dim_order": _dim_order,
    "module_load": _module_load, "volatile": property(_volatile),
    "is_xla": property(lambda self: False), "chalf": _chalf,
    "const_data_ptr": Tensor.data_ptr, "to_sparse_coo": lambda self: self.to_sparse()}
_METHODS.update((name, _removed_method(name)) for name in ("eig", "symeig", "lstsq", "solve"))
_METHODS.update((kind, _to_device_type(kind)) for kind in ("xpu", "ipu", "mtia"))
for _name, _value in _METHODS.items():
    setattr(Tensor, _name, _value)


def is_signed(input):
    return input.is_signed()


def is_inference(input):
    return input.is_inference()


def get_device(input):
    return input.get_device()


def typename(obj):
    """The legacy type name of a tensor (``torch.FloatTensor``); else ``module.qualname`` of
    the object if it has a name (a class, a function), or of its class."""
    if isinstance(obj, Tensor):
        return obj.type()
    named = obj if hasattr(obj, "__qualname__") or hasattr(obj, "__name__") else type(obj)
    module = (getattr(named, "__module__", "") if named is obj else named.__module__) or ""
    name = getattr(named, "__qualname__", None) or named.__name__
    return name if module in ("", "builtins") else f"{module}.{name}"


def is_storage(obj):
    """Whether ``obj`` is a storage (untyped, or the deprecated typed view)."""
    from .storage import TypedStorage, UntypedStorage
    return isinstance(obj, (UntypedStorage, TypedStorage))


def range(start, end, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad=False):
    """Deprecated: ``start`` to ``end`` inclusive, floating by default (``arange`` excludes
    ``end``)."""
    warnings.warn(_errors.TORCH_RANGE_DEPRECATED, UserWarning, stacklevel=2)
    from . import _dtype as D
    from ._ops.creation import arange
    dt = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    n = int((end - start) // step) + 1
    values = arange(n, dtype=D.float64) * step + start
    out_t = values.to(dt, device=device).requires_grad_(requires_grad)
    return out_t if out is None else out.resize_(out_t.shape).copy_(out_t)


_default_tensor_type = {"warned": False, "cuda": False}


def set_default_tensor_type(t):
    """Deprecated: a floating legacy type (``torch.DoubleTensor``, or its dotted name) sets the
    default dtype; a CUDA one makes CUDA the default device until a CPU type is set again.
    Warns once per process, as torch does."""
    if not _default_tensor_type["warned"]:
        _default_tensor_type["warned"] = True
        warnings.warn(_errors.default_tensor_type_deprecated(), UserWarning, stacklevel=2)
    from . import _dtype as D
    from ._legacy_types import tensortype
    if isinstance(t, str):
        t = _dotted(t)
    if not isinstance(t, tensortype):
        raise _errors.default_tensor_type_not_floating(invalid_object=True)
    if t.is_cuda:
        from . import cuda
        if not cuda.is_available():
            raise _errors.legacy_type_unavailable(t)
    if not t.dtype.is_floating_point:
        raise _errors.default_tensor_type_not_floating()
    from ._device import set_default_device
    D.set_default_dtype(t.dtype)
    if t.is_cuda or _default_tensor_type["cuda"]:
        set_default_device("cuda" if t.is_cuda else None)
        _default_tensor_type["cuda"] = t.is_cuda


def _dotted(name):
    """The object a dotted name names; ``torch.`` names are Ember's own."""
    import importlib
    first, *rest = name.split(".")
    obj = importlib.import_module(__package__ if first == "torch" else first)
    for part in rest:
        obj = getattr(obj, part)
    return obj


def is_distributed(input):
    """False: no tensor is distributed."""
    if not isinstance(input, Tensor):
        raise _errors.argument_type("is_distributed", "input", 1, input)
    return False


Tensor.is_distributed = is_distributed


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise _errors.removed_since_1_9("matrix_rank")


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise _errors.removed_since_1_9("eig")


def _symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise _errors.removed_since_1_9("symeig")


symeig = _symeig    # (torch's is named so too)


def lstsq(input, A, *, out=None):
    raise _errors.removed_since_1_9("lstsq")


def solve(input, A, *, out=None):
    raise _errors.removed_since_1_9("solve")


def is_anomaly_enabled():
    from .autograd.anomaly_mode import is_anomaly_enabled as enabled
    return enabled()


def is_anomaly_check_nan_enabled():
    from .autograd.anomaly_mode import is_anomaly_check_nan_enabled as enabled
    return enabled()


def set_anomaly_enabled(enabled, check_nan=True):
    from .autograd.graph import _anomaly
    _anomaly[0], _anomaly[1] = bool(enabled), bool(check_nan)


_warn_always = [False]


def is_warn_always_enabled():
    return _warn_always[0]


def set_warn_always(b):
    """PyTorch's switch for warnings it gives once; kept (Ember's once-warnings use Python's
    warning filters)."""
    _warn_always[0] = bool(b)


def _convert_indices_from_coo_to_csr(input, size, *, out_int32=False):
    """CSR row pointers (``size + 1`` offsets) of sorted COO row indices: entry ``i`` counts
    the indices below ``i``."""
    from ._ops import functions
    bounds = functions["arange"](size + 1, dtype=input.dtype, device=input.device)
    return functions["searchsorted"](input, bounds, out_int32=out_int32)


def _convert_indices_from_csr_to_coo(crow_indices, col_indices, *, out_int32=False,
                                     transpose=False):
    """The (2, nnz) COO indices of CSR row pointers and column indices."""
    from ._ops import functions
    dtype = _dtype.int32 if out_int32 else col_indices.dtype
    rows = functions["arange"](crow_indices.shape[-1] - 1, device=crow_indices.device)
    rows = functions["repeat_interleave"](rows, crow_indices.diff()).to(dtype)
    pair = (col_indices.to(dtype), rows) if transpose else (rows, col_indices.to(dtype))
    return functions["stack"](pair)
