"""The NumPy backend (CPU), and the test-only fake CUDA that runs on it."""
import operator

import numpy as np

from . import gemm, malloc_tuning

# PyTorch follows IEEE silently (log(0) is -inf, 0/0 is nan, exp overflows to inf): NumPy's
# floating-point warnings would be noise to a PyTorch user, and errstate per op is too slow.
np.seterr(all="ignore")
malloc_tuning.apply()


class CPU:
    """Array module plus the kernels whose implementation differs per array library."""
    xp = np
    ndarray = np.ndarray
    device_type = "cpu"
    is_fake = False

    def __init__(self, index=None):
        self.index = index

    # ---- host transfer and memory ----------------------------------------------------------
    def from_host(self, a):
        """An array on this device holding host array ``a`` (no copy on the CPU)."""
        return a

    def to_host(self, a):
        return a

    def copy(self, a):
        return a.copy()

    def ones_like(self, a):
        return np.ones(a.shape, a.dtype)

    @staticmethod
    def root(a):
        """The array owning ``a``'s memory (its storage).  ``np.lib.stride_tricks.as_strided``
        views hang off a ``DummyArray`` whose ``.base`` is the viewed array: follow it too."""
        while True:
            b = a.base
            if b is None:
                return a
            if not isinstance(b, np.ndarray):
                b = getattr(b, "base", None)
                if not isinstance(b, np.ndarray):
                    return a
            a = b

    def data_ptr(self, a):
        return a.__array_interface__["data"][0]

    def storage_offset(self, a):
        r = self.root(a)
        return (self.data_ptr(a) - self.data_ptr(r)) // a.itemsize if a.itemsize else 0

    def storage_nbytes(self, a):
        return self.root(a).nbytes

    def shares_memory(self, a, b):
        return np.shares_memory(a, b)

    # ---- special functions and kernels -----------------------------------------------------
    @property
    def special(self):
        """Special functions (erf, lgamma, ...) in NumPy; loaded on first use."""
        from . import special
        return special

    @property
    def linalg(self):
        """LAPACK-style kernels (``numpy.linalg`` plus LU, triangular solve, geqrf) in
        ``numpy_linalg``; loaded on first use."""
        from . import numpy_linalg
        return numpy_linalg

    @property
    def order(self):
        """Replays of the C++ standard library's unstable sort / select, which decide where
        PyTorch's CPU kernels put equal elements (``std_order``); loaded on first use."""
        from . import std_order
        return std_order

    @property
    def nn(self):
        """Conv/pool/resampling lowering (im2col GEMMs over batch chunks, col2im, strided
        windows) in ``numpy_nn``; loaded on first use."""
        from . import numpy_nn
        return numpy_nn

    @staticmethod
    def rng(seed):
        """PyTorch's CPU random engine (mt19937) seeded with ``seed``: raw draws, the normal
        caches and PyTorch's state bytes; ``.np`` is NumPy's Generator API on the same stream."""
        from .mt19937 import MT19937
        return MT19937(seed)

    @property
    def random(self):
        """PyTorch's sampling recipes over ``rng()`` streams (``torch_random``); loaded on first
        use."""
        from . import torch_random
        return torch_random

    # ``a @ b`` of the matrix-product ops, with OpenBLAS's fast layouts and thread splits
    matmul = staticmethod(gemm.matmul)

    def scatter_add(self, target, index, values):
        """target[index] += values with repeated indices accumulating (in place)."""
        self.xp.add.at(target, index, values)

    def scatter_reduce(self, target, index, values, op):
        """target[index] = op(target[index], values), repeated indices reducing in turn (in
        place); ``op`` is "multiply", "maximum" or "minimum"."""
        getattr(self.xp, op).at(target, index, values)

    def segment_max(self, values, seg, nseg):
        """Column-wise max of the rows of ``values`` (m, d) grouped by the sorted segment ids
        ``seg`` (m,), and the row position of each max (first one; -1 and value 0 where a
        segment is empty)."""
        xp = self.xp
        m, d = values.shape
        out = xp.full((nseg, d), -xp.inf, values.dtype)
        self.scatter_reduce(out, seg, values, "maximum")
        pos = xp.where(values == out[seg], xp.arange(m)[:, None], m)
        first = xp.full((nseg, d), m)
        self.scatter_reduce(first, seg, pos, "minimum")
        empty = first == m
        out[empty] = 0
        first[empty] = -1
        return out, first

    @staticmethod
    def writeable(a):
        """Whether ``a`` may be written (False for broadcast and read-only window views)."""
        return a.flags.writeable

    @staticmethod
    def view_reshape(a, shape):
        """``a`` reshaped without copying, or None when that needs a copy."""
        if a.flags.c_contiguous:    # never copies (the common case; the method is fastest)
            return a.reshape(shape)
        try:
            return a.reshape(shape, copy=False)
        except ValueError:
            return None

    @staticmethod
    def as_strided(a, shape, strides_bytes, writeable=True):
        return np.lib.stride_tricks.as_strided(a, shape, strides_bytes, writeable=writeable)


class PinnedHostBuffer(bytearray):
    """Host memory the fake CUDA backends hand out as "page-locked" (plain memory, marked)."""


class FakeCUDA(CPU):
    """NumPy underneath, reported as ``cuda:N``: lets CI check device semantics without a GPU."""
    device_type = "cuda"
    is_fake = True
    pinned_buffer_types = (PinnedHostBuffer,)
    order = None        # sorts as CUDA's: stably
    matmul = staticmethod(operator.matmul)     # as the device's BLAS takes them

    def from_host(self, a):
        return np.array(a, copy=True)

    def to_host(self, a):
        return np.array(a, copy=True)

    @staticmethod
    def pin(host):
        """A copy of the host array ``host`` in pinned host memory."""
        out = np.frombuffer(PinnedHostBuffer(max(host.nbytes, host.itemsize)), host.dtype)[:host.size]
        out = out.reshape(host.shape)
        out[...] = host
        return out


class Meta(CPU):
    """The ``meta`` device: tensors with shapes, dtypes and strides but no data to read.

    Ops run on placeholder arrays, so shapes, dtypes and errors come out as on the CPU, but
    nothing leaves the device: copying a meta tensor anywhere raises PyTorch's "no data" error
    (``Module.to_empty`` makes fresh tensors instead).  Placeholders are allocated with
    ``np.empty``, whose untouched pages cost no memory, and stay untouched: fills, copies and
    samplers write nothing into them (``meta_kernels``)."""
    device_type = "meta"
    from .meta_kernels import xp, random   # nothing written, nothing drawn
    order = None
    matmul = staticmethod(operator.matmul)

    def from_host(self, a):
        return np.empty(a.shape, a.dtype)

    def to_host(self, a):
        from .. import _errors
        raise _errors.meta_no_data()
