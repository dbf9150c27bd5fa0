"""Oracle entries for the FFT primitives (ember/_ops/fft.py), exercised through torch.fft's
functions.  Complex results are compared as (real, imag) so that gradients and float64
gradcheck see real outputs; complex inputs are built from two real inputs."""
from .spec import OpSpec, Case, T


def _parts(y):
    return (y.real, y.imag) if y.dtype.is_complex else y


def _fft(name, complex_input=False):
    """``lib.fft.<name>``; with ``complex_input`` the first two inputs are the real and
    imaginary parts of the signal."""
    if complex_input:
        def call(lib, re, im, *a, **k):
            ct = lib.complex64 if re.dtype == lib.float32 else lib.complex128
            return _parts(getattr(lib.fft, name)(re.to(ct) + im.to(ct) * 1j, *a, **k))
    else:
        def call(lib, *a, **k):
            return _parts(getattr(lib.fft, name)(*a, **k))
    return call


def _real_cases(*kwargs_list, shape=(4, 6)):
    return [Case((T(shape),), kw, name=str(kw)) for kw in kwargs_list] + [
        Case((T((6, 4), noncontig=True),), name="noncontig"),
        Case((T((8,), "int64", -3, 3),), name="int64"),
        Case((T((2, 3, 4)),), name="3d")]


def _complex_cases(*kwargs_list):
    return [Case((T((4, 6)), T((4, 6))), kw, name=f"complex {kw}") for kw in kwargs_list]


ONE = ({}, {"norm": "ortho"}, {"norm": "forward"}, {"n": 5}, {"n": 9, "dim": 0})
NDIM = ({}, {"norm": "ortho"}, {"norm": "forward"}, {"s": (3, 7)}, {"s": (5,), "dim": (0,)},
        {"dim": (0,)})
F32 = {"float32": (1e-4, 1e-4)}


def _specs(op, name, kwargs, real=True, complex_=True):
    out = []
    if real:
        out.append(OpSpec(op, _real_cases(*kwargs), call=_fft(name), tol=F32))
    if complex_:
        out.append(OpSpec(op, _complex_cases(*kwargs), call=_fft(name, True), tol=F32))
    return out


SPECS = [
    *_specs("_fft_r2c", "fft", ONE, complex_=False),
    *_specs("_fft_c2c", "fft", ONE, real=False),
    *_specs("_fft_c2c", "ifft", ONE),
    *_specs("_fft_r2c", "rfft", ONE, complex_=False),
    *_specs("_fft_c2r", "irfft", ONE),
    *_specs("_fft_c2r", "hfft", ONE),
    *_specs("_fft_r2c", "ihfft", ONE, complex_=False),
    *_specs("_fft_c2c", "fftn", NDIM),
    *_specs("_fft_c2c", "ifft2", NDIM[:4]),
    *_specs("_fft_r2c", "rfftn", NDIM, complex_=False),
    *_specs("_fft_c2r", "irfftn", NDIM),
    *_specs("_fft_c2r", "hfft2", NDIM[:4]),
    *_specs("_fft_c2c", "ihfftn", NDIM, complex_=False),
    OpSpec("_fft_r2c", [Case((T((3,), "complex64"),), name="complex", error=True),
                        Case((T((3,), "float16"),), name="half", error=True),
                        Case((T((4, 6)),), {"n": 0}, name="n0", error=True),
                        Case((T((4, 6)),), {"norm": "bad"}, name="badnorm", error=True)],
           call=_fft("rfft")),
    OpSpec("_fft_c2r", [Case((T((4, 1), "complex64"),), name="n0", error=True)],
           call=_fft("irfft")),
    OpSpec("_fft_c2c", [Case((T((4, 6)),), {"dim": (0, 0)}, name="dup", error=True),
                        Case((T((4, 6)),), {"s": (1, 2, 3)}, name="long_s", error=True),
                        Case((T((4, 6)),), {"s": (2,), "dim": (0, 1)}, name="s_dim",
                             error=True)],
           call=_fft("fftn")),
    # the primitives called directly, as torch._fft_c2c etc.
    OpSpec("_fft_r2c", [Case((T((4, 6)), (1,), 1, True))],
           call=lambda lib, x, *a: _parts(lib._fft_r2c(x, *a)), tol=F32, gradgradcheck=True),
    OpSpec("_fft_c2c", [Case((T((4, 6)), T((4, 6)), (0, 1), 2, False))],
           call=lambda lib, re, im, *a: _parts(lib._fft_c2c(
               re.to(lib.complex128) + im.to(lib.complex128) * 1j, *a)), dtypes=("float64",),
           gradgradcheck=True),
    OpSpec("_fft_c2r", [Case((T((4, 4)), T((4, 4)), (1,), 0, 6))],
           call=lambda lib, re, im, *a: lib._fft_c2r(
               re.to(lib.complex128) + im.to(lib.complex128) * 1j, *a), dtypes=("float64",),
           gradgradcheck=True),
]
