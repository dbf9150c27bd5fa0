"""Oracle entries for the special-function ops (ember/_ops/special.py).  Ops that torch has only
in ``torch.special`` are called there in both libraries (``lib.special.<name>``)."""
from .spec import OpSpec, Case, T
from .specs_pointwise import _binary_cases, _unary_cases, _inplace

POS = dict(low=0.1, high=3.0)


def _special(name):
    return lambda lib, *a, **k: getattr(lib.special, name)(*a, **k)


def _dtype_errors(*dtypes):
    return [Case((T((3,), dt),), name=f"{dt}_error", error=True) for dt in dtypes]


def _unary(name, low=-2.0, high=2.0, errors=("complex64",), **kw):
    """A unary special op over its usual domain, with torch's dtype errors."""
    return OpSpec(name, _unary_cases(low, high) + _dtype_errors(*errors),
                  call=_special(name[len("special_"):]) if name.startswith("special_") else None,
                  **kw)


def _zeta_cases():
    x = dict(low=1.5, high=4.0, grad=False)      # torch has no derivative in x
    q = dict(low=0.2, high=3.0)
    return [
        Case((T((3, 4), **x), T((3, 4), **q)), name="same"),
        Case((T((3, 1), **x), T((1, 4), **q)), name="broadcast"),
        Case((T((), **x), T((2, 3), **q)), name="zero_dim"),
        Case((T((0, 3), **x), T((3,), **q)), name="empty"),
        Case((T((4, 3), noncontig=True, **x), T((3,), **q)), name="noncontig"),
        Case((T((3, 4), **x), 1.5), name="scalar_q"),
        Case((2.5, T((3, 4), **q)), name="scalar_x"),
        Case((T((3, 4), low=-3.0, high=6.0, grad=False), T((3, 4), low=-3.0, high=3.0)),
             name="whole_line", gradcheck=False),
        Case((T((5,), "int64", 2, 6), T((5,), "int64", 1, 4)), name="int64"),
        Case((3, T((5,), "int64", 1, 4)), name="int_scalar"),
        Case((T((3,), grad=False), T((2,))), name="mismatch", error=True),
        Case((T((3,), "float16"), T((3,), "float16")), name="half", error=True),
        Case((2, 3), name="numbers", error=True),
    ]


SPECS = [
    _unary("i0"), _unary("special_i0e"), _unary("special_i1"), _unary("special_i1e"),
    OpSpec("special_i1", [Case((T((4,), low=-1e-9, high=1e-9),), name="near_zero")],
           call=_special("i1")),
    OpSpec("special_i1e", [Case((T((4,), low=-1e-9, high=1e-9),), name="near_zero")],
           call=_special("i1e"), gradgradcheck="i1e = exp(-|x|) I1(x): its derivative has a "
           "kink at 0, which second-order finite differences at |x| < 1e-9 straddle"),
    OpSpec("i0", [Case((T((3, 4)),), name="t"), Case((T((3,), "int64"),), name="int",
                                                     error=True)], call=_inplace("i0")),
    OpSpec("i0", [Case((T((3, 4)),), name="method")], call=lambda lib, x: x.i0()),
    # torch gives these no derivative (results that need no grad); torch's float64 bessel_j0/j1
    # are up to 4e-7 off between 5 and 25 (ember's are exact to 1e-15, see test_special.py)
    *(OpSpec(f"special_{n}", _unary_cases(-20.0, 20.0) + _dtype_errors(
        "float16", "bfloat16", "complex64"), call=_special(n), gradcheck=False,
        tol={"float64": (1e-5, 1e-6)})
      for n in ("bessel_j0", "bessel_j1", "spherical_bessel_j0", "modified_bessel_i0",
                "modified_bessel_i1")),
    # the second kinds: negative arguments give nan, 0 gives -inf (Y) or inf (K); Y's small-x
    # term uses J, where torch's float64 is the less exact (above)
    *(OpSpec(f"special_{n}", _unary_cases(-1.0, 30.0) + _dtype_errors(
        "float16", "bfloat16", "complex64") + [Case((T((2, 3), low=0.0, high=1e-3),),
                                                     name="small")],
        call=_special(n), gradcheck=False, tol={"float64": (1e-5, 1e-6)})
      for n in ("bessel_y0", "bessel_y1", "modified_bessel_k0", "modified_bessel_k1",
                "scaled_modified_bessel_k0", "scaled_modified_bessel_k1")),
    # Ai over the whole line: oscillating below 0, underflowing above (0 from 103.892 on), no
    # derivative. torch's float64 is up to 3e-6 off on [-3.7, -2.09] (test_special_airy.py); its
    # float32 works in float32, so its phase is off by ~1e-5 at -100
    OpSpec("special_airy_ai", _unary_cases(-12.0, 12.0) + _dtype_errors(
        "float16", "bfloat16", "complex64") + [
        Case((T((40,), low=-100.0, high=-12.0),), name="oscillating"),
        Case((T((40,), low=12.0, high=110.0),), name="underflowing"),
        Case((T((5,), "int64", -3, 4),), name="int64")],
        call=_special("airy_ai"), gradcheck=False, tol={None: (1e-4, 1e-5)}),
    # torch's sinc of an integer is sin(pi x)/(pi x) in float32, ~3e-8 from 0; ember's is exact
    _unary("sinc", errors=(), tol={None: (1e-5, 1e-7)}),
    OpSpec("sinc", [Case((T((3, 4)),), name="zero"),
                    Case((T((3, 4)),), name="integers", gradcheck=False)],
           call=lambda lib, x: lib.sinc(x * 0 + (x > 0).to(x.dtype) * 3)),
    OpSpec("sinc", [Case((T((3,), "complex64"),), name="complex")], grad=False),
    OpSpec("sinc", [Case((T((3, 4)),), name="t")], call=_inplace("sinc")),
    # torch's float32 ndtr is (1 + erf(x / sqrt 2)) / 2, 1e-8 off in the lower tail
    _unary("special_ndtr", low=-10.0, high=10.0, tol={None: (1e-5, 1e-7)}),
    _unary("special_ndtri", low=0.01, high=0.99, errors=("complex64", "float16", "bfloat16")),
    OpSpec("special_ndtri", [Case((T((3, 4), low=-0.5, high=1.5),), name="outside",
                                  gradcheck=False)], call=_special("ndtri")),
    _unary("special_log_ndtr", low=-20.0, high=6.0,
           errors=("complex64", "float16", "bfloat16")),
    _unary("special_erfcx", low=-3.0, high=12.0, errors=("complex64", "float16", "bfloat16")),
    _unary("special_entr", **POS),
    OpSpec("special_entr", [Case((T((3, 4), low=-1.0, high=1.0),), name="signs",
                                 gradcheck=False)], call=lambda lib, x: lib.special.entr(
                                     x.where(x.abs() > 0.3, x * 0))),
    OpSpec("special_xlog1py", _binary_cases(lowb=-0.9) + [
        Case((2.5, T((3, 4), low=-0.9)), name="scalar_x"),
        Case((T((3, 4)), T((3, 4), low=-0.9)), name="zero_x", gradcheck=False),
        Case((T((4,), "complex64"), T((4,), "complex64")), name="complex", error=True),
        Case((2, 3), name="numbers", error=True)], call=_special("xlog1py")),
    OpSpec("special_xlog1py", [Case((T((3, 4)), T((3, 4), low=-1.5, high=0.5)), name="zeros",
                                    gradcheck=False)],
           call=lambda lib, x, y: lib.special.xlog1py(x.where(y > -1, x * 0), y)),
    OpSpec("special_zeta", _zeta_cases(), call=_special("zeta")),
    OpSpec("special_round", [Case((T((3, 4), low=-5.0, high=5.0),), name="t"),
                             Case((T((3, 4), low=-5.0, high=5.0),), {"decimals": 1},
                                  name="decimals"),
                             Case((T((4,), "int64"),), name="int", error=True),
                             Case((T((4,), "int64"),), {"decimals": 2}, name="int_decimals",
                                  error=True)], call=_special("round")),
    OpSpec("polygamma", [Case((n, T((3, 4), **POS)), name=f"n{n}") for n in (0, 1, 2, 3, 6)] + [
        Case((2, T((3, 4), low=-3.0, high=-0.1)), name="negative"),
        Case((2, T(())), name="zero_dim"),
        Case((1, T((4, 3), noncontig=True, **POS)), name="noncontig"),
        Case((3, T((5,), "int64", 1, 5)), name="int64"),
        Case((1, T((5,), "bool")), name="bool"),
        Case((-1, T((3,))), name="negative_n", error=True),
        Case((1.5, T((3,))), name="float_n", error=True),
        Case((2, T((3,), "complex64")), name="complex", error=True)]),
    OpSpec("polygamma", [Case((T((3, 4), **POS), 1), name="method"),
                         Case((T((3,), **POS), -2), name="method_negative_n", error=True)],
           call=lambda lib, x, n: x.polygamma(n)),
    OpSpec("polygamma", [Case((T((3, 4), **POS), 2), name="t")],
           call=lambda lib, x, n: x.clone().polygamma_(n)),
    OpSpec("mvlgamma", [Case((T((3, 4), low=2.0, high=5.0), p), name=f"p{p}") for p in (1, 3)] + [
        Case((T((), low=2.0, high=5.0), 2), name="zero_dim"),
        Case((T((5,), "int64", 3, 8), 2), name="int64"),
        Case((T((3,), low=2.0, high=5.0), 0), name="p0", error=True),
        Case((T((3,), low=2.0, high=5.0), 2.5), name="float_p", error=True)]),
    OpSpec("mvlgamma", [Case((T((3, 4), low=2.0, high=5.0), 2), name="special")],
           call=_special("multigammaln")),
    OpSpec("mvlgamma", [Case((T((3, 4), low=2.0, high=5.0), 2), name="t")],
           call=_inplace("mvlgamma")),
]
