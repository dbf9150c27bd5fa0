"""``torch.nn.attention``: the scaled-dot-product attention backend selector and flex
attention (``flex_attention`` submodule).

Ember has one attention implementation (the math one, on its array backend), so
``sdpa_kernel`` records the backends asked for and every choice runs the same computation.
"""
import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    """The attention kernels PyTorch can choose between."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_SDPBackend = SDPBackend    # the name torch's class prints (its pybind type is _SDPBackend)

_allowed = [tuple(b for b in SDPBackend if b is not SDPBackend.ERROR)]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within the block, restrict scaled_dot_product_attention to ``backends`` (one or a
    list).  Ember computes attention one way whatever is chosen."""
    chosen = (backends,) if isinstance(backends, SDPBackend) else tuple(backends)
    _allowed.append(chosen)
    try:
        yield
    finally:
        _allowed.pop()


def _cur_sdpa_kernel_backends(with_priority=False):
    return list(_allowed[-1])
