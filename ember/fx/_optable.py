"""The table of traceable callables: one name per function, and back.

Graph nodes call ember's real functions; this table names them, for ``jit.save`` (a graph
is stored as JSON, its call targets by name), for the ONNX mapping (keyed by these names) and
for the patching tracers (a function is traceable when it is in the table):

* a registered op (``ember._ops._core.OPS``) by its op name (``"addmm"``, ``"relu_"`` for the
  in-place variant), whichever binding was used (``ember.x``, ``Tensor.x``, an ``_ops`` module);
* an ``nn.functional`` function that is not itself an op as ``"nn.functional.<name>"``;
* a Tensor method or operator that is not an op as ``"Tensor.<attr>"`` (``__getitem__``...);
* the Python operators as ``"operator.<name>"`` and ``getattr`` as ``"builtins.getattr"``:
  graphs write ``x + y`` as ``operator.add(x, y)`` and ``x.shape`` as ``getattr(x, "shape")``,
  as torch.fx does.

It also knows which Tensor special method each operator dispatches to (``OPERATORS``), and
the public ember path of each function (``public_name``), used to print and generate code.

Operator overloads (``ember.ops.aten.mul.Tensor``, the call targets of ``ember.export``'s
graphs) are named by their qualified name (``"aten::mul.Tensor"``).
"""
import operator
import sys
import types

from .._tensor import Tensor

# Tensor attributes that compute tensors but are not registered ops.  Conversions to Python
# values (item, __bool__, ...) are deliberately absent: the tracer watches those separately.
_TENSOR_EXTRAS = ("__add__", "__radd__", "__rsub__", "__rmul__", "__rtruediv__",
                  "__rfloordiv__", "__rmod__", "__rpow__", "__matmul__", "__rmatmul__",
                  "__imatmul__", "__invert__", "__rand__", "__ror__", "__rxor__", "__rlshift__",
                  "__rrshift__", "__getitem__", "__setitem__", "__eq__", "__ne__", "__lt__",
                  "__le__", "__gt__", "__ge__", "detach", "detach_", "where", "type")

_BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_",
           "xor", "lshift", "rshift")
_OTHERS = ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert", "getitem",
           "setitem")


def _special(name):
    return f"__{name.rstrip('_')}__"


def _in_place(name):
    return getattr(operator, "i" + name.rstrip("_"))


def _operators():
    table = {}
    for name in _BINARY:
        fn = getattr(operator, name)
        table[_special(name)] = (fn, False)
        table["__r" + _special(name)[2:]] = (fn, True)
        table["__i" + _special(name)[2:]] = (_in_place(name), False)
    for name in _OTHERS:
        table[_special(name)] = (getattr(operator, name), False)
    return table


# Tensor special method -> (the operator function a graph calls, whether operands are swapped)
OPERATORS = _operators()
_DIRECT = {fn: attr for attr, (fn, swapped) in OPERATORS.items() if not swapped}
_REFLECTED = {fn: attr for attr, (fn, swapped) in OPERATORS.items() if swapped}
IN_PLACE_OPERATORS = frozenset(_in_place(name) for name in _BINARY)

_cache = []


def _build():
    from .._ops._bindings import original
    from .._ops._core import OPS
    from ..nn import functional as F
    by_name = {}
    for op in OPS.values():
        by_name[op.name] = op.fn
        if op.inplace is not None:
            by_name[op.name + "_"] = op.inplace
    known = set(by_name.values())
    for k, v in vars(F).items():
        v = original(v)
        if type(v) is types.FunctionType and not k.startswith("_") and v not in known:
            by_name["nn.functional." + k] = v
    for k in _TENSOR_EXTRAS:
        v = original(Tensor.__dict__[k])
        if v not in known:
            by_name["Tensor." + k] = v
    for fn in _DIRECT:
        by_name["operator." + fn.__name__] = fn
    by_name["builtins.getattr"] = getattr
    by_fn = {}
    for name, fn in by_name.items():
        by_fn.setdefault(fn, name)
    _cache.append((by_name, by_fn, _public_names()))


def _public_names():
    """function -> its public path: ``ember.<name>``, ``ember.nn.functional.<name>``,
    ``ember.linalg.<name>``, ``ember.Tensor.<method>`` (the first wins)."""
    import ember
    from .._ops._bindings import original
    from ..nn import functional as F
    names = {}
    for prefix, space in (("ember.", vars(ember)), ("ember.nn.functional.", vars(F)),
                          ("ember.linalg.", vars(ember.linalg)),
                          ("ember.Tensor.", Tensor.__dict__)):
        for k, v in space.items():
            if callable(v) and not isinstance(v, types.ModuleType) and not k.startswith("__"):
                try:
                    names.setdefault(original(v), prefix + k)
                except TypeError:       # unhashable
                    pass
    for fn in _DIRECT:
        names[fn] = "operator." + fn.__name__
    names[getattr] = "builtins.getattr"
    return names


def _tables():
    if not _cache:
        _build()
    return _cache[0]


def by_name():
    """name -> original function."""
    return _tables()[0]


def by_function():
    """original function -> canonical name."""
    return _tables()[1]


def _overload(fn):
    """Whether ``fn`` is an operator overload (none exists before ``ember.library`` loads)."""
    library = sys.modules.get("ember.library")
    return library is not None and isinstance(fn, library.OpOverload)


def lookup(name):
    ns, sep, rest = name.partition("::")
    if sep:
        from ..library import ops
        packet, _, overload = rest.partition(".")
        return getattr(getattr(getattr(ops, ns), packet), overload)
    fn = by_name().get(name)
    if fn is None:
        raise KeyError(f"unknown traced operation {name!r}")
    return fn


def name_of(fn):
    """The table name of ``fn`` (or of the function a ``_bindings`` wrapper stands for)."""
    from .._ops._bindings import original
    if _overload(fn):
        return fn.name()
    try:
        return by_function().get(original(fn))
    except TypeError:
        return None


def public_name(fn):
    """The public path of ``fn`` (``"ember.relu"``, ``"operator.add"``), or None."""
    from .._ops._bindings import original
    if _overload(fn):
        return f"ember.ops.{fn}"
    try:
        return _tables()[2].get(original(fn))
    except TypeError:
        return None


def mutates(method):
    """Whether the Tensor method ``method`` works in place (``add_``, ``copy_``)."""
    return method.endswith("_") and not method.endswith("__")


def function_mutates(fn):
    """Whether calling ``fn`` changes its first argument (``ember.relu_``, ``operator.iadd``)."""
    if fn in IN_PLACE_OPERATORS:
        return True
    if _overload(fn):
        return mutates(fn._name)
    name = name_of(fn)
    return name is not None and mutates(name)


def tensor_call(op, target, args, is_tensor):
    """``(table name or None, args)`` of the ember function that a ``call_method`` or
    ``call_function`` node runs on tensors: an operator becomes the Tensor special method it
    dispatches to (the reflected one, with the operands swapped, when the left operand is not
    a tensor)."""
    if op == "call_method":
        return name_of(getattr(Tensor, target, None)), args
    attr = _DIRECT.get(target) if callable(target) else None
    if attr is None:
        return name_of(target), args
    if len(args) == 2 and not is_tensor(args[0]) and target in _REFLECTED:
        attr, args = _REFLECTED[target], (args[1], args[0])
    return name_of(Tensor.__dict__.get(attr)), args
