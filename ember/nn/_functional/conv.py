"""nn.functional: convolutions, unfold/fold (the ops live in ``ember._ops.nn_conv``)."""
from ..._ops.nn_conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                             conv_transpose3d, unfold, fold)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]
