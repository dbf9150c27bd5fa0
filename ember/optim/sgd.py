"""Stochastic gradient descent, optionally with (Nesterov) momentum."""
from .. import _errors
from .optimizer import (Optimizer, _add_sparse_, _check_fused, _check_lr, _copy_of, _grad_term,
                        _to_scalar)

__all__ = ["SGD"]


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        if momentum < 0.0:
            raise _errors.invalid_momentum(momentum)
        if weight_decay < 0.0:
            raise _errors.invalid_weight_decay(weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise _errors.nesterov_requirements()
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        momentum, dampening = group["momentum"], group["dampening"]
        wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
        state = self.state
        scratch = self._scratch

        # A second scratch array is needed only for Nesterov on a decayed / negated gradient.
        n = 2 if nesterov and (wd != 0 or maximize) else 1

        def update(p, a, g):
            xp = p._device._backend.xp
            bufs = scratch(p, a, n)
            tmp = bufs[0]
            g = _grad_term(xp, a, g, wd, maximize, tmp)
            if momentum != 0:
                st = state[p]
                buf = st.get("momentum_buffer")
                if buf is None:
                    buf = st["momentum_buffer"] = _copy_of(p, g)
                    b = buf._data
                else:
                    b = buf._data
                    xp.multiply(b, momentum, out=b)
                    if dampening != 0:
                        xp.multiply(g, 1 - dampening, out=tmp)
                        xp.add(b, tmp, out=b)
                    else:
                        xp.add(b, g, out=b)
                if nesterov:
                    other = bufs[-1]
                    xp.multiply(b, momentum, out=other)
                    xp.add(g, other, out=tmp)
                    g = tmp
                else:
                    g = b
            xp.multiply(g, -lr, out=tmp)
            xp.add(a, tmp, out=a)
        return update

    def _sparse_updater(self, group):
        """torch's update for a sparse gradient, in sparse tensor ops: the momentum buffer is
        sparse too (``buf * momentum + (1 - dampening) * grad``), weight decay is refused (a
        sparse gradient plus the dense parameter), and the step adds at the entries only."""
        lr = _to_scalar(group["lr"])
        momentum, dampening = group["momentum"], group["dampening"]
        wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
        state = self.state

        def update(p, a, grad):
            if maximize:
                grad = -grad
            if wd != 0:
                raise _errors.sparse_add_dense()
            if momentum != 0:
                buf = state[p].get("momentum_buffer")
                buf = grad.clone() if buf is None else buf * momentum + grad * (1 - dampening)
                state[p]["momentum_buffer"] = buf
                grad = grad + buf * momentum if nesterov else buf
            if grad.is_sparse:
                _add_sparse_(a, grad, -lr)
            else:       # a dense momentum buffer from earlier dense steps
                a += grad._data * -lr
        return update
