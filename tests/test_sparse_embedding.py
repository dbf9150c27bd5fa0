"""Sparse embedding gradients (``nn.Embedding(sparse=True)``, ``EmbeddingBag``) and the
optimizers that take them, against torch."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

LIBS = (torch, ember)
IDX = [[0, 2, 2], [4, 0, 1]]


def _weight(lib, dtype, n=5, dim=3):
    w = np.random.default_rng(0).standard_normal((n, dim))
    return lib.tensor(w, dtype=getattr(lib, dtype), requires_grad=True)


def _upstream(lib, shape, dtype):
    return lib.tensor(np.random.default_rng(1).standard_normal(shape), dtype=getattr(lib, dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("idx, padding_idx", [(IDX, None), (IDX, 1), ([3, 3, 0], 3), (2, None),
                                              ([], None), ([[1], [1]], None)])
def test_embedding_gradient_is_torchs_sparse_tensor(idx, padding_idx, dtype):
    got = []
    for lib in LIBS:
        w = _weight(lib, dtype)
        i = lib.tensor(idx, dtype=lib.int64)
        y = lib.nn.functional.embedding(i, w, padding_idx=padding_idx, sparse=True)
        assert y.grad_fn.name() == "EmbeddingBackward0"
        y.backward(_upstream(lib, tuple(y.shape), dtype))
        g = w.grad
        got.append((str(g.layout), g.is_coalesced(), g._indices().tolist(), tuple(g.shape),
                    g._values().numpy()))
    (*meta_t, vals_t), (*meta_e, vals_e) = got
    assert meta_e == meta_t
    np.testing.assert_array_equal(vals_e, vals_t)


def test_double_backward_through_a_sparse_gradient():
    got = []
    for lib in LIBS:
        w = _weight(lib, "float64")
        y = lib.nn.functional.embedding(lib.tensor(IDX), w, sparse=True)
        g, = lib.autograd.grad((y * y).sum(), w, create_graph=True)
        assert g.grad_fn.name() == "SparseCooTensorWithDimsAndTensorsBackward0"
        g.to_dense().pow(2).sum().backward()
        got.append(w.grad.to_dense().numpy())
    np.testing.assert_allclose(got[1], got[0], rtol=1e-12)


def test_gradients_accumulate_to_the_same_dense_values():
    got = []
    for lib in LIBS:
        w = _weight(lib, "float32")
        for k in range(2):
            lib.nn.functional.embedding(lib.tensor(IDX), w, sparse=True).mul(k + 1).sum().backward()
        assert w.grad.is_sparse
        got.append(w.grad.to_dense().numpy())
    np.testing.assert_array_equal(got[1], got[0])


def test_scale_grad_by_freq_is_refused_at_backward():
    errors = []
    for lib in LIBS:
        y = lib.nn.functional.embedding(lib.tensor(IDX), _weight(lib, "float32"), sparse=True,
                                        scale_grad_by_freq=True)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        errors.append(str(info.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("mode, padding_idx, weighted", [("sum", None, False), ("sum", None, True),
                                                         ("mean", 2, False), ("sum", 0, True)])
def test_embedding_bag_sparse_gradient(mode, padding_idx, weighted):
    got = []
    for lib in LIBS:
        w = _weight(lib, "float64")
        psw = lib.tensor([0.5, 1.0, 2.0, -1.0, 3.0, 0.25], dtype=lib.float64,
                         requires_grad=True) if weighted else None
        out = lib.nn.functional.embedding_bag(lib.tensor(IDX).reshape(-1), w, lib.tensor([0, 2]),
                                              mode=mode, sparse=True, padding_idx=padding_idx,
                                              per_sample_weights=psw)
        assert out.grad_fn.name() == "EmbeddingBagBackward0"
        out.backward(_upstream(lib, tuple(out.shape), "float64"))
        g = w.grad
        got.append((g._indices().tolist(), g.is_coalesced(), g._values().numpy(),
                    None if psw is None else psw.grad.numpy()))
    assert got[1][:2] == got[0][:2]
    np.testing.assert_allclose(got[1][2], got[0][2], rtol=1e-12)
    if weighted:
        np.testing.assert_allclose(got[1][3], got[0][3], rtol=1e-12)


def test_embedding_bag_max_mode_refuses_sparse():
    errors = []
    for lib in LIBS:
        with pytest.raises(ValueError) as info:
            lib.nn.EmbeddingBag(5, 3, mode="max", sparse=True)(lib.tensor(IDX))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def _train(lib, name, kwargs, steps=3):
    e = lib.nn.Embedding(5, 3, sparse=True)
    with lib.no_grad():
        e.weight.copy_(lib.arange(15.0).reshape(5, 3) / 10)
    opt = getattr(lib.optim, name)(e.parameters(), **kwargs)
    up = lib.arange(18.0).reshape(2, 3, 3) / 7 - 1
    for _ in range(steps):
        opt.zero_grad()
        loss = (e(lib.tensor(IDX)) * up).sum()
        loss.backward()
        if name == "LBFGS":
            opt.step(lambda: (e(lib.tensor(IDX)) * up).sum())
        else:
            opt.step()
    return e.weight.detach().numpy()


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adagrad", dict(lr=0.1)), ("Adagrad", dict(lr=0.1, lr_decay=0.1, maximize=True,
                                                initial_accumulator_value=0.5)),
    ("SparseAdam", dict(lr=0.05)), ("LBFGS", dict(lr=0.01, max_iter=3)),
])
def test_optimizers_that_take_sparse_gradients_step_as_torch(name, kwargs):
    np.testing.assert_allclose(_train(ember, name, kwargs), _train(torch, name, kwargs),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", [
    ("Adam", {}), ("AdamW", {}), ("RMSprop", {}), ("Adadelta", {}), ("ASGD", {}),
    ("Adamax", {}), ("NAdam", {}), ("RAdam", {}), ("Rprop", {}), ("Adafactor", {}),
    ("SGD", dict(lr=0.1, weight_decay=0.1)), ("Adagrad", dict(weight_decay=0.1)),
])
def test_the_others_refuse_sparse_gradients_with_torchs_error(name, kwargs):
    errors = []
    for lib in LIBS:
        with pytest.raises(RuntimeError) as info:
            _train(lib, name, kwargs, steps=1)
        errors.append(str(info.value))
    assert errors[1] == errors[0]


def test_zero_grad_without_set_to_none_empties_a_sparse_gradient():
    got = []
    for lib in LIBS:
        e = lib.nn.Embedding(5, 3, sparse=True)
        e(lib.tensor(IDX)).sum().backward()
        g = e.weight.grad
        lib.optim.SGD(e.parameters(), lr=0.1).zero_grad(set_to_none=False)
        assert e.weight.grad is g
        got.append((g.is_sparse, g._nnz(), g.is_coalesced(), tuple(g._values().shape)))
    assert got[1] == got[0]


def test_sparse_momentum_buffer_is_sparse_in_the_state():
    for lib in LIBS:
        e = lib.nn.Embedding(5, 3, sparse=True)
        opt = lib.optim.SGD(e.parameters(), lr=0.1, momentum=0.9)
        e(lib.tensor(IDX)).sum().backward()
        opt.step()
        assert opt.state_dict()["state"][0]["momentum_buffer"].is_sparse
