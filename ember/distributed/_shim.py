"""Per-rank entry point used by ``ember.distributed.run``: export torch-style rank variables
from the MPI launcher's environment, arm the abort-on-exception hook, run the script."""
import os
import runpy
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


def main():
    export_rank_env(os.environ)
    from ._mpi import install_abort_hook
    install_abort_hook()
    args = sys.argv[1:]
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
