"""What every quantization-aware-training module shares: a fake quantizer of its weight, built
from its qconfig, and ``from_float`` (the float module's parameters, shared)."""
from ..... import _errors
from .....nn.utils.parametrize import type_before_parametrizations


class WeightFakeQuant:
    """Mixin of QAT modules. ``_FLOAT_MODULE``: the float (or fused) class it replaces;
    ``_float_args(mod)``: the constructor arguments that rebuild it."""
    _FLOAT_MODULE = None

    def _init_fake_quant(self, qconfig, device, dtype):
        if not qconfig:
            raise _errors.quantization_workflow("qat_qconfig")
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight(factory_kwargs={"device": device,
                                                                "dtype": dtype})

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        kind = type_before_parametrizations(mod)
        if kind != cls._FLOAT_MODULE:
            raise _errors.quantization_workflow("qat_from", name=cls.__name__,
                                                float_name=cls._FLOAT_MODULE.__name__,
                                                got=kind.__name__)
        if not hasattr(mod, "qconfig"):
            raise _errors.quantization_workflow("qat_no_qconfig")
        if not mod.qconfig:
            raise _errors.quantization_workflow("qat_bad_qconfig")
        qconfig = mod.qconfig
        from ...intrinsic import _FusedModule
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        qat = cls(*cls._float_args(mod), bias=mod.bias is not None, qconfig=qconfig)
        qat.weight = mod.weight
        qat.bias = mod.bias
        return qat
