"""The op machinery shared by every op family.

* ``register`` puts an op in the one table (``OPS``): its public name, the Tensor method names
  and aliases bound to the same function, and the PyTorch names of its autograd nodes.  The
  table drives method binding, the oracle tests and tracing.
* ``prep2`` / ``prep1`` turn operands into backend arrays with PyTorch's promotion rules.
* ``record`` attaches an autograd node to an op's output.
* ``inplace`` / ``write_out`` give every op its ``op_`` and ``out=`` variants with PyTorch's
  checks (leaf in-place errors, dtype casting, version counters, CopySlices for views).
"""
import sys
import traceback

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._device import cpu as _cpu
from .._tensor import Tensor, _make
from ..autograd import grad_mode
from ..autograd.graph import NO_GRAD_VIEW, make_node, node_class, set_output, save_output, edge
from ..autograd.graph import output_alias
from ..autograd.graph import _new as _new_node, _anomaly
from . import _bindings
from ._numpy_names import accepting, public_bindings

_grad_on = grad_mode.grad_on   # this thread's grad mode: one C call
_inference_on = grad_mode.is_inference_mode_enabled
_ndarray = np.ndarray


def raw_grad_ok(g, saved):
    """Whether a backward formula may run a backend kernel on the arrays of the gradient ``g``
    and a saved tensor: no graph of the gradient is being built and both are plain Tensors
    (vmap's batched gradients, as in ``vmap`` over ``autograd.grad``, go through ops, which
    batch) without forward-mode tangents (forward-over-reverse differentiates the formula)."""
    return not _grad_on() and g.__class__ is Tensor and saved.__class__ is Tensor and \
        not g._fw and not saved._fw


class OpDef:
    __slots__ = ("name", "fn", "methods", "aliases", "nodes", "module", "inplace", "has_out",
                 "differentiable", "function", "autocast", "public", "whole_list")

    def __init__(self, name, fn, methods, aliases, nodes, inplace, has_out, differentiable,
                 function=True):
        self.name = name
        self.fn = fn
        self.methods = methods
        self.aliases = aliases
        self.nodes = nodes
        self.module = fn.__module__
        self.inplace = inplace
        self.has_out = has_out
        self.differentiable = differentiable
        self.function = function
        self.autocast = None
        self.public = fn    # what ``ember.<name>`` binds (see bind_methods)
        self.whole_list = None  # the int list ``ember.<name>`` takes whole (see register)

    def __repr__(self):
        return f"OpDef({self.name!r})"


OPS = {}

# function -> {device type: autocast cast policy}: every registered op's ``autocast`` plus the
# composite functions (``nn.functional.linear``...) marked with ``autocast_rule``.  ``ember.amp``
# reads it; eager calls never look at it.
AUTOCAST = {}
AUTOCAST_POLICIES = ("lower_precision_fp", "fp32", "fp32_set_opt_dtype", "promote", "banned")


def _autocast_spec(spec):
    """``"fp32"`` (every device type) or ``{"cpu": ..., "cuda": ...}`` -> a dict."""
    spec = {"cpu": spec, "cuda": spec} if isinstance(spec, str) else dict(spec)
    for policy in spec.values():
        if policy not in AUTOCAST_POLICIES:
            raise ValueError(f"unknown autocast policy {policy!r}")
    return spec


def autocast_rule(spec):
    """Give a function that is not a registered op (a composite such as ``F.linear``) an
    autocast cast policy, as ``register(..., autocast=spec)`` does for ops."""
    def deco(fn):
        AUTOCAST[fn] = _autocast_spec(spec)
        return fn
    return deco


def register(name, *, method=True, aliases=(), nodes=(), inplace=None, out=False,
             differentiable=True, methods=None, function=True, autocast=None, whole_list=None):
    """Register an op.  ``method=True`` binds ``Tensor.<name>``; ``function=False`` keeps it out
    of the ``ember`` namespace (method-only in PyTorch, like ``Tensor.view`` or ``uniform_``);
    ``inplace`` names the in-place function to bind as ``Tensor.<name>_`` (made with
    ``inplace()``); ``nodes`` lists the autograd node names the op can produce (checked by the
    tests against PyTorch); ``autocast`` is the op's cast policy under ``ember.autocast``:
    one of ``AUTOCAST_POLICIES`` for every device type, or a dict per device type.  Ops with a
    ``dim`` / ``keepdim`` argument also take NumPy's names for their arguments
    (``_numpy_names``): the decorator then returns the wrapper that does it, which is the op's
    public function.  ``whole_list`` names the int-list argument that the method also takes
    unpacked (``t.reshape(2, 3)``) but the function only whole (``torch.reshape(t, (2, 3))``)."""
    def deco(fn):
        ms = tuple(methods) if methods is not None else ((name,) if method else ())
        public = accepting(fn, name)
        if getattr(public, "__name__", name) != name:   # factory-made or checked wrappers:
            public.__name__ = public.__qualname__ = name  # named as torch's function
        op_ = inplace if inplace is None else accepting(inplace, name, signature_of=fn)
        OPS[name] = OpDef(name, public, ms, tuple(aliases), tuple(nodes), op_, out,
                          differentiable, function)
        OPS[name].whole_list = whole_list
        if autocast is not None:
            set_autocast(name, autocast)
        return public
    return deco


def set_autocast(name, spec):
    """Set the autocast policy of the registered op ``name`` (for ops made by factories)."""
    op = OPS[name]
    op.autocast = AUTOCAST[op.fn] = _autocast_spec(spec)


def bind_methods(namespace):
    """Attach every registered op to ``Tensor`` and, unless method-only, to ``namespace`` (the
    ``ember`` module).  These public bindings also take NumPy's names for ``input`` /
    ``other`` (``_numpy_names.public_bindings``); the op's own function, which operators and
    Ember's internal calls use, stays bare."""
    for op in OPS.values():
        function, method, inplace = public_bindings(op.fn, op.inplace, op.name, op.whole_list)
        op.public = function
        # pickled by reference to where it is bound (its op's module holds the bare op);
        # Tensor's binding first: binding layers that rebind modules leave Tensor's alone
        path = f"Tensor.{op.methods[0]}" if method is function and op.methods else \
            op.name if op.function else None
        for wrapper, fn, path in ((function, op.fn, path),
                                  (inplace, op.inplace, f"Tensor.{op.name}_")):
            if wrapper is not fn:
                _bindings.stand_in(wrapper, fn, function_only=wrapper is function and
                                   op.whole_list is not None)
                if path is not None:
                    wrapper.__module__, wrapper.__qualname__ = "ember", path
        for m in op.methods:
            setattr(Tensor, m, method)
        if inplace is not None:
            setattr(Tensor, op.name + "_", inplace)
        if op.function:
            namespace.setdefault(op.name, function)
        for a in op.aliases:
            if op.function:
                namespace.setdefault(a, function)
            if op.methods:
                setattr(Tensor, a, method)
            if inplace is not None and op.methods:
                setattr(Tensor, a + "_", inplace)


# ---- operands -------------------------------------------------------------------------------
def is_tensor(x):
    return isinstance(x, Tensor)


def check_same_device(a, b, opname=None):
    """PyTorch allows a 0-d CPU tensor to mix with a tensor on any device."""
    if a._device is b._device:
        return a._device
    if b._device is _cpu and b._data.ndim == 0:
        return a._device
    if a._device is _cpu and a._data.ndim == 0:
        return b._device
    raise _errors.device_mismatch(a._device, b._device, opname)


def check_scalar_arg(dt, value, name="alpha"):
    """PyTorch's checks of a scalar factor (``alpha``, ``beta``) against the result dtype: a bool
    only for bool results, no floating (or complex) one for integral results."""
    if value.__class__ is bool:
        if dt is not D.bool_:
            raise _errors.alpha_type(True, name)
    elif dt.category < 2 and (isinstance(value, (float, complex)) or
                              isinstance(value, Tensor) and value._dtype.category >= 2):
        raise _errors.alpha_type(False, name)


def cast(arr, dt):
    return arr if arr.dtype == dt.np else arr.astype(dt.np)


def prep2(a, b):
    """Two operands (tensor or Python scalar) -> (array_a, array_b, result dtype, device).

    Arrays are cast to the result dtype; Python scalars stay scalars (NumPy treats them as weak,
    like PyTorch's wrapped numbers) unless they would change the result dtype.  NumPy arrays
    count as CPU tensors, as in PyTorch."""
    if a.__class__ is _ndarray:
        a = _make(a, D.from_numpy_dtype(a.dtype), _cpu)
    if b.__class__ is _ndarray:
        b = _make(b, D.from_numpy_dtype(b.dtype), _cpu)
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            dev = a._device if a._device is b._device else check_same_device(a, b)
            if a._dtype is b._dtype:
                dt = a._dtype
                return a._data, _on(b, dev), dt, dev
            dt = D.result_type(a, b)
            return cast(a._data, dt), cast(_on(b, dev), dt), dt, a._device if dev is None else dev
        dt = a._dtype
        if type(b) is not float or dt.category < 2:
            dt = D.result_type(a, b)
        return cast(a._data, dt), _scalar(b, dt), dt, a._device
    if isinstance(b, Tensor):
        dt = b._dtype
        if type(a) is not float or dt.category < 2:
            dt = D.result_type(a, b)
        return _scalar(a, dt), cast(b._data, dt), dt, b._device
    raise _errors.no_tensor_operand(a, b)


def _on(t, dev):
    if t._device is dev:
        return t._data
    return dev._backend.from_host(t._device._backend.to_host(t._data))


def _scalar(v, dt):
    if v.__class__ is float and dt.category >= 2 and dt.itemsize >= 4:
        return v  # the common case: a Python float with a float32/64 tensor
    if isinstance(v, (np.ndarray, np.generic)) or dt.category < D.scalar_dtype(v).category:
        return dt.np.type(v)
    if dt is D.bfloat16 or dt is D.float16:
        return dt.np.type(v)
    return v


def as_array(x, dt, dev):
    """A scalar or tensor argument as a backend array of dtype ``dt`` on ``dev``."""
    if isinstance(x, Tensor):
        return cast(_on(x, dev), dt)
    return dev._backend.xp.asarray(x, dtype=dt.np)


def out_array(r, xp):
    """NumPy returns scalars for 0-d results: keep everything an ndarray."""
    return r if isinstance(r, xp.ndarray) else xp.asarray(r)


def wrap(r, dt, dev):
    """Wrap a kernel's array as a tensor of dtype ``dt`` (0-d scalars and dtype fixed up)."""
    if r.__class__ is not _ndarray:
        r = out_array(r, dev._backend.xp)
    rnp = dt.np
    if r.dtype is not rnp and r.dtype != rnp:
        r = r.astype(rnp)
    return _make(r, dt, dev)


def needs_grad(*ts):
    if not _grad_on():
        return False
    for t in ts:
        if isinstance(t, Tensor) and t._requires_grad:
            return True
    return False


def record(out, cls, inputs, saved=(), args=None, save_out=None):
    """Attach a ``cls`` node to ``out`` (called only when grad is needed)."""
    node = make_node(cls, inputs, saved, args)
    set_output(node, out)
    if save_out is not None:
        save_output(node, out, save_out)
    return node


def needs_input_grad(node, i):
    return node.next_functions[i][0] is not None


# ---- gradient reduction for broadcasting -----------------------------------------------------
def sum_to(g, shape):
    """Reduce a broadcast gradient back to ``shape`` (differentiable: uses ember ops)."""
    gs = g._data.shape
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and gs[i + lead] != 1)
    r = g.sum(dims, keepdim=True) if dims else g
    if lead:
        r = r.reshape(shape)
    elif r._data.shape != shape:
        r = r.reshape(shape)
    return r


def grad_for(g, shape, dtype):
    """The gradient of one input: summed over broadcast dims and cast to the input's dtype."""
    g = sum_to(g, shape)
    if g._dtype is not dtype:
        g = g.to(dtype.to_real() if not dtype.is_complex and g._dtype.is_complex else dtype) \
            if not (g._dtype.is_complex and not dtype.is_complex) else g.real.to(dtype)
    return g


# ---- in-place and out= ----------------------------------------------------------------------
def check_inplace(t):
    if _grad_on() and t._requires_grad:
        if t._accum is NO_GRAD_VIEW:
            raise _errors.inplace_on_no_grad_view()
        if t._grad_fn is None:
            raise _errors.inplace_on_leaf()
        if t._base is not None and t._base._grad_fn is None and t._base._requires_grad:
            raise _errors.inplace_on_leaf_view()


def _snapshot(t):
    """A copy of ``t``'s current value that keeps ``t``'s autograd edge (PyTorch's original_self)."""
    s = _make(t._device._backend.copy(t._data), t._dtype, t._device, t._requires_grad)
    s._grad_fn = t._grad_fn
    s._output_nr = t._output_nr
    s._accum = t._accum
    return s


def inplace(fn):
    """Make the in-place variant ``op_(input, ...)`` of the out-of-place op ``fn`` (``input``:
    torch's keyword for the function form, ``torch.relu_(input=t)``)."""
    def op_(input, *args, **kwargs):
        check_inplace(input)
        tracking = _grad_on() and (input._requires_grad or needs_grad(*args, *kwargs.values()))
        src = _snapshot(input) if tracking else input
        result = fn(src, *args, **kwargs)
        commit_inplace(input, result, tracking)
        return input
    op_.__name__ = fn.__name__ + "_"
    op_.__qualname__ = op_.__name__
    op_.__module__ = fn.__module__
    return op_


def commit_inplace(self, result, tracking):
    """Write ``result`` into ``self``; bump the version; move ``result``'s history onto self."""
    rd, sd = result._dtype, self._dtype
    if rd is not sd and not D.can_cast(rd, sd):
        raise _errors.result_type_cast(rd, sd)
    write_array(self, result._data)
    if tracking and result._grad_fn is not None:
        rebase_history(self, result._grad_fn)


def write_array(t, arr):
    dst = t._data
    if not t._device._backend.writeable(dst):
        raise _errors.inplace_overlap()
    if arr.shape != dst.shape:
        try:
            arr = t._device._backend.xp.broadcast_to(arr, dst.shape)
        except ValueError:
            raise _errors.output_broadcast_shape(dst.shape, arr.shape) from None
    t._device._backend.xp.copyto(dst, arr, casting="unsafe")
    if t._vc.__class__ is not list and not _inference_on():
        raise _errors.inference_inplace()       # (torch checks after writing, too)
    t._vc[0] += 1


def rebase_history(t, node):
    """Give ``t`` the history ``node``; if ``t`` is a view, its base gets a CopySlices node."""
    base = t._base
    if base is None:
        t._grad_fn = node
        t._output_nr = 0
        t._requires_grad = True
        return
    from .views import copy_slices
    copy_slices(base, t, node)


def write_out(out, result):
    """Implement ``out=``: resize ``out`` if needed, check dtype, copy the values."""
    if not isinstance(out, Tensor):
        raise _errors.out_type(out)
    if _grad_on() and (out._requires_grad or result._requires_grad):
        raise _errors.out_requires_grad(result._grad_fn)
    if result._dtype is not out._dtype and not D.can_cast(result._dtype, out._dtype):
        raise _errors.result_type_cast(result._dtype, out._dtype)
    if out._data.shape != result._data.shape:
        if out._data.size:
            _errors.warn_at_caller(_errors.out_resized_warning(out._data.shape, result._data.shape))
        out._data = out._device._backend.xp.empty(result._data.shape, out._dtype.np)
    write_array(out, result._data)
    return out


# ---- family factories -------------------------------------------------------------------------
_FLOAT_CAT = 2


_OUTPUT_SAVED = (((0, 0),), ((1, 0),))   # ``Node._out_idx`` of an output saved in slot 0 / 1


def unary(name, kernel, backward=None, node=None, *, saves="input", float_result=False,
          int_ok=True, bool_result=False, aliases=(), method=True, inplace_ok=True,
          keep_int=False, check=None):
    """Define a pointwise unary op from an array kernel and a backward formula.

    ``backward(g, x, y)`` gets the incoming gradient, the input and the output (ember tensors)
    and returns the input's gradient.  ``saves`` says which of them the node keeps.
    ``check(dtype)`` raises for input dtypes the op does not support."""
    module = sys._getframe(1).f_globals["__name__"]
    cls = node_class(node, _unary_backward(backward)) if node else None

    def op(input, *, out=None):
        dt = input._dtype
        if check is not None:
            check(dt)
        x = input._data
        dev = input._device
        if float_result and dt.category < _FLOAT_CAT:
            dt = D.get_default_dtype()
            x = x.astype(dt.np)
        if dt is D.bfloat16 or dt is D.float16:
            r = kernel(x.astype(np.float32), dev._backend).astype(dt.np)
        else:
            r = kernel(x, dev._backend)
            if dt.category == 3 and r.dtype.kind != "c":    # abs/angle of complex: real
                dt = D.from_numpy_dtype(r.dtype)
        res = wrap(r, D.bool_ if bool_result else dt, dev)
        if cls is not None and _grad_on() and input._requires_grad:
            node = _new_node(cls)       # (``make_node``'s work, inlined for one input)
            node.next_functions = (edge(input),)
            node._args = None
            if saves == "output":
                node._saved, node._versions = (output_alias(res),), (res._vc[0],)
                node._out_idx = _OUTPUT_SAVED[0]
            elif saves == "both":
                node._saved = (input, output_alias(res))
                node._versions = (input._vc[0], res._vc[0])
                node._out_idx = _OUTPUT_SAVED[1]
            elif saves == "input":
                node._saved, node._versions = (input,), (input._vc[0],)
            else:
                node._saved = node._versions = ()
            res._grad_fn = node
            res._requires_grad = True
            if _anomaly[0]:
                node._trace = traceback.format_stack()[:-1]
        if out is not None:
            return write_out(out, res)
        return res

    return _finish_family_op(op, name, module, cls, node, aliases, method, inplace_ok)


def _finish_family_op(op, name, module, cls, node, aliases, method, inplace_ok):
    """Name, register and give an in-place variant to an op made by a family factory.
    ``module`` is the factory's caller, where the op is defined (``OpDef.module``)."""
    op.__name__ = op.__qualname__ = name
    op.__module__ = module
    op_ = inplace(op) if inplace_ok else None
    register(name, aliases=aliases, nodes=(node,) if node else (), inplace=op_, out=True,
             differentiable=cls is not None, method=method)(op)
    return op, op_


def _unary_backward(formula):
    def backward(node, g):
        s = node.saved()
        x = s[0] if s else None
        y = s[1] if len(s) > 1 else (s[0] if node._out_idx else None)
        if node._out_idx and len(s) == 1:
            x = None
        return (formula(g, x, y),)
    return backward


def binary(name, kernel, backward=None, node=None, *, result="promote", saves=(0, 1),
           needed_by=None, aliases=(), method=True, inplace_ok=True, scalar_nodes=None,
           check=None, exact_scalar=False):
    """Define a pointwise binary op.

    ``result``: 'promote' (PyTorch's result_type), 'float' (int inputs give the default float
    dtype), 'bool' (comparisons).  ``backward(g, a, b, y, need_a, need_b)`` returns
    (grad_a, grad_b) before reduction over broadcast dims (done here); ``y`` is the saved output
    (None unless ``saves`` holds 2), ``need_*`` say which inputs want a gradient.
    ``needed_by``: for each operand, the operands whose gradients read it (mul's
    ``((1,), (0,))``); as PyTorch, an operand is then saved only when one of those wants a
    gradient, so that changing it in place afterwards (``term.detach_().zero_()`` after
    ``weight * term``) leaves the graph usable.  ``scalar_nodes``: the node names PyTorch uses
    when ``other`` / ``input`` is a Python scalar (e.g. FmodBackward0 vs FmodBackward1).
    ``check(dtype)`` raises for promoted dtypes the op does not support.
    ``exact_scalar``: with a float16/bfloat16 result, a scalar ``other`` (Python number or 0-d
    tensor) enters at float32 precision, unrounded (PyTorch's mul and div kernels do this)."""
    module = sys._getframe(1).f_globals["__name__"]
    cls = node_class(node, _binary_backward(backward, bool(saves))) if node else None
    cls_other_scalar, cls_input_scalar = (
        (cls, cls) if not scalar_nodes else
        tuple(node_class(n, _binary_backward(backward, bool(saves))) if isinstance(n, str)
              else n for n in scalar_nodes))
    float_result = result == "float"
    bool_result = result == "bool"

    # dtypes for which two same-dtype tensors need no casting at all
    fast = frozenset(d for d in D.ALL_DTYPES if d not in (D.float16, D.bfloat16) and
                     (not float_result or d.category >= _FLOAT_CAT))
    fast_f = frozenset((D.float32, D.float64)) if check is None else frozenset()
    save_a, save_b, save_y = 0 in saves, 1 in saves, 2 in saves
    read_a, read_b = (sum(1 << i for i in readers) for readers in (needed_by or ((), ())))

    def prepare(input, other):
        a, b, dt, dev = prep2(input, other)
        if float_result and dt.category < _FLOAT_CAT:
            dt = D.get_default_dtype()
            a = a.astype(dt.np) if hasattr(a, "astype") else a
            b = b.astype(dt.np) if hasattr(b, "astype") else b
        if dt is D.bfloat16 or dt is D.float16:
            a = a.astype(np.float32) if hasattr(a, "astype") else a
            b = b.astype(np.float32) if hasattr(b, "astype") else b
            if exact_scalar:   # (a 0-d tensor ``input`` is rounded: only ``other`` is read so)
                a = np.float32(input) if isinstance(input, (int, float)) else a
                b = _exact_scalar(other, b)
        return a, b, dt, dev

    def op(input, other, *, out=None):
        if input.__class__ is Tensor and other.__class__ is Tensor and \
                input._dtype is other._dtype and input._device is other._device and \
                input._dtype in fast:
            dt = input._dtype
            dev = input._device
            a = input._data
            b = other._data
        elif other.__class__ is float and input.__class__ is Tensor and input._dtype in fast_f:
            dt = input._dtype
            dev = input._device
            a = input._data
            b = other
        else:
            a, b, dt, dev = prepare(input, other)
        if check is not None:
            check(dt)
        try:
            r = kernel(a, b, dev._backend)
        except ValueError:
            raise _errors.broadcast_mismatch(np.shape(a), np.shape(b)) from None
        res = wrap(r, D.bool_ if bool_result else dt, dev)
        if cls is not None and _grad_on():
            ta = isinstance(input, Tensor)
            tb = isinstance(other, Tensor)
            if ta and input._requires_grad or tb and other._requires_grad:
                ia = input if ta else None
                ib = other if tb else None
                node = _new_node(cls if ta and tb else (cls_other_scalar if ib is None
                                                        else cls_input_scalar))
                node.next_functions = (edge(ia), edge(ib))
                sa = ia if save_a else None
                sb = ib if save_b else None
                if needed_by is not None:   # (bit 1: input wants a gradient, bit 2: other)
                    wants = (1 if ta and input._requires_grad else 0) | \
                        (2 if tb and other._requires_grad else 0)
                    sa = sa if wants & read_a else None
                    sb = sb if wants & read_b else None
                node._saved = (sa, sb)
                node._versions = (sa._vc[0] if sa is not None else -1,
                                  sb._vc[0] if sb is not None else -1)
                node._args = ((input._data.shape, input._dtype) if ta else input,
                              (other._data.shape, other._dtype) if tb else other)
                res._grad_fn = node
                res._requires_grad = True
                if _anomaly[0]:
                    node._trace = traceback.format_stack()[:-1]
                if save_y:
                    node._saved = node._saved + (None,)
                    node._versions = node._versions + (0,)
                    save_output(node, res, 2)
        if out is not None:
            return write_out(out, res)
        return res

    return _finish_family_op(op, name, module, cls, node, aliases, method, inplace_ok)


def _exact_scalar(value, operand):
    """A Python number or 0-d tensor ``value`` at float32, else its prepared ``operand``."""
    if isinstance(value, Tensor):
        return value._data.astype(np.float32) if value._data.ndim == 0 else operand
    return np.float32(value) if isinstance(value, (int, float)) else operand


_NOTHING_SAVED = (None, None)


def _binary_backward(formula, saves=True):
    """The node's backward: ``formula`` on the saved operands (or the Python scalars), its
    gradients reduced to the operands' shapes and dtypes.  ``saves=False``: the op saves no
    tensor (add, sub), so there is nothing to unpack or version-check."""
    def backward(node, g):
        s = node.saved() if saves else _NOTHING_SAVED
        ma, mb = node._args
        a = s[0] if ma.__class__ is tuple else ma
        b = s[1] if mb.__class__ is tuple else mb
        y = s[2] if len(s) > 2 else None
        nf = node.next_functions
        need_a = nf[0][0] is not None
        need_b = nf[1][0] is not None
        ga, gb = formula(g, a, b, y, need_a, need_b)
        if need_a and ga is not None:
            if ga._data.shape != ma[0] or ga._dtype is not ma[1]:
                ga = grad_for(ga, ma[0], ma[1])
        else:
            ga = None
        if need_b and gb is not None:
            if gb._data.shape != mb[0] or gb._dtype is not mb[1]:
                gb = grad_for(gb, mb[0], mb[1])
        else:
            gb = None
        return ga, gb
    return backward
