"""The legacy tensor types: ``torch.FloatTensor``, ``torch.cuda.LongTensor``, ...

Each is a class that constructs (``FloatTensor(2, 3)`` is uninitialised of that shape,
``FloatTensor([1, 2])`` copies data, ``FloatTensor(t)`` aliases a tensor of its dtype) and that
``isinstance`` answers for tensors of its dtype and device type.  As in torch, they are not
subclasses of ``Tensor``: tensors are never instances of them by type, only by this check.
"""
from . import _dtype as D
from . import _errors
from ._tensor import Tensor, Size

_NAMES = {"FloatTensor": D.float32, "DoubleTensor": D.float64, "HalfTensor": D.float16,
          "BFloat16Tensor": D.bfloat16, "ByteTensor": D.uint8, "CharTensor": D.int8,
          "ShortTensor": D.int16, "IntTensor": D.int32, "LongTensor": D.int64,
          "BoolTensor": D.bool_}


class tensortype(type):
    """The metaclass: ``isinstance`` by dtype and device type, calling constructs."""

    def __instancecheck__(cls, obj):
        return (isinstance(obj, Tensor) and obj._dtype is cls.dtype
                and obj._device.type == cls._device_type)

    def __call__(cls, *args, device=None):
        from . import cuda
        from ._ops import creation
        if cls.is_cuda and not cuda.is_available():
            raise _errors.legacy_type_unavailable(cls)
        dev = device if device is not None else cls._device_type
        if not args:
            return creation.empty((0,), dtype=cls.dtype, device=dev)
        if len(args) == 1 and isinstance(args[0], Tensor):
            t = args[0]
            if t._dtype is not cls.dtype or t._device.type != cls._device_type:
                raise _errors.legacy_type_mismatch(cls.dtype, cls._device_type, t)
            return t.view(t.shape)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or (
                len(args) == 1 and isinstance(args[0], Size)):
            return creation.empty(tuple(args[0]) if isinstance(args[0], Size) else args,
                                  dtype=cls.dtype, device=dev)
        if len(args) == 1:
            return creation.tensor(args[0], dtype=cls.dtype, device=dev)
        raise _errors.legacy_type_arguments(args)

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


tensortype.__module__ = "torch"


def _make(name, dtype, device_type):
    module = "torch.cuda" if device_type == "cuda" else "torch"
    return tensortype(name, (), {"dtype": dtype, "_device_type": device_type,
                                 "is_cuda": device_type == "cuda", "is_sparse": False,
                                 "__module__": module})


CPU_TYPES = {name: _make(name, dtype, "cpu") for name, dtype in _NAMES.items()}
CUDA_TYPES = {name: _make(name, dtype, "cuda") for name, dtype in _NAMES.items()}
