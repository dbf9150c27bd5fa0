"""Child processes that end with their parent (DataLoader workers, launcher ranks).

On Linux the kernel can SIGKILL a process when its parent dies (``prctl(PR_SET_PDEATHSIG)``),
which works even while the child is stuck in C code.  That signal fires when the parent
*thread* that started the child ends, so it is only armed for children started by the parent's
main thread; otherwise, and off Linux, a daemon thread polls the parent pid (it needs the GIL,
so a child stuck in C code holding it outlives the parent until that call returns).
"""
import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def kernel_kills_on_parent_death():
    """Ask the kernel to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent):
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def die_with_parent(parent, started_by_main_thread):
    """End this process (now a child of ``parent``) as soon as ``parent`` dies."""
    if not (started_by_main_thread and kernel_kills_on_parent_death()):
        threading.Thread(target=_watch, args=(parent,), daemon=True,
                         name="ember-parent-watch").start()
    if os.getppid() != parent:      # it died before we were watching
        os._exit(1)
