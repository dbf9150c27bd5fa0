"""``torch._prims_common``'s type aliases, which libraries import for annotations
(``DeviceLikeType``, ``ShapeType``...) and ``isinstance`` checks (``Number``, ``IntLike``)."""
from ._device import device
from ._symbolic import SymBool, SymFloat, SymInt
from ._tensor import Size, Tensor

__all__ = ["DeviceLikeType", "ShapeType", "StrideType", "DimsType", "DimsSequenceType",
           "TensorLike", "TensorLikeType", "TensorSequenceType", "NumberType",
           "NumberTypeType", "Number", "IntLike", "FloatLike", "BoolLike",
           "TensorOrNumberLikeType"]

DeviceLikeType = str | device | int
ShapeType = Size | list[int] | tuple[int, ...]
StrideType = list[int] | tuple[int, ...]
DimsType = int | list[int] | tuple[int, ...]
DimsSequenceType = list[int] | tuple[int, ...]
TensorLike = TensorLikeType = Tensor
TensorSequenceType = list[Tensor] | tuple[Tensor, ...]
NumberType = bool | int | float | complex
NumberTypeType = type[bool] | type[int] | type[float] | type[complex]
Number = (bool, int, float, complex, SymInt, SymFloat, SymBool)
IntLike = (int, SymInt)
FloatLike = (float, SymFloat)
BoolLike = (bool, SymBool)
TensorOrNumberLikeType = Tensor | bool | int | float | complex
