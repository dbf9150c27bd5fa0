"""What a result depends on: date, machine, CPU model, library versions, NumPy's BLAS, the
OpenBLAS environment variables that select its kernels, and whether Ember's numba kernels
can load."""
import datetime
import os
import platform

OPENBLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def numpy_blas():
    """threadpoolctl's view of the BLAS NumPy loaded (torch's own BLAS is filtered out)."""
    import numpy  # noqa: F401  (loads the BLAS threadpoolctl inspects)
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl, or ember[bench])"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
            return ", ".join(f"{k}={pool.get(k)}" for k in
                             ("internal_api", "version", "num_threads", "architecture"))
    return "not found by threadpoolctl"


def describe(blas, libs):
    """Markdown bullet lines; ``blas`` from ``numpy_blas()``, ``libs`` name -> module."""
    import numpy
    torch = libs.get("torch")
    env = ", ".join(f"{k}={os.environ.get(k, 'unset')}" for k in OPENBLAS_ENV)
    return [
        f"- Date: {datetime.datetime.now():%Y-%m-%d %H:%M}",
        f"- Machine: {platform.node()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs",
        f"- CPU: {cpu_model()}",
        f"- Python {platform.python_version()}, NumPy {numpy.__version__}, "
        + ", ".join(f"{name} {lib.__version__}" for name, lib in libs.items())
        + (f" ({torch.get_num_threads()} intra-op threads)" if torch else ""),
        f"- NumPy BLAS: {blas}",
        f"- {env}",
        f"- numba (ember's optional `fast` extra): {_numba()}, "
        f"EMBER_JIT={os.environ.get('EMBER_JIT', 'unset')}",
    ]


def load():
    """The 1-minute load average ("unknown" where the system has none)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def _numba():
    import importlib.metadata
    try:
        return importlib.metadata.version("numba")
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
