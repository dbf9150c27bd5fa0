"""Intra-op parallelism of the NumPy kernels: split one op's work over a few threads.

NumPy runs one thread per call except inside BLAS, so a convolution's copies and Winograd
transforms run on one core while its GEMMs use all of them, and many small multi-threaded
GEMMs synchronise their BLAS threads once each (with spinning waits, which a busy machine
turns into long stalls).  Kernels here split their work instead: each of ``workers()``
threads runs its own share from copy to GEMM, with the BLAS single-threaded meanwhile
(NumPy releases the GIL in its loops and in BLAS calls).

The thread count follows the BLAS's (what ``torch.set_num_threads`` sets, through the
optional ``threadpoolctl``); without ``threadpoolctl`` kernels run serially.  A kernel called
from inside a share sees a single-threaded BLAS, so it does not split again.
"""
import contextlib
import contextvars
import os

import numpy

_POOL = []          # [ThreadPoolExecutor], created on first use
_BLAS = []          # [threadpoolctl controller of the BLAS libraries, or None]
os.register_at_fork(after_in_child=_POOL.clear)   # a forked child has none of the threads


def _blas():
    if not _BLAS:
        try:
            import threadpoolctl
        except ImportError:
            _BLAS.append(None)
        else:
            ctl = threadpoolctl.ThreadpoolController().select(user_api="blas")
            _BLAS.append(ctl if ctl.lib_controllers else None)
    return _BLAS[0]


def is_host(xp):
    """Whether ``xp`` (a kernel module's ``np``) is NumPy itself, not a device's module."""
    return xp is numpy


def workers():
    """How many threads one op may use: the BLAS's current thread count (1 without
    threadpoolctl, and inside a share of ``run``)."""
    ctl = _blas()
    if ctl is None:
        return 1
    return max(1, min(lib.get_num_threads() for lib in ctl.lib_controllers))


def run(fn, shares):
    """``[fn(share) for share in shares]``, the shares run at once on as many threads (the
    calling thread takes the first, each runs in the caller's context), with the BLAS
    single-threaded until all have finished."""
    if len(shares) < 2:
        return [fn(share) for share in shares]
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor
        _POOL.append(ThreadPoolExecutor(max(1, (os.cpu_count() or 2) - 1), "ember-intra-op"))
    ctl = _blas()
    with contextlib.nullcontext() if ctl is None else ctl.limit(limits=1):
        # each share in a copy of the caller's context: NumPy's errstate lives there
        jobs = [_POOL[0].submit(contextvars.copy_context().run, fn, share)
                for share in shares[1:]]
        try:
            first = fn(shares[0])
        finally:
            for job in jobs:        # every share ends before the BLAS gets its threads back
                job.exception()
    return [first] + [job.result() for job in jobs]
