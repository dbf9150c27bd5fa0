"""SparseAdam: Adam's moments and parameter updated only where a sparse gradient has entries.

The step counter is a plain Python int in the state (as in torch), not a 0-d tensor.
"""
from .. import _errors
from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar, _zeros_like

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    _scalar_state_keys = ()

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise _errors.lr_tensor_size()
        if not 0.0 < lr:
            raise _errors.invalid_lr(lr)
        if not 0.0 < eps:
            raise _errors.invalid_eps(eps)
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise _errors.invalid_beta(i, betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        where = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])]
        sparse = [ij for ij in where if self._param(ij).is_sparse]
        if sparse:
            raise _errors.sparse_adam_sparse_params(sparse)
        complex_ = [ij for ij in where if self._param(ij).is_complex()]
        if complex_:
            raise _errors.sparse_adam_complex_params(complex_)

    def _param(self, ij):
        return self.param_groups[ij[0]]["params"][ij[1]]

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            update = self._updater(group)
            for p in group["params"]:
                if p._grad is not None:
                    if not p._grad.is_sparse:
                        raise _errors.sparse_adam_dense_grad()
                    update(p, p._data, p._grad)
                    p._vc[0] += 1
        return loss

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps, maximize = group["eps"], group["maximize"]
        state = self.state

        def update(p, a, grad):
            xp = p._device._backend.xp
            st = state[p]
            if not st:
                st.update(step=0, exp_avg=_zeros_like(p), exp_avg_sq=_zeros_like(p))
            st["step"] += 1
            grad = grad.coalesce()
            values = grad._values()._data
            if values.size == 0:
                return
            if maximize:
                values = -values
            where = tuple(grad._indices()._data)
            m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
            old_m, old_v = m[where], v[where]
            # old <- old + (1 - b) * (new - old), only at the gradient's entries
            new_m = old_m + (values - old_m) * (1 - beta1)
            new_v = old_v + (values * values - old_v) * (1 - beta2)
            m[where], v[where] = new_m, new_v
            step = st["step"]
            step_size = lr * (1 - beta2 ** step) ** 0.5 / (1 - beta1 ** step)
            a[where] += -step_size * (new_m / (xp.sqrt(new_v) + eps))
        return update
