"""Oracle entries for the random family (ember/_ops/random.py).  Samples differ between the
libraries, so only dtypes, shapes and autograd node names are compared (``values=False``);
gradients of samplers are zeros in both, and finite differences are meaningless for them."""
from .spec import Case, DT, OpSpec, T

M = T((3, 4))
P = T((3, 4), low=0.1, high=0.9)
NG = T((3, 4), low=0.1, high=0.9, grad=False)
V = T((5,), low=0.1, high=0.9, grad=False)
S = T(())


def _spec(name, cases, call=None, grad=False):
    return OpSpec(name, cases, call=call, values=False, grad=grad, gradcheck=False)


def _inplace(method, *args):
    return lambda lib, x: getattr(x * 1, method)(*args)


SIZES = [Case((3,)), Case((2, 3)), Case(((2, 3),)), Case(((),)), Case((0, 2)),
         Case((2,), {"dtype": DT("float64")}), Case((2,), {"dtype": DT("int64")}, error=True)]

SPECS = [
    _spec("rand", SIZES),
    _spec("randn", SIZES),
    _spec("rand_like", [Case((M,)), Case((S,)), Case((M,), {"dtype": DT("float64")})]),
    _spec("randn_like", [Case((M,)), Case((S,))]),
    _spec("randint", [Case((5, (3,))), Case((-2, 5, (2, 3))), Case((3, 3, (2,)), error=True),
                      Case((4, (2,)), {"dtype": DT("float32")})]),
    _spec("randint_like", [Case((M, 5)), Case((M, 1, 5))]),
    _spec("randperm", [Case((5,)), Case((0,)), Case((4,), {"dtype": DT("float32")})]),
    _spec("normal", [Case((M, P)), Case((M, 2.0)), Case((0.0, P)), Case((T((2, 1)), T((3,))),),
                     Case((0.0, 1.0, (2, 3))), Case((M, T((3, 4), low=-2, high=-1))),
                     ], grad=True),
    _spec("bernoulli", [Case((P,)), Case((NG, 0.3)), Case((T((2,), low=2, high=3),), error=True)],
          grad=True),
    _spec("poisson", [Case((P,)), Case((S,))], grad=True),
    _spec("multinomial", [Case((V, 3)), Case((NG, 2, True)), Case((V, 6), error=True),
                          Case((NG, 0), error=True)]),
    _spec("uniform_", [Case((P,)), Case((P, 2.0, 1.0), error=True)],
          call=lambda lib, x, *a: (x * 1).uniform_(*a), grad=True),
    _spec("random_", [Case((P,)), Case((P, 5)), Case((P, 1, 5)), Case((P, 5, 3), error=True)],
          call=lambda lib, x, *a: (x * 1).random_(*a), grad=True),
    _spec("exponential_", [Case((P,)), Case((P, 2.0)), Case((P, -1.0), error=True)],
          call=lambda lib, x, *a: (x * 1).exponential_(*a), grad=True),
    _spec("geometric_", [Case((P, 0.3)), Case((P, 0.0), error=True)],
          call=lambda lib, x, *a: (x * 1).geometric_(*a), grad=True),
    _spec("log_normal_", [Case((P,)), Case((P, 0.0, 0.5))],
          call=lambda lib, x, *a: (x * 1).log_normal_(*a), grad=True),
    _spec("cauchy_", [Case((P,)), Case((P, 1.0, 2.0))],
          call=lambda lib, x, *a: (x * 1).cauchy_(*a), grad=True),
]
