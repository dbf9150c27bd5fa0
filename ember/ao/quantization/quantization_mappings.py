"""Which float modules ``prepare`` observes and which QAT modules ``prepare_qat`` swaps in.
The static and dynamic mappings (to quantized modules) exist only as the set of module types
they cover: converting to quantized modules needs quantized tensors."""
from ... import nn
from ..nn import intrinsic as nni
from ..nn import qat as nnqat
from ..nn import quantized as nnq
from ..nn.intrinsic import qat as nniqat
from .stubs import DeQuantStub, QuantStub

__all__ = ["get_default_qat_module_mappings", "get_default_qconfig_propagation_list",
           "get_default_static_quant_module_mappings"]

DEFAULT_QAT_MODULE_MAPPINGS = {
    nn.Conv1d: nnqat.Conv1d, nn.Conv2d: nnqat.Conv2d, nn.Conv3d: nnqat.Conv3d,
    nn.Linear: nnqat.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear: nnqat.Linear,
    nni.LinearReLU: nniqat.LinearReLU, nni.ConvReLU1d: nniqat.ConvReLU1d,
    nni.ConvReLU2d: nniqat.ConvReLU2d, nni.ConvReLU3d: nniqat.ConvReLU3d,
    nni.ConvBn1d: nniqat.ConvBn1d, nni.ConvBn2d: nniqat.ConvBn2d, nni.ConvBn3d: nniqat.ConvBn3d,
    nni.ConvBnReLU1d: nniqat.ConvBnReLU1d, nni.ConvBnReLU2d: nniqat.ConvBnReLU2d,
    nni.ConvBnReLU3d: nniqat.ConvBnReLU3d,
}

# float module types torch's static quantization maps to quantized modules
_STATIC_QUANT_TYPES = {
    QuantStub, DeQuantStub, nn.BatchNorm2d, nn.BatchNorm3d, nn.Dropout, nn.Conv1d, nn.Conv2d,
    nn.Conv3d, nni.ConvBn1d, nni.ConvBn2d, nni.ConvBn3d, nni.ConvBnReLU1d, nni.ConvBnReLU2d,
    nni.ConvBnReLU3d, nni.LinearBn1d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d, nn.ELU,
    nn.Embedding, nn.EmbeddingBag, nn.GroupNorm, nn.Hardswish, nn.InstanceNorm1d,
    nn.InstanceNorm2d, nn.InstanceNorm3d, nn.LayerNorm, nn.LeakyReLU,
    nn.modules.linear.NonDynamicallyQuantizableLinear, nn.Linear, nn.ReLU6, nn.PReLU,
    nnq.FloatFunctional, nnq.QFunctional, nni.BNReLU2d, nni.BNReLU3d, nni.ConvReLU1d,
    nni.ConvReLU2d, nni.ConvReLU3d, nni.LinearReLU, nniqat.ConvReLU1d, nniqat.ConvReLU2d,
    nniqat.ConvReLU3d, nniqat.LinearReLU, nnqat.Linear, nnqat.Conv1d, nnqat.Conv2d,
    nnqat.Conv3d}
_DYNAMIC_QUANT_TYPES = {nn.GRUCell, nn.RNNCell, nn.LSTMCell, nn.Linear, nn.LSTM, nn.GRU,
                        nn.modules.linear.NonDynamicallyQuantizableLinear}


def get_default_qat_module_mappings():
    return dict(DEFAULT_QAT_MODULE_MAPPINGS)


def get_default_static_quant_module_mappings():
    """torch's float -> quantized module mapping; Ember has no quantized modules."""
    from ... import _errors
    raise _errors.quantized_tensors_missing("the static quantization module mapping")


def get_default_qconfig_propagation_list():
    """The module types ``prepare`` gives observers (and ``qconfig`` reaches)."""
    return _STATIC_QUANT_TYPES | set(DEFAULT_QAT_MODULE_MAPPINGS) | _DYNAMIC_QUANT_TYPES | {
        nn.Sequential}
