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


def size_not_int(obj):
    return TypeError(f"expected a sequence of integers or a single integer, got "
                     f"'{type(obj).__name__}'")


def ragged_sequence(detail):
    return ValueError(f"expected sequence of equal length lists: {detail}")


def cannot_infer_dtype(type_name):
    return TypeError(f"Could not infer dtype of {type_name}")


def from_numpy_type(obj):
    return TypeError(f"expected np.ndarray (got {type(obj).__name__})")


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


def view_invalid_dim(i, shape):
    return RuntimeError(f"invalid shape dimension {shape[i]} at index {i} of shape {list(shape)}")


def view_dtype_size():
    return RuntimeError("ember: view(dtype) needs dtypes of the same size")


def permute_length(nd, n):
    return RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                        f"match the length of the desired ordering of dimensions i.e. input.dim() "
                        f"= {nd} is not equal to len(dims) = {n}")


def permute_duplicate():
    return RuntimeError("permute(): duplicate dims are not allowed.")


def t_dims(nd):
    return RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")


def adjoint_dims(nd):
    return RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. "
                        f"Got {nd}-D tensor.")


def adjoint_0d_warning():
    return "adjoint() is deprecated on 0-D tensors. Consider using x.conj()."


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


def unbind_0d():
    return IndexError("Dimension specified as 0 but tensor has no dimensions")


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


def fliplr_dims():
    return RuntimeError("Input must be >= 2-d.")


def flipud_dims():
    return RuntimeError("Input must be >= 1-d.")


def roll_align(shifts, dims):
    return RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                        f"{len(dims)}")


def roll_align_no_dims(shifts):
    return RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")


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


def meshgrid_dims(t):
    return RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                        f"got: {t}")


def index_tensor_dtype():
    return IndexError("tensors used as indices must be long, int, byte or bool tensors")


def mask_shape(k, shape, pos, arr):
    return IndexError(f"The shape of the mask {list(arr.shape)} at index {k} does not match "
                      f"the shape of the indexed tensor {list(shape)} at index {pos + k}")


def too_many_indices(shape):
    return IndexError(f"too many indices for tensor of dimension {len(shape)}")


def index_broadcast(arrs):
    return IndexError("shape mismatch: indexing tensors could not be broadcast together "
                      f"with shapes {', '.join(str(list(s)) for s in arrs)}")


def index_dtype_mismatch(fmt, input, src):
    return RuntimeError(fmt.format(s=legacy_scalar_type(input._dtype),
                        o=legacy_scalar_type(src._dtype)))


def index_put_value_shape(target, v):
    return RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be "
                        f"broadcast to indexing result of shape {list(target)}")


def too_many_indices_nd(nd):
    return IndexError(f"too many indices for tensor of dimension {nd}")


def invalid_index_type(k):
    return IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                      f"byte Variables are valid indices (got {type(k).__name__})")


def gather_index_dtype(name):
    return RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def gather_index_ndim():
    return RuntimeError("Index tensor must have the same number of dimensions as input tensor")


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


def index_add_count(name, n, d, idx):
    return RuntimeError(f"{name}(): Number of indices ({idx.size}) should be equal to "
                        f"source.size(dim): ({n}), for dim: {d}")


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


# ---- normalization ---------------------------------------------------------------------------
def _dims(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def norm_param_size(name, expected, got):
    return RuntimeError(f"{name} should contain {expected} elements not {got}")


def norm_running_undefined(name):
    return RuntimeError(f"{name} must be defined in evaluation mode")


def norm_batch_size(size):
    return ValueError(f"Expected more than 1 value per channel when training, got input size "
                      f"{size}")


def norm_spatial_size(size):
    return ValueError(f"Expected more than 1 spatial element when training, got input size "
                      f"{size}")


def norm_eps(eps, training):
    if training:
        return ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    return ValueError(f"batch_norm eps must be non-negative, but got {eps}")


def norm_input_dims(expected, got):
    return ValueError(f"expected {expected} input (got {got}D input)")


def norm_num_features(num_features, got, dim=1):
    return ValueError(f"expected input's size at dim={dim} to match num_features "
                      f"({num_features}), but got: {got}.")


def layer_norm_shape(normalized_shape, shape, sep=", "):
    return RuntimeError(f"Given normalized_shape={_dims(normalized_shape)}, expected input with "
                        f"shape [*{sep}{', '.join(str(s) for s in normalized_shape)}], but got "
                        f"input of size{_dims(shape)}")


def layer_norm_param(name, shape, normalized_shape):
    return RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                        f"{name} of shape {_dims(shape)} and normalized_shape = "
                        f"{_dims(normalized_shape)}")


def norm_min_dims(ndim):
    return RuntimeError(f"Expected at least 2 dimensions for input tensor but received {ndim}")


def group_norm_groups(shape, num_groups):
    return RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                        f"but got input of shape {_dims(shape)} and num_groups={num_groups}")


def group_norm_param(name, shape, input_shape):
    return RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels "
                        f"in input, but got {name} of shape {_dims(shape)} and input of shape "
                        f"{_dims(input_shape)}")


# ---- nn: convolution / pooling -----------------------------------------------------------------
def conv_param_length(name, n, value):
    return RuntimeError(f"expected {name} to be a single integer value or a list of {n} values "
                        f"to match the convolution dimensions, but got {name}={list(value)}")


def conv_input_dim(nsp, name, shape):
    return RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to "
                        f"{name}, but got input of size: {list(shape)}")


def conv_weight_dim(weight_shape, input_shape):
    return RuntimeError(f"Expected {len(weight_shape)}-dimensional input for "
                        f"{len(weight_shape)}-dimensional weight {list(weight_shape)}, but got "
                        f"{len(input_shape)}-dimensional input of size {list(input_shape)} "
                        "instead")


def conv_dtype(input_dtype, weight_dtype):
    return RuntimeError(f"expected scalar type {legacy_scalar_type(input_dtype)} but found "
                        f"{legacy_scalar_type(weight_dtype)}")


def conv_channels(groups, weight_shape, input_shape, expected, transposed):
    given = "transposed=1, weight of size" if transposed else f"groups={groups}, weight of size"
    return RuntimeError(f"Given {given} {list(weight_shape)}, expected input{list(input_shape)} "
                        f"to have {expected} channels, but got {input_shape[1]} channels "
                        "instead")


def conv_groups_divisible(groups, weight_shape):
    return RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                        f"dimension 0, but got weight of size [{list(weight_shape)}] instead")


def conv_bias(weight_shape, cout, bias_shape):
    return RuntimeError(f"Given weight of size {list(weight_shape)}, expected bias to be "
                        f"1-dimensional with {cout} elements, but got bias of size "
                        f"{list(bias_shape)} instead")


def conv_kernel_too_big(padded, kernel):
    return RuntimeError(f"Calculated padded input size per channel: "
                        f"({' x '.join(map(str, padded))}). Kernel size: "
                        f"({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
                        "actual input size")


def conv_output_padding(output_padding, stride, dilation):
    names = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}
    dims = names.get(len(stride), tuple(str(i) for i in range(len(stride))))
    parts = [f"output_padding_{n}: {v}" for n, v in zip(dims, output_padding)]
    parts += [f"stride_{n}: {v}" for n, v in zip(dims, stride)]
    parts += [f"dilation_{n}: {v}" for n, v in zip(dims, dilation)]
    return RuntimeError("output padding must be smaller than either stride or dilation, but got "
                        + " ".join(parts))


def pool_output_too_small(sizes, out):
    return RuntimeError(f"Given input size: ({'x'.join(map(str, sizes))}). Calculated output "
                        f"size: ({'x'.join(map(str, out))}). Output size is too small")


# ---- utils.data ----------------------------------------------------------------------------------
def data_mutually_exclusive(what):
    """DataLoader argument conflicts; ``what`` names the dominating option."""
    texts = {
        "batch_sampler": "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                         "sampler, and drop_last",
        "sampler": "sampler option is mutually exclusive with shuffle",
        "batch_size": "batch_size=None option disables auto-batching and is mutually exclusive "
                      "with drop_last",
    }
    return ValueError(texts[what])


def data_bad_option(name, value=None):
    texts = {
        "num_workers": "num_workers option should be non-negative; use num_workers=0 to disable "
                       "multiprocessing.",
        "timeout": "timeout option should be non-negative",
        "prefetch_factor": "prefetch_factor option could only be specified in multiprocessing."
                           "let num_workers > 0 to enable multiprocessing, otherwise set "
                           "prefetch_factor to None.",
        "prefetch_factor_neg": "prefetch_factor option should be non-negative",
        "persistent_workers": "persistent_workers option needs num_workers > 0",
        "mp_context_workers": "multiprocessing_context can only be used with multi-process "
                              f"loading (num_workers > 0), but got num_workers={value}",
    }
    return ValueError(texts[name])


def data_mp_context(value, valid=None):
    if valid is not None:
        return ValueError(f"multiprocessing_context option should specify a valid start method "
                          f"in {valid!r}, but got multiprocessing_context={value!r}")
    return TypeError("multiprocessing_context option should be a valid context object or a "
                     f"string specifying the start method, but got "
                     f"multiprocessing_context={value}")


def data_iterable_option(name, value):
    return ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                      f"but got {name}={value}")


def data_attr_after_init(attr, cls):
    return ValueError(f"{attr} attribute should not be set after {cls} is initialized")


def data_iterable_len_warning(dataset, reported, fetched, multiprocess):
    msg = (f"Length of IterableDataset {dataset} was reported to be {reported}(when accessing "
           f"len(dataloader)), but {fetched} samples have been fetched. ")
    if multiprocess:
        msg += ("For multiprocessing data-loading, this could be caused by not properly "
                "configuring the IterableDataset replica at each worker. Please see "
                "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                "for examples.")
    return msg


def data_pin_memory_warning():
    return ("'pin_memory' argument is set as true but no accelerator is found, then device "
            "pinned memory won't be used.")


def data_timeout(seconds):
    return RuntimeError(f"DataLoader timed out after {seconds} seconds")


def data_worker_killed(pid, signame):
    return RuntimeError(f"DataLoader worker (pid {pid}) is killed by signal: {signame}. ")


def data_worker_exit_code(pid, code):
    return RuntimeError(f"DataLoader worker (pid {pid}) exited unexpectedly with exit code "
                        f"{code}. Details are lost due to multiprocessing. Rerunning with "
                        "num_workers=0 may give better error trace.")


def data_worker_caught(exc_type_name, where, traceback_text):
    return f"Caught {exc_type_name} {where}.\nOriginal {traceback_text}"


def collate_bad_type(found):
    return TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                     f"or lists; found {found}")


def collate_ragged():
    return RuntimeError("each element in list of batch should be of equal size")


def sampler_bad_arg(name, value, exc=ValueError):
    kinds = {"replacement": "a boolean value", "drop_last": "a boolean value",
             "num_samples": "a positive integer value", "batch_size": "a positive integer value"}
    return exc(f"{name} should be {kinds[name]}, but got {name}={value}")


def sampler_weights_shape(shape):
    return ValueError(f"weights should be a 1d sequence but given weights have shape {shape}")


def distributed_rank(rank, num_replicas):
    return ValueError(f"Invalid rank {rank}, rank should be in the interval "
                      f"[0, {num_replicas - 1}]")


def dataset_error(what, value=None):
    texts = {
        "getitem": (NotImplementedError, "Subclasses of Dataset should implement __getitem__."),
        "tensor_size": (AssertionError, "Size mismatch between tensors"),
        "stack_size": (ValueError, "Size mismatch between datasets"),
        "stack_empty": (ValueError, "At least one dataset should be passed"),
        "stack_both": (ValueError, "Supported either ``tuple``- (via ``args``) or``dict``- (via "
                                   "``kwargs``) like input/output, but both types are given."),
        "concat_empty": (AssertionError, "datasets should not be an empty iterable"),
        "concat_iterable": (AssertionError, "ConcatDataset does not support IterableDataset"),
        "concat_index": (ValueError, "absolute value of index should not exceed dataset length"),
        "chain_type": (AssertionError, "ChainDataset only supports IterableDataset"),
        "split_sum": (ValueError, "Sum of input lengths does not equal the length of the input "
                                  "dataset!"),
        "split_fraction": (ValueError, f"Fraction at index {value} is not between 0 and 1"),
        "nested_size": (ValueError, f"Nested dataset's output size mismatch. Expected {value}"),
    }
    exc, msg = texts[what]
    return exc(msg)


# ---- serialization (ember.save / ember.load / safetensors / hub) ----------------------------
_WEIGHTS_ONLY_INTRO = (
    "Weights only load failed. In PyTorch 2.6, we changed the default value of the "
    "`weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` "
    "with `weights_only` set to `False` will likely succeed, but it can result in arbitrary "
    "code execution. Do it only if you got the file from a trusted source.\n\n")


def weights_only_failed(detail):
    import pickle
    return pickle.UnpicklingError(
        f"{_WEIGHTS_ONLY_INTRO}{detail}\n\nCheck the documentation of torch.load to learn more "
        "about types accepted by default with weights_only "
        "https://pytorch.org/docs/stable/generated/torch.load.html.")


def weights_only_global(full_name):
    short = full_name.rpartition(".")[2]
    return weights_only_failed(
        f"Unsupported global: GLOBAL {full_name} was not an allowed global by default. Please "
        f"use `ember.serialization.add_safe_globals([{short}])` or the "
        f"`ember.serialization.safe_globals([{short}])` context manager to allowlist this "
        "global if you trust this class/function.")


def checkpoint_corrupt(detail):
    return RuntimeError(f"invalid checkpoint: {detail}")


def load_cuda_unavailable():
    return RuntimeError("Attempting to deserialize object on a CUDA device but "
                        "torch.cuda.is_available() is False. If you are running on a CPU-only "
                        "machine, please use torch.load with map_location=torch.device('cpu') "
                        "to map your storages to the CPU.")


def mmap_needs_path():
    return ValueError("f must be a file path in order to use the mmap argument")


def mmap_legacy_format(f):
    return RuntimeError(f"mmap can only be used with files saved with `torch.save({f}, "
                        "_use_new_zipfile_serialization=True), please torch.save your checkpoint "
                        "with this option in order to use mmap.")


def save_storage_dtype_conflict():
    return RuntimeError("Cannot save multiple tensors or storages that view the same data as "
                        "different types")


def hub_download_failed(url, path, reason):
    return RuntimeError(f"could not download {url} ({reason}). Without network access, put the "
                        f"file at {path} and call again.")


def hub_hash_mismatch(expected, got):
    return RuntimeError(f'invalid hash value (expected "{expected}", got "{got}")')


def save_parent_missing(path):
    return RuntimeError(f"Parent directory {path} does not exist.")
