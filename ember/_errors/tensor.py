"""Tensors: dtypes and devices, conversions, shapes and indices, views, creation, indexing."""
from .base import _CPP_TYPE, _LEGACY, legacy_scalar_type, legacy_type_name, unsupported


# ---- dtypes / devices ----------------------------------------------------------------------
_NP_SUPPORTED = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                 "uint64, uint32, uint16, uint8, and bool")


def autograd_resize_numel(sizes, numel, input_shape, input_numel):
    return RuntimeError(f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in "
                        f"total), but the given tensor has a size of "
                        f"{'x'.join(map(str, input_shape))} ({input_numel} elements). autograd's "
                        "resize can only change the shape of a given tensor, while preserving "
                        "the number of elements. ")


def non_inplace_deprecated(name):
    return f"non-inplace {name} is deprecated"


VOLATILE_REMOVED = "volatile was removed (Variable.volatile is always False)"


def dim_order_ambiguous(formats=True):
    """``formats``: the order was refused before the memory formats were tried."""
    tail = ", or cannot map to exact one of the given memory formats." if formats else "."
    return RuntimeError("The tensor does not have unique dim order" + tail)


def dim_order_check_type():
    return TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")


def apply_requires_grad(name):
    return RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                        f"var.detach().{name}() instead.")


TYPED_STORAGE_DEPRECATED = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be "
    "the only storage class. This should only matter to you if you are using storages directly. "
    " To access UntypedStorage directly, use tensor.untyped_storage() instead of "
    "tensor.storage()")


def complex32_unsupported():
    return unsupported("torch.complex32 (ComplexHalf) tensors",
                       "NumPy has no complex32; use torch.complex64")


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


CUDA_INSTALL_HINT = ("install the extra with `pip install 'ember[cuda]'` (CuPy's wheel for "
                     "CUDA 12, cupy-cuda12x; for CUDA 11 use `pip install cupy-cuda11x`, for "
                     "CUDA 13 `pip install cupy-cuda13x`)")


def cuda_unavailable(reason=None):
    why = f": {reason}" if reason else ""
    return AssertionError(f"Torch not compiled with CUDA enabled (ember: CUDA needs CuPy, a "
                          f"driver and an NVIDIA GPU{why}; {CUDA_INSTALL_HINT})")


def backend_unavailable(dev_type):
    """A device type Ember has no backend for: what a CPU-only PyTorch build says."""
    if dev_type == "xpu":
        return AssertionError("Torch not compiled with XPU enabled")
    if dev_type == "mtia":
        return AssertionError("Torch not compiled with MTIA enabled. Ensure you have `import "
                              "mtia.host_runtime.torch_mtia.dynamic_library` in your python src "
                              "file and include `//mtia/host_runtime/torch_mtia:torch_mtia` as "
                              "your target dependency!")
    return RuntimeError(f"PyTorch is not linked with support for {dev_type} devices")


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


def device_invalid_args(obj):
    name = type(obj).__name__
    return TypeError(f"device() received an invalid combination of arguments - got ({name}), but "
                     "expected one of:\n * (torch.device device)\n      didn't match because some "
                     f"of the arguments have invalid types: (!{name}!)\n * (str type, int index "
                     "= -1)\n")


def default_dtype_not_float():
    return TypeError("only floating-point types are supported as the default type")


def scalar_type_unsupported(t):
    return TypeError(f"unsupported scalar type {t.__name__}")


def complex_cast_warning():
    return "Casting complex values to real discards the imaginary part"


def module_attribute(module, name):
    """The plain AttributeError of a module attribute that does not exist."""
    return AttributeError(f"module {module!r} has no attribute {name!r}")


def dtype_from_legacy_name(name):
    short = name.rsplit(".", 1)[-1]
    for k, v in _LEGACY.items():
        if v == short:
            return k
    raise ValueError(f"invalid type: '{name}'")


def fill_diagonal_dims():
    return RuntimeError("dimensions must larger than 1")


def fill_diagonal_unequal():
    return RuntimeError("all dimensions of input must be of equal length")


def type_info_kind(which, kind, other):
    """finfo of a non-float / iinfo of a non-integer dtype (torch's words, quirks included)."""
    return TypeError(f"torch.{which}() requires {kind} input type. Use torch.{other} to "
                     f"handle 'torch.{which}'")


def type_info_bool():
    return TypeError("torch.bool is not supported by torch.iinfo")


# ---- scalars and conversions ---------------------------------------------------------------
def item_numel(n):
    return RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")


def scalar_conversion(n):
    return ValueError("only one element tensors can be converted to Python scalars")


def bool_ambiguous(n):
    return RuntimeError("Boolean value of Tensor with "
                        + ("no values" if n == 0 else "more than one value") + " is ambiguous")


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


# ---- views and creation ---------------------------------------------------------------------
_HAS_LEGACY_CLASS = ("float32", "float64", "float16", "uint8", "int8", "int16", "int32", "int64")


def tensor_type_string(t):
    """PyTorch's ``toString()`` of a tensor's type: 'torch.FloatTensor', or 'CPUBoolType' for
    dtypes without a legacy tensor class."""
    cuda = t._device.type == "cuda"
    if t._dtype.name in _HAS_LEGACY_CLASS:
        return legacy_type_name(t)
    return f"{'CUDA' if cuda else 'CPU'}{legacy_scalar_type(t._dtype)}Type"


def negative_dimension(fn, size):
    if fn == "zeros":
        return RuntimeError("zeros: Dimension size must be non-negative.")
    return RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                        f"{list(size)}")


def ragged_sequence(length, dim, got):
    return ValueError(f"expected sequence of length {length} at dim {dim} (got {got})")


def not_a_sequence():
    return TypeError("not a sequence")


def sequence_as_scalar(obj, integral):
    """A sequence where the nesting says a number belongs (text depends on the dtype)."""
    kind = type(obj).__name__
    if integral:
        return TypeError(f"'{kind}' object cannot be interpreted as an integer")
    return TypeError(f"must be real number, not {kind}")


def cannot_infer_dtype(leaf):
    """``leaf``: the first element of ``tensor(data)``'s data that is not a number."""
    if isinstance(leaf, str):
        return TypeError("new(): invalid data type 'str'")
    return RuntimeError(f"Could not infer dtype of {type(leaf).__name__}")


def from_numpy_type(obj):
    return TypeError(f"expected np.ndarray (got {type(obj).__name__})")


_FROMBUFFER = {   # torch.frombuffer's refusals: exception type, message template
    "no_buffer": (ValueError, "object does not implement Python buffer protocol."),
    "not_contiguous": (RuntimeError, "could not retrieve buffer from object"),
    "missing_dtype": (TypeError, 'frombuffer() missing 1 required positional arguments: "dtype"'),
    "empty": (ValueError, "both buffer length ({length}) and count ({count}) must not be 0"),
    "offset": (ValueError, "offset ({offset} bytes) must be non-negative and no greater than "
                           "buffer length ({length} bytes) minus 1"),
    "multiple": (ValueError, "buffer length ({rest} bytes) after offset ({offset} bytes) must be "
                             "a multiple of element size ({itemsize})"),
    "count": (ValueError, "requested buffer length ({count} * {itemsize} bytes) after offset "
                          "({offset} bytes) must not be greater than actual buffer length "
                          "({length} bytes)"),
}


def frombuffer(kind, **values):
    cls, template = _FROMBUFFER[kind]
    return cls(template.format(**values))


def set_dtype(source_dtype, dtype, storage=False):
    """``set_`` to a tensor (or, ``storage``, a typed storage) of another dtype."""
    if storage:
        return RuntimeError(f"Expected a Storage of type {_CPP_TYPE[dtype.name]} or an "
                            f"UntypedStorage, but got type {legacy_scalar_type(source_dtype)} "
                            "for argument 1 'storage'")
    return RuntimeError(f"Could not set tensor of type {_CPP_TYPE[source_dtype.name]} to a "
                        f"tensor of type {_CPP_TYPE[dtype.name]}")


def set_storage_too_small(size, stride, offset, itemsize, needed, nbytes):
    return RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                        f"{offset}, and itemsize {itemsize} requiring a storage size of {needed} "
                        f"are out of bounds for storage of size {nbytes} (Ember does not grow "
                        "another tensor's storage)")


def from_file_missing(filename):
    return RuntimeError(f"unable to open file <{filename}> in read-only mode: No such file or "
                        "directory (2)")


def from_file_too_small(filename, size, needed):
    return RuntimeError(f"file <{filename}> size <{size}> is smaller than the required mapping "
                        f"size <{needed}>")


FROMBUFFER_NOT_WRITABLE = (
    "The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
    "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
    "may want to copy the buffer to protect its data or make it writable before converting it to "
    "a tensor. This type of warning will be suppressed for the rest of this program.")


def from_numpy_negative_strides():
    return ValueError("At least one stride in the given numpy array is negative, and tensors with "
                      "negative strides are not currently supported. (You can probably work "
                      "around this by making a copy of your array  with array.copy().) ")


def to_invalid_args(arg):
    return TypeError(f"to() received an invalid combination of arguments - got "
                     f"({type(arg).__name__})")


def fill_value_dim(nd):
    return RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {nd} "
                        f"dimensions.")


def arange_no_end():
    return TypeError('arange() missing 1 required positional arguments: "end"')


def arange_step_zero():
    return RuntimeError("step must be nonzero")


def arange_bounds():
    return RuntimeError("upper bound and larger bound inconsistent with step sign")


def linspace_negative_steps():
    return RuntimeError("number of steps must be non-negative")


def eye_negative(n, m):
    if n < 0:
        return RuntimeError(f"n must be greater or equal to 0, got {n}")
    return RuntimeError(f"m must be greater or equal to 0, got {m}")


def view_infer_twice():
    return RuntimeError("only one dimension can be inferred")


def view_infer_empty(shape):
    return RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because "
                        "the unspecified dimension size -1 can be any value and is ambiguous")


def view_invalid_dim(i, shape):
    return RuntimeError(f"invalid shape dimension {shape[i]} at index {i} of shape {list(shape)}")


def view_dtype_zero_dim(src, dst):
    from .base import legacy_scalar_type as n
    return RuntimeError(f"self.dim() cannot be 0 to view {n(src)} as {n(dst)} (different element "
                        "sizes)")


def view_dtype_condition(condition, src, dst, got):
    from .base import legacy_scalar_type as n
    return RuntimeError(f"self.{condition} to view {n(src)} as {n(dst)} (different element "
                        f"sizes), but got {got}")


def permute_length(nd, n):
    return RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                        f"match the length of the desired ordering of dimensions i.e. input.dim() "
                        f"= {nd} is not equal to len(dims) = {n}")


def permute_duplicate():
    return RuntimeError("permute(): duplicate dims are not allowed.")


def t_dims(nd):
    return RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")


def adjoint_dims(nd, attr="adjoint()"):
    """``attr``: 'adjoint()', 'mT' or 'mH' (all take batches of matrices)."""
    return RuntimeError(f"tensor.{attr} is only supported on matrices or batches of matrices. "
                        f"Got {nd}-D tensor.")


def adjoint_0d_warning(attr="adjoint()"):
    """``attr``: 'adjoint()' or 'Tensor.H'."""
    return f"{attr} is deprecated on 0-D tensors. Consider using x.conj()."


def H_dims(nd):
    batches = " For batches of matrices, consider using tensor.mH" if nd > 2 else ""
    return RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D "
                        f"tensor.{batches}")


def T_deprecated_warning():
    return ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
            "reverse the dimensions of a tensor.")


def grad_assign_type(value):
    return TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                     f"{type(value).__name__}")


def detach_view_inplace():
    return RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                        "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view "
                        "is set as True, gradients are views of DDP buckets, and hence detach_() "
                        "cannot be called on these gradients. To fix this error, please refer to "
                        "the Optimizer.zero_grad() function in torch/optim/optimizer.py as the "
                        "solution.")


def zero_dim_sequence(op):
    """``op``: 'len' or 'iter'."""
    return TypeError("len() of a 0-d tensor" if op == "len" else "iteration over a 0-d tensor")


def index_conversion():
    return TypeError("only integer tensors of a single element can be converted to an index")


def expand_too_few(t, sizes):
    src = t._data.shape
    return RuntimeError(f"expand({tensor_type_string(t)}{{[{', '.join(map(str, src))}]}}, size="
                        f"[{', '.join(map(str, sizes))}]): the number of sizes provided "
                        f"({len(sizes)}) must be greater or equal to the number of dimensions in "
                        f"the tensor ({len(src)})")


def expand_leading_negative(s):
    return RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                        f"non-existing dimension 0")


def select_0d():
    return IndexError("select() cannot be applied to a 0-dim tensor.")


def select_index(i, shape, dim):
    return IndexError(f"select(): index {i} out of range for tensor of size {list(shape)} at "
                      f"dimension {dim}")


def narrow_start(start, size):
    return IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got "
                      f"{start})")


def narrow_length(start, length, size):
    return RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")


def as_strided_bounds(size, stride, offset, itemsize, need, storage):
    return RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                        f"{offset}, and itemsize {itemsize} requiring a storage size of "
                        f"{need * itemsize} are out of bounds for storage of size "
                        f"{storage * itemsize}")


# ---- shape and indexing ----------------------------------------------------------------------
def cat_empty():
    return ValueError("torch.cat(): expected a non-empty list of Tensors")


def cat_zero_dim(i):
    return RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                        "concatenated")


def cat_ndim(ref, s):
    return RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and "
                        f"{len(s)}")


def stack_empty():
    return RuntimeError("stack expects a non-empty TensorList")


def stack_size(i, ref, t):
    return RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} "
                        f"at entry 0 and {list(t._data.shape)} at entry {i}")


def split_zero(size):
    return RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                        f"dimension size of {size}")


def split_negative(split_size):
    return RuntimeError(f"split expects split_size be non-negative, but got split_size="
                        f"{split_size}")


def split_sizes_sum(size, d, sizes):
    return RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                        f"(input tensor's size at dimension {d}), but got split_sizes="
                        f"{sizes}")


def chunk_nonpositive(chunks):
    return RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")


def no_dims(dim):
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def sections_nonpositive(n):
    return RuntimeError(f"number of sections must be larger than 0, got {n}")


def split_family_dims(fn, dim, input):
    return RuntimeError(f"torch.{fn}: requires a tensor with at least {dim + 1} dimension, "
                        f"but got a tensor with {input._data.ndim} dimensions!")


def split_family_divisible(fn, d, indices_or_sections, input):
    return RuntimeError(f"torch.{fn} attempted to split along dimension {d}, but the size "
                        f"of the dimension {input._data.shape[d]} is not divisible by the "
                        f"split_size {indices_or_sections}!")


def dim_repeated(d):
    return RuntimeError(f"dim {d} appears multiple times in the list of dims")


def flip_min_dims(n):
    return RuntimeError(f"Input must be >= {n}-d.")


def roll_align(shifts, dims):
    return RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                        f"{len(dims)}")


def rot90_dims_len(dims):
    return RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")


def rot90_total_dims(nd):
    return RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")


def rot90_same_dims(d0, d1):
    return RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                        f"dim1 = {d1}")


def repeat_dims():
    return RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                        "of dimensions of tensor")


def repeat_interleave_size(d, size, repeats):
    return RuntimeError("repeats must have the same size as input along dim, but got "
                        f"repeats.size(0) = {repeats._data.size} and input.size({d}) = "
                        f"{size}")


def movedim_len(src, dst):
    return RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                        f"should contain the same number of dims as destination ({dst} dims)")


def movedim_repeated(name, ds):
    return RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")


def flatten_order():
    return RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")


def unflatten_empty():
    return RuntimeError("unflatten: sizes must be non-empty")


def unflatten_sizes(sizes, d, shape):
    return RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of "
                        f"dim {d} ({shape[d]}) in the input tensor")


def unfold_size(d, n, size):
    return RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")


def unfold_step(step):
    return RuntimeError(f"step is {step} but must be > 0")


def diagonal_same_dims(dim1, dim2):
    return RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")


def diag_dims(nd):
    return RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


def tri_dims(kernel_name):
    return RuntimeError(f"{kernel_name}: input tensor must have at least 2 dimensions")


def broadcast_negative(s, i):
    return RuntimeError(f"Trying to create tensor with negative dimension {s[-i]}: "
                        f"{list(s)}")


def broadcast_shapes_mismatch(k, s, out, i):
    return RuntimeError(f"Attempting to broadcast a dimension of length {s[-i]} at "
                        f"{-i}! Mismatching argument at index {k} had {s}; but "
                        f"expected shape should be broadcastable to {out}")


def meshgrid_indexing(indexing):
    return RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                        f'{indexing}')


def meshgrid_indexing_warning():
    return "torch.meshgrid: in an upcoming release, it will be required to pass the indexing " \
        "argument."


def meshgrid_dims(t):
    return RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                        f"got: {t}")


def index_tensor_dtype():
    return IndexError("tensors used as indices must be long, int, byte or bool tensors")


def mask_shape(k, shape, pos, arr):
    return IndexError(f"The shape of the mask {list(arr.shape)} at index {k} does not match "
                      f"the shape of the indexed tensor {list(shape)} at index {pos + k}")


def too_many_indices(nd):
    return IndexError(f"too many indices for tensor of dimension {nd}")


def index_broadcast(arrs):
    return IndexError("shape mismatch: indexing tensors could not be broadcast together "
                      f"with shapes {', '.join(str(list(s)) for s in arrs)}")


def index_dtype_mismatch(fmt, input, src):
    return RuntimeError(fmt.format(s=legacy_scalar_type(input._dtype),
                        o=legacy_scalar_type(src._dtype)))


def index_put_value_shape(target, v):
    return RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be "
                        f"broadcast to indexing result of shape {list(target)}")


def invalid_index_type(k):
    return IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                      f"byte Variables are valid indices (got {type(k).__name__})")


def gather_index_dtype(name):
    return RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def gather_index_ndim(operand="input"):
    """``operand``: 'input' (gather) or 'self' (the scatter family)."""
    return RuntimeError(f"Index tensor must have the same number of dimensions as {operand} tensor")


def scatter_reduce_no_grad():
    return RuntimeError("the derivative for 'scatter' with reduce is not implemented")


def scatter_reduce_arg(reduce):
    return RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")


def scatter_reduce_reduce_arg(reduce):
    return RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                        f"{reduce}")


def index_select_dtype(name):
    return RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")


def index_not_vector(name):
    return IndexError(f"{name}(): Index is supposed to be a vector")


def index_out_of_range_self():
    return IndexError("index out of range in self")


def index_count(name, n, size, d):
    return RuntimeError(f"{name}(): Number of indices ({n}) should be equal to source.size(dim): "
                        f"({size}), for dim: {d}")


def index_add_source_dim(name, d, ndim):
    return RuntimeError(f"{name}(): Indexing dim {d} is out of bounds of the source tensor with "
                        f"dim {ndim}")


def index_add_shape(shape, sshape):
    return RuntimeError("source tensor shape must match self tensor shape, excluding the "
                        f"specified dimension. Got self.shape = {list(shape)} source.shape = "
                        f"{list(sshape)}")


def index_copy_scalar_source(n):
    return IndexError(f"index_copy_(): When source is scalar, index should have one element "
                      f"(got {n})")


def index_copy_ndim(source_ndim, ndim):
    return IndexError("index_copy_(): When source and destination are not scalars, their "
                      f"dimensionality must match. Source dimensionality ({source_ndim}), "
                      f"destination dimensionality ({ndim})")


def index_copy_slice(shape, sshape, d):
    """(PyTorch reports the source slice 'at dimension 0' whatever ``d`` is.)"""
    return RuntimeError("index_copy_(): Source/destination tensor must have same slice shapes. "
                        f"Destination slice shape: {' '.join(map(str, shape))} at dimension {d} "
                        f"and source slice shape: {' '.join(map(str, sshape))} at dimension 0.")


def index_copy_count(n, size):
    return IndexError(f"index_copy_(): Number of indices ({n}) should be equal to "
                      f"source.size(dim) ({size})")


def masked_fill_value_dim(name, value):
    return RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got tensor "
                        f"with {value._data.ndim} dimension(s).")


def masked_select_mask_dtype():
    return RuntimeError("masked_select: expected BoolTensor for mask")


def masked_mask_dtype(name, mask):
    return RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                        f"{legacy_scalar_type(mask._dtype).lower()}")


def masked_scatter_source():
    return RuntimeError("Number of elements of source < number of ones in mask")


def take_index_dtype(index):
    return RuntimeError(f"take(): Expected a long tensor for index, but got "
                        f"{legacy_scalar_type(index._dtype)}")


def take_out_of_range(numel, bad):
    return IndexError(f"out of range: tried to access index {int(bad)} on a tensor of {numel} "
                      "elements.")


def put_count(src, idx):
    return RuntimeError(f"put_(): Expected source and index to have the same number of "
                        f"elements, but got source.numel() = {src.size}, index.numel() = "
                        f"{idx.size}")


def legacy_type_unavailable(cls):
    return TypeError(f"type {cls.__module__}.{cls.__name__} not available. Torch not compiled "
                     "with CUDA enabled.")


def _tensor_options(dtype, device_type):
    return (f"TensorOptions(dtype={_CPP_TYPE[dtype.name]}, device={device_type}, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def legacy_type_mismatch(dtype, device_type, t):
    return TypeError(f"expected {_tensor_options(dtype, device_type)} (got "
                     f"{_tensor_options(t._dtype, t._device.type)})")


def legacy_type_arguments(args):
    from .signatures import invalid_arguments
    return invalid_arguments("new", args, (
        "*, torch.device device = None", "torch.Storage storage", "Tensor other",
        "tuple of ints size, *, torch.device device = None",
        "object data, *, torch.device device = None"))


def promote_unsupported(kind, a, b):
    from .base import legacy_scalar_type
    return RuntimeError(f"Promotion for {kind} is not supported, attempted to promote "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def torch_function_not_found(func, types):
    name = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}"
    return TypeError(f"no implementation found for '{name}' on types that implement "
                     f"__torch_function__: {list(types)}")


def take_along_dim_ndim(ndim, index_ndim):
    return RuntimeError("torch.take_along_dim(): input and indices should have the same number of "
                        f"dimensions, but got {ndim} dimensions for input, and {index_ndim} "
                        "dimensions for indices")


def contains_type(element):
    return RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                        f"{type(element)}.")


def meta_no_data():
    return NotImplementedError("Cannot copy out of meta tensor; no data!")


SCALAR_FROM_GRAD_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to "
                            "unexpected behavior.\nConsider using tensor.detach() first.")


def memory_format_rank(rank, fmt_name):
    return RuntimeError(f"required rank {rank} tensor to use {fmt_name} format")


def device_index_cpu(device):
    return ValueError(f"Expected a non cpu device, but got: {device}")


def device_index_missing(device):
    return ValueError(
        f"Expected a torch.device with a specified index or an integer, but got:{device}")
