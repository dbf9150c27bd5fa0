"""Helpers shared by several architectures (their layers live in ``vision.ops.misc``)."""

__all__ = ["make_divisible"]


def make_divisible(v, divisor, min_value=None):
    """Round a channel count to a multiple of ``divisor``, never dropping below 90% of ``v``."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
