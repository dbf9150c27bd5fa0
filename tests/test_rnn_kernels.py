"""The recurrent layers' host kernels (``ember/_backend/rnn_kernels.py``): the numba gate
kernels of float32 LSTMs (``jit_rnn``) and the NumPy path both against torch, the per-step
products in column blocks, and compiled steps recording each layer as one call."""
import re

import numpy as np
import pytest

import ember
from ember._backend import jit, rnn_kernels
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")

GATES = ["numpy", "numba"]


@pytest.fixture(params=GATES)
def gates(request, monkeypatch):
    """Run float32 LSTMs on the NumPy gate arithmetic or on numba's kernels."""
    if request.param == "numba":
        pytest.importorskip("numba")
        kern = jit.load("jit_rnn")
        if kern is None:
            pytest.skip("EMBER_JIT=0 or numba unusable here")
    else:
        kern = None
    monkeypatch.setattr(rnn_kernels, "_gate_kernels",
                        lambda xp, dt: kern if xp is np and dt == np.float32 else None)
    return request.param


def _pair(cls, dtype, **kw):
    tm = getattr(torch.nn, cls)(3, 5, **kw).to(getattr(torch, dtype))
    em = getattr(ember.nn, cls)(3, 5, **kw).to(getattr(ember, dtype))
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return em, tm


def _run(lib, m, x, state, packed, batch_first, seed):
    """Forward and backward of a random loss; returns what to compare."""
    ts = [lib.tensor(a, requires_grad=True) for a in (x, *state)]
    inp = ts[0]
    if packed:
        inp = lib.nn.utils.rnn.pack_padded_sequence(inp, packed, batch_first=batch_first,
                                                    enforce_sorted=False)
    hx = None if not state else tuple(ts[1:]) if len(state) == 2 else ts[1]
    lib.manual_seed(seed)       # dropout masks: ember draws torch's numbers
    out, h = m(inp, hx)
    out = out.data if packed else out
    hs = h if isinstance(h, tuple) else (h,)
    loss = (out * out.cos()).sum() + sum((s * s).sum() for s in hs)
    loss.backward()
    return [out, *hs] + [t.grad for t in ts] + [p.grad for p in m.parameters()]


LSTM_CASES = [(dict(), None, False), (dict(), [6, 2, 4], True),
              (dict(batch_first=True), [6, 2, 4], False), (dict(bidirectional=True), None, True),
              (dict(num_layers=2, dropout=0.4), None, False), (dict(proj_size=2), None, True),
              (dict(num_layers=2, bidirectional=True, proj_size=3, batch_first=True),
               [6, 2, 4], True)]


@pytest.mark.filterwarnings("ignore:LSTM with projections")
@pytest.mark.parametrize("kw,packed,given", LSTM_CASES)
def test_lstm_float32_against_torch(gates, kw, packed, given):
    em, tm = _pair("LSTM", "float32", **kw)
    rng = np.random.default_rng(len(kw) + 2 * given)
    bf = kw.get("batch_first", False)
    x = rng.standard_normal((3, 6, 3) if bf else (6, 3, 3)).astype(np.float32)
    n = (2 if kw.get("bidirectional") else 1) * kw.get("num_layers", 1)
    state = ((rng.standard_normal((n, 3, kw.get("proj_size") or 5)).astype(np.float32),
              rng.standard_normal((n, 3, 5)).astype(np.float32)) if given else ())
    got = [_run(lib, m, x, state, packed, bf, 7) for lib, m in ((ember, em), (torch, tm))]
    for a, b in zip(*got):
        compare(a, b, 2e-5, 2e-5)


@pytest.mark.parametrize("cls,kw", [("GRU", dict(bidirectional=True)),
                                    ("GRU", dict(num_layers=2, bias=False, batch_first=True)),
                                    ("RNN", dict(num_layers=2, nonlinearity="relu")),
                                    ("LSTM", dict(batch_first=True))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layers_against_torch(gates, cls, kw, dtype):
    """GRU, RNN (NumPy only) and LSTM; float64 on the NumPy path whatever ``gates`` says."""
    em, tm = _pair(cls, dtype, **kw)
    x = np.random.default_rng(1).standard_normal((5, 5, 3)).astype(dtype)
    got = [_run(lib, m, x, (), [4, 5, 1, 3, 2], kw.get("batch_first", False), 0)
           for lib, m in ((ember, em), (torch, tm))]
    tol = 2e-5 if dtype == "float32" else 1e-10
    for a, b in zip(*got):
        compare(a, b, tol, tol)


@pytest.mark.cpu_only
def test_jit_tanh_within_4_ulp():
    pytest.importorskip("numba")
    kern = jit.load("jit_rnn")
    if kern is None:
        pytest.skip("EMBER_JIT=0 or numba unusable here")
    x = np.concatenate([np.linspace(-12, 12, 200_001, dtype=np.float32),
                        np.float32([np.inf, -np.inf, 0.0, -0.0, 1e-30, -3e-39, 9.99, 10.5])])
    got = np.empty_like(x)
    kern.tanh(x, got)
    ref = np.tanh(x.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    assert (np.abs(got - ref) <= 4 * ulp).all()
    assert np.signbit(got[x == 0]).tolist() == np.signbit(x[x == 0]).tolist()
    nan = np.float32([np.nan])
    kern.tanh(nan, nan)
    assert np.isnan(nan).all()


def test_nan_and_inf_inputs_propagate_like_torch(gates):
    em, tm = _pair("LSTM", "float32")
    x = np.random.default_rng(2).standard_normal((4, 2, 3)).astype(np.float32)
    x[1, 0, 0], x[2, 1, 2] = np.nan, np.inf
    oe, (he, ce) = em(ember.tensor(x))
    ot, (ht, ct) = tm(torch.tensor(x))
    for a, b in ((oe, ot), (he, ht), (ce, ct)):
        compare(a.detach(), b.detach(), 2e-5, 2e-5)


@pytest.mark.cpu_only
def test_host_kernels_take_ndarray_subclasses_as_plain_arrays(tmp_path):
    """A memory-mapped initial state keeps ndarray's ``__array_function__``: no duck array,
    the kernel just runs (a duck array's own protocol is what a compile capture uses)."""
    rng = np.random.default_rng(3)
    x, h0 = (rng.standard_normal(s).astype(np.float32) for s in ((4, 2, 3), (1, 2, 5)))
    mm = np.memmap(tmp_path / "h0.bin", np.float32, "w+", shape=h0.shape)
    mm[:] = h0
    em, tm = _pair("GRU", "float32")
    got = em(ember.tensor(x), ember.from_numpy(mm))
    assert isinstance(ember.from_numpy(mm)[0]._data, np.memmap)
    want = tm(torch.tensor(x), torch.tensor(h0))
    compare([t.detach() for t in got], [t.detach() for t in want], 2e-5, 2e-5)


@pytest.mark.cpu_only
def test_ember_jit_0_keeps_numba_out(monkeypatch):
    monkeypatch.setenv("EMBER_JIT", "0")
    monkeypatch.setattr(jit, "_loaded", {})
    assert rnn_kernels._gate_kernels(np, np.float32) is None


@pytest.mark.cpu_only
@pytest.mark.parametrize("rows,k,n", [(16, 128, 512), (32, 256, 1024), (16, 512, 128),
                                      (3, 5, 20)])
def test_step_product_in_column_blocks(rows, k, n, monkeypatch):
    monkeypatch.setattr(rnn_kernels, "_small_gemm_kernels", lambda: True)
    rng = np.random.default_rng(rows)
    w = rng.standard_normal((n, k)).astype(np.float32)
    a = rng.standard_normal((rows, k)).astype(np.float32)
    blocks = rnn_kernels._step_weight(np, w, rows)
    assert [b[0] for b in blocks] == sorted(b[0] for b in blocks)
    assert blocks[0][0] == 0 and blocks[-1][1] == n
    assert all(b[1] == c[0] for b, c in zip(blocks, blocks[1:]))
    assert all(rows * k * (j1 - j0) <= rnn_kernels._SMALL_GEMM or len(blocks) == 1
               for j0, j1, _ in blocks)
    assert len(blocks) == {512: 2, 1024: 10, 128: 2, 20: 1}[n]
    out = np.empty((rows, n), np.float32)
    rnn_kernels._step_product(np, a, blocks, out)
    np.testing.assert_allclose(out, a.astype(np.float64) @ w.T.astype(np.float64),
                               rtol=1e-4, atol=1e-4)


class _Net(ember.nn.Module):
    def __init__(self, cls):
        super().__init__()
        self.rnn = getattr(ember.nn, cls)(6, 8, batch_first=True)
        self.fc = ember.nn.Linear(8, 5)

    def forward(self, x):
        return self.fc(self.rnn(x)[0][:, -1])


def _step(model, opt, x, y):
    opt.zero_grad()
    loss = ember.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def assert_compiled_equals_eager(cls, steps):
    """``steps`` Adam steps of a ``cls`` net, eager then compiled: bitwise equal losses and
    parameters.  Returns the compiled step."""
    runs = []
    for compiled in (False, True):
        ember.manual_seed(0)
        model = _Net(cls)
        opt = ember.optim.Adam(model.parameters(), lr=1e-2)
        fn = ember.compile(_step) if compiled else _step
        ember.manual_seed(5)
        losses = [fn(model, opt, ember.randn(4, 5, 6), ember.randint(0, 5, (4,))).item()
                  for _ in range(steps)]
        runs.append((losses, [p.detach().numpy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        assert np.array_equal(a, b)
    return fn


@pytest.mark.cpu_only      # ember.compile captures CPU programs
@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_compiled_steps_record_each_layer_once_and_equal_eager(gates, cls):
    fn = assert_compiled_equals_eager(cls, 6)
    programs = [e.program for e in fn.cache.values() if e.eager is None]
    kind = cls.lower()
    # one call each for the layer's forward and backward: no per-step calls replayed
    assert _calls(programs, f"{kind}_forward") == _calls(programs, f"{kind}_backward") == \
        len(programs)


def _calls(programs, name):
    """How many calls of the function ``name`` the compiled programs make."""
    n = 0
    for prog in programs:
        for const, value in prog.__globals__.items():
            if getattr(value, "__name__", None) == name:
                n += len(re.findall(rf"\b{const}\(", prog.source))
    return n
