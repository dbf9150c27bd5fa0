"""Adamax: Adam with the infinity norm of past gradients."""
from .optimizer import (Optimizer, _addcdiv_, _advance_step, _check_adam_args, _grad_term, _lerp_,
                        _to_scalar)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps, wd, maximize = group["eps"], group["weight_decay"], group["maximize"]
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, "exp_avg", "exp_inf")
            gbuf, tmp = scratch(p, a, 2)
            g = _grad_term(xp, a, g, wd, maximize, gbuf)
            m, u = st["exp_avg"]._data, st["exp_inf"]._data
            _lerp_(xp, m, g, 1 - beta1, tmp)
            xp.multiply(u, beta2, out=u)
            xp.abs(g, out=tmp)
            xp.add(tmp, eps, out=tmp)
            xp.maximum(u, tmp, out=u)
            clr = lr / (1 - beta1 ** step_t.item())
            _addcdiv_(xp, a, m, u, -clr, tmp)
        return update
