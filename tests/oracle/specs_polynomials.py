"""Oracle entries for torch.special's orthogonal polynomials (ember/_ops/polynomials.py): the
recurrence, the closed forms at the interval ends (integer x in {-1, 0, 1}), the trigonometric
form for large degrees, negative and fractional degrees, scalar x or n, and torch's errors."""
from .spec import Case, OpSpec, T

X = T((4, 5), low=-1.5, high=1.5)
UNIT = T((4, 5), low=0.0, high=1.0)
ENDS = T((3, 5), dtype="int64", low=-1, high=2)
N = T((4, 5), dtype="int64", low=-2, high=14)
NF = T((5,), low=-2.0, high=12.0, grad=False)
HALF = T((3,), dtype="float16", grad=False)

NAMES = ("chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
         "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
         "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p")


def _special(name):
    return lambda lib, *a, **k: getattr(lib.special, name)(*a, **k)


def _spec(name):
    cases = [Case((X, N)), Case((UNIT, N)), Case((X, NF)), Case((ENDS, N)), Case((ENDS, NF)),
             Case((X, 3)), Case((X, 9.5)), Case((0.5, N)), Case((T(()), 7)),
             Case((T((0, 2)), 3)), Case((HALF, 2), error=True), Case((0.5, 3), error=True)]
    return OpSpec(f"special_{name}", cases, call=_special(name), tol={"float32": (1e-4, 1e-3)},
                  gradcheck=False)


SPECS = [_spec(name) for name in NAMES]
