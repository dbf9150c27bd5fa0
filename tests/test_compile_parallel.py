"""Threads in replayed programs.  Kernels that split one op over threads
(``_backend.parallel.run``): the capture records the shares one after the other, the replay
gives each share's function to the kernel's runner, so they run at once as in eager mode.
Elementwise calls split in row blocks (``_compile/split.py``, off by default).  The mechanisms
are checked against NumPy running the same arithmetic directly, whole training steps against
eager Ember (bitwise)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ember._compile import backend, program, tape

pytest.importorskip("torch")   # the suite's oracle; these tests need only NumPy


class _Runner:
    """A ``parallel.run`` on one thread per share; the shares wait for each other to start
    (so they do run at once) and note their threads."""

    def __init__(self):
        self.threads, self.calls = set(), 0

    def __call__(self, fn, shares):
        self.calls += 1
        started = threading.Barrier(len(shares), timeout=30)

        def noted(share):
            started.wait()
            self.threads.add(threading.get_ident())
            return fn(share)
        with ThreadPoolExecutor(len(shares)) as pool:
            return list(pool.map(noted, shares))


def _capture(body, *arrays):
    """Record ``body(*recording arrays)``; (recorder, input slots, its result slots)."""
    rec = tape.Recorder()
    ins = [rec.adopt(a) for a in arrays]
    tape.CURRENT[0] = rec
    try:
        outs = body(*ins)
    finally:
        tape.CURRENT[0] = None
    return rec, [a._expr for a in ins], [o._expr for o in outs]


def _split_scale_and_sum(run, dependent=False, draw=None):
    """A kernel in the shape of the convolutions': shares write disjoint rows of one output
    and return partial sums, added after the split."""
    xp = tape.xp

    def body(x):
        out = xp.empty(x.shape, x.dtype)
        first = []

        def share(rows):
            a, b = rows
            scaled = xp.multiply(x[a:b], 2.0)
            if dependent and first:
                scaled = xp.add(scaled, first[0][:1])   # reads the other share's result
            if draw is not None:
                scaled = xp.add(scaled, draw())
            first.append(scaled)
            xp.add(scaled, 1.0, out=out[a:b])
            return xp.sum(scaled, axis=0)

        parts = tape.CURRENT[0].run_shares(share, [(0, 3), (3, x.shape[0])], run)
        return out, xp.add(parts[0], parts[1])
    return body


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [4, 7])
def test_shares_replay_at_once(dtype, rows):
    rng = np.random.default_rng(0)
    run = _Runner()
    rec, ins, outs = _capture(_split_scale_and_sum(run), rng.standard_normal((rows, 5), dtype))
    fn = program.build(rec, ins, outs)
    assert fn.source.count("(_call, [") == 1
    assert run.calls == 0                                  # the capture ran in order
    x = rng.standard_normal((rows, 5), dtype)[:, ::-1]    # a new input, not contiguous
    out, total = fn(x)
    assert run.calls == 1 and len(run.threads) == 2
    np.testing.assert_array_equal(out, x * 2.0 + 1.0)
    np.testing.assert_array_equal(total, (x[:3] * 2.0).sum(0) + (x[3:] * 2.0).sum(0))
    assert out.dtype == total.dtype == dtype


def test_dependent_shares_replay_in_order():
    rng = np.random.default_rng(1)
    run = _Runner()
    rec, ins, outs = _capture(_split_scale_and_sum(run, dependent=True),
                              rng.standard_normal((6, 3)))
    fn = program.build(rec, ins, outs)
    assert "(_call, [" not in fn.source
    x = rng.standard_normal((6, 3))
    out, total = fn(x)
    first = x[:3] * 2.0
    second = x[3:] * 2.0 + first[:1]
    np.testing.assert_array_equal(out, np.concatenate([first, second]) + 1.0)
    np.testing.assert_array_equal(total, first.sum(0) + second.sum(0))


def test_shares_drawing_random_numbers_replay_in_order():
    from ember._backend import torch_random
    rng = np.random.default_rng(2)
    gen = np.random.default_rng(3)

    def normal():
        return gen.standard_normal(3)
    normal.__module__ = torch_random.__name__    # recorded as a random kernel's call
    draw = tape._recorded(normal)
    rec, ins, outs = _capture(_split_scale_and_sum(_Runner(), draw=draw),
                              rng.standard_normal((6, 3)))
    assert len(rec.draws) == 2
    assert "(_call, [" not in program.build(rec, ins, outs).source


def test_recorded_parallel_splits_outside_shares_only():
    class Real:
        @staticmethod
        def workers():
            return 2

        run = _Runner()
    shim = backend._RecordedParallel(Real)
    assert shim.is_host(tape.xp) and shim.workers() == 2
    seen = []

    def body(x):
        def share(rows):
            seen.append(shim.workers())
            return tape.xp.sum(x[rows[0]:rows[1]])
        return shim.run(share, [(0, 1), (1, 2)])
    rec, ins, outs = _capture(body, np.arange(2.0))
    assert seen == [1, 1] and len(rec.segments) == 1
    assert program.build(rec, ins, outs)(np.array([3.0, 4.0])) == (3.0, 4.0)


@pytest.mark.parametrize("channels", [16, 64])   # im2col below Winograd's channels, Winograd
def test_split_convolutions_replay_split_and_equal_eager(channels, monkeypatch):
    """Where the kernels split convolutions and batch norm over threads (two here, whatever
    the test process's BLAS has), a compiled training step replays the split (a shares line)
    and stays bitwise equal to eager steps."""
    parallel = pytest.importorskip("ember._backend.parallel")
    pytest.importorskip("threadpoolctl")
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    import ember
    import ember.nn as nn

    def make():
        ember.manual_seed(0)
        m = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels),
                          nn.ReLU(), nn.Conv2d(channels, channels, 3, padding=1),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 5))
        return m, ember.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)

    from tests.test_compile import _step as step

    ember.manual_seed(3)
    # big enough (over 256 KiB an op) for the kernels to split
    data = [(ember.randn(8, 3, 24, 24), ember.randint(0, 5, (8,))) for _ in range(4)]
    (m1, o1), (m2, o2) = make(), make()
    compiled = ember.compile(step)
    assert [step(m1, o1, x, y).item() for x, y in data] == \
        [compiled(m2, o2, x, y).item() for x, y in data]
    for a, b in zip(m1.state_dict().values(), m2.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy())
    assert all("(_call, [" in e.program.source for e in compiled.cache.values())


@pytest.mark.parametrize("k", [2, 3])
def test_split_call_matches_one_call(k):
    from ember._compile import split
    rng = np.random.default_rng(4)
    a = rng.standard_normal((7, 4, 5)).astype(np.float32)
    rows, cols = rng.standard_normal((7, 1, 1)), rng.standard_normal(5).astype(np.float32)
    for args in [(a, cols), (a, rows), (a.transpose(0, 2, 1)[:, :4, :].transpose(0, 2, 1), 2.5),
                 (np.float32(3), a)]:
        expected = np.multiply(*args)
        got = split.call(np.multiply, expected.shape, expected.dtype, k, *args)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
    b = a.copy()
    assert split.call(np.add, b.shape, b.dtype, k, b, a, out=b) is b    # in place
    assert np.array_equal(b, a + a)


@pytest.mark.parametrize("k", [2, 3])
def test_split_kernel_covers_the_loop_once(k):
    """A fused kernel's blocks: each array argument cut at the same rows, numbers whole."""
    from ember._compile import split
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((7, 6)), rng.standard_normal((7, 6))
    row = np.broadcast_to(rng.standard_normal(6), (7, 6))
    out, calls = np.zeros((7, 6)), []

    def fn(x, y, r, o, scale):
        calls.append(len(x))
        assert len(x) == len(y) == len(r) == len(o)
        o += x * scale + y - r
    split.kernel(fn, k, a, b, row, out, 2.5)
    assert sorted(calls) == sorted(7 * (j + 1) // k - 7 * j // k for j in range(k))
    assert np.array_equal(out, a * 2.5 + b - row)


def test_split_needs_rows_size_and_c_order(monkeypatch):
    from ember._compile import split
    f4 = np.dtype(np.float32)
    monkeypatch.setattr(split, "MIN_BYTES", None)
    assert not split.splits((1024, 1024), f4, (4096, 4), 2)                 # off
    monkeypatch.setattr(split, "MIN_BYTES", 2 << 20)
    assert split.splits((1024, 1024), f4, (4096, 4), 2)
    assert not split.splits((1024, 1024), f4, (4, 4096), 2)                 # not C order
    assert not split.splits((1, 1 << 20), f4, (4 << 20, 4), 2)              # one row
    assert not split.splits((8, 8), f4, (32, 4), 2)                         # small
    assert not split.splits((1024, 1024), f4, (4096, 4), 1)                 # one thread


@pytest.mark.parametrize("name,opt", [("mlp", "sgd"), ("cnn", "adam"), ("transformer", "sgd")])
def test_split_elementwise_replay_equals_eager(monkeypatch, name, opt):
    """Every elementwise call with a C-contiguous result split in 3 row blocks: training
    steps stay bitwise equal to eager ones."""
    from tests import test_compile as tc
    from ember._compile import split
    import ember
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    monkeypatch.setattr(split, "parts", lambda: 3)
    ((m1, o1), (m2, o2)), data = tc._pair(name, opt)
    compiled = ember.compile(tc._step)
    data = data[:6]
    assert tc._train(m1, o1, data, tc._step) == tc._train(m2, o2, data, compiled)
    tc._same_state(m1, m2)
    assert all("_split(" in e.program.source for e in compiled.cache.values())
    from ember._backend import jit
    if jit.load("jit_fused") is not None:   # fused runs are split too
        assert any("_splitk(" in e.program.source for e in compiled.cache.values())
