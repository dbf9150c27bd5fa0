"""Helpers shared by several architectures (their layers live in ``vision.ops.misc``)."""

__all__ = ["make_divisible", "init_mobile"]


def make_divisible(v, divisor, min_value=None):
    """Round a channel count to a multiple of ``divisor``, never dropping below 90% of ``v``."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def init_mobile(model):
    """The initialisation of the MobileNet family: He-normal (fan-out) convolutions, unit
    norms, N(0, 0.01) linear layers, zero biases."""
    from ... import nn
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)
