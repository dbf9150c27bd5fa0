"""``torch.types``: the type aliases annotations use (``Number``, ``Device``, ``_size``, ...)."""
import os
from typing import IO, Union

from ._device import device as _device
from ._dtype import dtype as _dtype
from ._layout import layout as _layout
from ._symbolic import SymBool, SymFloat, SymInt
from ._tensor import Size, Tensor

__all__ = ["Number", "Device", "FileLike", "Storage", "IntLikeType", "FloatLikeType",
           "BoolLikeType", "py_sym_types"]

_int, _float, _bool, _complex, _str, _bytes = int, float, bool, complex, str, bytes
_size = Union[Size, list[int], tuple[int, ...]]
_symsize = Union[Size, tuple[Union[int, SymInt], ...]]

Number = Union[int, float, bool]
Device = Union[_device, str, int, None]
FileLike = Union[str, os.PathLike, IO[bytes]]
IntLikeType = Union[int, SymInt]
FloatLikeType = Union[float, SymFloat]
BoolLikeType = Union[bool, SymBool]
PySymType = Union[SymInt, SymFloat, SymBool]
py_sym_types = (SymInt, SymFloat, SymBool)
_TensorOrTensors = Union[Tensor, tuple[Tensor, ...]]


class Storage:
    """The storage type annotations name (Ember's storages are ``UntypedStorage`` and its
    typed views)."""
