"""Oracle entries for the basic nn kernels (ember/_ops/nn_basic.py), called through
``nn.functional`` in both libraries (torch's kernels live in ``torch._C._nn``) or through the
torch function of the same name."""
from .spec import Case, OpSpec, T

X = T((4, 6))
X3 = T((2, 3, 4))
IDX = T((2, 3), dtype="int64", low=0, high=5, grad=False)
BAG = T((6,), dtype="int64", low=0, high=5, grad=False)
W = T((5, 3))


def _f(name, **fixed):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **fixed, **k)


def _t(name):
    return lambda lib, *a, **k: getattr(lib, name)(*a, **k)


def _pointwise(name, *kwargs_list, call=None):
    cases = [Case((X,), kw, name=str(kw)) for kw in ({},) + kwargs_list]
    return OpSpec(name, cases, call=call or _f(name))


def _offsets(lib):
    return lib.tensor([0, 2, 2, 4])


SPECS = [
    _pointwise("elu", {"alpha": 0.5}),
    _pointwise("selu"),
    _pointwise("celu", {"alpha": 2.0}),
    _pointwise("leaky_relu", {"negative_slope": 0.2}),
    _pointwise("hardtanh", {"min_val": -0.5, "max_val": 1.5}),
    _pointwise("gelu", {"approximate": "tanh"}),
    _pointwise("silu"),
    _pointwise("mish"),
    _pointwise("softplus", {"beta": 2.0, "threshold": 1.0}),
    _pointwise("hardsigmoid"),
    _pointwise("hardswish"),
    _pointwise("log_sigmoid", call=_f("logsigmoid")),
    OpSpec("threshold", [Case((X, 0.3, 2.0))], call=_f("threshold")),
    _pointwise("softshrink", {"lambd": 1.0}),
    _pointwise("hardshrink", {"lambd": 1.0}),
    _pointwise("rrelu"),
    OpSpec("prelu", [Case((X3, T((3,)))), Case((X, T((1,))))], call=_f("prelu")),
    OpSpec("glu", [Case((X,)), Case((X3,), {"dim": 0})], call=_f("glu")),
    OpSpec("dropout", [Case((X, 0.5, False)), Case((X, 0.0, True))], call=_t("dropout")),
    OpSpec("feature_dropout", [Case((X3, 0.5, False))], call=_t("feature_dropout")),
    OpSpec("alpha_dropout", [Case((X, 0.5, False))], call=_t("alpha_dropout")),
    OpSpec("feature_alpha_dropout", [Case((X3, 0.5, False))], call=_t("feature_alpha_dropout")),
    OpSpec("embedding", [Case((IDX, W)), Case((IDX, W), {"padding_idx": 1})],
           call=_f("embedding")),
    OpSpec("embedding_bag", [Case((BAG, W), {"mode": m}, name=m) for m in ("sum", "mean", "max")],
           call=lambda lib, i, w, **k: lib.nn.functional.embedding_bag(i, w, _offsets(lib), **k)),
    OpSpec("embedding_renorm_", [Case((W, IDX, 1.0, 2.0))], grad=False, gradcheck=False,
           call=lambda lib, w, i, *a: lib.embedding_renorm_(w.detach().clone(), i, *a)),
    OpSpec("one_hot", [Case((IDX,)), Case((IDX, 7))], grad=False, gradcheck=False,
           call=_f("one_hot")),
    OpSpec("bilinear", [Case((T((4, 3)), T((4, 2)), T((5, 3, 2)), T((5,)))),
                        Case((T((2, 4, 3)), T((2, 4, 2)), T((5, 3, 2))))],
           call=_f("bilinear")),
]
