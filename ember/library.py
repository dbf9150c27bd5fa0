"""``torch.library``: operators defined in Python, reachable as ``torch.ops.<ns>.<name>``.

``custom_op("ns::name", mutates_args=...)`` turns a function into an operator (its gradient
comes from ``register_autograd``); ``Library(ns, "DEF").define(schema)`` + ``impl`` does the
same in the older style.  Ember runs every operator in Python, so the dispatch keys of ``impl``
and the fake (meta) kernels of ``register_fake`` are recorded but never needed: the one
implementation serves every device.  ``torch.ops.aten.<name>`` reaches Ember's own ops.
"""
import importlib
import inspect

from . import _aten_dispatch as _dispatch
from . import _errors
from .autograd.function import Function

__all__ = ["Library", "custom_op", "register_fake", "register_autograd", "impl", "define",
           "CustomOpDef", "ops"]

_registry = {}      # "ns::name" -> OpOverloadPacket


def _split(qualname):
    ns, sep, name = qualname.partition("::")
    if not sep or not ns or not name:
        raise _errors.library_bad_name(qualname)
    return ns, name.split(".")[0]


class OpOverloadPacket:
    """``torch.ops.ns.name``: calls the operator; its overloads (``.default``, ``.Tensor``,
    ...) are :class:`OpOverload` attributes, one object per name."""

    def __init__(self, ns, name, fn=None, overload_names=("default",)):
        self._ns, self._name = ns, name
        self._fn = fn
        self._autograd = None
        self._fake = None
        self._overload_names = tuple(overload_names)
        self._overloads = {}
        self.__name__ = name
        self._qualified_op_name = f"{ns}::{name}"

    def __getattr__(self, overload):
        if overload.startswith("__") or overload not in self._overload_names:
            raise _errors.library_no_overload(self, overload)
        op = self._overloads.get(overload)
        if op is None:
            op = self._overloads[overload] = OpOverload(self, overload)
        return op

    def overloads(self):
        return list(self._overload_names)

    def __call__(self, *args, **kwargs):
        if self._fn is None:
            raise _errors.library_no_kernel(self._ns, self._name)
        if self._autograd is not None:
            return self._autograd.apply(*args, **kwargs)
        return self._fn(*args, **kwargs)

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self}')>"

    def __str__(self):
        return f"{self._ns}.{self._name}"

    def _set_autograd(self, backward, setup_context):
        name = f"GeneratedBackwardFor_{self._ns}_{self._name}_default"
        fn = self._fn
        self._autograd = type(name, (Function,), {
            "forward": staticmethod(lambda *args: fn(*args)),
            "setup_context": staticmethod(setup_context or (lambda ctx, inputs, output: None)),
            "backward": staticmethod(backward)})


class OpOverload:
    """``torch.ops.ns.name.overload``: one overload of an operator (hashable, a dict key for
    the libraries that register handlers per overload); calling it calls the operator."""

    def __init__(self, packet, overload):
        self.overloadpacket = packet
        self._ns, self._name = packet._ns, packet._name
        self._overloadname = overload
        self.__name__ = f"{packet._name}.{overload}"

    def __call__(self, *args, **kwargs):
        if _dispatch.active():
            return _dispatch.dispatch_overload(self, self.overloadpacket, args, kwargs)
        return self.overloadpacket(*args, **kwargs)

    def name(self):
        return f"{self.overloadpacket._qualified_op_name}.{self._overloadname}"

    @property
    def namespace(self):
        return self.overloadpacket._ns

    def __repr__(self):
        return f"<OpOverload(op='{self.overloadpacket}', overload='{self._overloadname}')>"

    def __str__(self):
        return f"{self.overloadpacket}.{self._overloadname}"


def _packet(qualname, fn=None):
    ns, name = _split(qualname)
    key = f"{ns}::{name}"
    packet = _registry.get(key)
    if packet is None:
        packet = _registry[key] = OpOverloadPacket(ns, name, fn)
    elif fn is not None:
        packet._fn = fn
    return packet


class CustomOpDef:
    """What ``custom_op`` returns: the operator, callable, plus its registration methods."""

    def __init__(self, qualname, fn):
        self._packet = _packet(qualname, fn)
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self._init_fn = fn

    def __call__(self, *args, **kwargs):
        return self._packet(*args, **kwargs)

    def register_autograd(self, backward, /, *, setup_context=None):
        self._packet._set_autograd(backward, setup_context)

    def register_fake(self, fn, /):
        self._packet._fake = fn
        return fn

    def register_kernel(self, device_types, fn=None, /):
        """Ember's one Python kernel serves every device: the registration is accepted."""
        return (lambda f: f) if fn is None else fn

    def __repr__(self):
        return f"<CustomOpDef({self._packet!r})>"


def _check_annotations(fn):
    for p in inspect.signature(fn).parameters.values():
        if p.annotation is inspect.Parameter.empty:
            raise _errors.library_untyped(fn, p.name)


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """``@custom_op("ns::name", mutates_args=())``: make ``fn`` the operator ``ns::name``."""
    def wrap(f):
        if schema is None:
            _check_annotations(f)
        return CustomOpDef(name, f)
    return wrap if fn is None else wrap(fn)


def register_fake(op, fn=None, /, *, lib=None, _stacklevel=1):
    """Record the fake (shape-only) kernel of ``op``; Ember's real kernel already runs anywhere."""
    def wrap(f):
        _packet(op if isinstance(op, str) else f"{op._ns}::{op._name}")._fake = f
        return f
    return wrap if fn is None else wrap(fn)


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    _packet(op if isinstance(op, str) else f"{op._ns}::{op._name}")._set_autograd(
        backward, setup_context)


def define(qualname, schema, *, lib=None, tags=()):
    _packet(qualname)


def impl(qualname, types, func=None, *, lib=None):
    def wrap(f):
        _packet(qualname, f)
        return f
    return wrap if func is None else wrap(func)


class Library:
    """``Library(ns, "DEF" | "IMPL" | "FRAGMENT")``: define operators and give them kernels."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise _errors.library_kind(kind)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def define(self, schema, alias_analysis="", *, tags=()):
        name = schema.split("(", 1)[0].strip()
        _packet(f"{self.ns}::{name}")
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=True):
        name = op_name if isinstance(op_name, str) else op_name._name
        _packet(f"{self.ns}::{name}", fn)

    def _destroy(self):
        """Operators stay registered for the life of the process."""


class _OpNamespace:
    """``torch.ops.<ns>``: its operators as attributes."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        packet = _registry.get(f"{self._ns}::{name}")
        if packet is None:
            raise _errors.library_no_op(self._ns, name)
        return packet


class _Aten(_OpNamespace):
    """``torch.ops.aten.<name>``: Ember's own ops (functions, in-place methods ``name_``, and
    the aten-only operators of ``_aten``) with PyTorch's overload names."""

    def __getattr__(self, name):
        packet = _registry.get(f"aten::{name}")
        if packet is None:
            fn = _aten_kernel(name)
            overloads = _aten_overloads().get(name) or _dispatch.overload_names(name)
            if fn is None or overloads is None:
                raise _errors.library_no_op("aten", name)
            packet = _registry[f"aten::{name}"] = OpOverloadPacket("aten", name, fn, overloads)
        return packet


def _aten_kernel(name):
    """Ember's function for the aten operator ``name``: a registered op, an aten-only kernel,
    a public function defined outside the op table (``convolution``), or an in-place method."""
    from . import _aten, _ops
    from ._tensor import Tensor
    op = _ops.OPS.get(name)
    fn = _ops.functions.get(name) or _aten.KERNELS.get(name) or (op and op.fn)
    if fn is None and not name.startswith("_"):
        top = getattr(importlib.import_module(__package__), name, None)
        fn = top if inspect.isfunction(top) else None
    if fn is None and name.endswith("_") and callable(getattr(Tensor, name, None)):
        fn = getattr(Tensor, name)          # aten.add_.Tensor(t, u) is t.add_(u)
    return fn


_OVERLOADS = []


def _aten_overloads():
    """{aten name: PyTorch's overload names} for the names Ember serves (a table generated
    from PyTorch, ``_aten_overloads.json``; tests/test_library.py checks it)."""
    if not _OVERLOADS:
        import json
        import os
        with open(os.path.join(os.path.dirname(__file__), "_aten_overloads.json")) as f:
            _OVERLOADS.append(json.load(f))
    return _OVERLOADS[0]


class _Ops:
    """``torch.ops``."""

    def __getattr__(self, ns):
        if ns.startswith("__"):
            raise AttributeError(ns)
        return _Aten("aten") if ns == "aten" else _OpNamespace(ns)

    def load_library(self, path):
        raise _errors.unsupported("torch.ops.load_library", "Ember loads no compiled operators")


ops = _Ops()
