"""How ``fuse_modules`` fuses each sequence of module types: folded into one float module in
eval mode (Conv / Linear absorb the BatchNorm), or a fused sequence for QAT."""
from ... import _errors, nn
from ...nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval
from ..nn import intrinsic as nni

__all__ = ["fuse_conv_bn", "fuse_conv_bn_relu", "fuse_linear_bn", "fuse_convtranspose_bn",
           "get_fuser_method"]

_CONV_BN = {nn.Conv1d: nni.ConvBn1d, nn.Conv2d: nni.ConvBn2d, nn.Conv3d: nni.ConvBn3d}
_CONV_BN_RELU = {nn.Conv1d: nni.ConvBnReLU1d, nn.Conv2d: nni.ConvBnReLU2d,
                 nn.Conv3d: nni.ConvBnReLU3d}
_CONV_RELU = {nn.Conv1d: nni.ConvReLU1d, nn.Conv2d: nni.ConvReLU2d, nn.Conv3d: nni.ConvReLU3d}


def _check_same_mode(first, bn, name="Conv"):
    if first.training != bn.training:
        raise _errors.quantization_workflow("same_mode", first=name)


def _check_qat_bn(layer, bn, channels, end=""):
    """QAT fusion keeps the BatchNorm: it must match the layer and be affine with running
    statistics."""
    bn_name = type(bn).__name__
    if bn.num_features != channels:
        raise (_errors.quantization_workflow("bn_features", bn=bn_name)
               if isinstance(layer, nn.Linear) else _errors.quantization_workflow(
                   "bn_channels", conv=type(layer).__name__, bn=bn_name, end=end))
    if not bn.affine:
        raise _errors.quantization_workflow("bn_affine", bn=bn_name)
    if not bn.track_running_stats:
        raise _errors.quantization_workflow("bn_running_stats", bn=bn_name)


def fuse_conv_bn(is_qat, conv, bn):
    """Conv + BatchNorm: a ``ConvBn`` sequence for QAT, else one Conv with the BN folded in."""
    _check_same_mode(conv, bn)
    if not is_qat:
        return fuse_conv_bn_eval(conv, bn)
    _check_qat_bn(conv, bn, conv.out_channels, ".")
    fused = _CONV_BN.get(type(conv))
    if fused is None:
        raise _errors.fuse_not_supported("train", (conv, bn))
    return fused(conv, bn)


def fuse_conv_bn_relu(is_qat, conv, bn, relu):
    """Conv + BatchNorm + ReLU: a ``ConvBnReLU`` sequence for QAT, else ``ConvReLU`` of the
    folded Conv."""
    _check_same_mode(conv, bn)
    fused = (_CONV_BN_RELU if is_qat else _CONV_RELU).get(type(conv))
    if fused is None:
        raise _errors.fuse_not_supported("train" if is_qat else "eval", (conv, bn, relu))
    if is_qat:
        _check_qat_bn(conv, bn, conv.out_channels)
        return fused(conv, bn, relu)
    return fused(fuse_conv_bn_eval(conv, bn), relu)


def fuse_linear_bn(is_qat, linear, bn):
    """Linear + BatchNorm1d: ``LinearBn1d`` for QAT, else one Linear with the BN folded in."""
    _check_same_mode(linear, bn, "Linear")
    if not is_qat:
        return fuse_linear_bn_eval(linear, bn)
    _check_qat_bn(linear, bn, linear.out_features)
    return nni.LinearBn1d(linear, bn)


def fuse_convtranspose_bn(is_qat, convt, bn):
    _check_same_mode(convt, bn, "ConvTranspose")
    if is_qat:
        raise _errors.fuse_not_supported("convtranspose_qat", (convt, bn))
    return fuse_conv_bn_eval(convt, bn, transpose=True)


def _sequential(fused_cls):
    def fuser_method(is_qat, *modules):
        return fused_cls(*modules)
    return fuser_method


_DEFAULT_OP_LIST_TO_FUSER_METHOD = {
    (nn.Conv1d, nn.BatchNorm1d): fuse_conv_bn,
    (nn.Conv1d, nn.BatchNorm1d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv2d, nn.BatchNorm2d): fuse_conv_bn,
    (nn.Conv2d, nn.BatchNorm2d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv3d, nn.BatchNorm3d): fuse_conv_bn,
    (nn.Conv3d, nn.BatchNorm3d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv1d, nn.ReLU): _sequential(nni.ConvReLU1d),
    (nn.Conv2d, nn.ReLU): _sequential(nni.ConvReLU2d),
    (nn.Conv3d, nn.ReLU): _sequential(nni.ConvReLU3d),
    (nn.Linear, nn.BatchNorm1d): fuse_linear_bn,
    (nn.Linear, nn.ReLU): _sequential(nni.LinearReLU),
    (nn.BatchNorm2d, nn.ReLU): _sequential(nni.BNReLU2d),
    (nn.BatchNorm3d, nn.ReLU): _sequential(nni.BNReLU3d),
    (nn.ConvTranspose1d, nn.BatchNorm1d): fuse_convtranspose_bn,
    (nn.ConvTranspose2d, nn.BatchNorm2d): fuse_convtranspose_bn,
    (nn.ConvTranspose3d, nn.BatchNorm3d): fuse_convtranspose_bn,
}


def get_fuser_method(op_list, additional_fuser_method_mapping=None):
    """The fuser method for a tuple of module types."""
    mapping = {**_DEFAULT_OP_LIST_TO_FUSER_METHOD, **(additional_fuser_method_mapping or {})}
    fuser_method = mapping.get(op_list)
    if fuser_method is None:
        raise _errors.quantization_workflow("no_fuser", types=op_list)
    return fuser_method
