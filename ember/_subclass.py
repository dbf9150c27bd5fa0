"""``__torch_function__``: Tensor subclasses' methods, function-form calls, and modes.

* Methods and operators: when a subclass of ``Tensor`` is defined, its op methods (``sum``,
  ``add_``, ``reshape`` ...) and operators (``+``, ``[]``, ``==`` ...) are replaced, on the
  subclass only, by wrappers that go through :func:`ember.overrides.handle_torch_function`.
* Functions: ``torch.add(sub, 1)``, ``F.linear(sub, w)`` and the other public functions reach
  ``__torch_function__`` through a binding layer (``_ops._bindings``) that is switched on once an
  instance of an overriding subclass exists or while a ``TorchFunctionMode`` is active; it also
  routes plain tensors' methods and operators to an active mode.  The function handed to
  ``__torch_function__`` is the one bound at the public name (``func is torch.add`` holds).

With ``Tensor.__torch_function__``'s default the results keep the subclass's type, as in torch.
Until a subclass instance or a mode exists nothing is wrapped, so the ordinary path costs
nothing; classes that opt out with ``__torch_function__ =
torch._C._disabled_torch_function_impl`` (``Parameter``) never switch the layer on.
"""
import functools
import sys
import types

from ._tensor import Tensor

_OPERATORS = ("__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__",
              "__rmul__", "__imul__", "__truediv__", "__rtruediv__", "__itruediv__",
              "__floordiv__", "__rfloordiv__", "__ifloordiv__", "__mod__", "__rmod__",
              "__pow__", "__rpow__", "__ipow__", "__matmul__", "__rmatmul__", "__neg__",
              "__pos__", "__abs__", "__and__", "__rand__", "__or__", "__ror__", "__xor__",
              "__rxor__", "__invert__", "__lshift__", "__rshift__", "__lt__", "__le__",
              "__gt__", "__ge__", "__eq__", "__ne__", "__getitem__", "__setitem__")


_NOT_DISPATCHED = ("as_subclass",)     # torch never routes these through the protocol


def _method_names(tensor_cls):
    """Tensor's public methods (ops bound from the registry and its own, like ``detach``) and
    operators: what torch routes through ``__torch_function__``."""
    return sorted(n for n, v in vars(tensor_cls).items()
                  if isinstance(v, types.FunctionType) and n not in _NOT_DISPATCHED
                  and (not n.startswith("_") or n in _OPERATORS))


def _dispatching(func, name):
    """The subclass's method ``name``: ``__torch_function__`` gets ``Tensor.<name>`` as bound
    at the call (a binding layer may have rebound it), so ``func is torch.Tensor.add`` holds."""
    from .overrides import handle_torch_function, has_torch_function
    tensor_attrs = vars(Tensor)

    @functools.wraps(func)
    def method(self, *args, **kwargs):
        relevant = (self, *args)
        if has_torch_function(relevant):
            return handle_torch_function(tensor_attrs[name], relevant, self, *args, **kwargs)
        return func(self, *args, **kwargs)
    return method


def _dispatching_property(prop):
    from .overrides import handle_torch_function, has_torch_function
    getter = prop.__get__

    def fget(self):
        if has_torch_function((self,)):
            return handle_torch_function(getter, (self,), self)
        return getter(self)
    return property(fget, prop.fset, prop.fdel, prop.__doc__)


def install(cls, tensor_cls):
    """Route ``cls``'s inherited op methods and property getters through
    ``__torch_function__`` (the getter arrives as ``Tensor.<name>.__get__``, as in torch)."""
    from ._C import _disabled_torch_function_impl
    tf = cls.__torch_function__
    if getattr(tf, "__func__", tf) is _disabled_torch_function_impl:
        return
    for name in _method_names(tensor_cls):
        if getattr(cls, name) is tensor_cls.__dict__[name]:
            setattr(cls, name, _dispatching(tensor_cls.__dict__[name], name))
    for name, prop in vars(tensor_cls).items():
        if type(prop) is property and _inherited(cls, name, prop):
            setattr(cls, name, _dispatching_property(prop))


def _inherited(cls, name, prop):
    """``cls`` gets ``name`` from ``Tensor`` (not from a class of its own between them)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name] is prop
    return False


# ---- function-form calls and modes ----------------------------------------------------------
# Two layers with one wrapper: "torch_function" rebinds the public functions (module
# attributes) once an overriding subclass has instances (subclass methods dispatch through
# ``install``), leaving Tensor's attributes -- whose identity libraries compare with, e.g.
# ``func is torch.Tensor.clone`` -- untouched; "torch_function_mode" adds Tensor's methods and
# operators while a mode is active, so that a mode sees plain tensors' method calls.
_LAYER, MODE_LAYER = "torch_function", "torch_function_mode"
_seen_classes = {}      # subclass -> whether it overrides __torch_function__
_extra_functions = set()     # public functions of modules above the core (nn.functional)
_TENSOR_FUNCTIONS = ("result_type", "is_floating_point", "is_complex", "numel", "is_nonzero",
                     "is_same_size")


def _overriding(cls):
    """Whether ``cls``'s instances take part in function dispatch: a subclass with its own
    ``__torch_function__`` (plain Tensors never do, as in torch: ``t.as_subclass(Tensor)``
    unwrapping a subclass must not switch the layer on)."""
    from ._C import _disabled_torch_function_impl
    if cls is Tensor:
        return False
    tf = cls.__torch_function__
    return getattr(tf, "__func__", tf) is not _disabled_torch_function_impl


def note_instance(cls):
    """Called when a ``cls`` instance is made: the first of an overriding subclass switches the
    function layer on (for good: instances may live anywhere)."""
    if cls not in _seen_classes:
        _seen_classes[cls] = _overriding(cls)
        sync()


def sync():
    """Functions dispatch while an overriding subclass has had instances or a mode is active;
    Tensor's methods while a mode is active."""
    from ._ops import _bindings
    from .overrides import _mode_stack
    _bindings.register_layer(_LAYER, -1, _public_functions, _wrap, scope="modules")
    _bindings.register_layer(MODE_LAYER, -1, _public_functions, _wrap, scope="tensor")
    _bindings.set_active(_LAYER, bool(_mode_stack) or any(_seen_classes.values()))
    _bindings.set_active(MODE_LAYER, bool(_mode_stack))


def add_public_functions(functions):
    """Make ``functions`` (a higher layer's public API, e.g. ``nn.functional``) dispatch too."""
    from ._ops import _bindings
    _extra_functions.update(map(_bindings.original, functions))    # a stand-in: its function
    _bindings.refresh()


def _public_functions():
    from ._ops._core import OPS
    fns = set()
    for op in OPS.values():
        fns.add(op.fn)
        if op.inplace is not None:
            fns.add(op.inplace)
    top = sys.modules["ember"]
    fns.update(getattr(top, n) for n in _TENSOR_FUNCTIONS if hasattr(top, n))
    fns.update(vars(Tensor)[n] for n in _method_names(Tensor))
    fns.update(_extra_functions)
    return fns


def _relevant(args, kwargs):
    """The arguments ``__torch_function__`` is looked up on: the positional and keyword
    arguments, and the items of list/tuple arguments (``torch.cat([a, b])``)."""
    found = []
    for a in (*args, *kwargs.values()):
        if isinstance(a, (list, tuple)):
            found.extend(a)
        else:
            found.append(a)
    return found


_PLAIN = {int, float, bool, complex, str, type(None), slice, type(Ellipsis)}
_screened = {}      # argument class -> whether it may override (its __torch_function__)


def _class_may_override(cls):
    known = _screened.get(cls)
    if known is None:
        tf = getattr(cls, "__torch_function__", None)
        known = _screened[cls] = tf is not None and (
            not issubclass(cls, Tensor) or _overriding(cls))
    return known


def _may_override(values):
    """Cheap screen: could any value (or item of a list/tuple value) override?"""
    for a in values:
        cls = a.__class__
        if cls is Tensor or cls in _PLAIN:
            continue
        if cls is list or cls is tuple:
            if _may_override(a):
                return True
        elif _class_may_override(cls):
            return True
    return False


def _wrap(inner, original):
    from .overrides import _mode_stack, handle_torch_function, has_torch_function

    @functools.wraps(original)
    def public(*args, **kwargs):
        if _mode_stack or _may_override(args) or (kwargs and _may_override(kwargs.values())):
            relevant = _relevant(args, kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(public, relevant, *args, **kwargs)
        return inner(*args, **kwargs)
    return public


def call_innermost_mode(stack, method, *args, rules=None):
    """``method`` of the innermost mode on ``stack`` called with ``args``, that mode popped
    while it runs (the calls its handler makes see only the modes outside it), as torch does;
    shared by the function and dispatch mode stacks.  ``rules`` ({class: rule}, from
    ``torch.library.register_torch_dispatch``) may name a ``rule(mode, *args)`` to call
    instead."""
    mode = stack.pop()
    try:
        rule = rules and rule_for(rules, type(mode))
        return rule(mode, *args) if rule else getattr(mode, method)(*args)
    finally:
        stack.append(mode)


def rule_for(rules, cls):
    """The rule ``rules`` holds for ``cls`` or the nearest of its bases, or None."""
    if rules:
        for klass in cls.__mro__:
            if klass in rules:
                return rules[klass]
    return None
