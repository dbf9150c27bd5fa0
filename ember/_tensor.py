"""class Tensor: a backend array + dtype + device + autograd fields.

Op methods (``add``, ``sum``, ``view``...) and Python operators are attached by ``ember._ops``
from the op registry, so that every op is defined once; this module holds only storage,
metadata, autograd fields and conversions.
"""
import contextvars
import warnings
import numpy as np

from . import _dtype as D
from . import _errors, _layout
from ._device import cpu as _cpu
from .utils.weak import WeakIdKeyDictionary


class Size(tuple):
    """torch.Size: a tuple of ints that prints like PyTorch's."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(str(int(s)) for s in self)}])"

    __str__ = __repr__

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __reduce__(self):
        return (Size, (tuple(self),))


# Inference tensors (made inside ``inference_mode``) carry an ``_InferenceCounter`` as their
# version counter instead of a list: it marks them, reading it outside inference mode (saving
# the tensor for backward) raises torch's error, and views share it with their base.
# ``inference_mode`` flips the context variable (per thread) and counts active blocks in
# ``_inference_blocks`` (process-wide), so tensor creation pays one list read when none is on.
# leaves whose ``grad_dtype`` was set to something else than their dtype (None: any dtype);
# hot paths test ``GRAD_DTYPES.data`` for emptiness (``len()`` walks the references)
GRAD_DTYPES = WeakIdKeyDictionary()
_inference_var = contextvars.ContextVar("ember_inference_mode", default=False)
_inference_blocks = [0]


class _InferenceCounter(list):
    __slots__ = ()

    def __getitem__(self, i):
        if not _inference_var.get():
            raise _errors.inference_tensor_saved()
        return list.__getitem__(self, i)


def _version_counter():
    return _InferenceCounter((0,)) if _inference_blocks[0] and _inference_var.get() else [0]


class Tensor:
    __slots__ = ("_data", "_dtype", "_device", "_requires_grad", "_grad", "_grad_fn",
                 "_output_nr", "_vc", "_base", "_accum", "_hooks", "_retain",
                 "_vfn", "__dict__", "__weakref__")
    _fw = None   # forward-mode tangents, {level: tangent} (ember.autograd.forward_ad)

    # Tensor(...) follows PyTorch's legacy constructor: Tensor(sizes...) or Tensor(data).
    def __new__(cls, *args, device=None, **kwargs):
        from . import _ops
        if len(args) == 1 and not isinstance(args[0], int) and args[0].__class__ is not Size:
            src = args[0]
            if isinstance(src, Tensor):
                t = _ops.creation.tensor(src.detach(), dtype=D.get_default_dtype() if not
                                         src._dtype.is_floating_point else src._dtype)
            else:
                t = _ops.creation.tensor(src, dtype=D.get_default_dtype(), device=device)
        else:   # sizes, or a torch.Size (a shape, not data); Tensor(): shape (0,)
            t = _ops.creation.empty(*(args or (0,)), device=device)
        if cls is not Tensor:
            t = t.as_subclass(cls)
        return t

    def __init__(self, *args, **kwargs):
        pass

    # ---- metadata ---------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    @property
    def is_cpu(self):
        return self._device.type == "cpu"

    @property
    def is_meta(self):
        return self._device.type == "meta"

    is_sparse = False
    is_quantized = False
    is_mps = False
    is_xpu = False
    is_ipu = False
    is_maia = False
    is_mtia = False
    is_vulkan = False
    is_mkldnn = False
    is_nested = False
    layout = _layout.strided

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._dtype.itemsize

    @property
    def itemsize(self):
        return self._dtype.itemsize

    @property
    def nbytes(self):
        return int(self._data.size) * self._dtype.itemsize

    def is_floating_point(self):
        return self._dtype.is_floating_point

    def is_complex(self):
        return self._dtype.is_complex

    def is_signed(self):
        return self._dtype.is_signed

    def stride(self, dim=None):
        isz = self._dtype.itemsize
        st = tuple(s // isz for s in self._data.strides)
        if dim is None:
            return st
        return st[_wrap_dim(dim, self._data.ndim)]

    def storage_offset(self):
        return self._device.backend.storage_offset(self._data)

    def data_ptr(self):
        return self._device.backend.data_ptr(self._data)

    def untyped_storage(self):
        from ._storage import UntypedStorage
        return UntypedStorage._of(self)

    def is_contiguous(self, memory_format=None):
        a = self._data
        if memory_format is not None and memory_format.name.startswith("channels_last"):
            from ._ops import memory_format as M
            return M.is_in(a, memory_format.name)
        if a.flags.c_contiguous:
            return True
        # PyTorch ignores strides of size-1 dims when deciding contiguity.
        expected = a.itemsize
        for d, s in zip(reversed(a.shape), reversed(a.strides)):
            if d != 1 and s != expected:
                return False
            expected *= d
        return True

    def is_set_to(self, other):
        return self.data_ptr() == other.data_ptr() and self.shape == other.shape and \
            self.stride() == other.stride()

    def get_device(self):
        return -1 if self._device.type == "cpu" else self._device.index

    # ---- autograd fields -------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._set_requires_grad(flag, False)

    def requires_grad_(self, requires_grad=True):
        self._set_requires_grad(requires_grad, True)
        return self

    def _set_requires_grad(self, flag, method):
        flag = bool(flag)
        if self._grad_fn is not None:
            if not flag:
                raise _errors.requires_grad_non_leaf()
            return
        if flag and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise _errors.requires_grad_dtype(method)
        if flag and self._vc.__class__ is not list and not _inference_var.get():
            raise _errors.inference_requires_grad()
        self._requires_grad = flag

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retain and self._grad is None:
            warnings.warn(_errors.NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise _errors.grad_assign_type(value)
            expected = GRAD_DTYPES.get(self, self._dtype) if GRAD_DTYPES.data else self._dtype
            if expected is not None and value._dtype is not expected:
                raise _errors.grad_assign_dtype(value._dtype, expected)
            if value._device is not self._device:
                raise _errors.grad_assign_device(value._device, self._device)
            if value._data.shape != self._data.shape:
                raise _errors.grad_assign_size(value._data.shape, self._data.shape)
        self._grad = value

    @property
    def grad_dtype(self):
        """The dtype a leaf's gradients take (the tensor's own unless set; None: any); the
        engine casts incoming gradients to it."""
        if self._grad_fn is not None:
            raise _errors.grad_dtype_not_leaf("accessed")
        return GRAD_DTYPES.get(self, self._dtype)

    @grad_dtype.setter
    def grad_dtype(self, value):
        if self._grad_fn is not None:
            raise _errors.grad_dtype_not_leaf("set")
        if value is not None and self._grad is not None and self._grad._dtype is not value:
            raise _errors.grad_dtype_conflict(value, self._grad._dtype)
        if value is self._dtype:
            GRAD_DTYPES.pop(self, None)
        else:
            GRAD_DTYPES[self] = value

    @property
    def retains_grad(self):
        return self._retain

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version(self):
        """The in-place modification count, shared by all views of one storage (an int, as in
        PyTorch); ``_vc`` is the shared counter itself."""
        if self._vc.__class__ is not list:
            raise _errors.inference_version()
        return self._vc[0]

    def is_inference(self):
        """Whether the tensor was made inside ``inference_mode`` (or is a view of one)."""
        return self._vc.__class__ is not list

    def retain_grad(self):
        from .autograd import graph
        graph.retain_grad(self)

    def register_hook(self, hook):
        from .autograd import graph
        return graph.register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        from .autograd import graph
        return graph.register_post_accumulate_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import engine
        engine.backward((self,), None if gradient is None else (gradient,), retain_graph,
                        create_graph, inputs=inputs)

    def detach(self):
        t = _make(self._data, self._dtype, self._device)
        t._vc = self._vc
        return t

    def detach_(self):
        if self._base is not None and self._grad_fn is not None:
            raise _errors.detach_view_inplace()
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        t = _make(self._data, self._dtype, self._device)
        return t

    @data.setter
    def data(self, other):
        self._data = other._data
        self._dtype = other._dtype
        self._device = other._device

    # ---- conversions ------------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self._device.type != "cpu":
            if force:
                return self.cpu().numpy()
            raise _errors.numpy_on_device(self._device)
        if self._requires_grad and not force:
            from .autograd.grad_mode import is_grad_enabled
            if is_grad_enabled():   # torch allows it where no graph can be recorded
                raise _errors.numpy_requires_grad()
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy(force=self._device.type == "cpu" and self._requires_grad) \
            if self._device.type == "cpu" else self.numpy()
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a

    def __dlpack__(self, *, stream=-1, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule viewing this tensor's memory (see ``ember.utils.dlpack``)."""
        from .utils import dlpack
        return dlpack.export(self, stream, max_version, dl_device, copy)

    def __dlpack_device__(self):
        from .utils import dlpack
        return dlpack.device_of(self)

    def item(self):
        if self._data.size != 1:
            raise _errors.item_numel(self._data.size)
        return self._device.backend.to_host(self._data).reshape(()).item()

    def tolist(self):
        return self._device.backend.to_host(self._data).tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise _errors.zero_dim_sequence("len")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise _errors.zero_dim_sequence("iter")
        return iter(self.unbind(0))

    def __contains__(self, element):
        """``x in t``: whether any element of ``t`` equals ``x`` (a tensor or a scalar)."""
        if not isinstance(element, (Tensor, bool, int, float, complex)):
            raise _errors.contains_type(element)
        return bool((element == self).any())

    def __bool__(self):
        if self._data.size != 1:
            raise _errors.bool_ambiguous(self._data.size)
        return bool(self.item())

    def __float__(self):
        if self._data.size != 1:
            raise _errors.scalar_conversion(self._data.size)
        _warn_scalar_from_grad(self)
        return float(self.item().real if self._dtype.is_complex else self.item())

    def __int__(self):
        if self._data.size != 1:
            raise _errors.scalar_conversion(self._data.size)
        return int(self.item().real if self._dtype.is_complex else self.item())

    __long__ = __int__      # Python 2's name, which torch keeps

    def __complex__(self):
        _warn_scalar_from_grad(self)
        return complex(self.item())

    def __index__(self):
        if self._dtype.category != D._INT and self._dtype is not D.bool_ or self._data.size != 1:
            raise _errors.index_conversion()
        return int(self.item())

    __hash__ = object.__hash__

    def share_memory_(self):
        """Move a CPU tensor's data to shared memory (other processes then see writes); a
        no-op for CUDA tensors and tensors already shared, as in PyTorch."""
        if self._device.type == "cpu":
            from ._backend import shared_memory
            self._data = shared_memory.share(self._data)
        return self

    def is_shared(self):
        if self._device.type != "cpu":
            return True
        from ._backend import shared_memory
        return shared_memory.is_shared(self._data)

    def __reduce_ex__(self, proto):
        from . import _pickle_support
        return _pickle_support.reduce_tensor(self)

    def __deepcopy__(self, memo):
        from . import _pickle_support
        return _pickle_support.deepcopy_tensor(self, memo)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if self._data.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def type_as(self, other):
        """``self.type(other.type())``: ``other``'s dtype and device."""
        return self.to(device=other._device, dtype=other._dtype)

    def _is_view(self):
        return self._base is not None

    def as_subclass(self, cls):
        t = object.__new__(cls)
        _copy_fields(t, self)
        if cls not in _subclass_instances:
            _first_instance(cls)
        return t

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__torch_dispatch__" in vars(cls):
            from ._tensor_dispatch import keep_own_data
            keep_own_data(cls)
            if "__torch_function__" not in vars(cls):
                from ._C import _disabled_torch_function_impl  # as torch: dispatch, not both
                cls.__torch_function__ = _disabled_torch_function_impl
        from ._subclass import install
        install(cls, Tensor)

    @staticmethod
    def _make_subclass(cls, data, require_grad=False, **kwargs):
        """A ``cls`` leaf sharing ``data``'s memory (how torch subclasses build instances)."""
        t = data.detach().as_subclass(cls)
        t._requires_grad = bool(require_grad)
        return t

    @staticmethod
    def _make_wrapper_subclass(cls, size, strides=None, storage_offset=None, memory_format=None,
                               dtype=None, layout=None, device=None, pin_memory=False,
                               requires_grad=False, **kwargs):
        """A ``cls`` instance with metadata and no data of its own (its ``__torch_dispatch__``
        computes every op): the array it holds is a zero-filled placeholder of its shape,
        dtype and strides."""
        from ._tensor_dispatch import wrapper_placeholder
        t = _make(*wrapper_placeholder(size, strides, storage_offset, dtype, device))
        t = t.as_subclass(cls)
        t._requires_grad = bool(requires_grad)
        return t

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """The protocol's default: run ``func`` and give tensor results the subclass's type."""
        if not all(issubclass(cls, t) for t in types):
            return NotImplemented
        from ._C import DisableTorchFunctionSubclass
        from .overrides import get_default_nowrap_functions
        with DisableTorchFunctionSubclass():
            result = func(*args, **(kwargs or {}))
        if func in get_default_nowrap_functions():
            return result
        return _convert(result, cls)

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return _errors.legacy_type_name(self)
        if isinstance(dtype, str) and dtype.endswith("Tensor"):
            dtype = _errors.dtype_from_legacy_name(dtype)
        if isinstance(dtype, type) and hasattr(dtype, "_device_type"):
            # a legacy type: torch.LongTensor, torch.cuda.FloatTensor
            return self.to(device=dtype._device_type, dtype=dtype.dtype)
        return self.to(D.to_dtype(dtype))

    @property
    def T(self):
        if self._data.ndim not in (0, 2):
            warnings.warn(_errors.T_deprecated_warning(), UserWarning, stacklevel=2)
        return self.permute(tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise _errors.adjoint_dims(self._data.ndim, "mT")
        return self.transpose(-2, -1)

    @property
    def H(self):
        nd = self._data.ndim
        if nd != 2:
            if nd:
                raise _errors.H_dims(nd)
            warnings.warn(_errors.adjoint_0d_warning("Tensor.H"), UserWarning, stacklevel=2)
        t = self.permute(tuple(range(nd - 1, -1, -1)))
        return t.conj() if self._dtype.is_complex else t

    @property
    def mH(self):
        if self._data.ndim < 2:
            raise _errors.adjoint_dims(self._data.ndim, "mH")
        t = self.transpose(-2, -1)
        return t.conj() if self._dtype.is_complex else t

    @property
    def real(self):
        from . import _ops
        return _ops.pointwise.real(self)

    @property
    def imag(self):
        from . import _ops
        return _ops.pointwise.imag(self)


_subclass_instances = set()      # subclasses that have had an instance (see _subclass)


def _first_instance(cls):
    """The first instance of ``cls`` may switch ``__torch_function__`` or ``__torch_dispatch__``
    dispatch on."""
    _subclass_instances.add(cls)
    from ._subclass import note_instance
    from ._aten_dispatch import note_instance as note_dispatching
    note_instance(cls)
    note_dispatching(cls)


def _disabled_torch_dispatch_impl(func, types, args=(), kwargs=None):
    """``Tensor.__torch_dispatch__``: subclasses that keep it do not take part in dispatch."""
    return NotImplemented


Tensor.__torch_dispatch__ = staticmethod(_disabled_torch_dispatch_impl)


def _convert(result, cls):
    """Tensor results (also inside tuples and lists) as ``cls``, as torch's ``_convert``."""
    if cls is Tensor:
        return result
    if isinstance(result, Tensor) and not isinstance(result, cls):
        return result.as_subclass(cls)
    if isinstance(result, (tuple, list)):
        return type(result)(_convert(r, cls) for r in result)
    return result


def _copy_fields(dst, src):
    for name in Tensor.__slots__[:-2]:
        if hasattr(src, name):
            object.__setattr__(dst, name, getattr(src, name))


def _wrap_dim(dim, ndim):
    n = ndim if ndim else 1
    if dim < -n or dim >= n:
        raise _errors.dim_out_of_range(dim, -n, n - 1)
    return dim + n if dim < 0 else dim


_new = object.__new__


_scalar_warned = []


def _warn_scalar_from_grad(t):
    """``float()`` / ``complex()`` of a tensor that requires grad while grad mode is on: warn
    once per process, as PyTorch does (``int()`` and ``.item()`` do not)."""
    if t._requires_grad and not _scalar_warned:
        from .autograd.grad_mode import is_grad_enabled
        if is_grad_enabled():
            _scalar_warned.append(True)
            warnings.warn(_errors.SCALAR_FROM_GRAD_WARNING, UserWarning, stacklevel=3)


def _make(data, dtype, device=_cpu, requires_grad=False):
    """Fast internal constructor: wrap a backend array without copying or checking."""
    t = _new(Tensor)
    t._data = data
    t._dtype = dtype
    t._device = device
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    t._base = None
    t._accum = None
    t._hooks = None
    t._retain = False
    if _inference_blocks[0]:
        t._vc = _version_counter()
    return t


def is_tensor(obj):
    return isinstance(obj, Tensor)
