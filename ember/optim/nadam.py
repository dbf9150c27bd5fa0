"""NAdam: Adam with Nesterov momentum (and optional decoupled weight decay)."""
from .optimizer import (Optimizer, _adam_moments_, _addcdiv_, _advance_step, _check_adam_args,
                        _check_nonneg, _decayed_grad, _to_scalar)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    _scalar_state_keys = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_nonneg(momentum_decay, "momentum_decay")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps, wd, maximize = group["eps"], group["weight_decay"], group["maximize"]
        momentum_decay, decoupled = group["momentum_decay"], group["decoupled_weight_decay"]
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, "exp_avg", "exp_avg_sq", mu_product=1.0)
            step = step_t.item()
            bias_correction2 = 1 - beta2 ** step
            gbuf, tmp, denom = scratch(p, a, 3)
            g = _decayed_grad(xp, a, g, lr, wd, decoupled, maximize, gbuf)
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
            mu_product = st["mu_product"]._data
            mu_product *= mu  # kept in the state's (float32) precision, as torch does
            mu_product = mu_product.item()
            m, v = _adam_moments_(xp, st, g, beta1, beta2, tmp)
            xp.divide(v, bias_correction2, out=denom)
            xp.sqrt(denom, out=denom)
            xp.add(denom, eps, out=denom)
            _addcdiv_(xp, a, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product), tmp)
            _addcdiv_(xp, a, m, denom, -lr * mu_next / (1.0 - mu_product * mu_next), tmp)
        return update
