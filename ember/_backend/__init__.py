"""Array backends: the only layer that knows which array library holds a tensor's data.

* ``cpu``  — NumPy.
* ``cuda`` — CuPy, imported lazily when the first CUDA tensor is made.
* ``fake`` — a test-only CUDA on NumPy (``EMBER_FAKE_CUDA=1`` or ``enable_fake_cuda()``), so
  that CI, which has no GPU, can check device semantics: placement, copies and mixed-device
  errors.  ``EMBER_FAKE_CUDA=strict`` (or ``enable_fake_cuda(strict=True)``) stores CuPy-shaped
  arrays (``strict.py``) that refuse silent conversion to NumPy: the seam test for the GPU.

A backend exposes ``xp`` (the NumPy-compatible array module) plus the kernels that differ per
library (see ``numpy_backend.Backend``).
"""
import os

_instances = {}   # (device type, index) -> backend
_bound = set()    # device objects given a backend by bind(): the one device -> backend registry
_fake_cuda = [os.environ.get("EMBER_FAKE_CUDA", "") not in ("", "0")]
_strict = [os.environ.get("EMBER_FAKE_CUDA", "") == "strict"]
_current_cuda = [0]


def enable_fake_cuda(flag=True, strict=None):
    """Make ``cuda`` devices resolve to the NumPy-backed fake (tests only); ``strict=True``
    gives it CuPy-shaped arrays (``strict.py``), ``None`` keeps the current choice."""
    _fake_cuda[0] = bool(flag)
    if strict is not None:
        _strict[0] = bool(strict)
    for key in [k for k in _instances if k[0] == "cuda"]:
        del _instances[key]
    for d in _bound:
        if d.type == "cuda":
            d._backend = None


def bind(dev):
    """Resolve a device's backend and remember the binding, so that switching the fake CUDA
    backend can undo it."""
    b = dev._backend = get(dev.type, dev.index)
    _bound.add(dev)
    return b


def fake_cuda_enabled():
    return _fake_cuda[0]


def current_cuda_index():
    return _current_cuda[0]


def cuda_device_count():
    if _fake_cuda[0]:
        return int(os.environ.get("EMBER_FAKE_CUDA_DEVICES", "2"))
    from . import cuda_probe
    return cuda_probe.device_count()


def cuda_unavailable_reason():
    """Why ``cuda`` has no working backend (None when it has one)."""
    if _fake_cuda[0]:
        return None
    from . import cuda_probe
    return cuda_probe.unavailable_reason()


def get(dev_type, index):
    key = (dev_type, index)
    b = _instances.get(key)
    if b is not None:
        return b
    if dev_type == "cpu":
        from . import parallel
        from .numpy_backend import CPU
        b = CPU()
        # (reads the BLAS's threads once, and shortens OpenBLAS's idle spin before the first
        # product: a spinning worker would hold a core for ~0.1 s after each multi-threaded GEMM)
        parallel._blas()
    elif dev_type == "cuda":
        if _fake_cuda[0]:
            if _strict[0]:
                from .strict import StrictCUDA as cls
            else:
                from .numpy_backend import FakeCUDA as cls
            b = cls(index)
        else:
            from .cuda_probe import load_cuda_backend
            b = load_cuda_backend(index)
    elif dev_type == "meta":
        from .numpy_backend import Meta
        b = Meta()
    else:
        from .. import _errors
        raise _errors.backend_unavailable(dev_type)
    _instances[key] = b
    return b
