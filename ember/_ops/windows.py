"""torch's window-creation ops (``hann_window``, ``hamming_window``, ``blackman_window``,
``bartlett_window``, ``kaiser_window``), composed of ops in the requested dtype as ATen computes
them.  ``periodic=True`` gives the first ``N`` points of the symmetric ``N + 1`` window."""
import math

from .. import _dtype as D
from .. import _errors
from ._core import register
from .creation import arange, empty, ones
from .pinned import pinned


def _start(name, window_length, dtype, device, requires_grad):
    """torch's checks; the dtype and, for lengths 0 and 1, the finished window."""
    dtype = dtype or D.get_default_dtype()
    if window_length < 0:
        raise _errors.window_length(name, window_length)
    if dtype.category < 2 or dtype.is_complex:
        raise _errors.window_dtype(name, dtype)
    if window_length <= 1:
        make = empty if window_length == 0 else ones
        return dtype, make(window_length, dtype=dtype, device=device,
                           requires_grad=requires_grad)
    return dtype, None


def _finish(window, periodic, requires_grad, pin):
    if periodic:
        window = window[:-1]
    if pin:
        window = pinned(window)
    return window.requires_grad_(requires_grad) if requires_grad else window


def _window(name, body):
    """A window op: ``body(n, dtype, device, *extra)`` computes the symmetric length-n window."""
    def op(window_length, periodic=True, *extra, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
        dtype, done = _start(name, window_length, dtype, device, requires_grad)
        if done is not None:
            return pinned(done) if pin_memory else done
        n = window_length + 1 if periodic else window_length
        return _finish(body(n, dtype, device, *extra), periodic, requires_grad, pin_memory)
    op.__name__ = op.__qualname__ = name
    return register(name, method=False, differentiable=False)(op)


def _hamming(n, dtype, device, alpha=0.54, beta=0.46):
    w = arange(n, dtype=dtype, device=device) * (math.pi * 2.0 / (n - 1))
    return w.cos() * -beta + alpha


def _hann(n, dtype, device):
    return _hamming(n, dtype, device, 0.5, 0.5)


def _blackman(n, dtype, device):
    w = arange(n, dtype=dtype, device=device) * (math.pi / (n - 1))
    return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42


def _bartlett(n, dtype, device):
    w = arange(n, dtype=dtype, device=device) * (2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1
    return w.where(arange(n, device=device) < half, 2 - w)


def _kaiser(n, dtype, device, beta=12.0):
    alpha = (n - 1) / 2.0
    k = (arange(n, dtype=dtype, device=device) - alpha) / alpha
    return ((1 - k * k).clamp_min(0).sqrt() * beta).i0() / (k * 0 + beta).i0()


hann_window = _window("hann_window", _hann)
hamming_window = _window("hamming_window", _hamming)
blackman_window = _window("blackman_window", _blackman)
bartlett_window = _window("bartlett_window", _bartlett)
kaiser_window = _window("kaiser_window", _kaiser)
