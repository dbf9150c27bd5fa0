"""``torch._C._nn``: the argument parser of ``Tensor.to`` / ``Module.to``."""
from .. import _errors


def _parse_to(*args, **kwargs):
    """``(device, dtype, non_blocking, memory_format)`` from ``to()``'s arguments."""
    from .._device import device as Device
    from .._dtype import dtype as DType
    from .._layout import memory_format as MemoryFormat
    from .._tensor import Tensor
    device = dtype = memory_format = None
    non_blocking = kwargs.pop("non_blocking", False)
    kwargs.pop("copy", None)
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, DType):
            dtype = a
        elif isinstance(a, (str, Device, int)) and not isinstance(a, bool):
            device = Device(a) if not isinstance(a, Device) else a
        elif isinstance(a, bool):
            non_blocking = a
        else:
            raise _errors.invalid_arguments("to", args, (
                "torch.device device = None, torch.dtype dtype = None, bool non_blocking = "
                "False, bool copy = False, *, torch.memory_format memory_format = None",
                "torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
                "torch.memory_format memory_format = None",
                "Tensor tensor, bool non_blocking = False, bool copy = False, *, "
                "torch.memory_format memory_format = None"))
    if "device" in kwargs and kwargs["device"] is not None:
        d = kwargs["device"]
        device = d if isinstance(d, Device) else Device(d)
    dtype = kwargs.get("dtype", dtype)
    memory_format = kwargs.get("memory_format", memory_format)
    if memory_format is not None and not isinstance(memory_format, MemoryFormat):
        raise _errors.argument_type("to", "memory_format", 4, memory_format,
                                    "torch.memory_format")
    return device, dtype, bool(non_blocking), memory_format
