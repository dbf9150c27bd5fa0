"""``torch.optim.Optimizer``: parameter groups, per-parameter state, state_dict, hooks.

The algorithms update parameters in place on their backend arrays (``p._data``) with ``out=``
array calls, never through ember ops, so a step builds no autograd graph and allocates no
per-step temporaries: intermediate results go to reused scratch arrays (``_scratch``, kept
outside ``state`` so that ``state_dict()`` has exactly PyTorch's layout).

An algorithm subclass defines ``_updater(group)``, which returns ``update(p, a, g)`` (``a`` the
parameter's array, ``g`` its gradient's array) with the group's hyper-parameters bound; the
base ``step`` runs it over every parameter that has a gradient.
"""
import functools
import warnings
from collections import defaultdict, OrderedDict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import _errors
from .. import _dtype as D
from ..nn.modules.module import _typename
from ..nn.utils._grads import zero_grads
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ..utils.hooks import add_hook

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook",
           "required"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """Singleton marking an optimizer option that has no default."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run before every optimizer's step."""
    return add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run after every optimizer's step."""
    return add_hook(_global_optimizer_post_hooks, hook)


# ---- helpers shared by the algorithms ---------------------------------------------------------
def _to_scalar(x):
    """A hyper-parameter as a number.  A 1-element Tensor (lr, betas) becomes a NumPy scalar of
    its dtype, so arithmetic on it rounds like torch's arithmetic on the 0-d tensor does."""
    if isinstance(x, Tensor):
        return x._device.backend.to_host(x._data).reshape(())[()]
    return x


def _get_scalar_dtype():
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _scalar_state(value, dtype=None):
    """A 0-d CPU tensor such as Adam's ``step`` (float32 unless the default dtype is float64)."""
    dtype = dtype or _get_scalar_dtype()
    return _make(np.array(value, dtype=dtype.np), dtype)


def _zeros_like(p):
    return _make(p._device._backend.xp.zeros_like(p._data), p._dtype, p._device)


def _new_state(st, p, *zero_buffers, filled=None, **scalars):
    """Create a parameter's state in the key order PyTorch's state_dict shows: the ``step``
    counter, the named scalar states, then buffers shaped like ``p``, zero-filled ones and then
    ``filled`` ones (name -> value, put in both parts of a complex parameter)."""
    st["step"] = _scalar_state(0.0)
    for name, value in scalars.items():
        st[name] = _scalar_state(value)
    for name in zero_buffers:
        st[name] = _zeros_like(p)
    for name, value in (filled or {}).items():
        st[name] = _full_like(p, complex(value, value) if p.is_complex() else value)


def _advance_step(st, p, *zero_buffers, filled=None, **scalars):
    """Bump a parameter's ``step`` counter in place and return its array; the first step
    creates the state (``_new_state``)."""
    if not st:
        _new_state(st, p, *zero_buffers, filled=filled, **scalars)
    step_t = st["step"]._data
    step_t += 1
    return step_t


def _full_like(p, value):
    return _make(p._device._backend.xp.full_like(p._data, value), p._dtype, p._device)


def _copy_of(p, a):
    """A new tensor shaped like ``p`` holding a copy of array ``a``."""
    return _make(a.copy(), p._dtype, p._device)


def _grad_term(xp, a, g, weight_decay, maximize, out):
    """``(-g if maximize else g) + weight_decay * a`` (torch's ``grad.add(param, alpha=wd)``),
    written into ``out`` when it has to differ from ``g`` (which is never modified)."""
    if weight_decay != 0:
        xp.multiply(a, weight_decay, out=out)
        (xp.subtract if maximize else xp.add)(out, g, out=out)
        return out
    if maximize:
        xp.negative(g, out=out)
        return out
    return g


def _decayed_grad(xp, a, g, lr, weight_decay, decoupled, maximize, out):
    """:func:`_grad_term`, or with ``decoupled`` (AdamW-style) weight decay the parameter
    itself shrunk by ``1 - lr * weight_decay`` and the plain gradient term."""
    if decoupled and weight_decay != 0:
        xp.multiply(a, 1 - lr * weight_decay, out=a)
        weight_decay = 0
    return _grad_term(xp, a, g, weight_decay, maximize, out)


def _lerp_(xp, a, b, w, tmp):
    """``a.lerp_(b, w)`` with torch's two formulas (chosen by ``w < 0.5``) for accuracy."""
    xp.subtract(b, a, out=tmp)
    if w < 0.5:
        xp.multiply(tmp, w, out=tmp)
        xp.add(a, tmp, out=a)
    else:
        xp.multiply(tmp, 1 - w, out=tmp)
        xp.subtract(b, tmp, out=a)


def _addcmul_(xp, a, t1, t2, value, tmp):
    """``a.addcmul_(t1, t2, value=value)``: ``a + value * t1 * t2``."""
    xp.multiply(t1, value, out=tmp)
    xp.multiply(tmp, t2, out=tmp)
    xp.add(a, tmp, out=a)


def _adam_moments_(xp, state, g, beta1, beta2, tmp):
    """Adam's running moments, updated in place and returned as arrays:
    ``exp_avg.lerp_(g, 1 - beta1)`` and ``exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)``."""
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    _lerp_(xp, m, g, 1 - beta1, tmp)
    xp.multiply(v, beta2, out=v)
    _addcmul_(xp, v, g, g, 1 - beta2, tmp)
    return m, v


def _addcdiv_(xp, a, t1, t2, value, tmp):
    """``a.addcdiv_(t1, t2, value=value)``: ``a + value * (t1 / t2)``; ``tmp`` may be ``t2``."""
    xp.divide(t1, t2, out=tmp)
    xp.multiply(tmp, value, out=tmp)
    xp.add(a, tmp, out=a)


def _check_real_dense_grads(group, name):
    """Adafactor's and Muon's refusal of complex parameters and sparse gradients (checked per
    group, just before the group is updated, as torch does)."""
    for p in group["params"]:
        if p._grad is not None:
            if p.is_complex():
                raise _errors.optimizer_no_complex(name)
            if p._grad.is_sparse:
                raise _errors.optimizer_no_sparse_grad(name)


def _add_sparse_(a, grad, alpha):
    """``param.add_(grad, alpha=alpha)`` for a sparse COO ``grad``: ``alpha`` times its values
    added at its coordinates into the parameter's array ``a`` (repeats accumulate)."""
    be = grad._device._backend
    values = grad._values_t._data
    be.scatter_add(a, tuple(grad._indices_t._data), values * values.dtype.type(alpha))


def _use_grad_for_differentiable(func):
    """Run a step with grad mode set to the optimizer's ``differentiable`` flag."""
    @functools.wraps(func)
    def _use_grad(self, *args, **kwargs):
        token = _gm._set_enabled(bool(self.defaults.get("differentiable", False)))
        try:
            return func(self, *args, **kwargs)
        finally:
            _gm._enabled_var.reset(token)
    return _use_grad


def _hooked_step(func):
    """Wrap a class's ``step`` so the global and per-instance step pre/post hooks run."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        pre = self._optimizer_step_pre_hooks
        if _global_optimizer_pre_hooks or pre:
            for hook in chain(tuple(_global_optimizer_pre_hooks.values()), tuple(pre.values())):
                result = hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise _errors.optimizer_pre_hook_return(func, result)
        out = func(*args, **kwargs)
        post = self._optimizer_step_post_hooks
        if post or _global_optimizer_post_hooks:
            for hook in chain(tuple(post.values()), tuple(_global_optimizer_post_hooks.values())):
                hook(self, args, kwargs)
        return out
    wrapper.hooked = True
    return wrapper


_HOOK_DICTS = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
               "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
               "_optimizer_load_state_dict_pre_hooks", "_optimizer_load_state_dict_post_hooks")


class Optimizer:
    """Base class for all optimizers (see ``torch.optim.Optimizer``)."""

    # State entries stored as 0-d tensors; old checkpoints may hold them as Python numbers.
    _scalar_state_keys = ("step",)

    def __init__(self, params, defaults):
        self.defaults = defaults
        for name in _HOOK_DICTS:
            setattr(self, name, OrderedDict())
        self._scratch_pools, self._scratch_views = {}, {}
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise _errors.optimizer_params_type(_typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise _errors.optimizer_empty_params()
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ---- pickling, repr ---------------------------------------------------------------------
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in _HOOK_DICTS:
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._scratch_pools, self._scratch_views = {}, {}
        self._patch_step_function()
        for group in self.param_groups:
            for key, value in self.defaults.items():
                if value is not required:
                    group.setdefault(key, value)
            for p in group["params"]:
                p_state = self.state.get(p)
                if p_state:
                    for key in self._scalar_state_keys:
                        if key in p_state and not isinstance(p_state[key], Tensor):
                            p_state[key] = _scalar_state(float(p_state[key]))
        # After the groups: those of an optimizer without the option don't gain it (as in torch).
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    def _patch_step_function(self):
        self._zero_grad_profile_name = f"Optimizer.zero_grad#{self.__class__.__name__}.zero_grad"
        if not getattr(self.__class__.step, "hooked", None):
            self.__class__.step = _hooked_step(self.__class__.step)

    # ---- hooks ------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        return add_hook(self._optimizer_step_post_hooks, hook)

    @staticmethod
    def _register(store, hook, prepend):
        return add_hook(store, hook, prepend=prepend)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state_dict -------------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``; the
        state values are the live tensors, as in PyTorch."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start_index):
                param_mappings.setdefault(id(p), i)
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups,
                                                 key=None):
        # Floating-point state follows the parameter's dtype and device; ``step`` is kept as it
        # is (it lives on the CPU) unless the group is fused or capturable.
        if key == "step":
            for pg in param_groups:
                if param_id in pg["params"]:
                    if pg.get("fused", False) or pg.get("capturable", False):
                        return value.to(dtype=D.float32)
                    break
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise _errors.optimizer_state_groups_count()
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise _errors.optimizer_state_group_size()
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def _cast(param, value, param_id=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: _cast(param, v, param_id, key=k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(_cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, param_id=k)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ---- gradients, groups ------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        """Perform one optimization step (``closure`` re-evaluates the model, returns the loss)."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            update = self._updater(group)   # (Adafactor's and Muon's checks run here first)
            sparse = any(p._grad is not None and p._grad.is_sparse for p in group["params"])
            if sparse:          # refused (or taken) per group, before any of it is updated
                sparse_update = self._sparse_updater(group)
            for p in group["params"]:
                g = p._grad
                if g is not None:
                    if sparse and g.is_sparse:
                        sparse_update(p, p._data, g)
                    else:
                        update(p, p._data, g._data)
                    p._vc[0] += 1
        return loss

    def _updater(self, group):
        raise NotImplementedError

    _no_sparse_name = None      # the name torch's refusal of sparse gradients gives, if not the
                                # class's own

    def _sparse_updater(self, group):
        """``update(p, a, grad)`` for a sparse ``grad``: optimizers that take sparse gradients
        define it; the others refuse them, as torch does."""
        name = self._no_sparse_name or type(self).__name__
        raise _errors.optimizer_no_sparse_grad(name, name == "Adam")

    @staticmethod
    def _closure_loss(closure):
        if closure is None:
            return None
        with _gm.enable_grad():
            return closure()

    def _scratch(self, p, a, n=1):
        """``n`` scratch arrays shaped like parameter ``p``'s array ``a``.  They are views into
        one pool per (dtype, device), sized by the largest parameter, so the scratch memory is
        ``n`` times the largest parameter, not ``n`` times the model; the views are cached."""
        views = self._scratch_views.get(p)
        if views is not None and len(views) >= n and views[0].shape == a.shape and \
                views[0].dtype == a.dtype:
            return views
        key = (a.dtype, p._device)
        pool = self._scratch_pools.get(key)
        if pool is None or pool.shape[0] < n or pool.shape[1] < a.size:
            rows, size = (n, a.size) if pool is None else \
                (max(n, pool.shape[0]), max(a.size, pool.shape[1]))
            pool = self._scratch_pools[key] = p._device._backend.xp.empty((rows, size), a.dtype)
            self._scratch_views.clear()
        views = self._scratch_views[p] = [pool[i, :a.size].reshape(a.shape) for i in range(n)]
        return views

    def add_param_group(self, param_group):
        """Add a param group (a dict with ``params`` and optional per-group options)."""
        if not isinstance(param_group, dict):
            raise _errors.param_group_type(param_group)
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise _errors.optimizer_params_unordered()
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise _errors.optimizer_param_names_partial()
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise _errors.optimizer_param_type(_typename(param))
            if not self.defaults.get("differentiable", None) and \
                    not (param.is_leaf or param.retains_grad):
                raise _errors.optimizer_non_leaf()
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise _errors.param_group_missing_default(name)
            param_group.setdefault(name, default)
        if len(tensors) != len(set(tensors)):
            warnings.warn(_errors.param_group_duplicates(), stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise _errors.param_group_names_mismatch(which)
        if not param_set.isdisjoint(tensors):
            raise _errors.param_in_multiple_groups()
        self.param_groups.append(param_group)


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise _errors.lr_tensor_size()
    if not 0.0 <= lr:
        raise _errors.invalid_lr(lr)


def _check_nonneg(value, what):
    if not 0.0 <= value:
        raise _errors.invalid_hyperparameter(what, value)


def _check_adam_args(lr, betas, eps, weight_decay):
    """The validation shared by the Adam family, with torch's messages and order."""
    _check_lr(lr)
    if not 0.0 <= eps:
        raise _errors.invalid_eps(eps)
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise _errors.invalid_beta(i, betas)
    _check_nonneg(weight_decay, "weight_decay")


def _check_fused(fused, foreach, differentiable):
    """What ``fused=True`` cannot be combined with (checked, as torch does, after the groups
    are built)."""
    if fused:
        if differentiable:
            raise _errors.fused_differentiable()
        if foreach:
            raise _errors.fused_foreach()
