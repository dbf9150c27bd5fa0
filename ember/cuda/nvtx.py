"""``torch.cuda.nvtx``: profiler ranges need NVIDIA's NVTX library, which Ember does not use."""
import contextlib

from .. import _errors

__all__ = ["range_push", "range_pop", "range_start", "range_end", "mark", "range"]


def range_push(msg):
    raise _errors.nvtx_missing()


def range_pop():
    raise _errors.nvtx_missing()


def range_start(msg):
    raise _errors.nvtx_missing()


def range_end(range_id):
    raise _errors.nvtx_missing()


def mark(msg):
    raise _errors.nvtx_missing()


@contextlib.contextmanager
def range(msg, *args, **kwargs):  # noqa: A001  (torch's name)
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
