"""The CPU backend's matrix product: ``a @ b`` with the operand layouts that NumPy's OpenBLAS
handles fastest (measured: "GEMM shapes on two cores" in ``docs/performance.md``).

* An operand whose matrices have no unit stride (a column slice ``x[:, ::2]``, a flipped or
  doubly strided view) is not a BLAS operand for NumPy: its matmul falls back to its own
  loop, 10-40x slower than copying the operand first, which is what this does.
* A float32 product ``a @ b`` of few rows (8-64) whose ``b`` is a transposed C-contiguous
  matrix (a Linear layer's ``x @ W.t()``) is computed as ``(b.T @ a.T).T``: OpenBLAS's
  SkylakeX kernels are 10-45% faster that way round for these shapes (up to 2x for 8-16
  rows), which pays for copying the small product back to C order.

Neither changes how an element is summed beyond the BLAS kernel's own blocking (the inner
dimension is never split).  Splitting products over threads by rows, columns or stacked
matrices was measured too and did not pay (same section).

* A 2-D product of 2^21 to 2^24 multiply-adds (a small model's Linear layer and its
  gradients) runs on one BLAS thread outside the intra-op kernels' shares: alone it gains
  from OpenBLAS's second thread, but the worker it wakes then spins beside the convolution
  shares that follow (and a busy machine makes the caller wait for it), which cost a LeNet
  step more than the product saved.  The thread count changes OpenBLAS's rounding of most
  such shapes, so these products equal the one-thread ones, not the two-thread ones
  (measured: "Small GEMMs on one BLAS thread (seventh round)" in ``docs/performance.md``).
"""
import numpy as np

from . import parallel

_F32 = np.dtype(np.float32)
# transposed-weight products of float32 turned round (measured window, one thread)
_SWAP_ROWS = (8, 64)
_SWAP_MIN_INNER = 256       # K and N at least this
# 2-D products of fewer multiply-adds (M * K * N) than ONE_THREAD_MACS run on one BLAS thread
# (LeNet's Linear layers: 2^23.6; an MLP's at batch 64: 2^24 and more), from _SWITCH_FROM on:
# switching costs about 6 us (threadpoolctl's calls, twice), a tenth of a one-thread product
# of 2^21; OpenBLAS itself runs products of 2^18 or fewer on one thread
ONE_THREAD_MACS = 1 << 24
_SWITCH_FROM = 1 << 21


def _blas_operand(x):
    """Whether NumPy's matmul can hand the matrices of ``x`` to the BLAS as they are (one of
    the last two strides is one element, the other at least the matrix's extent)."""
    s1, s2 = x.strides[-2:]
    it = x.itemsize
    return (s2 == it and s1 >= x.shape[-1] * it) or (s1 == it and s2 >= x.shape[-2] * it)


def _turn_round(a, b):
    """Whether the matrix product ``a @ b`` runs faster as ``(b.T @ a.T).T``: float32, 8-64
    rows, K and N of 256 or more, ``a`` C-contiguous and ``b`` a transposed C-contiguous
    matrix (column-major)."""
    m, k = a.shape
    return (k >= _SWAP_MIN_INNER and _SWAP_ROWS[0] <= m <= _SWAP_ROWS[1]
            and b.shape[1] >= _SWAP_MIN_INNER and a.dtype is _F32 and a.flags.c_contiguous
            and b.flags.f_contiguous and not b.flags.c_contiguous)


def _matmul_2d(a, b):
    return (b.T @ a.T).T.copy() if _turn_round(a, b) else a @ b


def matmul(a, b):
    """``a @ b`` for arrays of the CPU backend (NumPy arrays, or a capture's recording
    wrappers, which record the same calls).  It runs for every product, the smallest
    included, so the common case costs a few attribute reads."""
    if a.ndim == 2 == b.ndim:
        if not (a.flags.forc or _blas_operand(a)):
            a = a.copy()
        if not (b.flags.forc or _blas_operand(b)):
            b = b.copy()
        if _SWITCH_FROM <= a.shape[0] * a.shape[1] * b.shape[1] < ONE_THREAD_MACS and \
                parallel.workers() > 1:
            with parallel._single_threaded_blas():
                return _matmul_2d(a, b)
        return _matmul_2d(a, b)
    if a.ndim < 2 or b.ndim < 2:
        return a @ b
    if not (a.flags.c_contiguous or _blas_operand(a)):
        a = a.copy()
    if not (b.flags.c_contiguous or _blas_operand(b)):
        b = b.copy()
    return a @ b
