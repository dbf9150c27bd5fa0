"""Oracle entries for the fused loss kernels (ember/_ops/nn_loss.py), called through
``nn.functional`` in both libraries (torch's kernels live in ``torch._C._nn``)."""
from .spec import Case, OpSpec, T

X = T((4, 5))
Y = T((4, 5))
P = T((4, 5), low=0.05, high=0.95)
IDX = T((4,), dtype="int64", low=0, high=5, grad=False)
SIGN = T((4, 5), low=-1, high=1, grad=False)


def _f(name, **fixed):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **fixed, **k)


def _reductions(*args, **kwargs):
    return [Case(args, dict(kwargs, reduction=r), name=r) for r in ("none", "mean", "sum")]


SPECS = [
    OpSpec("mse_loss", _reductions(X, Y), call=_f("mse_loss")),
    OpSpec("smooth_l1_loss", _reductions(X, Y, beta=0.7), call=_f("smooth_l1_loss")),
    OpSpec("huber_loss", _reductions(X, Y, delta=0.7), call=_f("huber_loss")),
    OpSpec("soft_margin_loss", _reductions(X, SIGN), call=_f("soft_margin_loss")),
    OpSpec("binary_cross_entropy", _reductions(P, P, T((5,), low=0.5, high=2, grad=False)),
           call=_f("binary_cross_entropy")),
    OpSpec("binary_cross_entropy_with_logits",
           _reductions(X, P, pos_weight=T((5,), low=0.5, high=2, grad=False)),
           call=_f("binary_cross_entropy_with_logits")),
    OpSpec("nll_loss", _reductions(X, IDX, T((5,), low=0.5, high=2, grad=False))
           + _reductions(T((2, 5, 3, 2)), T((2, 3, 2), dtype="int64", low=0, high=5, grad=False)),
           call=_f("nll_loss")),
    OpSpec("multi_margin_loss", _reductions(X, IDX, 2, 0.5), call=_f("multi_margin_loss")),
    OpSpec("multilabel_margin_loss",
           _reductions(X, T((4, 5), dtype="int64", low=-1, high=5, grad=False)),
           call=_f("multilabel_margin_loss")),
]
