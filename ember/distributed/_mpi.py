"""The MPI engine: process groups as MPI communicators, collectives through mpi4py.

Every collective is issued as MPI's non-blocking variant (``Iallreduce``, ``Ibcast``...) and
returns a :class:`Work`; the blocking API simply waits on it.  Tensors are staged as contiguous
host arrays (the tensor's own array when it already is one, so CPU tensors are reduced in place
without a copy); results are written back into the tensor when the work completes.

Data movement that needs no arithmetic (broadcast, gather, all-to-all...) is done on raw bytes, so
every dtype travels, bfloat16 included.  Reductions use MPI's typed operations; dtypes MPI cannot
reduce (float16, bfloat16, bool) are reduced in a wider host type and cast back.

``mpi4py`` is imported on first use: importing ``ember.distributed`` stays cheap.
"""
import sys
import time

import numpy as np

from .. import _errors

_MPI = []


def mpi():
    """The ``mpi4py.MPI`` module (initialises MPI on first call)."""
    if not _MPI:
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise _errors.dist_missing() from e
        _MPI.append(MPI)
    return _MPI[0]


def install_abort_hook():
    """Make an uncaught exception on any rank end the whole job (never a hang).

    The traceback is printed first, then ``MPI_Abort`` tears down every rank, so the launcher
    exits non-zero with the failing rank's traceback in its output.
    """
    if getattr(sys.excepthook, "_ember_abort", False):
        return
    previous = sys.excepthook

    def hook(tp, value, tb):
        previous(tp, value, tb)
        sys.stdout.flush()
        sys.stderr.flush()
        world = mpi().COMM_WORLD
        if world.Get_size() > 1:
            # MPI_Abort kills every rank at once; give mpiexec a moment to forward this rank's
            # traceback first, or the user may see it cut short.
            time.sleep(0.5)
            world.Abort(1)

    hook._ember_abort = True
    sys.excepthook = hook


# ---- staging tensors as host buffers ---------------------------------------------------------
def raw_bytes(a):
    """A contiguous host array as a flat byte view (dtype-agnostic transport)."""
    return a.reshape(-1).view(np.uint8)


class Staged:
    """A tensor's data as a contiguous, writable host array; ``commit`` writes results back."""
    __slots__ = ("t", "host", "_copy")

    def __init__(self, t):
        arr = t._data
        host = t._device._backend.to_host(arr)
        self._copy = not (host is arr and arr.flags.c_contiguous and arr.flags.writeable)
        self.t = t
        self.host = np.ascontiguousarray(host) if self._copy else host
        if self._copy and self.host is host and not host.flags.writeable:
            self.host = host.copy()

    def commit(self):
        t = self.t
        if self._copy:
            t._data[...] = t._device._backend.from_host(self.host)
        t._vc[0] += 1


def assign(t, host):
    """Write host array ``host`` (same number of elements) into tensor ``t`` in place."""
    t._data[...] = t._device._backend.from_host(host.reshape(t._data.shape))
    t._vc[0] += 1


def from_bytes(raw, like):
    """Reinterpret bytes received for tensor ``like`` as an array of its dtype and shape."""
    return raw.view(like._data.dtype).reshape(like._data.shape)


_NATIVE = set("fdFDbhilqBHILQ")  # dtype chars MPI reduces natively through mpi4py


class _Reducible:
    """A host array in a type MPI can reduce; ``finish`` applies AVG and casts back."""
    __slots__ = ("host", "buf", "op")

    def __init__(self, host, op):
        self.host, self.op = host, op
        dt = host.dtype
        if op == "AVG" and dt.kind in "iub":
            raise _errors.dist_error("avg_int")
        if dt.char in _NATIVE:
            self.buf = host
        elif dt.kind == "b":
            self.buf = host.astype(np.uint8)
        else:  # float16 / bfloat16
            self.buf = host.astype(np.float32)

    def finish(self, size):
        buf = self.buf
        if self.op == "AVG":
            buf /= size
        if buf is not self.host:
            self.host[...] = buf != 0 if self.host.dtype.kind == "b" else buf


def _mpi_op(op):
    MPI = mpi()
    return {"SUM": MPI.SUM, "AVG": MPI.SUM, "PRODUCT": MPI.PROD, "MIN": MPI.MIN,
            "MAX": MPI.MAX, "BAND": MPI.BAND, "BOR": MPI.BOR, "BXOR": MPI.BXOR}[op]


# ---- work handles ----------------------------------------------------------------------------
_IN_FLIGHT = []   # works not known to be complete: their buffers must outlive the handles


class Work:
    """Handle of an issued collective or point-to-point operation (``torch.distributed.Work``).

    ``wait(timeout)`` drives MPI progress until the requests complete; with a timeout (seconds or
    a ``timedelta``, defaulting to the group's) it raises ``RuntimeError`` when that passes.
    An asynchronous operation whose handle the caller drops still completes into its tensors:
    incomplete works stay referenced (their MPI buffers alive) and are finished as later
    operations are issued.
    """

    def __init__(self, requests, finish=None, result=(), timeout=None):
        self._reqs = list(requests)
        self._finish = finish
        self._result = list(result)
        self._timeout = timeout
        self._done = not self._reqs
        self._status = None
        if self._done:
            self._complete()
        _IN_FLIGHT[:] = [w for w in _IN_FLIGHT if not w.is_completed()]
        if not self._done:
            _IN_FLIGHT.append(self)

    def _complete(self):
        self._done = True
        if self._finish is not None:
            fn, self._finish = self._finish, None
            fn()

    def is_completed(self):
        if not self._done and mpi().Request.Testall(self._reqs, self._statuses()):
            self._complete()
        return self._done

    def _statuses(self):
        if self._status is None:
            self._status = [mpi().Status() for _ in self._reqs]
        return self._status

    def wait(self, timeout=None):
        if self._done:
            return True
        timeout = _seconds(timeout if timeout is not None else self._timeout)
        if timeout is None:
            mpi().Request.Waitall(self._reqs, self._statuses())
        else:
            deadline = time.monotonic() + timeout
            pause = 0.0
            while not mpi().Request.Testall(self._reqs, self._statuses()):
                if time.monotonic() > deadline:
                    raise _errors.dist_error("timeout", timeout)
                time.sleep(pause)
                pause = min(1e-3, pause + 1e-5)
        self._complete()
        return True

    def is_success(self):
        return self._done

    def result(self):
        return self._result

    def source_rank(self):
        """Sender's rank in the group, for a completed ``irecv``."""
        return self._statuses()[0].Get_source()


def _seconds(timeout):
    if timeout is None:
        return None
    return timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)


# ---- process groups ---------------------------------------------------------------------------
class ProcessGroup:
    """A set of ranks backed by one MPI communicator (``torch.distributed.ProcessGroup``).

    ``ranks`` are the members' global ranks, ordered by group rank.  Every method returns a
    :class:`Work`.  Ranks arguments (``root``, ``peer``) are group ranks.
    """

    def __init__(self, comm, backend, ranks, timeout=None):
        self.comm = comm
        self._backend = backend
        self.ranks = list(ranks)
        self.timeout = timeout

    def rank(self):
        return self.comm.Get_rank()

    def size(self):
        return self.comm.Get_size()

    def name(self):
        return self._backend

    def __repr__(self):
        return f"ProcessGroup(backend={self._backend!r}, ranks={self.ranks})"

    def _work(self, reqs, finish=None, result=()):
        return Work(reqs if isinstance(reqs, list) else [reqs], finish, result, self.timeout)

    # -- collectives --
    def barrier(self):
        return self._work(self.comm.Ibarrier())

    def allreduce(self, t, op):
        s = Staged(t)
        r = _Reducible(s.host, op)
        req = self.comm.Iallreduce(mpi().IN_PLACE, r.buf.reshape(-1), op=_mpi_op(op))
        size = self.size()
        return self._work(req, lambda: (r.finish(size), s.commit()), [t])

    def broadcast(self, t, root):
        s = Staged(t)
        req = self.comm.Ibcast(raw_bytes(s.host), root=root)
        return self._work(req, None if self.rank() == root else s.commit, [t])

    def reduce(self, t, root, op):
        s = Staged(t)
        r = _Reducible(s.host, op)
        flat = r.buf.reshape(-1)
        is_root = self.rank() == root
        send = mpi().IN_PLACE if is_root else flat
        req = self.comm.Ireduce(send, flat if is_root else None, op=_mpi_op(op), root=root)
        size = self.size()
        return self._work(req, (lambda: (r.finish(size), s.commit())) if is_root else None, [t])

    def allgather_into(self, out, t):
        """Gather every rank's ``t`` into the contiguous ``out`` (rank-major)."""
        s = Staged(out)
        req = self.comm.Iallgather(raw_bytes(Staged(t).host), raw_bytes(s.host))
        return self._work(req, s.commit, [out])

    def allgather(self, outs, t):
        src = raw_bytes(Staged(t).host)
        recv = np.empty((self.size(), src.size), np.uint8)
        req = self.comm.Iallgather(src, recv)
        return self._work(req, lambda: _scatter_rows(recv, outs), outs)

    def gather(self, t, outs, root):
        src = raw_bytes(Staged(t).host)
        is_root = self.rank() == root
        recv = np.empty((self.size(), src.size), np.uint8) if is_root else None
        req = self.comm.Igather(src, recv, root=root)
        return self._work(req, (lambda: _scatter_rows(recv, outs)) if is_root else None,
                          outs or [])

    def scatter(self, t, ins, root):
        s = Staged(t)
        send = concat_bytes(ins) if self.rank() == root else None
        req = self.comm.Iscatter(send, raw_bytes(s.host), root=root)
        return self._work(req, s.commit, [t])

    def reduce_scatter_into(self, out, flat_in, op):
        """Reduce the host array ``flat_in`` (``size`` equal blocks) and keep this rank's block."""
        s = Staged(out)
        r_out = _Reducible(s.host, op)
        r_in = _Reducible(flat_in, "SUM" if op == "AVG" else op)
        req = self.comm.Ireduce_scatter_block(r_in.buf.reshape(-1), r_out.buf.reshape(-1),
                                              op=_mpi_op(op))
        size = self.size()
        return self._work(req, lambda: (r_out.finish(size), s.commit()), [out])

    def alltoallv(self, send, send_counts, recv, recv_counts, finish):
        """All-to-all of raw bytes with per-peer byte counts; ``finish`` unpacks ``recv``."""
        sd, rd = _displs(send_counts), _displs(recv_counts)
        B = mpi().BYTE
        req = self.comm.Ialltoallv([send, (send_counts, sd), B], [recv, (recv_counts, rd), B])
        return self._work(req, finish)

    # -- point to point --
    def send(self, t, peer, tag):
        host = Staged(t).host
        return self._work(self.comm.Isend(raw_bytes(host), dest=peer, tag=tag))

    def recv(self, t, peer, tag):
        s = Staged(t)
        src = mpi().ANY_SOURCE if peer is None else peer
        return self._work(self.comm.Irecv(raw_bytes(s.host), source=src, tag=tag), s.commit, [t])


def _scatter_rows(rows, outs):
    for row, o in zip(rows, outs):
        assign(o, from_bytes(row, o))


def concat_bytes(tensors):
    return np.concatenate([raw_bytes(Staged(t).host) for t in tensors])


def _displs(counts):
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64).tolist()
