"""Fake quantization ops (``_ops/fake_quantize.py``): values and the straight-through gradient.
Finite differences of a staircase say nothing, so gradcheck is off; the gradients are compared
with torch's."""
from .spec import Case, OpSpec, T

_X = T((4, 5), low=-3.0, high=3.0)


SPECS = [
    OpSpec("fake_quantize_per_tensor_affine", [
        Case((_X, 0.173, 3, -8, 7), name="clamped"),
        Case((T((2, 3, 4), low=-1.0, high=1.0), 0.01, 128, 0, 255), name="uint8"),
        Case((T((), low=-1.0, high=1.0), 0.1, 0, -128, 127), name="0d"),
        Case((T((4, 5), low=-3.0, high=3.0, noncontig=True), 0.25, 0, -4, 4), name="noncontig"),
        Case((_X, T((), low=0.1, high=0.3, grad=False), T((), "int32", 0, 3, grad=False), 0, 15),
             name="tensor_qparams"),
        Case((_X, 0.1, 0, 10, 5), name="min_above_max", error=True),
        Case((_X, 0.1, 300, 0, 255), name="zero_point_range", error=True),
        Case((T((3,), "int64", -5, 5), 0.1, 0, 0, 255), name="int_input", error=True),
    ], gradcheck=False, gradgradcheck="a staircase: finite differences say nothing (see above)"),
    OpSpec("fake_quantize_per_channel_affine", [
        Case((T((3, 4, 2), low=-3.0, high=3.0), T((4,), "float32", 0.1, 0.5, grad=False),
              T((4,), "int32", -3, 3, grad=False), 1, -8, 7), name="axis1"),
        Case((T((5, 3), low=-3.0, high=3.0), T((5,), "float32", 0.1, 0.5, grad=False),
              T((5,), "float32", -2.0, 2.0, grad=False), 0, 0, 15), name="float_zero_point"),
        Case((T((3, 4), low=-3.0, high=3.0, noncontig=True), T((4,), "float32", 0.1, 0.5,
                                                                 grad=False),
              T((4,), "int32", 0, 3, grad=False), 1, 0, 7), name="noncontig"),
        Case((_X, T((5,), "float64", 0.1, 0.5, grad=False), T((5,), "int32", 0, 3, grad=False),
              1, 0, 7), name="double_scale", error=True),
        Case((_X, T((5,), "float32", 0.1, 0.5, grad=False), T((5,), "int64", 0, 3, grad=False),
              1, 0, 7), name="long_zero_point", error=True),
        Case((_X, T((4,), "float32", 0.1, 0.5, grad=False), T((4,), "int32", 0, 3, grad=False),
              1, 0, 7), name="channels", error=True),
        Case((_X, T((5,), "float32", 0.1, 0.5, grad=False), T((5,), "int32", 0, 3, grad=False),
              1, 7, 0), name="min_above_max", error=True),
    ], gradcheck=False, gradgradcheck="a staircase: finite differences say nothing (see above)"),
]
