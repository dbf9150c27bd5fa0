"""stft / istft, the window ops and ember.signal.windows against torch: values, dtypes, shapes,
gradients, warnings and error messages."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SIGNAL = np.random.default_rng(0).standard_normal((2, 100))


def _np(t):
    return t.detach().resolve_conj().numpy() if isinstance(t, torch.Tensor) else \
        t.detach().numpy()


def _close(e, t, rtol=1e-6, atol=1e-8):
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(e), _np(t), rtol, atol)


def _first_line(exc):
    return str(exc).split("\n")[0]


def _same_error(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(type(te.value)) as ee:
            fn(ember)
    assert _first_line(ee.value) == _first_line(te.value)


def _stft_round_trip(lib, signal, window_fn, kw, istft_kw):
    x = lib.tensor(signal, requires_grad=True)
    w = getattr(lib, window_fn)(kw.get("win_length", 16), dtype=x.dtype)
    y = lib.stft(x, 16, window=w, return_complex=True, **kw)
    g = lib.autograd.grad((y.real ** 2).sum() + (y.imag * 3).sum(), x, retain_graph=True)[0]
    z = lib.istft(y, 16, window=w, **istft_kw)
    gz = lib.autograd.grad((z ** 2).sum(), x)[0]
    return y, g, z, gz


@pytest.mark.parametrize("kw,istft_kw", [
    ({}, {}), ({"normalized": True}, {"normalized": True}), ({"onesided": False}, {}),
    ({"hop_length": 5, "win_length": 10}, {"hop_length": 5, "win_length": 10}),
    ({"pad_mode": "constant"}, {}), ({"pad_mode": "replicate"}, {}),
    ({"pad_mode": "circular"}, {}), ({}, {"length": 90}), ({}, {"length": 120}),
    ({"center": False}, {"center": False})])
@pytest.mark.parametrize("shape", [(2, 100), (100,)])
def test_stft_istft(kw, istft_kw, shape):
    window = "hamming_window" if kw.get("center") is False else "hann_window"
    signal = SIGNAL.reshape(-1)[:int(np.prod(shape))].reshape(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = _stft_round_trip(ember, signal, window, kw, istft_kw)
        t = _stft_round_trip(torch, signal, window, kw, istft_kw)
    for a, b in zip(e, t):
        _close(a, b)
    assert type(e[0].grad_fn).__name__ == type(t[0].grad_fn).__name__
    assert type(e[2].grad_fn).__name__ == type(t[2].grad_fn).__name__


def test_stft_complex_float32_and_defaults():
    x = (SIGNAL[0] + 1j * SIGNAL[1]).astype(np.complex64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(ember.stft(ember.from_numpy(x), 12, return_complex=True),
               torch.stft(torch.from_numpy(x), 12, return_complex=True), 1e-4, 1e-4)
        e = ember.stft(ember.from_numpy(x), 12, window=ember.hann_window(12), return_complex=True)
        _close(e, torch.stft(torch.from_numpy(x), 12, window=torch.hann_window(12),
                             return_complex=True), 1e-4, 1e-4)
        _close(ember.istft(e, 12, window=ember.hann_window(12), return_complex=True,
                           onesided=False),
               torch.istft(torch.from_numpy(e.numpy()), 12, window=torch.hann_window(12),
                           return_complex=True, onesided=False), 1e-4, 1e-4)


def test_stft_warnings_and_real_output():
    x = SIGNAL[0].astype(np.float32)
    with pytest.warns(UserWarning, match="A window was not provided"):
        ember.stft(ember.from_numpy(x), 16, return_complex=True)
    with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
        e = ember.stft(ember.from_numpy(x), 16, window=ember.hann_window(16),
                       return_complex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.stft(torch.from_numpy(x), 16, window=torch.hann_window(16),
                       return_complex=False)
    _close(e, t, 1e-5, 1e-5)
    _close(ember.from_numpy(x).stft(16, window=ember.hann_window(16), return_complex=True),
           torch.from_numpy(x).stft(16, window=torch.hann_window(16), return_complex=True),
           1e-5, 1e-5)


STFT_ERRORS = [
    lambda lib: lib.stft(lib.zeros(2, 100), 16, window=lib.hann_window(16)),
    lambda lib: lib.stft(lib.zeros(2, 2, 100), 16, window=lib.hann_window(16),
                         return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100), 200, return_complex=True, center=False),
    lambda lib: lib.stft(lib.zeros(2, 100), 0, return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100), 16, hop_length=0, window=lib.hann_window(16),
                         return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100), 16, win_length=20, return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100), 16, window=lib.ones(10), return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100, dtype=lib.complex64), 16,
                         window=lib.hann_window(16), return_complex=True, onesided=True),
    lambda lib: lib.stft(lib.zeros(2, 100), 16, window=lib.hann_window(16),
                         return_complex=True, pad_mode="bad"),
    lambda lib: lib.stft(lib.zeros(2, 5), 16, window=lib.hann_window(16),
                         return_complex=True),
    lambda lib: lib.stft(lib.zeros(2, 100, dtype=lib.long), 16, window=lib.hann_window(16),
                         return_complex=True),
    lambda lib: lib.istft(lib.zeros(2, 10, 5, dtype=lib.complex64), 16,
                          window=lib.hann_window(16)),
    lambda lib: lib.istft(lib.zeros(2, 16, 5, dtype=lib.complex64), 16,
                          window=lib.hann_window(16), onesided=True),
    lambda lib: lib.istft(lib.ones(2, 9, 5, dtype=lib.complex64), 16, window=lib.zeros(16)),
    lambda lib: lib.istft(lib.zeros(2, 9, 5), 16, window=lib.hann_window(16)),
    lambda lib: lib.istft(lib.zeros(2, 9, 5, dtype=lib.complex64), 16,
                          window=lib.hann_window(16), return_complex=True),
    lambda lib: lib.istft(lib.zeros(2, 2, 9, 5, dtype=lib.complex64), 16,
                          window=lib.hann_window(16)),
    lambda lib: lib.istft(lib.ones(9, 5, dtype=lib.complex64), 16, window=lib.hann_window(16),
                          center=False),
]


@pytest.mark.parametrize("fn", STFT_ERRORS)
def test_stft_errors(fn):
    _same_error(fn)


# ---- windows ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,extra", [("hann_window", ()), ("hamming_window", ()),
                                        ("hamming_window", (0.6, 0.3)),
                                        ("blackman_window", ()), ("bartlett_window", ()),
                                        ("kaiser_window", ()), ("kaiser_window", (5.0,))])
def test_window_ops(name, extra):
    for n in (0, 1, 2, 5, 8):
        for periodic in (True, False):
            for dtype in (None, "float64", "float16"):
                def call(lib):
                    kw = {} if dtype is None else {"dtype": getattr(lib, dtype)}
                    return getattr(lib, name)(n, periodic, *extra, **kw)
                tol = (1e-2, 2e-3) if dtype == "float16" else (1e-6, 1e-6)
                _close(call(ember), call(torch), *tol)


@pytest.mark.parametrize("fn", [lambda lib: lib.hann_window(-1),
                                lambda lib: lib.hann_window(4, dtype=lib.long),
                                lambda lib: lib.kaiser_window(4, dtype=lib.int32)])
def test_window_op_errors(fn):
    _same_error(fn)


WINDOWS = [("bartlett", {}), ("blackman", {}), ("cosine", {}), ("exponential", {}),
           ("exponential", {"tau": 2.5}), ("gaussian", {}), ("gaussian", {"std": 0.4}),
           ("general_cosine", {"a": [0.5, 0.3, 0.2]}), ("general_hamming", {}),
           ("general_hamming", {"alpha": 0.6}), ("hamming", {}), ("hann", {}), ("kaiser", {}),
           ("kaiser", {"beta": 3.0}), ("nuttall", {})]


@pytest.mark.parametrize("name,kw", WINDOWS)
def test_signal_windows(name, kw):
    for M in (0, 1, 2, 5, 8):
        for sym in (True, False):
            for dtype in ("float32", "float64"):
                def call(lib):
                    return getattr(lib.signal.windows, name)(M, sym=sym,
                                                             dtype=getattr(lib, dtype), **kw)
                _close(call(ember), call(torch), 1e-6, 1e-6)


def test_signal_windows_requires_grad_and_center():
    e = ember.signal.windows.hann(4, requires_grad=True)
    t = torch.signal.windows.hann(4, requires_grad=True)
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    _close(e, t)
    _close(ember.signal.windows.exponential(5, center=1.0, sym=False),
           torch.signal.windows.exponential(5, center=1.0, sym=False))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.signal.windows.hann(-1),
    lambda lib: lib.signal.windows.hann(3, dtype=lib.float16),
    lambda lib: lib.signal.windows.gaussian(3, std=0),
    lambda lib: lib.signal.windows.exponential(3, center=1.0),
    lambda lib: lib.signal.windows.exponential(3, tau=0),
    lambda lib: lib.signal.windows.kaiser(3, beta=-1),
    lambda lib: lib.signal.windows.general_cosine(3, a=[]),
    lambda lib: lib.signal.windows.general_cosine(3, a=1.0)])
def test_signal_window_errors(fn):
    _same_error(fn)
