"""The table of traceable callables: one name per public entry point.

A graph node names what the user's code called at the outermost level:

* a registered op (``ember._ops._core.OPS``) by its op name (``"addmm"``, ``"relu_"`` for the
  in-place variant), whichever binding was used (``ember.x``, ``Tensor.x``, an ``_ops`` module);
* an ``nn.functional`` function that is not itself an op as ``"nn.functional.<name>"``;
* a Tensor method or operator that is not an op as ``"Tensor.<attr>"`` (``__getitem__``...).

The same table turns names back into the original functions when a graph is replayed.
"""
import types

from .._tensor import Tensor

# Tensor attributes that compute tensors but are not registered ops.  Conversions to Python
# values (item, __bool__, ...) are deliberately absent: the tracer watches those separately.
_TENSOR_EXTRAS = ("__add__", "__radd__", "__rsub__", "__rmul__", "__rtruediv__",
                  "__rfloordiv__", "__rmod__", "__rpow__", "__matmul__", "__rmatmul__",
                  "__imatmul__", "__invert__", "__rand__", "__ror__", "__rxor__", "__rlshift__",
                  "__rrshift__", "__getitem__", "__setitem__", "detach", "detach_", "where",
                  "type")

_cache = []


def _build():
    from .._ops._core import OPS
    from ..nn import functional as F
    by_name = {}
    for op in OPS.values():
        by_name[op.name] = op.fn
        if op.inplace is not None:
            by_name[op.name + "_"] = op.inplace
    known = set(by_name.values())
    for k, v in vars(F).items():
        if type(v) is types.FunctionType and not k.startswith("_") and v not in known:
            by_name["nn.functional." + k] = v
    for k in _TENSOR_EXTRAS:
        v = Tensor.__dict__[k]
        if v not in known:
            by_name["Tensor." + k] = v
    by_fn = {}
    for name, fn in by_name.items():
        by_fn.setdefault(fn, name)
    _cache.append((by_name, by_fn))


def by_name():
    """name -> original function."""
    if not _cache:
        _build()
    return _cache[0][0]


def by_function():
    """original function -> canonical name."""
    if not _cache:
        _build()
    return _cache[0][1]


def lookup(name):
    fn = by_name().get(name)
    if fn is None:
        raise KeyError(f"unknown traced operation {name!r}")
    return fn
