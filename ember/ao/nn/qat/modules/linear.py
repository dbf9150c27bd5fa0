"""``torch.ao.nn.qat.Linear``: a Linear layer whose weight is fake-quantized."""
from .....nn import Linear as _FloatLinear
from .....nn import functional as F
from ._weight_fake_quant import WeightFakeQuant

__all__ = ["Linear"]


class Linear(WeightFakeQuant, _FloatLinear):
    _FLOAT_MODULE = _FloatLinear

    def __init__(self, in_features, out_features, bias=True, qconfig=None, device=None,
                 dtype=None):
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self._init_fake_quant(qconfig, device, dtype)

    @staticmethod
    def _float_args(mod):
        return mod.in_features, mod.out_features

    def forward(self, input):
        return F.linear(input, self.weight_fake_quant(self.weight), self.bias)
