"""Adadelta."""
from .. import _errors
from .optimizer import (Optimizer, _addcmul_, _advance_step, _check_lr, _check_nonneg, _grad_term,
                        _to_scalar)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise _errors.invalid_rho(rho)
        _check_nonneg(eps, "epsilon")
        _check_nonneg(weight_decay, "weight_decay")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        rho, eps, wd, maximize = group["rho"], group["eps"], group["weight_decay"], \
            group["maximize"]
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            _advance_step(st, p, "square_avg", "acc_delta")
            gbuf, std, delta = scratch(p, a, 3)
            g = _grad_term(xp, a, g, wd, maximize, gbuf)
            v, acc = st["square_avg"]._data, st["acc_delta"]._data
            xp.multiply(v, rho, out=v)
            _addcmul_(xp, v, g, g, 1 - rho, std)
            xp.add(v, eps, out=std)
            xp.sqrt(std, out=std)
            xp.add(acc, eps, out=delta)
            xp.sqrt(delta, out=delta)
            xp.divide(delta, std, out=delta)
            xp.multiply(delta, g, out=delta)
            xp.multiply(acc, rho, out=acc)
            _addcmul_(xp, acc, delta, delta, 1 - rho, std)
            xp.multiply(delta, -lr, out=delta)
            xp.add(a, delta, out=a)
        return update
