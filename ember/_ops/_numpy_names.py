"""NumPy's keyword names for PyTorch's arguments: ``torch.sum(x, axis=1, keepdims=True)``.

PyTorch's argument parser accepts, for the functions and methods it parses from native
signatures, ``axis`` for ``dim``, ``keepdims`` for ``keepdim``, ``x`` / ``a`` / ``x1`` for
``input`` and ``x2`` for ``other``.  An alias is taken only where the canonical argument is not
given already (positionally or by name); otherwise it stays an unexpected keyword.

Ember's ops are plain Python functions, so an alias can only be honoured after Python has
refused it: ``accepting`` wraps an op that has a ``dim`` or ``keepdim`` argument so that a
binding ``TypeError`` (and only that: one raised inside the op passes through) is retried with
the aliases renamed.  Ops with only ``input`` / ``other`` (the pointwise hot path) are left
unwrapped: a wrapper costs every call a Python frame.
"""
import functools

ALIASES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input",
           "x2": "other"}
_CO_VARKEYWORDS = 0x08
# Written in Python in torch (torch.functional, torch/_tensor.py, nn.functional's ops that
# Ember binds as F.<name> only): the parser never sees them
_PYTHON_IN_TORCH = frozenset((
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm",
    "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot", "unique",
    "unique_consecutive", "unravel_index", "solve", "lstsq", "resize", "resize_as", "glu"))


def accepting(fn, name, signature_of=None):
    """``fn`` (the op ``name``), or a wrapper of it that also takes NumPy's keyword names.
    ``signature_of``: the function whose parameters ``fn`` takes (an in-place variant's
    ``(self, *args, **kwargs)`` forwards to its op)."""
    code = getattr(signature_of or fn, "__code__", None)
    if code is None or code.co_flags & _CO_VARKEYWORDS or name in _PYTHON_IN_TORCH:
        return fn
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    if "dim" not in params and "keepdim" not in params:
        return fn

    @functools.wraps(fn)
    def op(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as exc:
            # binding errors have no frame of fn's: raised inside the op, it is the op's error
            renamed = _renamed(params, args, kwargs) if exc.__traceback__.tb_next is None \
                else None
            if renamed is None:
                raise
        return fn(*args, **renamed)
    return op


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
