"""A batch's sequences in two halves on two threads (``rnn_kernels._halves``): the forward
recurrences of LSTM, GRU and RNN layers (and backward ones without a recurrent weight
gradient) give torch's values and gradients with the split forced on at small sizes."""
import numpy as np
import pytest

import ember
from ember._backend import parallel, rnn_kernels
from tests.oracle.harness import compare
from tests.test_rnn_kernels import LSTM_CASES, _pair, _run, gates  # noqa: F401 (fixture)

torch = pytest.importorskip("torch")


@pytest.fixture
def halves(monkeypatch):
    """Two threads, the split from two sequences on; records the ranges each run used."""
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(rnn_kernels, "_MIN_SPLIT_BATCH", 2)
    monkeypatch.setattr(rnn_kernels, "_MIN_SPLIT_MACS", 0)
    seen = []
    split = rnn_kernels._halves

    def spy(xp, bsizes, macs):
        parts = split(xp, bsizes, macs)
        seen.append(parts)
        return parts
    monkeypatch.setattr(rnn_kernels, "_halves", spy)
    return seen


def _rows_of(bsizes, b0, b1):
    return sum(max(0, min(bs, b1) - b0) for bs in bsizes)


@pytest.mark.parametrize("bsizes", [[8] * 5, [9] * 3, [10, 8, 4, 2, 1], [8, 1, 1, 1],
                                    [2, 2], [3], [16, 16, 3], [5, 5, 5, 5, 5, 5, 5, 1]])
def test_halves_cover_the_batch_with_balanced_rows(monkeypatch, bsizes):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(rnn_kernels, "_MIN_SPLIT_BATCH", 2)
    parts = rnn_kernels._halves(np, bsizes, rnn_kernels._MIN_SPLIT_MACS)
    n, total = bsizes[0], sum(bsizes)
    assert parts[0][0] == 0 and parts[-1][1] == n
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(parts, parts[1:]))
    if len(parts) == 2:      # the first cut with at least half of the rows before it
        cut = parts[0][1]
        assert 2 * _rows_of(bsizes, 0, cut) >= total > 2 * _rows_of(bsizes, 0, cut - 1)


@pytest.mark.parametrize("workers,macs,batch", [(1, 1 << 30, 32), (2, 1000, 32),
                                                (2, 1 << 30, 4)])
def test_small_work_or_one_thread_keeps_the_batch_whole(monkeypatch, workers, macs, batch):
    monkeypatch.setattr(parallel, "workers", lambda: workers)
    assert rnn_kernels._halves(np, [batch] * 4, macs) == [(0, batch)]


def test_device_arrays_keep_the_batch_whole(monkeypatch):
    """A device's array module orders its own work: no threads split its recurrences."""
    from ember._backend import strict
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    assert rnn_kernels._halves(strict.xp, [32] * 4, 1 << 30) == [(0, 32)]


# float64 takes the NumPy gates whatever the ``gates`` fixture says
GATES_DTYPES = pytest.mark.parametrize("gates,dtype", [("numpy", "float32"),
                                                       ("numba", "float32"),
                                                       ("numpy", "float64")],
                                       indirect=["gates"])


@pytest.mark.filterwarnings("ignore:LSTM with projections")
@pytest.mark.parametrize("kw,packed,given", LSTM_CASES)
@GATES_DTYPES
def test_lstm_in_halves_against_torch(halves, gates, kw, packed, given, dtype):
    em, tm = _pair("LSTM", dtype, **kw)
    rng = np.random.default_rng(len(kw) + 2 * given)
    bf = kw.get("batch_first", False)
    x = rng.standard_normal((3, 6, 3) if bf else (6, 3, 3)).astype(dtype)
    n = (2 if kw.get("bidirectional") else 1) * kw.get("num_layers", 1)
    state = ((rng.standard_normal((n, 3, kw.get("proj_size") or 5)).astype(dtype),
              rng.standard_normal((n, 3, 5)).astype(dtype)) if given else ())
    got = [_run(lib, m, x, state, packed, bf, 7) for lib, m in ((ember, em), (torch, tm))]
    assert any(len(parts) == 2 for parts in halves)
    tol = 2e-5 if dtype == "float32" else 1e-10
    for a, b in zip(*got):
        compare(a, b, tol, tol)


@pytest.mark.parametrize("cls,kw", [("GRU", dict(bidirectional=True)),
                                    ("GRU", dict(num_layers=2, dropout=0.3, batch_first=True)),
                                    ("RNN", dict(num_layers=2, nonlinearity="relu")),
                                    ("RNN", dict(bidirectional=True, bias=False))])
@GATES_DTYPES
@pytest.mark.parametrize("packed", [None, [4, 5, 1, 3, 2]])
def test_gru_and_rnn_in_halves_against_torch(halves, gates, cls, kw, dtype, packed):
    em, tm = _pair(cls, dtype, **kw)
    x = np.random.default_rng(1).standard_normal((5, 5, 3)).astype(dtype)
    got = [_run(lib, m, x, (), packed, kw.get("batch_first", False), 3)
           for lib, m in ((ember, em), (torch, tm))]
    assert any(len(parts) == 2 for parts in halves)
    tol = 2e-5 if dtype == "float32" else 1e-10
    for a, b in zip(*got):
        compare(a, b, tol, tol)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_backward_in_halves_without_recurrent_weight_gradient(halves, cls):
    """A frozen recurrent weight: the backward recurrence itself runs in halves."""
    em, tm = _pair(cls, "float64", batch_first=True)
    x = np.random.default_rng(4).standard_normal((6, 7, 3))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        m.weight_hh_l0.requires_grad_(False)
        xt = lib.tensor(x, requires_grad=True)
        out, _ = m(xt)
        (out * out.cos()).sum().backward()
        res.append([out, xt.grad, m.weight_ih_l0.grad, m.bias_hh_l0.grad])
    assert sum(len(parts) == 2 for parts in halves) >= 2    # forward and backward
    for a, b in zip(*res):
        compare(a, b, 1e-10, 1e-10)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "tanh"])
@pytest.mark.parametrize("bsizes,reverse", [(None, False), ([4, 3, 3, 1], True)])
def test_layer_gradcheck_in_halves(halves, mode, bsizes, reverse):
    from tests.test_rnn_fused import _layer_fn, _layer_inputs
    rng = np.random.default_rng(9)
    ins = _layer_inputs(rng, mode, [4, 4, 4] if bsizes is None else bsizes, 3,
                        2 if mode == "LSTM" else 0)
    assert ember.autograd.gradcheck(*_layer_fn(mode, ins, bsizes, reverse))
    assert any(len(parts) == 2 for parts in halves)


@pytest.mark.cpu_only      # ember.compile captures CPU programs
@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_compiled_steps_in_halves_equal_eager(halves, gates, cls):
    """A replay runs each layer's kernels as eager does, halves included: bitwise equal."""
    from tests.test_rnn_kernels import assert_compiled_equals_eager
    assert_compiled_equals_eager(cls, 4)
    assert any(len(parts) == 2 for parts in halves)
