"""The CPU backend's matrix product (``ember/_backend/gemm.py``): operands NumPy cannot hand to
the BLAS are copied and small-batch float32 ``x @ W.t()`` is turned round; values, strides
and gradients stay torch's on both sides of each window."""
import numpy as np
import pytest

import ember
from ember._backend import gemm, parallel

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(shape, dtype):
    a = RNG.standard_normal(shape).astype(dtype)
    return ember.from_numpy(a.copy()), torch.from_numpy(a.copy())


def _close(e, t, dtype):
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert e.dtype == getattr(ember, str(t.dtype).split(".")[1])
    assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride()
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("m,k,n,turned", [
    (7, 256, 256, False), (8, 256, 256, True), (64, 300, 512, True), (65, 256, 256, False),
    (16, 255, 512, False), (16, 512, 255, False)])
def test_turn_round_window(m, k, n, turned):
    x = np.ones((m, k), np.float32)
    w = np.ones((n, k), np.float32)
    assert gemm._turn_round(x, w.T) is turned
    assert not gemm._turn_round(x.astype(np.float64), w.T.astype(np.float64))
    assert not gemm._turn_round(np.asfortranarray(x), w.T)      # a column-major x
    assert not gemm._turn_round(x, np.ascontiguousarray(w.T))   # a row-major weight


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m", [4, 8, 32, 64, 96])
def test_linear_values_and_grads(dtype, m):
    """``F.linear`` (addmm with a transposed weight, the turned-round product in its window)
    forward and backward against torch."""
    ex, tx = _pair((m, 320), dtype)
    ew, tw = _pair((288, 320), dtype)
    eb, tb = _pair((288,), dtype)
    for t in (ex, tx, ew, tw, eb, tb):
        t.requires_grad_(True)
    eo = ember.nn.functional.linear(ex, ew, eb)
    to = torch.nn.functional.linear(tx, tw, tb)
    _close(eo, to, dtype)
    assert type(eo.grad_fn).__name__ == type(to.grad_fn).__name__
    g = RNG.standard_normal(to.shape).astype(dtype)
    eo.backward(ember.from_numpy(g))
    to.backward(torch.from_numpy(g))
    for e, t in ((ex, tx), (ew, tw), (eb, tb)):
        _close(e.grad, t.grad, dtype)


class _Probe(np.ndarray):
    """An operand that records the BLAS's thread count when NumPy multiplies it."""
    seen = []

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _Probe.seen.append(parallel.workers())
        return getattr(ufunc, method)(*(np.asarray(x) for x in inputs), **kwargs)


@pytest.mark.parametrize("m,k,n,dtype,threads", [
    (64, 1600, 128, np.float32, 1),     # LeNet's Linear(1600, 128)
    (64, 64, 512, np.float64, 1),       # 2^21: the smallest switched
    (64, 64, 511, np.float64, 2),       # too small to pay for the switch
    (32, 300, 512, np.float32, 1),      # turned round
    (64, 512, 512, np.float32, 2),      # an MLP's at batch 64: 2^24 multiply-adds
    (512, 784, 512, np.float32, 2),
])
def test_small_products_on_one_blas_thread(m, k, n, dtype, threads):
    """2-D products under ``gemm.ONE_THREAD_MACS`` multiply-adds run with the BLAS on one
    thread; the BLAS has its threads back afterwards, and inside a kernel's share (already
    one thread) nothing is switched."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if parallel._blas() is None:
        pytest.skip("no BLAS that threadpoolctl controls")
    a = RNG.standard_normal((m, k)).astype(dtype).view(_Probe)
    b = RNG.standard_normal((n, k)).astype(dtype).T
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        _Probe.seen = []
        gemm.matmul(a, b)
        assert _Probe.seen == [threads] and parallel.workers() == 2
        parallel.run(lambda _: gemm.matmul(a, b), [0, 1])
        assert _Probe.seen[1:] == [1, 1] and parallel.workers() == 2
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        _Probe.seen = []
        gemm.matmul(a, b)
        assert _Probe.seen == [1] and parallel.workers() == 1


def test_lenet_linear_values_and_grads():
    """LeNet's ``Linear(1600, 128)`` at batch 64, its products on one BLAS thread, against
    torch."""
    ex, tx = _pair((64, 1600), np.float32)
    ew, tw = _pair((128, 1600), np.float32)
    for t in (ex, tx, ew, tw):
        t.requires_grad_(True)
    eo, to = ember.nn.functional.linear(ex, ew), torch.nn.functional.linear(tx, tw)
    _close(eo, to, np.float32)
    g = RNG.standard_normal(to.shape).astype(np.float32)
    eo.backward(ember.from_numpy(g))
    to.backward(torch.from_numpy(g))
    _close(ex.grad, tx.grad, np.float32)
    _close(ew.grad, tw.grad, np.float32)


def _views(lib, a):
    """Operand views NumPy's matmul cannot give the BLAS as they are, and ones it can."""
    return {
        "column step": a[:, ::2],
        "flipped": lib.flip(a, [1]),
        "both steps": a[::2, ::2],
        "row slice": a[:, 3:3 + a.shape[1] // 2],
        "transposed step": a.t()[::2],
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("view", ["column step", "flipped", "both steps", "row slice",
                                  "transposed step"])
def test_strided_operands(dtype, view):
    ea, ta = _pair((48, 96), dtype)
    eb, tb = _pair((96, 40), dtype)
    va, vta = _views(ember, ea)[view], _views(torch, ta)[view]
    rhs_e, rhs_t = eb[: va.shape[1]], tb[: vta.shape[1]]
    _close(ember.mm(va, rhs_e), torch.mm(vta, rhs_t), dtype)
    _close(va.t() @ va, vta.t() @ vta, dtype)
    blas = view in ("row slice",)
    assert gemm._blas_operand(va._data) is blas or va._data.flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_strided_batched_operands(dtype):
    ea, ta = _pair((6, 20, 32), dtype)
    eb, tb = _pair((6, 16, 24), dtype)
    _close(ea[:, :, ::2] @ eb, ta[:, :, ::2] @ tb, dtype)
    _close(ember.bmm(ea.transpose(1, 2)[:, ::2], ea[:, :, 1::2]),
           torch.bmm(ta.transpose(1, 2)[:, ::2], ta[:, :, 1::2]), dtype)


def test_attention_products_grads():
    """Attention-like stacked products of transposed and strided views, with gradients."""
    eq, tq = _pair((8, 96, 64), np.float32)
    ek, tk = _pair((8, 96, 128), np.float32)
    for t in (eq, tq, ek, tk):
        t.requires_grad_(True)
    es = (eq @ ek[:, :, ::2].transpose(1, 2)).softmax(-1) @ ek[:, :, 1::2]
    ts = (tq @ tk[:, :, ::2].transpose(1, 2)).softmax(-1) @ tk[:, :, 1::2]
    _close(es, ts, np.float32)
    es.sum().backward()
    ts.sum().backward()
    _close(eq.grad, tq.grad, np.float32)
    _close(ek.grad, tk.grad, np.float32)


def test_compiled_linear_matches_eager():
    """A capture records the turned-round product and replays it on new inputs."""
    lin = ember.nn.Linear(256, 384)
    step = ember.compile(lambda x: lin(x).relu().sum(-1))
    for _ in range(3):
        x = ember.from_numpy(RNG.standard_normal((32, 256)).astype(np.float32))
        with ember.no_grad():
            want = lin(x).relu().sum(-1)
        np.testing.assert_array_equal(step(x).detach().numpy(), want.numpy())
