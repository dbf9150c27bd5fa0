"""``torch.library``: operators defined in Python, reachable as ``torch.ops.<ns>.<name>``.

``custom_op("ns::name", mutates_args=...)`` turns a function into an operator (its gradient
comes from ``register_autograd``); ``Library(ns, "DEF").define(schema)`` + ``impl`` does the
same in the older style.  Ember runs every operator in Python, so the dispatch keys of ``impl``
and the fake (meta) kernels of ``register_fake`` are recorded but never needed: the one
implementation serves every device.  ``torch.ops.aten.<name>`` reaches Ember's own ops.
"""
import importlib
import inspect
import sys
import warnings

from . import _aten_dispatch as _dispatch
from . import _errors
from ._infer_schema import infer_schema
from ._tensor import Tensor
from .autograd.function import Function

__all__ = ["Library", "custom_op", "register_fake", "register_autograd", "impl", "define",
           "CustomOpDef", "ops", "infer_schema", "register_kernel", "register_autocast",
           "register_torch_dispatch", "register_vmap", "impl_abstract", "fallthrough_kernel",
           "get_ctx", "opcheck"]

_registry = {}      # "ns::name" -> OpOverloadPacket
_vmap_runner = []   # how torch.vmap runs a register_vmap rule (set by ember.func)


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
        self._kernels = {}          # device type -> its kernel (register_kernel)
        self._autocast = {}         # device type -> the dtype inputs are cast to
        self._dispatch_rules = {}   # __torch_dispatch__ class -> rule (register_torch_dispatch)
        self._vmap_rule = {}        # None -> the register_vmap rule
        self._autograd = None
        self._fake = None
        self._schema = None
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
        if self._overload_names == ("default",) and _dispatch.active():
            return self.default(*args, **kwargs)    # __torch_dispatch__ sees ns.name.default
        return self._call(*args, **kwargs)

    def _call(self, *args, **kwargs):
        """Run the operator: its autocast rule, then its autograd formula or kernel."""
        device_type = self._autocasting()
        if device_type is not None:     # cast, then run with autocast off, as torch does
            with sys.modules["ember"].autocast(device_type, enabled=False):
                return self._call(*_cast(args, device_type, self._autocast[device_type]),
                                  **kwargs)
        if self._vmap_rule and _vmap_runner:     # torch.vmap is running (ember.func loaded)
            out = _vmap_runner[0](self._vmap_rule[None], args, kwargs)
            if out is not NotImplemented:
                return out
        if self._autograd is not None:
            return self._autograd.apply(*args, **kwargs)
        return self._kernel(args)(*args, **kwargs)

    def _autocasting(self):
        """The device type of a registered autocast rule whose autocast is enabled, or None."""
        top = sys.modules["ember"] if self._autocast else None
        return next((d for d in self._autocast if top.is_autocast_enabled(d)), None)

    def _kernel(self, args):
        """The kernel registered for the device of the first tensor argument, else the one
        registered for every device (``None``), else the operator's own."""
        fn = self._fn
        if self._kernels:
            t = next((a for a in _flat(args) if isinstance(a, Tensor)), None)
            fn = self._kernels.get(None, fn)
            if t is not None:
                fn = self._kernels.get(t.device.type, fn)
        if fn is None:
            raise _errors.library_no_kernel(self._ns, self._name)
        return fn

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self}')>"

    def __str__(self):
        return f"{self._ns}.{self._name}"

    def _set_autograd(self, backward, setup_context):
        name = f"GeneratedBackwardFor_{self._ns}_{self._name}_default"
        self._autograd = type(name, (Function,), {
            "forward": staticmethod(lambda *args: self._kernel(args)(*args)),
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
            return _dispatch.dispatch_overload(self, self.overloadpacket._call, args, kwargs)
        return self.overloadpacket._call(*args, **kwargs)

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

    def __init__(self, qualname, fn, schema):
        self._packet = _packet(qualname, fn)
        self._packet._schema = schema
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self._init_fn = fn
        self._opoverload = self._packet.default

    def __call__(self, *args, **kwargs):
        return self._packet(*args, **kwargs)

    def register_autograd(self, backward, /, *, setup_context=None):
        self._packet._set_autograd(backward, setup_context)

    def register_fake(self, fn, /):
        self._packet._fake = fn
        return fn

    def register_kernel(self, device_types, fn=None, /):
        return register_kernel(self, device_types, fn)

    def register_autocast(self, device_type, cast_inputs):
        register_autocast(self, device_type, cast_inputs)

    def register_torch_dispatch(self, torch_dispatch_class, fn=None, /):
        return register_torch_dispatch(self, torch_dispatch_class, fn)

    def register_vmap(self, fn=None, /):
        return register_vmap(self, fn)

    def __repr__(self):
        return f"<CustomOpDef({self._packet!r})>"


def _register(table, keys, fn):
    """``table[key] = fn`` for each key; a decorator when ``fn`` is None."""
    def wrap(f):
        table.update(dict.fromkeys(keys, f))
        return f
    return wrap if fn is None else wrap(fn)


def _device_types(device_types):
    """The device types a kernel is for (``None``: every device, the operator's own)."""
    if device_types is None:
        return (None,)
    return (device_types,) if isinstance(device_types, str) else tuple(device_types)


def _set_autocast(packet, device_type, cast_inputs):
    if not sys.modules["ember"].amp.is_autocast_available(device_type):
        raise _errors.library_autocast_device(device_type)
    packet._autocast[device_type] = cast_inputs


def _cast(value, device_type, dtype):
    """``value`` with its floating-point tensors on ``device_type`` (float64 excepted) cast to
    ``dtype``, through lists and tuples."""
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and \
            value.dtype is not sys.modules["ember"].float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype) for v in value)
    return value


def _flat(args):
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from a
        else:
            yield a


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """``@custom_op("ns::name", mutates_args=())``: make ``fn`` the operator ``ns::name`` (its
    schema inferred from the annotations unless given)."""
    def wrap(f):
        inferred = schema if schema is not None else \
            infer_schema(f, mutates_args=mutates_args)
        return CustomOpDef(name, f, inferred)
    return wrap if fn is None else wrap(fn)


def _op_packet(op):
    """The packet of an operator named by ``"ns::name"``, an ``OpOverload``, a packet or a
    ``CustomOpDef``."""
    if isinstance(op, CustomOpDef):
        return op._packet
    if isinstance(op, OpOverload):
        return op.overloadpacket
    return _packet(op if isinstance(op, str) else f"{op._ns}::{op._name}")


def register_fake(op, fn=None, /, *, lib=None, _stacklevel=1):
    """Record the fake (shape-only) kernel of ``op``: ``opcheck`` compares it with the real
    one; Ember's real kernel itself runs on every device, meta included."""
    def wrap(f):
        _op_packet(op)._fake = f
        return f
    return wrap if fn is None else wrap(fn)


def impl_abstract(qualname, func=None, *, lib=None, _stacklevel=1):
    """The name ``register_fake`` had before PyTorch 2.4."""
    warnings.warn(_errors.impl_abstract_renamed(), stacklevel=_stacklevel + 1)
    return register_fake(qualname, func, lib=lib)


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    _op_packet(op)._set_autograd(backward, setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """The kernel of ``op`` for ``device_types`` (``None``: every device): calls with a first
    tensor argument on one of them run it."""
    return _register(_op_packet(op)._kernels, _device_types(device_types), func)


def register_autocast(op, device_type, cast_inputs, /, *, lib=None):
    """Inside an enabled autocast region for ``device_type``, ``op`` casts its floating-point
    tensor inputs to ``cast_inputs`` and runs with autocast off."""
    _set_autocast(_op_packet(op), device_type, cast_inputs)


def register_torch_dispatch(op, torch_dispatch_class, func=None, /, *, lib=None):
    """``func`` handles ``op`` for the ``__torch_dispatch__`` of ``torch_dispatch_class`` (a
    Tensor subclass or a ``TorchDispatchMode``) in place of the class's own."""
    return _register(_op_packet(op)._dispatch_rules, (torch_dispatch_class,), func)


def register_vmap(op, func=None, /, *, lib=None):
    """``func(info, in_dims, *args)`` batches ``op`` under ``torch.vmap``: it returns the
    outputs and their batch dims."""
    return _register(_op_packet(op)._vmap_rule, (None,), func)


def fallthrough_kernel():
    """Passed to ``Library.impl`` to register a fallthrough: the key adds no behaviour (Ember's
    one kernel already serves every key), so nothing is registered."""
    raise _errors.fallthrough_called()


def get_ctx():
    """The context of the running fake kernel: Ember runs fake kernels only in ``opcheck``,
    outside it there is none (torch's answer outside a fake kernel)."""
    return _fake_ctx[-1] if _fake_ctx else None


_fake_ctx = []


def opcheck(op, args, kwargs=None, *, test_utils=None, raise_exception=True, rtol=None,
            atol=None):
    """Check that ``op`` is registered correctly (see ``ember._opcheck``)."""
    from . import _opcheck
    return _opcheck.opcheck(op, args, kwargs, raise_exception=raise_exception, rtol=rtol,
                            atol=atol, test_utils=test_utils or _opcheck.DEFAULT_TESTS)


def define(qualname, schema, *, lib=None, tags=()):
    _packet(qualname)._schema = schema


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
        _packet(f"{self.ns}::{name}")._schema = f"({schema.split('(', 1)[1]}"
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=True):
        name = op_name if isinstance(op_name, str) else op_name._name
        _packet(f"{self.ns}::{name}", None if fn is fallthrough_kernel else fn)

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
