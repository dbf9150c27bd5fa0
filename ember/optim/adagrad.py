"""Adagrad (with learning-rate decay and an initial accumulator value)."""
from .. import _errors
from .optimizer import (Optimizer, _addcdiv_, _advance_step, _check_fused, _check_lr, _check_nonneg,
                        _grad_term, _new_state, _to_scalar)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_nonneg(lr_decay, "lr_decay")
        _check_nonneg(weight_decay, "weight_decay")
        _check_nonneg(initial_accumulator_value, "initial_accumulator_value")
        _check_nonneg(eps, "epsilon")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        # Adagrad creates its state eagerly, for every parameter.
        for group in self.param_groups:
            for p in group["params"]:
                _new_state(self.state[p], p, filled={"sum": initial_accumulator_value})

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        lr_decay, eps, wd = group["lr_decay"], group["eps"], group["weight_decay"]
        maximize = group["maximize"]
        filled = {"sum": self.defaults["initial_accumulator_value"]}
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, filled=filled)
            gbuf, std = scratch(p, a, 2)
            g = _grad_term(xp, a, g, wd, maximize, gbuf)
            clr = lr / (1 + (step_t.item() - 1) * lr_decay)
            s = st["sum"]._data
            xp.multiply(g, g, out=std)
            xp.add(s, std, out=s)
            xp.sqrt(s, out=std)
            xp.add(std, eps, out=std)
            _addcdiv_(xp, a, g, std, -clr, std)
        return update

    def _sparse_updater(self, group):
        """torch's sparse update: the squared gradient added to the running sum and the step
        taken only at the (coalesced) gradient's entries; weight decay is refused."""
        lr = _to_scalar(group["lr"])
        lr_decay, eps, wd = group["lr_decay"], group["eps"], group["weight_decay"]
        maximize = group["maximize"]
        filled = {"sum": self.defaults["initial_accumulator_value"]}
        state = self.state

        def update(p, a, grad):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, filled=filled)
            if wd != 0:
                raise _errors.adagrad_sparse_weight_decay()
            clr = lr / (1 + (step_t.item() - 1) * lr_decay)
            grad = (-grad if maximize else grad).coalesce()
            where = tuple(grad._indices_t._data)
            values = grad._values_t._data
            s = st["sum"]._data
            s[where] += values * values
            std = xp.sqrt(s[where])
            std += eps
            a[where] += (values / std) * -clr
        return update
