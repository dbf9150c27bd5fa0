"""Process-wide switches of ``torch``: BLAS threads, determinism, float32 matmul precision,
denormals, and the build facts torch reports (``has_lapack``, ``compiled_with_cxx11_abi``...).

``set_num_threads`` sets the number of threads of the BLAS library NumPy uses (through
``threadpoolctl``, the optional ``ember[threads]`` extra); without it the request is kept and
reported back but the BLAS keeps its own setting (a warning says so, once).
"""
import os
import warnings

from . import _errors

__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_float32_matmul_precision", "get_float32_matmul_precision",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_flush_denormal",
           "init_num_threads", "is_vulkan_available", "compiled_with_cxx11_abi", "has_lapack",
           "has_mkl", "has_openmp", "has_spectral"]

# What this build has, in torch's terms: LAPACK through NumPy, FFTs through numpy.fft; the BLAS
# is NumPy's (OpenBLAS, not MKL) and Ember's threads are not OpenMP's.
has_lapack = has_spectral = True
has_mkl = has_openmp = False

_state = {"threads": None, "interop": None, "deterministic": False, "warn_only": False,
          "precision": "highest", "warned": False}
_PRECISIONS = ("highest", "high", "medium")


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        if not _state["warned"]:
            _state["warned"] = True
            warnings.warn(_errors.threads_without_threadpoolctl(), UserWarning, stacklevel=3)
        return None
    return threadpoolctl


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:     # not on Linux
        return os.cpu_count() or 1


def _positive_int(n, fn):
    if not isinstance(n, int) or isinstance(n, bool):
        raise _errors.threads_not_int(fn, n)
    if n <= 0:
        raise _errors.threads_not_positive(fn)


def set_num_threads(n):
    """Use ``n`` threads for intra-op work (the BLAS library's thread pool)."""
    _positive_int(n, "set_num_threads")
    _state["threads"] = n
    tpc = _threadpoolctl()
    if tpc is not None:
        tpc.threadpool_limits(limits=n, user_api="blas")


def get_num_threads():
    tpc = _threadpoolctl() if _state["threads"] is None else None
    if tpc is not None:
        blas = [i["num_threads"] for i in tpc.threadpool_info() if i["user_api"] == "blas"]
        if blas:
            return blas[0]
    return _state["threads"] or _cpu_count()


def set_num_interop_threads(n):
    """Inter-op parallelism: Ember runs ops one after another, so this is only recorded."""
    _positive_int(n, "set_num_interop_threads")
    _state["interop"] = n


def get_num_interop_threads():
    return _state["interop"] or _cpu_count()


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ember's CPU kernels are deterministic already; the flags are kept for code that reads
    them back (and for backends with non-deterministic kernels)."""
    if not isinstance(mode, bool):
        raise _errors.argument_type("_set_deterministic_algorithms", "mode", 1, mode, "bool")
    if not isinstance(warn_only, bool):
        raise _errors.keyword_type("_set_deterministic_algorithms", "warn_only", warn_only)
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode):
    """0 / "default": off; 1 / "warn": deterministic algorithms, warning only; 2 / "error":
    deterministic algorithms (the same switches as ``use_deterministic_algorithms``)."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise _errors.debug_mode_str(debug_mode)
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int):
        raise _errors.debug_mode_type(debug_mode)
    elif debug_mode not in (0, 1, 2):
        raise _errors.debug_mode_int(debug_mode)
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_flush_denormal(mode):
    """False: NumPy's arithmetic runs under the CPU's default floating-point mode, which Ember
    does not change, so denormals are kept (torch returns True where it could switch them off)."""
    return False


def init_num_threads():
    """Nothing to do: NumPy's BLAS sets its threads up when it loads."""


def is_vulkan_available():
    return False


def compiled_with_cxx11_abi():
    return True


def set_float32_matmul_precision(precision):
    """"highest" / "high" / "medium": NumPy computes float32 matmuls in float32 for all three."""
    if precision not in _PRECISIONS:
        warnings.warn(_errors.matmul_precision_ignored(precision), UserWarning, stacklevel=2)
        return
    _state["precision"] = precision


def get_float32_matmul_precision():
    return _state["precision"]
