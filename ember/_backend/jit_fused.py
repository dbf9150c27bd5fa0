"""Fused elementwise kernels compiled with numba (optional: ``pip install ember[fast]``).

A kernel is Python source generated elsewhere (:mod:`ember._compile.fuse`) and compiled with
``@njit(nogil=True, cache=True, fastmath=False, error_model="numpy")``: no reassociation or
FMA contraction, IEEE division by zero, so exactly rounded arithmetic gives NumPy's bits.
The source is written to a file named by its hash under the cache folder (numba caches a
function by its file), so a later process loads the machine code instead of compiling it.

numba is imported on the first kernel, never at ``import ember``; without it, or with
``EMBER_JIT=0``, :func:`available` is False and callers keep their NumPy code.
"""
import hashlib
import importlib.util
import os
import sys
import tempfile

_STATE = {}      # "numba": the module, or None where missing / disabled
_KERNELS = {}    # source -> compiled kernel


def available():
    """Whether fused kernels can be compiled (numba importable, ``EMBER_JIT`` not ``0``)."""
    if "numba" not in _STATE:
        mod = None
        if os.environ.get("EMBER_JIT", "1") != "0":
            try:
                import numba as mod
            except ImportError:
                mod = None
        _STATE["numba"] = mod
    return _STATE["numba"] is not None


def _cache_dir():
    d = os.environ.get("EMBER_JIT_CACHE") or os.path.join(
        tempfile.gettempdir(), f"ember-jit-{os.getuid() if hasattr(os, 'getuid') else 0}")
    os.makedirs(d, exist_ok=True)
    return d


def kernel(source, name, examples):
    """The compiled function ``name`` defined by ``source`` (which may use ``np``), compiled
    now for arguments like ``examples`` (arrays, floats): a source numba cannot compile
    raises here, not when a program calls it."""
    key = (source, name)
    fn = _KERNELS.get(key)
    if fn is None:
        numba = _STATE["numba"]
        digest = hashlib.sha1(source.encode()).hexdigest()[:16]
        path = os.path.join(_cache_dir(), f"k_{digest}.py")
        if not os.path.exists(path):
            tmp = f"{path}.{os.getpid()}"
            with open(tmp, "w") as f:
                f.write("import numpy as np\n\n" + source)
            os.replace(tmp, path)   # atomic: another process may be writing the same file
        spec = importlib.util.spec_from_file_location(f"_ember_jit_{digest}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module   # numba's cache finds the globals by module name
        spec.loader.exec_module(module)
        fn = numba.njit(nogil=True, cache=True, fastmath=False,
                        error_model="numpy")(getattr(module, name))
        _KERNELS[key] = fn
    fn.compile(tuple(_STATE["numba"].typeof(a) for a in examples))
    return fn
