"""Eager-mode quantization workflow: ``propagate_qconfig_``, ``prepare`` (observers on the
modules' outputs), ``prepare_qat`` (weights fake-quantized, then ``prepare``), and the module
swapping ``convert`` does.  Converting to quantized modules needs quantized tensors and is
refused; swapping with an explicit float mapping works."""
import copy
import functools
import warnings

from ... import _errors, nn
from ...nn.utils.parametrize import type_before_parametrizations
from ..nn import quantized as nnq
from ..nn.intrinsic import _FusedModule
from .fake_quantize import FakeQuantizeBase
from .observer import ObserverBase
from .quantization_mappings import (get_default_qat_module_mappings,
                                    get_default_qconfig_propagation_list)
from .stubs import DeQuantStub

__all__ = ["propagate_qconfig_", "add_quant_dequant", "prepare", "prepare_qat", "convert",
           "swap_module", "quantize", "quantize_dynamic", "quantize_qat"]


def _deprecated(fn):
    """torch 2.13 marks the eager workflow's entry points deprecated (a DeprecationWarning at
    each call)."""
    @functools.wraps(fn)
    def entry_point(*args, **kwargs):
        warnings.warn(_errors.quantization_deprecated(), DeprecationWarning, stacklevel=2)
        return fn(*args, **kwargs)
    return entry_point


def _propagate(module, qconfig_dict, parent_qconfig, prefix):
    qconfig = qconfig_dict.get(type_before_parametrizations(module), parent_qconfig)
    qconfig = qconfig_dict.get(prefix, qconfig)
    module.qconfig = getattr(module, "qconfig", qconfig)
    for name, child in module.named_children():
        _propagate(child, qconfig_dict, module.qconfig, f"{prefix}.{name}" if prefix else name)


def propagate_qconfig_(module, qconfig_dict=None, prepare_custom_config_dict=None):
    """Give every submodule a ``qconfig``: its own, else the one ``qconfig_dict`` names for its
    type or qualified name, else its parent's."""
    _propagate(module, qconfig_dict or {}, None, "")


def _observer_forward_hook(self, input, output):
    return self.activation_post_process(output)


def _observer_forward_pre_hook(self, input):
    return self.activation_post_process(input[0])


def _is_memoryless(qconfig):
    """An observer that forgets the past (averaging constant 1) watches the input instead."""
    act = qconfig.activation()
    act = getattr(act, "activation_post_process", act) if isinstance(act, FakeQuantizeBase) \
        else act
    return getattr(act, "averaging_constant", None) == 1


def _devices(module):
    return {p.device for p in module.parameters()} | {b.device for b in module.buffers()}


def _add_observer_(module, propagation_list, non_leaf_module_list, device):
    def needs_observation(m):
        return getattr(m, "qconfig", None) is not None

    def insert(m):
        if needs_observation(m) and not isinstance(m, DeQuantStub):
            observer = m.qconfig.activation()
            if device is not None:
                observer.to(device)
            m.add_module("activation_post_process", observer)
            if _is_memoryless(m.qconfig):
                m.register_forward_pre_hook(_observer_forward_pre_hook, prepend=True)
            else:
                m.register_forward_hook(_observer_forward_hook, prepend=True)

    for child in module.children():
        kind = type_before_parametrizations(child)
        if kind is nn.Dropout:
            continue
        if issubclass(kind, (nnq.FloatFunctional, nnq.QFunctional)):
            if needs_observation(child):
                child.activation_post_process = child.qconfig.activation()
        elif isinstance(child, _FusedModule) or (
                non_leaf_module_list is not None and kind in non_leaf_module_list):
            insert(child)
        else:
            _add_observer_(child, propagation_list, non_leaf_module_list, device)
    if not any(True for _ in module.children()) and not isinstance(module, nn.Sequential) \
            and type_before_parametrizations(module) in propagation_list:
        insert(module)


@_deprecated
def prepare(model, inplace=False, allow_list=None, observer_non_leaf_module_list=None,
            prepare_custom_config_dict=None):
    """A copy of ``model`` (or ``model`` itself) with an observer after every leaf module that
    has a qconfig and is quantizable (``allow_list``), run by a forward hook."""
    if not inplace:
        model = copy.deepcopy(model)
    propagate_qconfig_(model)
    if not any(getattr(m, "qconfig", None) for m in model.modules()):
        warnings.warn("None of the submodule got qconfig applied. Make sure you passed correct "
                      "configuration through `qconfig_dict` or by assigning the `.qconfig` "
                      "attribute directly on submodules")
    devices = _devices(model)
    if len(devices) > 1:
        raise _errors.quantization_workflow("devices", function="prepare", devices=devices)
    _add_observer_(model, allow_list or get_default_qconfig_propagation_list(),
                   observer_non_leaf_module_list, next(iter(devices)) if devices else None)
    return model


@_deprecated
def prepare_qat(model, mapping=None, inplace=False):
    """Quantization-aware training: swap modules for their QAT forms (fake-quantized weights,
    ``mapping``), then ``prepare`` (fake-quantized outputs)."""
    if not model.training:
        raise _errors.quantization_workflow("qat_training")
    mapping = get_default_qat_module_mappings() if mapping is None else mapping
    if not inplace:
        model = copy.deepcopy(model)
    propagate_qconfig_(model)
    convert(model, mapping=mapping, inplace=True, remove_qconfig=False)
    prepare(model, observer_non_leaf_module_list=set(mapping.values()), inplace=True)
    return model


def swap_module(mod, mapping, custom_module_class_mapping=None,
                use_precomputed_fake_quant=False):
    """``mapping[type(mod)].from_float(mod)`` when ``mod`` has a qconfig and a mapping entry,
    keeping its hooks (except the observer's) and device; else ``mod``."""
    kind = type_before_parametrizations(mod)
    if getattr(mod, "qconfig", None) is None or kind not in mapping:
        return mod
    new_mod = mapping[kind].from_float(mod, use_precomputed_fake_quant=use_precomputed_fake_quant)
    for hook in mod._forward_pre_hooks.values():
        new_mod.register_forward_pre_hook(hook)
    for hook in mod._forward_hooks.values():
        if hook is not _observer_forward_hook:
            new_mod.register_forward_hook(hook)
    devices = _devices(mod)
    if len(devices) > 1:
        raise _errors.quantization_workflow("devices", function="swap_module", devices=devices)
    if devices:
        new_mod.to(next(iter(devices)))
    return new_mod


def _convert(module, mapping, use_precomputed_fake_quant=False):
    for name, child in list(module.named_children()):
        if not isinstance(child, _FusedModule):    # fused modules swap as one unit
            _convert(child, mapping, use_precomputed_fake_quant)
        module._modules[name] = swap_module(child, mapping,
                                            use_precomputed_fake_quant=use_precomputed_fake_quant)


def _remove_qconfig(module):
    for child in module.children():
        _remove_qconfig(child)
    if hasattr(module, "qconfig"):
        del module.qconfig
    if isinstance(getattr(module, "activation_post_process", None),
                  (ObserverBase, FakeQuantizeBase)):
        del module.activation_post_process
    for hooks, hook in ((module._forward_hooks, _observer_forward_hook),
                        (module._forward_pre_hooks, _observer_forward_pre_hook)):
        for key in [k for k, v in hooks.items() if v is hook]:
            del hooks[key]


@_deprecated
def convert(module, mapping=None, inplace=False, remove_qconfig=True, is_reference=False,
            convert_custom_config_dict=None, use_precomputed_fake_quant=False):
    """Swap submodules by ``mapping`` (type -> class with ``from_float``).  Without a mapping
    torch converts to quantized modules, which Ember refuses."""
    if mapping is None:
        raise _errors.quantized_tensors_missing("torch.ao.quantization.convert to quantized "
                                                "modules")
    if not inplace:
        module = copy.deepcopy(module)
    _convert(module, mapping, use_precomputed_fake_quant)
    if remove_qconfig:
        _remove_qconfig(module)
    return module


def add_quant_dequant(module):
    """Wrap every leaf module that has a qconfig in a ``QuantWrapper``."""
    from .stubs import QuantWrapper
    if not any(True for _ in module.children()) and getattr(module, "qconfig", None):
        return QuantWrapper(module)
    for name, child in module.named_children():
        module._modules[name] = add_quant_dequant(child)
    return module


@_deprecated
def quantize(model, run_fn, run_args, mapping=None, inplace=False):
    """Post-training static quantization (prepare, calibrate, convert): refused at convert."""
    raise _errors.quantized_tensors_missing("torch.ao.quantization.quantize")


@_deprecated
def quantize_dynamic(model, qconfig_spec=None, dtype=None, mapping=None, inplace=False):
    raise _errors.quantized_tensors_missing("torch.ao.quantization.quantize_dynamic")


@_deprecated
def quantize_qat(model, run_fn, run_args, inplace=False):
    raise _errors.quantized_tensors_missing("torch.ao.quantization.quantize_qat")
