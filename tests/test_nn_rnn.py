"""RNN / LSTM / GRU, their cells and nn.utils.rnn against PyTorch (weights copied across)."""
import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
ER = ember.nn.utils.rnn
TR = torch.nn.utils.rnn


def _copy(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in tm.state_dict().items()})


def _close(a, b, tol=1e-10):
    compare(a, b, tol, tol)


def _pair(cls, *args, dtype="double", **kw):
    tm = getattr(torch.nn, cls)(*args, **kw)
    em = getattr(ember.nn, cls)(*args, **kw)
    tm, em = getattr(tm, dtype)(), getattr(em, dtype)()
    _copy(em, tm)
    return em, tm


def _states(h):
    return h if isinstance(h, tuple) else (h,)


def _check_backward(em, tm, oe, ot, he, ht, inputs, tol=1e-10):
    rng = np.random.default_rng(1)
    w = rng.standard_normal(tuple(ot.shape))
    loss_e = (oe * ember.tensor(w, dtype=oe.dtype)).sum() + sum(h.sum() for h in _states(he))
    loss_t = (ot * torch.tensor(w, dtype=ot.dtype)).sum() + sum(h.sum() for h in _states(ht))
    loss_e.backward()
    loss_t.backward()
    for a, b in inputs:
        _close(a.grad, b.grad, tol)
    for (n, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
        _close(pe.grad, pt.grad, tol)


CONFIGS = [
    ("RNN", {}),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
    ("RNN", dict(bias=False, batch_first=True)),
    ("LSTM", {}),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(proj_size=2, num_layers=2, bidirectional=True)),
    ("LSTM", dict(proj_size=3, bias=False)),
    ("GRU", {}),
    ("GRU", dict(num_layers=2, bidirectional=True)),
    ("GRU", dict(bias=False, batch_first=True)),
]


@pytest.mark.parametrize("cls,kw", CONFIGS)
def test_forward_backward_matches_torch(cls, kw):
    em, tm = _pair(cls, 3, 5, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oe, he = em(xe)
    ot, ht = tm(xt)
    _close(oe, ot)
    for a, b in zip(_states(he), _states(ht)):
        _close(a, b)
    _check_backward(em, tm, oe, ot, he, ht, [(xe, xt)])


@pytest.mark.parametrize("cls,kw", [("RNN", dict(num_layers=2)), ("GRU", dict(bidirectional=True)),
                                    ("LSTM", dict(proj_size=2, bidirectional=True, num_layers=2))])
def test_initial_state_gradients(cls, kw):
    em, tm = _pair(cls, 3, 4, batch_first=True, **kw)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 3))
    nd = 2 if kw.get("bidirectional") else 1
    nl = kw.get("num_layers", 1)
    hsize = kw.get("proj_size", 4)
    shapes = [(nl * nd, 2, hsize)] + ([(nl * nd, 2, 4)] if cls == "LSTM" else [])
    hs = [rng.standard_normal(s) for s in shapes]
    he = [ember.tensor(h, requires_grad=True) for h in hs]
    ht = [torch.tensor(h, requires_grad=True) for h in hs]
    xe, xt = ember.tensor(x), torch.tensor(x)
    oe, se = em(xe, tuple(he) if cls == "LSTM" else he[0])
    ot, st = tm(xt, tuple(ht) if cls == "LSTM" else ht[0])
    _close(oe, ot)
    _check_backward(em, tm, oe, ot, se, st, list(zip(he, ht)))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(cls):
    em, tm = _pair(cls, 3, 4, num_layers=2)
    x = np.random.default_rng(3).standard_normal((5, 3))
    oe, he = em(ember.tensor(x))
    ot, ht = tm(torch.tensor(x))
    assert tuple(oe.shape) == tuple(ot.shape)
    _close(oe, ot)
    for a, b in zip(_states(he), _states(ht)):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b)


@pytest.mark.parametrize("cls,kw", [("RNN", {}), ("GRU", dict(num_layers=2, bidirectional=True)),
                                    ("LSTM", dict(bidirectional=True, proj_size=2))])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequence_input(cls, kw, enforce_sorted):
    em, tm = _pair(cls, 3, 4, **kw)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x = np.random.default_rng(4).standard_normal((5, 4, 3))
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    pe = ER.pack_padded_sequence(xe, lengths, enforce_sorted=enforce_sorted)
    pt = TR.pack_padded_sequence(xt, lengths, enforce_sorted=enforce_sorted)
    oe, he = em(pe)
    ot, ht = tm(pt)
    assert isinstance(oe, ER.PackedSequence)
    _close(oe.data, ot.data)
    assert oe.batch_sizes.tolist() == ot.batch_sizes.tolist()
    for a, b in zip(_states(he), _states(ht)):
        _close(a, b)
    pade, _ = ER.pad_packed_sequence(oe)
    padt, _ = TR.pad_packed_sequence(ot)
    _close(pade, padt)
    _check_backward(em, tm, pade, padt, he, ht, [(xe, xt)])


def test_float32_and_dropout_train_eval():
    em, tm = _pair("LSTM", 3, 4, num_layers=2, dropout=0.5, dtype="float")
    x = np.random.default_rng(5).standard_normal((4, 2, 3)).astype(np.float32)
    em.eval()
    tm.eval()
    _close(em(ember.tensor(x))[0], tm(torch.tensor(x))[0], 1e-5)
    em.train()
    a, b = em(ember.tensor(x))[0], em(ember.tensor(x))[0]
    assert not np.allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy())


@pytest.mark.parametrize("cls,nstates,kw", [("RNNCell", 1, {}), ("RNNCell", 1, dict(nonlinearity="relu", bias=False)),
                                            ("LSTMCell", 2, {}), ("GRUCell", 1, {}),
                                            ("GRUCell", 1, dict(bias=False))])
def test_cells(cls, nstates, kw):
    em, tm = _pair(cls, 3, 4, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3))
    hs = [rng.standard_normal((2, 4)) for _ in range(nstates)]
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    he = [ember.tensor(h, requires_grad=True) for h in hs]
    ht = [torch.tensor(h, requires_grad=True) for h in hs]
    oe = em(xe, tuple(he) if nstates == 2 else he[0])
    ot = tm(xt, tuple(ht) if nstates == 2 else ht[0])
    oe, ot = _states(oe), _states(ot)
    for a, b in zip(oe, ot):
        _close(a, b)
    assert type(oe[0].grad_fn).__name__ == type(ot[0].grad_fn).__name__
    sum(o.sum() for o in oe).backward()
    sum(o.sum() for o in ot).backward()
    for a, b in [(xe, xt)] + list(zip(he, ht)):
        _close(a.grad, b.grad)
    for pe, pt in zip(em.parameters(), tm.parameters()):
        _close(pe.grad, pt.grad)
    # unbatched, no state
    ue, ut = _states(em(ember.tensor(x[0]))), _states(tm(torch.tensor(x[0])))
    for a, b in zip(ue, ut):
        _close(a, b)


def test_default_init_statistics():
    em = ember.nn.LSTM(8, 16, num_layers=2, bidirectional=True)
    bound = 1 / 4
    for p in em.parameters():
        v = p.detach().cpu().numpy()
        assert v.min() >= -bound and v.max() <= bound
    w = em.weight_hh_l0_reverse.detach().cpu().numpy()
    assert abs(w.std() - bound / np.sqrt(3)) < 0.02
    assert [tuple(p.shape) for p in em.parameters()] == \
        [tuple(p.shape) for p in torch.nn.LSTM(8, 16, num_layers=2, bidirectional=True).parameters()]
    assert len(em.all_weights) == 4


@pytest.mark.parametrize("make,exc,msg", [
    (lambda nn: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "Unknown nonlinearity 'sigmoid'"),
    (lambda nn: nn.GRU(3, 4, proj_size=2), ValueError, "proj_size argument is only supported"),
    (lambda nn: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller"),
    (lambda nn: nn.LSTM(3, 4, dropout=1.5), ValueError, "dropout should be a number"),
    (lambda nn: nn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda nn: nn.LSTM(3, 4, bias=1), TypeError, "bias should be of type bool"),
])
def test_constructor_errors(make, exc, msg):
    with pytest.raises(exc, match=msg):
        make(torch.nn)
    with pytest.raises(exc, match=msg):
        make(ember.nn)


def _err(fn_e, fn_t):
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(type(te.value)) as ee:
        fn_e()
    assert str(ee.value) == str(te.value)


def test_forward_errors():
    em, tm = _pair("LSTM", 3, 4)
    x = np.zeros((2, 2, 3))
    _err(lambda: em(ember.tensor(np.zeros((2, 2, 5)))), lambda: tm(torch.tensor(np.zeros((2, 2, 5)))))
    _err(lambda: em(ember.tensor(np.zeros((1, 2, 2, 3)))), lambda: tm(torch.tensor(np.zeros((1, 2, 2, 3)))))
    _err(lambda: em(ember.tensor(x).float()), lambda: tm(torch.tensor(x).float()))
    h = np.zeros((1, 3, 4))
    _err(lambda: em(ember.tensor(x), (ember.tensor(h), ember.tensor(h))),
         lambda: tm(torch.tensor(x), (torch.tensor(h), torch.tensor(h))))
    ge, gt = _pair("GRU", 3, 4)
    _err(lambda: ge(ember.tensor(x), ember.tensor(h[0])), lambda: gt(torch.tensor(x), torch.tensor(h[0])))
    ce, ct = _pair("GRUCell", 3, 4)
    _err(lambda: ce(ember.tensor(x)), lambda: ct(torch.tensor(x)))


# ---- nn.utils.rnn ---------------------------------------------------------------------------------
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_pad_roundtrip(batch_first):
    x = np.random.default_rng(7).standard_normal((4, 4, 2))
    lengths = [4, 2, 2, 1]
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    pe = ER.pack_padded_sequence(xe, lengths, batch_first=batch_first)
    pt = TR.pack_padded_sequence(xt, lengths, batch_first=batch_first)
    _close(pe.data, pt.data)
    assert pe.batch_sizes.tolist() == pt.batch_sizes.tolist()
    assert pe.sorted_indices is None and pe.unsorted_indices is None
    assert type(pe.data.grad_fn).__name__ == "PackPaddedSequenceBackward0"
    w = np.random.default_rng(8).standard_normal(tuple(pt.data.shape))
    (pe.data * ember.tensor(w)).sum().backward()
    (pt.data * torch.tensor(w)).sum().backward()
    _close(xe.grad, xt.grad)
    oe, le = ER.pad_packed_sequence(pe, batch_first=batch_first, padding_value=-2.0, total_length=6)
    ot, lt = TR.pad_packed_sequence(pt, batch_first=batch_first, padding_value=-2.0, total_length=6)
    _close(oe, ot)
    assert le.tolist() == lt.tolist() and le.dtype == ember.int64


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    rng = np.random.default_rng(9)
    seqs = [rng.standard_normal((n, 2)) for n in (2, 4, 1)]
    se = [ember.tensor(s, requires_grad=True) for s in seqs]
    st = [torch.tensor(s, requires_grad=True) for s in seqs]
    oe = ER.pad_sequence(se, batch_first, 1.5, side)
    ot = TR.pad_sequence(st, batch_first, 1.5, side)
    _close(oe, ot)
    w = rng.standard_normal(tuple(ot.shape))
    (oe * ember.tensor(w)).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    for a, b in zip(se, st):
        _close(a.grad, b.grad)


@pytest.mark.parametrize("shapes", [[(2, 3), (2, 1)], [(2, 3), (3,)], [(4, 2, 3), (1, 2, 1)]])
def test_pad_sequence_broadcasts_into_slots(shapes):
    """Each sequence is copied into its (L_i, *trailing dims of the first) slot as copy_ does."""
    rng = np.random.default_rng(11)
    seqs = [rng.standard_normal(s) for s in shapes]
    se = [ember.tensor(s, requires_grad=True) for s in seqs]
    st = [torch.tensor(s, requires_grad=True) for s in seqs]
    oe, ot = ER.pad_sequence(se, batch_first=True), TR.pad_sequence(st, batch_first=True)
    _close(oe, ot)
    oe.sum().backward()
    ot.sum().backward()
    for a, b in zip(se, st):
        _close(a.grad, b.grad)


@pytest.mark.cpu_only
def test_pack_sequence_unsorted_and_unpack():
    rng = np.random.default_rng(10)
    seqs = [rng.standard_normal((n, 3)) for n in (2, 5, 1, 3)]
    pe = ER.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False)
    pt = TR.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    _close(pe.data, pt.data)
    assert pe.sorted_indices.tolist() == pt.sorted_indices.tolist()
    assert pe.unsorted_indices.tolist() == pt.unsorted_indices.tolist()
    for a, s in zip(ER.unpack_sequence(pe), seqs):
        np.testing.assert_array_equal(a.cpu().numpy(), s)
    pad, lengths = ER.pad_packed_sequence(pe, batch_first=True)
    assert lengths.tolist() == [2, 5, 1, 3]
    for a, s in zip(ER.unpad_sequence(pad, lengths, batch_first=True), seqs):
        np.testing.assert_array_equal(a.cpu().numpy(), s)
    assert pe.double().data.dtype == ember.float64
    assert isinstance(pe, tuple) and len(pe) == 4


@pytest.mark.cpu_only
def test_utils_errors():
    x = np.zeros((3, 3, 2))
    _err(lambda: ER.pack_padded_sequence(ember.tensor(x), [1, 2, 3]),
         lambda: TR.pack_padded_sequence(torch.tensor(x), [1, 2, 3]))
    _err(lambda: ER.pack_padded_sequence(ember.tensor(x), [3, 2]),
         lambda: TR.pack_padded_sequence(torch.tensor(x), [3, 2]))
    _err(lambda: ER.pack_padded_sequence(ember.tensor(x), [3, 2, 0]),
         lambda: TR.pack_padded_sequence(torch.tensor(x), [3, 2, 0]))
    _err(lambda: ER.pad_sequence([]), lambda: TR.pad_sequence([]))
    _err(lambda: ER.pad_sequence([ember.zeros(2)], padding_side="up"),
         lambda: TR.pad_sequence([torch.zeros(2)], padding_side="up"))
    for shapes in ([(2, 3), (3, 4)], [(2, 3), (2,)], [(2, 3), (2, 3, 4)], [(2, 3), (2, 1, 3)]):
        _err(lambda: ER.pad_sequence([ember.zeros(s) for s in shapes]),
             lambda: TR.pad_sequence([torch.zeros(s) for s in shapes]))
    pe = ER.pack_sequence([ember.zeros(3, 1)])
    pt = TR.pack_sequence([torch.zeros(3, 1)])
    _err(lambda: ER.pad_packed_sequence(pe, total_length=2),
         lambda: TR.pad_packed_sequence(pt, total_length=2))
