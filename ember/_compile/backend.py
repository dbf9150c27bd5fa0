"""The CPU backend a capture runs on: NumPy behind a :class:`.tape.Recorder`.

``recording(rec)`` installs it on the ``cpu`` device for the length of one call, so every op,
the autograd engine and the optimizers reach tensor data through the recording array module
(the backend seam makes that the only way in).  The kernel modules (``numpy_nn``,
``numpy_linalg``, ``special``) are loaded a second time with ``numpy`` bound to the recorder's
module (``rebind.load_on``, as the CuPy backend loads them); the random kernels are recorded as
whole calls, with the generator's engine as a live constant, so a replay draws fresh numbers
from the same stream.
"""
import contextlib

import numpy as np

from .. import _device
from .._backend import rebind
from .._backend.numpy_backend import CPU
from . import tape
from .tape import RecArray


class _RandomKernels:
    """``torch_random`` with each call recorded (the engine passes as a constant)."""

    def __init__(self):
        from .._backend import torch_random
        self._mod = torch_random

    def __getattr__(self, name):
        fn = getattr(self._mod, name)
        if callable(fn):
            fn = tape._recorded(fn)
        setattr(self, name, fn)
        return fn


class RecordingCPU(CPU):
    """The CPU backend with every array call recorded on ``rec``'s tape."""
    ndarray = RecArray

    xp = tape.xp

    def __init__(self, rec):
        super().__init__()
        self.rec = rec

    def from_host(self, a):
        """Host data (a constant of the program) as a fresh array on each replay."""
        return self.rec.call(np.array, (a,), {"copy": True})

    def to_host(self, a):
        if a.__class__ is not RecArray:
            return a
        return a.__array__()

    def ones_like(self, a):
        return self.xp.ones(a.shape, a.dtype)

    def root(self, a):
        if a.__class__ is not RecArray:
            return CPU.root(a)
        r = CPU.root(a._a)
        return a if r is a._a else self.rec.adopt(r, self.rec.const(r))

    def data_ptr(self, a):
        return CPU.data_ptr(self, a._a if a.__class__ is RecArray else a)

    def view_reshape(self, a, shape):
        try:
            return self.xp.reshape(a, shape, copy=False)
        except ValueError:
            return None

    def as_strided(self, a, shape, strides_bytes, writeable=True):
        return self.rec.call(CPU.as_strided, (a, shape, strides_bytes, writeable), None)

    @property
    def special(self):
        return _kernels("special")

    @property
    def linalg(self):
        return _kernels("numpy_linalg")

    @property
    def nn(self):
        return _kernels("numpy_nn")

    random = _RandomKernels()


class _RecordedParallel:
    """A kernel module's intra-op threads (``_backend.parallel``) as a capture sees them: the
    shares of one op are recorded one after the other on the capturing thread
    (``Recorder.run_shares``), and the replay runs them at once, as eager does."""

    def __init__(self, real):
        self._real = real

    def is_host(self, xp):
        return True

    def workers(self):
        """The eager split, but one thread inside a share (as eager's single-threaded BLAS
        says there)."""
        rec = tape.CURRENT[0]
        return 1 if rec is not None and rec.in_share else self._real.workers()

    def run(self, fn, shares, threads=True):
        """The shares recorded in order, with the BLAS single-threaded as in eager's shares
        (several shares mean ``threadpoolctl`` is there: ``workers()`` needs it); the replay
        runs them on threads whatever ``threads`` says for eager (the capture is on the host)."""
        rec = tape.CURRENT[0]
        if rec is None or len(shares) < 2:
            return [fn(share) for share in shares]
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1, user_api="blas"):
            return rec.run_shares(fn, shares, self._real.run)


def _kernels(name, _cache={}):
    """Kernel module ``name`` on the recording array module (loaded once: the recording
    module finds the running capture itself).  A module splitting its ops over threads
    decides at load whether it runs on the host (``_ON_HOST``): the recording copy does, with
    its shares recorded (:class:`_RecordedParallel`)."""
    m = _cache.get(name)
    if m is None:
        m = _cache[name] = rebind.load_on(name, tape.xp, RecArray, RecArray.__array__,
                                          lambda a: a)
        if hasattr(m, "parallel"):
            m.parallel = _RecordedParallel(m.parallel)
            if hasattr(m, "_ON_HOST"):
                m._ON_HOST = True
    return m


@contextlib.contextmanager
def recording(rec):
    """Run the CPU device on a recording backend for ``rec`` (process-wide, for one call)."""
    devices = [d for d in set(_device._cache.values()) if d.type == "cpu"]
    saved = [d._backend for d in devices]
    backend = RecordingCPU(rec)
    for d in devices:
        d._backend = backend
    tape.CURRENT[0] = rec
    try:
        yield backend
    finally:
        tape.CURRENT[0] = None
        for d, b in zip(devices, saved):
            d._backend = b
