"""Where an op on a sparse COO tensor goes: ``lookup`` for ``SparseTensor.__torch_function__``
(methods, operators, properties) and ``route_functions`` for the public functions, which a
binding layer rebinds once the first sparse tensor exists (see ``ember._ops.sparse``)."""
import functools

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from . import sparse_ops as ops
from .sparse import SparseTensor, to_dense, to_sparse


def _no_storage(s):
    raise _errors.no_storage()


# Tensor methods and properties that only read the shape, dtype, device or autograd fields.
_PASS_THROUGH = ("size", "dim", "ndimension", "numel", "nelement", "element_size",
                 "is_floating_point", "is_complex", "is_signed", "requires_grad_",
                 "retain_grad", "register_hook", "backward", "get_device", "__len__", "type_as",
                 "item")


def _stride(s, dim=None):
    """torch's strides of a sparse tensor: zeros."""
    return (0,) * s.dim() if dim is None else 0


# name (an op's, or a Tensor attribute's) -> its sparse implementation
_HANDLERS = {
    "mm": ops.mm, "matmul": ops.matmul, "__matmul__": ops.matmul, "addmm": ops.addmm,
    "add": ops.add, "__add__": ops.add, "__radd__": lambda a, b: ops.add(b, a),
    "sub": ops.sub, "__sub__": ops.sub,
    "mul": ops.mul, "__mul__": ops.mul, "__rmul__": ops.mul, "neg": ops.neg, "__neg__": ops.neg,
    "negative": ops.neg, "t": ops.t, "transpose": ops.transpose, "sum": ops.sum_method,
    "detach": ops.detach, "clone": ops.clone, "zero_": ops.zero_, "to": ops.to, "reshape": ops.reshape,
    "double": lambda s: ops.to(s, D.float64), "float": lambda s: ops.to(s, D.float32),
    "cpu": lambda s: ops.to(s, "cpu"),
    "cuda": lambda s, device=None, **kw: ops.to(s, device or "cuda"),
    "T": ops.t, "mT": lambda s: ops.transpose(s, -2, -1), "data": ops.detach,
    "data_ptr": _no_storage, "untyped_storage": _no_storage, "stride": _stride,
    "storage_offset": lambda s: 0, "is_contiguous": lambda s, memory_format=None: False,
    "to_dense": to_dense, "to_sparse": to_sparse, "sparse_mm": ops.sparse_mm,
    **{name: ops.on_values(name) for name in ops.VALUE_OPS},
}


def route_functions():
    """Switch on the binding layer that sends the public functions with sparse handlers to
    them when a sparse tensor is among their first two arguments."""
    from . import _bindings
    from ._core import OPS
    routed = {OPS[name].fn: _HANDLERS[name] for name in _HANDLERS if name in OPS}

    def wrap(inner, original):
        handler = routed[original]

        @functools.wraps(original)
        def public(*args, **kwargs):
            for a in args[:2]:
                if a.__class__ is SparseTensor:
                    return handler(*args, **kwargs)
            return inner(*args, **kwargs)
        return public
    _bindings.register_layer("sparse", -2, lambda: routed, wrap, scope="modules")
    _bindings.set_active("sparse", True)


_names = {}


def _name_of(func):
    """The op or Tensor attribute name of a function ``__torch_function__`` receives."""
    from . import _bindings
    from ._core import OPS
    if not _names:
        for name, value in vars(Tensor).items():
            if isinstance(value, property):
                _names[value] = name
        for name, value in vars(Tensor).items():     # (a binding layer's wrapper: its original)
            if callable(value) and not isinstance(value, type):
                _names.setdefault(_bindings.original(value), name)
        for op in OPS.values():
            _names[op.fn] = op.name
            if op.inplace is not None:
                _names[op.inplace] = op.name + "_"
    prop = getattr(func, "__self__", None)
    if isinstance(prop, property):
        return _names.get(prop), True
    func = _bindings.original(func)
    return _names.get(func, getattr(func, "__name__", "?")), False


_IN_PLACE_OPERATORS = {"iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "iand",
                       "ior", "ixor", "ilshift", "irshift", "imatmul"}
_OPERATOR_OPS = {"truediv": "div", "truediv_": "div_", "getitem": "index.Tensor",
                 "setitem": "index_put_", "invert": "bitwise_not", "and": "bitwise_and",
                 "or": "bitwise_or", "xor": "bitwise_xor", "mod": "remainder"}


def _aten_name(name):
    """The aten op behind a Tensor operator (``__iadd__`` -> ``add_``), for error messages."""
    if not (name.startswith("__") and name.endswith("__")):
        return name
    core = name[2:-2]
    if core in _IN_PLACE_OPERATORS:
        core = core[1:] + "_"
    return _OPERATOR_OPS.get(core, core)


def lookup(func):
    """(handler, name) for ``func``: the sparse implementation, the pass-through, or None and
    the aten name to report."""
    from . import _bindings
    name, is_property = _name_of(func)
    handler = _HANDLERS.get(name)
    if handler is not None:     # (the table may hold a binding layer's wrapper: unwrap it)
        return _bindings.original(handler), name
    if is_property or name in _PASS_THROUGH:
        return func, name
    return None, _aten_name(name)
