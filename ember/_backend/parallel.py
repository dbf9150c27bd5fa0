"""Intra-op parallelism of the NumPy kernels: split one op's work over a few threads.

NumPy runs one thread per call except inside BLAS, so a convolution's copies and Winograd
transforms run on one core while its GEMMs use all of them, and many small multi-threaded
GEMMs synchronise their BLAS threads once each (with spinning waits, which a busy machine
turns into long stalls).  Kernels here split their work instead: each of ``workers()``
threads runs its own share from copy to GEMM, with the BLAS single-threaded meanwhile
(NumPy releases the GIL in its loops and in BLAS calls).

The thread count follows the BLAS's (what ``torch.set_num_threads`` sets, through the
optional ``threadpoolctl``); without ``threadpoolctl`` kernels run serially.  A kernel called
from inside a share does not split again.  (OpenBLAS takes thread-count changes from the main
thread only: an op run from another thread keeps a multi-threaded BLAS in its shares, which
costs speed, not correctness.)
"""
import contextvars
import os
import queue
import threading

import numpy

_POOL = []          # [ThreadPoolExecutor], created on first use
_BLAS = []          # [threadpoolctl controller of the BLAS libraries, or None]
# Ops running shares at once in several caller threads: the first one limits the BLAS to one
# thread, the last one gives it back its own count (saved here).
_LIMIT = {"lock": threading.Lock(), "active": 0, "saved": None}
_SHARE = threading.local()      # .running: this thread is running a share
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
            if ctl.lib_controllers and threading.active_count() == 1:
                _shorten_openblas_spin(ctl)     # no other thread can be inside the BLAS
    return _BLAS[0]


# OpenBLAS's idle workers spin for 2^28 cycles (~0.1 s) after each job before they sleep:
# longer than a small model's whole step, so after one multi-threaded GEMM a worker holds a
# core that the kernels' shares (or other processes) need for the rest of the step.  2^24
# cycles (a few milliseconds) still keeps it awake between an MLP's GEMMs; at 2^20 it fell
# asleep between them, and an MLP step took about twice as long (two runs out of two).
_OPENBLAS_SPIN_LOG2 = "24"


def _shorten_openblas_spin(ctl):
    """Give NumPy's OpenBLAS workers a short spin unless ``OPENBLAS_THREAD_TIMEOUT`` is set:
    OpenBLAS reads the timeout when it starts its threads, so it is set in the environment
    for a re-read (``openblas_read_env``) and the threads are stopped, to be restarted by
    the next multi-threaded call.  Done once, while the process has no other thread
    (stopping the workers while another thread runs a GEMM would wait forever)."""
    if "OPENBLAS_THREAD_TIMEOUT" in os.environ:
        return
    for lib in ctl.lib_controllers:
        so = getattr(lib, "dynlib", None)
        read_env = getattr(so, "openblas_read_env", None)
        shutdown = getattr(so, "blas_thread_shutdown_", None)
        if lib.internal_api != "openblas" or read_env is None or shutdown is None:
            continue
        os.environ["OPENBLAS_THREAD_TIMEOUT"] = _OPENBLAS_SPIN_LOG2
        try:
            read_env()
        finally:
            del os.environ["OPENBLAS_THREAD_TIMEOUT"]
        shutdown()


def is_host(xp):
    """Whether ``xp`` (a kernel module's ``np``) is NumPy itself, not a device's module."""
    return xp is numpy


def workers():
    """How many threads one op may use: the BLAS's current thread count (1 without
    threadpoolctl, and inside a share of ``run``)."""
    ctl = _blas()
    if ctl is None or getattr(_SHARE, "running", False):
        return 1
    return max(1, min(lib.get_num_threads() for lib in ctl.lib_controllers))


class _OneBlasThread:
    """The BLAS on one thread while any caller is inside (a counted, process-wide limit: the
    first to enter saves the thread counts and sets one, the last to leave restores them).
    A plain object rather than a generator context manager: it is entered around small
    GEMMs too, where every microsecond is a few percent."""
    __slots__ = ()

    def __enter__(self):
        ctl = _blas()
        if ctl is None:
            return
        with _LIMIT["lock"]:
            if not _LIMIT["active"]:
                _LIMIT["saved"] = [lib.get_num_threads() for lib in ctl.lib_controllers]
                for lib in ctl.lib_controllers:
                    lib.set_num_threads(1)
            _LIMIT["active"] += 1

    def __exit__(self, *exc):
        ctl = _blas()
        if ctl is None:
            return
        with _LIMIT["lock"]:
            _LIMIT["active"] -= 1
            if not _LIMIT["active"]:
                for lib, n in zip(ctl.lib_controllers, _LIMIT["saved"]):
                    lib.set_num_threads(n)


_ONE_BLAS_THREAD = _OneBlasThread()


def _single_threaded_blas():
    """A context manager that holds the BLAS at one thread (see ``_OneBlasThread``)."""
    return _ONE_BLAS_THREAD


def run(fn, shares, threads=True):
    """``[fn(share) for share in shares]``, the shares run at once on as many threads (the
    calling thread takes the first, each runs in the caller's context), with the BLAS
    single-threaded until all have finished; one after another if not ``threads``."""
    if len(shares) < 2 or not threads or getattr(_SHARE, "running", False):
        return [fn(share) for share in shares]
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor
        _POOL.append(ThreadPoolExecutor(max(1, (os.cpu_count() or 2) - 1), "ember-intra-op"))
    with _single_threaded_blas():
        # each share in a copy of the caller's context: NumPy's errstate lives there
        jobs = [_POOL[0].submit(contextvars.copy_context().run, _run_share, fn, share)
                for share in shares[1:]]
        try:
            first = _run_share(fn, shares[0])
        finally:
            for job in jobs:        # every share ends before the BLAS gets its threads back
                job.exception()
    return [first] + [job.result() for job in jobs]


def overlapped(main, side):
    """Run ``main(hand)`` on the calling thread while a pool thread runs ``side(item)`` on
    each item that ``main`` passes to ``hand``, in order, as soon as it is handed over (the
    BLAS single-threaded meanwhile, as in ``run``).  Returns ``main``'s result and the list of
    ``side``'s.  With one thread, the items are processed after ``main`` has returned."""
    if workers() < 2:
        items = []
        result = main(items.append)
        return result, [side(item) for item in items]
    handed, end = queue.SimpleQueue(), object()

    def produce():
        try:
            return main(handed.put)
        finally:
            handed.put(end)

    def consume():
        return [side(item) for item in iter(handed.get, end)]

    return tuple(run(lambda fn: fn(), [produce, consume]))


def _run_share(fn, share):
    _SHARE.running = True
    try:
        return fn(share)
    finally:
        _SHARE.running = False
