"""The catalogue of ``torch.overrides``: which public functions ``__torch_function__`` can
override (``get_overridable_functions``), which it cannot (``get_ignored_functions``), their
names (``resolve_name``) and dummies with their signatures (``get_testing_overrides``).

The namespaces are torch's (``torch``, ``torch.functional``, ``nn.functional``, ``nn.init``,
``Tensor``, ``linalg``, ``fft``, ``special``), read from Ember's public modules as they are
bound now: while a ``__torch_function__`` layer is active the public names hold its wrappers
(``_ops._bindings``), so the lists hold those, and names and dummies are keyed by the function
a wrapper stands for.  Where Ember binds one function at two names torch keeps apart
(``torch.add`` is ``Tensor.add``), the module's name is the one resolved.
"""
import __future__
import functools
import inspect
import json
import os
import sys
import types

from ._ops._bindings import original
from ._tensor import Tensor

# (torch's name, path below ``ember``); ``None``: the top level
_NAMESPACES = (("torch", None), ("torch.functional", "functional"),
               ("torch.nn.functional", "nn.functional"), ("torch.nn.init", "nn.init"),
               ("torch.Tensor", "Tensor"), ("torch.linalg", "linalg"), ("torch.fft", "fft"),
               ("torch.special", "special"))

_DISTRIBUTED = ("broadcast", "all_reduce", "reduce", "all_reduce_coalesced", "all_gather",
                "all_gather_single", "all_gather_coalesced", "gather", "scatter",
                "reduce_scatter", "reduce_scatter_single", "all_to_all_single", "all_to_all",
                "isend", "irecv", "send", "recv")


def _namespace(path):
    obj = sys.modules["ember"]
    for part in path.split(".") if path else ():
        obj = getattr(obj, part)       # the package's lazy attributes load submodules
    return obj


def _names(namespace):
    """The names a namespace offers: its ``__all__`` where it has one (torch reads
    ``torch.__all__``; Ember's top level has none, so its public names), else ``dir``."""
    if namespace is sys.modules["ember"]:
        return [n for n in dir(namespace) if not n.startswith("_")]
    return getattr(namespace, "__all__", None) or dir(namespace)


def get_ignored_functions():
    """Public functions ``__torch_function__`` cannot override (a set): those Ember binds only
    at names of torch's list (``_ignored_overrides.json``)."""
    return _catalogue()[2]


@functools.cache
def _ignored_names():
    with open(os.path.join(os.path.dirname(__file__), "_ignored_overrides.json")) as f:
        return tuple(json.load(f))


def _private(name, namespace):
    """torch's screen of a module name: private, in-place or not lower case (the name is
    still resolvable, but no override is listed)."""
    return namespace is not Tensor and (name.startswith("_") or name.endswith("_")
                                        or not name[0].islower())


def _skipped(name, value, namespace):
    if namespace is Tensor:
        return getattr(object, name, None) == value or name == "__weakref__" or \
            type(value) is types.MemberDescriptorType       # Ember's slots, not torch's
    return name.startswith("__") or name == "unique_dim" or \
        isinstance(value, (types.ModuleType, __future__._Feature))


def _catalogue():
    """({namespace (or property): [overridable functions]}, {function: name}, {ignored}),
    as bound now."""
    entries, names = [], {}     # names: function -> every name it is bound at
    for torch_name, path in _NAMESPACES:
        namespace = _namespace(path)
        for name in _names(namespace):
            value = getattr(namespace, name, None)
            if value is None or _skipped(name, value, namespace):
                continue
            accessor = not callable(value) and hasattr(value, "__get__")
            if not accessor and not callable(value):
                continue
            entries.append((torch_name, namespace, name, value, accessor))
            for fn, suffix in _bound(value, accessor):
                names.setdefault(_key(fn), []).append(f"{torch_name}.{name}{suffix}")
    ignored_names = set(_ignored_names())
    ignored_keys = {k for k, bound in names.items() if all(n in ignored_names for n in bound)}
    overridable, index, ignored = {}, {}, set()
    for torch_name, namespace, name, value, accessor in entries:
        for fn, suffix in _bound(value, accessor):
            if namespace is not Tensor or _key(fn) not in index:
                index[_key(fn)] = f"{torch_name}.{name}{suffix}"
        fn = value.__get__ if accessor else value
        if _key(fn) in ignored_keys:
            ignored.add(fn)
        elif not _private(name, namespace):
            overridable.setdefault(value if accessor else namespace, []).append(fn)
    return overridable, index, ignored


def _bound(value, accessor):
    """The functions a public name binds, with the suffix of their names."""
    if not accessor:
        return ((value, ""),)
    found = [(value.__get__, ".__get__")]
    if hasattr(value, "__set__"):
        found.append((value.__set__, ".__set__"))
    return found


def _key(fn):
    """What names and dummies are keyed by: the function under its wrappers (a layer's, or a
    decorator's ``functools.wraps``: a mode sees the innermost layer's wrapper)."""
    try:
        hash(fn)
        return inspect.unwrap(original(fn))
    except (TypeError, ValueError):
        return None


def get_overridable_functions():
    """{namespace: [its functions ``__torch_function__`` can override]}, as torch's: the
    namespaces are the modules and ``Tensor``; each Tensor property is a key of its own,
    listing its getter."""
    return _catalogue()[0]


def resolve_name(f):
    """The name ``f`` is reached by (``"torch.add"``, ``"torch.Tensor.shape.__get__"``), or
    None; an operator of ``torch.ops`` gives its own ``str``."""
    from .library import OpOverload, OpOverloadPacket
    if isinstance(f, (OpOverload, OpOverloadPacket)):
        return str(f)
    return _catalogue()[1].get(_key(f))


def get_testing_overrides():
    """{overridable function: a dummy with its signature that returns -1}."""
    dummies = _dummies()
    return {fn: dummies[_key(fn)] for fn in _testing_targets() if _key(fn) in dummies}


def _testing_targets():
    targets = [fn for fns in get_overridable_functions().values() for fn in fns]
    top = sys.modules["ember"]
    if top.distributed.is_available():
        targets += [getattr(top.distributed, n) for n in _DISTRIBUTED
                    if hasattr(top.distributed, n)]
    return targets


@functools.cache
def _dummies():
    """The dummies, keyed by the function each stands for (built once: signatures are slow)."""
    return {_key(fn): _dummy(fn) for fn in _testing_targets()}


def _dummy(fn):
    def dummy(*args, **kwargs):
        return -1
    try:
        dummy.__signature__ = inspect.signature(fn)
    except (TypeError, ValueError):
        pass
    if type(fn).__name__ == "method-wrapper":        # a property's getter
        dummy.__signature__ = inspect.Signature(
            [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    return dummy
