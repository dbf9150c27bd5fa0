"""tests/isolated.py: a function run in a fresh interpreter returns its result, raises its
exception here, and reports its own peak memory (not its parent's)."""
import os

import pytest

from tests import isolated


def _pid_and_block(megabytes):
    block = bytearray(megabytes << 20)     # zero-filled: its pages are touched
    return os.getpid(), len(block)


def _fails(message):
    assert message == "never", message


def test_result_comes_back_from_another_process():
    ballast = bytearray(100 << 20)   # noqa: F841  the parent is large when the child starts
    pid, size = isolated.run(_pid_and_block, 20)
    assert pid != os.getpid() and size == 20 << 20
    # the child's own peak: its 20 MB and a bare interpreter, not the parent's 100 MB and more
    assert 20 <= isolated.PEAKS[-1] < 100


def test_exception_is_raised_here_with_the_childs_traceback():
    with pytest.raises(AssertionError, match="some message") as info:
        isolated.run(_fails, "some message")
    assert any("in its own process" in note and "_fails" in note
               for note in getattr(info.value, "__notes__", []))
