"""ASGD: averaged stochastic gradient descent."""
from .optimizer import Optimizer, _advance_step, _check_lr, _check_nonneg, _grad_term, _to_scalar

__all__ = ["ASGD"]


class ASGD(Optimizer):
    _scalar_state_keys = ("step", "eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonneg(weight_decay, "weight_decay")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
        wd, maximize = group["weight_decay"], group["maximize"]
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, "ax", eta=lr, mu=1.0)
            eta, mu = st["eta"]._data, st["mu"]._data
            gbuf, tmp = scratch(p, a, 2)
            g = _grad_term(xp, a, g, wd, maximize, gbuf)
            eta_value = eta.item()
            xp.multiply(a, 1 - lambd * eta_value, out=a)
            xp.multiply(g, -eta_value, out=tmp)
            xp.add(a, tmp, out=a)
            ax = st["ax"]._data
            mu_value = mu.item()   # a host scalar state: multiply by the number
            if mu_value != 1:
                xp.subtract(a, ax, out=tmp)
                xp.multiply(tmp, mu_value, out=tmp)
                xp.add(ax, tmp, out=ax)
            else:
                ax[...] = a
            step = step_t.item()
            eta[...] = lr / (1 + lambd * lr * step) ** alpha
            mu[...] = 1 / max(1, step - t0)
        return update
