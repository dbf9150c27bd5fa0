"""The sampling pipelines of ``torch_random``: runs drawn ahead on the drawing thread
(``_runs``, the NumPy kernels) and runs transformed on a pool (``_pipeline``, the numba
kernels) keep the draws in stream order and give every run exactly once, whichever thread
draws or transforms it; seeded samples and the generator state afterwards equal torch's.
"""
import threading
from concurrent.futures import Future

import numpy as np
import pytest

import ember
from ember._backend import torch_random

torch = pytest.importorskip("torch")


def _drawer(log):
    """A draw step numbering its values in stream order (and logging the run sizes)."""
    done = [0]

    def draw(m):
        log.append(m)
        done[0] += m
        return np.arange(done[0] - m, done[0])
    return draw


def _pipeline_log(n, blocked_workers):
    """Run the pipeline on ``n`` values with a work step that records which thread transformed
    each run; with ``blocked_workers`` the pool's workers wait until the calling thread has
    transformed a run itself, so the backlog and take-back paths are both taken."""
    out = np.full(n, -1)
    by = {}
    caller = threading.get_ident()
    caller_worked = threading.Event()
    if not blocked_workers:
        caller_worked.set()

    def work(i, j, values):
        if threading.get_ident() == caller:
            caller_worked.set()
        else:
            caller_worked.wait(30)
        assert (out[i:j] == -1).all()       # each run once
        out[i:j] = values
        by[i] = threading.get_ident() == caller
    draws = []
    torch_random._pipeline(n, _drawer(draws), work)
    return out, by, draws


@pytest.fixture
def runs_of_64(monkeypatch):
    monkeypatch.setattr(torch_random, "_CHUNK", 64)


@pytest.mark.parametrize("n", [1, 63, 64, 64 * 8 - 1, 64 * 8, 64 * 40 + 5])
@pytest.mark.parametrize("blocked", [False, True])
def test_pipeline_runs_once_in_order(runs_of_64, n, blocked):
    out, by, draws = _pipeline_log(n, blocked)
    np.testing.assert_array_equal(out, np.arange(n))
    assert draws == [min(64, n - i) for i in range(0, n, 64)]
    assert sorted(by) == list(range(0, n, 64))
    if blocked and n >= torch_random.THREADED_RUNS * 64:
        assert any(by.values())             # the calling thread transformed runs too


def test_pipeline_work_errors_propagate(runs_of_64):
    def work(i, j, values):
        if i == 64 * 5:
            raise ValueError("run 5")
    with pytest.raises(ValueError, match="run 5"):
        torch_random._pipeline(64 * 12, _drawer([]), work)


@pytest.mark.parametrize("n", [1, 64, 64 * 4 - 1, 64 * 4, 64 * 4 + 1, 64 * 16 + 3, 64 * 100])
def test_runs_drawn_ahead(runs_of_64, n):
    # from AHEAD_RUNS runs on, the first run is drawn by the caller, the rest on the drawing
    # thread in blocks of 2, 4, 8, ... up to _AHEAD_MAX runs, in stream order; the runs split
    # at each block's multiples of 64
    caller = threading.get_ident()
    on_caller, draws = [], []
    numbered = _drawer(draws)

    def draw(m):
        on_caller.append(threading.get_ident() == caller)
        return numbered(m)
    runs = list(torch_random._runs(n, draw))
    assert [v for _, _, bits in runs for v in bits] == list(range(n))
    assert all(0 < j - i <= 64 and len(bits) == j - i for i, j, bits in runs)
    assert sum(draws) == n
    if n >= torch_random.AHEAD_RUNS * 64:
        assert on_caller == [True] + [False] * (len(draws) - 1)
        blocks, i, size = [64], 64, 128
        while i < n:
            blocks.append(min(size, n - i))
            i, size = i + size, min(2 * size, 64 * torch_random._AHEAD_MAX)
        assert draws == blocks
    else:
        assert all(on_caller) and draws == [min(64, n - i) for i in range(0, n, 64)]


def _same_as_torch(fn, seed):
    res = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        t = fn(lib)
        res.append(((t.float() if t.dtype == lib.bfloat16 else t).numpy(),
                    lib.get_rng_state().numpy().tobytes()))
    (t, t_state), (e, e_state) = res
    assert e.dtype == t.dtype
    np.testing.assert_array_equal(np.ascontiguousarray(e).view(np.uint8),
                                  np.ascontiguousarray(t).view(np.uint8))
    assert e_state == t_state


@pytest.fixture
def small_runs(monkeypatch):
    """Runs of 4096 samples, drawn ahead and (numba) transformed on threads from 2 runs: small
    requests take the threaded paths."""
    monkeypatch.setattr(torch_random, "THREADED_RUNS", 2)
    monkeypatch.setattr(torch_random, "AHEAD_RUNS", 2)
    monkeypatch.setattr(torch_random, "_CHUNK", 4096)
    monkeypatch.setattr(torch_random, "_WORK", threading.local())   # work arrays of that size


@pytest.mark.parametrize("n", [2 * 4096 - 1, 2 * 4096, 2 * 4096 + 16, 13 * 4096 + 9])
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64"])
def test_threaded_normal_matches_torch(small_runs, n, dtype):
    for mean, std in ((0.0, 1.0), (0.0, 0.02), (0.5, 2.0)):
        _same_as_torch(lambda L: L.empty(n, dtype=getattr(L, dtype)).normal_(mean, std), 5)


def test_threaded_normal_views_and_inits(small_runs):
    # a non-contiguous target (its own stream order), and the default inits of a conv weight
    _same_as_torch(lambda L: L.empty(64, 2 * 1024)[:, ::2].normal_(0.0, 0.5), 6)
    _same_as_torch(lambda L: L.empty(64, 2 * 1024).t().normal_(), 6)

    def inits(L):
        w = L.empty(64, 32, 3, 3)
        L.nn.init.kaiming_uniform_(w, a=5 ** 0.5)
        return L.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    _same_as_torch(inits, 7)


@pytest.mark.parametrize("offset", [-16, 17])
def test_default_sizes_around_threshold(offset):
    # either side of the default draw-ahead threshold, generator state included
    n = torch_random._CHUNK * torch_random.AHEAD_RUNS + offset
    _same_as_torch(lambda L: L.empty(n).normal_(0.0, 0.02), 8)


def test_threaded_numba_normal_matches_torch(small_runs, monkeypatch):
    # the numba kernels transform on the pool (the calling thread too, and takes runs back)
    pytest.importorskip("numba")
    from ember._backend import jit_random
    monkeypatch.setattr(torch_random, "_JIT", [jit_random])
    for n in (2 * 4096 - 1, 2 * 4096, 13 * 4096 + 9):
        _same_as_torch(lambda L: L.empty(n).normal_(0.0, 0.02), 9)


class _Held:
    """An executor whose jobs wait until the test runs them (pending futures)."""

    def __init__(self):
        self.jobs = []

    def submit(self, fn, *args):
        job = Future()
        self.jobs.append((job, fn, args))
        return job


def test_stopped_caller_cancels_draws_ahead(runs_of_64, monkeypatch):
    # a caller leaving the runs early (an exception in its transform) cancels the blocks not
    # yet drawn: the engine is not advanced behind its back
    held = _Held()
    monkeypatch.setattr(torch_random, "_DRAWER", [held])
    draws = []
    runs = torch_random._runs(64 * 40, _drawer(draws))
    next(runs)                      # the caller's own first run; two blocks are queued
    (first, fn, args), (second, _, _) = held.jobs
    first.set_running_or_notify_cancel()
    first.set_result(fn(*args))
    runs.close()
    assert second.cancelled() and draws == [64, 128]
