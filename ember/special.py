"""``ember.special``: torch.special's functions, each the registered op itself under its
torch.special name (``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``i0e`` is the
``special_i0e`` op...).  ``MISSING`` would name torch.special functions ember lacks (they
raise ``ember.UnsupportedError``, an AttributeError); there are none.
"""
from . import _errors
from ._ops._core import OPS as _OPS

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
           "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc",
           "gammaincc", "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e",
           "i1", "i1e", "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr",
           "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma",
           "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc", "softmax",
           "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

MISSING = ()


def _op(name):
    return _OPS[name].public


digamma = psi = _op("digamma")
erf = _op("erf")
erfc = _op("erfc")
erfinv = _op("erfinv")
exp2 = _op("exp2")
expit = _op("sigmoid")
expm1 = _op("expm1")
gammainc = _op("igamma")
gammaincc = _op("igammac")
gammaln = _op("lgamma")
i0 = _op("i0")
log1p = _op("log1p")
log_softmax = _op("log_softmax")
logit = _op("logit")
logsumexp = _op("logsumexp")
multigammaln = _op("mvlgamma")
polygamma = _op("polygamma")
sinc = _op("sinc")
softmax = _op("softmax")
xlogy = _op("xlogy")
bessel_j0 = _op("special_bessel_j0")
bessel_j1 = _op("special_bessel_j1")
entr = _op("special_entr")
erfcx = _op("special_erfcx")
i0e = _op("special_i0e")
i1 = _op("special_i1")
i1e = _op("special_i1e")
log_ndtr = _op("special_log_ndtr")
modified_bessel_i0 = _op("special_modified_bessel_i0")
modified_bessel_i1 = _op("special_modified_bessel_i1")
ndtr = _op("special_ndtr")
ndtri = _op("special_ndtri")
round = _op("special_round")  # noqa: A001
spherical_bessel_j0 = _op("special_spherical_bessel_j0")
xlog1py = _op("special_xlog1py")
zeta = _op("special_zeta")

airy_ai = _op("special_airy_ai")
bessel_y0 = _op("special_bessel_y0")
bessel_y1 = _op("special_bessel_y1")
modified_bessel_k0 = _op("special_modified_bessel_k0")
modified_bessel_k1 = _op("special_modified_bessel_k1")
scaled_modified_bessel_k0 = _op("special_scaled_modified_bessel_k0")
scaled_modified_bessel_k1 = _op("special_scaled_modified_bessel_k1")
chebyshev_polynomial_t = _op("special_chebyshev_polynomial_t")
chebyshev_polynomial_u = _op("special_chebyshev_polynomial_u")
chebyshev_polynomial_v = _op("special_chebyshev_polynomial_v")
chebyshev_polynomial_w = _op("special_chebyshev_polynomial_w")
hermite_polynomial_h = _op("special_hermite_polynomial_h")
hermite_polynomial_he = _op("special_hermite_polynomial_he")
laguerre_polynomial_l = _op("special_laguerre_polynomial_l")
legendre_polynomial_p = _op("special_legendre_polynomial_p")
shifted_chebyshev_polynomial_t = _op("special_shifted_chebyshev_polynomial_t")
shifted_chebyshev_polynomial_u = _op("special_shifted_chebyshev_polynomial_u")
shifted_chebyshev_polynomial_v = _op("special_shifted_chebyshev_polynomial_v")
shifted_chebyshev_polynomial_w = _op("special_shifted_chebyshev_polynomial_w")


def __getattr__(name):
    if name in MISSING:
        raise _errors.unsupported(f"torch.special.{name}")
    raise _errors.module_attribute(__name__, name)
