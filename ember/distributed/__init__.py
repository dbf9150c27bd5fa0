"""Multi-process training (``torch.distributed``) on MPI.

Ranks are MPI processes: start them with ``python -m ember.distributed.run --nproc-per-node N
script.py`` (or ``mpiexec -n N python script.py``) and call ``init_process_group()``.  The
backends ``"mpi"`` and ``"gloo"`` (an alias: both run over MPI on host memory) and ``"nccl"``
(needs CuPy and a GPU; see ``_nccl``) are accepted.  MPI itself forms the group, so
``init_method`` may be ``None`` or ``"env://"``; under ``env://`` the ``RANK`` / ``WORLD_SIZE``
variables, when set, must agree with MPI.

``timeout``: the default for every wait in the group (when not given: PyTorch's 30 minutes, or
the launcher's ``--timeout``).  Collectives are issued non-blocking and
waited with a deadline; one that does not complete in time raises ``RuntimeError`` (and, uncaught,
aborts the whole job).  Any uncaught exception on any rank aborts the job (``MPI_Abort``) after
printing its traceback, so a crashing rank never leaves the others hanging.

Ranks in arguments (``src``, ``dst``) are global ranks, as in PyTorch, also for sub-groups.
"""
import datetime
import enum
import os

import numpy as np

from .. import _errors
from . import _mpi

__all__ = ["init_process_group", "destroy_process_group", "is_initialized", "is_available",
           "is_mpi_available", "is_gloo_available", "is_nccl_available", "get_rank",
           "get_world_size", "get_backend", "Backend", "barrier", "new_group", "ReduceOp", "Work",
           "ProcessGroup", "group", "GroupMember", "all_reduce", "broadcast", "reduce",
           "all_gather", "all_gather_into_tensor", "reduce_scatter", "reduce_scatter_tensor",
           "gather", "scatter", "all_to_all", "all_to_all_single", "send", "recv", "isend",
           "irecv", "broadcast_object_list", "all_gather_object", "gather_object",
           "get_group_rank", "get_global_rank", "get_process_group_ranks"]

Work = _mpi.Work
ProcessGroup = _mpi.ProcessGroup
from .constants import default_pg_timeout  # noqa: E402


class ReduceOp:
    """Reduction operators (``ReduceOp.SUM`` ...); compare with ``==``."""

    class RedOpType(enum.Enum):
        SUM = "SUM"
        AVG = "AVG"
        PRODUCT = "PRODUCT"
        MIN = "MIN"
        MAX = "MAX"
        BAND = "BAND"
        BOR = "BOR"
        BXOR = "BXOR"

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


class Backend(str):
    """Backend names: ``Backend.GLOO == "gloo"``; ``Backend(name)`` gives a known name's
    constant (any case), other names lower-cased, as plain strings.  Ember runs ``mpi`` and
    ``gloo`` over MPI and ``nccl`` on CuPy; registering a third-party backend is refused."""
    UNDEFINED, GLOO, NCCL, UCC, MPI, XCCL, FAKE = ("undefined", "gloo", "nccl", "ucc", "mpi",
                                                    "xccl", "fake")
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]
    default_device_backend_map = {"cpu": GLOO, "cuda": NCCL, "xpu": XCCL, "mps": GLOO}
    backend_capability = {GLOO: ["cpu", "cuda"], NCCL: ["cuda"], XCCL: ["xpu"],
                          UCC: ["cpu", "cuda"], MPI: ["cpu", "cuda"],
                          FAKE: ["cpu", "cuda", "hpu", "xpu"]}

    def __new__(cls, name):
        if not isinstance(name, str):
            raise _errors.backend_name_type()
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        return name.lower() if value == Backend.UNDEFINED else value

    @classmethod
    def register_backend(cls, name, func, extended_api=False, devices=None):
        raise _errors.unsupported("torch.distributed.Backend.register_backend",
                                  "ember's backends are mpi, gloo (over MPI) and nccl")


class GroupMember:
    """``GroupMember.WORLD`` is the default group; ``NON_GROUP_MEMBER`` what ``new_group``
    returns on ranks outside the new group."""
    WORLD = None
    NON_GROUP_MEMBER = object()


group = GroupMember  # torch.distributed.group.WORLD


def is_available():
    return True


def is_mpi_available():
    try:
        _mpi.mpi()
    except ModuleNotFoundError:
        return False
    return True


def is_gloo_available():
    return is_mpi_available()


def is_nccl_available():
    from . import _nccl
    return _nccl.available()


def is_torchelastic_launched():
    """Whether this process was started by torchelastic (``torchrun``), which sets
    ``TORCHELASTIC_RUN_ID``."""
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def is_initialized():
    return GroupMember.WORLD is not None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    if GroupMember.WORLD is not None:
        raise _errors.dist_error("twice")
    backend = "gloo" if backend is None else str(backend).lower()
    if backend not in ("mpi", "gloo", "nccl"):
        raise _errors.dist_error("backend", backend)
    if init_method not in (None, "env://"):
        raise _errors.dist_error("init_method", init_method)
    if backend == "nccl":
        from . import _nccl
        _nccl.check()
    MPI = _mpi.mpi()
    world = MPI.COMM_WORLD
    if init_method == "env://":
        rank = int(os.environ.get("RANK", rank))
        world_size = int(os.environ.get("WORLD_SIZE", world_size))
    if rank not in (-1, world.Get_rank()):
        raise _errors.dist_error("mismatch", f"rank={rank}")
    if world_size not in (-1, world.Get_size()):
        raise _errors.dist_error("mismatch", f"world_size={world_size}")
    _mpi.install_abort_hook()
    timeout = _default_timeout() if timeout is None else timeout
    GroupMember.WORLD = ProcessGroup(world.Dup(), backend, range(world.Get_size()), timeout)


def destroy_process_group(group=None):
    """Free the group's communicator; with no argument, the default group (MPI stays up: it
    cannot be initialised twice in one process)."""
    pg = GroupMember.WORLD if group is None else group
    if pg is None or pg is GroupMember.NON_GROUP_MEMBER:
        return
    pg.comm.Free()
    if group is None or pg is GroupMember.WORLD:
        GroupMember.WORLD = None


def _default_timeout():
    """``default_pg_timeout``, or the launcher's ``--timeout`` (``EMBER_DIST_TIMEOUT``)."""
    seconds = os.environ.get("EMBER_DIST_TIMEOUT")
    return default_pg_timeout if not seconds else datetime.timedelta(seconds=float(seconds))


def _group(group):
    pg = GroupMember.WORLD
    if pg is None:
        raise _errors.dist_error("not_initialized")
    return pg if group is None else group


def get_rank(group=None):
    pg = _group(group)
    return -1 if pg is GroupMember.NON_GROUP_MEMBER else pg.rank()


def get_world_size(group=None):
    pg = _group(group)
    return -1 if pg is GroupMember.NON_GROUP_MEMBER else pg.size()


def get_backend(group=None):
    return _group(group).name()


def get_process_group_ranks(group):
    return list(_group(group).ranks)


def get_group_rank(group, global_rank):
    pg = _group(group)
    try:
        return pg.ranks.index(global_rank)
    except ValueError:
        raise _errors.dist_error("not_in_group", global_rank) from None


def get_global_rank(group, group_rank):
    return _group(group).ranks[group_rank]


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """A sub-group; like PyTorch, every rank of the world must call it.  Group ranks follow the
    sorted global ranks; ranks outside get ``GroupMember.NON_GROUP_MEMBER``."""
    world = _group(None)
    ranks = sorted(range(world.size()) if ranks is None else ranks)
    me = world.rank()
    color = 0 if me in ranks else _mpi.mpi().UNDEFINED
    comm = world.comm.Split(color, key=me)
    if me not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    return ProcessGroup(comm, backend or world.name(), ranks,
                        world.timeout if timeout is None else timeout)


def _finish(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def _op_name(op):
    return op.value if isinstance(op, ReduceOp.RedOpType) else str(op).rsplit(".", 1)[-1]


def _member(group):
    pg = _group(group)
    return None if pg is GroupMember.NON_GROUP_MEMBER else pg


def _peer(pg, rank, group_rank, default=0):
    """Group rank of a peer given as a global ``rank`` or directly as ``group_rank``."""
    if group_rank is not None:
        return group_rank
    rank = default if rank is None else rank
    return None if rank is None else get_group_rank(pg, rank)


# ---- collectives -----------------------------------------------------------------------------
def barrier(group=None, async_op=False, device_ids=None):
    pg = _member(group)
    return pg and _finish(pg.barrier(), async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _member(group)
    return pg and _finish(pg.allreduce(tensor, _op_name(op)), async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    pg = _member(group)
    return pg and _finish(pg.broadcast(tensor, _peer(pg, src, group_src)), async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    pg = _member(group)
    return pg and _finish(pg.reduce(tensor, _peer(pg, dst, group_dst), _op_name(op)), async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    pg = _member(group)
    return pg and _finish(pg.allgather(list(tensor_list), tensor), async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """``output_tensor`` is either the inputs concatenated along dim 0 or stacked on a new
    leading dim: in both layouts the bytes are rank-major, so one ``Allgather`` fills it."""
    pg = _member(group)
    return pg and _finish(pg.allgather_into(output_tensor, input_tensor), async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _member(group)
    if pg is None:
        return None
    flat = np.concatenate([_mpi.Staged(t).host.reshape(-1) for t in input_list])
    return _finish(pg.reduce_scatter_into(output, flat, _op_name(op)), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _member(group)
    if pg is None:
        return None
    flat = _mpi.Staged(input).host.reshape(-1)
    return _finish(pg.reduce_scatter_into(output, flat, _op_name(op)), async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    pg = _member(group)
    return pg and _finish(pg.gather(tensor, gather_list, _peer(pg, dst, group_dst)), async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    pg = _member(group)
    return pg and _finish(pg.scatter(tensor, scatter_list, _peer(pg, src, group_src)), async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    pg = _member(group)
    if pg is None:
        return None
    outs = list(output_tensor_list)
    send = _mpi.concat_bytes(input_tensor_list)
    send_counts = [t._data.nbytes for t in input_tensor_list]
    recv_counts = [t._data.nbytes for t in outs]
    recv = np.empty(sum(recv_counts), np.uint8)

    def unpack():
        for o, chunk in zip(outs, np.split(recv, np.cumsum(recv_counts)[:-1])):
            _mpi.assign(o, _mpi.from_bytes(chunk, o))
    return _finish(pg.alltoallv(send, send_counts, recv, recv_counts, unpack), async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    pg = _member(group)
    if pg is None:
        return None
    send = _mpi.raw_bytes(_mpi.Staged(input).host)
    staged = _mpi.Staged(output)
    recv = _mpi.raw_bytes(staged.host)
    send_counts = _split_bytes(input, input_split_sizes, pg.size())
    recv_counts = _split_bytes(output, output_split_sizes, pg.size())
    return _finish(pg.alltoallv(send, send_counts, recv, recv_counts, staged.commit), async_op)


def _split_bytes(t, splits, size):
    rows = t.shape[0] if t.dim() else 1
    row_bytes = t._data.nbytes // rows if rows else 0
    if splits is None:
        splits = [rows // size] * size
    if sum(splits) != rows:
        raise _errors.dist_error("split_sizes", list(splits))
    return [int(s) * row_bytes for s in splits]


# ---- point to point ---------------------------------------------------------------------------
def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    pg = _member(group)
    return pg and pg.send(tensor, _peer(pg, dst, group_dst), tag)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    pg = _member(group)
    return pg and pg.recv(tensor, _peer(pg, src, group_src, default=None), tag)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor``; returns the sender's global rank (-1 outside the group)."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    pg = _group(group)
    return get_global_rank(pg, work.source_rank())


# ---- picklable objects -----------------------------------------------------------------------
def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    pg = _member(group)
    if pg is None:
        return
    root = _peer(pg, src, group_src)
    got = pg.comm.bcast(list(object_list) if pg.rank() == root else None, root=root)
    object_list[:] = got


def all_gather_object(object_list, obj, group=None):
    pg = _member(group)
    if pg is not None:
        object_list[:] = pg.comm.allgather(obj)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _member(group)
    if pg is None:
        return
    root = _peer(pg, dst, group_dst)
    got = pg.comm.gather(obj, root=root)
    if pg.rank() == root:
        object_gather_list[:] = got



# Submodules that ``import torch.distributed`` makes reachable as attributes (annotations such
# as ``torch.distributed.device_mesh.DeviceMesh`` use them), imported on first access.
_SUBMODULES = frozenset({"device_mesh", "algorithms", "constants", "tensor", "fsdp", "nn",
                         "optim", "rpc"})


def __getattr__(name):
    if name in _SUBMODULES:
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise _errors.module_attribute(__name__, name)
