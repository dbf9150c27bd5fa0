"""Adafactor: Adam-like steps whose second moment is stored factored (a row and a column
average per matrix) and whose step size is relative to the parameter's RMS."""
from .. import _errors
from .._tensor import Tensor, _make
from .optimizer import Optimizer, _check_real_dense_grads, _lerp_, _new_state, _to_scalar

__all__ = ["Adafactor"]


def _check(ok, what, bound, value):
    if not ok:
        raise _errors.should_be(what, bound, value)


class Adafactor(Optimizer):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise _errors.lr_tensor_size()
        _check(0.0 <= lr, "Learning rate", ">= 0", lr)
        _check(0.0 >= beta2_decay, "beta2_decay", "<= 0", beta2_decay)
        _check(eps[0] is None or 0.0 <= eps[0], "epsilon1", ">= 0", eps[0])
        _check(0.0 <= eps[1], "epsilon2", ">= 0", eps[1])
        _check(1.0 <= d, "Clipping threshold d", ">= 1", d)
        _check(0.0 <= weight_decay, "weight_decay", ">= 0", weight_decay)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)

    def _updater(self, group):
        _check_real_dense_grads(group, "Adafactor")
        lr = _to_scalar(group["lr"])
        beta2_decay, d, wd = group["beta2_decay"], group["d"], group["weight_decay"]
        eps1, eps2 = group["eps"]
        maximize = group["maximize"]
        state = self.state

        def update(p, a, g):
            nonlocal eps1
            xp = p._device._backend.xp
            st = state[p]
            if not st:
                _init_state(st, p, g)
            if maximize:
                g = -g
            if eps1 is None:  # torch fixes it from the group's first parameter
                eps1 = float(xp.finfo(a.dtype).eps)
            step_t = st["step"]._data
            step_t += 1
            step = step_t.item()
            one_minus_beta2 = step ** beta2_decay
            rho = min(lr, 1 / step ** 0.5)
            alpha = max(eps2, float(xp.linalg.norm(a)) / a.size ** 0.5) * rho
            if wd != 0:
                xp.multiply(a, 1 - lr * wd, out=a)
            if g.ndim > 1:
                row, col = st["row_var"]._data, st["col_var"]._data
                sq = g * g
                _lerp_(xp, row, sq.mean(axis=-1, keepdims=True), one_minus_beta2,
                       xp.empty_like(row))
                _lerp_(xp, col, sq.mean(axis=-2, keepdims=True), one_minus_beta2,
                       xp.empty_like(col))
                var = row @ col
                var /= xp.maximum(row.mean(axis=-2, keepdims=True), eps1)
            else:
                v = st["variance"]._data
                _lerp_(xp, v, g * g, one_minus_beta2, xp.empty_like(v))
                var = v
            upd = 1 / xp.sqrt(xp.maximum(var, eps1 * eps1))
            upd *= g
            denom = max(1.0, float(xp.linalg.norm(upd)) / (upd.size ** 0.5 * d))
            a += upd * (-alpha / denom)
        return update


def _init_state(st, p, g):
    """``step``, then ``row_var``/``col_var`` (the gradient's shape with the last, resp.
    second-to-last, dimension 1) for a matrix or batch of matrices, else ``variance``."""
    _new_state(st, p, *(() if g.ndim > 1 else ("variance",)))
    if g.ndim > 1:
        xp = p._device._backend.xp
        for name, dim in (("row_var", -1), ("col_var", -2)):
            shape = list(g.shape)
            shape[dim] = 1
            st[name] = _make(xp.zeros(shape, g.dtype), p._dtype, p._device)
