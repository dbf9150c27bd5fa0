"""``__torch_dispatch__``: Tensor subclasses and modes that see the aten operators of Ember's ops.

PyTorch calls ``__torch_dispatch__`` below autograd: the autograd node is recorded on the
subclass instances (the wrapper), and the handler receives the aten overload
(``aten.add.Tensor``) with the call's arguments normalised as the schema has them.  Ember's ops
are Python functions that compute and record at once, so a *dispatch layer* (a binding layer,
see ``_ops._bindings``) wraps every op function once a dispatching subclass has an instance or
a ``TorchDispatchMode`` is entered:

1. the op's aten overload is chosen from PyTorch's schemas (``_aten_schemas.json``: the first
   overload the arguments fit, numbers in tensor places counting against it) and the arguments
   are normalised (keywords of positional parameters become positional, trailing defaults are
   dropped, an ``int`` dim becomes ``[dim]``);
2. the active mode (popped while it runs) or the subclasses' handlers run under ``no_grad``;
3. when grad is needed, the Ember op also runs on the subclass instances' own arrays (a
   wrapper made by ``_make_wrapper_subclass`` holds a zero-filled array of its shape, dtype and
   strides) with the layer off: that run records the autograd node with PyTorch's name and
   saved inputs, and the node is moved onto the handler's outputs (its saved outputs become
   theirs).  The backward formulas are Ember ops on the saved subclass instances, so they
   dispatch too.

Ember functions with no aten operator of their name are composite here: they run, and the ops
they call dispatch one by one (as PyTorch's CompositeImplicitAutograd functions decompose).
Some compute without dispatching ops (max pooling with ``return_indices=``, ``interpolate``,
the RNNs): an innermost mode with an ``_ember_composite(name, run, args, kwargs)`` method is
handed such calls whole, so that it can record them as one call when they do
(``ember.export``).
"""
import json
import os

from ._errors.dispatch import dispatch_not_implemented
from ._tensor import Tensor, _copy_fields
from ._subclass import call_innermost_mode, rule_for

__all__ = ["note_instance", "push_mode", "pop_mode", "mode_stack", "dispatch_overload"]

_mode_stack = []            # active TorchDispatchMode instances, innermost last
_off = [0]                  # depth of regions that run ops without dispatch (shadow runs)
_handling = [0]             # depth of __torch_dispatch__ handlers running
_classes = set()            # subclasses with their own __torch_dispatch__ that had instances
_LAYER = "torch_dispatch"

# torch's Python bindings never reach these overloads (tools/autograd/gen_python_functions.py:
# a number ``other`` is wrapped into a tensor instead), nor ``where``'s scalar ones
_HIDDEN = {"add": ("Scalar",), "sub": ("Scalar",), "mul": ("Scalar",), "div": ("Scalar",),
           "add_": ("Scalar",), "sub_": ("Scalar",), "mul_": ("Scalar",), "div_": ("Scalar",),
           "where": ("ScalarSelf", "ScalarOther", "Scalar")}
# reflected operators of commutative ops: ``2 + t`` reaches ``aten.add.Tensor(t, 2)``
_COMMUTATIVE = {"add", "mul", "bitwise_and", "bitwise_or", "bitwise_xor"}


# ---- schemas and overload choice --------------------------------------------------------------
_SCHEMAS = []


def _schemas():
    if not _SCHEMAS:
        with open(os.path.join(os.path.dirname(__file__), "_aten_schemas.json")) as f:
            _SCHEMAS.append(json.load(f))
    return _SCHEMAS[0]


def has_schema(name):
    return name in _schemas()


def overload_names(name):
    """PyTorch's overload names of the aten operator ``name`` (None: not in the table)."""
    entries = _schemas().get(name)
    return entries and [overload for overload, _ in entries]


def active():
    """Whether any call may dispatch (a dispatching subclass had instances, or a mode is on)."""
    return bool(_classes or _mode_stack)


def _is_number(v):
    return isinstance(v, (int, float, complex)) and not isinstance(v, Tensor)


def _int_like(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _cost(kind, v):
    """How well ``v`` fits an argument of ``kind``: 0 exactly, 1 a number in a tensor's place,
    None not at all."""
    if kind[-1] == "?":
        if v is None:
            return 0
        kind = kind[:-1]
    if kind == "T":
        return 0 if isinstance(v, Tensor) else 1 if _is_number(v) else None
    if kind == "L":
        return 0 if isinstance(v, (list, tuple)) and all(
            x is None or isinstance(x, Tensor) for x in v) else None
    if isinstance(v, Tensor):
        return None
    if kind == "S":
        return 0 if _is_number(v) else None
    if kind == "i":
        return 0 if _int_like(v) or not _is_number(v) and not isinstance(v, (str, list, tuple)) \
            else None           # optional ints also hold dtypes, layouts and memory formats
    if kind == "I":
        return 0 if _int_like(v) or isinstance(v, (list, tuple)) and all(
            _int_like(x) for x in v) else None
    if kind == "f":
        return 0 if isinstance(v, (int, float)) else None
    if kind == "b":
        return 0 if isinstance(v, bool) else None
    if kind == "c":
        return 0 if _is_number(v) else None
    if kind in ("s", "N"):
        return 0 if isinstance(v, str) or kind == "N" and isinstance(v, (list, tuple)) and all(
            isinstance(x, str) for x in v) else None
    return 0


_KEYWORDS = {"input": "self", "axis": "dim", "keepdims": "keepdim"}


def _bind(params, args, kwargs, lenient=False):
    """{parameter: value} for one schema, or None when the call does not fit it.
    ``lenient``: positional arguments beyond the positional parameters may fill the
    keyword-only ones, in order."""
    positional = [p for p in params if not p[2]]
    extra = ()
    if len(args) > len(positional):
        packed = _packed(positional, args)
        if packed is not None:
            args = packed
        elif lenient and len(args) <= len(params):
            extra = args[len(positional):]
        else:
            return None
    bound = {p[0]: v for p, v in zip(positional, args)}
    bound.update((p[0], v) for p, v in zip([p for p in params if p[2]], extra))
    names = {p[0] for p in params}
    for k, v in kwargs.items():
        if k not in names:
            k = _KEYWORDS.get(k, k)
        if k not in names or k in bound:
            return None
        bound[k] = v
    for p in params:
        if p[0] not in bound and len(p) < 4:
            return None
    return bound


def _packed(positional, args):
    """``t.view(2, 3)``: the trailing ints of a call gathered into its one int-list parameter
    (the last positional one), as torch's argument parser does."""
    k = len(positional) - 1
    if k < 0 or positional[k][1] != "I" or not all(_int_like(a) for a in args[k:]):
        return None
    return (*args[:k], list(args[k:]))


def _normalised(params, bound):
    """PyTorch's calling convention for handlers: positional parameters positionally (up to the
    last one that differs from its default), keyword-only ones that differ as keywords."""
    args, kwargs = [], {}
    for p in params:
        name, kind = p[0], p[1]
        if name not in bound:
            value, given = (p[3] if len(p) > 3 else None), False
        else:
            value, given = bound[name], True
            if kind.startswith("I") and _int_like(value):
                value = [value]
            elif kind.startswith("I") and isinstance(value, tuple):
                value = list(value)
        is_default = not given or len(p) > 3 and _same(value, p[3])
        if p[2]:
            if not is_default:
                kwargs[name] = value
        else:
            args.append((value, is_default))
    while args and args[-1][1]:
        args.pop()
    return tuple(v for v, _ in args), kwargs


def _same(value, default):
    try:
        return type(value) is type(default) and value == default or \
            value is None and default is None
    except Exception:       # noqa: BLE001 -- tensors and odd objects are never defaults
        return False


def resolve(name, args, kwargs):
    """(aten overload name, handler args, handler kwargs) for a call of ``name``; None when
    PyTorch has no such operator or no overload fits."""
    entries = _schemas().get(name)
    if entries is None:
        return None
    chosen = _best(name, entries, args, kwargs, False)
    if chosen is None:      # Ember's own wrappers may pass keyword-only parameters
        chosen = _best(name, entries, args, kwargs, True)   # positionally (F.gelu's)
    if chosen is None:
        return None
    overload, params, bound = chosen
    return (overload, *_normalised(params, bound))


def _best(name, entries, args, kwargs, lenient):
    """The cheapest overload the call fits: (overload, its params, {param: value})."""
    hidden = _HIDDEN.get(name, ())
    best = None
    for overload, params in entries:
        if overload in hidden or overload.endswith("out") and "out" not in kwargs:
            continue
        bound = _bind(params, args, kwargs, lenient)
        if bound is None:
            continue
        kinds = {p[0]: p[1] for p in params}
        cost = 0
        for k, v in bound.items():
            c = _cost(kinds[k], v)
            if c is None:
                break
            cost += c
        else:
            if best is None or cost < best[0]:
                best = (cost, overload, params, bound)
                if cost == 0:
                    break
    return best and best[1:]


def overload(name, overload_name):
    from .library import ops
    return getattr(getattr(ops.aten, name), overload_name)


# ---- which calls dispatch -----------------------------------------------------------------------
def _dispatches(cls):
    from ._C import _disabled_torch_dispatch_impl
    td = getattr(cls, "__torch_dispatch__", None)
    return td is not None and getattr(td, "__func__", td) is not _disabled_torch_dispatch_impl


def note_instance(cls):
    """Called for the first instance of each Tensor subclass: one that defines
    ``__torch_dispatch__`` switches the dispatch layer on (for good)."""
    if cls not in _classes and _dispatches(cls):
        _classes.add(cls)
        _sync()


def _sync():
    from ._ops import _bindings
    _bindings.register_layer(_LAYER, 10, _functions, _wrap)
    _bindings.set_active(_LAYER, active())


def push_mode(mode):
    _mode_stack.append(mode)
    _sync()


def pop_mode():
    mode = _mode_stack.pop()
    _sync()
    return mode


def mode_stack():
    return _mode_stack


def _subclass_args(values, found):
    for v in values:
        cls = v.__class__
        if cls in _classes:
            if cls not in found:
                found.append(cls)
        elif cls is list or cls is tuple:
            _subclass_args(v, found)
    return found


def _flat_tensors(values, out):
    for v in values:
        if isinstance(v, Tensor):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            _flat_tensors(v, out)
        elif isinstance(v, dict):
            _flat_tensors(v.values(), out)
    return out


# ---- the layer's wrapper ------------------------------------------------------------------------
_handlers = {}      # op function -> how(inner, args, kwargs) runs it on dispatching arguments


def _functions():
    if not _handlers:
        _handlers.update(_function_handlers())
    return _handlers


def by_name(name):
    """The handler of a function that is the aten operator ``name``."""
    return lambda inner, args, kwargs: dispatch(name, inner, args, kwargs)


def _reflected(name):
    """``other <op> t`` (``t.__rpow__(other)``): the operator with its operands in order."""
    return lambda inner, args, kwargs: dispatch(name, lambda a, b: inner(b, a), args[::-1],
                                                kwargs)


def operator_functions():
    """The functions that call one aten operator: {function: (operator name, reflected)}:
    the ops and their in-place forms, and Tensor's operators (``__add__`` is ``add``; a
    reflected one, ``t.__rsub__(2)``, takes its operands in the other order)."""
    from ._ops import _core
    found = {}
    for op in _core.OPS.values():
        found[op.fn] = (op.name, False)
        if op.inplace is not None:
            found[op.inplace] = (op.name + "_", False)
    for attr, value in vars(Tensor).items():
        # (callable first: copyreg leaves a list, ``__slotnames__``, on a pickled class)
        if not attr.startswith("__") or not callable(value) or value in found:
            continue
        fn_name = getattr(value, "__name__", "")
        if attr.startswith("__r") and fn_name == "op" and value.__closure__:
            name = getattr(value.__closure__[0].cell_contents, "__name__", None)
            found[value] = (name, name not in _COMMUTATIVE)
        elif has_schema(fn_name):       # ``__add__`` is ``add`` without ``alpha``
            found[value] = (fn_name, False)
    return found


def _function_handlers():
    handlers = {fn: _reflected(name) if reflected else by_name(name)
                for fn, (name, reflected) in operator_functions().items()}
    from . import _tensor_dispatch
    handlers.update(_tensor_dispatch.handlers())
    return handlers


def _wrap(inner, original):
    how = _handlers.get(original)
    if how is None:
        return inner

    def public(*args, **kwargs):
        if _off[0] or not (_mode_stack or _subclass_args(args, []) or
                           kwargs and _subclass_args(kwargs.values(), [])):
            return inner(*args, **kwargs)
        return how(inner, args, kwargs)
    public.__name__ = getattr(original, "__name__", "op")
    public.__qualname__ = getattr(original, "__qualname__", public.__name__)
    public.__doc__ = getattr(original, "__doc__", None)
    return public


def dispatch(name, run, args, kwargs):
    """Run the op ``name`` (Ember's function ``run``) on dispatching arguments."""
    chosen = resolve(name, args, kwargs) if has_schema(name) else None
    if chosen is None:              # composite here: the ops it calls dispatch
        whole = _mode_stack and getattr(_mode_stack[-1], "_ember_composite", None)
        if whole is not None:       # a mode that may take the call whole (export's recorder)
            return whole(name, run, args, kwargs)
        return run(*args, **kwargs)
    over, hargs, hkwargs = chosen
    return _run(overload(name, over), run, args, kwargs, hargs, hkwargs)


def dispatch_overload(op, run, args, kwargs):
    """A direct call of an aten overload (``torch.ops.aten.add.Tensor(a, b)``)."""
    if _off[0] or not (_mode_stack or _subclass_args(args, []) or
                       kwargs and _subclass_args(kwargs.values(), [])):
        return run(*args, **kwargs)
    return _run(op, run, args, kwargs, args, kwargs)


def _run(op, run, args, kwargs, hargs, hkwargs):
    from .autograd import grad_mode
    tensors = _flat_tensors((args, kwargs), [])
    needs_grad = grad_mode.is_grad_enabled() and any(t._requires_grad for t in tensors)
    with grad_mode.no_grad():
        out = _call_handlers(op, hargs, hkwargs)
    if needs_grad:
        _off[0] += 1
        try:
            shadow = run(*args, **kwargs)
        finally:
            _off[0] -= 1
        if op._name.endswith("_") and isinstance(args[0], Tensor):
            _through_ops(args[0]._grad_fn)
            return args[0]
        _transplant(shadow, out)
    elif op._name.endswith("_") and args and isinstance(args[0], Tensor) and \
            isinstance(out, Tensor) and out is not args[0]:
        out = args[0]
    return out


def in_handler():
    """Whether a ``__torch_dispatch__`` handler is running."""
    return _handling[0] > 0


def _call_handlers(op, args, kwargs):
    _handling[0] += 1
    try:
        return _handle(op, args, kwargs)
    finally:
        _handling[0] -= 1


def _handle(op, args, kwargs):
    types = tuple(_subclass_args((args, kwargs), []))
    rules = op.overloadpacket._dispatch_rules     # torch.library.register_torch_dispatch
    if _mode_stack:
        result = call_innermost_mode(_mode_stack, "__torch_dispatch__", op, types, args, kwargs,
                                     rules=rules)
        if result is not NotImplemented:
            return result
    for cls in sorted(types, key=lambda c: -len(c.__mro__)):    # subclasses first
        rule = rule_for(rules, cls)
        result = rule(cls, op, types, args, kwargs) if rule is not None else \
            cls.__torch_dispatch__(op, types, args, kwargs)
        if result is not NotImplemented:
            return result
    raise dispatch_not_implemented(op, types)


def _transplant(shadow, out):
    """Move the autograd history the shadow run recorded onto the handler's outputs."""
    sh, real = _flat_tensors((shadow,), []), _flat_tensors((out,), [])
    if len(sh) != len(real):
        return
    for s, o in zip(sh, real):
        node = s._grad_fn
        if node is None or s is o:
            continue
        o._grad_fn, o._output_nr, o._requires_grad = node, s._output_nr, True
        _through_ops(node)
        if s._base is not None:
            o._base, o._vc = s._base, s._vc
        for index, nr in node._out_idx or ():
            if nr == s._output_nr:
                _save_as(node, index, o)


def _through_ops(node):
    """Make ``node``'s backward compute with ops only: backward formulas take shortcuts on the
    arrays when no graph of the gradient is wanted, which a wrapper's placeholder cannot
    serve, so the formula runs as under ``create_graph`` and the graph it made is dropped."""
    if node is None or "_backward" in vars(node):
        return
    from .autograd import grad_mode
    formula = type(node)._backward

    def backward(*grads):
        if grad_mode.is_grad_enabled():
            return formula(node, *grads)
        with grad_mode.enable_grad():
            out = formula(node, *grads)
        for g in out if isinstance(out, tuple) else (out,):
            if isinstance(g, Tensor) and g._grad_fn is not None:
                g._grad_fn, g._requires_grad = None, False
        return out
    node._backward = backward


def _save_as(node, index, t):
    """Put a grad_fn-less alias of ``t`` (same class and state) in saved slot ``index``."""
    from .autograd.graph import store_saved     # (graph imports this module)
    store_saved(node, index, alias_of(t), t._vc[0])


def alias_of(t):
    """A new object of ``t``'s class sharing its array and subclass state, without history."""
    a = object.__new__(type(t))
    _copy_fields(a, t)
    a._grad_fn, a._requires_grad, a._grad, a._hooks = None, False, None, None
    copy_state(a, t)
    return a


def copy_state(dst, src):
    """Copy what a subclass keeps beyond Tensor's fields (its ``__dict__`` and own slots)."""
    d = getattr(src, "__dict__", None)
    if d:
        dst.__dict__.update(d)
    for klass in type(src).__mro__:
        if klass is Tensor:
            break
        for slot in getattr(klass, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(src, slot):
                object.__setattr__(dst, slot, getattr(src, slot))
