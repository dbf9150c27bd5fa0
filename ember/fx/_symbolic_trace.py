"""``symbolic_trace`` and ``Tracer``: record a module's forward by running it on Proxies.

The forward runs once with a :class:`~ember.fx.Proxy` per argument.  Meanwhile the tracer
patches (``_patching``): ``Module.__call__``, so that calling a leaf module (ember.nn's own,
as torch.fx treats torch.nn's) records a ``call_module`` node while other modules are traced
through; ``Module.__getattr__``, so that parameters and buffers read in forward become
``get_attr`` nodes; and every ember function and Tensor method, so that a call receiving a
Proxy records a ``call_function`` / ``call_method`` node (calls on real tensors still run).
Functions registered with :func:`wrap` and the functions of ``autowrap_modules`` (``math``)
are recorded as calls instead of being traced through.
"""
import builtins
import inspect
import math
import operator

from .. import _assert, _errors
from .._tensor import Tensor
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ._patching import Patcher, patch_bindings, user_namespaces
from .graph import Graph
from .node import SIDE_EFFECTS
from .proxy import Proxy, TracerBase

__all__ = ["Tracer", "symbolic_trace", "wrap", "PH"]

# (id(globals), name) -> globals: the functions wrap() made leaves, patched while tracing
_wrapped_fns = {}


class PHBase:
    """A placeholder in ``concrete_args``: that argument stays an input."""

    def __repr__(self):
        return "PH"


PH = PHBase()


def _assert_is_none(value, message):
    if value is not None:
        raise AssertionError(message)


SIDE_EFFECTS.update((_assert, _assert_is_none))


def wrap(fn_or_name):
    """Make the global function ``fn_or_name`` (a function or its name), of the module that
    calls ``wrap`` at top level, a leaf of symbolic tracing: called on Proxies, it is
    recorded as one ``call_function`` node instead of being traced through."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise _errors.fx_wrap_type()
    name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    frame = inspect.currentframe().f_back
    if frame.f_code.co_name != "<module>":
        raise _errors.fx_wrap_not_top_level()
    _wrapped_fns[(id(frame.f_globals), name)] = frame.f_globals
    return fn_or_name


def _find_proxy(value):
    if isinstance(value, Proxy):
        return value
    if isinstance(value, (tuple, list)):
        items = value
    elif isinstance(value, dict):
        items = value.values()
    elif isinstance(value, slice):
        items = (value.start, value.stop, value.step)
    else:
        return None
    for v in items:
        found = _find_proxy(v)
        if found is not None:
            return found
    return None


def _recording(fn, kind, target, swapped=False, wrapped=False):
    """``fn``, but a call receiving a Proxy records a ``kind`` node of ``target`` (operands
    reversed when ``swapped``) instead of running."""
    def traced(*args, **kwargs):
        proxy = _find_proxy((args, kwargs))
        if proxy is None:
            return fn(*args, **kwargs)
        out = proxy.tracer.create_proxy(kind, target, args[::-1] if swapped else args, kwargs)
        if wrapped:
            out.node.meta["is_wrapped"] = True
        return out
    traced.__name__ = traced.__qualname__ = getattr(fn, "__name__", "traced")
    traced.__wrapped__ = fn
    return traced


class Tracer(TracerBase):
    """Records ``root`` 's forward (or a function) into a :class:`Graph`; override
    ``is_leaf_module`` / ``create_arg`` / ``call_module`` / ``getattr`` to customise."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=()):
        self._autowrap_ids = {id(v) for m in autowrap_modules for k, v in vars(m).items()
                              if not k.startswith("_") and callable(v)}
        self._autowrap_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.submodule_paths = None
        self.root = None
        self.tensor_attrs = {}

    # ---- the hooks ---------------------------------------------------------------------------
    def is_leaf_module(self, m, module_qualified_name):
        """ember.nn's own modules (but Sequential) are recorded as ``call_module`` (their
        classes report ``torch.nn...`` under the runner)."""
        from ..nn.modules.container import Sequential
        return m.__module__.startswith(("ember.nn", "torch.nn")) and \
            not isinstance(m, Sequential)

    def path_of_module(self, mod):
        if self.submodule_paths is None:
            self.submodule_paths = {id(m): name for name, m in self.root.named_modules()}
        path = self.submodule_paths.get(id(mod))
        if path is None:
            raise _errors.fx_not_submodule()
        return path

    def call_module(self, m, forward, args, kwargs):
        qualified_name = self.path_of_module(m)
        if not self.is_leaf_module(m, qualified_name):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", qualified_name, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """What reading a parameter in forward gives: a ``get_attr`` Proxy (a buffer too when
        ``proxy_buffer_attributes``; otherwise a buffer is a ``get_attr`` node only where it
        is passed to a recorded call)."""
        if isinstance(attr_val, Parameter):
            members = self.root.named_parameters()
        elif self.proxy_buffer_attributes and isinstance(attr_val, Tensor):
            members = self.root.named_buffers()
        else:
            return attr_val
        for name, t in members:
            if t is attr_val:
                if name not in parameter_proxy_cache:
                    parameter_proxy_cache[name] = self.create_proxy("get_attr", name, (), {})
                return parameter_proxy_cache[name]
        return attr_val

    def create_arg(self, a):
        """Parameters, buffers and submodules become ``get_attr`` nodes by their path in
        ``root``; other tensors are kept on ``root`` as ``_tensor_constant<i>`` attributes."""
        if isinstance(a, Tensor):
            members = self.root.named_parameters() if isinstance(a, Parameter) else \
                self.root.named_buffers()
            for name, t in members:
                if t is a:
                    return self.create_node("get_attr", name, (), {})
            if isinstance(a, Parameter):
                raise _errors.fx_foreign_parameter()
            name = self.tensor_attrs.get(id(a))
            if name is None:
                i = 0
                while hasattr(self.root, f"_tensor_constant{i}"):
                    i += 1
                name = f"_tensor_constant{i}"
                setattr(self.root, name, a)
                self.tensor_attrs[id(a)] = name
            return self.create_node("get_attr", name, (), {})
        if isinstance(a, Module):
            return self.create_node("get_attr", self.path_of_module(a), (), {})
        return super().create_arg(a)

    # ---- tracing ------------------------------------------------------------------------------
    def trace(self, root, concrete_args=None):
        """The graph of ``root`` 's forward (a Module) or of ``root`` (a function)."""
        is_module = isinstance(root, Module)
        self.root = root if is_module else Module()
        fn = type(root).forward if is_module else root
        self.graph = Graph()
        self.tensor_attrs = {}
        self._collect_tensor_attrs(self.root, "")
        self.submodule_paths = None
        args, kwargs = self.create_args_for_root(fn, is_module, concrete_args)
        if is_module:
            args = [root] + args
        patcher = Patcher()
        try:
            self._patch(patcher, fn)
            result = fn(*args, **kwargs)
        finally:
            patcher.undo()
        self.create_node("output", "output", (self.create_arg(result),), {})
        self.submodule_paths = None
        return self.graph

    def _collect_tensor_attrs(self, m, prefix):
        for k, v in vars(m).items():
            if isinstance(v, Tensor):
                self.tensor_attrs.setdefault(id(v), prefix + k)
        for name, child in m.named_children():
            self._collect_tensor_attrs(child, f"{prefix}{name}.")

    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """(positional, keyword) arguments to trace ``root_fn`` with: a placeholder Proxy per
        parameter; a ``concrete_args`` value (not ``PH``) is used as is, with an assertion
        node that checks it at run time."""
        concrete = dict(concrete_args or {})
        params = list(inspect.signature(root_fn).parameters.values())[int(is_module):]
        args, kwargs = [], {}
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise _errors.fx_varargs(p.name)
            default = () if p.default is p.empty else (p.default,)
            if p.name in concrete:
                value = self._concrete(p.name, concrete[p.name], default)
            else:
                value = self.create_proxy("placeholder", p.name, default, {})
            if p.kind == p.KEYWORD_ONLY:
                kwargs[p.name] = value
            else:
                args.append(value)
        return args, kwargs

    def _concrete(self, name, value, default):
        """An input named in ``concrete_args``: a placeholder ``<name>_1``; unless the value is
        ``PH``, the value itself is traced with, and a node asserts it at run time."""
        self.graph._namespace.reserve(name)
        ph = self.create_proxy("placeholder", name, default, {})
        ph.node.target = ph.node.name
        if isinstance(value, PHBase):
            return ph
        message = f"{name} has been specialized to have value {value} but got another value"
        if value is None:
            self.create_proxy("call_function", _assert_is_none, (ph, message), {})
        else:
            eq = self.create_proxy("call_function", operator.eq, (ph, value), {})
            self.create_proxy("call_function", _assert, (eq, message), {})
        return value

    def _patch(self, patcher, fn):
        tracer, cache = self, {}
        original_call, original_getattr = Module.__call__, Module.__getattr__

        def module_call(mod, *args, **kwargs):
            def forward(*a, **k):
                return original_call(mod, *a, **k)
            return tracer.call_module(mod, forward, args, kwargs)

        def module_getattr(mod, name):
            return tracer.getattr(name, original_getattr(mod, name), cache)

        patcher.set(Module, "__call__", module_call)
        patcher.set(Module, "__getattr__", module_getattr)
        namespaces = user_namespaces(fn, self.root)
        patch_bindings(patcher, _recording, namespaces)
        for (_, name), space in list(_wrapped_fns.items()):
            original = space[name] if name in space else getattr(builtins, name, None)
            if original is not None:
                patcher.set(space, name, _recording(original, "call_function", original,
                                                    wrapped=True))
        for space in [vars(m) for m in self._autowrap_search] + namespaces:
            for k, v in list(space.items()):
                if id(v) in self._autowrap_ids:
                    patcher.set(space, k, _recording(v, "call_function", v, wrapped=True))


def symbolic_trace(root, concrete_args=None):
    """Trace ``root`` (a Module or a function) with :class:`Tracer`; returns a
    :class:`~ember.fx.GraphModule` whose forward is the recorded graph."""
    from .graph_module import GraphModule
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = type(root).__name__ if isinstance(root, Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
