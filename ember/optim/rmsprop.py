"""RMSprop (optionally centered, with momentum)."""
from .optimizer import (Optimizer, _addcmul_, _advance_step, _check_lr, _check_nonneg, _grad_term,
                        _lerp_, _to_scalar)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon")
        _check_nonneg(momentum, "momentum")
        _check_nonneg(weight_decay, "weight_decay")
        _check_nonneg(alpha, "alpha")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        alpha, eps, wd = group["alpha"], group["eps"], group["weight_decay"]
        momentum, centered, maximize = group["momentum"], group["centered"], group["maximize"]
        state = self.state
        scratch = self._scratch
        buffers = (("square_avg",) + (("momentum_buffer",) if momentum > 0 else ())
                   + (("grad_avg",) if centered else ()))

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            _advance_step(st, p, *buffers)
            gbuf, avg, tmp = scratch(p, a, 3)
            g = _grad_term(xp, a, g, wd, maximize, gbuf)
            v = st["square_avg"]._data
            xp.multiply(v, alpha, out=v)
            _addcmul_(xp, v, g, g, 1 - alpha, tmp)
            if centered:
                ga = st["grad_avg"]._data
                _lerp_(xp, ga, g, 1 - alpha, tmp)
                xp.multiply(ga, ga, out=tmp)
                xp.subtract(v, tmp, out=avg)
                xp.sqrt(avg, out=avg)
            else:
                xp.sqrt(v, out=avg)
            xp.add(avg, eps, out=avg)
            xp.divide(g, avg, out=avg)
            if momentum > 0:
                buf = st["momentum_buffer"]._data
                xp.multiply(buf, momentum, out=buf)
                xp.add(buf, avg, out=buf)
                xp.multiply(buf, -lr, out=tmp)
                xp.add(a, tmp, out=a)
            else:
                xp.multiply(avg, -lr, out=avg)
                xp.add(a, avg, out=a)
        return update
