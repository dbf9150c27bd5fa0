"""The kernel registry behind every v2 functional: one kernel per input type.

``functional(inpt, ...)`` looks up the kernel registered for ``type(inpt)`` (walking its MRO up
to ``TVTensor``): pure tensors and PIL images go to the image kernels, each tv_tensor to its own.
Kernels registered with ``wrap=True`` get a pure tensor and their output is re-wrapped like the
input (same class and metadata).
"""
import functools

from ....._tensor import Tensor
from ...._pil import is_pil_image
from ....tv_tensors import TVTensor, wrap as _wrap_like
from ..... import _errors

_KERNEL_REGISTRY = {}
PIL_IMAGE = "PIL.Image.Image"   # the registry key of PIL images (Pillow is imported lazily)


def is_pure_tensor(inpt):
    return isinstance(inpt, Tensor) and not isinstance(inpt, TVTensor)


def _wrapping(kernel):
    @functools.wraps(kernel)
    def wrapper(inpt, *args, **kwargs):
        return _wrap_like(kernel(inpt.as_subclass(Tensor), *args, **kwargs), like=inpt)
    return wrapper


def _register_kernel_internal(functional, input_type, *, wrap=True):
    """Decorator: ``kernel`` is ``functional``'s implementation for ``input_type``."""
    registry = _KERNEL_REGISTRY.setdefault(functional, {})

    def decorator(kernel):
        registry[input_type] = (_wrapping(kernel) if wrap and isinstance(input_type, type)
                                and issubclass(input_type, TVTensor) else kernel)
        return kernel
    return decorator


def register_kernel(functional, tv_tensor_cls):
    """Public decorator: a user kernel of ``functional`` for a custom TVTensor class (it gets
    the TVTensor itself and returns the result as it wants it)."""
    from .... import tv_tensors
    if not (isinstance(tv_tensor_cls, type) and issubclass(tv_tensor_cls, TVTensor)):
        raise _errors.v2_kernels_can_registered_subclasses_torchvision(tv_tensor_cls)
    if tv_tensor_cls in vars(tv_tensors).values():
        raise _errors.v2_kernels_cannot_registered_builtin_tv(tv_tensor_cls)
    return _register_kernel_internal(functional, tv_tensor_cls, wrap=False)


def _get_kernel(functional, input_type, *, allow_passthrough=False):
    registry = _KERNEL_REGISTRY.get(functional)
    if not registry:
        raise _errors.v2_no_kernel_registered_functional(functional)
    if input_type == PIL_IMAGE:
        if PIL_IMAGE in registry:
            return registry[PIL_IMAGE]
        input_type = object
    for cls in input_type.__mro__:
        if cls in registry:
            return registry[cls]
        if cls is TVTensor:
            break
    if allow_passthrough:
        return lambda inpt, *args, **kwargs: inpt
    raise _errors.v2_functional_f_supports_inputs_type(functional, registry, input_type)


def _input_type(inpt):
    return PIL_IMAGE if is_pil_image(inpt) else type(inpt)


def _kernel_for(functional, inpt, *, allow_passthrough=False):
    return _get_kernel(functional, _input_type(inpt), allow_passthrough=allow_passthrough)


def _dispatch(functional, inpt, *args, **kwargs):
    return _kernel_for(functional, inpt)(inpt, *args, **kwargs)
