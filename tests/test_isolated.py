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


def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


@pytest.mark.slow
def test_result_comes_back_from_another_process():
    # the parent is over 128 MB when the child starts: a worker late in the run is far larger
    # already, and another 100 MB there would raise the suite's peak (docs/testing.md)
    ballast = bytearray(max(0, 128 - _rss_mb()) << 20)   # noqa: F841
    pid, size = isolated.run(_pid_and_block, 20)
    assert pid != os.getpid() and size == 20 << 20
    # the child's own peak: its 20 MB and a bare interpreter, not the parent's 100 MB and more
    assert 20 <= isolated.PEAKS[-1] < 100


@pytest.mark.slow
def test_exception_is_raised_here_with_the_childs_traceback():
    with pytest.raises(AssertionError, match="some message") as info:
        isolated.run(_fails, "some message")
    assert any("in its own process" in note and "_fails" in note
               for note in getattr(info.value, "__notes__", []))
