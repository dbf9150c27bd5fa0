"""The ``nccl`` backend's preconditions.

NCCL is reached through CuPy (``cupy.cuda.nccl``), imported only when ``backend="nccl"`` is asked
for.  Without CuPy, NCCL or a GPU, ``init_process_group("nccl")`` fails at once with a clear
error.  With them, the group's collectives still run through the MPI engine, staging device
arrays through host memory (correct, not fast); native NCCL communicators are future work.
"""
from .. import _errors


def _probe():
    """``None`` when NCCL and a GPU are usable, else the reason they are not."""
    try:
        import cupy
        from cupy.cuda import nccl  # noqa: F401
    except ImportError as e:
        return f"cupy.cuda.nccl is not importable: {e}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CUDA runtime present but no driver / device
        return f"CUDA runtime error: {e}"
    return None if count > 0 else "no CUDA device"


def available():
    return _probe() is None


def check():
    why = _probe()
    if why is not None:
        raise _errors.nccl_unavailable(why)
