"""Oracle entries for the pointwise family (ember/_ops/pointwise.py)."""
from .spec import OpSpec, Case, T

SHAPES = ((3, 4), (), (0,), (2, 1, 3))


def _unary_cases(low=-2.0, high=2.0, ints=True, bools=True):
    cases = [Case((T(s, low=low, high=high),), name=f"shape{s}") for s in SHAPES]
    cases.append(Case((T((4, 3), low=low, high=high, noncontig=True),), name="noncontig"))
    if ints:
        cases.append(Case((T((5,), "int64", low=max(low, -5), high=max(high, 1) + 3),),
                          name="int64"))
    if bools:
        cases.append(Case((T((5,), "bool"),), name="bool"))
    return cases


def _unary(name, low=-2.0, high=2.0, ints=True, bools=True, **kw):
    return OpSpec(name, _unary_cases(low, high, ints, bools), **kw)


def _binary_cases(low=-2.0, high=2.0, scalar=2.5, int_scalar=2, ints=True, scalar_ok=True,
                  lowb=None):
    lb = low if lowb is None else lowb
    cases = [
        Case((T((3, 4), low=low, high=high), T((3, 4), low=lb, high=high)), name="same"),
        Case((T((3, 1), low=low, high=high), T((1, 4), low=lb, high=high)), name="broadcast"),
        Case((T((), low=low, high=high), T((2, 3), low=lb, high=high)), name="zero_dim"),
        Case((T((0, 3), low=low, high=high), T((3,), low=lb, high=high)), name="empty"),
        Case((T((4, 3), low=low, high=high, noncontig=True), T((3,), low=lb, high=high)),
             name="noncontig"),
        Case((T((3,), low=low, high=high), T((2,), low=lb, high=high)), name="mismatch",
             error=True),
    ]
    if scalar_ok:
        cases += [Case((T((3, 4), low=low, high=high), scalar), name="float_scalar"),
                  Case((T((3, 4), low=low, high=high), int_scalar), name="int_scalar")]
    if ints:
        cases += [Case((T((6,), "int64", 1, 6), T((6,), "int64", 1, 6)), name="int64"),
                  Case((T((6,), "int64", 1, 6), T((6,), low=lb, high=high)), name="int_float"),
                  Case((T((6,), "int32", 1, 6), T((), "int64", 1, 6)), name="int32_0d")]
    return cases


def _binary(name, **kw):
    opts = {k: kw.pop(k) for k in ("low", "high", "scalar", "int_scalar", "ints", "scalar_ok",
                                   "lowb") if k in kw}
    return OpSpec(name, _binary_cases(**opts), **kw)


def _inplace(name):
    """``x.clone().name_(...)`` (the clone keeps the leaf out of the in-place op)."""
    return lambda lib, x, *a, **k: getattr(x.clone(), name + "_")(*a, **k)


POS = dict(low=0.1, high=3.0)
UNIT = dict(low=-0.9, high=0.9)
SPECS = [
    _unary("abs", bools=False), _unary("neg", bools=False), _unary("exp"), _unary("exp2"),
    _unary("log", **POS), _unary("log2", **POS), _unary("log10", **POS),
    _unary("log1p", **POS), _unary("expm1"), _unary("sqrt", **POS), _unary("rsqrt", **POS),
    _unary("square"), _unary("reciprocal", **POS), _unary("sin"), _unary("cos"),
    _unary("tan", low=-1.2, high=1.2), _unary("asin", **UNIT), _unary("acos", **UNIT),
    _unary("atan"), _unary("sinh"), _unary("cosh"), _unary("tanh"), _unary("asinh"),
    _unary("acosh", low=1.1, high=3.0), _unary("atanh", **UNIT), _unary("sigmoid"),
    _unary("relu", bools=False), _unary("erf"), _unary("erfc"), _unary("erfinv", **UNIT),
    _unary("lgamma", **POS), _unary("digamma", **POS),
    _unary("floor", bools=False), _unary("ceil", bools=False), _unary("round", bools=False),
    _unary("trunc", bools=False), _unary("frac", ints=False, bools=False),
    _unary("sign"), _unary("sgn", grad=False), _unary("signbit"), _unary("isnan"), _unary("isinf"),
    _unary("isfinite"), _unary("isposinf"), _unary("isneginf"), _unary("isreal"),
    _unary("logical_not"), _unary("bitwise_not", grad=False),
    _unary("positive", bools=False), _unary("angle"), _unary("conj_physical"),
    _unary("deg2rad"), _unary("rad2deg"), _unary("nan_to_num"),
    OpSpec("round", [Case((T((3, 4)),), {"decimals": 2}, name="decimals"),
                     Case((T((5,), "int64"),), {"decimals": 1}, name="int_decimals",
                          error=True),
                     # decimals given, even 0, is the decimals overload (RoundBackward1)
                     Case((T((3, 4)),), {"decimals": 0}, name="decimals0"),
                     Case((T((5,), "int64"),), {"decimals": 0}, name="int_decimals0",
                          error=True)], call=lambda lib, x, **k: lib.round(x, **k)),
    OpSpec("logit", _unary_cases(0.05, 0.95) + [
        Case((T((3, 4), low=0.01, high=0.99),), {"eps": 0.1}, name="eps")]),
    OpSpec("nan_to_num", [Case((T((3, 4)),), {"nan": 1.0, "posinf": 2.0}, name="args")],
           call=lambda lib, x, **k: lib.nan_to_num(lib.log(x), **k)),

    _binary("add"), _binary("sub"), _binary("mul"), _binary("div", lowb=0.5),
    _binary("true_divide", lowb=0.5),
    OpSpec("add", [Case((T((3, 4)), T((4,))), {"alpha": 2.5}, name="alpha"),
                   Case((T((4,), "int64"), T((4,), "int64")), {"alpha": 2.5}, name="int_alpha",
                        error=True),
                   Case((T((4,), "bool"), T((4,), "bool")), name="bool")]),
    # alpha is checked against the result dtype, also when it equals 1 (True, 1.0)
    *(OpSpec(n, [Case((T((4,), "int64"), T((4,), "int64")), {"alpha": True}, name="int_true",
                      error=True),
                 Case((T((4,)), T((4,))), {"alpha": True}, name="float_true", error=True),
                 Case((T((4,), "int64"), 3), {"alpha": False}, name="int_false", error=True),
                 Case((T((4,), "int64"), T((4,), "int64")), {"alpha": 1.0}, name="int_one",
                      error=True),
                 Case((T((4,)), T((4,))), {"alpha": 1 + 0j}, name="complex", error=True),
                 Case((T((4,)), T((4,))), {"alpha": 1.0}, name="float_one")])
      for n in ("add", "sub", "rsub")),
    OpSpec("add", [Case((T((4,), "bool"), T((4,), "bool")), {"alpha": True}, name="bool_true")]),
    OpSpec("sub", [Case((T((3, 4)), T((4,))), {"alpha": -2}, name="alpha"),
                   Case((T((4,), "bool"), T((4,), "bool")), name="bool", error=True),
                   Case((T((4,), "int64"), T((4,), "bool")), name="int_bool", error=True),
                   Case((T((4,), "bool"), True), name="bool_scalar", error=True)]),
    OpSpec("div", [Case((T((3, 4)), T((4,), low=0.5)), {"rounding_mode": m}, name=m)
                   for m in ("floor", "trunc")] + [
        Case((T((6,), "int64", -9, 9), T((6,), "int64", 1, 4)), {"rounding_mode": m},
             name=f"int_{m}") for m in ("floor", "trunc")] + [
        Case((T((6,), "int64", -9, 9), -3), {"rounding_mode": "trunc"}, name="int_neg_scalar"),
        Case((T((3,), "int64"), 0), {"rounding_mode": "floor"}, name="zero", error=True),
        Case((T((3,)), 2), {"rounding_mode": "bad"}, name="bad_mode", error=True)]),
    _binary("floor_divide", lowb=0.5, scalar=1.5, grad=False),
    _binary("fmod", lowb=0.5, scalar=1.5), _binary("remainder", lowb=0.5, scalar=1.5),
    _binary("atan2", scalar_ok=False), _binary("arctan2", scalar_ok=False),
    _binary("hypot", scalar_ok=False, ints=False),
    _binary("maximum", scalar_ok=False), _binary("minimum", scalar_ok=False),
    _binary("fmax", scalar_ok=False), _binary("fmin", scalar_ok=False),
    _binary("copysign"), _binary("xlogy", lowb=0.1),
    _binary("float_power", low=0.2, lowb=-1.0),
    _binary("ldexp", scalar_ok=False, ints=False, tol={"float32": (1e-4, 1e-4)}),
    # torch's gradient uses integer pow(2, other) (0 for negative exponents): not d/dx
    OpSpec("ldexp", [Case((T((3, 4)), T((3, 4), "int64", -3, 4)), name="int_exp")],
           gradcheck=False),
    _binary("nextafter", scalar_ok=False, ints=False, grad=False),
    _binary("logaddexp", scalar_ok=False, ints=False),
    _binary("logaddexp2", scalar_ok=False, ints=False),
    _binary("pow", low=0.2), _binary("eq"), _binary("ne"), _binary("lt"), _binary("le"),
    _binary("gt"), _binary("ge"), _binary("greater"), _binary("less_equal"),
    _binary("not_equal"), _binary("logical_and", scalar_ok=False),
    _binary("logical_or", scalar_ok=False), _binary("logical_xor", scalar_ok=False),
    OpSpec("logical_and", [Case((T((3,)), 1.5), name="scalar", error=True)]),
    _binary("multiply"), _binary("subtract"), _binary("divide", lowb=.5),
    OpSpec("pow", [Case((2.5, T((3, 4))), name="scalar_base"),
                   Case((T((4,), "int64", 1, 4), -1), name="int_neg", error=True),
                   Case((T((4,), "int64", 1, 4), 2), name="int_pos"),
                   Case((T((4,), "bool"), T((4,), "bool")), name="bool", error=True)]),
    OpSpec("float_power", [Case((2.5, T((3, 4))), name="scalar_base"),
                           Case((T((4,), "int64", 1, 4), 2), name="int")]),
    OpSpec("xlogy", [Case((2.5, T((3, 4), low=0.1)), name="scalar_x")]),
    OpSpec("remainder", [Case((2.5, T((3, 4), low=0.5)), name="scalar_x", ),
                         Case((T((3,), "int64"), 0), name="zero", error=True)], grad=False),
    OpSpec("heaviside", [Case((T((3, 4)), T((3, 4))), name="float"),
                         Case((T((5,), "int64", -1, 2), T((5,), "int64")), name="int"),
                         Case((T((3,)), 1.0), name="scalar", error=True),
                         Case((T((5,), "int64"), T((5,))), name="dtypes", error=True)],
           grad=False),
    OpSpec("equal", [Case((T((3, 4)), T((3, 4))), name="diff"),
                     Case((T((3,)), T((4,))), name="shape")],
           call=lambda lib, a, b: (lib.equal(a, b), lib.equal(a, a.clone())), grad=False),
    OpSpec("isclose", [Case((T((3, 4)), T((3, 4))), name="t"),
                       Case((T((3,)), T((3,))), {"rtol": 1.0, "atol": 0.5}, name="tol"),
                       Case((T((3,), "int64"), T((3,))), name="dtypes", error=True)],
           call=lambda lib, a, b, **k: (lib.isclose(a, b, **k), lib.isclose(a, a.clone())),
           grad=False),
    OpSpec("allclose", [Case((T((3, 4)), T((3, 4))), name="t"),
                        Case((T((3,)), T((3,))), {"rtol": 1.0, "atol": 2.0}, name="tol")],
           grad=False),
    *(OpSpec(n, [Case((T((6,), "int64", -8, 8), T((6,), "int64", -8, 8)), name="int"),
                 Case((T((6,), "bool"), T((6,), "bool")), name="bool"),
                 Case((T((6,), "int32", -8, 8), 3), name="scalar"),
                 Case((T((3,)), T((3,))), name="float", error=True)])
      for n in ("bitwise_and", "bitwise_or", "bitwise_xor")),
    *(OpSpec(n, [Case((T((6,), "int64", -8, 8), T((6,), "int64", 0, 5)), name="int"),
                 Case((T((6,), "int32", -8, 8), 2), name="scalar"),
                 Case((T((3,)), 1), name="float", error=True)])
      for n in ("bitwise_left_shift", "bitwise_right_shift")),

    OpSpec("where", [
        Case((T((3, 4), "bool"), T((3, 4)), T((3, 4))), name="same"),
        Case((T((3, 1), "bool"), T((1, 4)), T((3, 1))), name="broadcast"),
        Case((T((3, 4), "bool"), T((3, 4)), 1.5), name="scalar_other"),
        Case((T((3, 4), "bool"), 2, T((3, 4))), name="scalar_input"),
        Case((T((3, 4), "bool"), 2, 3.5), name="scalars"),
        Case((T((3,), "bool"), T((3,), "int64"), 2.5), name="int_float_scalar"),
        Case((T((3,), "int64"), T((3,)), T((3,))), name="int_cond", error=True)]),
    OpSpec("where", [Case((T((3, 4)), T((3, 4), "bool"), T((4,))), name="method")],
           call=lambda lib, x, c, y: x.where(c, y)),
    OpSpec("lerp", [Case((T((3, 4)), T((3, 4)), 0.3), name="scalar_w"),
                    Case((T((3, 1)), T((1, 4)), 0.8), name="broadcast"),
                    Case((T((3, 4)), T((4,)), T((3, 4), low=0, high=1)), name="tensor_w"),
                    Case((T((3,), "int64"), T((3,), "int64"), 0.5), name="int", error=True)]),
    OpSpec("addcmul", [Case((T((3, 4)), T((3, 1)), T((4,))), {"value": 0.5}, name="v"),
                       Case((T((3,), "int64"), T((3,), "int64"), T((3,), "int64")),
                            {"value": 2}, name="int"),
                       Case((T(()), T((2, 3)), T((3,))), name="zero_dim")]),
    OpSpec("addcdiv", [Case((T((3, 4)), T((3, 1)), T((4,), low=0.5)), {"value": 0.5}, name="v"),
                       Case((T((3,), "int64"), T((3,), "int64"), T((3,), "int64")),
                            name="int", error=True, match="Integer division")]),
    OpSpec("clamp", [Case((T((3, 4)), -0.5, 0.5), name="both"),
                     Case((T((3, 4)),), {"min": -0.5}, name="min"),
                     Case((T((3, 4)),), {"max": 0.5}, name="max"),
                     Case((T((3, 4)), T((4,)), T((3, 1))), name="tensors"),
                     Case((T((3, 4)),), {"min": T((3, 4))}, name="tensor_min"),
                     Case((T((3,), "int64", -5, 5), 0.5), name="int_float"),
                     Case((T((3,), "int64", -5, 5), -1, 2), name="int"),
                     Case((T((3,)),), name="none", error=True)]),
    OpSpec("clip", [Case((T((3, 4)), -0.5, 0.5), name="both")]),
    OpSpec("clamp_min", [Case((T((3, 4)), 0.2), name="s"), Case((T((3, 4)), T((4,))), name="t")]),
    OpSpec("clamp_max", [Case((T((3, 4)), 0.2), name="s"), Case((T((3, 4)), T((4,))), name="t")]),

    # in-place variants and out=
    OpSpec("add", [Case((T((3, 4)), T((4,))), name="t"),
                    Case((T((3,), "int64"), 1.5), name="cast", error=True),
                    Case((T((3,)), T((2, 3))), name="shape", error=True)],
           call=_inplace("add")),
    OpSpec("mul", [Case((T((3, 4)), 2.0), name="s")], call=_inplace("mul")),
    OpSpec("sqrt", [Case((T((3, 4), **POS),), name="t"),
                     Case((T((3,), "int64", 1, 5),), name="int", error=True)],
           call=_inplace("sqrt")),
    OpSpec("clamp", [Case((T((3, 4)), -0.5, 0.5), name="t")], call=_inplace("clamp")),
    OpSpec("eq", [Case((T((3, 4)), T((4,))), name="t")], call=_inplace("eq"), grad=False),
    OpSpec("sin", [Case((T((3, 4)),), name="out")], grad=False,
           call=lambda lib, x: lib.sin(x, out=lib.empty(0))),
    OpSpec("add", [Case((T((3, 4)), T((4,)), T((3, 4), "int64")), name="cast", error=True)],
           grad=False, call=lambda lib, x, y, o: lib.add(x, y, out=o)),
]
