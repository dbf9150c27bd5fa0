"""The optional numba JIT (the ``fast`` extra).

Kernel modules written for numba (``jit_*``) are imported through ``load``, which answers None
when numba is not installed, cannot serve this NumPy, finds no writable cache directory, or is
switched off with ``EMBER_JIT=0``; callers then run their NumPy or Python kernels, which compute
the same results.  Nothing here imports numba before a kernel is first needed.
"""
import importlib
import os

_loaded = {}


def load(name):
    """The kernel module ``ember._backend.<name>``, or None (see the module docstring)."""
    if name not in _loaded:
        _loaded[name] = _import(name)
    return _loaded[name]


def _import(name):
    if os.environ.get("EMBER_JIT", "1") == "0":
        return None
    try:
        return importlib.import_module("." + name, __package__)
    except ImportError:     # numba is missing, or does not support this NumPy
        return None
    except RuntimeError:    # numba found no writable directory for its cache
        return None
