"""Every PyTorch-facing error message, worded as torch 2.13 words it.

Each function builds its exception only when an error is actually raised, so nothing here
costs anything on the fast path.  Callers do ``raise _errors.xxx(...)``.
"""


class UnsupportedError(NotImplementedError, AttributeError):
    """A PyTorch API that Ember does not implement (names the API).

    Also an AttributeError: under the drop-in runner a missing ``torch.xxx`` attribute raises
    it, and ``hasattr(torch, "xxx")`` must still answer False rather than crash."""


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


def missing_size(fn):
    return TypeError(f'{fn}() missing 1 required positional arguments: "size"')


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


def cannot_infer_dtype(leaf):
    """``leaf``: the first element of ``tensor(data)``'s data that is not a number."""
    if isinstance(leaf, str):
        return TypeError("new(): invalid data type 'str'")
    return RuntimeError(f"Could not infer dtype of {type(leaf).__name__}")


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


def backward_not_tensor():
    return AssertionError("Expected output to be a torch.Tensor")


def backward_empty_inputs():
    return RuntimeError("`inputs` argument to `backward()` cannot be empty.")


def grad_input_not_requiring_grad():
    return RuntimeError("One of the differentiated Tensors does not require grad")


def hook_without_grad():
    return RuntimeError("cannot register a hook on a tensor that doesn't require gradient")


def post_accumulate_hook_non_leaf():
    return RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")


def retain_grad_without_grad():
    return RuntimeError("can't retain_grad on Tensor that has requires_grad=False")


def variable_data(data):
    return TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")


def deepcopy_non_leaf():
    return RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                        "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                        "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                        "https://github.com/pytorch/pytorch/pull/103001")


def class_decoration_warning():
    return ("Decorating classes is deprecated and will be disabled in future versions. You should "
            "only decorate functions or methods. To preserve the current behavior of class "
            "decoration, you can directly decorate the `__init__` method and nothing else.")


def anomaly_enabled_warning():
    return ("Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.")


def anomaly_nan(node, i):
    return RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def anomaly_trace_warning(node):
    return f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n" \
        + "".join(node._trace)


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when a check fails."""


def gradcheck_jacobian_mismatch(output, input, numerical, analytical):
    return GradcheckError(f"Jacobian mismatch for output {output} with respect to input {input},\n"
                          f"numerical:{numerical}\nanalytical:{analytical}\n")


def gradcheck_no_input():
    return ValueError("gradcheck expects at least one input tensor to require gradient, but none "
                      "of them have requires_grad=True.")


def gradcheck_precision_warning(i):
    return (f"Input #{i} requires gradient and is not a double precision floating point or "
            "complex. This check will likely fail if all the inputs are not of double precision "
            "floating point or complex. ")


# custom autograd.Function
def function_grad_count(node, expected, got):
    return RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                        f"(expected {expected}, got {got})")


def function_grad_not_variable(node, pos):
    return RuntimeError(f"function {node.name()} returned a gradient different than None at "
                        f"position {pos}, but the corresponding forward input was not a Variable")


def function_instantiated_warning(cls):
    return (f"{cls} should not be instantiated. Methods on autograd functions are all static, so "
            "you should invoke them on the class itself. Instantiating an autograd function will "
            "raise an error in a future version of PyTorch.")


def function_legacy_call():
    return RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                        "Please use new-style autograd function with static forward method. "
                        "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd."
                        "Function)")


def function_not_implemented(what):
    texts = {
        "forward": "You must implement the forward function for custom autograd.Function.",
        "setup_context": "setup_context is not implemented.",
        "backward": "You must implement either the backward or vjp method for your custom "
                    "autograd.Function to use it with backward mode AD.",
        "jvp": "You must implement the jvp function for custom autograd.Function to use it with "
               "forward mode AD.",
        "vmap": "To use autograd.Function with vmap, you must either override the vmap "
                "staticmethod or set generate_vmap_rule=True.",
    }
    return NotImplementedError(texts[what])


def function_dirty_leaf():
    return RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                        "operation.")


def once_differentiable_twice():
    return RuntimeError("trying to differentiate twice a function that was marked with "
                        "@once_differentiable")


# autograd.functional
def functional_arg_type(arg_name, fn_name, value, index=None):
    which = f"the given {arg_name}" if index is None else f"the value at index {index}"
    return TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                     f"Tensors but {which} has type {type(value)}.")


def functional_v_none(of_inputs):
    if of_inputs:
        return RuntimeError("The vector v can only be None if the input to the user-provided "
                            "function is a single Tensor with a single element.")
    return RuntimeError("The vector v can only be None if the user-provided function returns a "
                        "single Tensor with a single element.")


def functional_v_length(expected, got, as_tuple):
    if not as_tuple:
        return RuntimeError("The given v should contain a single Tensor.")
    return RuntimeError(f"v is a tuple of invalid length: should be {expected} but got {got}.")


def functional_v_size(i, expected, got, as_tuple):
    entry = f"Entry {i} in " if as_tuple else ""
    return RuntimeError(f"{entry}v has invalid size: should be {expected} but got {got}.")


def functional_independent(i, output=None):
    what = "The output" if output is None else f"Output {output}"
    return RuntimeError(f"{what} of the user-provided function is independent of input {i}. This "
                        "is not allowed in strict mode.")


def functional_output_no_grad(i):
    return RuntimeError(f"Output {i} of the user-provided function does not require gradients. "
                        "The outputs must be computed in a differentiable manner from the input "
                        "when running in strict mode.")


def functional_scalar_output(fn_name, is_tuple):
    if is_tuple:
        return RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    return RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain "
                        "a single element")


# ---- pointwise ------------------------------------------------------------------------------
def out_requires_grad(node):
    """``out=`` with autograd; ``node`` the result's grad_fn (named after the op), or None."""
    import re
    op = "op" if node is None else re.sub(r"Backward\d*$", "", node.name())
    op = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()
    return RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                        "differentiation, but one of the arguments requires grad.")


def out_type(out):
    return TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")


def no_tensor_operand(a, b):
    return TypeError(f"expected at least one Tensor operand, got {type(a).__name__} and "
                     f"{type(b).__name__}")


def int_zero_division():
    return RuntimeError("ZeroDivisionError")


def derivative_not_implemented(op):
    return RuntimeError(f"derivative for aten::{op} is not implemented")


def derivative_not_implemented_for(what):
    """A formula torch leaves out (``not_implemented("zeta")`` in its derivatives table)."""
    return NotImplementedError(f"the derivative for '{what}' is not implemented.")


def polygamma_negative_n():
    return RuntimeError("polygamma(n, x) does not support negative n.")


def mvlgamma_p():
    return RuntimeError("p has to be greater than or equal to 1")


def alpha_type(bool_alpha, name="alpha"):
    """A bool scalar factor (``alpha``, ``beta``) for a non-bool result, or a floating one for an
    integral result."""
    if bool_alpha:
        return RuntimeError(f"Boolean {name} only supported for Boolean results.")
    return RuntimeError(f"For integral input tensors, argument {name} must not be a floating "
                        "point number.")


def alpha_complex():
    return RuntimeError("For non-complex input tensors, argument alpha must not be a complex "
                        "number.")


def bool_operator(op, both=False):
    """``op`` is '-' (subtraction; ``both``: two bool operands), 'neg' or '+'."""
    if op == "+":
        return RuntimeError("The `+` operator, on a bool tensor is not supported.")
    if both:
        return RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                            "supported. Use the `^` or `logical_xor()` operator instead.")
    what = "Negation, the `-` operator, on" if op == "neg" else \
        "Subtraction, the `-` operator, with"
    return RuntimeError(f"{what} a bool tensor is not supported. If you are trying to invert a "
                        "mask, use the `~` or `logical_not()` operator instead.")


def div_rounding_mode(mode):
    return RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                        f"found '{mode}'")


def int_negative_power():
    return RuntimeError("Integers to negative integer powers are not allowed.")


def float_power_inplace_dtype(dtype):
    return RuntimeError(f"the base given to float_power_ has dtype {legacy_scalar_type(dtype)} "
                        "but the operation's result requires dtype Double")


def heaviside_dtypes():
    return RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


def dtype_did_not_match(a, b):
    return RuntimeError(f"{legacy_scalar_type(a)} did not match {legacy_scalar_type(b)}")


def relu_bool():
    return RuntimeError("Boolean inputs not supported for relu")


def where_condition_dtype(dtype):
    return RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                        f"dtype {legacy_scalar_type(dtype)}")


def argument_dtype(name, want, got):
    return RuntimeError(f"expected dtype {_CPP_TYPE[want.name]} for `{name}` but got dtype "
                        f"{_CPP_TYPE[got.name]}")


def addcdiv_integer():
    return RuntimeError(
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
        "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
        "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
        "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
        "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
        "tensor2), for all dtypes.")


def clamp_no_bounds():
    return RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")


def imag_real():
    return RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def invert_float():
    return TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")


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


def dim_repeated(dim):
    return RuntimeError(f"dim {dim} appears multiple times in the list of dims")


def mean_dtype(name, dtype):
    """``mean`` / ``nanmean`` of an integer or bool dtype."""
    if name == "nanmean":
        return RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                            f"but got {legacy_scalar_type(dtype)}")
    return RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                        f"floating point or complex dtype. Got: {legacy_scalar_type(dtype)}")


def aminmax_empty():
    return RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                        "operation has no identity.")


def arg_reduction_bool(name):
    return RuntimeError(f"{name}(): does not support bool input")


def std_dof_warning():
    return ("std(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).")


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


def addmv_dtype(mat, vec, input=None):
    """``mv`` checks as ``addmv`` with an ``input`` of the vector's dtype."""
    first = vec if input is None else input
    return RuntimeError("addmv input tensors must have the same dtype, but got "
                        f"{legacy_scalar_type(first)}, {legacy_scalar_type(mat)}, and "
                        f"{legacy_scalar_type(vec)}")


def dot_dtype(name, a, b):
    return RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def addmm_dtype(name, input_dtype, a_dtype, b_dtype):
    """``input`` of a fused add-product has another dtype than its factors ``a`` and ``b``."""
    if name == "baddbmm":
        if input_dtype is a_dtype:
            return scalar_type_mismatch(a_dtype, b_dtype)
        return RuntimeError(f"Input dtypes must be the same, got: input "
                            f"{_CPP_TYPE[input_dtype.name]}, batch1: {_CPP_TYPE[a_dtype.name]}, "
                            f"batch2: {_CPP_TYPE[b_dtype.name]}")
    if name == "addmv":
        return addmv_dtype(a_dtype, b_dtype, input_dtype)
    if input_dtype is b_dtype:
        return addmm_mat_dtype(a_dtype, b_dtype)
    return RuntimeError(f"self and mat2 must have the same dtype, but got "
                        f"{legacy_scalar_type(input_dtype)} and {legacy_scalar_type(b_dtype)}")


def mm_not_matrix(op, arg, ndim):
    """``arg`` 0 or 1 of ``mm`` / ``addmm`` is not 2-D."""
    if op == "addmm":
        return RuntimeError(f"{('mat1', 'mat2')[arg]} must be a matrix, got {ndim}-D tensor")
    return RuntimeError(f"{('self', 'mat2')[arg]} must be a matrix")


def addmm_mat_dtype(a, b):
    return RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def bmm_not_3d(arg):
    return RuntimeError(f"{arg} must be a 3D tensor")


def bmm_batch2_size(shape1, shape2):
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                        f"[{shape1[0]}, {shape1[2]}] but got: [{shape2[0]}, {shape2[1]}].")


def addbmm_sizes(shape1, shape2):
    if shape1[0] != shape2[0]:
        return RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                            f"{shape1[0]} and {shape2[0]}")
    return RuntimeError(f"Incompatible matrix sizes for bmm ({shape1[1]}x{shape1[2]} and "
                        f"{shape2[1]}x{shape2[2]})")


def mv_dims(mat_ndim, vec_ndim):
    return RuntimeError(f"vector + matrix @ vector expected, got 1, {mat_ndim}, {vec_ndim}")


def mv_size(mat_shape, n):
    return RuntimeError(f"size mismatch, got input ({mat_shape[0]}), mat ({mat_shape[0]}x"
                        f"{mat_shape[1]}), vec ({n})")


def dot_dims(nd1, nd2):
    return RuntimeError(f"1D tensors expected, but got {nd1}D and {nd2}D tensors")


def dot_size(n1, n2):
    return RuntimeError(f"inconsistent tensor size, expected tensor [{n1}] and src [{n2}] to "
                        f"have the same number of elements, but got {n1} and {n2} elements "
                        "respectively")


def matmul_0d(nd1, nd2):
    return RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {nd1}D "
                        f"and {nd2}D")


def outer_not_vector(op, arg, ndim):
    return RuntimeError(f"{op}: Expected 1-D argument {arg}, but got {ndim}-D")


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


def inner_last_dim(shape1, shape2):
    return RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                        f"shapes {list(shape1)} and {list(shape2)}")


def tensordot_negative_dims(dims):
    return RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")


def tensordot_dims_length():
    return RuntimeError("both dimension lists should have same length")


def tensordot_contracted(size1, dim1, size2, dim2):
    return RuntimeError(f"contracted dimensions need to match, but first has size {size1} in dim "
                        f"{dim1} and second has size {size2} in dim {dim2}")


def trace_not_matrix(ndim):
    return RuntimeError(f"trace: expected a matrix, but got tensor with dim {ndim}")


def cross_ndim():
    return RuntimeError("linalg.cross: inputs must have the same number of dimensions.")


def cross_length(dim, n1, n2):
    return RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {n1} and "
                        f"{n2}")


def cross_default_dim_warning():
    return ("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
            "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
            "change to agree with that of linalg.cross in a future release.")


def multi_dot_count(n):
    return RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")


def solve_shapes(left, shape_a, shape_b):
    return RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                        f"{'AX = B' if left else 'XA = B'} ({shape_a[-2]}x{shape_a[-1]} and "
                        f"{shape_b[-2]}x{shape_b[-1]})")


def qr_mode(mode):
    return RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                        "(default), 'r', or 'complete'")


def qr_backward(mode):
    if mode == "r":
        return RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                            "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                            "to differentiate through linalg.qr.")
    return RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                        "nrows > ncols.")


def eigh_uplo(uplo):
    return RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def matrix_norm_order(ord):
    return RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def linalg_norm_dims(ndim):
    return RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                        f"or 2D. Got {ndim}D.")


def einsum_operand_count(more):
    return RuntimeError(f"einsum(): {'more' if more else 'fewer'} operands were provided than "
                        "specified in the equation")


def einsum_subscript_count(n, ndim, k, ellipsis):
    if ellipsis:
        return RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more "
                            f"than the number of dimensions ({ndim}) for operand {k}")
    return RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not "
                        f"match the number of dimensions ({ndim}) for operand {k} and no "
                        "ellipsis was given")


def einsum_repeated_size(label, k, size, first):
    return RuntimeError(f"einsum(): subscript {label} is repeated for operand {k} but the sizes "
                        f"don't match, {size} != {first}")


def einsum_broadcast(label, size, k, seen):
    return RuntimeError(f"einsum(): subscript {label} has size {size} for operand {k} which does "
                        f"not broadcast with previously seen size {seen}")


# ---- random sampling -------------------------------------------------------------------------
def _num(x):
    """A double as PyTorch's messages print it (2, 0.5, 1e-05)."""
    return f"{x:g}"


def random_positive(fn, param, value):
    return RuntimeError(f"{fn} expects {param} > 0.0, but found {param}={_num(value)}")


def random_probability(fn, p, closed=True):
    bounds = "[0, 1]" if closed else "(0, 1)"
    return RuntimeError(f"{fn} expects p to be in {bounds}, but got p={_num(p)}")


def normal_std(std=None):
    """A negative ``std`` (None: some element of a std tensor is negative)."""
    if std is None:
        return RuntimeError("normal expects all elements of std >= 0.0")
    return RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")


NORMAL_SIGNATURES = (
    "Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
    "Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None",
    "float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
    "float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out "
    "= None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False")


def poisson_rate():
    return RuntimeError("invalid Poisson rate, expected rate to be non-negative")


def multinomial_dtype(dtype):
    return RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                        f"{legacy_scalar_type(dtype)}")


def multinomial_error(what):
    texts = {
        "dims": "prob_dist must be 1 or 2 dim",
        "zero": "cannot sample n_sample <= 0 samples",
        "too_many": "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
        "categories": "number of categories cannot exceed 2^24",
        "invalid": "probability tensor contains either `inf`, `nan` or element < 0",
        "sum": "invalid multinomial distribution (sum of probabilities <= 0)",
    }
    return RuntimeError(texts[what])


def generator_type(obj):
    return TypeError(f"expected a torch.Generator, got {type(obj).__name__}")


def seed_overflow():
    return ValueError("Overflow when unpacking long long")


def rng_state_type(state, is_tensor):
    if is_tensor:
        return TypeError("RNG state must be a torch.ByteTensor")
    return TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")


def rng_state_size(device_type, expected, got):
    if device_type == "cuda":
        return RuntimeError("RNG state is wrong size")
    return RuntimeError(f"Expected a CPUGeneratorImplState of size {expected} but found the "
                        f"input RNG state size to be {got}")


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


def distributed_unavailable():
    return RuntimeError("Requires distributed package to be available")


def data_iter_pickle(iterator):
    return NotImplementedError(f"{type(iterator).__name__} cannot be pickled")


def split_empty_warning(index):
    return UserWarning(f"Length of split at index {index} is 0. This might result in an empty "
                       "dataset.")


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
_WEIGHTS_ONLY_UNSAFE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
_WEIGHTS_ONLY_DOCS = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def weights_only_failed(detail, report=True):
    """A ``weights_only`` load refused; ``report``: torch asks to file an issue about it."""
    import pickle
    ask = ("Please file an issue with the following so that we can make `weights_only=True` "
           "compatible with your use case: WeightsUnpickler error: ") if report else ""
    return pickle.UnpicklingError(f"Weights only load failed. {_WEIGHTS_ONLY_UNSAFE}\n{ask}\n\n"
                                  f"{detail}{_WEIGHTS_ONLY_DOCS}")


def weights_only_global(full_name):
    """torch's message, naming ``ember.serialization`` (where ``add_safe_globals`` lives)."""
    import pickle
    if full_name.startswith("builtins."):
        full_name = full_name[len("builtins."):]
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two options, "
        "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. \n\t(1) "
        f"{_WEIGHTS_ONLY_UNSAFE}\n\t(2) Alternatively, to load with `weights_only=True` please "
        "check the recommended steps in the following error message.\n\tWeightsUnpickler error: "
        f"Unsupported global: GLOBAL {full_name} was not an allowed global by default. Please "
        f"use `ember.serialization.add_safe_globals([{full_name}])` or the "
        f"`ember.serialization.safe_globals([{full_name}])` context manager to allowlist this "
        f"global if you trust this class/function.{_WEIGHTS_ONLY_DOCS}")


def weights_only_blocked(full_name, module):
    return weights_only_failed(f"Trying to load unsupported GLOBAL {full_name} whose module "
                               f"{module} is blocked.", report=False)


def weights_only_not_callable(func):
    which = f" which belongs to {func.__self__}" if hasattr(func, "__self__") else ""
    return weights_only_failed(f"Trying to call reduce for unrecognized function {func}{which}")


def weights_only_target(op, obj):
    """An opcode applied to an object it may not touch (``obj``: a class for NEWOBJ)."""
    texts = {
        "NEWOBJ": "Can only create new object for nn.Parameter or classes allowlisted via "
                  f"`add_safe_globals` but got {obj}",
        "BUILD": "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                 f"`add_safe_globals`, but got {type(obj)}",
        "APPEND": f"Can only append to lists, but got {type(obj)}",
        "APPENDS": f"Can only extend lists, but got {type(obj)}",
        "SETITEM": f"Can only {op} for dict, collections.OrderedDict, collections.Counter, but "
                   f"got {type(obj)}",
        "ADDITEMS": f"Can only ADDITEMS for set, but got {type(obj)}",
    }
    return weights_only_failed(texts["SETITEM" if op == "SETITEMS" else op])


def weights_only_build_state(inst=None, key=None):
    """A BUILD state other than plain attributes (on ``inst``; ``key``: a refused key)."""
    if key is not None:
        return weights_only_failed(f"Unsupported BUILD key {key!r}")
    of = f" for {type(inst).__name__}" if inst is not None else ""
    return weights_only_failed(f"Unsupported BUILD state{of}")


def weights_only_operand(op):
    return weights_only_failed(f"Unsupported operand {op}")


def pickle_malformed(what, detail=None):
    """A pickle stream the weights-only machine cannot run (``detail``: an index or error)."""
    import pickle
    texts = {
        "truncated": "pickle data was truncated",
        "line": "pickle line too long or truncated",
        "no_mark": "MARK not found",
        "underflow": "unpickling stack underflow",
        "mark": "unexpected MARK",
        "protocol": "unsupported pickle protocol",
        "long": "integer too large",
        "SETITEMS": "odd number of items for SETITEMS",
        "DICT": "odd number of items for DICT",
        "STACK_GLOBAL": "STACK_GLOBAL requires str",
        "REDUCE": "REDUCE arguments must be a tuple",
        "memo_index": "memo index out of range",
        "memo_key": f"memo key {detail} not found",
        "limit": f"pickle data is malformed ({type(detail).__name__})",
        "error": f"{type(detail).__name__}: {detail}",
        "persistent_id": "unexpected persistent id in a checkpoint header",
    }
    return pickle.UnpicklingError(texts[what])


def safe_global_argument(what):
    """An allow-listed builtin called with arguments it is not allowed to take."""
    texts = {"encode": "_codecs.encode is only allowed on a str with a byte encoding",
             "bytearray": "bytearray is only allowed from bytes, str or a list"}
    return TypeError(texts[what])


def checkpoint_name_only(name):
    return TypeError(f"{name} is only a name written into checkpoints")


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


# safetensors: worded as the `safetensors` package words them
def safetensors_not_dict(obj):
    return ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(obj)}")


def safetensors_not_tensor(name, obj):
    return ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(obj)}")


def safetensors_metadata(value):
    return TypeError(f"argument 'metadata': '{type(value).__name__}' object is not an instance "
                     "of 'str'")


def safetensors_dtype(dtype):
    return TypeError(f"safetensors has no dtype for {dtype}")


def safetensors_invalid(what, detail=None):
    """A malformed file (the package's SafetensorError; here a ValueError)."""
    texts = {"small": "header too small", "length": "invalid header length",
             "json": f"invalid JSON in header: {detail}",
             "object": "invalid JSON in header: expected a JSON object",
             "entry": f"invalid shape, data type, or offset for tensor {detail!r}"}
    return ValueError(f"Error while deserializing: {texts[what]}")


# ---- vision.models ---------------------------------------------------------------------------
def weights_file_missing(weights, name, path, url):
    return FileNotFoundError(
        f"{weights} needs the checkpoint file '{name}', which is not at {path}. Ember does not "
        f"download weights here (that needs network access): fetch {url} on a machine with "
        f"network access and put the file at {path} (or set $TORCH_HOME, or pass "
        f"weights_path='/path/to/{name}').")


def weights_unknown(name, enum_cls):
    return ValueError(f"Failed to find Weights `{name}` in {enum_cls.__name__}. "
                      f"Try one of {[m.name for m in enum_cls]}")


def weights_wrong_type(obj, enum_cls):
    return TypeError(f"Invalid Weight class provided; expected {enum_cls.__name__} but "
                     f"received {type(obj).__name__}.")


def weights_param_mismatch(param, expected, got):
    return ValueError(f"The parameter '{param}' expected value {expected} but got {got} instead.")


def pretrained_deprecated_warning(pretrained_param, weights_param):
    return UserWarning(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be "
                       f"removed in the future, please use '{weights_param}' instead.")


def pretrained_value_warning(weights_param, equivalent, default):
    extra = (f" You can also use `{weights_param}={default}` to get the most up-to-date weights."
             if default != equivalent else "")
    return UserWarning(f"Arguments other than a weight enum or `None` for '{weights_param}' are "
                       f"deprecated since 0.13 and may be removed in the future. The current "
                       f"behavior is equivalent to passing `{weights_param}={equivalent}`.{extra}")


def unknown_model(name):
    return ValueError(f"Unknown model {name}")


def basic_block_groups():
    return ValueError("BasicBlock only supports groups=1 and base_width=64")


def basic_block_dilation():
    return NotImplementedError("Dilation > 1 not supported in BasicBlock")


def resnet_dilation(replace_stride_with_dilation):
    return ValueError("replace_stride_with_dilation should be None or a 3-element tuple, got "
                      f"{replace_stride_with_dilation}")


def mobilenet_stride(stride):
    return ValueError(f"stride should be 1 or 2 instead of {stride}")


def mobilenet_setting(setting):
    return ValueError("inverted_residual_setting should be non-empty or a 4-element list, got "
                      f"{setting}")


def squeezenet_version(version):
    return ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")


# ---- vision.datasets -------------------------------------------------------------------------
def pillow_missing():
    return ImportError("this ember.vision feature needs Pillow: pip install 'ember[vision]'")


def vision_transforms_exclusive():
    return ValueError("Only transforms or transform/target_transform can be passed as argument")


def vision_dataset_missing(corrupted=False):
    return RuntimeError(f"Dataset not found{' or corrupted' if corrupted else ''}. You can use "
                        "download=True to download it")


def download_failed(what, why, filename, md5, folder):
    """No network (or a dead mirror): say which file to fetch and where it goes."""
    return RuntimeError(f"Could not download {what} ({why}). Place {filename} (md5 {md5}) in "
                        f"{folder} and retry.")


def download_md5(url, md5):
    return RuntimeError(f"File {url} downloaded with a wrong md5 (expected {md5}).")


def extraction_unsupported(path):
    return RuntimeError(f"Extraction of {path} not supported")


def not_idx_file(path):
    return RuntimeError(f"{path} is not an IDX file")


def emnist_split(split, splits):
    return ValueError(f"Unknown value '{split}' for argument split. Valid values are "
                      f"{{{', '.join(repr(s) for s in splits)}}}.")


def fake_data_index(dataset):
    return IndexError(f"{type(dataset).__name__} index out of range")


def no_class_folder(directory):
    return FileNotFoundError(f"Couldn't find any class folder in {directory}.")


def extensions_xor_is_valid_file():
    return ValueError("Both extensions and is_valid_file cannot be None or not None at the same "
                      "time")


def no_valid_file(classes, extensions):
    msg = f"Found no valid file for the classes {', '.join(sorted(classes))}. "
    if extensions is not None:
        exts = extensions if isinstance(extensions, str) else ", ".join(extensions)
        msg += f"Supported extensions are: {exts}"
    return FileNotFoundError(msg)


# ---- vision.transforms / vision.utils --------------------------------------------------------
def img_type(img):
    return TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def tensor_image_type(img):
    return TypeError(f"img should be Tensor Image. Got {type(img)}")


def convert_image_not_tensor():
    return TypeError("Input img should be Tensor Image")


def pic_type(expected, pic):
    return TypeError(f"pic should be {expected}. Got {type(pic)}")


def to_pil_image_type(pic):
    return TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")


def pic_dims(ndim):
    return ValueError(f"pic should be 2/3 dimensional. Got {ndim} dimensions.")


def pil_input_type(dtype):
    return TypeError(f"Input type {dtype} is not supported")


def normalize_float(dtype):
    return TypeError(f"Input tensor should be a float tensor. Got {dtype}.")


def normalize_dims(size):
    return ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                      f"tensor.size() = {size}")


def normalize_std_zero(dtype):
    return ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division "
                      "by zero.")


def resize_max_size(max_size, size):
    return ValueError(f"max_size = {max_size} must be strictly greater than the requested size "
                      f"for the smaller edge size = {size}")


def resize_max_size_sequence():
    return ValueError("max_size should only be passed if size specifies the length of the "
                      "smaller edge, i.e. size should be an int or a sequence of length 1 in "
                      "torchscript mode.")


def resize_size_type(size):
    return TypeError(f"Size should be int or sequence. Got {type(size)}")


def interpolation_tensor(mode):
    return ValueError(f"Interpolation mode {mode} is unsupported for tensors")


def interpolation_nearest_exact_pil():
    return ValueError("Interpolation mode NEAREST_EXACT is unsupported with Pil input")


def padding_length(n):
    return ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                      f"{n} element tuple")


def padding_mode():
    return ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def fill_channels(n, bands):
    return ValueError("The number of elements in 'fill' does not match the number of channels "
                      f"of the image ({n} != {bands})")


def five_crop_size(crop_size, image_size):
    return ValueError(f"Requested crop size {crop_size} is bigger than input size {image_size}")


def random_crop_size(crop_size, image_size):
    return ValueError(f"Required crop size {crop_size} is larger than input image size "
                      f"{image_size}")


def affine_scale():
    return ValueError("Argument scale should be positive")


def colour_factor(name, factor):
    return ValueError(f"{name}_factor ({factor}) is not non-negative.")


def hue_factor(factor):
    return ValueError(f"hue_factor ({factor}) is not in [-0.5, 0.5].")


def gamma_negative():
    return ValueError("Gamma should be a non-negative real number")


def grayscale_channels():
    return ValueError("num_output_channels should be either 1 or 3")


def blur_kernel_size(kernel_size):
    return ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")


def blur_sigma(sigma):
    return ValueError(f"sigma should have positive values. Got {sigma}")


def blur_kernel_odd():
    return ValueError("Kernel size value should be an odd and positive number.")


def lambda_not_callable(lambd):
    return TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")


def single_number_negative(name):
    return ValueError(f"If {name} is a single number, it must be non negative.")


def single_number_positive(name):
    return ValueError(f"If {name} is a single number, it must be positive.")


def jitter_type(name):
    return TypeError(f"{name} should be a single number or a list/tuple with length 2.")


def jitter_bounds(name, bound, value):
    return ValueError(f"{name} values should be between {bound}, but got {value}.")


def sequence_len_2(name):
    return ValueError(f"If {name} is a sequence, it must be of len 2.")


def erasing_scale_ratio():
    return ValueError("Scale and ratio should be of kind (min, max)")


def erasing_probability():
    return ValueError("Random erasing probability should be between 0 and 1")


def make_grid_dims(ndim):
    return ValueError(f"tensor should be 2D, 3D or 4D. Got {ndim}D")


# ---- drop-in runner (ember.run / ember.compat) ------------------------------------------------
def unsupported_module(api, why):
    return ModuleNotFoundError(f"ember does not implement {api} ({why})")


def unsupported_attribute(api, target):
    return unsupported(api, f"{target} has no attribute {api.rpartition('.')[2]!r}")


# ---- nn ops: activations, embedding, conv/fold, pooling/padding, losses ----------------------
def celu_alpha_zero():
    return RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")


def gelu_approximate_invalid():
    return RuntimeError("approximate argument must be either none or tanh.")


def prelu_weight_dim(weight):
    return RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                        f"ndim = {weight._data.ndim}")


def glu_scalar():
    return RuntimeError("glu does not support scalars because halving size must be even")


def glu_halving_odd(d, x):
    return RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                        f"{x.shape[d]}")


def dropout_probability(p):
    return RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def embedding_indices_dtype(fn, indices):
    return RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                        f"following scalar types: Long, Int; but got "
                        f"{legacy_type_name(indices)} instead (while checking "
                        f"arguments for {fn})")


def embedding_weight_2d():
    return RuntimeError("'weight' must be 2-D")


def embedding_bag_first_offset(offs):
    return RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                        f"has to start from position 0. However, got {int(offs[0])}")


def embedding_bag_index_range(k, n, idx):
    return RuntimeError(f"Index {k} of input takes value {int(idx[k])} which is not in the "
                        f"valid range [0, {n})")


def one_hot_dtype():
    return RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")


def bilinear_input1_size(in1, input1):
    return RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                        f"{input1._data.shape[-1]} but expected {in1}")


def bilinear_input2_size(in2, input2):
    return RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                        f"{input2._data.shape[-1]} but expected {in2}")


def bilinear_batch_dims(input1, input2):
    return RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                        f"{list(input1._data.shape[:-1])} and "
                        f"{list(input2._data.shape[:-1])}")


def prelu_channel_mismatch(n, c):
    return RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                        f"parameter numbers = {n} and channel size = {c}.")


def feature_dropout_dims():
    return RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def one_hot_empty():
    return RuntimeError("Can not infer total number of classes from empty tensor.")


def one_hot_negative():
    return RuntimeError("Class values must be non-negative.")


def one_hot_too_large():
    return RuntimeError("Class values must be smaller than num_classes.")


def conv_nonpositive_groups():
    return RuntimeError("non-positive groups is not supported")


def conv_nonpositive_stride():
    return RuntimeError("non-positive stride is not supported")


def conv_negative_padding():
    return RuntimeError("negative padding is not supported")


def conv_nonpositive_dilation(d):
    return RuntimeError(f"dilation should be greater than zero, but got {list(d)}")


def conv_same_padding_strided():
    return RuntimeError("padding='same' is not supported for strided convolutions")


def im2col_input_dims(a):
    return RuntimeError("Input Error: Only 3D or 4D input Tensors are supported (got "
                        f"{a.ndim}D)")


def col2im_input_dims(a):
    return RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                        f"supported (got {a.ndim}D)")


def col2im_kernel_divisible(ks, x):
    return RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                        f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                        f"kernel_size={ks}")


def conv_padding_string(pad):
    return RuntimeError(f"Invalid padding string: '{pad}'")


def reduction_invalid(reduction):
    return ValueError(f"{reduction} is not a valid value for reduction")


def bce_input_range():
    return RuntimeError("all elements of input should be between 0 and 1")


def target_out_of_bounds(t, bad):
    return IndexError(f"Target {int(t[bad].ravel()[0])} is out of bounds.")


def nll_target_dtype(tdt):
    return RuntimeError(f"expected target dtype to be Long or Byte, but got "
                        f"{legacy_scalar_type(tdt)}")


def nll_input_dims():
    return ValueError("Expected 1 or more dimensions (got 0)")


def nll_batch_size(shape, ts):
    return ValueError(f"Expected input batch_size ({shape[0]}) to match target "
                      f"batch_size ({ts[0] if ts else 1}).")


def target_multi_dim():
    return RuntimeError("0D or 1D target tensor expected, multi-target not supported")


def nll2d_target_dims(ts):
    return RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                        f"targets of dimension: {len(ts)}")


def nll2d_size_mismatch(shape, ts):
    return RuntimeError(f"size mismatch (got input: {list(shape)} , target: {list(ts)}")


def nll_target_size(ts, shape):
    return RuntimeError(f"Expected target size {[shape[0], *shape[2:]]}, got {list(ts)}")


def nll_weight_size(c, weight):
    return RuntimeError(f"weight tensor should be defined either for all {c} classes or no "
                        f"classes but got weight tensor of shape: {list(weight.shape)}")


def multi_margin_input_dims(x):
    return RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                        f"but got: {list(x.shape)}")


def multi_margin_target_size(n, t, x):
    return RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                        f"the number of input samples (batch size). Expected target size "
                        f"[{n}], but got {list(t.shape)}. Input has shape {list(x.shape)}.")


def target_out_of_range():
    return RuntimeError("target out of range")


def multilabel_target_size(t, x):
    return RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                        f"{list(x.shape)}")


def target_arg_out_of_range():
    return RuntimeError("argument #2 'target' is out of range")


def ctc_input_lengths(t_max, il):
    return RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value "
                        f"{int(il.max())} (while checking arguments for "
                        f"ctc_loss_allocate_outputs)")


def ctc_target_size(tgt, tl):
    return RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension "
                        f"1, but got size {tgt.shape[1]} for argument #2 'targets' (while "
                        f"checking arguments for ctc_loss_allocate_outputs)")


def pool_input_dims(msg, nsp):
    return RuntimeError(msg or f"non-empty {nsp + 1}D or {nsp + 2}D (batch mode) tensor "
                               "expected for input")


def avg_pool_divisor_zero():
    return RuntimeError("divisor must be not zero")


def adaptive_avg_pool_output_size(nsp):
    return ValueError(f"adaptive_avg_pool{nsp}d: output_size must be {nsp}")


def adaptive_avg_pool_input_dims(input, nsp):
    return RuntimeError(f"adaptive_avg_pool{nsp}d(): Expected {nsp + 1}D or {nsp + 2}D "
                        f"tensor, but got {list(input._data.shape)}")


def adaptive_avg_pool1d_input_dims(input):
    return RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got "
                        f"{list(input._data.shape)}")


def adaptive_max_pool_input_dims(input, nsp):
    return RuntimeError(f"adaptive_max_pool{nsp}d(): Expected {nsp + 1}D or {nsp + 2}D "
                        f"tensor, but got {list(input._data.shape)}")


def adaptive_max_pool1d_input_dims(input):
    return RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got "
                        f"{list(input._data.shape)}")


def max_unpool_invalid_index(bad, out_spatial):
    return RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                        f"{'x'.join(map(str, out_spatial))}")


def pad_length_odd():
    return RuntimeError("Padding length must be divisible by 2")


def pad_length_too_long(nd, pad):
    return RuntimeError(f"Padding length should be less than or equal to two times the "
                        f"input dimension but got padding length {len(pad)} and input of "
                        f"dimension {nd}")


def pad_negative_output(lead, a, pairs):
    return RuntimeError(f"The input size {a.shape[lead]}, plus negative padding "
                        f"{pairs[0][0]} and {pairs[0][1]} resulted in a negative output size, "
                        "which is invalid. Check dimension "
                        f"{lead} of your input.")


def pixel_shuffle_dims(a):
    return RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                        f"input with {a.ndim} dimension(s)")


def pixel_shuffle_channels(c, r):
    return RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                        "divisible by the square of upscale_factor, but input.size(-3)="
                        f"{c} is not divisible by {r * r}")


def pixel_unshuffle_dims(a):
    return RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                        f"got input with {a.ndim} dimension(s)")


def pixel_unshuffle_size(h, r, w):
    return RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, "
                        f"but input.size(-2)={h} is not divisible by {r}" if h % r else
                        "pixel_unshuffle expects width to be divisible by downscale_factor, "
                        f"but input.size(-1)={w} is not divisible by {r}")


def channel_shuffle_groups(groups):
    return RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                        f"groups:{groups}")


def channel_shuffle_channels(c, groups):
    return RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                        f"and {groups} groups.")


def pool_param_length(name, what, nums):
    return RuntimeError(f"{name}: {what} must either be a single int, or a tuple of "
                        f"{nums} ints")


def pool_pad_too_big(pi, k, di):
    return RuntimeError(f"pad should be at most half of effective kernel size, but got "
                        f"pad={pi}, kernel_size={k} and dilation={di}")


def max_pool1d_int_arg():
    return RuntimeError("max_pool1d() argument must be a single int or a tuple of one int")


def reflection_pad_size(lo, hi, k, nd, a):
    return RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                        f"input dimension, but got: padding ({lo}, {hi}) at dimension "
                        f"{a.ndim - nd + k} of input {list(a.shape)}")


# ---- nn.functional ---------------------------------------------------------------------------
def softmax_implicit_dim(name):
    return UserWarning(f"Implicit dimension choice for {name} has been deprecated. Change the "
                       "call to include dim=X as an argument.")


def sdpa_causal_with_mask():
    return RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                        "when is_causal=True")


def mha_query_dims(qd):
    return AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                          f"{qd}-D query tensor")


def mha_key_value_dims(kind, qd, key, value):
    return AssertionError(f"For {kind} `query`, expected `key` and `value` to be {qd}-D but "
                          f"found {key.dim()}-D and {value.dim()}-D tensors respectively")


def mha_key_padding_mask_dims(kind, qd, key_padding_mask):
    return AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                          f"{qd - 1}-D but found {key_padding_mask.dim()}-D tensor instead")


def mha_mask_dtype(mask_name):
    return AssertionError(f"only bool and floating types of {mask_name} are supported")


def mha_attn_mask_3d_shape(attn_mask, tgt_len, src_len, bsz, num_heads):
    return RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                        f"{(bsz * num_heads, tgt_len, src_len)}.")


def mha_static_size0(name, bsz, num_heads, static):
    return AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got "
                          f"{static.size(0)}")


def mha_static_size2(name, head_dim, static):
    return AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")


def mha_causal_needs_mask():
    return RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                        "Transformer module method `generate_square_subsequent_mask` to "
                        "create this mask.")


def mha_embed_dim(embed_dim_to_check, embed_dim):
    return AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                          f"got {embed_dim}")


def mha_heads_divisible(embed_dim, num_heads):
    return AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")


def mha_attn_mask_dims(kind, attn_mask):
    return AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D "
                          f"or 3-D but found {attn_mask.dim()}-D tensor instead")


def mha_mask_type_mismatch(mask_name, other_name):
    return UserWarning(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                       "Use same type for both instead.")


def mha_attn_mask_2d_shape(attn_mask, tgt_len, src_len):
    return RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should "
                        f"be {(tgt_len, src_len)}.")


def mha_key_value_batch(key, value):
    return AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                          f"value's {value.shape[:2]}")


def mha_key_value_shape(key, value):
    return AssertionError(f"key shape {key.shape} does not match value shape "
                          f"{value.shape}")


def mha_attn_mask_dim(attn_mask):
    return RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def mha_bias_static_key():
    return AssertionError("bias cannot be added to static key.")


def mha_bias_static_value():
    return AssertionError("bias cannot be added to static value.")


def mha_bias_v_missing():
    return AssertionError("bias_k is set but bias_v is None")


def mha_key_padding_batch(bsz, key_padding_mask):
    return AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                          f"{key_padding_mask.shape[0]}")


def mha_key_padding_len(src_len, key_padding_mask):
    return AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                          f"{key_padding_mask.shape[1]}")


def mha_attn_mask_shape(expected, attn_mask):
    return AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                          f"{attn_mask.shape}")


def mha_bias_k_missing():
    return AssertionError("bias_v is set but bias_k is None")


def dropout_probability_value(p):
    return ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d_dims(nd):
    return RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. "
                        "Note that dropout1d exists to provide channel-wise dropout on inputs "
                        "with 1 spatial dimension, a channel dimension, and an optional batch "
                        "dimension (i.e. 2D or 3D inputs).")


def dropout2d_dims(nd):
    return UserWarning(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and "
                       "will result in an error in a future release. To retain the behavior and "
                       "silence this warning, please use dropout instead. Note that dropout2d "
                       "exists to provide channel-wise dropout on inputs with 2 spatial "
                       "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                       "or 4D inputs).")


def dropout2d_3d_input():
    return UserWarning("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                       "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                       "where C is the channel dim. This behavior will change in a future release "
                       "to interpret the input as one without a batch dimension, i.e. shape (C, "
                       "H, W). To maintain the 1D channel-wise dropout behavior, please switch to "
                       "using dropout1d instead.")


def dropout3d_dims(nd):
    return UserWarning(f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and "
                       "will result in an error in a future release. To retain the behavior and "
                       "silence this warning, please use dropout instead. Note that dropout3d "
                       "exists to provide channel-wise dropout on inputs with 3 spatial "
                       "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
                       "or 5D inputs).")


def reduction_mode_invalid(reduction):
    return ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                      f"'sum'.")


def legacy_reduction_deprecated(ret):
    return UserWarning(f"size_average and reduce args will be deprecated, please use "
                       f"reduction='{ret}' instead.")


def loss_target_size_warning(input, target):
    return UserWarning(f"Using a target size ({target.shape}) that is different to the input size "
                       f"({input.shape}). This will likely lead to incorrect results due to "
                       f"broadcasting. Please ensure they have the same size.")


def weights_input_size():
    return ValueError("Weights and input must have the same size.")


def label_smoothing_range(label_smoothing):
    return RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                        f"{label_smoothing:g}")


def ce_target_probs_dtype(target):
    return RuntimeError(f"Expected floating point type for target with class probabilities, "
                        f"got {legacy_scalar_type(target.dtype)}")


def ce_ignore_index_probs():
    return RuntimeError("ignore_index is not supported for floating point target")


def ce_weight_size(c, weight):
    return RuntimeError(f"cross_entropy: weight tensor should be defined either for all {c} "
                        f"classes or no classes but got weight tensor of shape: "
                        f"{list(weight.shape)}")


def bce_target_size_deprecated(input, target):
    return ValueError(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}) is deprecated. Please ensure they have the "
                      f"same size.")


def bce_logits_target_size(input, target):
    return ValueError(f"Target size ({target.shape}) must be the same as input size "
                      f"({input.shape})")


def reduction_not_valid_value(reduction):
    return ValueError(reduction + " is not a valid value for reduction")


def reduction_not_valid(reduction):
    return ValueError(reduction + " is not valid")


def margin_ranking_dims(input1, input2, target):
    return RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                        f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                        f"target: {target.shape} ")


def cosine_embedding_1d_target(input1, input2):
    return RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                        f"sizes {list(input1.shape)} and {list(input2.shape)}.")


def cosine_embedding_0d_target(input1, input2):
    return RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                        f"sizes {list(input1.shape)} and {list(input2.shape)}.")


def triplet_dims(a, p, n):
    return RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                        f"same number of dimensions, but got: anchor {a}D, positive {p}D, "
                        f"and negative {n}D inputs")


def margin_not_positive(margin):
    return ValueError(f"margin must be greater than 0, got {margin}")


def multi_margin_p():
    return ValueError("only p == 1 and p == 2 supported")


def multi_margin_weight_dim():
    return ValueError("weight must be one-dimensional")


def gaussian_nll_negative_var():
    return ValueError("var has negative entry/entries")


def kl_div_mean_warning():
    return UserWarning("reduction: 'mean' divides the total loss by both the batch size and the "
                       "support size.'batchmean' divides only by the batch size, and aligns with "
                       "the KL div math definition.'mean' will be changed to behave the same as "
                       "'batchmean' in the next major release.")


def gaussian_nll_var_size():
    return ValueError("var is of incorrect size")


def local_response_norm_dims(dim):
    return ValueError(f"Expected 3D or higher dimensionality                          input "
                      f"(got {dim} dimensions)")


def pdist_dims(input):
    return RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")


def adaptive_output_size_range(output_size, out, dflt, si):
    return ValueError(f"invalid output_size \"{list(output_size)}\" (dim {len(out)} "
                      f"must be between {dflt - si} and {dflt + si})")


def embedding_bag_weights_shape(input, per_sample_weights):
    return ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                      f"not None, then it must have the same shape as the input "
                      f"({input.shape})")


def embedding_bag_weight_dims(weight):
    return ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                      f"{weight.dim()}")


def embedding_bag_mode():
    return ValueError("mode has to be one of sum, mean or max")


def embedding_bag_weights_mode(mode):
    return NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                               f"per_sample_weights is only supported for mode='sum' (got "
                               f"mode='{mode}'). Please open a feature request on GitHub.")


def embedding_bag_2d_offsets(offsets_type):
    return ValueError(f"if input is 2D, then offsets has to be None, as input is treated "
                      f"is a mini-batch of fixed length sequences. However, found offsets "
                      f"of type {offsets_type}")


def embedding_bag_input_dims(input):
    return ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                      f"{input.dim()}")


def embedding_bag_offsets_none():
    return ValueError("offsets has to be a 1D Tensor but got None")


def embedding_bag_offsets_dims():
    return ValueError("offsets has to be a 1D Tensor")


def interpolate_size_and_scale():
    return ValueError("only one of size or scale_factor should be defined")


def interpolate_no_size_or_scale():
    return ValueError("either size or scale_factor should be defined")


def interpolate_scale_dims(sp, sc):
    return ValueError(f"Input and scale_factor must have the same number of spatial "
                      f"dimensions, but got input with spatial dimensions of {list(sp)} and "
                      f"scale_factor of shape {list(sc)}. Please provide input tensor in "
                      "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                      "format.")


def interpolate_mode_dims(input, mode, linear_dims):
    return NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                               f"{linear_dims[mode] + 2}D input")


def interpolate_input_dims(input, mode):
    return NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                               f"{input.dim()}D) for the modes: nearest | linear | bilinear "
                               f"| bicubic | trilinear | area | nearest-exact (got {mode})")


def interpolate_antialias():
    return NotImplementedError("interpolate: antialias=True is not supported by ember")


def upsample_deprecated():
    return UserWarning("nn.functional.upsample is deprecated. Use nn.functional.interpolate "
                       "instead.")


def upsample_nearest_deprecated():
    return UserWarning("nn.functional.upsample_nearest is deprecated. Use "
                       "nn.functional.interpolate instead.")


def upsample_bilinear_deprecated():
    return UserWarning("nn.functional.upsample_bilinear is deprecated. Use "
                       "nn.functional.interpolate instead.")


def pad_mode_value(mode):
    return RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")


def pad_mode_unknown(mode):
    return NotImplementedError(f"Unrecognised padding mode {mode}")


def pad_size_unsupported(input, pad):
    return NotImplementedError(f"Padding size {len(pad)} is not supported for "
                               f"{input.dim()}D input tensor.")


def interpolate_size_dims(sp, out):
    return ValueError(f"Input and output must have the same number of spatial "
                      f"dimensions, but got input with spatial dimensions of {list(sp)} "
                      f"and output size of {list(out)}. Please provide input tensor in "
                      "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                      "format.")


def interpolate_align_corners():
    return ValueError("align_corners option can only be set with the interpolating "
                      "modes: linear | bilinear | bicubic | trilinear")


# ---- nn modules and parameters ---------------------------------------------------------------
def softmax2d_dims(input):
    return ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                      "instead")


def hardtanh_min_value_deprecated():
    return FutureWarning("keyword argument `min_value` is deprecated and rename to `min_val`")


def hardtanh_max_value_deprecated():
    return FutureWarning("keyword argument `max_value` is deprecated and rename to `max_val`")


def container_index_out_of_range(idx):
    return IndexError(f"index {idx} is out of range")


def sequential_mul_type(self, other):
    return TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")


def sequential_mul_factor(other, self):
    return ValueError(f"Non-positive multiplication factor {other} for {type(self)}")


def parameterlist_called():
    return RuntimeError("ParameterList should not be called.")


def parameterdict_called():
    return RuntimeError("ParameterDict should not be called.")


def container_deprecated():
    return FutureWarning("`nn.Container` is deprecated. All of its functionality is now "
                         "implemented in `nn.Module`. Subclass that instead.")


def sequential_add_type(other):
    return ValueError("add operator supports only objects of Sequential class, but "
                      f"{str(type(other))} is given.")


def module_type_assert(module_cls):
    return AssertionError(f"module should be of type: {module_cls}")


def module_list_index(index):
    return IndexError(f"Index out of range: {index}")


def modulelist_extend_type(modules):
    return TypeError("ModuleList.extend should be called with an iterable, but got " +
                     type(modules).__name__)


def update_element_not_iterable(what, j, p):
    return TypeError(f"{what} update sequence element #{j} should be Iterable; is" +
                     type(p).__name__)


def update_element_length(what, j, p):
    return ValueError(f"{what} update sequence element #{j} has length {len(p)}; 2 is "
                      "required")


def moduledict_update_type(modules):
    return TypeError("ModuleDict.update should be called with an iterable of key/value "
                     "pairs, but got " + type(modules).__name__)


def parameterlist_extend_type(values):
    return TypeError("ParameterList.extend should be called with an iterable, but got " +
                     type(values).__name__)


def parameterdict_key_type(key):
    return TypeError("Index given to ParameterDict cannot be used as a key as it is not a "
                     f"string (type is '{type(key).__name__}'). Open an issue on github if "
                     "you need non-string keys.")


def parameterdict_update_type(parameters):
    return TypeError("ParametersDict.update should be called with an iterable of key/value "
                     "pairs, but got " + type(parameters).__name__)


def conv_groups_positive():
    return ValueError("groups must be a positive integer")


def conv_in_channels_groups():
    return ValueError("in_channels must be divisible by groups")


def conv_out_channels_groups():
    return ValueError("out_channels must be divisible by groups")


def conv_padding_mode_invalid(padding_modes, padding_mode):
    return ValueError(f"padding_mode must be one of {padding_modes}, but got "
                      f"padding_mode='{padding_mode}'")


def conv_transpose_padding_mode(self):
    return ValueError(f'Only "zeros" padding mode is supported for '
                      f"{type(self).__name__}")


def conv_transpose_output_size_len(input, n, lead, output_size):
    return ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must "
                      f"have {n} or {lead + n} elements (got {len(output_size)})")


def conv_padding_string_invalid(padding):
    return ValueError(f"Invalid padding string {padding!r}, should be one of "
                      f"{ {'valid', 'same'} }")


def conv_same_padding_strided_value():
    return ValueError("padding='same' is not supported for strided convolutions")


def conv_transpose_output_size_range(input, output_size, lo, hi, lead):
    return ValueError(f"requested an output size of {output_size}, but valid sizes "
                      f"range from {lo} to {hi} (for an input of "
                      f"{list(input.shape)[lead:]})")


def unflatten_size_type(value):
    return TypeError(f"unflattened_size must be a tuple of ints, but found type "
                     f"{type(value).__name__}")


def unflatten_dim_type():
    return TypeError("invalid argument type for dim parameter")


def unflatten_size_element(i, e):
    return TypeError("unflattened_size must be tuple of ints, but found element "
                     f"of type {type(e).__name__} at pos {i}")


def instance_norm_features_warning(feature_dim):
    return UserWarning(f"input's size at dim={feature_dim} does not match num_features. You "
                       "can silence this warning by not passing in num_features, which is not "
                       "used because affine=False")


def triplet_margin_positive(margin):
    return ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got "
                      f"{margin} instead")


def triplet_distance_margin_positive(margin):
    return ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                      f"than 0, got {margin} instead")


def multi_margin_weight_arg(weight):
    return ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got "
                      f"{weight.dim()}D instead")


def module_forward_missing(self):
    return NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" '
                               "function")


def global_backward_hooks_mixed():
    return RuntimeError("Cannot use both regular backward hooks and full backward hooks as a "
                        "global Module hook. Please use only one of them.")


def get_extra_state_unreachable():
    return RuntimeError("Reached a code path in Module.get_extra_state() that should never be "
                        "called. Please file an issue at https://github.com/pytorch/pytorch/"
                        "issues/new?template=bug-report.yml to report this bug.")


def set_extra_state_unreachable():
    return RuntimeError("Reached a code path in Module.set_extra_state() that should never be "
                        "called. Please file an issue at https://github.com/pytorch/pytorch/"
                        "issues/new?template=bug-report.yml to report this bug.")


def module_attribute_missing(name, self):
    return AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


def module_init_kwargs(self, kwargs):
    return TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                     f"argument '{next(iter(kwargs))}'")


def module_init_args(self, args):
    return TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                     f"{len(args) + 1} were given")


def buffer_before_init():
    return AttributeError("cannot assign buffer before Module.__init__() call")


def buffer_name_type(name_type):
    return TypeError(f"buffer name should be a string. Got {name_type}")


def buffer_name_dot():
    return KeyError('buffer name can\'t contain "."')


def buffer_name_empty():
    return KeyError('buffer name can\'t be empty string ""')


def attribute_exists(name):
    return KeyError(f"attribute '{name}' already exists")


def buffer_type(tensor_type, name):
    return TypeError(f"cannot assign '{tensor_type}' object to buffer '{name}' "
                     "(torch Tensor or None required)")


def parameter_before_init():
    return AttributeError("cannot assign parameter before Module.__init__() call")


def parameter_name_type(name_type):
    return TypeError(f"parameter name should be a string. Got {name_type}")


def parameter_name_dot():
    return KeyError('parameter name can\'t contain "."')


def parameter_name_empty():
    return KeyError('parameter name can\'t be empty string ""')


def parameter_type(param_type, name):
    return TypeError(f"cannot assign '{param_type}' object to parameter '{name}' "
                     "(torch.nn.Parameter or None required)")


def parameter_non_leaf(name):
    return ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                      f"parameters must be created explicitly. To express '{name}' as a "
                      "function of another Tensor, compute the value in the forward() "
                      "method.")


def not_a_module(module_type):
    return TypeError(f"{module_type} is not a Module subclass")


def module_name_type(name_type):
    return TypeError(f"module name should be a string. Got {name_type}")


def module_name_dot(name):
    return KeyError(f'module name can\'t contain ".", got: {name}')


def module_name_empty():
    return KeyError('module name can\'t be empty string ""')


def set_submodule_no_target():
    return ValueError("Cannot set the submodule without a target name!")


def set_submodule_not_module(module):
    return ValueError(f"`module` is not an nn.Module, found {type(module)}")


def set_submodule_missing(atoms, parent):
    return AttributeError(parent._get_name() + " has no attribute `" + atoms[-1] + "`")


def set_submodule_not_module_attr(atoms):
    return AttributeError("`" + atoms[-1] + "` is not an nn.Module")


def get_member_missing(name, mod):
    return AttributeError(mod._get_name() + " has no attribute `" + name + "`")


def get_member_wrong_type(what, name):
    return AttributeError("`" + name + "` is not " + what)


def module_backward_hooks_mixed():
    return RuntimeError("Cannot use both regular backward hooks and full backward hooks on "
                        "a single Module. Please use only one of them.")


def state_dict_post_hook_registered():
    return RuntimeError("Cannot register the same function as the state dict post hook "
                        "that was previously registered via register_state_dict_post_hook")


def state_dict_type(state_dict):
    return TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")


def load_state_dict_errors(cls_name, error_msgs):
    return RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
        cls_name, "\n\t".join(error_msgs)))


def train_mode_type():
    return ValueError("training mode is expected to be boolean")


def dead_module_hook_call():
    return RuntimeError("You are trying to call the hook of a dead Module!")


def dead_module_hook_revive():
    return RuntimeError("You are trying to revive the hook of a dead Module!")


def get_submodule_missing(item, mod):
    return AttributeError(mod._get_name() + " has no attribute `" + item + "`")


def get_submodule_not_module(item):
    return AttributeError("`" + item + "` is not an nn.Module")


def module_to_dtype(dtype):
    return TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                     f"got desired dtype={dtype}")


def parameters_before_init():
    return AttributeError("cannot assign parameters before Module.__init__() call")


def state_dict_positional_args():
    return FutureWarning("Positional args are being deprecated, use kwargs instead. Refer to "
                         "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn."
                         "Module.state_dict for details.")


def data_parallel_zero_grad():
    return UserWarning("Calling .zero_grad() from a module created with nn.DataParallel() has "
                       "no effect. The parameters are copied (in a differentiable manner) from "
                       "the original module. This means they are not leaf nodes in autograd "
                       "and so don't accumulate gradients. If you need gradients in your "
                       "forward method, consider using autograd.grad instead.")


def backward_hook_grad_input_count(out, res):
    return RuntimeError("Backward hook returned an invalid number of grad_input, "
                        f"got {len(out)}, but expected {len(res)}")


def complex_modules_warning():
    return UserWarning("Complex modules are a new feature under active development whose "
                       "design may change, and some modules might not work as expected "
                       "when using complex tensors as parameters or buffers. Please file "
                       "an issue at https://github.com/pytorch/pytorch/issues/new?template="
                       "bug-report.yml if a complex module does not work as expected.")


def assign_parameter_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as parameter '{name}' "
                     "(torch.nn.Parameter or None expected)")


def state_dict_post_hook_return():
    return RuntimeError("state_dict post-hook must return None")


def load_state_dict_post_hook_return():
    return AssertionError("Hooks registered with "
                          "``register_load_state_dict_post_hook`` are not expected "
                          "to return new values, if incompatible_keys need to be "
                          "modified, it should be done inplace.")


def backward_pre_hook_grad_output_count(new, grad_outputs):
    return RuntimeError("Backward pre hook returned an invalid number of "
                        f"grad_output, got {len(new)}, but expected "
                        f"{len(grad_outputs)}")


def full_backward_hook_outputs_warning():
    return UserWarning("Full backward hook is firing when gradients are computed with "
                       "respect to module outputs since no inputs require gradients. "
                       "See https://docs.pytorch.org/docs/main/generated/torch.nn."
                       "Module.html#torch.nn.Module.register_full_backward_hook for "
                       "more details.")


def forward_pre_hook_return(result):
    return RuntimeError("forward pre-hook must return None or a tuple of "
                        f"(new_args, new_kwargs), but got {result}.")


def backward_hook_output_type(result):
    return UserWarning("For backward hooks to be called, module output should be a "
                       f"Tensor or a tuple of Tensors but received {type(result)}")


def module_before_init():
    return AttributeError("cannot assign module before Module.__init__() call")


def backward_hook_no_grad_inputs_return():
    return RuntimeError("Backward hook for Modules where no input "
                        "requires gradient should always return None or "
                        "None for all gradients.")


def assign_module_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as child module "
                     f"'{name}' (torch.nn.Module or None expected)")


def always_call_hook_silenced(what, e):
    return UserWarning(f"{what} with ``always_call=True`` raised an exception that "
                       f"was silenced as another error was raised in forward: "
                       f"{str(e)}")


def assign_buffer_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as buffer '{name}' "
                     "(torch.nn.Buffer, torch.Tensor or None expected)")


def group_norm_num_channels(num_channels, num_groups):
    return ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                      f"({num_groups})")


def padding_length(n, padding):
    return ValueError(f"expected padding to be a single integer value or a list of {n} "
                      f"values to match the padding dimensions, but got "
                      f"padding={list(padding)}")


def rnn_arg_type(name, kind, value):
    return TypeError(f"{name} should be of type {kind.__name__}, got: "
                     f"{type(value).__name__}")


def rnn_mode_unknown(mode):
    return ValueError("Unrecognized RNN mode: " + mode)


def rnn_dropout_range():
    return ValueError("dropout should be a number in range [0, 1] representing the "
                      "probability of an element being zeroed")


def rnn_input_size():
    return ValueError("input_size must be greater than zero")


def rnn_hidden_size():
    return ValueError("hidden_size must be greater than zero")


def rnn_num_layers():
    return ValueError("num_layers must be greater than zero")


def rnn_proj_size_negative():
    return ValueError("proj_size should be a positive integer or zero to disable "
                      "projections")


def rnn_proj_size_too_big():
    return ValueError("proj_size has to be smaller than hidden_size")


def rnn_dtype_mismatch(input, wdt):
    return ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                      f"({wdt}). Convert input: input.to({wdt}), or convert model: "
                      f"model.to({input.dtype})")


def rnn_input_dims(input, expected):
    return RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")


def rnn_input_size_mismatch(input, input_size):
    return RuntimeError("input.size(-1) must be equal to input_size. Expected "
                        f"{input_size}, got {input.size(-1)}")


def rnn_hx_dims(kind, want, hx):
    return RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                        f"{hx.dim()}-D tensor")


def rnn_proj_size_unsupported():
    return ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


def lstm_hx_dims(kind, want, hx):
    return RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                        f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")


def rnn_cell_input_dims(input, name):
    return ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                      "instead")


def rnn_nonlinearity_unknown(nonlinearity):
    return RuntimeError(f"Unknown nonlinearity: {nonlinearity}")


def rnn_dropout_single_layer(dropout, num_layers):
    return UserWarning("dropout option adds dropout after all but last recurrent layer, so "
                       "non-zero dropout expects num_layers greater than 1, but got "
                       f"dropout={dropout} and num_layers={num_layers}")


def rnn_input_dims_value(name, got):
    return ValueError(f"{name}: Expected input to be 2D or 3D, got {got} instead")


def rnn_nonlinearity_invalid(nonlinearity):
    return ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                      "or 'relu'.")


def rnn_cell_hidden_dims(name, hx):
    return ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")


def rnn_cell_hx_dims(name, i, v):
    return ValueError(f"{name}: Expected hx[{i}] to be 1D or 2D, got "
                      f"{v.dim()}D instead")


def transformer_activation(activation):
    return RuntimeError(f"activation should be relu/gelu, not {activation}")


def mha_embed_dim_positive(embed_dim, num_heads):
    return ValueError(f"embed_dim and num_heads must be greater than 0, got "
                      f"embed_dim={embed_dim} and num_heads={num_heads} instead")


def mha_embed_dim_heads():
    return AssertionError("embed_dim must be divisible by num_heads")


def transformer_batch_mismatch():
    return RuntimeError("the batch number of src and tgt must be equal")


def transformer_feature_mismatch():
    return RuntimeError("the feature number of src and tgt must be equal to d_model")


def nested_tensor_disabled(why):
    return UserWarning(f"enable_nested_tensor is True, but self.use_nested_tensor is False "
                       f"because {why}")


def uninitialized_share_memory():
    return RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call "
                        "`forward` to initialize the parameters before calling "
                        "`module.share_memory()`.")


def non_full_backward_hook(case):
    """FutureWarning for a non-full Module backward hook that would see partial gradients."""
    deprecated = (" is deprecated and will be removed in future versions. This hook will be "
                  "missing some ")
    use_full = " Please use register_full_backward_hook to get the documented behavior."
    when = "Using a non-full backward hook when "
    what, grads, tail = {
        "output_type": ("Using non-full backward hooks on a Module that does not return a single "
                        "Tensor or a tuple of Tensors", "of the grad_output.", use_full),
        "input_type": ("Using non-full backward hooks on a Module that does not take as input a "
                       "single Tensor or a tuple of Tensors", "of the grad_input.", use_full),
        "nested_outputs": (when + "outputs are nested in python data structure", "grad_output.",
                           ""),
        "multiple_output_nodes": (when + "outputs are generated by different autograd Nodes",
                                  "grad_output.", use_full),
        "multiple_nodes": (when + "the forward contains multiple autograd Nodes", "grad_input.",
                           use_full),
    }[case]
    return FutureWarning(what + deprecated + grads + tail)


def uninitialized_shape():
    return RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This "
                        "error usually happens in `load_state_dict` when trying to load an "
                        "uninitialized parameter into an initialized one. Call `forward` to "
                        "initialize the parameters before accessing their attributes.")


def padding_idx_range():
    return AssertionError("Padding_idx must be within num_embeddings")


def embedding_weight_shape():
    return AssertionError("Shape of weight does not match num_embeddings and embedding_dim")


def embeddings_not_2d():
    return AssertionError("Embeddings parameter is expected to be 2-dimensional")


# ---- nn.init ---------------------------------------------------------------------------------
def init_negative_slope(param):
    return ValueError(f"negative_slope {param} not a valid number")


def init_nonlinearity(nonlinearity):
    return ValueError(f"Unsupported nonlinearity {nonlinearity}")


def init_dims(dims):
    return ValueError(f"Only tensors with {dims} dimensions are supported")


def init_dirac_groups():
    return ValueError("dim 0 must be divisible by groups")


def init_fan_dims():
    return ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                      "dimensions")


def init_fan_mode(mode, valid_modes):
    return ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")


def trunc_normal_mean_warning():
    return UserWarning("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                       "distribution of values may be incorrect.")


def init_zero_element_warning():
    return UserWarning("Initializing zero-element tensors is a no-op")


def renamed_deprecated(old, new):
    """An old spelling kept as an alias (``nn.init.uniform``, ``clip_grad_norm``)."""
    return FutureWarning(f"`{old}` is now deprecated in favor of `{new}`.")


# ---- nn.utils: clipping, vectors, fusion, weight/spectral norm, packed sequences -------------
def clip_grad_nonfinite(norm_type):
    return RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` "
                        "is non-finite, so it cannot be clipped. To disable this error and "
                        "scale the gradients by the non-finite norm anyway, set "
                        "`error_if_nonfinite=False`")


def clip_grad_empty_generator_warning():
    return UserWarning("`parameters` is an empty generator, no gradient clipping will occur.")


def parameters_on_two_devices():
    return TypeError("Found two parameters on different devices, this is currently not "
                     "supported.")


def vector_not_tensor(typename):
    return TypeError(f"expected torch.Tensor, but got: {typename}")


def fusion_eval_only():
    return AssertionError("Fusion only for eval!")


def fusion_running_stats():
    return AssertionError("bn.running_mean and bn.running_var must not be None")


def fusion_linear_features(out_features, num_features):
    return AssertionError("To fuse, linear.out_features == bn.num_features or "
                          f"bn.num_features == 1, got linear.out_features={out_features} and "
                          f"bn.num_features={num_features}")


def weight_hook_twice(api, name):
    return RuntimeError(f"Cannot register two {api} hooks on the same parameter {name}")


def weight_hook_missing(api, name, module):
    return ValueError(f"{api} of '{name}' not found in {module}")


def weight_norm_deprecated():
    return FutureWarning("`torch.nn.utils.weight_norm` is deprecated in favor of "
                         "`torch.nn.utils.parametrizations.weight_norm`.")


def power_iterations_positive(n_power_iterations):
    return ValueError("Expected n_power_iterations to be positive, but got "
                      f"n_power_iterations={n_power_iterations}")


def spectral_norm_dim(dim, ndim):
    return IndexError("Dimension out of range (expected to be in range of "
                      f"[-{ndim}, {ndim - 1}] but got {dim})")


def spectral_norm_no_tensor(module, name):
    return ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")


def packed_sequence_data():
    return AssertionError("Expected data to be a list or tuple of length 2")


def packed_batch_sizes_device():
    return ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should "
                      "never be created manually. They should be instantiated by functions like "
                      "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                      "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")


def pack_lengths_type(lengths):
    return RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                        f"{lengths.dim()}D {lengths.device} Long tensor")


def pack_lengths_batch(n, batch_size):
    return RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {n} "
                        f"(batch_size={batch_size})")


def pack_lengths_unsorted():
    return RuntimeError("`lengths` array must be sorted in decreasing order when "
                        "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                        "pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                        "if you do not need ONNX exportability.")


def pack_lengths_positive():
    return RuntimeError("Length of all samples has to be greater than 0, but found an element "
                        "in 'lengths' that is <= 0")


def pad_total_length(total_length, max_length):
    return ValueError("Expected total_length to be at least the length of the longest sequence "
                      f"in input, but got total_length={total_length} and max sequence length "
                      f"being {max_length}")


def pad_sequence_iterable(sequences):
    return RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                        f"type: {type(sequences)}")


def pad_sequence_empty():
    return RuntimeError("received an empty list of sequences")


def pad_sequence_side(padding_side):
    return RuntimeError("Expected padding_side to be one of left or right, but got "
                        f"{padding_side}.")


def output_broadcast_shape(out_shape, shape):
    """Copying into an output whose shape is not the broadcast shape (``copy_``, ``out=``)."""
    return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape "
                        f"{list(shape)}")


# ---- nn.utils.parametrize --------------------------------------------------------------------
def parametrization_list_empty():
    return ValueError("ParametrizationList requires one or more modules.")


def parametrization_not_tensor(result):
    return ValueError(f"A parametrization must return a tensor. Got {type(result).__name__}.")


def parametrization_changed(attr, before, after):
    """The first parametrization of a tensor changed its dtype or shape."""
    return ValueError(f"Registering a parametrization may not change the {attr} of the tensor, "
                      f"unless `unsafe` flag is enabled.\nunparametrized {attr}: {before}\n"
                      f"parametrized {attr}: {after}")


def parametrization_changed_chained(tensor_name, attr, before, after):
    """A parametrization appended to a parametrized tensor changed its dtype or shape."""
    return ValueError(f"Registering a parametrization may not change the {attr} of the tensor, "
                      f"unless the `unsafe` flag is enabled.\nmodule.{tensor_name}.{attr}: "
                      f"{before}\nparametrization(module.{tensor_name}).{attr}: {after}")


def right_inverse_type(result, index=None):
    got = (type(result).__name__ if index is None else
           f"element {index} of the sequence with type {type(result).__name__}.")
    return ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, "
                      f"tuple...). Got {got}")


def right_inverse_one_dtype(original_dtype, new_dtype):
    return ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                      f"original.dtype: {original_dtype}\n"
                      f"right_inverse(original).dtype: {new_dtype}")


def right_inverse_missing(parametrization):
    return RuntimeError(f"parametrization {type(parametrization).__name__} does not implement "
                        "right_inverse.")


def right_inverse_not_tensor(value):
    return ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")


def right_inverse_dtype(dtype, original_dtype, index=None):
    which, original = ("The tensor", "original") if index is None else \
        (f"Tensor {index}", f"original{index}")
    return ValueError(f"{which} returned by `right_inverse` has dtype {dtype} while `{original}` "
                      f"has dtype {original_dtype}")


def right_inverse_not_sequence(value):
    return ValueError("'right_inverse' must return a sequence of tensors. Got "
                      f"{type(value).__name__}.")


def right_inverse_length(ntensors, n):
    return ValueError(f"'right_inverse' must return a sequence of tensors of length {ntensors}. "
                      f"Got a sequence of length {n}.")


def right_inverse_element(index, element):
    return ValueError("'right_inverse' must return a sequence of tensors or reference-type "
                      f"opaques. Got element {index} of type {type(element).__name__}.")


def right_inverse_chained_type(result):
    return ValueError("parametrization.right_inverse must return a tensor. Got: "
                      f"{type(result).__name__}")


def right_inverse_chained_changed(tensor_name, attr, before, after):
    return ValueError("The tensor returned by parametrization.right_inverse must have the same "
                      f"{attr} as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                      f"module.{tensor_name}.{attr}: {before}\nreturned {attr}: {after}")


def parametrized_pickle():
    return RuntimeError("Serialization of parametrized modules is only supported through "
                        "state_dict(). See:\nhttps://pytorch.org/tutorials/beginner/"
                        "saving_loading_models.html#saving-loading-a-general-checkpoint-for-"
                        "inference-and-or-resuming-training")


def parametrize_attribute_exists(tensor_name):
    return AssertionError(f"Module already has an attribute named '{tensor_name}'")


def parametrize_no_tensor(module, tensor_name):
    return ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                      f"parametrized element with name '{tensor_name}'")


def parametrize_not_parametrized(module, tensor_name):
    return ValueError(f"Module {module} does not have a parametrization on {tensor_name}")


def parametrize_leave_sequence():
    return ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that "
                      "is parametrized in terms of a sequence of tensors.")


# ---- optim: optimizers, lr schedulers, SWA ---------------------------------------------------
def invalid_rho(rho):
    return ValueError(f"Invalid rho value: {rho}")


def fused_differentiable():
    return RuntimeError("`fused` does not support `differentiable`")


def fused_foreach():
    return RuntimeError("`fused` and `foreach` cannot be `True` together.")


def betas_mixed_types():
    return ValueError("betas must be either both floats or both Tensors")


def betas_tensor_size(i):
    return ValueError(f"Tensor betas[{i}] must be 1-element")


def lbfgs_param_groups():
    return ValueError("LBFGS doesn't support per-parameter options (parameter groups)")


def lbfgs_line_search():
    return RuntimeError("only 'strong_wolfe' is supported")


def scheduler_not_optimizer(optimizer):
    return TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def cyclic_momentum_unsupported():
    return ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                      "option enabled")


def anneal_func_type_unknown(anneal_func_type):
    return ValueError(f"Unknown _anneal_func_type: {anneal_func_type}")


def scheduler_param_length(name, param, optimizer):
    return ValueError(f"{name} must have the same length as optimizer.param_groups. "
                      f"{name} has {len(param)} values, param_groups has "
                      f"{len(optimizer.param_groups)}.")


def get_lr_warning():
    return UserWarning("To get the last learning rate computed by the scheduler, please use "
                       "`get_last_lr()`.")


# Also public as torch.optim.lr_scheduler.EPOCH_DEPRECATION_WARNING.
EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose.")


def epoch_deprecation_warning():
    return UserWarning(EPOCH_DEPRECATION)


def constant_factor_range():
    return ValueError("Constant multiplicative factor expected to be between 0 and 1.")


def linear_start_factor_range():
    return ValueError("Starting multiplicative factor expected to be greater than 0 and "
                      "less or equal to 1.")


def linear_end_factor_range():
    return ValueError("Ending multiplicative factor expected to be between 0 and 1.")


def scheduler_without_optimizer(name, idx):
    return TypeError(f"{name} at index {idx} should have `optimizer` as its attribute.")


def scheduler_plateau_unsupported(name, idx):
    return ValueError(f"{name} does not support `ReduceLROnPlateau` scheduler as it "
                      "requires additional kwargs to be specified when calling `step`, "
                      f"but got one at index {idx} in the given schedulers sequence.")


def schedulers_optimizer_mismatch(name, idx, scheduler, optimizer):
    return ValueError(f"{name} expects all schedulers to belong to the same optimizer, "
                      f"but got scheduler {scheduler.__class__.__name__} at index {idx} "
                      f"has {scheduler.optimizer}, which is different from "
                      f"{optimizer.__class__.__name__}.")


def sequential_no_schedulers(cls_name):
    return ValueError(f"{cls_name} expects at least one scheduler, but got "
                      "no scheduler.")


def sequential_milestones_count(schedulers, milestones):
    return ValueError("Sequential Schedulers expects number of schedulers provided to be "
                      "one more than the number of milestone points, but got number of "
                      f"schedulers {len(schedulers)} and the number of milestones to be "
                      f"equal to {len(milestones)}")


def chained_no_schedulers(cls_name):
    return ValueError(f"{cls_name} expects at least one scheduler to be "
                      "chained, but got no scheduler.")


def plateau_factor():
    return ValueError("Factor should be < 1.0.")


def plateau_mode_unknown(mode):
    return ValueError("mode " + mode + " is unknown!")


def plateau_threshold_mode_unknown(threshold_mode):
    return ValueError("threshold mode " + threshold_mode + " is unknown!")


def cyclic_mode_invalid():
    return ValueError("mode is invalid and scale_fn is None")


def warm_restarts_t0(T_0):
    return ValueError(f"Expected positive integer T_0, but got {T_0}")


def warm_restarts_t_mult(T_mult):
    return ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")


def warm_restarts_eta_min(eta_min):
    return ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                      f"{type(eta_min)}")


def one_cycle_pct_start(pct_start):
    return ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")


def anneal_strategy_invalid(anneal_strategy):
    return ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                      f"{anneal_strategy}")


def one_cycle_step_overflow(step_num, total_steps):
    return ValueError(f"Tried to step {step_num} times. The specified number of total "
                      f"steps is {total_steps}")


def lambda_count(lr_lambda, optimizer):
    return ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                      f"{len(lr_lambda)}")


def lr_lambda_type(fn):
    return TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")


def plateau_min_lrs_count(min_lr, optimizer):
    return ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got "
                      f"{len(min_lr)}")


def plateau_param_groups_changed(param_groups, min_lrs):
    return RuntimeError(f"The number of param groups in the `optimizer` "
                        f"({len(param_groups)}) differs from when `ReduceLROnPlateau` "
                        f"was initialized ({len(min_lrs)}), usually due to a new param group "
                        "being added to the optimizer. Please modify the `min_lrs` field to match "
                        "the length of the `optimizer` param groups.")


def negative_epoch(epoch):
    return ValueError(f"Expected non-negative epoch, but got {epoch}")


def one_cycle_total_steps(total_steps):
    return ValueError(f"Expected positive integer total_steps, but got {total_steps}")


def one_cycle_steps_undefined():
    return ValueError("You must define either total_steps OR (epochs AND "
                      "steps_per_epoch)")


def scheduler_initial_lr_missing(i):
    return KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                    "scheduler with last_epoch >= 0.\nThis typically happens when:\n1. "
                    "You're trying to resume training from a checkpoint but haven't properly "
                    "loaded the optimizer state\n2. You're using last_epoch >= 0 for a fresh "
                    "training run (not recommended)")


def optimizer_step_overridden():
    return UserWarning("Seems like `optimizer.step()` has been overridden after learning rate "
                       "scheduler initialization. Please, make sure to call `optimizer.step()` "
                       "before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/"
                       "stable/optim.html#how-to-adjust-learning-rate")


def one_cycle_epochs(epochs):
    return ValueError(f"Expected positive integer epochs, but got {epochs}")


def one_cycle_steps_per_epoch(steps_per_epoch):
    return ValueError("Expected positive integer steps_per_epoch, but got "
                      f"{steps_per_epoch}")


def scheduler_step_order():
    return UserWarning("Detected call of `lr_scheduler.step()` before `optimizer.step()`. In "
                       "PyTorch 1.1.0 and later, you should call them in the opposite order: "
                       "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will "
                       "result in PyTorch skipping the first value of the learning rate schedule. "
                       "See more details at https://pytorch.org/docs/stable/optim.html#how-to-"
                       "adjust-learning-rate")


def lr_tensor_size():
    return ValueError("Tensor lr must be 1-element")


def invalid_lr(lr):
    return ValueError(f"Invalid learning rate: {lr}")


def invalid_hyperparameter(what, value):
    return ValueError(f"Invalid {what} value: {value}")


def invalid_eps(eps):
    return ValueError(f"Invalid epsilon value: {eps}")


def optimizer_params_type(params_type):
    return TypeError("params argument given to the optimizer should be an iterable of "
                     "Tensors or dicts, but got " + params_type)


def optimizer_empty_params():
    return ValueError("optimizer got an empty parameter list")


def optimizer_state_groups_count():
    return ValueError("loaded state dict has a different number of parameter groups")


def optimizer_state_group_size():
    return ValueError("loaded state dict contains a parameter group that doesn't match "
                      "the size of optimizer's group")


def param_group_type(param_group):
    return TypeError(f"param_group must be a dict, but got {type(param_group)}")


def param_in_multiple_groups():
    return ValueError("some parameters appear in more than one parameter group")


def invalid_beta(i, betas):
    return ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def optimizer_params_unordered():
    return TypeError("optimizer parameters need to be organized in ordered collections, "
                     "but the ordering of tensors in sets will change between runs. "
                     "Please use a list instead.")


def optimizer_param_names_partial():
    return ValueError("all optimizer params should be with/without names. Some param "
                      "names are missing")


def optimizer_param_type(param_type):
    return TypeError("optimizer can only optimize Tensors, but one of the params is "
                     + param_type)


def optimizer_non_leaf():
    return ValueError("can't optimize a non-leaf Tensor")


def param_group_missing_default(name):
    return ValueError("parameter group didn't specify a value of required "
                      f"optimization parameter {name}")


def param_group_duplicates():
    return UserWarning("optimizer contains a parameter group with duplicate parameters; in "
                       "future, this will cause an error; see github.com/pytorch/pytorch/"
                       "issues/40967 for more information")


def param_group_names_mismatch(which):
    return ValueError("all optimizer param groups should be with/without names. "
                      f"cannot add param group {which} to the optimizer")


def optimizer_pre_hook_return(func, result):
    return RuntimeError(f"{func} must return None or a tuple of (new_args, "
                        f"new_kwargs), but got {result}.")


def invalid_etas(etas):
    return ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")


def invalid_momentum(momentum):
    return ValueError(f"Invalid momentum value: {momentum}")


def invalid_weight_decay(weight_decay):
    return ValueError(f"Invalid weight_decay value: {weight_decay}")


def nesterov_requirements():
    return ValueError("Nesterov momentum requires a momentum and zero dampening")


def swa_decay_invalid(decay):
    return ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] "
                      "range.")


def swa_avg_fn_both():
    return AssertionError("Only one of avg_fn and multi_avg_fn should be provided")


def swa_anneal_epochs(anneal_epochs):
    return ValueError(f"anneal_epochs must be equal or greater than 0, got "
                      f"{anneal_epochs}")


# ---- deployment: jit tracing / save / load, ONNX export -------------------------------------
def trace_input_type(what):
    return UnsupportedError(f"ember.jit.trace: example inputs must be tensors or (nested) "
                            f"tuples/lists of tensors; got {what}")


def trace_output_type(what):
    return UnsupportedError(f"ember.jit.trace: the traced function must return tensors or "
                            f"tuples of tensors; got {what} (use strict=False to allow lists "
                            f"and dicts)")


def trace_argument_type(op, what):
    return UnsupportedError(f"ember.jit.trace: cannot record an argument of type {what} "
                            f"passed to {op}")


def script_target_type(what):
    return UnsupportedError(f"ember.jit.script expects a Module, a function or a class; got {what}")


def script_source_unavailable(obj):
    return OSError(f"Can't get the source of {obj!r}. ember.jit.script keeps scripted code as "
                   "Python source: define it in a .py file (not in a REPL or through exec)")


def script_extension_class(name):
    return UnsupportedError(f"ember.jit.script: the class {name} has no Python source (a built-in "
                            "or C-extension class); only classes defined in Python can be kept")


def script_lambda(name):
    return UnsupportedError(f"ember.jit.script cannot keep the lambda {name}: its source is not a "
                            "statement of its own; define it with def")


def script_unresolved_name(name, where):
    return NameError(f"ember.jit.script: name '{name}' used in {where} is not defined")


def script_module_import(where, module):
    return UnsupportedError(f"ember.jit.script: {where} is the module '{module}'; scripted code "
                            "may use modules of ember, the standard library and NumPy only")


def script_value_type(where, type_name):
    return UnsupportedError(f"ember.jit.script: {where} is a {type_name} object, which a scripted "
                            "module cannot keep. Supported: None, bool, int, float, str, tuples, "
                            "lists and dicts of these, dtypes, devices, tensors, modules and "
                            "objects of ember / the standard library / NumPy, and classes and "
                            "functions defined in Python source")


def script_module_hooks(name):
    return UnsupportedError(f"ember.jit.script: the {name} module has hooks registered, which a "
                            "scripted module does not keep; remove them before scripting")


def script_not_called():
    return RuntimeError("ember.jit.script records .graph from the inputs of the first call: call "
                        "the scripted module (or pass example_inputs) before reading .graph")


def script_no_graph(name, why):
    return RuntimeError(f"{name} is kept as Python source and has no graph: {why}. Its .code is "
                        "the source that runs")


def jit_archive(path, why):
    return RuntimeError(f"{path} is not an ember.jit archive: {why}")


def onnx_no_mapping(op):
    return UnsupportedError(f"Exporting the operator '{op}' to ONNX is not supported by ember")


def onnx_unsupported_args(op, why):
    return UnsupportedError(f"Exporting the operator '{op}' to ONNX is not supported by ember: "
                            f"{why}")


def onnx_missing(extra="onnx"):
    return ModuleNotFoundError(f"ember.onnx needs the 'onnx' and 'onnxruntime' packages: "
                               f"pip install 'ember[{extra}]'")


# ---- torch.fx: graphs, symbolic tracing, GraphModule, Interpreter -----------------------------
def _trace_error(msg):
    from .fx.proxy import TraceError
    return TraceError(msg)


def fx_control_flow():
    return _trace_error("symbolically traced variables cannot be used as inputs to control flow")


def fx_proxy_iteration():
    return _trace_error("Proxy object cannot be iterated. This can be attempted when the Proxy "
                        "is used in a loop or as a *args or **kwargs function argument. See the "
                        "torch.fx docs on pytorch.org for a more detailed explanation of what "
                        "types of control flow can be traced, and check out the Proxy docstring "
                        "for help troubleshooting Proxy iteration errors")


def fx_len():
    return RuntimeError("'len' is not supported in symbolic tracing by default. If you want this "
                        "call to be recorded, please call torch.fx.wrap('len') at module scope")


def fx_argument_type(t):
    return NotImplementedError(f"argument of type: {t}")


def fx_varargs(name):
    return unsupported(f"symbolic tracing of a forward with *{name} / **{name}",
                       "give it named parameters")


def fx_wrap_type():
    return RuntimeError("Unsupported type for global function! Must be either a callable or "
                        "string name")


def fx_wrap_not_top_level():
    return NotImplementedError("wrap must be called at the top level of a module")


def fx_not_submodule():
    return NameError("module is not installed as a submodule")


def fx_foreign_parameter():
    return NameError("parameter is not a member of this module")


def fx_unknown_opcode(node, op):
    return RuntimeError(f"Node {node} had unknown opcode {op}!")


def fx_erase_used(node):
    return RuntimeError(f"Tried to erase Node {node} but it still had {len(node.users)} users in "
                        f"the graph: {node.users}!")


def fx_erase_foreign(node):
    return RuntimeError(f"Attempting to remove {node} from wrong graph!")


def fx_lint_foreign_node(node):
    return RuntimeError(f"Node '{node}' does not belong to this Graph!")


def fx_lint_foreign_arg(arg, node, graph):
    return RuntimeError(f"Argument '{arg}' of Node '{node}' does not belong to this Graph, but "
                        f"was used as an argument! If you are copying nodes from another graph, "
                        f"make sure to use ``arg_transform`` on node_copy() to remap values\n"
                        f"{graph}")


def fx_lint_undefined_arg(arg, node, graph):
    return RuntimeError(f"Argument '{arg}' of Node '{node}' was used before it has been defined! "
                        f"Please check that Nodes in the graph are topologically ordered\n{graph}")


def fx_lint_redefined(name):
    return RuntimeError(f"Node redefined name {name}!")


def fx_lint_target(node, atom, seen):
    return RuntimeError(f"Node {node} target {node.target} references nonexistent attribute "
                        f"{atom} of {seen}")


def fx_root_missing(node):
    return RuntimeError(f"Node {node} referenced target {node.target} but that target was not "
                        f"provided in ``root``!")


def fx_root_type(root):
    return RuntimeError(f"Unsupported type {root} passed for root!")


def fx_missing_argument(target):
    return RuntimeError(f"Expected positional argument for parameter {target}, but one was not "
                        f"passed in!")


def fx_missing_target(path):
    return RuntimeError(f"Node referenced nonexistent target {path}")


def fx_missing_value(node, arg):
    return RuntimeError(f"Node {node} referenced nonexistent value {arg}! Run Graph.lint() to "
                        f"diagnose such issues")


# ---- distributed -----------------------------------------------------------------------------
def dist_error(what, detail=""):
    texts = {
        "not_initialized": (ValueError, "Default process group has not been initialized, please "
                                        "make sure to call init_process_group."),
        "twice": (ValueError, "trying to initialize the default process group twice!"),
        "backend": (AssertionError, f"Unknown backend type {detail}"),
        "init_method": (ValueError, f"ember.distributed supports init_method=None or 'env://' "
                                    f"(MPI forms the group), got {detail!r}"),
        "mismatch": (ValueError, f"{detail} does not match the MPI job; start the ranks with "
                                 f"`python -m ember.distributed.run` or mpiexec"),
        "not_in_group": (ValueError, f"Global rank {detail} is not part of group"),
        "avg_int": (ValueError, "ReduceOp.AVG needs a floating point or complex tensor"),
        "timeout": (RuntimeError, f"Work timed out after {detail} seconds"),
        "split_sizes": (ValueError, f"Split sizes {detail} do not match the tensor's first "
                                    f"dimension"),
        "ddp_unfinished": (RuntimeError, "Expected to have finished reduction in the prior "
                                         "iteration before starting a new one. This error "
                                         "indicates that your module has parameters that were "
                                         "not used in producing loss. You can enable unused "
                                         "parameter detection by passing the keyword argument "
                                         "`find_unused_parameters=True` to "
                                         "`torch.nn.parallel.DistributedDataParallel`."),
        "ddp_no_grad": (RuntimeError, "DistributedDataParallel is not needed when a module "
                                      "doesn't have any parameter that requires a gradient."),
    }
    exc, msg = texts[what]
    return exc(msg)


def dist_missing(extra="distributed"):
    return ModuleNotFoundError(f"ember.distributed needs the 'mpi4py' package and an MPI "
                               f"(e.g. 'mpich'): pip install 'ember[{extra}]'")


def nccl_unavailable(why):
    return RuntimeError(f"ProcessGroupNCCL is only supported with GPUs, no GPUs found! ({why})")


# ---- call signatures (Python-level argument errors of torch functions) ----------------------
def unexpected_kwarg(fn, name):
    return TypeError(f"{fn}() got an unexpected keyword argument '{name}'")


def multiple_values(fn, name):
    return TypeError(f"{fn}() got multiple values for argument '{name}'")


def argument_type(fn, arg, pos, value, expected="Tensor"):
    return TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be {expected}, not "
                     f"{type(value).__name__}")


def invalid_arguments(fn, args, signatures):
    """No overload of ``fn`` takes ``args``; ``signatures``: its overloads as torch lists them."""
    got = ", ".join(type(a).__name__ for a in args)
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but "
                     "expected one of:\n" + "".join(f" * ({s})\n" for s in signatures))


def index_select_scalar(n):
    return RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {n} value(s)")


def unique_zero_sized():
    return RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot "
                        "be applied")
