"""Window functions with SciPy's parameters, as torch.signal.windows defines them: each samples
its formula at ``M`` points spread by ``linspace`` (``sym=False`` spaces them for a periodic
window of ``M + 1`` points and keeps ``M``).  Composed of ember ops in the requested dtype."""
import math
from collections.abc import Iterable

from ... import _dtype as D
from ... import _errors
from ..._ops.creation import arange, empty, linspace, ones, tensor

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype):
    if M < 0:
        raise _errors.window_m(name, M)
    if dtype not in (D.float32, D.float64):
        raise _errors.window_float_dtype(name, dtype)


def _trivial(M, dtype, device, requires_grad):
    """The window of length 0 or 1, else None."""
    if M > 1:
        return None
    make = empty if M == 0 else ones
    return make((M,), dtype=dtype, device=device, requires_grad=requires_grad)


def _span(M, sym):
    """The number of intervals the window's period spans."""
    return M if not sym and M > 1 else M - 1


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None,
                requires_grad=False):
    dtype = dtype or D.get_default_dtype()
    _checks("exponential", M, dtype)
    if tau <= 0:
        raise _errors.window_positive("Tau", tau)
    if sym and center is not None:
        raise _errors.window_center_sym()
    if M == 0:
        return empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    if center is None:
        center = _span(M, sym) / 2.0
    c = 1 / tau
    k = linspace(-center * c, (-center + (M - 1)) * c, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return (-k.abs()).exp()


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = dtype or D.get_default_dtype()
    _checks("cosine", M, dtype)
    if M == 0:
        return empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    c = math.pi / (M + 1 if not sym and M > 1 else M)
    k = linspace(0.5 * c, (0.5 + (M - 1)) * c, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return k.sin()


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None,
             requires_grad=False):
    dtype = dtype or D.get_default_dtype()
    _checks("gaussian", M, dtype)
    if std <= 0:
        raise _errors.window_positive("Standard deviation", std)
    if M == 0:
        return empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    start = -_span(M, sym) / 2.0
    c = 1 / (std * math.sqrt(2))
    k = linspace(start * c, (start + (M - 1)) * c, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return (-k ** 2).exp()


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None,
           requires_grad=False):
    dtype = dtype or D.get_default_dtype()
    _checks("kaiser", M, dtype)
    if beta < 0:
        raise _errors.window_beta(beta)
    done = _trivial(M, dtype, device, requires_grad)
    if done is not None:
        return done
    b = tensor(beta, dtype=dtype, device=device)
    step = 2.0 * b / (M if not sym else M - 1)
    end = b.minimum(-b + (M - 1) * step)
    k = linspace(-beta, float(end), M, dtype=dtype, device=device, requires_grad=requires_grad)
    return (b * b - k.pow(2)).sqrt().i0() / b.i0()


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = dtype or D.get_default_dtype()
    _checks("bartlett", M, dtype)
    done = _trivial(M, dtype, device, requires_grad)
    if done is not None:
        return done
    c = 2 / (M if not sym else M - 1)
    k = linspace(-1, -1 + (M - 1) * c, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return 1 - k.abs()


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """A sum of cosines with coefficients ``a`` (alternating signs)."""
    dtype = dtype or D.get_default_dtype()
    _checks("general_cosine", M, dtype)
    done = _trivial(M, dtype, device, requires_grad)
    if done is not None:
        return done
    if not isinstance(a, Iterable):
        raise _errors.window_coefficients(False)
    if not a:
        raise _errors.window_coefficients(True)
    c = 2 * math.pi / (M if not sym else M - 1)
    k = linspace(0, (M - 1) * c, M, dtype=dtype, device=device, requires_grad=requires_grad)
    coeffs = tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, device=device,
                    requires_grad=requires_grad)
    i = arange(coeffs.shape[0], dtype=dtype, device=device, requires_grad=requires_grad)
    return (coeffs.unsqueeze(-1) * (i.unsqueeze(-1) * k).cos()).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None,
                    requires_grad=False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_hamming(M, sym=sym, dtype=dtype, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, device=device,
                          requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, device=device, requires_grad=requires_grad)
