"""Winograd filter transforms kept per weight (``ember/_backend/weight_cache.py``): forwards
with an unchanged weight reuse them; every kind of write to the weight between two forwards
(in place with a version bump, through ``.data`` or NumPy without one, a new array) makes the
next forward transform it again, with torch's values; a weight that takes a gradient is never
kept; the cache stays within its byte budget."""
import numpy as np
import pytest

import ember
from ember._backend import numpy_nn, weight_cache
from tests._nn_compare import close

# 4 x 8x8 outputs = 64 tiles of 2x2 and 128 channels: the forward takes Winograd.
X_SHAPE, CHANNELS = (4, 128, 8, 8), 128


@pytest.fixture
def transforms(monkeypatch):
    """Counts filter transforms, in an empty cache of the default budget."""
    calls = []
    real = numpy_nn._Winograd.filters

    def filters(self, w, flipped=False):
        calls.append(flipped)
        return real(self, w, flipped)
    monkeypatch.setattr(numpy_nn._Winograd, "filters", filters)
    monkeypatch.setattr(numpy_nn, "_FILTERS", weight_cache.WeightCache())
    if not numpy_nn._NUMPY or ember.tensor(0.0)._device._backend.nn is not numpy_nn:
        pytest.skip("the cache serves the host kernels")
    return calls


def _pair(torch, rng, dtype):
    te = ember.nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1).to(getattr(ember, dtype)).eval()
    tt = torch.nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1).to(getattr(torch, dtype)).eval()
    w = rng.standard_normal(tt.weight.shape).astype(dtype) * 0.05
    with torch.no_grad():
        tt.weight.copy_(torch.tensor(w))
        tt.bias.copy_(torch.tensor(rng.standard_normal(CHANNELS).astype(dtype)))
    te.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tt.state_dict().items()})
    return te, tt


def _forward(torch, te, tt, x, dtype):
    with ember.no_grad(), torch.no_grad():
        close(te(ember.tensor(x)), tt(torch.tensor(x)), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_writes_between_forwards(torch, rng, transforms, dtype):
    te, tt = _pair(torch, rng, dtype)
    x = rng.standard_normal(X_SHAPE).astype(dtype)
    _forward(torch, te, tt, x, dtype)
    _forward(torch, te, tt, x, dtype)
    assert len(transforms) == 1                          # the second forward reused it

    def write(e_fn, t_fn, transformed):
        with ember.no_grad(), torch.no_grad():
            e_fn(te.weight)
            t_fn(tt.weight)
        _forward(torch, te, tt, x, dtype)
        _forward(torch, te, tt, x, dtype)
        assert len(transforms) == transformed

    write(lambda w: w.mul_(0.5), lambda w: w.mul_(0.5), 2)           # version bumped
    v = te.weight._version
    write(lambda w: w.data.add_(0.01), lambda w: w.data.add_(0.01), 3)
    assert te.weight._version == v                       # .data: torch's counter is not told
    write(lambda w: w.detach().numpy().__setitem__((0, 0, 0, 0), 1.5),
          lambda w: w.detach().numpy().__setitem__((0, 0, 0, 0), 1.5), 4)
    write(lambda w: setattr(w, "data", w.data * 2), lambda w: setattr(w, "data", w.data * 2), 5)
    neg_zero = np.zeros((), dtype) * -1                  # a sign-of-zero flip is a write too
    write(lambda w: w.data[1, 1, 1].fill_(0.0), lambda w: w.data[1, 1, 1].fill_(0.0), 6)
    write(lambda w: w.data[1, 1, 1].fill_(float(neg_zero)),
          lambda w: w.data[1, 1, 1].fill_(float(neg_zero)), 7)


def test_weight_taking_a_gradient_is_not_kept(torch, rng, transforms):
    te, tt = _pair(torch, rng, "float64")
    x = rng.standard_normal(X_SHAPE)
    for _ in range(2):
        ye, yt = te(ember.tensor(x)), tt(torch.tensor(x))
        close(ye, yt, "float64")
    assert transforms == [False, False] and not numpy_nn._FILTERS.nbytes
    te.weight.requires_grad_(False)                      # a frozen layer is kept
    with ember.enable_grad():
        te(ember.tensor(x))
        te(ember.tensor(x))
    assert transforms == [False] * 3 and numpy_nn._FILTERS.nbytes


def test_budget_and_freed_weights():
    cache = weight_cache.WeightCache(budget=3000)
    ws = [np.full((10, 10), float(i)) for i in range(3)]      # 800 bytes + 800 per entry
    for w in ws:
        assert cache.get(w, 0, False, lambda: w * 2) is not None
    assert cache.nbytes == 1600                          # the first went: least recently used
    assert len(cache._entries) == 1
    value = cache.get(ws[2], 0, False, lambda: pytest.fail("kept"))
    np.testing.assert_array_equal(value, ws[2] * 2)
    del ws[2], value, w
    assert cache.nbytes == 0 and not cache._entries     # the entry went with its array
    big = np.zeros(1000)
    cache.get(big, 0, False, lambda: big)                # larger than the budget: not kept
    assert cache.nbytes == 0


def test_compiled_forward_sees_weight_writes(rng, transforms):
    """A capture records every filter transform (its kernels are not NumPy's own), so a
    replay after a write through ``.data`` transforms the new weight, as eager does."""
    conv = ember.nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1).eval()
    compiled = ember.compile(conv)
    x = ember.tensor(rng.standard_normal(X_SHAPE).astype("float32"))
    with ember.no_grad():
        for _ in range(3):
            compiled(x)
        conv.weight.data.mul_(2)
        got, want = compiled(x), conv(x)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
