"""Torch's native functions at the top level and in ``torch._VF`` (recurrent networks and cells
from flat weights, int-reduction losses, ``instance_norm``, ``native_dropout``, norms): values,
gradients and the dropout mask against torch."""
import numpy as np
import pytest
import torch

import ember

pytestmark = pytest.mark.filterwarnings("ignore:at::.*_norm is deprecated")


def _arrays(shapes, seed, dtype="float64"):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def _both(fn, arrays, grad=True):
    """``fn(lib, *tensors)`` under each library: outputs (flattened) and input gradients."""
    results = []
    for lib in (ember, torch):
        ts = [lib.tensor(a, requires_grad=grad) for a in arrays]
        out = fn(lib, *ts)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        if grad:
            sum(o.double().pow(2).sum() for o in outs if o.dtype.is_floating_point).backward()
        results.append([o.detach().numpy() for o in outs] +
                       ([t.grad.numpy() if t.grad is not None else None for t in ts]
                        if grad else []))
    return results


def _assert_close(got, expected, tol=1e-10):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if e is None:
            assert g is None
        else:
            assert g.shape == e.shape and g.dtype == e.dtype
            np.testing.assert_allclose(g, e, rtol=tol, atol=tol)


def _weights(mode, inp, hidden, layers, bidirectional, proj=0):
    gates = {"lstm": 4, "gru": 3}.get(mode, 1)
    shapes = []
    for layer in range(layers):
        for _ in range(2 if bidirectional else 1):
            width = inp if layer == 0 else (proj or hidden) * (2 if bidirectional else 1)
            shapes += [(gates * hidden, width), (gates * hidden, proj or hidden),
                       (gates * hidden,), (gates * hidden,)]
            if proj:
                shapes.append((proj, hidden))
    return shapes


@pytest.mark.parametrize("mode,layers,bidirectional,batch_first", [
    ("lstm", 1, False, False), ("lstm", 2, True, True), ("gru", 2, False, True),
    ("rnn_tanh", 1, True, False), ("rnn_relu", 2, False, False)])
def test_recurrent_networks_from_flat_weights(mode, layers, bidirectional, batch_first):
    T, B, I, H = 5, 3, 4, 6
    nstate = 2 if mode == "lstm" else 1
    x_shape = (B, T, I) if batch_first else (T, B, I)
    h_shapes = [(layers * (2 if bidirectional else 1), B, H)] * nstate
    arrays = _arrays([x_shape, *h_shapes, *_weights(mode, I, H, layers, bidirectional)], 1)

    def run(lib, x, *rest):
        hx, params = rest[:nstate], rest[nstate:]
        return getattr(lib, mode)(x, list(hx) if nstate == 2 else hx[0], list(params), True,
                                  layers, 0.0, True, bidirectional, batch_first)
    _assert_close(*_both(run, arrays))


def test_lstm_on_packed_rows():
    bsizes = [3, 3, 2, 1]
    arrays = _arrays([(sum(bsizes), 4), (1, 3, 5), (1, 3, 5), *_weights("lstm", 4, 5, 1, False)],
                     2)

    def run(lib, data, h, c, *params):
        return lib._VF.lstm(data, lib.tensor(bsizes), [h, c], list(params), True, 1, 0.0, True,
                            False)
    _assert_close(*_both(run, arrays))


@pytest.mark.parametrize("mode", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells(mode, bias):
    gates = {"lstm_cell": 4, "gru_cell": 3}.get(mode, 1)
    shapes = [(3, 4), (3, 5), (gates * 5, 4), (gates * 5, 5)]
    if mode == "lstm_cell":
        shapes.insert(2, (3, 5))
    arrays = _arrays(shapes + ([(gates * 5,), (gates * 5,)] if bias else []), 3)

    def run(lib, x, *rest):
        fn = getattr(lib, mode)
        if mode == "lstm_cell":
            return fn(x, [rest[0], rest[1]], *rest[2:])
        return fn(x, *rest)
    _assert_close(*_both(run, arrays))


_LOSSES = {
    "kl_div": ([(4, 3), (4, 3)], lambda lib, a, b, r: lib.kl_div(a, b.softmax(1), r)),
    "kl_div log_target": ([(4, 3), (4, 3)],
                          lambda lib, a, b, r: lib.kl_div(a, b, r, log_target=True)),
    "cosine_embedding_loss": ([(4, 3), (4, 3)], lambda lib, a, b, r: lib.cosine_embedding_loss(
        a, b, lib.tensor([1.0, -1.0, 1.0, -1.0], dtype=a.dtype), 0.2, r)),
    "hinge_embedding_loss": ([(5,)], lambda lib, a, r: lib.hinge_embedding_loss(
        a, lib.tensor([1.0, -1.0, 1.0, -1.0, -1.0], dtype=a.dtype), 0.5, r)),
    "margin_ranking_loss": ([(5,), (5,)], lambda lib, a, b, r: lib.margin_ranking_loss(
        a, b, lib.tensor([1.0, -1.0, 1.0, -1.0, 1.0], dtype=a.dtype), 0.1, r)),
    "poisson_nll_loss": ([(4, 3), (4, 3)], lambda lib, a, b, r: lib.poisson_nll_loss(
        a, b.abs(), True, True, 1e-8, r)),
    "triplet_margin_loss": ([(4, 3), (4, 3), (4, 3)], lambda lib, a, b, c, r:
                            lib.triplet_margin_loss(a, b, c, 1.0, 2.0, 1e-6, True, r)),
}


@pytest.mark.parametrize("reduction", [0, 1, 2])
@pytest.mark.parametrize("name", list(_LOSSES))
def test_losses_with_an_int_reduction(name, reduction):
    shapes, call = _LOSSES[name]
    _assert_close(*_both(lambda lib, *ts: call(lib, *ts, reduction), _arrays(shapes, 4)))


def test_instance_norm():
    arrays = _arrays([(2, 3, 5), (3,), (3,)], 5)
    for use_stats in (True, False):
        def run(lib, x, w, b):
            mean, var = lib.zeros(3, dtype=x.dtype), lib.ones(3, dtype=x.dtype)
            return lib.instance_norm(x, w, b, mean, var, use_stats, 0.1, 1e-5, False), mean, var
        _assert_close(*_both(run, arrays))


def test_native_dropout_draws_as_torch():
    x = np.random.default_rng(6).standard_normal((4, 5)).astype("float32")
    for p, train in ((0.3, True), (0.5, None), (1.0, True), (0.5, False)):
        results = []
        for lib in (ember, torch):
            lib.manual_seed(7)
            out, mask = lib.native_dropout(lib.tensor(x), p, train)
            results.append((out.numpy(), mask.numpy(), str(mask.dtype)))
        (o1, m1, d1), (o2, m2, d2) = results
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(m1, m2)
        assert d1 == d2


def test_max_pool1d_with_indices():
    x = _arrays([(2, 3, 9)], 8)
    _assert_close(*_both(lambda lib, t: lib.max_pool1d_with_indices(t, 3, 2, 1), x))


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.frobenius_norm(t, [0, 2]),
    lambda lib, t: lib.frobenius_norm(t, [1], True),
    lambda lib, t: lib.nuclear_norm(t[0]),
    lambda lib, t: lib.nuclear_norm(t[0], True),
    lambda lib, t: lib.nuclear_norm(t, [1, 2]),
    lambda lib, t: lib.nuclear_norm(t, (0, 2), True),
    lambda lib, t: lib.norm_except_dim(t, 2, 0),
    lambda lib, t: lib.norm_except_dim(t, 2, 2),
    lambda lib, t: lib.norm_except_dim(t, 3, 1),
    lambda lib, t: lib.norm_except_dim(t, 2, -1),
])
def test_norms(call):
    _assert_close(*_both(call, _arrays([(2, 3, 4)], 9)), tol=1e-9)


def test_deprecation_warnings_of_the_native_norms():
    x = _arrays([(2, 3, 4)], 9)[0]
    messages = []
    torch.set_warn_always(True)     # (torch warns once per process otherwise)
    try:
        for lib in (ember, torch):
            with pytest.warns(UserWarning) as caught:
                lib.frobenius_norm(lib.tensor(x), [0])
                lib.nuclear_norm(lib.tensor(x), [0, 1])
            messages.append([str(w.message).split(" (Triggered")[0] for w in caught])
    finally:
        torch.set_warn_always(False)
    assert messages[0] == messages[1]


def test_vf_finds_the_other_native_functions():
    x = ember.arange(6.0).reshape(2, 3)
    assert ember._VF.einsum("ij->j", x).tolist() == [3.0, 5.0, 7.0]
    with pytest.raises(AttributeError):
        ember._VF.no_such_function


_SMALL = {
    "sym_sqrt(4)": lambda lib: lib.sym_sqrt(4),
    "sym_sqrt(2.0)": lambda lib: lib.sym_sqrt(2.0),
    "sym_fresh_size(3)": lambda lib: lib.sym_fresh_size(3),
    "sym_constrain_range inside": lambda lib: lib.sym_constrain_range(3, min=0, max=5),
    "sym_constrain_range above": lambda lib: lib.sym_constrain_range(7, min=0, max=5),
    "sym_constrain_range_for_size": lambda lib: lib.sym_constrain_range_for_size(3),
    "sym_constrain_range_for_size negative": lambda lib: lib.sym_constrain_range_for_size(-1),
    "sym_constrain_range_for_size min": lambda lib: lib.sym_constrain_range_for_size(3, min=4),
    "legacy_contiguous_format": lambda lib: lib.legacy_contiguous_format is lib.contiguous_format,
    "detach_copy": lambda lib: _detached_copy(lib),
    "as_strided_": lambda lib: _strided_in_place(lib),
    "fork / wait": lambda lib: lib.wait(lib.fork(lambda a: a * 2, lib.ones(2))).tolist(),
}


def _detached_copy(lib):
    x = lib.arange(6.).reshape(2, 3).t().requires_grad_()
    y = lib.detach_copy(x)
    out = lib.empty(3, 2)
    lib.detach_copy(x, out=out)
    try:
        y.sum().backward()
        backward = None
    except RuntimeError as e:
        backward = str(e)
    return (y.tolist(), y.requires_grad, type(y.grad_fn).__name__, backward, y.is_contiguous(),
            y.data_ptr() == x.data_ptr(), out.tolist())


def _strided_in_place(lib):
    y = lib.arange(12.).reshape(3, 4)
    z = lib.as_strided_(y, (2, 2), (1, 2))
    return z is y, tuple(y.shape), y.stride(), y.tolist()


@pytest.mark.parametrize("call", list(_SMALL))
def test_small_top_level_functions_as_torch(call):
    results = []
    for lib in (torch, ember):
        try:
            results.append(_SMALL[call](lib))
        except Exception as e:      # noqa: BLE001 - the exception is compared with torch's
            results.append((type(e), str(e)))
    assert results[1] == results[0]
