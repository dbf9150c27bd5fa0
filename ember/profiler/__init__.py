"""``torch.profiler``: CPU time per op and per ``record_function`` range."""
import os
import socket
import time

from ._range import record_function
from .profiler import (ProfilerAction, ProfilerActivity, profile, schedule,
                       supported_activities)



def kineto_available():
    """False: Ember's profiler is its own op timer, not PyTorch's Kineto library."""
    return False


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An ``on_trace_ready`` handler that writes each trace as
    ``DIR/WORKER.MILLISECONDS.pt.trace.json`` (``.gz`` with ``use_gzip``), which TensorBoard's
    profiler plugin reads."""
    worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = f"{worker}.{int(time.time() * 1000)}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, name))
    return handler


__all__ = ["kineto_available", "tensorboard_trace_handler", "profile", "schedule", "ProfilerAction", "ProfilerActivity", "record_function",
           "supported_activities"]
