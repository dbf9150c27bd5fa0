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
    "github.com/pytorch/pytorch/pull/30531 for more information.")


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


def saved_modified(t, owner, nr, expected):
    """``owner`` is the node whose output the saved tensor is (None for a leaf)."""
    import re
    kind = "torch.cuda." if t._device.type == "cuda" else "torch."
    shape = ", ".join(map(str, t._data.shape))
    which = ""
    if owner is not None:
        which = f", which is output {nr} of {re.sub(r'Backward[0-9]*$', '', owner.name())},"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{kind}{_LEGACY[t._dtype.name]} [{shape}]]{which} is at version "
        f"{t._vc[0]}; expected version {expected} instead. Hint: enable anomaly detection "
        "to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


CREATE_GRAPH_CYCLE_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to "
    "reset the .grad fields of your parameters to None after use to break the cycle and avoid "
    "the leak.")


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


# ---- reductions ---------------------------------------------------------------------------------
def reduction_no_dim(name, index_error=False):
    msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
    if index_error:
        return IndexError(msg)
    return RuntimeError(msg + " Specify the reduction dim with the 'dim' argument.")


def reduction_zero_size(name, dim):
    return IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def std_var_dtype():
    return RuntimeError("std and var only support floating point and complex dtypes")


def vector_norm_dtype(dtype):
    return RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                        f"input. Got {legacy_scalar_type(dtype)}")


def kernel_not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{legacy_scalar_type(dtype)}\'')


def kth_out_of_range(name, dim=None):
    if name == "topk":
        return RuntimeError("selected index k out of range")
    return RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")


# ---- linear algebra ---------------------------------------------------------------------------
class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a LAPACK failure (singular or non positive-definite input)."""


_CPP_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
             "bool": "bool"}


def mm_dtype(a, b):
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                        f"{_CPP_TYPE[a.name]} != {_CPP_TYPE[b.name]}")


def scalar_type_mismatch(a, b):
    return RuntimeError(f"expected scalar type {legacy_scalar_type(a)} but found "
                        f"{legacy_scalar_type(b)}")


def addmv_dtype(mat, vec):
    return RuntimeError("addmv input tensors must have the same dtype, but got "
                        f"{legacy_scalar_type(vec)}, {legacy_scalar_type(mat)}, and "
                        f"{legacy_scalar_type(vec)}")


def dot_dtype(name, a, b):
    return RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def addmm_dtype(input_dtype, name):
    return RuntimeError(f"{name}: self and mat2 must have the same dtype, but got "
                        f"{legacy_scalar_type(input_dtype)}")


def linalg_float_expected(name, dtype):
    return RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                        f"{legacy_scalar_type(dtype)}")


def linalg_min_2d(name):
    return RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


def linalg_not_square(name, m, n):
    return RuntimeError(f"{name}: A must be batches of square matrices, but they are {m} by {n} "
                        "matrices")


def solve_dtype(a, b):
    return RuntimeError("linalg.solve: Expected A and B to have the same dtype, but found A of "
                        f"type {legacy_scalar_type(a)} and B of type {legacy_scalar_type(b)} "
                        "instead")


def _batch_prefix(arr, bad):
    """'(Batch element i): ' for the first failing matrix of a batch, '' for a single one."""
    import numpy as np
    if arr.ndim <= 2:
        return ""
    return f"(Batch element {int(np.flatnonzero(bad.reshape(-1))[0])}): "


def linalg_inv_singular(arr):
    import numpy as np
    rank = np.linalg.matrix_rank(arr)
    bad = rank < arr.shape[-1]
    first = int(np.asarray(rank).reshape(-1)[np.flatnonzero(np.asarray(bad).reshape(-1))[0]])
    return LinAlgError(f"linalg.inv: {_batch_prefix(arr, np.asarray(bad))}The diagonal element "
                       f"{first + 1} is zero, the inversion could not be completed because the "
                       "input matrix is singular.")


def linalg_singular(name):
    return LinAlgError(f"{name}: The solver failed because the input matrix is singular.")


def cholesky_not_pd(arr):
    import numpy as np
    n = arr.shape[-1]
    # smallest k whose leading k x k minor is not positive-definite (error path only)
    ok = np.ones(arr.shape[:-2] + (n + 1,), bool)
    for k in range(1, n + 1):
        ok[..., k] = np.linalg.eigvalsh(arr[..., :k, :k]).min(-1) > 0
    order = np.argmin(ok, axis=-1)
    bad = order > 0
    first = int(order.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])
    return LinAlgError(f"linalg.cholesky: {_batch_prefix(arr, bad)}The factorization could not "
                       "be completed because the input is not positive-definite (the leading "
                       f"minor of order {first} is not positive-definite).")


# ---- random sampling -------------------------------------------------------------------------
def _num(x):
    """A double as PyTorch's messages print it (2, 0.5, 1e-05)."""
    return f"{x:g}"


def random_param(what):
    """Bad distribution parameters, worded by the caller (``what`` is PyTorch's sentence)."""
    return RuntimeError(what)


def random_from_to(lo, hi):
    return RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= "
                        f"to={hi}")


def uniform_range(lo, hi):
    return RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                        f"from={_num(lo)} > to={_num(hi)}")


def generator_device(expected, found):
    return RuntimeError(f"Expected a '{expected}' device type for generator but found '{found}'")


def bernoulli_tensor_p():
    return RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                        "error message be improved?  If so, please report an enhancement request "
                        "to PyTorch.)")


def factory_requires_grad_dtype():
    return RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def continuous_dtype(dist, dtype):
    return RuntimeError(f"{dist} distribution is a continuous probability distribution. dtype "
                        f"must be a floating point but you specified {legacy_scalar_type(dtype)}")
