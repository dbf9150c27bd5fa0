"""``torch.fx.experimental.proxy_tensor``: ``get_proxy_mode``.  Ember traces with
``fx.symbolic_trace`` (Proxy objects), never with a proxy-tensor dispatch mode (``make_fx``),
so no such mode is ever active."""

__all__ = ["get_proxy_mode"]


def get_proxy_mode():
    """The active proxy-tensor tracing mode: always ``None`` (Ember has no ``make_fx``)."""
    return None
