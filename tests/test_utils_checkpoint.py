"""torch.utils.checkpoint against torch: values, gradients, grad_fn names, RNG replay under
dropout, autograd.grad / kwargs with use_reentrant=False, checkpoint_sequential, warnings and
errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _model(lib, rng_seed=0, dropout=0.0):
    g = np.random.default_rng(rng_seed)
    m = lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.Tanh(), lib.nn.Dropout(dropout),
                          lib.nn.Linear(6, 3), lib.nn.Sigmoid())
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(g.standard_normal(tuple(p.shape)).astype("float32")))
    return m


def _ckpt(lib):
    return lib.utils.checkpoint


def _run(lib, reentrant, x_np, dropout=0.0, preserve=True, seed=0):
    m = _model(lib, dropout=dropout)
    x = lib.tensor(x_np, requires_grad=True)
    lib.manual_seed(seed)
    y = _ckpt(lib).checkpoint(m, x, use_reentrant=reentrant, preserve_rng_state=preserve)
    y.pow(2).sum().backward()
    return y, x.grad, m[0].weight.grad


@pytest.mark.parametrize("reentrant", [True, False])
def test_values_grads_and_node_names_match_torch(reentrant, rng):
    x = rng.standard_normal((5, 4)).astype("float32")
    e = _run(ember, reentrant, x)
    t = _run(torch, reentrant, x)
    assert type(e[0].grad_fn).__name__ == type(t[0].grad_fn).__name__
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.parametrize("reentrant", [True, False])
def test_dropout_replays_its_mask(reentrant, rng):
    """With preserve_rng_state the rerun draws the forward's dropout mask, so gradients equal
    those of the un-checkpointed model under the same seed (the property torch has)."""
    x = rng.standard_normal((5, 4)).astype("float32")
    for lib in (ember, torch):
        m = _model(lib, dropout=0.5)
        xt = lib.tensor(x, requires_grad=True)
        lib.manual_seed(3)
        m(xt).pow(2).sum().backward()
        plain = xt.grad.clone()
        _, got, _ = _run(lib, reentrant, x, dropout=0.5, seed=3)
        np.testing.assert_allclose(got.numpy(), plain.numpy(), rtol=1e-5, atol=1e-6)
        _, off, _ = _run(lib, reentrant, x, dropout=0.5, preserve=False, seed=3)
        assert not np.allclose(off.numpy(), plain.numpy())


def test_non_reentrant_supports_autograd_grad_and_kwargs(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    out = []
    for lib in (ember, torch):
        w = lib.tensor(x.T.copy(), requires_grad=True)
        xt = lib.tensor(x, requires_grad=True)

        def f(a, *, scale):
            return (a @ w).sin() * scale
        y = _ckpt(lib).checkpoint(f, xt, scale=2.0, use_reentrant=False)
        gx, gw = lib.autograd.grad(y.sum(), (xt, w))
        out.append((y.detach().numpy(), gx.numpy(), gw.numpy(), type(y.grad_fn).__name__))
    for a, b in zip(out[0][:3], out[1][:3]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert out[0][3] == out[1][3]


@pytest.mark.parametrize("reentrant", [True, False])
def test_inputs_without_grad(reentrant, rng):
    """Reentrant: torch warns and the parameters get no gradient; non-reentrant: they do."""
    x = rng.standard_normal((2, 4)).astype("float32")
    res = []
    for lib in (ember, torch):
        m = _model(lib)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = _ckpt(lib).checkpoint(m, lib.tensor(x), use_reentrant=reentrant)
        res.append(([str(v.message) for v in w], y.requires_grad))
        if y.requires_grad:
            y.sum().backward()
            res[-1] += (m[0].weight.grad.numpy().round(4).tolist(),)
    assert res[0] == res[1]


def test_checkpoint_sequential_matches_torch(rng):
    x = rng.standard_normal((5, 4)).astype("float32")
    out = []
    for lib in (ember, torch):
        m = _model(lib)
        xt = lib.tensor(x, requires_grad=True)
        y = _ckpt(lib).checkpoint_sequential(m, 2, xt, use_reentrant=False)
        y.sum().backward()
        out.append((y.detach().numpy(), xt.grad.numpy(), type(y.grad_fn).__name__))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-5, atol=1e-6)
    assert out[0][2] == out[1][2]


def _warned(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(v.category, str(v.message)) for v in w]


def test_missing_use_reentrant_warns_like_torch():
    for call in (lambda lib: _ckpt(lib).checkpoint(lambda a: a * 2,
                                                   lib.ones(2, requires_grad=True)),
                 lambda lib: _ckpt(lib).checkpoint_sequential(
                     [lambda a: a * 2, lambda a: a + 1], 2, lib.ones(2, requires_grad=True))):
        assert _warned(lambda: call(ember)) == _warned(lambda: call(torch))


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("call", [
    lambda lib: _ckpt(lib).checkpoint(lambda a, b: a, lib.ones(1), b=1, use_reentrant=True),
    lambda lib: _ckpt(lib).checkpoint(lambda a: a, lib.ones(1), use_reentrant=True,
                                      context_fn=lambda: None),
    lambda lib: _ckpt(lib).checkpoint_sequential([lambda a: a], 1, lib.ones(1),
                                                 use_reentrant=True, foo=1),
    lambda lib: _ckpt(lib).detach_variable([lib.ones(1)]),
    lambda lib: (lambda x: lib.autograd.grad(_ckpt(lib).checkpoint(
        lambda a: a.exp(), x, use_reentrant=True).sum(), [x]))(lib.ones(2, requires_grad=True)),
    lambda lib: (lambda x: _ckpt(lib).checkpoint(lambda a: a.exp(), x, use_reentrant=True)
                 .sum().backward(inputs=[x]))(lib.ones(2, requires_grad=True)),
])
def test_errors_match_torch(call):
    assert _error(lambda: call(ember)) == _error(lambda: call(torch))


def test_non_reentrant_second_backward_raises_like_torch(rng):
    x = rng.standard_normal((3,)).astype("float32")
    errs = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        y = _ckpt(lib).checkpoint(lambda a: a.exp().sin(), xt, use_reentrant=False).sum()
        y.backward()
        with pytest.raises(RuntimeError) as info:
            y.backward()
        errs.append(str(info.value).split(".")[0])
    assert errs[0] == errs[1]


def test_non_reentrant_with_captured_non_leaf_and_nesting(rng):
    """Tensors captured from outside the function, and a checkpoint inside a checkpoint."""
    x_np = rng.standard_normal(3).astype("float32")
    grads = []
    for lib in (ember, torch):
        ck = _ckpt(lib).checkpoint
        w0 = lib.ones(3, requires_grad=True)
        w = w0 * 2                                   # a non-leaf from outside the region
        x = lib.tensor(x_np, requires_grad=True)

        def inner(a):
            return (a * w).sin()

        def outer(a):
            return ck(inner, a.exp(), use_reentrant=False).cos() * w
        y = ck(outer, x, use_reentrant=False).sum()
        y.backward()
        grads.append((x.grad.numpy(), w0.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_non_reentrant_drops_the_saved_activations():
    """The point of checkpointing: the region's nodes hold no saved tensors until backward."""
    from ember.utils.checkpoint import _Deferred
    x = ember.ones(4, requires_grad=True)
    y = _ckpt(ember).checkpoint(lambda a: a.exp().sin(), x, use_reentrant=False)
    sin_node = y.grad_fn
    exp_node = sin_node.next_functions[0][0]
    assert type(sin_node._saved) is _Deferred and type(exp_node._saved) is _Deferred
    y.sum().backward()
    xt = torch.ones(4, requires_grad=True)
    xt.exp().sin().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-6)


def test_device_states_and_default_device_type_as_torch():
    for lib in (torch, ember):
        ck = _ckpt(lib)
        assert ck.get_device_states(lib.ones(2), 3, [lib.ones(1)], {"k": lib.ones(1)}) == ([], [])
        ck.set_device_states([], [])
        assert ck.DefaultDeviceType.get_device_type() == "cpu"   # no accelerator here
        ck.DefaultDeviceType.set_device_type("cuda")
        assert ck.DefaultDeviceType.get_device_type() == "cuda"
        ck.DefaultDeviceType.set_device_type(None)
        assert ck.DefaultDeviceType.get_device_type() == "cpu"


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_replays_cuda_dropout_masks(fake_cuda, reentrant):
    """Inputs on a (fake) CUDA device: their generator's state is saved and restored around
    the recomputation, so the dropout masks, and the gradients, are those of the plain run."""
    def run(checkpointed):
        ember.manual_seed(0)
        x = ember.ones(64, 8, device="cuda", requires_grad=True)
        f = lambda t: ember.nn.functional.dropout(t * 2, 0.5).sin()  # noqa: E731
        y = ember.utils.checkpoint.checkpoint(f, x, use_reentrant=reentrant) \
            if checkpointed else f(x)
        after = ember.rand(3, device="cuda")         # the stream moves on as without checkpoint
        y.sum().backward()
        return x.grad.cpu().numpy(), after.cpu().numpy()
    plain, ckpt = run(False), run(True)
    np.testing.assert_array_equal(ckpt[0], plain[0])
    np.testing.assert_array_equal(ckpt[1], plain[1])
    devices, states = ember.utils.checkpoint.get_device_states(ember.ones(1, device="cuda:1"))
    assert devices == [1] and states[0].dtype == ember.uint8


def test_cuda_rng_state_round_trip(fake_cuda):
    ember.manual_seed(5)
    state = ember.cuda.get_rng_state()
    a = ember.randn(4, device="cuda")
    ember.cuda.set_rng_state(state)
    assert ember.equal(ember.randn(4, device="cuda"), a)
    assert ember.cuda.initial_seed() == 5
