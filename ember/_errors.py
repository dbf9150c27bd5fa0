"""Every PyTorch-facing error message, worded as torch 2.13 words it.

Each function builds its exception only when an error is actually raised, so nothing here
costs anything on the fast path.  Callers do ``raise _errors.xxx(...)``.
"""


class UnsupportedError(NotImplementedError):
    """A PyTorch API that Ember does not implement (names the API)."""


def unsupported(api, hint=""):
    return UnsupportedError(f"ember does not implement {api}" + (f": {hint}" if hint else ""))


# ---- dtypes / devices ----------------------------------------------------------------------
_NP_SUPPORTED = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                 "uint64, uint32, uint16, uint8, and bool")


def numpy_dtype_unsupported(np_dtype):
    import numpy as np
    try:
        name = np.dtype(np_dtype).type.__name__
    except TypeError:
        name = str(np_dtype)
    return TypeError(f"can't convert np.ndarray of type numpy.{name}. The only supported types "
                     f"are: {_NP_SUPPORTED}.")


def invalid_device_string(spec):
    return RuntimeError("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, "
                        "hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, "
                        f"privateuseone device type at start of device string: {spec}")


def device_index_twice(spec):
    return RuntimeError(f"type (string) must not include an index because index was passed "
                        f"explicitly: {spec}")


def cuda_unavailable():
    return AssertionError("Torch not compiled with CUDA enabled (ember: CUDA needs CuPy and an "
                          "NVIDIA GPU; install the extra with `pip install ember[cuda]`)")


def backend_unavailable(dev_type):
    return RuntimeError(f"ember has no backend for device type '{dev_type}'")


def device_mismatch(a, b, op=None):
    where = f" (when checking argument in method {op})" if op else ""
    return RuntimeError("Expected all tensors to be on the same device, but found at least two "
                        f"devices, {a} and {b}!{where}")


def numpy_on_device(dev):
    return TypeError(f"can't convert {dev} device type tensor to numpy. Use Tensor.cpu() to copy "
                     "the tensor to host memory first.")


def numpy_requires_grad():
    return RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                        "tensor.detach().numpy() instead.")


_LEGACY = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
           "bfloat16": "BFloat16Tensor", "uint8": "ByteTensor", "int8": "CharTensor",
           "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
           "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
           "complex128": "ComplexDoubleTensor"}


def legacy_type_name(t):
    prefix = "torch.cuda." if t._device.type == "cuda" else "torch."
    return prefix + _LEGACY[t._dtype.name]


def legacy_scalar_type(dtype):
    """'Float' for float32, as PyTorch names ScalarTypes in messages."""
    return _LEGACY[dtype.name][:-len("Tensor")]


def dtype_from_legacy_name(name):
    short = name.rsplit(".", 1)[-1]
    for k, v in _LEGACY.items():
        if v == short:
            return k
    raise ValueError(f"invalid type: '{name}'")


# ---- scalars and conversions ---------------------------------------------------------------
def item_numel(n):
    return RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")


def scalar_conversion(n):
    return ValueError("only one element tensors can be converted to Python scalars")


def bool_ambiguous(n):
    return RuntimeError("Boolean value of Tensor with more than one value is ambiguous")


# ---- shapes, dims, indices -----------------------------------------------------------------
def dim_out_of_range(dim, lo, hi):
    return IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got "
                      f"{dim})")


def broadcast_mismatch(shape_a, shape_b):
    na, nb = len(shape_a), len(shape_b)
    n = max(na, nb)
    for i in range(n - 1, -1, -1):
        da = shape_a[i - (n - na)] if i - (n - na) >= 0 else 1
        db = shape_b[i - (n - nb)] if i - (n - nb) >= 0 else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                                f"({db}) at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(shape_a)} and {list(shape_b)} are not broadcastable")


def shape_invalid(shape, numel):
    return RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size "
                        f"{numel}")


def view_stride_incompatible():
    return RuntimeError("view size is not compatible with input tensor's size and stride (at "
                        "least one dimension spans across two contiguous subspaces). Use "
                        ".reshape(...) instead.")


def expand_mismatch(size, target, target_sizes, dim, tensor_size):
    return RuntimeError(f"The expanded size of the tensor ({target}) must match the existing size "
                        f"({size}) at non-singleton dimension {dim}.  Target sizes: "
                        f"[{', '.join(map(str, target_sizes))}].  Tensor sizes: "
                        f"[{', '.join(map(str, tensor_size))}]")


def index_out_of_bounds(index, dim, size):
    return IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")


def negative_step():
    return ValueError("step must be greater than zero")


def cat_size_mismatch(dim, expected, got, k):
    return RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                        f"{expected} but got size {got} for tensor number {k} in the list.")


def mm_shape(a, b):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and "
                        f"{b[0]}x{b[1]})")


def result_type_cast(result, out):
    return RuntimeError(f"result type {legacy_scalar_type(result)} can't be cast to the desired "
                        f"output type {legacy_scalar_type(out)}")


# ---- autograd -------------------------------------------------------------------------------
NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more informations.")


def requires_grad_non_leaf():
    return RuntimeError("you can only change requires_grad flags of leaf variables. If you want "
                        "to use a computed variable in a subgraph that doesn't require "
                        "differentiation use var_no_grad = var.detach().")


def requires_grad_dtype():
    return RuntimeError("only Tensors of floating point dtype can require gradients")


def grad_assign_mismatch(what, t, value):
    return RuntimeError(f"assigned grad has data of a different {what}")


def backward_twice():
    return RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors "
        "after they have already been freed). Saved intermediate values of the graph are freed "
        "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
        "backward through the graph a second time or if you need to access saved tensors after "
        "calling backward.")


def saved_modified(t, node, index, expected):
    import re
    kind = "torch.cuda." if t._device.type == "cuda" else "torch."
    shape = ", ".join(map(str, t._data.shape))
    owner = re.sub(r"Backward\d*$", "", node.name())
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{kind}{_LEGACY[t._dtype.name]} [{shape}]], which is output "
        f"{t._output_nr} of {owner}, is at version {t._version[0]}; expected version {expected} "
        "instead. Hint: enable anomaly detection to find the operation that failed to compute "
        "its gradient, with torch.autograd.set_detect_anomaly(True).")


def implicit_grad_non_scalar():
    return RuntimeError("grad can be implicitly created only for scalar outputs")


def grad_shape_mismatch(i, g, out):
    from ._tensor import Size
    return RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                        f"{Size(g._data.shape)} and output[{i}] has a shape of "
                        f"{Size(out._data.shape)}.")


def no_grad_fn(i):
    return RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                        "grad_fn")


def grad_unused_input(i=None):
    return RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in "
                        "the graph. Set allow_unused=True if this is the desired behavior.")


def inplace_on_leaf():
    return RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                        "operation.")


def inplace_on_leaf_view():
    return RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")


def inplace_overlap():
    return RuntimeError("unsupported operation: more than one element of the written-to tensor "
                        "refers to a single memory location. Please clone() the tensor before "
                        "performing the operation.")
