"""``python -m ember.distributed.run``: a torchrun-like launcher over ``mpiexec``.

    python -m ember.distributed.run --nproc-per-node 4 train.py --epochs 3
    python -m ember.distributed.run --nproc-per-node 4 --hostfile hosts train.py   # multi-node

It runs ``mpiexec -n N python -m ember.distributed._shim train.py ...``.  On each rank the shim
reads the rank from the MPI launcher's environment and exports PyTorch's variables (``RANK``,
``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) before
running the script as ``__main__``, so ``init_process_group(init_method="env://")`` and scripts
that read those variables work unchanged.  An uncaught exception on any rank prints its
traceback and aborts the whole job with a non-zero exit status.

``--timeout SECONDS`` sets the default timeout of every process group the ranks create
(``init_process_group(timeout=None)``; an explicit ``timeout=`` still wins): a collective that
waits longer raises on the waiting rank and aborts the job.  The default is PyTorch's, 30
minutes.  A rank that raises, calls ``sys.exit(n)``, exits through ``os._exit(n)`` or dies
from a signal ends the whole job within seconds, and the launcher prints which rank it was and
its exit code or signal.

``--hostfile`` is passed to ``mpiexec`` as is (MPICH's ``-f`` format: one host per line, with
``host:slots``); ``--nproc-per-node`` is then the total number of ranks for MPICH to place.
"""
import argparse
import os
import shutil
import subprocess
import sys

from .. import _errors


def _parser():
    p = argparse.ArgumentParser(prog="python -m ember.distributed.run",
                                description="Run a training script on N ranks under mpiexec.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1)
    p.add_argument("--hostfile", default=None, help="passed to mpiexec -f (multi-node)")
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="default collective timeout of the ranks' process groups "
                        "(default: 1800, PyTorch's 30 minutes)")
    p.add_argument("--mpiexec", default=os.environ.get("EMBER_MPIEXEC", "mpiexec"))
    p.add_argument("-m", dest="module", action="store_true",
                   help="treat the script as a module name, like python -m")
    p.add_argument("script")
    p.add_argument("script_args", nargs=argparse.REMAINDER)
    return p


def _find_mpiexec(name):
    """``name`` next to ``sys.executable`` first (pip's mpich installs it in the environment's
    bin folder, which is not on PATH unless the environment is activated), then on PATH."""
    bindir = os.path.dirname(sys.executable)
    exe = shutil.which(name, path=bindir) or shutil.which(name)
    if exe is None:
        raise _errors.mpiexec_missing(name, bindir)
    return exe


def command(args):
    """The ``mpiexec`` command line for parsed launcher arguments."""
    exe = _find_mpiexec(args.mpiexec)
    cmd = [exe, "-n", str(args.nproc_per_node)]
    if args.hostfile:
        cmd += ["-f", args.hostfile]
    cmd += [sys.executable, "-m", "ember.distributed._shim"]
    cmd += ["-m"] if args.module else []
    return cmd + [args.script] + list(args.script_args)


def main(argv=None):
    args = _parser().parse_args(argv)
    env = dict(os.environ, MASTER_ADDR=args.master_addr, MASTER_PORT=str(args.master_port))
    if args.timeout is not None:
        env["EMBER_DIST_TIMEOUT"] = str(args.timeout)
    try:
        cmd = command(args)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 127
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
