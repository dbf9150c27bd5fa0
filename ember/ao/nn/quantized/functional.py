"""``torch.ao.nn.quantized.functional``: functional forms on quantized tensors (refused: Ember
has none)."""
from ...._quantized import refused

_FUNCTIONS = (
    "avg_pool2d", "avg_pool3d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "conv1d",
    "conv2d", "conv3d", "interpolate", "linear", "max_pool1d", "max_pool2d", "celu",
    "leaky_relu", "hardtanh", "hardswish", "threshold", "elu", "hardsigmoid", "clamp",
    "upsample", "upsample_bilinear", "upsample_nearest")


globals().update((name, refused(name, "torch.ao.nn.quantized.functional"))
                 for name in _FUNCTIONS)
__all__ = list(_FUNCTIONS)
