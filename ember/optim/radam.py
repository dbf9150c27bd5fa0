"""RAdam: Adam with a rectified adaptive learning rate."""
from .optimizer import (Optimizer, _adam_moments_, _advance_step, _check_adam_args, _decayed_grad,
                        _to_scalar)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps, wd, maximize = group["eps"], group["weight_decay"], group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        rho_inf = 2 / (1 - beta2) - 1
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, "exp_avg", "exp_avg_sq")
            step = step_t.item()
            gbuf, tmp, den = scratch(p, a, 3)
            g = _decayed_grad(xp, a, g, lr, wd, decoupled, maximize, gbuf)
            m, v = _adam_moments_(xp, st, g, beta1, beta2, tmp)
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
            # update = exp_avg / bias_correction1 * lr [* adaptive_lr * rect]
            xp.divide(m, bias_correction1, out=tmp)
            xp.multiply(tmp, lr, out=tmp)
            if rho_t > 5.0:
                xp.sqrt(v, out=den)
                xp.add(den, eps, out=den)
                xp.divide(bias_correction2 ** 0.5, den, out=den)
                xp.multiply(tmp, den, out=tmp)
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                xp.multiply(tmp, rect, out=tmp)
            xp.subtract(a, tmp, out=a)
        return update
