"""Adam (with AMSGrad and optional decoupled weight decay, which AdamW always uses)."""
from .. import _errors
from .._tensor import Tensor
from .optimizer import (Optimizer, _adam_moments_, _advance_step, _check_adam_args, _check_fused,
                        _decayed_grad, _to_scalar)

__all__ = ["Adam"]


class Adam(Optimizer):
    _no_sparse_name = "Adam"      # (AdamW's refusal names Adam too, as torch's does)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)
                or isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor)):
            raise _errors.betas_mixed_types()
        for i in (0, 1):
            if isinstance(betas[i], Tensor) and betas[i].numel() != 1:
                raise _errors.betas_tensor_size(i)
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b
                      for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _updater(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        eps, wd, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
        maximize, decoupled = group["maximize"], group["decoupled_weight_decay"]
        state = self.state
        scratch = self._scratch
        buffers = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if amsgrad else ())

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            step_t = _advance_step(st, p, *buffers)
            tmp, denom = scratch(p, a, 2)
            g = _decayed_grad(xp, a, g, lr, wd, decoupled, maximize, denom)
            m, v = _adam_moments_(xp, st, g, beta1, beta2, tmp)
            step = step_t.item()
            bias_correction1 = 1 - beta1 ** step
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            if amsgrad:
                vmax = st["max_exp_avg_sq"]._data
                xp.maximum(vmax, v, out=vmax)
                v = vmax
            xp.sqrt(v, out=denom)
            xp.divide(denom, bias_correction2_sqrt, out=denom)
            xp.add(denom, eps, out=denom)
            xp.divide(m, denom, out=denom)
            xp.multiply(denom, -(lr / bias_correction1), out=denom)
            xp.add(a, denom, out=a)
        return update
