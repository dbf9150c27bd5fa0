"""nn.Module: the base class of every layer.

A Module keeps its parameters, buffers and child modules in three dicts (``_parameters``,
``_buffers``, ``_modules``) filled by attribute assignment, exactly as PyTorch does, so that
state_dict keys, iteration order, ``repr`` and hook semantics match PyTorch's.
"""
import functools
import itertools
import warnings
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ... import __future__ as _future
from ... import _errors
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...utils._swap_tensors import swap_tensors
from ...utils.hooks import BackwardHook, add_hook
from ..parameter import Parameter, Buffer, is_lazy

__all__ = ["Module"]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class _WrappedHook:
    """A hook bound weakly to its module (used for state-dict and non-full backward hooks)."""

    def __init__(self, hook, module=None):
        self.hook = hook
        functools.update_wrapper(self, hook)
        self.with_module = module is not None
        if self.with_module:
            self.module = weakref.ref(module)

    def __call__(self, *args, **kwargs):
        if self.with_module:
            module = self.module()
            if module is None:
                raise _errors.dead_module_hook_call()
            return self.hook(module, *args, **kwargs)
        return self.hook(*args, **kwargs)

    def __getstate__(self):
        state = {"hook": self.hook, "with_module": self.with_module}
        if self.with_module:
            state["module"] = self.module()
        return state

    def __setstate__(self, state):
        self.hook = state["hook"]
        self.with_module = state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise _errors.dead_module_hook_revive()
            self.module = weakref.ref(state["module"])


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


# ---- global hooks (torch.nn.modules.module.register_module_*) --------------------------------
class _FlaggedHooks(OrderedDict):
    """A global hook dict that keeps ``_has_global_hooks`` current as hooks come and go (a
    RemovableHandle removes with ``del``)."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        _refresh_global_flag()

    def __delitem__(self, key):
        super().__delitem__(key)
        _refresh_global_flag()


_global_backward_pre_hooks = _FlaggedHooks()
_global_backward_hooks = _FlaggedHooks()
_global_is_full_backward_hook = None
_global_forward_pre_hooks = _FlaggedHooks()
_global_forward_hooks = _FlaggedHooks()
_global_forward_hooks_always_called = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()
_global_buffer_registration_hooks = OrderedDict()
_global_module_registration_hooks = OrderedDict()
_global_parameter_registration_hooks = OrderedDict()
# True while any global forward/backward hook exists: keeps Module.__call__'s fast path one test.
_has_global_hooks = [False]


def _refresh_global_flag():
    _has_global_hooks[0] = bool(_global_backward_pre_hooks or _global_backward_hooks or
                                _global_forward_pre_hooks or _global_forward_hooks)


def _add_hook(store, hook, extra=None, prepend=False):
    return add_hook(store, hook, extra_dict=extra, prepend=prepend)


def register_module_buffer_registration_hook(hook):
    return _add_hook(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook):
    return _add_hook(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook):
    return _add_hook(_global_parameter_registration_hooks, hook)


def register_module_forward_pre_hook(hook):
    return _add_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    handle = _add_hook(_global_forward_hooks, hook, [_global_forward_hooks_always_called,
                                                     _global_forward_hooks_with_kwargs])
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_backward_hook(hook):
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is True:
        raise _errors.global_backward_hooks_mixed()
    _global_is_full_backward_hook = False
    return _add_hook(_global_backward_hooks, hook)


def register_module_full_backward_pre_hook(hook):
    return _add_hook(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook):
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is False:
        raise _errors.global_backward_hooks_mixed()
    _global_is_full_backward_hook = True
    return _add_hook(_global_backward_hooks, hook)


# ---- helpers -------------------------------------------------------------------------------------
def _addindent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    return first + "\n" + "\n".join(num_spaces * " " + line for line in s)


def _typename(obj):
    """torch.typename with ember's module paths spelled as torch's."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        module = type(obj).__module__ or ""
        qualname = type(obj).__qualname__
    if module in ("", "builtins"):
        return qualname
    if module == "ember" or module.startswith("ember."):
        module = "torch" + module[5:]
    return f"{module}.{qualname}"


def _forward_unimplemented(self, *input):
    raise _errors.module_forward_missing(self)


def _no_grad_apply(fn, t):
    prev = grad_mode.is_grad_enabled()
    grad_mode._set_enabled(False)
    try:
        return fn(t)
    finally:
        grad_mode._set_enabled(prev)


# ---- Module --------------------------------------------------------------------------------------
class Module:
    """Base class for all neural network modules."""

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if self.call_super_init is False and kwargs:
            raise _errors.module_init_kwargs(self, kwargs)
        if self.call_super_init is False and args:
            raise _errors.module_init_args(self, args)
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()
        d["_is_full_backward_hook"] = None
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = OrderedDict()
        d["_forward_hooks_always_called"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()
        d["_modules"] = {}
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    forward = _forward_unimplemented

    # ---- registration ------------------------------------------------------------------------
    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer (saved in the state_dict unless ``persistent=False``)."""
        if "_buffers" not in self.__dict__:
            raise _errors.buffer_before_init()
        if not isinstance(name, str):
            raise _errors.buffer_name_type(_typename(name))
        if "." in name:
            raise _errors.buffer_name_dot()
        if name == "":
            raise _errors.buffer_name_empty()
        if hasattr(self, name) and name not in self._buffers:
            raise _errors.attribute_exists(name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise _errors.buffer_type(_typename(tensor), name)
        for hook in _global_buffer_registration_hooks.values():
            output = hook(self, name, tensor)
            if output is not None:
                tensor = output
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Add a parameter (a Parameter or None) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise _errors.parameter_before_init()
        if not isinstance(name, str):
            raise _errors.parameter_name_type(_typename(name))
        if "." in name:
            raise _errors.parameter_name_dot()
        if name == "":
            raise _errors.parameter_name_empty()
        if hasattr(self, name) and name not in self._parameters:
            raise _errors.attribute_exists(name)
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise _errors.parameter_type(_typename(param), name)
        if param.grad_fn:
            raise _errors.parameter_non_leaf(name)
        for hook in _global_parameter_registration_hooks.values():
            output = hook(self, name, param)
            if output is not None:
                param = output
        self._parameters[name] = param

    def add_module(self, name, module):
        """Add a child module under ``name``."""
        if not isinstance(module, Module) and module is not None:
            raise _errors.not_a_module(_typename(module))
        if not isinstance(name, str):
            raise _errors.module_name_type(_typename(name))
        if hasattr(self, name) and name not in self._modules:
            raise _errors.attribute_exists(name)
        if "." in name:
            raise _errors.module_name_dot(name)
        if name == "":
            raise _errors.module_name_empty()
        for hook in _global_module_registration_hooks.values():
            output = hook(self, name, module)
            if output is not None:
                module = output
        self._modules[name] = module

    def register_module(self, name, module):
        """Alias for :meth:`add_module`."""
        self.add_module(name, module)

    def get_submodule(self, target):
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise _errors.get_member_missing(item, mod)
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise _errors.get_submodule_not_module(item)
        return mod

    def set_submodule(self, target, module, strict=False):
        if target == "":
            raise _errors.set_submodule_no_target()
        atoms = target.split(".")
        if not isinstance(module, Module):
            raise _errors.set_submodule_not_module(module)
        parent = self if len(atoms) == 1 else self.get_submodule(".".join(atoms[:-1]))
        if strict and not hasattr(parent, atoms[-1]):
            raise _errors.set_submodule_missing(atoms, parent)
        if hasattr(parent, atoms[-1]) and not isinstance(getattr(parent, atoms[-1]), Module):
            raise _errors.set_submodule_not_module_attr(atoms)
        setattr(parent, atoms[-1], module)

    def _get_member(self, target, check, what):
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise _errors.get_member_missing(name, mod)
        value = getattr(mod, name)
        if not check(mod, name, value):
            raise _errors.get_member_wrong_type(what, name)
        return value

    def get_parameter(self, target):
        return self._get_member(target, lambda m, n, v: isinstance(v, Parameter),
                                "an nn.Parameter")

    def get_buffer(self, target):
        return self._get_member(target, lambda m, n, v: n in m._buffers, "a buffer")

    def get_extra_state(self):
        raise _errors.get_extra_state_unreachable()

    def set_extra_state(self, state):
        raise _errors.set_extra_state_unreachable()

    # ---- conversions -------------------------------------------------------------------------
    def _apply(self, fn, recurse=True):
        """Apply ``fn`` to every parameter, gradient and buffer.  Parameters keep their identity
        (``param.data`` is replaced, or with ``torch.__future__``'s swap switch the new contents
        are swapped in), so optimizers built before ``.to()`` stay valid; with its overwrite
        switch new Parameters replace them."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        swap = _future.get_swap_module_params_on_conversion()
        overwrite = _future.get_overwrite_module_params_on_conversion()
        for key, param in self._parameters.items():
            if param is None:
                continue
            applied = _no_grad_apply(fn, param)
            grad = param._grad
            if swap:
                out = param
                param.grad = None
                try:
                    swap_tensors(param, Parameter(applied, requires_grad=param.requires_grad))
                except Exception as e:
                    param.grad = grad
                    raise _errors.swap_apply_failed(f"{self._get_name()}.{key}") from e
            elif overwrite:
                out = self._parameters[key] = Parameter(applied, param.requires_grad)
            else:
                out = param
                param.data = applied
            if grad is None:
                continue
            grad_applied = _no_grad_apply(fn, grad)
            if swap:
                grad_applied.requires_grad_(grad.requires_grad)
                try:
                    swap_tensors(grad, grad_applied)
                except Exception as e:
                    raise _errors.swap_apply_failed(f"{self._get_name()}.{key}.grad") from e
                out.grad = grad
            elif overwrite:
                out.grad = grad_applied.requires_grad_(grad.requires_grad)
            else:
                grad.data = grad_applied
        bufs = self._buffers
        for key, buf in bufs.items():
            if buf is not None:
                bufs[key] = fn(buf)
        return self

    def apply(self, fn):
        """Call ``fn(m)`` on every submodule (children first) and on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def compile(self, *args, **kwargs):
        """Compile this module's calls in place (``torch.compile`` on its ``_call_impl``)."""
        import ember   # the compiler sits above nn: reached through the namespace
        ember._dynamo.eval_frame.compile_in_place(self, *args, **kwargs)

    def cuda(self, device=None):
        return self._apply(lambda t: t.cuda(device))

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def _float_apply(self, convert):
        """``convert`` (a conversion method's name) on each floating-point tensor, looked up on
        the tensor so that a subclass's own (an uninitialized parameter's) is used."""
        return self._apply(lambda t: getattr(t, convert)() if t.is_floating_point() else t)

    def float(self):
        return self._float_apply("float")

    def double(self):
        return self._float_apply("double")

    def half(self):
        return self._float_apply("half")

    def bfloat16(self):
        return self._float_apply("bfloat16")

    def to_empty(self, *, device, recurse=True):
        from ... import _ops
        return self._apply(lambda t: _ops.creation.empty_like(t, device=device), recurse=recurse)

    def to(self, *args, **kwargs):
        """``to(device)``, ``to(dtype)``, ``to(tensor)``, ``to(device, dtype)``,
        ``to(memory_format=)``: floating parameters and buffers take the dtype, all take the
        device, the 4-d and 5-d ones the memory format."""
        from ..._ops.creation import _parse_to
        from ... import _dtype as D
        kwargs = dict(kwargs)
        kwargs.pop("non_blocking", None)
        memory_format = kwargs.pop("memory_format", None)
        dtype, device, _ = _parse_to(args, kwargs)
        if dtype is not None:
            dtype = D.to_dtype(dtype)
            if not (dtype.is_floating_point or dtype.is_complex):
                raise _errors.module_to_dtype(dtype)
            if dtype.is_complex:
                warnings.warn(_errors.complex_modules_warning(), stacklevel=2)

        def convert(t):
            floating = t.is_floating_point() or t.is_complex()
            # (a memory format applies to the 4-d and 5-d tensors: conv weights, not biases)
            fmt = memory_format if memory_format is not None and t.dim() in (4, 5) else None
            return t.to(device=device, dtype=dtype if floating else None, memory_format=fmt)
        return self._apply(convert)

    def share_memory(self):
        return self._apply(lambda t: t.share_memory_() if hasattr(t, "share_memory_") else t)

    # ---- hooks -------------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``(module, args, kwargs)``) before ``forward``; may return
        replacement args (or an ``(args, kwargs)`` pair)."""
        handle = _add_hook(self._forward_pre_hooks, hook, self._forward_pre_hooks_with_kwargs,
                           prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` (or ``(module, args, kwargs, output)``) after
        ``forward``; may return a replacement output."""
        handle = _add_hook(self._forward_hooks, hook, [self._forward_hooks_with_kwargs,
                                                       self._forward_hooks_always_called],
                           prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` before the module's gradients are computed."""
        return _add_hook(self._backward_pre_hooks, hook, None, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` once the gradients with respect to the
        module's inputs are computed; may return replacement grad_input."""
        if self._is_full_backward_hook is False:
            raise _errors.module_backward_hooks_mixed()
        self._is_full_backward_hook = True
        return _add_hook(self._backward_hooks, hook, None, prepend)

    def register_backward_hook(self, hook):
        """Deprecated non-full hook: registered on the grad_fn of the module's output."""
        if self._is_full_backward_hook is True:
            raise _errors.module_backward_hooks_mixed()
        self._is_full_backward_hook = False
        return _add_hook(self._backward_hooks, hook)

    def _get_backward_hooks(self):
        full, non_full = [], []
        if _global_is_full_backward_hook is True:
            full += _global_backward_hooks.values()
        if self._is_full_backward_hook is True:
            full += self._backward_hooks.values()
        if _global_is_full_backward_hook is False:
            non_full += _global_backward_hooks.values()
        if self._is_full_backward_hook is False:
            non_full += self._backward_hooks.values()
        return full, non_full

    def _register_state_dict_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata)`` after ``state_dict``; a returned
        dict replaces the state dict."""
        if getattr(hook, "_from_public_api", False):
            raise _errors.state_dict_post_hook_registered()
        return _add_hook(self._state_dict_hooks, hook)

    def register_state_dict_post_hook(self, hook):
        hook._from_public_api = True
        return _add_hook(self._state_dict_hooks, hook)

    def register_state_dict_pre_hook(self, hook):
        """``hook(module, prefix, keep_vars)`` before ``state_dict``."""
        return _add_hook(self._state_dict_pre_hooks, hook)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        return _add_hook(self._load_state_dict_pre_hooks,
                         _WrappedHook(hook, self if with_module else None))

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before each module loads its part."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook):
        """``hook(module, incompatible_keys)`` after loading; edits the key lists in place."""
        return _add_hook(self._load_state_dict_post_hooks, hook)

    # ---- calling -----------------------------------------------------------------------------
    def _call_impl(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks or
                self._backward_pre_hooks or _has_global_hooks[0]):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    __call__ = _call_impl

    def _run_forward_pre_hooks(self, args, kwargs):
        for hook_id, hook in (*_global_forward_pre_hooks.items(),
                              *self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise _errors.forward_pre_hook_return(result)
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        return args, kwargs

    def _call_forward_hook(self, hook_id, hook, args, kwargs, result):
        if hook_id in self._forward_hooks_with_kwargs or \
                hook_id in _global_forward_hooks_with_kwargs:
            return hook(self, args, kwargs, result)
        return hook(self, args, result)

    def _call_with_hooks(self, args, kwargs):
        result = None
        called_always = set()
        try:
            full_hooks, non_full_hooks = self._get_backward_hooks()
            pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
            args, kwargs = self._run_forward_pre_hooks(args, kwargs)
            bw_hook = None
            if full_hooks or pre_hooks:
                bw_hook = BackwardHook(self, full_hooks, pre_hooks)
                args = bw_hook.setup_input_hook(args)
            result = self.forward(*args, **kwargs)
            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called or \
                        hook_id in _global_forward_hooks_always_called:
                    called_always.add(hook_id)
                hook_result = self._call_forward_hook(hook_id, hook, args, kwargs, result)
                if hook_result is not None:
                    result = hook_result
            if bw_hook:
                if not isinstance(result, (Tensor, tuple)):
                    warnings.warn(_errors.backward_hook_output_type(result), stacklevel=2)
                result = bw_hook.setup_output_hook(result)
            if non_full_hooks:
                self._register_non_full_backward_hooks(non_full_hooks, args, result)
            return result
        except Exception:
            self._run_always_called_hooks(called_always, args, kwargs, result)
            raise

    def _run_always_called_hooks(self, called, args, kwargs, result):
        for hooks, always, what in ((_global_forward_hooks, _global_forward_hooks_always_called,
                                     "global module forward hook"),
                                    (self._forward_hooks, self._forward_hooks_always_called,
                                     "module forward hook")):
            for hook_id, hook in hooks.items():
                if hook_id in always and hook_id not in called:
                    try:
                        hook_result = self._call_forward_hook(hook_id, hook, args, kwargs,
                                                              result)
                        if hook_result is not None:
                            result = hook_result
                    except Exception as e:
                        warnings.warn(_errors.always_call_hook_silenced(what, e), stacklevel=2)

    def _register_non_full_backward_hooks(self, hooks, args, result):
        var = result
        while not isinstance(var, Tensor):
            var = next(v for v in var.values() if isinstance(v, Tensor)) \
                if isinstance(var, dict) else var[0]
        grad_fn = var.grad_fn
        if grad_fn is not None:
            for hook in hooks:
                wrapped = _WrappedHook(hook, self)
                grad_fn.register_hook(lambda gi, go, w=wrapped: w(gi, go))
            _warn_non_full_backward_hook(args, result, grad_fn)

    # ---- attributes --------------------------------------------------------------------------
    def __getstate__(self):
        return self.__dict__.copy()

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __getattr__(self, name):
        # only reached when normal lookup fails: parameters, buffers and children live here
        d = self.__dict__
        if "_parameters" in d:
            members = d["_parameters"]
            if name in members:
                return members[name]
            members = d["_buffers"]
            if name in members:
                return members[name]
            members = d["_modules"]
            if name in members:
                return members[name]
        raise _errors.module_attribute_missing(name, self)

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise _errors.parameters_before_init()
            _remove_from(name, d, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise _errors.assign_parameter_type(_typename(value), name)
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise _errors.module_before_init()
                _remove_from(name, d, self._parameters, self._buffers,
                             self._non_persistent_buffers_set)
                modules[name] = _registration_hooks(self, name, value)
            elif modules is not None and name in modules:
                if value is not None:
                    raise _errors.assign_module_type(_typename(value), name)
                modules[name] = _registration_hooks(self, name, value)
            else:
                buffers = d.get("_buffers")
                if isinstance(value, Buffer) or buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise _errors.assign_buffer_type(_typename(value), name)
                    persistent = value.persistent if isinstance(value, Buffer) else \
                        name not in self._non_persistent_buffers_set
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = dir(self.__class__) + list(self.__dict__) + list(self._parameters) + \
            list(self._modules) + list(self._buffers)
        return sorted(k for k in keys if not k[0].isdigit())

    # ---- state dict --------------------------------------------------------------------------
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of parameters and persistent buffers (detached unless ``keep_vars``),
        with ``_metadata`` holding each module's ``version``."""
        if args:
            warnings.warn(_errors.state_dict_positional_args(), stacklevel=2)
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = dict(version=self._version)
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            hook_result = hook(self, destination, prefix, local_metadata)
            if not getattr(hook, "_from_public_api", False):
                if hook_result is not None:
                    destination = hook_result
            elif hook_result is not None:
                raise _errors.state_dict_post_hook_return()
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        """Copy this module's own entries of ``state_dict`` into its parameters and buffers
        (in place under no_grad, or by assignment with ``assign=True``)."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                 error_msgs)
        persistent = {k: v for k, v in self._buffers.items()
                      if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(),
                                                        persistent.items()) if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = state_dict[key]
            if not isinstance(input_param, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected '
                                  "torch.Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(input_param)}")
                continue
            lazy = is_lazy(param)
            if not lazy and param.ndim == 0 and input_param.ndim == 1 and \
                    input_param.shape[0] == 1:
                input_param = input_param[0]
            if not lazy and input_param.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{input_param.shape} from checkpoint, the shape in current "
                                  f"model is {param.shape}.")
                continue
            try:
                with grad_mode.no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            if isinstance(input_param, Parameter):
                                input_param.requires_grad_(param.requires_grad)
                            else:
                                input_param = Parameter(input_param, param.requires_grad)
                        setattr(self, name, input_param)
                    elif lazy:
                        param.materialize(input_param.shape)
                        param.copy_(input_param)
                    else:
                        param.copy_(input_param)
            except Exception as ex:
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions '
                                  f"in the model are {param.size()} and whose dimensions in the "
                                  f"checkpoint are {input_param.size()}, an exception occurred : "
                                  f"{ex.args}.")
        extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    input_name = key[len(prefix):].split(".", 1)
                    if len(input_name) > 1:
                        if input_name[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif input_name[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Load parameters and buffers; returns ``_IncompatibleKeys``; with ``strict`` a key
        mismatch raises RuntimeError worded as PyTorch's."""
        if not isinstance(state_dict, Mapping):
            raise _errors.state_dict_type(state_dict)
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True,
                                         missing_keys, unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state = {k: v for k, v in local_state_dict.items()
                                   if k.startswith(child_prefix)}
                    load(child, child_state, child_prefix)
            incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible) is not None:
                    raise _errors.load_state_dict_post_hook_return()

        load(self, state_dict)
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise _errors.load_state_dict_errors(self.__class__.__name__, error_msgs)
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ---- iteration ---------------------------------------------------------------------------
    def _named_members(self, get_members_fn, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or v in memo:
                    continue
                if remove_duplicate:
                    memo.add(v)
                yield (module_prefix + ("." if module_prefix else "") + k, v)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._parameters.items(), prefix=prefix,
                                       recurse=recurse, remove_duplicate=remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers.items(), prefix=prefix,
                                       recurse=recurse, remove_duplicate=remove_duplicate)

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_children(self):
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name,
                                                remove_duplicate)

    # ---- modes and gradients -----------------------------------------------------------------
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise _errors.train_mode_type()
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        if getattr(self, "_is_replica", False):
            warnings.warn(_errors.data_parallel_zero_grad(), stacklevel=2)
        from ..utils._grads import zero_grads
        zero_grads(self.parameters(), set_to_none)

    # ---- printing ----------------------------------------------------------------------------
    def _get_name(self):
        return self.__class__.__name__

    def extra_repr(self):
        """Extra information printed inside ``Name(...)``; override in subclasses."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = ["(" + key + "): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main_str = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += "\n  " + "\n  ".join(lines) + "\n"
        return main_str + ")"

    def _replicate_for_data_parallel(self):
        replica = self.__new__(type(self))
        replica.__dict__ = self.__dict__.copy()
        replica._parameters = {}
        replica._buffers = replica._buffers.copy()
        replica._modules = replica._modules.copy()
        replica._is_replica = True
        return replica


def _warn_non_full_backward_hook(inputs, result, grad_fn):
    """PyTorch's FutureWarnings for the cases where a non-full hook sees partial gradients."""
    def all_tensors(x):
        return isinstance(x, tuple) and all(isinstance(r, Tensor) for r in x)

    case = None
    result = (result,) if isinstance(result, Tensor) else result
    inputs = (inputs,) if isinstance(inputs, Tensor) else inputs
    if not all_tensors(result):
        case = "output_type"
    elif not all_tensors(inputs):
        case = "input_type"
    else:
        out_fns = {r.grad_fn for r in result if r.grad_fn is not None}
        if not out_fns or (len(out_fns) == 1 and grad_fn not in out_fns):
            case = "nested_outputs"
        elif len(out_fns) > 1:
            case = "multiple_output_nodes"
        elif {i.grad_fn for i in inputs if i.grad_fn is not None} != \
                {n[0] for n in grad_fn.next_functions}:
            case = "multiple_nodes"
    if case:
        warnings.warn(_errors.non_full_backward_hook(case), stacklevel=4)


def _remove_from(name, *dicts_or_sets):
    for d in dicts_or_sets:
        if name in d:
            if isinstance(d, dict):
                del d[name]
            else:
                d.discard(name)


def _registration_hooks(module, name, value):
    for hook in _global_module_registration_hooks.values():
        output = hook(module, name, value)
        if output is not None:
            value = output
    return value
