"""Run a test's heavy part in a fresh interpreter (docs/testing.md, "Memory").

An xdist worker keeps the libraries every file before imported (torch, ember, the OpInfo
database, ...) and the heap they left; a test that needs several hundred megabytes on top of
that pushes the worker past the suite's 1 GB.  In a child process the same work starts from
the bare imports, and all of its memory goes back to the system when it exits.

    result = isolated.run(module_level_function, *args, **kwargs)

The function is looked up by module and name in the child (the test module is imported
afresh there), its arguments and result travel pickled, and an exception it raises, an
assertion or a ``pytest.skip``, is raised again in the test with the child's traceback
attached as a note.  Each child's peak RSS (MB) is appended to ``PEAKS`` (``tests/cpu_probe.py``
reports it per test).
"""
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEAKS = []
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from tests import isolated; " \
         "isolated._child(sys.argv[2])"


def run(func, *args, **kwargs):
    """``func(*args, **kwargs)`` in a new interpreter: its result, or its exception raised here."""
    module = sys.modules[func.__module__]
    call = (func.__module__, os.path.dirname(os.path.abspath(module.__file__)),
            func.__qualname__, args, kwargs)
    with tempfile.TemporaryDirectory(prefix="ember-isolated-") as tmp:
        path = os.path.join(tmp, "call.pickle")
        with open(path, "wb") as f:
            pickle.dump(call, f)
        proc = subprocess.run([sys.executable, "-c", _CHILD, ROOT, path], cwd=ROOT,
                              capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(f"{func.__qualname__} exited with status {proc.returncode} in its "
                               f"own process:\n{proc.stderr[-6000:]}")
        with open(path, "rb") as f:
            ok, value, peak = pickle.load(f)
    PEAKS.append(peak)
    if ok:
        return value
    raise value


def _child(path):
    import importlib
    with open(path, "rb") as f:
        module, directory, qualname, args, kwargs = pickle.load(f)
    if directory not in sys.path:      # pytest's default import mode puts it there too
        sys.path.insert(0, directory)
    func = importlib.import_module(module)
    for part in qualname.split("."):
        func = getattr(func, part)
    try:
        result = (True, func(*args, **kwargs))
    except BaseException as exc:    # noqa: BLE001  (pytest's skip and fail are BaseExceptions)
        exc.add_note("in its own process:\n" + "".join(traceback.format_exc()))
        result = (False, exc)
    with open(path, "wb") as f:
        pickle.dump(result + (_peak_mb(),), f)


def _peak_mb():
    """This process's peak RSS since it started: VmHWM, not ``ru_maxrss``, which a process
    started from a large one keeps from before its ``exec`` (the parent's RSS at the fork)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) >> 10 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
