"""Creating tensors and moving them between dtypes and devices: tensor, zeros, arange, to,
clone, copy_, contiguous, new_* ..."""
import numpy as np

from .. import _dtype as D
from .._storage import UntypedStorage
from .._strides import dense
from .. import _errors
from .._device import resolve as _resolve, cpu as _cpu, device as _device_cls
from .._tensor import Tensor, _make
from ..autograd.graph import node_class, make_node
from .pinned import pinned
from .size_args import int_list
from . import memory_format as M
from ._core import (register, record, _grad_on, check_inplace, rebase_history, grad_for, write_out,
                    write_array)


def _sizes(size, fn, keyword=None):
    """The shape from a factory's positional sizes (ints, or one sequence) or its ``size=``
    keyword (``keyword``), whichever was given."""
    out = int_list(size, fn, "size", keyword)
    if out and min(out) < 0:
        raise _errors.negative_dimension(fn, out)
    return out


def _dt(dtype, default=None):
    if dtype is None:
        return default if default is not None else D.get_default_dtype()
    return D.to_dtype(dtype)


def _astype(arr, dt):
    """``arr`` cast to ``dt`` as PyTorch converts: float64 -> float16 goes through float32
    (rounding twice gives different halves from NumPy's direct cast near ties)."""
    if dt is D.float16 and arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif dt is D.float8_e4m3fn and arr.dtype.kind == "f":
        arr = arr.clip(-448.0, 448.0)   # torch saturates (the format has no infinity); NaN stays
    return arr.astype(dt.np)


def _finish(arr, dt, dev, requires_grad, pin=False):
    t = _make(arr, dt, dev)
    if pin:
        t = pinned(t)
    if requires_grad:
        _factory_requires_grad(t)
    return t


def _factory_requires_grad(t):
    if not (t._dtype.is_floating_point or t._dtype.is_complex):
        raise _errors.factory_requires_grad_dtype()
    t.requires_grad_(True)


def _infer_dtype(data, arr):
    """PyTorch's dtype inference for tensor(data)."""
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return D.from_numpy_dtype(arr.dtype)
    k = arr.dtype.kind
    if k == "f":
        return D.get_default_dtype()
    if k == "c":
        return D.default_complex()
    if k == "b":
        return D.bool_
    if k in "iu":
        return D.int64
    raise _errors.cannot_infer_dtype(_bad_leaf(data))


def _bad_leaf(data):
    """The first element of ``data`` that is not a number (``data`` itself if not a list)."""
    if not isinstance(data, (list, tuple)):
        return data
    return next((x for x in _leaves(data)
                 if not isinstance(x, (bool, int, float, complex, np.generic, Tensor))), None)


def _to_host_array(data, dtype=None):
    if isinstance(data, Tensor):
        return data._device._backend.to_host(data._data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _leaves(data)):
        data = _tensors_to_lists(data)
    try:
        return np.asarray(data)
    except ValueError:
        empty = _check_nesting(data, dtype)
        if empty is None:
            raise
        return empty


def _check_nesting(data, dtype):
    """Raise PyTorch's error for nested sequences that NumPy found ragged.  Like PyTorch, the
    shape is read along the first elements and the data walked depth first; a shape with a 0
    gives an empty array (PyTorch stores nothing, so checks nothing)."""
    sizes = []
    seq = data
    while isinstance(seq, (list, tuple)):
        sizes.append(len(seq))
        if not seq:
            return np.zeros(sizes)
        seq = seq[0]
    if dtype is not None:
        dt = D.to_dtype(dtype)
        integral = not dt.is_floating_point and not dt.is_complex
    else:
        integral = all(isinstance(x, (bool, int, np.integer, np.bool_)) for x in _leaves(data))

    def walk(obj, dim):
        if dim == len(sizes):
            if isinstance(obj, (list, tuple)):
                raise _errors.sequence_as_scalar(obj, integral)
            return
        if not isinstance(obj, (list, tuple)):
            raise _errors.not_a_sequence()
        if len(obj) != sizes[dim]:
            raise _errors.ragged_sequence(sizes[dim], dim, len(obj))
        for x in obj:
            walk(x, dim + 1)
    walk(data, 0)
    return None


def _leaves(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _leaves(x)
        else:
            yield x


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


@register("tensor", method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    dev = _resolve(device if device is not None or not isinstance(data, Tensor)
                   else data._device)
    host = _to_host_array(data, dtype)
    if host.dtype == object:
        raise _errors.cannot_infer_dtype(_bad_leaf(data))
    if isinstance(data, np.ndarray) and any(s < 0 for s in data.strides):
        raise _errors.from_numpy_negative_strides()
    dt = D.to_dtype(dtype) if dtype is not None else (
        data._dtype if isinstance(data, Tensor) else _infer_dtype(data, host))
    # (a copy in the source's memory order: torch keeps a dense array's or tensor's layout)
    arr = _astype(host, dt) if host.dtype != dt.np else host.copy(order="K")
    return _finish(dev._backend.from_host(arr), dt, dev, requires_grad, pin_memory)


@register("as_tensor", method=False)
def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device if device is not None else data._device,
                          dtype=dtype if dtype is not None else data._dtype)
        return out
    if isinstance(data, np.ndarray):
        dt = D.from_numpy_dtype(data.dtype) if dtype is None else D.to_dtype(dtype)
        dev = _resolve(device)
        if dev is _cpu and dt.np == data.dtype:
            return from_numpy(data)
        return _make(dev._backend.from_host(_astype(data, dt)), dt, dev)
    return tensor(data, dtype=dtype, device=device)


@register("asarray", method=False)
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    if isinstance(obj, UntypedStorage):     # its bytes read as ``dtype`` (default: float)
        dt = _dt(dtype)
        t = _make(obj._bytes().view(dt.np), dt, obj.device)
        return t.to(device) if device is not None else t
    t = tensor(obj, dtype=dtype, device=device) if copy else as_tensor(obj, dtype, device)
    if requires_grad:
        _factory_requires_grad(t)
    return t


_frombuffer_warned = []


@register("frombuffer", method=False)
def frombuffer(buffer, *, dtype=None, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor on the memory of an object with the buffer protocol (``bytearray``,
    ``array.array``, ``mmap``...): writes through either are seen by the other.  A read-only
    buffer (``bytes``) gives a tensor that refuses writes, where torch's writes into it."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise _errors.frombuffer("no_buffer") from None
    if dtype is None:
        raise _errors.frombuffer("missing_dtype")
    if not view.contiguous:
        raise _errors.frombuffer("not_contiguous")
    dt = D.to_dtype(dtype)
    length, itemsize = view.nbytes, dt.itemsize
    if length == 0 or count == 0:
        raise _errors.frombuffer("empty", length=length, count=count)
    if not 0 <= offset < length:
        raise _errors.frombuffer("offset", offset=offset, length=length)
    if count < 0:
        if (length - offset) % itemsize:
            raise _errors.frombuffer("multiple", rest=length - offset, offset=offset,
                                        itemsize=itemsize)
        count = (length - offset) // itemsize
    elif offset + count * itemsize > length:
        raise _errors.frombuffer("count", count=count, itemsize=itemsize, offset=offset,
                                    length=length)
    if view.readonly and not _frombuffer_warned:
        _frombuffer_warned.append(True)
        import warnings
        warnings.warn(_errors.FROMBUFFER_NOT_WRITABLE, UserWarning, stacklevel=2)
    arr = np.frombuffer(view.cast("B"), dt.np, count, offset)
    return _finish(arr, dt, _cpu, requires_grad)


@register("from_file", method=False)
def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None,
              pin_memory=False, requires_grad=False):
    """``size`` elements of ``dtype`` memory-mapped from a file.  ``shared``: writes reach the
    file, which is created (or, when shorter than that, made anew) at the size needed;
    otherwise the file must exist and be long enough, and writes stay private."""
    import os
    from .._storage import UntypedStorage
    dt = _dt(dtype)
    nbytes = size * dt.itemsize
    length = os.path.getsize(filename) if os.path.exists(filename) else None
    if shared:
        if length is None or length < nbytes:
            with open(filename, "wb") as f:
                f.truncate(nbytes)
    elif length is None:
        raise _errors.from_file_missing(filename)
    elif length < nbytes:
        raise _errors.from_file_too_small(filename, length, nbytes)
    storage = UntypedStorage.from_file(filename, bool(shared), nbytes)
    t = _finish(storage._bytes().view(dt.np), dt, _cpu, requires_grad, pin_memory)
    return t if device is None else t.to(device)


@register("from_numpy", method=False)
def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        raise _errors.from_numpy_type(ndarray)
    dt = D.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise _errors.from_numpy_negative_strides()
    return _make(ndarray, dt, _cpu)


def _factory(fill, fn):
    def make(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
        shape = _sizes(size_args, fn, size)
        dt = _dt(dtype)
        dev = _resolve(device)
        arr = fill(dev._backend.xp, shape, dt.np)
        t = _finish(arr, dt, dev, requires_grad, pin_memory)
        if out is not None:
            return write_out(out, t)
        return t
    return make


zeros = register("zeros", method=False)(_factory(lambda xp, s, d: xp.zeros(s, d), "zeros"))
ones = register("ones", method=False)(_factory(lambda xp, s, d: xp.ones(s, d), "ones"))
_empty = _factory(lambda xp, s, d: xp.empty(s, d), "empty")


@register("empty", method=False)
def empty(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, memory_format=None):
    """``torch.empty``; ``memory_format=channels_last`` lays the new tensor out NHWC."""
    fmt = M.name(memory_format, "contiguous_format")
    t = _empty(*size_args, size=size, out=out, dtype=dtype, layout=layout, device=device,
               requires_grad=requires_grad, pin_memory=pin_memory)
    if fmt != "contiguous_format":
        t._data = M.empty(t._device._backend.xp, t._data.shape, t._data.dtype, fmt)
    return t


@register("full", method=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    shape = _sizes((size,), "full")
    if dtype is None:
        dt = D.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    else:
        dt = D.to_dtype(dtype)
    dev = _resolve(device)
    fv = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    return _finish(dev._backend.xp.full(shape, fv, dt.np), dt, dev, requires_grad, pin_memory)


def _like_array(input, dtype, device, memory_format, fill, value):
    """A ``*_like`` factory's array: ``input``'s shape, dtype and device unless given, laid out
    as ``memory_format`` says (by default in ``input``'s own stride order), holding ``value``
    (None: uninitialised).  C-ordered results come straight from NumPy's ``fill``."""
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    dev = input._device if device is None else _resolve(device)
    xp, shape = dev._backend.xp, input._data.shape
    order = M.axis_order(len(shape), M.name(memory_format), input._data)
    if order is None:
        return fill(xp, shape, dt.np), dt, dev
    arr = M.empty_in_order(xp, shape, dt.np, order)
    if value is not None:
        arr[...] = value
    return arr, dt, dev


def _like(fill, value):
    def make_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
                  memory_format=None):
        arr, dt, dev = _like_array(input, dtype, device, memory_format, fill, value)
        return _finish(arr, dt, dev, requires_grad)
    return make_like


zeros_like = register("zeros_like", method=False)(_like(lambda xp, s, d: xp.zeros(s, d), 0))
ones_like = register("ones_like", method=False)(_like(lambda xp, s, d: xp.ones(s, d), 1))
empty_like = register("empty_like", method=False)(_like(lambda xp, s, d: xp.empty(s, d), None))


@register("full_like", method=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    arr, dt, dev = _like_array(input, dtype, device, memory_format,
                               lambda xp, s, d: xp.full(s, fill_value, d), fill_value)
    return _finish(arr, dt, dev, requires_grad)


def _new_factory(fill, fn):
    def new(self, *size_args, size=None, dtype=None, device=None, requires_grad=False,
            layout=None, pin_memory=False):
        shape = _sizes(size_args, fn, size)
        dt = self._dtype if dtype is None else D.to_dtype(dtype)
        dev = self._device if device is None else _resolve(device)
        return _finish(fill(dev._backend.xp, shape, dt.np), dt, dev, requires_grad, pin_memory)
    return new


new_zeros = register("new_zeros", function=False)(
    _new_factory(lambda xp, s, d: xp.zeros(s, d), "new_zeros"))
new_ones = register("new_ones", function=False)(
    _new_factory(lambda xp, s, d: xp.ones(s, d), "new_ones"))
new_empty = register("new_empty", function=False)(
    _new_factory(lambda xp, s, d: xp.empty(s, d), "new_empty"))


@register("new_full", function=False)
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    dt = self._dtype if dtype is None else D.to_dtype(dtype)
    dev = self._device if device is None else _resolve(device)
    return _finish(dev._backend.xp.full(_sizes((size,), "new_full"), fill_value, dt.np), dt, dev,
                   requires_grad, pin_memory)


@register("new_tensor", function=False)
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    return tensor(data, dtype=self._dtype if dtype is None else dtype,
                  device=self._device if device is None else device, requires_grad=requires_grad,
                  pin_memory=pin_memory)


# ---- clone / contiguous / to / copy_ ------------------------------------------------------------
CloneBackward0 = node_class("CloneBackward0", lambda node, g: (g,))


@register("clone", nodes=("CloneBackward0",))
def clone(input, *, memory_format=None):
    xp = input._device._backend.xp
    fmt = "contiguous_format" if memory_format == "contiguous" else M.name(memory_format)
    if fmt == "contiguous_format" or fmt == "preserve_format" and input._data.flags.c_contiguous:
        arr = xp.array(input._data, copy=True, order="C")
    else:
        arr = M.laid_out(xp, input._data, fmt)
    res = _make(arr, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, CloneBackward0, (input,))
    return res


@register("contiguous", nodes=("CloneBackward0",), function=False)
def contiguous(self, memory_format=None):
    fmt = M.name(memory_format, "contiguous_format")
    if fmt.startswith("channels_last"):
        M.check_rank(fmt, self._data.ndim)
        return self if M.is_in(self._data, fmt) else clone(self, memory_format=memory_format)
    if self.is_contiguous():
        return self
    return clone(self, memory_format="contiguous")


def _to_copy_bwd(node, g):
    dt, dev = node._args
    if g._device is not dev:
        g = to(g, dev)
    if g._dtype is not dt:
        g = g.real.to(dt) if g._dtype.is_complex and not dt.is_complex else to(g, dt)
    return (g,)


ToCopyBackward0 = node_class("ToCopyBackward0", _to_copy_bwd)


def _parse_to(args, kwargs):
    """(dtype, device, copy) of ``to``'s arguments; positional booleans after the target are
    ``non_blocking`` then ``copy``, as in torch's signatures."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    flags = [a for a in args if isinstance(a, bool)]
    copy = kwargs.pop("copy", flags[1] if len(flags) > 1 else False)
    for a in args:
        if isinstance(a, bool):
            continue
        if isinstance(a, Tensor):
            dtype, device = a._dtype, a._device
        elif isinstance(a, D.dtype) or a in (float, int, bool, complex):
            dtype = a
        elif isinstance(a, (str, _device_cls, int)):
            device = a
        elif a is not None:
            raise _errors.to_invalid_args(a)
    return dtype, device, copy


@register("to", nodes=("ToCopyBackward0",), function=False)
def to(self, *args, **kwargs):
    kwargs.pop("non_blocking", None)
    fmt = M.name(kwargs.pop("memory_format", None))
    relayout = False
    if fmt != "preserve_format":
        M.check_rank(fmt, self._data.ndim)
        # (torch keeps the tensor when its suggested format is the one asked for, even a
        # non-contiguous one for contiguous_format)
        relayout = M.suggest(self._data) != fmt
    dtype, device, copy = _parse_to(args, kwargs)
    dt = self._dtype if dtype is None else D.to_dtype(dtype)
    dev = self._device if device is None else _resolve(device)
    if dt is self._dtype and dev is self._device and not copy and not relayout:
        return self
    be_src, be_dst = self._device._backend, dev._backend
    arr = self._data
    if dev is not self._device:
        arr = be_dst.from_host(be_src.to_host(arr))
        if arr is self._data:
            arr = arr.copy()
    if dt is not self._dtype:
        if self._dtype.is_complex and not dt.is_complex:
            import warnings
            warnings.warn(_errors.complex_cast_warning(), UserWarning, stacklevel=2)
            arr = arr.real
        arr = _astype(arr, dt)     # (NumPy's cast keeps a dense input's layout, as torch)
        if not relayout and not self._data.flags.c_contiguous and not dense(self._data):
            arr = M.laid_out(be_dst.xp, arr, "preserve_format", like=self._data)
    elif arr is self._data and not relayout:
        arr = be_dst.copy(arr) if self._data.flags.c_contiguous else \
            M.laid_out(be_dst.xp, arr, "preserve_format")
    if relayout:
        arr = M.laid_out(be_dst.xp, arr, fmt)
    res = _make(arr, dt, dev)
    if _grad_on() and self._requires_grad and (dt.is_floating_point or dt.is_complex):
        record(res, ToCopyBackward0, (self,), (), (self._dtype, self._device))
    return res


def _conv(dt):
    def convert(self, memory_format=None):
        return to(self, dt)
    return convert


for _name, _d in (("float", D.float32), ("double", D.float64), ("half", D.float16),
                  ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
                  ("short", D.int16), ("char", D.int8), ("byte", D.uint8), ("bool", D.bool_),
                  ("cfloat", D.complex64), ("cdouble", D.complex128)):
    register(_name, function=False)(_conv(_d))   # methods only: ``ember.float`` is a dtype


@register("cpu", function=False)
def cpu(self, memory_format=None):
    return to(self, _cpu)


@register("cuda", function=False)
def cuda(self, device=None, non_blocking=False, memory_format=None):
    return to(self, "cuda" if device is None else
              (f"cuda:{device}" if isinstance(device, int) else device))


def _copy_bwd(node, g):
    src_shape, src_dt, src_dev = node._args
    n0 = node.next_functions[0][0] is not None
    gs = g
    if gs._device is not src_dev:
        gs = to(gs, src_dev)
    gsrc = grad_for(gs, src_shape, src_dt) if node.next_functions[1][0] is not None else None
    return (g.new_zeros(g._data.shape) if n0 else None, gsrc)


CopyBackwards = node_class("CopyBackwards", _copy_bwd)


@register("copy_", nodes=("CopyBackwards",), function=False)
def copy_(self, src, non_blocking=False):
    check_inplace(self)
    be = self._device._backend
    if isinstance(src, Tensor):
        arr = src._data if src._device is self._device else be.from_host(
            src._device._backend.to_host(src._data))
        if self._dtype.is_complex is False and src._dtype.is_complex:
            arr = arr.real
    else:
        arr = be.xp.asarray(src)
    if self._data.shape != arr.shape:
        try:
            np.broadcast_shapes(arr.shape, self._data.shape)
        except ValueError:
            raise _errors.broadcast_mismatch(self._data.shape, arr.shape) from None
    write_array(self, arr)
    if _grad_on() and (self._requires_grad or isinstance(src, Tensor) and src._requires_grad):
        node = make_node(CopyBackwards, (self, src), (),
                         (src._data.shape, src._dtype, src._device))
        rebase_history(self, node)
    return self


def _zero_grad(node, g):
    return (g.new_zeros(g._data.shape),)


ZeroBackward0 = node_class("ZeroBackward0", _zero_grad)
FillBackward2 = node_class("FillBackward2", _zero_grad)
# fill_(Tensor value): nothing flows to the overwritten self; the value gets the sum.
FillBackward3 = node_class("FillBackward3", lambda node, g: (None, g.sum()))


def _fill(self, value, scalar_node):
    """Write ``value`` everywhere in ``self`` and give it the matching history."""
    check_inplace(self)
    tensor_value = isinstance(value, Tensor)
    if tensor_value and value._data.ndim:
        raise _errors.fill_value_dim(value._data.ndim)
    write_array(self, self._device._backend.xp.asarray(
        value.item() if tensor_value else value).astype(self._dtype.np))
    if _grad_on() and (self._requires_grad or tensor_value and value._requires_grad):
        rebase_history(self, make_node(FillBackward3, (None, value)) if tensor_value
                       else make_node(scalar_node, (self,)))
    return self


@register("zero_", method=True, nodes=("ZeroBackward0",))
def zero_(input):
    return _fill(input, 0, ZeroBackward0)


@register("fill_", method=True, nodes=("FillBackward2", "FillBackward3"))
def fill_(input, value):
    return _fill(input, value, FillBackward2)


def fill_diagonal_(self, fill_value, wrap=False):
    """``Tensor.fill_diagonal_``: fill the main diagonal (all indices equal) in place through
    diagonal views (a composite, like torch's, so autograd and forward AD see view writes).  A
    2-D matrix taller than wide with ``wrap=True`` starts the diagonal again every
    ``width + 1`` rows (NumPy's ``fill_diagonal`` wrap)."""
    shape = self._data.shape
    if len(shape) < 2:
        raise _errors.fill_diagonal_dims()
    if len(shape) > 2 and len(set(shape)) != 1:
        raise _errors.fill_diagonal_unequal()
    diag = self
    while diag.dim() > 1:       # each step folds dim 0 into the diagonal (kept last)
        diag = diag.diagonal(0, 0, -1)
    diag.fill_(fill_value)
    height, width = shape[0], shape[1]
    if wrap and len(shape) == 2 and height > width + 1:
        for start in range(width + 1, height, width + 1):
            self[start:start + width].diagonal().fill_(fill_value)
    return self


Tensor.fill_diagonal_ = fill_diagonal_


# ---- ranges --------------------------------------------------------------------------------------
@register("arange", method=False)
def arange(start=None, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """``arange(end)``, ``arange(start, end[, step])``; ``end`` may be passed alone by keyword."""
    if start is None and end is None:
        raise _errors.arange_no_end()
    if end is None:
        start, end = 0, start
    elif start is None:
        start = 0
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise _errors.arange_step_zero()
    if (end - start) * step < 0 and end != start:
        raise _errors.arange_bounds()
    if dtype is None:
        dt = D.int64 if all(isinstance(v, (int, np.integer)) for v in vals) else \
            D.get_default_dtype()
    else:
        dt = D.to_dtype(dtype)
    dev = _resolve(device)
    n = int(np.ceil((end - start) / step))
    arr = (np.arange(n, dtype=np.float64) * step + start) if dt.category >= 2 else \
        np.arange(start, end, step, dtype=np.int64)
    arr = dev._backend.from_host(arr.astype(dt.np))
    return _finish(arr, dt, dev, requires_grad)


@register("linspace", method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    dt = _dt(dtype)
    dev = _resolve(device)
    s, e = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    if dt.category < 2:  # integral results: PyTorch truncates the endpoints first
        s, e = int(s), int(e)
    steps = int(steps)
    if steps < 0:
        raise _errors.linspace_negative_steps()
    # PyTorch fills the first half from the start and the second half from the end, with the
    # step rounded to the result's precision and fused multiply-adds (emulated in float64).
    # The endpoints, their difference and the step are each rounded to the result's precision.
    rounded = dt.np.type if dt.category >= 2 else np.float64
    s, e = float(rounded(s)), float(rounded(e))
    idx = np.arange(steps, dtype=np.float64)
    step = float((rounded(e) - rounded(s)) / rounded(steps - 1)) if steps > 1 else 0.0
    half = steps // 2
    arr = np.where(idx < half, s + step * idx, e - step * (steps - 1 - idx)) if steps > 1 \
        else np.full(steps, s, dtype=np.float64)
    return _finish(dev._backend.from_host(arr.astype(dt.np)), dt, dev, requires_grad)


@register("logspace", method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    dt = _dt(dtype)
    if dt.category < 2:
        start, end = (int(v.item() if isinstance(v, Tensor) else v) for v in (start, end))
    dev = _resolve(device)
    lin = linspace(start, end, steps, dtype=D.float64, device=dev)
    arr = dev._backend.xp.power(base, lin._data)
    return _finish(arr.astype(dt.np), dt, dev, requires_grad)


@register("eye", method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dt(dtype)
    dev = _resolve(device)
    if n < 0 or (m is not None and m < 0):
        raise _errors.eye_negative(n, m)
    return _finish(dev._backend.xp.eye(n, n if m is None else m, dtype=dt.np), dt, dev,
                   requires_grad)


@register("scalar_tensor", method=False)
def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return tensor(s, dtype=_dt(dtype), device=device, requires_grad=requires_grad)
