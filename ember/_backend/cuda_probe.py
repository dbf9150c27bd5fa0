"""Finding a usable CUDA without ever raising: CuPy, a driver and a GPU must all be present."""
_probe = {}


def _cupy():
    if "cupy" not in _probe:
        try:
            import cupy
            n = cupy.cuda.runtime.getDeviceCount()
            _probe["cupy"] = cupy if n > 0 else None
            _probe["count"] = n
        except Exception:  # no CuPy, no driver or no GPU: CUDA is simply unavailable
            _probe["cupy"] = None
            _probe["count"] = 0
    return _probe["cupy"]


def device_count():
    _cupy()
    return _probe["count"]


def load_cuda_backend(index):
    cp = _cupy()
    if cp is None:
        from .. import _errors
        raise _errors.cuda_unavailable()
    from .cupy_backend import CUDA
    return CUDA(index)
