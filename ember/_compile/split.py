"""Large elementwise calls of a replay split into row blocks computed at once.

NumPy runs a ufunc on one thread (its loops release the GIL, but nothing splits them), so in
an eager step the ReLUs, masks and residual adds of big activations use one core while the
GEMMs use all of them.  A replayed call whose result is large and C-contiguous can compute its
rows in ``parts`` blocks on as many threads instead; an elementwise result does not depend on
how its rows are grouped, so the values are bitwise those of the single call.

Fused kernels (:mod:`.fuse`) are split the same way, in blocks of their outer loop.

Off unless ``EMBER_COMPILE_SPLIT_MIB`` gives the smallest result (MiB) to split: on the
loaded 2-core machine it was measured on, the second core was never free (a split ReLU of
8 MiB took 0.81 ms against 0.77), and OpenBLAS threads spin on the other cores for a while
after each GEMM, so the gain has to be shown on an idle machine first.
"""
import os

import numpy as np

_MIB = os.environ.get("EMBER_COMPILE_SPLIT_MIB")
MIN_BYTES = None if not _MIB else int(float(_MIB) * (1 << 20))   # None: no call is split
_POOL = []             # [ThreadPoolExecutor], created on first use
os.register_at_fork(after_in_child=_POOL.clear)   # a forked child has none of the threads


def parts():
    """Blocks per split call: the cores this process may use, at most 4."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        n = os.cpu_count() or 1
    return min(n, 4)


def splits(shape, dtype, strides, k):
    """Whether a fresh result of this layout is split into ``k`` row blocks."""
    return (MIN_BYTES is not None and k > 1 and len(shape) > 0 and shape[0] >= k and
            int(np.prod(shape)) * dtype.itemsize >= MIN_BYTES and
            np.empty(shape, dtype).strides == strides)


def kernel_splits(shape, nbytes, k):
    """Whether a fused kernel looping over ``shape`` and writing ``nbytes`` runs in ``k``
    blocks of its outer loop."""
    return MIN_BYTES is not None and k > 1 and shape[0] >= k and nbytes >= MIN_BYTES


def call(uf, shape, dtype, k, *args, out=None):
    """``uf(*args, out=out)`` (a new C-contiguous result when ``out`` is None) computed in
    ``k`` row blocks at once; arguments that broadcast along the first axis go whole."""
    if out is None:
        out = np.empty(shape, dtype)
    n, nd = shape[0], len(shape)
    bounds = [n * j // k for j in range(k + 1)]

    def block(j):
        lo, hi = bounds[j], bounds[j + 1]
        uf(*[a[lo:hi] if getattr(a, "ndim", 0) == nd and a.shape[0] == n else a
             for a in args], out=out[lo:hi])

    _at_once(block, k)
    return out


def kernel(fn, k, *args):
    """The fused kernel ``fn(*args)`` (:mod:`.fuse`; numba releases the GIL) run on ``k``
    blocks of its outer loop at once: every array argument has the loop's shape, the other
    arguments are numbers.  Each element is computed alone, so the bits are the same."""
    n = args[0].shape[0]
    bounds = [n * j // k for j in range(k + 1)]

    def block(j):
        lo, hi = bounds[j], bounds[j + 1]
        fn(*[a[lo:hi] if a.__class__ is np.ndarray else a for a in args])

    _at_once(block, k)


def _at_once(block, k):
    """``block(j)`` for ``j < k``, the first on this thread, the others on the pool; returns
    when all have ended (raising the first error)."""
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor
        _POOL.append(ThreadPoolExecutor(3, "ember-compile-split"))
    jobs = [_POOL[0].submit(block, j) for j in range(1, k)]
    try:
        block(0)
    finally:
        for job in jobs:   # every block ends before the result is used (or the error raised)
            job.exception()
    for job in jobs:
        job.result()
