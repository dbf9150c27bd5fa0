"""``torch.fx.experimental.proxy_tensor``: ``get_proxy_mode``.  Ember traces with
``fx.symbolic_trace`` (Proxy objects), never with a proxy-tensor dispatch mode (``make_fx``),
so no such mode is ever active, and ``make_fx`` exists for imports and raises when called."""
from ... import _errors

__all__ = ["get_proxy_mode", "make_fx"]


def get_proxy_mode():
    """The active proxy-tensor tracing mode: always ``None`` (Ember has no ``make_fx``)."""
    return None


def make_fx(f, decomposition_table=None, tracing_mode="real", *args, **kwargs):
    """Tracing by a proxy-tensor dispatch mode: not provided (use ``torch.fx.symbolic_trace``)."""
    raise _errors.unsupported("torch.fx.experimental.proxy_tensor.make_fx",
                              "trace with torch.fx.symbolic_trace")
