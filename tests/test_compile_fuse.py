"""Runs of small elementwise calls fused into numba kernels (``ember/_compile/fuse.py``):
replays bitwise equal to eager Ember, signed zeros, NaN and infinities included."""
import numpy as np
import pytest

import ember
import ember.nn as nn
from ember._backend import jit
from ember._compile import fuse

jit_fused = jit.load("jit_fused")
if jit_fused is None:
    pytest.skip("numba is not installed, or EMBER_JIT=0", allow_module_level=True)


def _sources(compiled):
    return "".join(e.program.source for e in compiled.cache.values() if e.eager is None)


def _bits_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype == bool:
        assert (a == b).all()
        return
    view = np.uint32 if a.dtype == np.float32 else np.uint64
    same = a.view(view) == b.view(view)
    same |= np.isnan(a) & np.isnan(b)   # a NaN's payload may differ
    assert same.all(), (a[~same], b[~same])


def _inputs(dtype, shape=(5, 7)):
    ember.manual_seed(3)
    a = ember.randn(*shape, dtype=dtype)
    b = ember.randn(*shape, dtype=dtype)
    special = [0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1.0]
    for i, v in enumerate(special):
        a[0, i] = v
        b[1, i] = v
        b[0, (i + 1) % len(special)] = v
    return a, b


def _arith(a, b):
    c = a * b + 0.5
    d = (c - b) / (a + 2)
    e = ember.maximum(d, b) * 3
    f = ember.minimum(-e, a) - 1
    g = (f * f).sqrt() + ember.maximum(b, a)
    h = (a > b).to(a.dtype) * g + (c <= 0.5).to(a.dtype) - (a != c).to(a.dtype)
    return g, ember.minimum(a, c) / 7, h, a >= b, ember.relu(b), (b == a) | (a < 0)


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_fused_arithmetic_bitwise_equals_eager(dtype):
    a, b = _inputs(dtype)
    compiled = ember.compile(_arith)
    for _ in range(3):   # capture, then replays
        got = compiled(a, b)
    assert "_fused" in _sources(compiled)
    for x, y in zip(got, _arith(a, b)):
        _bits_equal(x.numpy(), y.numpy())


def _in_place(buf, y):
    v = buf[:, :4]
    v.mul_(0.5).add_(y)
    w = buf[:, 4:]   # disjoint from v: same run
    w.sub_(1.0).mul_(v[:, :3])
    u = buf[:, 1:5]   # overlaps v at an offset: not fused with it
    u.add_(buf[:, :4])
    return buf * 2


def test_in_place_views_and_overlaps_equal_eager():
    ember.manual_seed(0)
    y = ember.randn(6, 4)
    start = ember.randn(6, 7)
    compiled = ember.compile(_in_place)
    for _ in range(3):
        got = compiled(start.clone(), y)
    assert "_fused" in _sources(compiled)
    _bits_equal(got.numpy(), _in_place(start.clone(), y).numpy())


def test_overlap_ends_a_run():
    base = np.zeros(10, np.float32)
    call = fuse.Call("add", [("a", "s1"), ("a", "s2")], "s1", None, True, base.dtype, base.dtype,
                     (9,), {"s1": base[1:], "s2": base[:-1]})
    assert fuse._overlap(call, call.arrays, {"s1"})
    apart = fuse.Call("add", [("a", "s1"), ("a", "s2")], "s1", None, True, base.dtype, base.dtype,
                      (5,), {"s1": base[:5], "s2": base[5:]})
    assert not fuse._overlap(apart, apart.arrays, {"s1"})


def _chain_fb(x, y):
    for _ in range(4):
        x = (x * y + y).sigmoid() - 0.5
    out = x.sum()
    out.backward()
    return out


def test_tiny_chain_forward_backward_and_switch_off(monkeypatch):
    def run(compiled, x, y):
        x.grad = None
        out = compiled(x, y)
        return out.detach().numpy(), x.grad.numpy()

    ember.manual_seed(1)
    x, y = ember.randn(16, requires_grad=True), ember.randn(16)
    expected = run(_chain_fb, x, y)
    compiled = ember.compile(_chain_fb)
    for _ in range(3):
        got = run(compiled, x, y)
    assert "_fused" in _sources(compiled)
    for g, e in zip(got, expected):
        _bits_equal(g, e)
    monkeypatch.setitem(jit._loaded, "jit_fused", None)   # as without numba / EMBER_JIT=0
    plain = ember.compile(_chain_fb)
    for _ in range(3):
        got = run(plain, x, y)
    assert "_fused" not in _sources(plain)
    for g, e in zip(got, expected):
        _bits_equal(g, e)


class _LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(6, 16, batch_first=True)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        return self.fc(self.rnn(x)[0][:, -1])


def test_lstm_adam_training_fused_equals_eager():
    from tests.test_compile import _step as step

    runs = []
    for compiled in (False, True):
        ember.manual_seed(0)
        model = _LSTMNet()
        opt = ember.optim.Adam(model.parameters(), lr=1e-2)
        fn = ember.compile(step) if compiled else step
        ember.manual_seed(5)
        losses = [fn(model, opt, ember.randn(4, 5, 6), ember.randint(0, 5, (4,))).item()
                  for _ in range(20)]
        runs.append((losses, model))
    assert "_fused" in _sources(fn)
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1].parameters(), runs[1][1].parameters()):
        _bits_equal(a.detach().numpy(), b.detach().numpy())


def _ints(i, j):
    k = (i & j) ^ -i
    m = (~k | j) * 3 - 100
    return m, (i == 3).to(ember.int32) * j, (j < 2).to(ember.float32) + i.to(ember.float32)


@pytest.mark.parametrize("dtype", [ember.int8, ember.int32, ember.int64])
def test_integer_ops_wrap_as_numpy(dtype):
    ember.manual_seed(2)
    hi = 127 if dtype == ember.int8 else 2 ** 20
    i, j = (ember.randint(-hi, hi, (4, 9), dtype=dtype) for _ in range(2))
    compiled = ember.compile(_ints)
    for _ in range(3):
        got = compiled(i, j)
    assert "_fused" in _sources(compiled)
    for x, y in zip(got, _ints(i, j)):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def _broadcast(x, w, b):
    y = ember.relu(x * w + b)
    return y - b.mean(), (y > 0.5).to(x.dtype) * w


def test_broadcast_operands_equal_eager():
    ember.manual_seed(4)
    x = ember.randn(3, 4, 5, 6)
    w, b = ember.randn(4, 1, 1), ember.randn(6)
    compiled = ember.compile(_broadcast)
    for _ in range(3):
        got = compiled(x, w, b)
    assert "_bcast" in _sources(compiled)
    for g, e in zip(got, _broadcast(x, w, b)):
        _bits_equal(g.numpy(), e.numpy())


def test_run_numba_cannot_compile_stays_numpy(monkeypatch):
    def refuse(source, name, examples):
        raise TypeError("numba cannot type this")
    monkeypatch.setattr(jit_fused, "kernel", refuse)
    a, b = _inputs(ember.float32)
    compiled = ember.compile(_arith)
    for _ in range(3):
        got = compiled(a, b)
    assert "_fused" not in _sources(compiled)
    for x, y in zip(got, _arith(a, b)):
        _bits_equal(x.numpy(), y.numpy())


def _dropout_scale(x, y):
    return ember.nn.functional.dropout(x, 0.3, training=True) * y - 1


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_numpy_scalar_operands_fuse_equal_eager(dtype):
    """Dropout multiplies its bool mask by a NumPy scalar (the 1/(1-p) scale in the data's
    dtype): the mask is cast in the fused kernel, the scale is its constant, and the masks are
    eager's under the same seed."""
    x, y = _inputs(dtype, (6, 33))
    compiled = ember.compile(_dropout_scale)
    for seed in range(3):
        ember.manual_seed(seed)
        got = compiled(x, y)
    program = next(e.program for e in compiled.cache.values() if e.eager is None)
    assert np.multiply not in program.__globals__.values()   # mask * scale * y: one kernel
    ember.manual_seed(2)
    _bits_equal(got.numpy(), _dropout_scale(x, y).numpy())


def _relu_grads(x, y):
    out = (ember.relu(x) * y).sum()
    out.backward()
    return out


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_relu_backward_mask_fuses_equal_eager(dtype):
    """ReLU's backward multiplies the gradient by its bool mask: the product joins a fused
    kernel (the mask cast in it), gradients bitwise eager's."""
    a, b = _inputs(dtype, (8, 40))
    compiled = ember.compile(_relu_grads)
    grads = []
    for x, call in ((a.clone().requires_grad_(), _relu_grads),
                    (a.clone().requires_grad_(), compiled)):
        for _ in range(3):
            x.grad = None
            call(x, b)
        grads.append(x.grad.numpy())
    program = next(e.program for e in compiled.cache.values() if e.eager is None)
    assert np.multiply not in program.__globals__.values()
    _bits_equal(grads[1], grads[0])
