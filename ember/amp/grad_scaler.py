"""``torch.amp.GradScaler``: dynamic loss scaling with inf/NaN step skipping.

The scale and the growth tracker are tensors on the device of the first scaled output, as in
PyTorch; ``_unscale`` and ``_update_scale`` are PyTorch's ``_amp_foreach_non_finite_check_and_
unscale_`` and ``_amp_update_scale_`` written with ember ops.
"""
import collections.abc
import enum
import warnings
from collections import defaultdict

from .. import _dtype as D
from .. import _errors
from ..autograd.grad_mode import no_grad
from .autocast_mode import _cuda_available

__all__ = ["GradScaler", "OptState"]


class OptState(enum.Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _refresh_per_optimizer_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


def _unscale(grads, found_inf, inv_scale):
    """Multiply ``grads`` in place by ``inv_scale``; set ``found_inf`` to 1 if any is not
    finite."""
    import ember
    for g in grads:
        if not bool(ember.isfinite(g).all()):
            found_inf.fill_(1.0)
        g.mul_(inv_scale.to(g.dtype))


def _update_scale(scale, growth_tracker, found_inf, growth_factor, backoff_factor,
                  growth_interval):
    if float(found_inf.item()):
        scale.mul_(backoff_factor)
        growth_tracker.fill_(0)
        return
    successful = int(growth_tracker.item()) + 1
    if successful == growth_interval:
        grown = float(scale.item()) * growth_factor
        if abs(grown) != float("inf"):
            scale.mul_(growth_factor)
        growth_tracker.fill_(0)
    else:
        growth_tracker.fill_(successful)


class GradScaler:
    """Scale losses, unscale gradients before ``optimizer.step`` (skipped when they hold
    inf/NaN) and adapt the scale: times ``backoff_factor`` after a skipped step, times
    ``growth_factor`` after ``growth_interval`` good steps in a row."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if self._device == "cuda" and enabled and not _cuda_available():
            warnings.warn(_errors.GRAD_SCALER_NO_CUDA, stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise _errors.scaler_growth_factor()
            if backoff_factor >= 1.0:
                raise _errors.scaler_backoff_factor()
            self._init_scale = init_scale
            self._scale = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _check_scale_growth_tracker(self, funcname):
        if self._scale is None or self._growth_tracker is None:
            raise _errors.scaler_scale_none(funcname)
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev):
        import ember
        self._scale = ember.full((), self._init_scale, dtype=D.float32, device=dev)
        self._growth_tracker = ember.full((), self._init_growth_tracker, dtype=D.int32,
                                          device=dev)

    def scale(self, outputs):
        """``outputs`` (a tensor, or an iterable of them) times the current scale."""
        if not self._enabled:
            return outputs
        from .._tensor import Tensor

        def apply(val):
            if isinstance(val, Tensor):
                if self._scale is None:
                    self._lazy_init_scale_growth_tracker(val.device)
                return val * self._scale.to(device=val.device)
            if isinstance(val, collections.abc.Iterable):
                items = map(apply, val)
                return type(val)(items) if isinstance(val, (list, tuple)) else items
            raise _errors.scaler_outputs_type()
        return apply(outputs)

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        per_device = defaultdict(lambda: defaultdict(list))
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    if not allow_fp16 and param.grad.dtype is D.float16:
                        raise _errors.scaler_fp16_grads()
                    per_device[param.grad.device][param.grad.dtype].append(param.grad)
            found = {}
            for device, per_dtype in per_device.items():
                found[device] = found_inf.to(device)
                for grads in per_dtype.values():
                    _unscale(grads, found[device], inv_scale.to(device))
        return found

    def unscale_(self, optimizer):
        """Divide ``optimizer``'s gradients by the scale (once per step), recording infs."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise _errors.scaler_unscale_twice()
        if state["stage"] is OptState.STEPPED:
            raise _errors.scaler_unscale_after_step()
        import ember
        inv_scale = self._scale.double().reciprocal().float()
        found_inf = ember.full((), 0.0, dtype=D.float32, device=self._scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, found_inf,
                                                             False)
        state["stage"] = OptState.UNSCALED

    def _maybe_opt_step(self, optimizer, state, *args, **kwargs):
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            return optimizer.step(*args, **kwargs)
        return None

    def step(self, optimizer, *args, **kwargs):
        """Unscale (unless ``unscale_`` already did) and run ``optimizer.step`` unless the
        gradients hold inf/NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise _errors.scaler_closure()
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise _errors.scaler_step_twice()
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if not state["found_inf_per_device"]:
            raise _errors.scaler_no_inf_checks()
        retval = self._maybe_opt_step(optimizer, state, *args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """Set the scale to ``new_scale``, or adapt it to this iteration's inf checks."""
        if not self._enabled:
            return
        scale, growth_tracker = self._check_scale_growth_tracker("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                scale.fill_(new_scale)
            else:
                if new_scale.device.type != self._device or new_scale.numel() != 1 or \
                        new_scale.requires_grad:
                    raise _errors.scaler_new_scale()
                scale.copy_(new_scale)
        else:
            found_infs = [f.to(scale.device) for st in self._per_optimizer_states.values()
                          for f in st["found_inf_per_device"].values()]
            if not found_infs:
                raise _errors.scaler_no_inf_checks(prior_to_update=True)
            combined = found_infs[0]
            for f in found_infs[1:]:
                combined = combined + f
            _update_scale(scale, growth_tracker, combined, self._growth_factor,
                          self._backoff_factor, self._growth_interval)
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return int(self._growth_tracker.item())

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise _errors.scaler_empty_state_dict()
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])

    def __getstate__(self):
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise _errors.scaler_pickle_mid_iteration()
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
