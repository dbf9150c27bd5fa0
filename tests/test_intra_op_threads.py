"""Kernels split over threads (``ember/_backend/parallel.py``): every convolution lowering,
batch norm and the recurrent layers give torch's values and gradients (or pass gradcheck) whatever
the number of shares, and the shares cover their rows."""
import os
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from ember._backend import numpy_nn, parallel, rnn_kernels
from tests._nn_compare import check_fn
from tests.oracle.harness import compare
from tests.test_nn_conv_layouts import LAYOUT_CASES, WINOGRAD_CASES


@pytest.fixture(params=[2, 3])
def threads(request, monkeypatch):
    """Kernels split into this many shares, in chunks of a few samples."""
    monkeypatch.setattr(parallel, "workers", lambda: request.param)
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_BYTES", 0)
    monkeypatch.setattr(numpy_nn, "_CHUNK_BYTES", 1 << 14)
    monkeypatch.setattr(numpy_nn, "_WINO_CHUNK_BYTES", 1 << 14)
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES", 1)
    monkeypatch.setattr(numpy_nn, "_WINO_MIN_TILES_WEIGHT", 1)
    monkeypatch.setattr(rnn_kernels, "_MIN_WEIGHT_ROWS", 1)
    return request.param


@pytest.mark.parametrize("n,per,budget", [(0, 10, 100), (1, 10, 100), (7, 10, 100),
                                          (32, 100, 250), (32, 1, 1 << 20), (5, 1, 5)])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_shares_cover_the_batch(monkeypatch, n, per, budget, k):
    monkeypatch.setattr(parallel, "workers", lambda: k)
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_BYTES", 0)
    shares = numpy_nn._shares(n, per, budget)
    ranges = [r for share in shares for r in share]
    assert len(shares) == max(1, min(k, n)) and all(shares)
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    if n:
        assert all(0 < b - a <= max(1, budget // per) for a, b in ranges)
        sizes = [share[-1][1] - share[0][0] for share in shares]
        assert max(sizes) - min(sizes) <= max(1, budget // per)


@pytest.mark.parametrize("xs,ws,kw", LAYOUT_CASES + WINOGRAD_CASES + [
    ((5, 64, 8, 8), (32, 64, 1, 1), dict(stride=2)),     # 1x1, per sample, subsampled
    ((7, 20, 10, 10), (24, 20, 3, 3), dict(padding=1, dilation=2)),
])
def test_conv_in_shares(torch, rng, threads, xs, ws, kw):
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    check_fn(torch, lambda x, w, b: EF.conv2d(x, w, b, **kw),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw), [x, w, b])


def test_conv_in_shares_float32_non_contiguous(torch, rng, threads):
    x = rng.standard_normal((6, 14, 14, 64)).transpose(0, 3, 1, 2)
    w = rng.standard_normal((3, 3, 64, 64)).transpose(3, 2, 0, 1)
    check_fn(torch, lambda x, w: EF.conv2d(x, w, padding=1),
             lambda x, w: torch.nn.functional.conv2d(x, w, padding=1), [x, w], "float32")


def test_conv_in_shares_non_finite_quietly(torch, rng, threads):
    """NumPy's error state (ember computes inf/NaN without warnings) reaches the shares."""
    x, w = rng.standard_normal((4, 20, 7, 7)), rng.standard_normal((5, 20, 3, 3))
    x[1, 3, 2, 2], x[3, 0, 0, 0] = np.inf, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = EF.conv2d(ember.tensor(x), ember.tensor(w), padding=1)
    np.testing.assert_allclose(
        y.numpy(), torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1),
        rtol=1e-10, atol=1e-10)


def test_run_waits_for_every_share_and_raises():
    done = []

    def share(k):
        if k == 0:
            raise ValueError("first share")
        done.append(k)
        return k

    with pytest.raises(ValueError, match="first share"):
        parallel.run(share, [0, 1, 2])
    assert sorted(done) == [1, 2]
    assert parallel.run(lambda k: k * k, [1, 2, 3]) == [1, 4, 9]


@pytest.mark.parametrize("shape,perm", [((6, 5), None), ((4, 7, 9), (0, 2, 1)),
                                        ((3, 6, 4, 5), None)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_batch_norm_in_shares(torch, rng, threads, shape, perm, training, dtype):
    """Batch norm splits its channels over threads: values, gradients and the running
    statistics it updates (shifted data: the variance must not cancel)."""
    x = rng.standard_normal(shape) * 2 + 3
    if perm:                                     # channels not the second-fastest axis
        x = np.ascontiguousarray(x.transpose(perm)).transpose(perm)
    c = shape[1]
    w, b = rng.standard_normal(c), rng.standard_normal(c)
    stats = {lib: (lib.tensor(rng.standard_normal(c).astype(dtype)),
                   lib.tensor((rng.random(c) + 0.5).astype(dtype))) for lib in (ember, torch)}
    stats[torch] = tuple(torch.tensor(s.numpy()) for s in stats[ember])

    def bn(lib):
        return lambda x, w, b: lib.nn.functional.batch_norm(x, *stats[lib], w, b, training)
    check_fn(torch, bn(ember), bn(torch), [x, w, b], dtype)
    for e, t in zip(stats[ember], stats[torch]):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(5, 3, 8, 6), (4, 2, 9, 7)])      # odd: a cropped edge
@pytest.mark.parametrize("indices", [False, True])
@pytest.mark.parametrize("nan", [False, True])
def test_max_pool_2x2_in_shares(torch, rng, threads, shape, indices, nan):
    """2x2 max pooling splits its samples: values, indices, ties (the first maximum wins), a
    NaN in the last share's input (the whole op then takes the generic path) and a non-finite
    output gradient routed to its own position only."""
    x = rng.integers(0, 3, shape).astype(np.float64)             # many ties
    if nan:
        x[-1, 0, 1, 1] = np.nan
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.max_pool2d(xt, 2, return_indices=indices)
        y = out[0] if indices else out
        g = np.ones(tuple(y.shape))
        g[1, 0, 0, 0], g[-1, -1, -1, -1] = np.inf, np.nan
        y.backward(lib.tensor(g))
        res.append([y, xt.grad] + ([out[1]] if indices else []))
    for e, t in zip(*res):
        compare(e, t, 0, 0)


@pytest.mark.parametrize("where", [None, 0, -1])
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_finite_in_shares(threads, where, bad):
    """Winograd's data test sums the rows of each thread: a non-finite value in any share
    (or a 0-d array) is seen."""
    a = np.ones((7, 3, 2), np.float32)
    if where is not None:
        a[where, 1, 1] = bad
    assert numpy_nn._finite(a) is (where is None)
    assert numpy_nn._finite(np.array(bad)) is False and numpy_nn._finite(np.array(1.0))


@pytest.mark.parametrize("shape,perm", [((5, 3, 8, 6), None), ((4, 7, 5), (2, 0, 1)), ((), None)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("inplace", [False, True])
def test_relu_in_shares(torch, rng, threads, monkeypatch, shape, perm, dtype, inplace):
    """ReLU and its gradient over flat ranges of the threads (a transposed view and a 0-d
    tensor take the whole-array pass): values, node and gradient as torch's, ties at 0."""
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_POINTWISE", 0)
    x = rng.integers(-2, 3, shape).astype(dtype)        # zeros: y == 0 gets no gradient

    def relu(lib):
        def fn(t):
            t = t * 1 if perm is None else (t * 1).permute(perm)
            return lib.relu_(t) if inplace else lib.relu(t)
        return fn
    check_fn(torch, relu(ember), relu(torch), [x], dtype)


def test_relu_gradient_graph_in_shares(torch, rng, threads, monkeypatch):
    """Under ``create_graph`` the gradient is built from ember ops: double backward works."""
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_POINTWISE", 0)
    x = rng.standard_normal((6, 5))
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        y = lib.relu(xt * xt - 0.5)
        (g,) = lib.autograd.grad(y.sum(), xt, create_graph=True)
        g.sum().backward()
        res.append([y, g, xt.grad])
    for e, t in zip(*res):
        compare(e, t, 1e-12, 1e-12)


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_relu_gradient_selects(torch, threads, monkeypatch, split, create_graph, dtype):
    """The gradient is selected, not multiplied, as torch's ``threshold_backward``: a NaN output
    passes its gradient (whatever its sign bit), and an infinite or NaN gradient at a
    non-positive output gives 0 (the kernel selects by bits)."""
    if split:
        monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_POINTWISE", 0)
    nan, inf = np.nan, np.inf
    x = np.array([[nan, -1, 0, 2, inf, -inf, -0.0, nan, -nan, 3]] * 3, dtype)
    g = np.array([[1, inf, nan, inf, nan, 1, inf, nan, 2, -0.0]] * 3, dtype)
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        gt = lib.tensor(g, requires_grad=create_graph)
        (gx,) = lib.autograd.grad(lib.relu(xt), xt, gt, create_graph=create_graph)
        res.append([gx])
        if create_graph:
            gx.sum().backward()
            res[-1].append(gt.grad)
    for e, t in zip(*res):
        compare(e, t, 0, 0)


def test_device_kernels_do_not_split():
    """The kernel module rebound to a device's array module (here the strict CuPy-shaped
    one) runs serially: a device orders its own work."""
    from ember._backend import rebind, strict
    on_device = rebind.load_on("numpy_nn", strict.xp, strict.StrictArray, None, None)
    assert numpy_nn._ON_HOST and not on_device._ON_HOST


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "tanh", "relu"])
@pytest.mark.parametrize("bsizes,reverse,proj", [(None, False, 0), (None, True, 2),
                                                 ([5, 4, 2, 1], False, 0),
                                                 ([5, 4, 2, 1], True, 2)])
def test_rnn_layer_gradcheck_in_shares(threads, mode, bsizes, reverse, proj):
    """The sequences of a batch (padded or packed) run in shares, forward and backward."""
    from tests.test_rnn_fused import _layer_fn, _layer_inputs
    rng = np.random.default_rng(5)
    ins = _layer_inputs(rng, mode, [5, 5, 5] if bsizes is None else bsizes, 3,
                        proj if mode in ("LSTM", "GRU") else 0)
    assert ember.autograd.gradcheck(*_layer_fn(mode, ins, bsizes, reverse))


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("packed", [False, True])
def test_rnn_in_shares_matches_torch(torch, threads, cls, packed):
    kw = dict(num_layers=2, bidirectional=True, batch_first=True)
    tm = getattr(torch.nn, cls)(3, 6, **kw)
    em = getattr(ember.nn, cls)(3, 6, **kw)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(6).standard_normal((5, 7, 3)).astype(np.float32)
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        xt = lib.tensor(x, requires_grad=True)
        inp = (lib.nn.utils.rnn.pack_padded_sequence(xt, [7, 3, 6, 1, 7], batch_first=True,
                                                     enforce_sorted=False) if packed else xt)
        out, state = m(inp)
        h, c = state if cls == "LSTM" else (state, state)
        out = out.data if packed else out
        (out.sin().sum() + (h * h).sum() + c.sum()).backward()
        res.append([out, h, c, xt.grad] + [p.grad for p in m.parameters()])
    for a, b in zip(*res):
        compare(a, b, 1e-5, 1e-5)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_rnn_frozen_recurrent_weight_in_shares(torch, threads, cls):
    """A recurrent weight that needs no gradient: the backward skips its overlapped GEMMs and
    the other gradients are torch's."""
    tm = getattr(torch.nn, cls)(3, 6, batch_first=True)
    em = getattr(ember.nn, cls)(3, 6, batch_first=True)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(7).standard_normal((4, 9, 3)).astype(np.float32)
    res = []
    for lib, m in ((ember, em), (torch, tm)):
        m.weight_hh_l0.requires_grad_(False)
        xt = lib.tensor(x, requires_grad=True)
        m(xt)[0].tanh().sum().backward()
        assert m.weight_hh_l0.grad is None
        res.append([xt.grad, m.weight_ih_l0.grad, m.bias_hh_l0.grad])
    for a, b in zip(*res):
        compare(a, b, 1e-5, 1e-5)


def test_concurrent_ops_give_the_blas_its_threads_back(monkeypatch):
    """Ops splitting at once from several threads: inside, the BLAS is single-threaded; after
    the last one, it has its own thread count again (a stand-in BLAS records the calls)."""
    import threading
    import types

    blas = types.SimpleNamespace(threads=4)
    lib = types.SimpleNamespace(get_num_threads=lambda: blas.threads,
                                set_num_threads=lambda n: setattr(blas, "threads", n))
    monkeypatch.setattr(parallel, "_BLAS", [types.SimpleNamespace(lib_controllers=[lib])])
    assert parallel.workers() == 4
    seen = []

    def caller():
        for _ in range(20):
            seen.extend(parallel.run(lambda _: parallel.workers(), [0, 1]))
    callers = [threading.Thread(target=caller) for _ in range(3)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert set(seen) == {1} and len(seen) == 120
    assert parallel.workers() == 4


def test_a_share_does_not_split_again(monkeypatch):
    monkeypatch.setattr(numpy_nn, "_MIN_SPLIT_BYTES", 0)
    assert parallel.run(lambda _: parallel.run(lambda k: k, [1, 2]), [0, 1]) == [[1, 2]] * 2
    inner = parallel.run(lambda _: numpy_nn._shares(8, 1, 8), [0, 1])
    assert all(len(shares) == 1 for shares in inner)


def test_small_work_stays_on_one_thread(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    small = numpy_nn._MIN_SPLIT_BYTES // 8 - 1
    assert len(numpy_nn._shares(8, small, 1 << 30)) == 1
    assert len(numpy_nn._shares(8, small + 1, 1 << 30)) == 2


def test_compiled_steps_follow_eager_ones(threads):
    """A capture records the kernels' shares one after another, in the order the eager run
    sums them; its GEMMs then run on the BLAS's threads, whose results can differ from a
    single-threaded GEMM's in the last bits (OpenBLAS splits some products along their inner
    dimension): compiled training follows eager training to float rounding."""
    from tests.test_compile import _LSTMNet, _step, _train
    nn = ember.nn

    def cnn():
        return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                             nn.Conv2d(16, 16, 3, stride=2), nn.Flatten(), nn.Linear(784, 5))
    for build, shape in ((cnn, (6, 3, 16, 16)), (_LSTMNet, (6, 7, 6))):
        models = []
        for _ in range(2):
            ember.manual_seed(0)
            m = build()
            models.append((m, ember.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)))
        ember.manual_seed(5)
        data = [(ember.randn(*shape), ember.randint(0, 5, (shape[0],))) for _ in range(3)]
        (m1, o1), (m2, o2) = models
        np.testing.assert_allclose(_train(m1, o1, data, _step),
                                   _train(m2, o2, data, ember.compile(_step)), rtol=1e-5)
        for a, b in zip(m1.state_dict().values(), m2.state_dict().values()):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("k", [1, 2])
def test_overlapped_hands_items_over_in_order(monkeypatch, k):
    """``side`` runs on every handed item, in order (on a pool thread with two workers, after
    ``main`` with one); the BLAS is single-threaded meanwhile."""
    import threading
    monkeypatch.setattr(parallel, "workers", lambda: k)
    main_thread = threading.get_ident()

    def main(hand):
        for i in range(5):
            hand(i)
        return "done"

    res, sides = parallel.overlapped(main, lambda i: (i, threading.get_ident() != main_thread))
    assert res == "done"
    assert [i for i, _ in sides] == list(range(5))
    assert all(off for _, off in sides) == (k == 2)


def test_overlapped_raises_after_the_side_has_ended(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    done = []

    def main(hand):
        hand(1)
        raise ValueError("main failed")

    with pytest.raises(ValueError, match="main failed"):
        parallel.overlapped(main, done.append)
    assert done == [1]


def test_openblas_spin_is_shortened_once(monkeypatch):
    """The timeout is put in the environment for OpenBLAS's re-read only, then the workers
    are stopped (a stand-in library records the calls); a user's own setting is kept."""
    import types
    calls = []
    so = types.SimpleNamespace(
        openblas_read_env=lambda: calls.append(("read", os.environ.get("OPENBLAS_THREAD_TIMEOUT"))),
        blas_thread_shutdown_=lambda: calls.append(("shutdown",)))
    ctl = types.SimpleNamespace(lib_controllers=[types.SimpleNamespace(internal_api="openblas",
                                                                       dynlib=so)])
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    parallel._shorten_openblas_spin(ctl)
    assert calls == [("read", parallel._OPENBLAS_SPIN_LOG2), ("shutdown",)]
    assert "OPENBLAS_THREAD_TIMEOUT" not in os.environ
    calls.clear()
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "28")
    parallel._shorten_openblas_spin(ctl)
    assert calls == []


def test_numpy_openblas_after_the_spin_change(monkeypatch):
    """NumPy's own OpenBLAS reads the shorter timeout, and its restarted threads compute."""
    ctl = parallel._blas()
    libs = [lib for lib in getattr(ctl, "lib_controllers", ())
            if hasattr(getattr(lib, "dynlib", None), "openblas_thread_timeout")]
    if not libs:
        pytest.skip("NumPy's BLAS is not an OpenBLAS with a thread timeout")
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    parallel._shorten_openblas_spin(ctl)
    assert all(lib.dynlib.openblas_thread_timeout() == int(parallel._OPENBLAS_SPIN_LOG2)
               for lib in libs)
    a = np.random.default_rng(0).standard_normal((300, 200))
    np.testing.assert_allclose(a @ a.T, np.einsum("ik,jk->ij", a, a), rtol=1e-10, atol=1e-10)
