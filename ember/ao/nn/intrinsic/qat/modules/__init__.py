from .fused_relu import ConvReLU1d, ConvReLU2d, ConvReLU3d, LinearReLU  # noqa: F401
