"""The weight-initialisation loop the detection heads and the FPN share."""
from ... import nn


def init_conv2d(module, init_weight):
    """``init_weight(weight)`` on every ``Conv2d`` in ``module`` (itself included), in module
    order; their biases are zeroed."""
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            init_weight(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
