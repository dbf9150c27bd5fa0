"""The CUDA backend on CuPy (``pip install 'ember[cuda]'``); imported only after
``cuda_probe`` found CuPy, a driver and a working GPU.

Elementwise math, reductions, indexing and matrix products are CuPy's own (``xp = cupy``;
products go to cuBLAS).  The kernel modules the NumPy backend keeps beside it (``numpy_nn``:
im2col convolution and pooling; ``numpy_linalg``; ``special``) run here as second instances
bound to CuPy (``rebind.load_on``), so a convolution is im2col views plus cuBLAS GEMMs on the
device; a NumPy function CuPy lacks runs on a host copy (correct, slow; the GPU check lists the
ops worth a native kernel).  Sampling follows PyTorch's CPU recipes on the host engine and
copies the samples over, so a seed gives the same numbers on both devices (not CUDA's Philox
stream).

CuPy API used (all documented): ``cupy.asarray`` / ``cupy.asnumpy``, ``ndarray.data.ptr`` /
``.base`` / ``.nbytes``, ``cupy.shares_memory``, ``cupy.lib.stride_tricks.as_strided``,
``cupyx.scatter_add`` / ``scatter_max`` / ``scatter_min``, ``cupy.cuda.Device``,
``cupy.cuda.runtime.getDeviceProperties``, ``cupyx.empty_pinned`` (whose arrays' ``.base`` is
a ``cupy.cuda.PinnedMemoryPointer``), ``cupy.get_default_memory_pool``
(``used_bytes``, ``total_bytes``, ``free_all_blocks``), ``cupy.cuda.Stream`` / ``Event``.
"""
import operator

import numpy as np

import cupy
import cupyx

from .numpy_backend import CPU


def _to_device(a):
    return cupy.asarray(a)


_MOVES = (cupy.ndarray, cupy.asnumpy, _to_device)


class CUDA(CPU):
    xp = cupy
    ndarray = cupy.ndarray
    device_type = "cuda"
    is_fake = False
    _kernels = {}
    order = None        # CuPy's sorts are stable; no unstable tie order to replay
    matmul = staticmethod(operator.matmul)     # cuBLAS takes any layout as it is

    def __init__(self, index=0):
        self.index = index or 0
        self.device = cupy.cuda.Device(self.index)
        self.pool = cupy.get_default_memory_pool()
        self.peak = 0

    # ---- host transfer and memory ----------------------------------------------------------
    pinned_buffer_types = (cupy.cuda.PinnedMemoryPointer,)

    def pin(self, host):
        """A copy of the host array ``host`` in page-locked memory (``cupyx.empty_pinned``)."""
        with self.device:
            out = cupyx.empty_pinned(host.shape, host.dtype)
        out[...] = host
        return out

    def from_host(self, a):
        with self.device:
            return cupy.asarray(a)

    def to_host(self, a):
        return cupy.asnumpy(a)

    def copy(self, a):
        return a.copy()

    def ones_like(self, a):
        return cupy.ones(a.shape, a.dtype)

    @staticmethod
    def root(a):
        while a.base is not None:
            a = a.base
        return a

    def data_ptr(self, a):
        return a.data.ptr

    def shares_memory(self, a, b):
        return bool(cupy.shares_memory(a, b))

    def synchronize(self):
        self.device.synchronize()

    def memory_allocated(self):
        used = self.pool.used_bytes()
        self.peak = max(self.peak, used)
        return used

    def max_memory_allocated(self):
        """The largest ``used_bytes`` seen at a query (CuPy's pool keeps no peak itself)."""
        return max(self.peak, self.memory_allocated())

    def reset_peak_memory_stats(self):
        self.peak = self.pool.used_bytes()

    def memory_reserved(self):
        return self.pool.total_bytes()

    def empty_cache(self):
        self.pool.free_all_blocks()

    def properties(self):
        """``cudaGetDeviceProperties`` as a dict (name as str)."""
        p = dict(cupy.cuda.runtime.getDeviceProperties(self.index))
        p["name"] = p["name"].decode() if isinstance(p["name"], bytes) else p["name"]
        return p

    # ---- kernels -------------------------------------------------------------------------------
    def _module(self, name):
        m = self._kernels.get(name)
        if m is None:
            from .rebind import load_on
            m = self._kernels[name] = load_on(name, cupy, *_MOVES)
        return m

    @property
    def special(self):
        return self._module("special")

    @property
    def linalg(self):
        return self._module("numpy_linalg")

    @property
    def nn(self):
        return self._module("numpy_nn")

    @property
    def random(self):
        from .rebind import on_host
        from . import torch_random
        return on_host(torch_random, *_MOVES)

    @staticmethod
    def rng(seed):
        from .rebind import DeviceEngine
        return DeviceEngine(CPU.rng(seed), *_MOVES)

    @staticmethod
    def scatter_add(target, index, values):
        cupyx.scatter_add(target, index, values)

    @staticmethod
    def scatter_reduce(target, index, values, op):
        if op == "maximum":
            cupyx.scatter_max(target, index, values)
        elif op == "minimum":
            cupyx.scatter_min(target, index, values)
        else:   # no CuPy scatter-multiply: reduce on a host copy
            host = cupy.asnumpy(target)
            idx = tuple(cupy.asnumpy(i) if isinstance(i, cupy.ndarray) else i
                        for i in (index if isinstance(index, tuple) else (index,)))
            vals = cupy.asnumpy(values) if isinstance(values, cupy.ndarray) else values
            getattr(np, op).at(host, idx, vals)
            target[...] = cupy.asarray(host)

    @staticmethod
    def writeable(a):
        """CuPy arrays have no read-only flag: refuse writes only where elements overlap (a
        broadcast, stride 0 over a dim longer than 1)."""
        return all(s or n < 2 for n, s in zip(a.shape, a.strides))

    @staticmethod
    def view_reshape(a, shape):
        v = a.view()
        try:
            v.shape = shape
        except AttributeError:   # CuPy's "incompatible shape": the reshape needs a copy
            return None
        return v

    @staticmethod
    def as_strided(a, shape, strides_bytes, writeable=True):
        return cupy.lib.stride_tricks.as_strided(a, shape, strides_bytes)
