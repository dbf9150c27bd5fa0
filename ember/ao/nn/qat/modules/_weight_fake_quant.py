"""What every quantization-aware-training module shares: a fake quantizer of its weight, built
from its qconfig, and ``from_float`` (the float module's parameters, shared)."""
from .....nn.utils.parametrize import type_before_parametrizations


class WeightFakeQuant:
    """Mixin of QAT modules. ``_FLOAT_MODULE``: the float (or fused) class it replaces;
    ``_float_args(mod)``: the constructor arguments that rebuild it."""
    _FLOAT_MODULE = None

    def _init_fake_quant(self, qconfig, device, dtype):
        assert qconfig, "qconfig must be provided for QAT module"
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight(factory_kwargs={"device": device,
                                                                "dtype": dtype})

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        assert type_before_parametrizations(mod) == cls._FLOAT_MODULE, \
            " qat." + cls.__name__ + ".from_float only works for " + cls._FLOAT_MODULE.__name__
        assert hasattr(mod, "qconfig"), "Input float module must have qconfig defined"
        assert mod.qconfig, "Input float module must have a valid qconfig"
        qconfig = mod.qconfig
        from ...intrinsic import _FusedModule
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        qat = cls(*cls._float_args(mod), bias=mod.bias is not None, qconfig=qconfig)
        qat.weight = mod.weight
        qat.bias = mod.bias
        return qat
