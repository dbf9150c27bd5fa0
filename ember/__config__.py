"""``torch.__config__``: how this installation computes (``show``) and its threads
(``parallel_info``), in PyTorch's layout so that libraries reading the text (for example
looking for ``USE_MKL=OFF``) find the settings they look for.  Ember is pure Python on NumPy:
PyTorch's native build features (MKL, oneDNN, OpenMP, cuDNN) are off; BLAS is NumPy's."""
import os

from . import _global_state, version
from .utils import collect_env

__all__ = ["show", "parallel_info"]


def _on(flag):
    return "ON" if flag else "OFF"


def show():
    """The build summary: versions, NumPy's BLAS, CPU extensions and the build settings."""
    cuda = bool(collect_env._version("cupy-cuda12x") or collect_env._version("cupy"))
    mpi = bool(collect_env._version("mpi4py"))
    _, vector = collect_env._cpu()
    settings = {"BLAS_INFO": "numpy", "LAPACK_INFO": "numpy",
                "TORCH_VERSION": version.PYTORCH_VERSION, "EMBER_VERSION": version.EMBER_VERSION,
                "USE_CUDA": int(cuda), "USE_CUDNN": "OFF", "USE_MKL": "OFF",
                "USE_MKLDNN": "OFF", "USE_MPI": _on(mpi), "USE_NCCL": "OFF",
                "USE_OPENMP": "OFF", "USE_ROCM": "OFF", "USE_XPU": "OFF"}
    return "\n".join([
        "PyTorch API provided by Ember, built with:",
        f"  - NumPy {collect_env._version('numpy')} (BLAS: {collect_env._blas()})",
        f"  - CPU vector extensions: {', '.join(vector) or 'none found'}",
        "  - Build settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()) + ", ",
        ""])


def parallel_info():
    """Thread settings: Ember's intra-op / inter-op thread counts and NumPy's BLAS threads."""
    env = "".join(f"\t{k} : {os.environ.get(k, '[not set]')}\n"
                  for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"))
    return (f"Ember threads:\n"
            f"\ttorch.get_num_threads() : {_global_state.get_num_threads()}\n"
            f"\ttorch.get_num_interop_threads() : {_global_state.get_num_interop_threads()}\n"
            f"NumPy BLAS: {collect_env._blas()}\n"
            f"CPUs: {os.cpu_count()}\n"
            f"Environment variables:\n{env}")
