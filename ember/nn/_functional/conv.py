"""nn.functional: convolutions, unfold/fold (the ops live in ``ember._ops.nn_conv``)."""
from ... import _errors
from ..._ops.nn_conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                             conv_transpose3d, unfold, fold)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold", "conv_tbc", "assert_int_or_pair"]


def conv_tbc(input, weight, bias, pad=0):
    """A 1-d convolution over (time, batch, channels) input with a (kernel, in, out) weight,
    ``pad`` steps of zeros at both ends of time (fairseq's layout)."""
    checks = (("input_dims", lambda: input.dim() != 3),
              ("weight_dims", lambda: weight.dim() != 3), ("bias_dims", lambda: bias.dim() != 1),
              ("channels", lambda: input.shape[2] != weight.shape[1]),
              ("bias_size", lambda: bias.shape[0] != weight.shape[2]))
    for what, bad in checks:    # in torch's order; each shape is read once the earlier hold
        if bad():
            raise _errors.conv_tbc(what)
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


def assert_int_or_pair(arg, arg_name, message):
    """``message`` (formatted with ``arg_name``) as an AssertionError unless ``arg`` is an int
    or a pair."""
    assert isinstance(arg, int) or len(arg) == 2, message.format(arg_name)
