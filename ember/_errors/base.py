"""The root of Ember's error types and the shared helpers of the message builders."""


class UnsupportedError(NotImplementedError, AttributeError):
    """A PyTorch API that Ember does not implement (names the API).

    Also an AttributeError: under the drop-in runner a missing ``torch.xxx`` attribute raises
    it, and ``hasattr(torch, "xxx")`` must still answer False rather than crash."""

    __module__ = "ember"  # public as ember.UnsupportedError


class OutOfMemoryError(RuntimeError):
    """``torch.OutOfMemoryError``: a device allocation failed."""


OutOfMemoryError.__module__ = "torch"

TORCH_RANGE_DEPRECATED = ("torch.range is deprecated and will be removed in a future release "
                          "because its behavior is inconsistent with Python's range builtin. "
                          "Instead, use torch.arange, which produces values in [start, end).")


def sym_ite_condition(b):
    return AssertionError(f"expected SymBool or bool, got {type(b)}")


def sym_value_range(value, low, high):
    return RuntimeError(f"Invalid value range for {value} between [{low}, {high}].")


def sym_ite_types(t, f):
    return AssertionError(f"type mismatch: {type(t)} vs {type(f)}")


def warn_at_caller(message, category=UserWarning):
    """Warn at the first frame outside ember: torch warns from C++, so its warnings point at
    the user's line however deep in the library they arise."""
    import os
    import sys
    import warnings
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(root):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def unsupported(api, hint=""):
    return UnsupportedError(f"ember does not implement {api}" + (f": {hint}" if hint else ""))


_LEGACY = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
           "bfloat16": "BFloat16Tensor", "uint8": "ByteTensor", "int8": "CharTensor",
           "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
           "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
           "complex128": "ComplexDoubleTensor", "uint16": "UInt16Tensor",
           "uint32": "UInt32Tensor", "uint64": "UInt64Tensor",
           "float8_e4m3fn": "Float8_e4m3fnTensor", "float8_e5m2": "Float8_e5m2Tensor",
           "float8_e4m3fnuz": "Float8_e4m3fnuzTensor", "float8_e5m2fnuz": "Float8_e5m2fnuzTensor"}


def legacy_type_name(t):
    prefix = "torch.cuda." if t._device.type == "cuda" else "torch."
    return prefix + _LEGACY[t._dtype.name]


def legacy_scalar_type(dtype):
    """'Float' for float32, as PyTorch names ScalarTypes in messages."""
    return _LEGACY[dtype.name][:-len("Tensor")]


# ScalarType names as ATen's C++ messages print them.
_CPP_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
             "bool": "bool"}


def size_text(shape):
    """``torch.Size([2, 3])``: a shape as PyTorch prints it, without importing the tensor layer."""
    return f"torch.Size({list(shape)})"
