"""Oracle entries for ember/_ops/random_dist.py: the incomplete gamma functions and the
implicit gradients by value (torch's approximations agree to about 1e-3), the gamma / Dirichlet /
binomial samplers by dtype, shape and node name only."""
from .spec import Case, OpSpec, T

A = T((3, 4), low=0.5, high=4.0, grad=False)
X = T((3, 4), low=0.1, high=6.0)
AG = T((3, 4), low=0.5, high=4.0)

SPECS = [
    OpSpec("igamma", [Case((A, X)), Case((T((4,), low=0.5, high=3, grad=False), X))]),
    OpSpec("igammac", [Case((A, X))]),
    OpSpec("_standard_gamma", [Case((AG,))], values=False, gradcheck=False, grad=False),
    OpSpec("_standard_gamma_grad", [Case((A, T((3, 4), low=0.1, high=5.0, grad=False)))],
           grad=False, gradcheck=False, tol={"float32": (1e-3, 1e-4), "float64": (1e-3, 1e-5)}),
    OpSpec("_sample_dirichlet", [Case((T((3, 4), low=0.5, high=3.0, grad=False),))],
           values=False, grad=False, gradcheck=False),
    OpSpec("_dirichlet_grad", [Case((T((3, 4), low=0.1, high=0.9, grad=False), A,
                                     T((3, 4), low=4.5, high=8.0, grad=False)))],
           grad=False, gradcheck=False, tol={"float32": (2e-3, 1e-4), "float64": (2e-3, 1e-6)}),
    OpSpec("binomial", [Case((T((3,), low=1, high=9, grad=False),
                              T((3,), low=0.1, high=0.9, grad=False)))],
           values=False, grad=False, gradcheck=False),
]
