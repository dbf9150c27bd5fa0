"""The CPU backend's matrix product: ``a @ b`` with the operand layouts and thread splits that
NumPy's OpenBLAS handles fastest (measured: "GEMM shapes on two cores" in
``docs/performance.md``).

* An operand whose matrices have no unit stride (a column slice ``x[:, ::2]``, a view with
  both inner strides above one element) is not a BLAS operand for NumPy: it falls back to
  its own loop, 10-40x slower than copying the operand first, which is what this does.
* A float32 product ``a @ b`` of few rows (8-64) whose ``b`` is a transposed C-contiguous
  matrix (a Linear layer's ``x @ W.t()``) is computed as ``(b.T @ a.T).T``: OpenBLAS's
  SkylakeX kernels are 10-45% faster that way round for these shapes, which pays for
  copying the (small) product back to C order.
* A stacked product (NumPy calls the BLAS once per matrix, each call meeting all BLAS
  threads) is split over ``parallel.run``'s threads by whole matrices, each share on a
  one-thread BLAS.

None of these changes the summation order of an element: results equal NumPy's ``a @ b``
up to the BLAS kernel's own rounding (the inner dimension is never split).
"""
import numpy as np

from . import parallel

_F32 = np.dtype(np.float32)
_BLAS_TYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64,
                                              np.complex128))
# transposed-weight products of float32 turned round (measured window, one thread)
_SWAP_ROWS = (8, 64)
_SWAP_MIN_INNER = 256       # K and N at least this
# stacked products split by matrices from this many multiply-adds in all
_SPLIT_MIN_WORK = 1 << 22


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
    return (_SWAP_ROWS[0] <= m <= _SWAP_ROWS[1] and a.dtype == _F32
            and min(k, b.shape[1]) >= _SWAP_MIN_INNER and a.flags.c_contiguous
            and b.flags.f_contiguous and not b.flags.c_contiguous)


def matmul(a, b):
    """``a @ b`` for arrays of the CPU backend (NumPy arrays, or a capture's recording
    wrappers, which record the same calls)."""
    if a.ndim < 2 or b.ndim < 2 or a.dtype not in _BLAS_TYPES:
        return a @ b
    if not (a.flags.c_contiguous or _blas_operand(a)):
        a = a.copy()
    if not (b.flags.c_contiguous or _blas_operand(b)):
        b = b.copy()
    if a.ndim == 2 == b.ndim:
        return (b.T @ a.T).T.copy() if _turn_round(a, b) else a @ b
    if a.__class__ is np.ndarray and b.__class__ is np.ndarray:
        return _stacked(a, b)
    return a @ b


def _stacked(a, b):
    """A stacked product split over the intra-op threads by ranges of its first axis, when
    both operands have the same batch shape and it is big enough (NumPy's own loop runs the
    matrices one after another)."""
    batch = a.shape[:-2]
    count = 1
    for s in batch:
        count *= s
    threads = parallel.workers()
    if (threads < 2 or batch != b.shape[:-2] or a.shape[0] < 2
            or count * a.shape[-2] * a.shape[-1] * b.shape[-1] < _SPLIT_MIN_WORK):
        return a @ b
    if a.shape[-1] != b.shape[-2]:
        return a @ b                    # NumPy's error
    out = np.empty(batch + (a.shape[-2], b.shape[-1]), np.result_type(a, b))
    n = a.shape[0]
    step = -(-n // min(threads, n))
    parallel.run(lambda lo: np.matmul(a[lo:lo + step], b[lo:lo + step], out=out[lo:lo + step]),
                 list(range(0, n, step)))
    return out
