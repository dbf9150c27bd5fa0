"""Oracle entries for stft / istft and the window ops (ember/_ops/spectral.py, windows.py).
Complex spectra are compared as (real, imag).  More cases in tests/test_spectral.py."""
from .spec import OpSpec, Case, T, DT


def _parts(y):
    return (y.real, y.imag) if y.dtype.is_complex else y


def _stft(lib, x, n_fft, **kw):
    w = lib.hann_window(kw.get("win_length", n_fft), dtype=x.dtype)
    return _parts(lib.stft(x, n_fft, window=w, return_complex=True, **kw))


def _round_trip(lib, x, n_fft, **kw):
    """istft of stft: the reconstruction, differentiable in the signal."""
    w = lib.hann_window(n_fft, dtype=x.dtype)
    return lib.istft(lib.stft(x, n_fft, window=w, return_complex=True), n_fft, window=w, **kw)


def _windows(name, *extra):
    return OpSpec(name, [Case((n, periodic, *extra), {"dtype": DT()},
                              name=f"{n}-{periodic}")
                         for n in (0, 1, 5, 8) for periodic in (True, False)]
                  + [Case((-1,), name="negative", error=True)],
                  tol={"float32": (1e-5, 1e-6)})


SPECS = [
    OpSpec("stft", [Case((T((2, 64)), 16)), Case((T((50,)), 12), {"hop_length": 5},
                                                  name="1d_hop"),
                    Case((T((2, 64)), 16), {"center": False, "normalized": True},
                         name="no_center"),
                    Case((T((2, 64)), 16), {"onesided": False, "pad_mode": "constant"},
                         name="twosided"),
                    Case((T((2, 64)), 16), {"win_length": 10}, name="short_window")],
           call=_stft, tol={"float32": (1e-4, 1e-5)}),
    OpSpec("istft", [Case((T((2, 64)), 16)), Case((T((50,)), 8), {"length": 45},
                                                  name="length")],
           call=_round_trip, tol={"float32": (1e-4, 1e-5)}),
    _windows("hann_window"), _windows("hamming_window"), _windows("hamming_window", 0.6, 0.3),
    _windows("blackman_window"), _windows("bartlett_window"), _windows("kaiser_window"),
    _windows("kaiser_window", 4.0),
]
