"""The LSTM's and GRU's per-time-step gate arithmetic compiled by numba (the ``fast`` extra), for
``ember/_ops/nn_rnn.py``; loaded through :func:`.jit.load` (None without numba or with
``EMBER_JIT=0``, and then the NumPy path runs).

One call per time step replaces about ten NumPy passes over the step's gates (each a few
microseconds of call overhead on a (16, 512) block).  float32 only: numba's ``tanh`` is the C
library's scalar one (about 12 ns an element, slower than NumPy's vectorised loop), so the
kernels use a rational tanh that LLVM vectorises, accurate to about 4 float32 ulp: Lambert's
continued fraction of ``tanh(x / 2)``, cut after its seventh term (the coefficients are that
convergent's integers), then the double-angle formula ``tanh x = 2u / (1 + u^2)``.  Past
|x| = 10 float32's tanh rounds to +-1, so inputs are clamped there (NaN passes through).
"""
import numpy as np
from numba import njit

_F = np.float32
_LIM, _HALF, _ONE = _F(10.0), _F(0.5), _F(1.0)
_P0, _P1, _P2, _P3 = _F(2027025.0), _F(270270.0), _F(6930.0), _F(36.0)
_Q0, _Q1, _Q2, _Q3 = _F(2027025.0), _F(945945.0), _F(51975.0), _F(630.0)


@njit(inline="always", error_model="numpy")
def _tanh(x):
    if x > _LIM:
        x = _LIM
    elif x < -_LIM:
        x = -_LIM
    y = x * _HALF
    z = y * y
    p = ((_P3 * z + _P2) * z + _P1) * z + _P0
    q = (((z + _Q3) * z + _Q2) * z + _Q1) * z + _Q0
    u = y * p / q
    return (u + u) / (_ONE + u * u)


@njit(inline="always", error_model="numpy")
def _sigmoid(x):
    return _HALF + _HALF * _tanh(x * _HALF)


@njit(inline="always", error_model="numpy")
def _add_(x, y):
    for j in range(x.shape[0]):
        x[j] += y[j]


@njit(inline="always", error_model="numpy")
def _tanh_(x):
    for j in range(x.shape[0]):
        x[j] = _tanh(x[j])


@njit(inline="always", error_model="numpy")
def _sigmoid_(x):
    for j in range(x.shape[0]):
        x[j] = _sigmoid(x[j])


@njit(nogil=True, cache=True, error_model="numpy")
def tanh(x, out):
    """``out[:] = tanh(x)`` for 1-d arrays (the tests' handle on the approximation)."""
    for k in range(x.shape[0]):
        out[k] = _tanh(x[k])


@njit(nogil=True, cache=True, error_model="numpy")
def lstm_forward_step(a, gi, cp, cn, tc, h):
    """One step of ``n`` sequences: ``a`` (n, 4H) holds ``h_prev @ W_hh^T`` and is overwritten
    with the activated gates i, f, g, o; ``gi`` (n, 4H) the input projections (biases in);
    ``cp`` (n, H) the previous cell.  Writes the cell ``cn``, ``tc = tanh(cn)`` and
    ``h = o * tc``."""
    n, hid = cp.shape
    for r in range(n):
        _add_(a[r], gi[r])
        gates = a[r]
        i, f, g, o = (gates[:hid], gates[hid:2 * hid], gates[2 * hid:3 * hid],
                      gates[3 * hid:])
        _sigmoid_(i)
        _sigmoid_(f)
        _tanh_(g)
        _sigmoid_(o)
        c, t, hr, cr = cn[r], tc[r], h[r], cp[r]
        for j in range(hid):
            c[j] = f[j] * cr[j] + i[j] * g[j]
        for j in range(hid):
            t[j] = _tanh(c[j])
        for j in range(hid):
            hr[j] = o[j] * t[j]


@njit(nogil=True, cache=True, error_model="numpy")
def lstm_backward_step(dh, gout, a, tc, cp, dc, d):
    """The gradients of one step of ``n`` sequences: ``dh`` (n, H) the gradient of ``h`` from
    the later steps (``gout``: the output's own gradient rows, added; None: none);
    ``a``, ``tc``, ``cp`` the forward's activated gates, ``tanh(c)`` and previous cell;
    ``dc`` (n, H) the gradient of ``c``, overwritten with the previous cell's.  Writes the
    gates' pre-activation gradients into ``d`` (n, 4H)."""
    n, hid = dc.shape
    for r in range(n):
        gates, dg = a[r], d[r]
        i, f, g, o = (gates[:hid], gates[hid:2 * hid], gates[2 * hid:3 * hid],
                      gates[3 * hid:])
        di, df, dgg, do = dg[:hid], dg[hid:2 * hid], dg[2 * hid:3 * hid], dg[3 * hid:]
        dhr, t, cr, dcr = dh[r], tc[r], cp[r], dc[r]
        if gout is not None:
            gr = gout[r]
            for j in range(hid):
                do[j] = dhr[j] + gr[j]      # d(h), parked in do until used below
        else:
            for j in range(hid):
                do[j] = dhr[j]
        for j in range(hid):
            dct = do[j] * o[j] * (_ONE - t[j] * t[j]) + dcr[j]
            di[j] = dct * g[j] * (i[j] * (_ONE - i[j]))
            df[j] = dct * cr[j] * (f[j] * (_ONE - f[j]))
            dgg[j] = dct * i[j] * (_ONE - g[j] * g[j])
            dcr[j] = dct * f[j]
        for j in range(hid):
            do[j] = do[j] * t[j] * (o[j] * (_ONE - o[j]))


@njit(nogil=True, cache=True, error_model="numpy")
def gru_forward_step(gh, b_hh, gi, hp, rz, ns, ghn, h):
    """One GRU step of ``n`` sequences: ``gh`` (n, 3H) holds ``h_prev @ W_hh^T`` (``b_hh``
    added here unless None), ``gi`` (n, 3H) the input projections with ``b_ih``, ``hp`` the
    previous ``h``.  Writes the gates r, z into ``rz``, the candidate ``ns``, its
    ``W_hn h + b_hn`` term ``ghn`` and the new state ``h``."""
    n, hid = hp.shape
    for r in range(n):
        g, x, a = gh[r], gi[r], rz[r]
        if b_hh is not None:
            _add_(g, b_hh)
        for j in range(2 * hid):
            a[j] = _sigmoid(x[j] + g[j])
        rr, z, gn, xn = a[:hid], a[hid:], g[2 * hid:], x[2 * hid:]
        nr, gnr, hr, hpr = ns[r], ghn[r], h[r], hp[r]
        for j in range(hid):
            gnr[j] = gn[j]
        for j in range(hid):
            nr[j] = _tanh(rr[j] * gn[j] + xn[j])
        for j in range(hid):
            hr[j] = (hpr[j] - nr[j]) * z[j] + nr[j]


@njit(nogil=True, cache=True, error_model="numpy")
def gru_backward_step(dh, gout, rz, ns, ghn, hp, dgi, dgh):
    """The gradients of one GRU step: ``dh`` (n, H) the gradient of ``h`` from the later steps
    (plus ``gout`` rows unless None), overwritten with its part ``dh * z`` of the previous
    state's gradient (the caller adds ``dgh @ W_hh``); writes the pre-activation gradients of
    the input side ``dgi`` and of the recurrent side ``dgh`` (n, 3H)."""
    n, hid = dh.shape
    for r in range(n):
        a, d, di, dg = rz[r], dh[r], dgi[r], dgh[r]
        rr, z, nr, gnr, hpr = a[:hid], a[hid:], ns[r], ghn[r], hp[r]
        if gout is not None:
            _add_(d, gout[r])
        for j in range(hid):
            dn = d[j] * (_ONE - z[j]) * (_ONE - nr[j] * nr[j])
            di[2 * hid + j] = dn
            dg[2 * hid + j] = dn * rr[j]
            v = dn * gnr[j] * rr[j] * (_ONE - rr[j])
            di[j] = v
            dg[j] = v
            v = d[j] * (hpr[j] - nr[j]) * z[j] * (_ONE - z[j])
            di[hid + j] = v
            dg[hid + j] = v
        for j in range(hid):
            d[j] = d[j] * z[j]
