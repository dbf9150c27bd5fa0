"""``torch.multiprocessing``: Python's ``multiprocessing`` (same names) with tensors shared
through memory instead of copied, plus ``spawn``."""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403

from .reductions import init_reductions
from .spawn import (ProcessContext, ProcessException, ProcessExitedException,  # noqa: F401
                    ProcessRaisedException, spawn, start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies",
           "spawn", "start_processes", "ProcessContext", "ProcessException",
           "ProcessRaisedException", "ProcessExitedException"] + multiprocessing.__all__

_STRATEGIES = {"file_system"}
_strategy = ["file_system"]


def get_all_sharing_strategies():
    """Ember shares CPU tensors through files in ``/dev/shm``: ``"file_system"``."""
    return set(_STRATEGIES)


def get_sharing_strategy():
    return _strategy[0]


def set_sharing_strategy(new_strategy):
    if new_strategy not in _STRATEGIES:
        from .. import _errors
        raise _errors.mp_sharing_strategy(new_strategy, _STRATEGIES)
    _strategy[0] = new_strategy


init_reductions()
