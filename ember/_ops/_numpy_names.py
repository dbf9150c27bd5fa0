"""NumPy's keyword names for PyTorch's arguments: ``torch.sum(x, axis=1, keepdims=True)``.

PyTorch's argument parser accepts, for the functions and methods it parses from native
signatures, ``axis`` for ``dim``, ``keepdims`` for ``keepdim``, ``x`` / ``a`` / ``x1`` for
``input`` and ``x2`` for ``other``.  An alias is taken only where the canonical argument is not
given already (positionally or by name); otherwise it stays an unexpected keyword.

Ember's ops are plain Python functions, so an alias can only be honoured after Python has
refused it: ``accepting`` wraps an op so that a binding ``TypeError`` is retried with the
aliases renamed.  Where the wrapper goes
depends on who calls the op:

* ops with a ``dim`` or ``keepdim`` argument are wrapped where they are defined
  (``register``), so every namespace re-exporting them (``linalg``, ``special``) takes the
  aliases;
* ops with only ``input`` / ``other`` (the pointwise hot path) are wrapped at their public
  bindings only (``ember.<op>``, and ``Tensor.<op>`` when the method has an ``other``):
  operators, unary methods and Ember's internal calls keep the bare function, so they pay no
  wrapper frame.  ``_bindings`` knows such a wrapper as a stand-in for its op.
"""
import functools
import sys

from . import _bindings
from .size_args import whole_list_function

ALIASES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input",
           "x2": "other"}
DIM_NAMES = ("dim", "keepdim")          # aliased where the op is defined
OPERAND_NAMES = ("input", "other")      # aliased at the public bindings
_CO_VARKEYWORDS = 0x08
_wrappers = set()
# Written in Python in torch (torch.functional, torch/_tensor.py, nn.functional's ops that
# Ember binds as F.<name> only): the parser never sees them
_PYTHON_IN_TORCH = frozenset((
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm",
    "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot", "unique",
    "unique_consecutive", "unravel_index", "solve", "lstsq", "resize", "resize_as", "glu"))


def accepting(fn, name, targets=DIM_NAMES, signature_of=None, method=False):
    """``fn`` (the op ``name``), or a wrapper of it that also takes NumPy's keyword names when
    it has one of the parameters ``targets`` (the method form: after ``self``).
    ``signature_of``: the function whose parameters ``fn`` takes (an in-place variant's
    ``(self, *args, **kwargs)`` forwards to its op)."""
    params = _aliased(fn, name, targets, signature_of, method)
    if params is None:
        return fn

    @functools.wraps(fn)
    def op(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError:
            # an alias that is not a parameter fails the binding, so an error with one is
            # Python's refusal, not the op's
            renamed = _renamed(params, args, kwargs)
            if renamed is None:
                raise
        return fn(*args, **renamed)
    _wrappers.add(op)
    return op


def public_bindings(fn, inplace, name, whole_list=None):
    """``(function, method, in-place method)`` to bind for the op ``name``: ``fn`` and
    ``inplace``, or wrappers of them that take NumPy's names for ``input`` / ``other``.  The
    method is the function's wrapper only when the method form has such an argument (unary
    methods stay bare).  ``whole_list``: the int list the function takes only whole
    (``size_args.whole_list_function``)."""
    function = accepting(fn, name, OPERAND_NAMES)
    method = fn
    if function is not fn and _aliased(fn, name, OPERAND_NAMES, method=True) is not None:
        method = function
    if whole_list is not None:
        function = accepting(whole_list_function(fn, name, whole_list), name, OPERAND_NAMES,
                             signature_of=fn)
    if inplace is not None:
        inplace = accepting(inplace, name, OPERAND_NAMES, signature_of=fn, method=True)
    return function, method, inplace


def parsed(fn, name, namespace):
    """The public binding ``namespace.name`` of ``fn`` in a namespace torch parses from native
    signatures (``nn.functional``'s native functions, ``fft``, ``linalg``): it takes NumPy's
    names for ``input`` / ``other`` and ``dim`` / ``keepdim``.  An op's stand-in
    (``ember.conv2d``'s) serves where it has one; otherwise the new wrapper becomes the
    stand-in, so that binding layers (autocast, the profiler) find it, and is named where it
    is bound (pickle and ``jit.script`` import it from there)."""
    wrapper = _bindings.public(fn)
    if wrapper is None:
        if fn in _wrappers:         # wrapped where it is defined (a dim op): takes them all
            return fn
        wrapper = accepting(fn, name, OPERAND_NAMES + DIM_NAMES)
        if wrapper is fn:
            return fn
        _bindings.stand_in(wrapper, fn)
    home = sys.modules.get(wrapper.__module__)
    if getattr(home, wrapper.__qualname__, None) is not wrapper:   # bound nowhere else
        wrapper.__module__, wrapper.__qualname__ = namespace, name
    return wrapper


def _aliased(fn, name, targets, signature_of=None, method=False):
    """The parameters of ``fn`` when it should take aliases of ``targets``, else None."""
    code = getattr(signature_of or fn, "__code__", None)
    if code is None or code.co_flags & _CO_VARKEYWORDS or name in _PYTHON_IN_TORCH \
            or fn in _wrappers:     # (wrapped already, where it is defined)
        return None
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    return params if any(p in targets for p in params[bool(method):]) else None


def _renamed(params, args, kwargs):
    """``kwargs`` with NumPy's names replaced by the parameters they stand for, or None when
    none applies or one names a parameter given already (then, as in torch, the aliases are
    all unexpected keywords)."""
    given = set(params[:len(args)]).union(kwargs)
    out, changed = {}, False
    for name, value in kwargs.items():
        target = ALIASES.get(name)
        if target is not None and name not in params and target in params:
            if target in given:
                return None
            name, changed = target, True
            given.add(target)
        out[name] = value
    return out if changed else None
