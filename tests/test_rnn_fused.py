"""The whole-sequence LSTM, GRU and RNN layer ops (one autograd node per layer and direction)."""
import numpy as np
import pytest

import ember
from ember._ops.nn_rnn import _gru_layer, _lstm_layer, _rnn_layer
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")


def _layer_inputs(rng, mode, bsizes, hid, proj):
    """Inputs of ``_lstm_layer`` (gi, h0, c0, w_hh, w_hr), ``_gru_layer`` (gi, h0, w_hh, b_hh)
    or ``_rnn_layer`` (gi, h0, w_hh); None where absent."""
    rows, batch, p = sum(bsizes), bsizes[0], proj or hid

    def t(*shape):
        return ember.tensor(rng.standard_normal(shape) * 0.5, requires_grad=True)
    if mode == "GRU":
        return [t(rows, 3 * hid), t(batch, hid), t(3 * hid, hid), t(3 * hid) if proj else None]
    if mode != "LSTM":
        return [t(rows, hid), t(batch, hid), t(hid, hid)]
    return [t(rows, 4 * hid), t(batch, p), t(batch, hid), t(4 * hid, p),
            t(p, hid) if proj else None]


def _layer_fn(mode, ins, bsizes, reverse):
    op = {"LSTM": _lstm_layer, "GRU": _gru_layer}.get(mode, _rnn_layer)
    extra = (mode,) if op is _rnn_layer else ()

    def fn(*ts):
        it = iter(ts)
        args = [next(it) if t is not None else None for t in ins]
        return op(*args, bsizes, reverse, *extra)
    return fn, [t for t in ins if t is not None]


@pytest.mark.parametrize("mode,proj", [("LSTM", 0), ("LSTM", 2), ("GRU", 0), ("GRU", 2),
                                       ("tanh", 0), ("relu", 0)])   # GRU: proj=2 adds b_hh
@pytest.mark.parametrize("bsizes", [None, [3, 2, 2, 1]])
@pytest.mark.parametrize("reverse", [False, True])
def test_gradcheck(mode, bsizes, reverse, proj):
    rng = np.random.default_rng(len(bsizes or ()) + 2 * reverse + proj)
    ins = _layer_inputs(rng, mode, [3, 3, 3] if bsizes is None else bsizes, 3, proj)
    assert ember.autograd.gradcheck(*_layer_fn(mode, ins, bsizes, reverse))


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "tanh"])
@pytest.mark.parametrize("bsizes,reverse,proj", [(None, False, 0), ([2, 2, 1], True, 1)])
def test_gradgradcheck(mode, bsizes, reverse, proj):
    """The gradient's graph comes from a replay in ember ops: double backward is exact too."""
    rng = np.random.default_rng(7)
    ins = _layer_inputs(rng, mode, [2, 2] if bsizes is None else bsizes, 2, proj)
    assert ember.autograd.gradgradcheck(*_layer_fn(mode, ins, bsizes, reverse))


def _graph_names(t):
    names, stack, seen = [], [t.grad_fn], set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        names.append(type(n).__name__)
        stack.extend(f for f, _ in n.next_functions)
    return names


@pytest.mark.parametrize("kw", [{}, dict(num_layers=2, bidirectional=True)])
def test_one_node_per_layer_and_direction_like_torch_cpu(kw):
    tm = torch.nn.LSTM(4, 5, **kw)
    em = ember.nn.LSTM(4, 5, **kw)
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((6, 2, 4)).astype(np.float32)
    oe, (he, ce) = em(ember.tensor(x))
    ot, (ht, ct) = tm(torch.tensor(x))
    compare(oe, ot, 1e-5, 1e-5)
    compare(ce, ct, 1e-5, 1e-5)
    want = _graph_names(ot).count("MkldnnRnnLayerBackward0")   # torch CPU's fused float32 LSTM
    assert want == len(tm.all_weights)
    assert _graph_names(oe).count("MkldnnRnnLayerBackward0") == want


def _pair(cls="LSTM", **kw):
    tm = getattr(torch.nn, cls)(3, 4, **kw).double()
    em = getattr(ember.nn, cls)(3, 4, **kw).double()
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in tm.state_dict().items()})
    return em, tm


@pytest.mark.parametrize("cls,kw", [("LSTM", dict(bidirectional=True, proj_size=2)),
                                    ("LSTM", dict(num_layers=2, batch_first=True)),
                                    ("GRU", dict(bidirectional=True, bias=False)),
                                    ("GRU", dict(num_layers=2, batch_first=True)),
                                    ("RNN", dict(bidirectional=True, nonlinearity="relu")),
                                    ("RNN", dict(num_layers=2, bias=False))])
def test_packed_uneven_lengths_with_initial_state(cls, kw):
    em, tm = _pair(cls, **kw)
    rng = np.random.default_rng(3)
    lengths = [5, 2, 4]
    ndir = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    x = rng.standard_normal((3, 5, 3) if kw.get("batch_first") else (5, 3, 3))
    h0 = rng.standard_normal((layers * ndir, 3, kw.get("proj_size") or 4))
    c0 = rng.standard_normal((layers * ndir, 3, 4))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        ts = [lib.tensor(a, requires_grad=True) for a in (x, h0, c0)]
        packed = lib.nn.utils.rnn.pack_padded_sequence(
            ts[0], lengths, batch_first=kw.get("batch_first", False), enforce_sorted=False)
        if cls == "LSTM":
            out, (h, c) = m(packed, (ts[1], ts[2]))
            loss = out.data.sin().sum() + (h * h).sum() + c.sum()
        else:
            out, h = m(packed, ts[1])
            ts.pop()
            loss = out.data.sin().sum() + (h * h).sum()
        loss.backward()
        res.append([out.data, h] + [t.grad for t in ts] + [p.grad for p in m.parameters()])
    for a, b in zip(*res):
        compare(a, b, 1e-10, 1e-10)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_double_backward_matches_torch(cls):
    em, tm = _pair(cls, num_layers=2)
    x = np.random.default_rng(4).standard_normal((4, 2, 3))
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xt = lib.tensor(x, requires_grad=True)
        out, _ = m(xt)
        (gx,) = lib.autograd.grad(out.pow(2).sum(), xt, create_graph=True)
        gx.pow(2).sum().backward()
        res.append([gx, xt.grad] + [p.grad for p in m.parameters()])
    for a, b in zip(*res):
        compare(a, b, 1e-9, 1e-9)
