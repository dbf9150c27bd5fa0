"""``torch.backends.opt_einsum``: whether ``einsum`` contracts three or more operands in the
order the opt-einsum package finds (``enabled``, on when the package is installed, as in
torch) and with which of its strategies (``strategy``: "auto", "greedy" or "optimal").
Without the package ``einsum`` contracts from left to right.  As in torch, ``flags()`` and
``set_flags()`` check the values; plain assignments are taken as they are."""
import contextlib

from .. import _errors

try:
    import opt_einsum as _opt_einsum
except ImportError:
    _opt_einsum = None

_STRATEGIES = ("auto", "greedy", "optimal")
enabled = _opt_einsum is not None
strategy = "auto" if _opt_einsum is not None else None


def is_available():
    """Whether the opt-einsum package is installed."""
    return _opt_einsum is not None


def get_opt_einsum():
    """The opt_einsum package, or None."""
    return _opt_einsum


def _set_enabled(value):
    global enabled
    if value and _opt_einsum is None:
        raise _errors.opt_einsum_missing("enabled", value)
    enabled = value


def _set_strategy(value):
    global strategy
    if _opt_einsum is None:
        raise _errors.opt_einsum_missing("strategy", value)
    if not enabled:
        raise _errors.opt_einsum_disabled(value)
    if value not in _STRATEGIES:
        raise _errors.opt_einsum_strategy(value)
    strategy = value


def set_flags(_enabled=None, _strategy=None):
    """Set the switches given; returns their previous values."""
    previous = (enabled, strategy)
    if _enabled is not None:
        _set_enabled(_enabled)
    if _strategy is not None:
        _set_strategy(_strategy)
    return previous


@contextlib.contextmanager
def flags(enabled=None, strategy=None):
    """The switches given, inside the ``with`` block."""
    previous = set_flags(enabled, strategy)
    try:
        yield
    finally:
        _restore(*previous)


def _restore(enabled_, strategy_):
    """Put back switches read earlier, as they were (no checks: they may have been assigned)."""
    global enabled, strategy
    enabled, strategy = enabled_, strategy_
