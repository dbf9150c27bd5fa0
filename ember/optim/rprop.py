"""Rprop: resilient backpropagation (sign-based steps with adaptive step sizes)."""
from .. import _errors
from .optimizer import Optimizer, _advance_step, _check_lr, _grad_term, _to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise _errors.invalid_etas(etas)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        maximize = group["maximize"]
        state = self.state
        scratch = self._scratch
        filled = {"step_size": lr}

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            _advance_step(st, p, "prev", filled=filled)
            gbuf, sign = scratch(p, a, 2)
            g = _grad_term(xp, a, g, 0, maximize, gbuf)
            prev, step_size = st["prev"]._data, st["step_size"]._data
            xp.multiply(g, prev, out=sign)
            pos, neg = sign > 0, sign < 0
            sign.fill(1)
            sign[pos] = etaplus
            sign[neg] = etaminus
            xp.multiply(step_size, sign, out=step_size)
            xp.clip(step_size, step_size_min, step_size_max, out=step_size)
            # the gradient where its sign flipped is zeroed (and remembered as zero)
            if g is not gbuf:
                gbuf[...] = g
            gbuf[neg] = 0
            xp.sign(gbuf, out=sign)
            xp.multiply(sign, step_size, out=sign)
            xp.subtract(a, sign, out=a)
            prev[...] = gbuf
        return update
