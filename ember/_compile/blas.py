"""Small GEMMs of a replay on one BLAS thread.

A GEMM of a few hundred thousand multiply-adds (an LSTM step's ``h @ W_hh.T``: 16 x 128 x 512)
takes tens of microseconds; OpenBLAS still splits it over all its threads, which must wake
and meet once per call.  On an idle machine that is a wash; on a busy one a worker waits for
a free core and a 30 µs GEMM takes milliseconds (compiled LSTM step, 2 BLAS threads, loaded
2-core machine: 170-320 ms, against 18 ms on one thread).  Eager code would pay a thread-count
switch per call; a replay knows its GEMMs in advance and switches once per run of small
GEMMs and the elementwise calls between them.

The thread count can change a GEMM's rounding (OpenBLAS blocks a long inner dimension per
thread count: 64 x 784 x 512 differs in the last bits), so a capture runs each small GEMM
again on one thread and keeps the switch only where the two results are bitwise equal.
"""
import operator
import os
from math import prod

import numpy as np

from .._backend import gemm, parallel

# EMBER_COMPILE_ONE_THREAD=0 turns the switch off (to compare on an idle machine)
ENABLED = os.environ.get("EMBER_COMPILE_ONE_THREAD", "1") != "0"
# multiply-adds (M * N * K) of a GEMM run on one thread (of each matrix of a stacked matmul:
# NumPy calls the BLAS once per matrix): eager's bound for 2-D products, so that a replay
# computes what the eager call did
SMALL = gemm.ONE_THREAD_MACS

# calls that use no BLAS (a region of one-thread GEMMs stays open across them), besides
# ufuncs, their methods and attribute reads (``.T``)
_FREE = frozenset((operator.getitem, operator.setitem, np.reshape, np.ndarray.reshape,
                   np.swapaxes, np.ndarray.swapaxes, np.transpose, np.broadcast_to, np.empty,
                   np.zeros, np.ones, np.empty_like, np.zeros_like, np.copyto, np.concatenate,
                   np.stack, np.sum, np.max, np.min, np.mean, np.array, np.ascontiguousarray,
                   np.ndarray.astype, np.ndarray.copy, np.ndarray.sum, np.ndarray.max,
                   np.ndarray.min, np.ndarray.mean, np.amax, np.amin))


def multi_threaded():
    """Whether the switch is on and the BLAS runs on several threads (else there is nothing
    to switch)."""
    return ENABLED and parallel.workers() > 1


def blas_free(fn):
    """Whether ``fn`` is known to call no BLAS."""
    if isinstance(fn, (np.ufunc, operator.attrgetter)) or \
            isinstance(getattr(fn, "__self__", None), np.ufunc):
        return True
    try:
        return fn in _FREE
    except TypeError:   # unhashable
        return False


def one_thread_is_same(fn, args, kwargs, result):
    """For ``matmul``: whether this small call, run again on one BLAS thread, gives bitwise
    ``result`` (what it gave on the BLAS's threads)."""
    if result.__class__ is not np.ndarray or result.ndim == 0 or len(args) < 2:
        return False
    if prod(result.shape[-2:]) * np.shape(args[0])[-1] >= SMALL:   # one BLAS call's work
        return False
    kwargs = {k: v for k, v in (kwargs or {}).items() if k != "out"}
    with parallel._single_threaded_blas():
        again = fn(*args, **kwargs)
    return again.dtype == result.dtype and again.tobytes() == result.tobytes()


class OneThread:
    """The replay's switch: ``enter()`` puts the BLAS on one thread (counted with the intra-op
    kernels' own switch), ``exit()`` gives the threads back; ``exit`` is safe to repeat."""
    __slots__ = ("_cm",)

    def __init__(self):
        self._cm = None

    def enter(self):
        self._cm = parallel._single_threaded_blas()
        self._cm.__enter__()

    def exit(self):
        cm, self._cm = self._cm, None
        if cm is not None:
            cm.__exit__(None, None, None)
