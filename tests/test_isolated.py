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
    ballast = bytearray(300 << 20)   # noqa: F841  the parent is large when the child starts
    pid, size = isolated.run(_pid_and_block, 60)
    assert pid != os.getpid() and size == 60 << 20
    # the child's own peak: its 60 MB and the interpreter, not the parent's 300 MB
    assert 60 <= isolated.PEAKS[-1] < 250


def test_exception_is_raised_here_with_the_childs_traceback():
    with pytest.raises(AssertionError, match="some message") as info:
        isolated.run(_fails, "some message")
    assert any("in its own process" in note and "_fails" in note
               for note in getattr(info.value, "__notes__", []))
