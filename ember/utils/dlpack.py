"""DLPack, both ways: ``Tensor.__dlpack__`` / ``__dlpack_device__``, ``to_dlpack`` and
``from_dlpack`` (``torch.utils.dlpack``), sharing memory with NumPy, CuPy, PyTorch and any other
DLPack producer or consumer, as PyTorch does.

The capsules themselves are made and read by the array library of the tensor's device (NumPy's
and CuPy's ``__dlpack__`` / ``from_dlpack``).  What those lack is bfloat16: here it crosses as
16-bit unsigned words whose DLPack type code is rewritten in the capsule (``kDLBfloat``), so a
bfloat16 tensor keeps its dtype on the other side.
"""
import ctypes
import enum

from .. import _errors
from .._device import device as _device
from .._dtype import bfloat16, from_numpy_dtype
from .._tensor import Tensor, _make

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    """DLPack's device codes (``DLDeviceType`` of ``dlpack.h``)."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


_LEGACY, _VERSIONED = b"dltensor", b"dltensor_versioned"
# Where DLTensor.dtype ({uint8 code, uint8 bits, uint16 lanes}) sits in the capsule's struct:
# DLManagedTensor starts with the DLTensor {data*, device{int32, int32}, int32 ndim, dtype...};
# DLManagedTensorVersioned puts {version, manager_ctx*, deleter*, uint64 flags} before it.
_DTYPE_OFFSET = {_LEGACY: 20, _VERSIONED: 32 + 20}
_K_UINT, _K_BFLOAT = 1, 4

_api = ctypes.pythonapi
_api.PyCapsule_GetName.restype = ctypes.c_char_p
_api.PyCapsule_GetName.argtypes = [ctypes.py_object]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _capsule_name(obj):
    """``b"dltensor"`` / ``b"dltensor_versioned"`` for an unconsumed DLPack capsule, else None."""
    for name in (_LEGACY, _VERSIONED):
        if _api.PyCapsule_IsValid(obj, name):
            return name
    return None


def _type_code(capsule, name):
    """The (code, bits) view of the capsule's DLTensor dtype, writable in place."""
    address = _api.PyCapsule_GetPointer(capsule, name) + _DTYPE_OFFSET[name]
    return (ctypes.c_uint8 * 2).from_address(address)


class _Capsule:
    """A bare capsule dressed as a producer, for array libraries that only take those."""
    __slots__ = ("capsule", "device")

    def __init__(self, capsule, device):
        self.capsule, self.device = capsule, device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


# ---- export ---------------------------------------------------------------------------------
def export(tensor, stream=-1, max_version=None, dl_device=None, copy=None):
    """``Tensor.__dlpack__``: a capsule viewing the tensor's memory."""
    if tensor.requires_grad:
        raise _errors.dlpack_requires_grad()
    if dl_device is not None and tuple(dl_device) != device_of(tensor):
        tensor = tensor.to(_ember_device(*dl_device))     # the consumer asks for another device
    data = tensor._data
    is_bf16 = tensor._dtype is bfloat16
    if is_bf16:
        data = data.view("uint16")
    kwargs = {} if max_version is None else {"max_version": tuple(max_version)}
    if copy is not None:
        kwargs["copy"] = copy
    if tensor._device.type != "cpu" and stream != -1:
        kwargs["stream"] = stream
    capsule = data.__dlpack__(**kwargs)
    if is_bf16:
        _type_code(capsule, _capsule_name(capsule))[:] = (_K_BFLOAT, 16)
    return capsule


def device_of(tensor):
    """``Tensor.__dlpack_device__``: where the memory is, as (DLDeviceType, index)."""
    kind, index = tensor._data.__dlpack_device__()
    return DLDeviceType(int(kind)), int(index)


def to_dlpack(tensor):
    """``torch.utils.dlpack.to_dlpack``: the legacy (unversioned) capsule of ``tensor``."""
    return export(tensor)


# ---- import ---------------------------------------------------------------------------------
def from_dlpack(ext_tensor, *, device=None, copy=None):
    """A tensor sharing memory with ``ext_tensor``: anything with ``__dlpack__`` (an array of
    NumPy, CuPy, PyTorch...) or a capsule from ``to_dlpack``, consumed once."""
    if isinstance(ext_tensor, Tensor):
        result = _make(ext_tensor._data, ext_tensor._dtype, ext_tensor._device)
    else:
        if hasattr(ext_tensor, "__dlpack__"):
            kind, index = ext_tensor.__dlpack_device__()
            capsule = _request(ext_tensor, kind)
        else:
            capsule, kind, index = ext_tensor, DLDeviceType.kDLCPU, 0
        name = _capsule_name(capsule)
        if name is None:
            raise _errors.dlpack_invalid_capsule()
        dev = _ember_device(kind, index)
        code = _type_code(capsule, name)
        is_bf16 = tuple(code) == (_K_BFLOAT, 16)
        if is_bf16:
            code[:] = (_K_UINT, 16)
        array = dev._backend.xp.from_dlpack(_Capsule(capsule, (int(kind), int(index))))
        if is_bf16:
            array = array.view(bfloat16.np)
        result = _make(array, from_numpy_dtype(array.dtype), dev)
    if device is not None:
        result = result.to(device)
    if copy:
        result = result.clone()
    return result


def _request(producer, kind):
    """The producer's capsule: versioned (it can flag read-only memory) where it offers one."""
    kwargs = {"stream": None} if kind == DLDeviceType.kDLCPU else {}
    try:
        return producer.__dlpack__(max_version=(1, 0), **kwargs)
    except TypeError:       # a producer from before DLPack 1.0
        return producer.__dlpack__(**kwargs)


def _ember_device(kind, index):
    kind, index = int(kind), int(index)
    if kind == DLDeviceType.kDLCPU:
        return _device("cpu")
    if kind in (DLDeviceType.kDLCUDA, DLDeviceType.kDLCUDAManaged):
        return _device("cuda", index)
    raise _errors.dlpack_unsupported_device(kind)
