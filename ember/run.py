"""The drop-in runner: run an unmodified PyTorch program on Ember.

    python -m ember.run script.py [args...]
    python -m ember.run -m package.module [args...]

The script's ``import torch`` / ``import torchvision`` resolve to Ember (see
:mod:`ember.compat`).  Everything else is as if it had been run with ``python``: ``sys.argv``,
``__name__ == "__main__"``, the script's directory first on ``sys.path``, ``sys.exit`` codes, and
an uncaught exception prints its traceback (starting at the script's own frames) and exits 1.
"""
import os
import runpy
import sys

from . import compat

USAGE = "usage: python -m ember.run script.py [args...] | -m module [args...]"


def _script_traceback(tb):
    """Drop the runner's and runpy's frames from the front of a traceback."""
    ours = globals()
    while tb is not None and (tb.tb_frame.f_globals is ours
                              or tb.tb_frame.f_globals.get("__name__") == "runpy"):
        tb = tb.tb_next
    return tb


def run(target, args=(), module=False):
    """Run a script path (or, with ``module=True``, a module) as ``__main__`` on Ember."""
    compat.install()
    sys.argv = [target, *args]
    if module:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(os.path.abspath(target), run_name="__main__")   # __file__ as python's


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    module = argv[0] == "-m"
    if module:
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        argv = argv[1:]
    elif not os.path.exists(argv[0]):
        print(f"{sys.executable}: can't open file {os.path.abspath(argv[0])!r}: "
              "[Errno 2] No such file or directory", file=sys.stderr)
        return 2
    try:
        run(argv[0], argv[1:], module=module)
    except Exception as exc:  # noqa: BLE001 (report like the interpreter does)
        tb = _script_traceback(exc.__traceback__)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
