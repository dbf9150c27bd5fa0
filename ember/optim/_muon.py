"""Muon: momentum SGD whose update for each 2-D parameter is orthogonalized by a few
Newton-Schulz iterations (run in bfloat16, as torch does)."""
import math

import numpy as np

from .. import _errors
from .. import _dtype as D
from .._tensor import Tensor
from .optimizer import Optimizer, _check_real_dense_grads, _lerp_, _to_scalar, _zeros_like

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5


def _zeropower_via_newtonschulz(xp, g, ns_coefficients, ns_steps, eps):
    """The approximate orthogonal factor of matrix ``g`` (bfloat16).  Each bfloat16 matmul
    accumulates in float32 and rounds once, like torch's CPU kernels."""
    if ns_steps >= 100:
        raise _errors.muon_ns_steps()
    if len(ns_coefficients) != 3:
        raise _errors.muon_ns_coefficients()
    a, b, c = ns_coefficients
    bf16, f32 = D.bfloat16.np.type, np.float32
    x = g.astype(bf16)
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    norm = xp.asarray(xp.linalg.norm(x.astype(f32))).astype(bf16)
    x = (x.astype(f32) / xp.maximum(norm, bf16(eps)).astype(f32)).astype(bf16)
    for _ in range(ns_steps):
        x32 = x.astype(f32)
        gram = (x32 @ x32.T).astype(bf16).astype(f32)
        gram_update = (b * gram + c * (gram @ gram)).astype(bf16).astype(f32)
        x = (a * x32 + gram_update @ x32).astype(bf16)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


class Muon(Optimizer):
    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS,
                 ns_steps=DEFAULT_NS_STEPS, adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise _errors.lr_tensor_size()
        if not 0.0 <= lr:
            raise _errors.should_be("Learning rate", ">= 0", lr)
        if not 0.0 <= momentum:
            raise _errors.should_be("momentum", ">= 0", momentum)
        if not 0.0 <= weight_decay:
            raise _errors.should_be("weight decay", ">= 0", weight_decay)
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise _errors.muon_adjust_lr_fn(adjust_lr_fn)
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise _errors.muon_param_not_2d(p.size())

    def _updater(self, group):
        _check_real_dense_grads(group, "Muon")
        lr = _to_scalar(group["lr"])
        wd, momentum, nesterov = group["weight_decay"], group["momentum"], group["nesterov"]
        coefficients, eps, ns_steps = group["ns_coefficients"], group["eps"], group["ns_steps"]
        adjust_lr_fn = group["adjust_lr_fn"]
        state = self.state
        scratch = self._scratch

        def update(p, a, g):
            xp = p._device._backend.xp
            st = state[p]
            if "momentum_buffer" not in st:
                st["momentum_buffer"] = _zeros_like(p)
            buf = st["momentum_buffer"]._data
            tmp, u = scratch(p, a, 2)
            _lerp_(xp, buf, g, 1 - momentum, tmp)
            if nesterov:
                xp.copyto(u, g)
                _lerp_(xp, u, buf, momentum, tmp)
            else:
                u = buf
            u = _zeropower_via_newtonschulz(xp, u, coefficients, ns_steps, eps)
            adjusted_lr = _adjust_lr(lr, adjust_lr_fn, a.shape)
            xp.multiply(a, 1 - lr * wd, out=a)
            a += u.astype(a.dtype) * -adjusted_lr
        return update
