"""Anomaly detection: record each node's forward traceback and check gradients for NaN.

While enabled, nodes keep the stack of the forward call that created them (``graph._init_node``)
and the engine runs each backward through ``graph.apply_anomalous``: a NaN gradient raises
PyTorch's error, and any error in a backward first warns with that forward traceback.
"""
import warnings

from .. import _errors
from .graph import _anomaly


def is_anomaly_enabled():
    return _anomaly[0]


def is_anomaly_check_nan_enabled():
    return _anomaly[1]


class detect_anomaly:
    """Context manager / decorator enabling anomaly detection (warns that it is slow)."""

    def __init__(self, check_nan=True):
        self.prev = (_anomaly[0], _anomaly[1])
        self.check_nan = check_nan
        warnings.warn(_errors.anomaly_enabled_warning(), stacklevel=2)

    def __enter__(self):
        self.prev = (_anomaly[0], _anomaly[1])
        _anomaly[0], _anomaly[1] = True, self.check_nan

    def __exit__(self, *exc):
        _anomaly[0], _anomaly[1] = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Sets anomaly detection on or off; usable as a function or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = (_anomaly[0], _anomaly[1])
        _anomaly[0], _anomaly[1] = bool(mode), bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _anomaly[0], _anomaly[1] = self.prev
