"""Finding a usable CUDA without ever raising: CuPy, a driver and a GPU must all be present,
and a kernel must actually run there.

The probe runs once per process and is cached: import CuPy, count the devices, import ember's
CuPy backend, then run one small reduction on device 0 and check its value.  Any failure means
CUDA is unavailable, and the reason is kept for the error a CUDA call raises (which says what to
install)."""
_probe = {}


def _run_probe():
    try:
        import cupy
    except Exception as exc:  # noqa: BLE001 - no CuPy (or a broken install): no CUDA
        return None, 0, f"CuPy is not importable ({type(exc).__name__}: {exc})"
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001 - no driver or no GPU
        return None, 0, f"no CUDA driver or device ({type(exc).__name__}: {exc})"
    if n <= 0:
        return None, 0, "no CUDA device"
    try:
        from . import cupy_backend  # noqa: F401  (ember's own backend must import too)
        with cupy.cuda.Device(0):
            got = float(cupy.arange(4, dtype=cupy.float32).sum())
        if got != 6.0:
            return None, 0, f"a probe kernel gave {got}, not 6.0"
    except Exception as exc:  # noqa: BLE001 - e.g. a wheel for another CUDA version
        return None, 0, f"a probe kernel failed ({type(exc).__name__}: {exc})"
    return cupy, n, None


def _cupy():
    if "cupy" not in _probe:
        _probe["cupy"], _probe["count"], _probe["why"] = _run_probe()
    return _probe["cupy"]


def device_count():
    _cupy()
    return _probe["count"]


def unavailable_reason():
    """Why CUDA is unavailable (None when it works)."""
    _cupy()
    return _probe["why"]


def load_cuda_backend(index):
    cp = _cupy()
    if cp is None:
        from .. import _errors
        raise _errors.cuda_unavailable(_probe["why"])
    from .cupy_backend import CUDA
    return CUDA(index)
