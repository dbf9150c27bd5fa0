"""Per-rank entry point used by ``ember.distributed.run``: export torch-style rank variables
from the MPI launcher's environment, arm the abort-on-exception hook, run the script.

Where ``fork`` exists the rank runs in a child of this process, which stays as a small
supervisor: it reports a rank that ends abnormally (a non-zero exit code, a signal, or an
``os._exit`` that skipped Python's shutdown) with its rank number, then exits with the same
status, which makes ``mpiexec`` tear the job down within seconds.  The child is killed with
the supervisor (``ember._parent_death``), and the supervisor forwards SIGINT/SIGTERM to it.
A rank that calls ``sys.exit(n)`` with ``n`` non-zero aborts the job, as an exception does
(otherwise the other ranks would wait in their next collective until it times out).
"""
import os
import runpy
import signal
import sys

# (rank, size, local rank, local size) variables of MPICH's Hydra and of Open MPI
_LAUNCHERS = (("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),
              ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
               "OMPI_COMM_WORLD_LOCAL_SIZE"))


def export_rank_env(environ):
    for rank, size, local, local_size in _LAUNCHERS:
        if rank in environ:
            environ["RANK"] = environ[rank]
            environ["WORLD_SIZE"] = environ[size]
            environ["LOCAL_RANK"] = environ.get(local, environ[rank])
            environ["LOCAL_WORLD_SIZE"] = environ.get(local_size, environ[size])
            break
    else:
        environ.setdefault("RANK", "0")
        environ.setdefault("WORLD_SIZE", "1")
        environ.setdefault("LOCAL_RANK", "0")
        environ.setdefault("LOCAL_WORLD_SIZE", "1")
    environ.setdefault("MASTER_ADDR", "127.0.0.1")
    environ.setdefault("MASTER_PORT", "29500")


def _report(rank, pid, what):
    print(f"ember.distributed.run: rank {rank} (pid {pid}) {what}", file=sys.stderr, flush=True)


def supervise(child, rank, clean_exit):
    """Wait for the rank process ``child``; its exit status, reported when abnormal.
    ``clean_exit``: a pipe the child writes to when Python shuts down normally."""
    stopping = []

    def forward(sig, _frame):
        stopping.append(sig)
        os.kill(child, sig)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    _, status = os.waitpid(child, 0)
    os.set_blocking(clean_exit, False)     # the rank's own children may still hold the pipe
    try:
        clean = os.read(clean_exit, 1) == b"1"
    except BlockingIOError:
        clean = False
    code = os.waitstatus_to_exitcode(status)
    if stopping:                    # the job is being torn down: not this rank's failure
        return code if code >= 0 else 128 - code
    if code < 0:
        _report(rank, child, f"was killed by signal {-code} ({signal.strsignal(-code)})")
        return 128 - code
    if code or not clean:
        how = "" if clean else " without Python's shutdown (os._exit or a crash)"
        _report(rank, child, f"exited with code {code}{how}")
    return code


def _fork_rank(rank):
    """In the supervisor: fork and supervise (never returns).  In the rank: returns."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child:
        os.close(write_end)
        sys.exit(supervise(child, rank, read_end))
    os.close(read_end)
    from .._parent_death import die_with_parent
    die_with_parent(os.getppid(), started_by_main_thread=True)
    import atexit
    atexit.register(os.write, write_end, b"1")


def _abort_on_exit_code(code, rank):
    """``sys.exit(code)`` on one rank of an MPI job: abort the job instead of leaving the others
    waiting in their next collective."""
    if code in (None, 0) or "mpi4py.MPI" not in sys.modules:
        return
    MPI = sys.modules["mpi4py.MPI"]
    if MPI.Is_initialized() and not MPI.Is_finalized() and MPI.COMM_WORLD.Get_size() > 1:
        _report(rank, os.getpid(), f"called sys.exit({code!r}): aborting the job")
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(code if isinstance(code, int) else 1)


def main():
    export_rank_env(os.environ)
    rank = os.environ["RANK"]
    if hasattr(os, "fork"):
        _fork_rank(rank)
    from ._mpi import install_abort_hook
    install_abort_hook()
    try:
        _run(sys.argv[1:])
    except SystemExit as e:
        _abort_on_exit_code(e.code, rank)
        raise


def _run(args):
    as_module = args[:1] == ["-m"]
    target = args[1] if as_module else args[0]
    rest = args[2:] if as_module else args[1:]
    if as_module:
        sys.argv = [target] + rest
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target] + rest
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main()
