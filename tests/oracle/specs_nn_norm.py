"""Oracle entries for the normalization kernels (ember/_ops/nn_norm.py)."""
from .spec import Case, OpSpec, T

X = T((4, 3, 5))
X4 = T((2, 4, 3, 2))
X2 = T((5, 3))
C = T((3,))
RM = T((3,), grad=False)
RV = T((3,), low=0.5, high=2.0, grad=False)
NC = T((4, 3, 5), noncontig=True)

_BN = [Case((X, C, C, RM, RV, True, 0.1, 1e-5), name="train"),
       Case((X, None, None, None, None, True, 0.1, 1e-5), name="train_nostats"),
       Case((X, C, C, RM, RV, False, 0.1, 1e-5), name="eval"),
       Case((X2, C, None, RM, RV, True, 0.3, 1e-3), name="2d"),
       Case((NC, C, C, None, None, True, 0.1, 1e-5), name="noncontig"),
       Case((X, C, T((4,)), RM, RV, True, 0.1, 1e-5), name="bad_bias", error=True),
       Case((X, C, C, None, None, False, 0.1, 1e-5), name="eval_nostats", error=True)]

_LN = [Case((X, (5,), T((5,)), T((5,)), 1e-5), name="last"),
       Case((X, (3, 5), T((3, 5)), None, 1e-5), name="two_dims"),
       Case((NC, [5], None, None, 1e-3), name="noncontig"),
       Case((X, (4,), None, None, 1e-5), name="bad_shape", error=True),
       Case((X, (5,), T((4,)), None, 1e-5), name="bad_weight", error=True)]

_GN_NATIVE = [Case((X, C, C, 4, 3, 5, 3, 1e-5), name="per_channel"),
              Case((X4, T((4,)), T((4,)), 2, 4, 6, 2, 1e-5), name="grouped"),
              Case((X4, None, None, 2, 4, 6, 1, 1e-5), name="one_group")]

_GN = [Case((X, 3, C, C, 1e-5), name="per_channel"),
       Case((X4, 2, T((4,)), T((4,))), name="grouped"),
       Case((NC, 1), name="noncontig"),
       Case((X, 2), name="indivisible", error=True),
       Case((X, 3, T((4,))), name="bad_weight", error=True)]

SPECS = [
    OpSpec("native_batch_norm", [c for c in _BN if not c.error], output=lambda r: r[0]),
    OpSpec("batch_norm", [Case(c.args + (False,), name=c.name, error=c.error) for c in _BN]),
    OpSpec("native_layer_norm", _LN, output=lambda r: r[0]),
    OpSpec("layer_norm", _LN),
    OpSpec("native_group_norm", _GN_NATIVE, output=lambda r: r[0]),
    OpSpec("group_norm", _GN),
]
