"""ember.func.vmap against torch.func.vmap: in_dims / out_dims pytrees, chunk_size, nested
vmap, vmap of grad and grad of vmap (per-sample gradients), jacrev through vmap, randomness
modes, model ensembling, and torch's errors. Same inputs for both libraries (from NumPy)."""
import numpy as np
import pytest

import ember
from ember._ops import _bindings
from ember._ops._core import OPS

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def both(scenario, *arrays, rtol=1e-6, atol=1e-8):
    """Run ``scenario(lib, *tensors)`` with ember and torch on the same arrays; compare."""
    out_e = scenario(ember, *[ember.from_numpy(a.copy()) for a in arrays])
    out_t = scenario(torch, *[torch.from_numpy(a.copy()) for a in arrays])
    _compare(out_e, out_t, rtol, atol)
    return out_e


def _compare(e, t, rtol, atol):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), type(e)
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape), \
            (e.dtype, t.dtype, tuple(e.shape), tuple(t.shape))
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol,
                                   atol=atol)
    elif isinstance(t, dict):
        assert sorted(e) == sorted(t)
        for k in t:
            _compare(e[k], t[k], rtol, atol)
    elif isinstance(t, (tuple, list)):   # named tuples: torch.return_types vs ember's
        assert type(e).__name__ == type(t).__name__ and len(e) == len(t)
        for x, y in zip(e, t):
            _compare(x, y, rtol, atol)
    else:
        assert e == t


def errors_match(scenario, *arrays):
    """Both libraries raise the same exception type with the same first line."""
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            scenario(lib, *[lib.from_numpy(a.copy()) for a in arrays])
        msgs.append((type(info.value).__name__, str(info.value).splitlines()[0]))
    assert msgs[0] == msgs[1]


# ---- in_dims / out_dims / chunk_size ---------------------------------------------------------
@pytest.mark.parametrize("in_dims, out_dims, shapes", [
    (0, 0, [(3, 4), (3, 4)]),
    (1, 0, [(4, 3), (4, 3)]),
    ((0, None), 1, [(3, 4), (4,)]),
    ((-1, 0), -1, [(4, 2, 3), (3, 1, 2)]),
    ((None, 1), (0,), [(5,), (5, 3)]),
])
def test_in_dims_out_dims(in_dims, out_dims, shapes):
    def scenario(lib, a, b):
        return lib.func.vmap(lambda x, y: (x * y).sin() + x.sum(), in_dims=in_dims,
                             out_dims=out_dims)(a, b)
    both(scenario, *[arr(*s) for s in shapes])


def test_pytree_inputs_outputs_and_kwargs():
    def scenario(lib, a, b, c):
        def f(d, scale, *, shift):
            return {"s": d["x"] @ d["w"] * scale + shift, "t": (d["x"].sum(0), d["w"])}
        return lib.func.vmap(f, in_dims=({"x": 0, "w": None}, 1),
                             out_dims={"s": 1, "t": (0, None)})(
            {"x": a, "w": b}, c, shift=2.0)
    both(scenario, arr(4, 3, 2), arr(2, 5), arr(5, 4))


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 100])
def test_chunk_size(chunk_size):
    def scenario(lib, a, b):
        return lib.func.vmap(lambda x, y: (x.softmax(-1) * y, x.max()), in_dims=(0, None),
                             chunk_size=chunk_size)(a, b)
    both(scenario, arr(5, 3), arr(3))


def test_unbatched_output_is_broadcast():
    both(lambda lib, a, b: lib.func.vmap(lambda x: b * 2)(a), arr(3, 2), arr(4))


# ---- composition -----------------------------------------------------------------------------
def test_nested_vmap_outer_product_and_matmul():
    def scenario(lib, a, b, m):
        F = lib.func
        outer = F.vmap(F.vmap(lib.mul, in_dims=(None, 0)), in_dims=(0, None))(a, b)
        mm = F.vmap(F.vmap(lambda r, c: r @ c, in_dims=(None, 1)), in_dims=(0, None))(m, m.T)
        inner = F.vmap(F.vmap(lambda x: x.sum() * x), in_dims=1)(m.unsqueeze(0).expand(2, 4, 4))
        return outer, mm, inner
    both(scenario, arr(3), arr(4), arr(4, 4))


def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3))


def _same_params(lib, model, arrays):
    with lib.no_grad():
        for p, a in zip(model.parameters(), arrays):
            p.copy_(lib.from_numpy(a.copy()))
    return model


MLP_PARAMS = [arr(8, 4), arr(8), arr(3, 8), arr(3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vmap_of_grad_per_sample_gradients(dtype):
    params = [p.astype(dtype) for p in MLP_PARAMS]

    def scenario(lib, x, y):
        model = _same_params(lib, _mlp(lib).to(getattr(lib, np.dtype(dtype).name)), params)
        p = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, xi, yi):
            out = lib.func.functional_call(model, p, (xi.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, yi.unsqueeze(0))
        return lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0, 0))(p, x, y)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    both(scenario, arr(6, 4, dtype=dtype), RNG.integers(0, 3, 6), rtol=tol, atol=tol)


def test_grad_of_vmap_and_vmap_of_grad_of_closure():
    def scenario(lib, x, w):
        F = lib.func
        g1 = F.grad(lambda w: F.vmap(lambda r: (r @ w).tanh().sum())(x).sum())(w)
        g2 = F.vmap(F.grad(lambda r, w: (r @ w).sin().sum(), argnums=1), in_dims=(0, None))(x, w)
        g3 = F.vmap(F.grad(lambda r: (r * w.sum()).exp().sum()))(x)
        return g1, g2, g3
    both(scenario, arr(5, 3), arr(3, 2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vmap_over_autograd_grad_of_a_relu_network(dtype):
    """torch.vmap over autograd.grad with batched cotangents (rows of a Jacobian, as torchjd
    computes them): ReLU's backward must batch its gradient, not read its array."""
    def scenario(lib, x, w):
        x, w = x.requires_grad_(), w.requires_grad_()
        out = (x @ w).relu().sin() @ w.T.relu()
        basis = lib.eye(out.numel(), dtype=out.dtype).reshape(-1, *out.shape)
        return lib.vmap(lambda v: lib.autograd.grad(out, [x, w], v, retain_graph=True))(basis)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    both(scenario, arr(3, 4, dtype=dtype), arr(4, 5, dtype=dtype), rtol=tol, atol=tol)


def test_jacrev_hessian_and_vmap_of_jacrev():
    def scenario(lib, x, a):
        F = lib.func

        def f(x):
            return (a @ x).tanh() * x[0]
        return (F.jacrev(f)(x), F.jacrev(f, chunk_size=2)(x), F.hessian(lambda x: f(x).sum())(x),
                F.vmap(F.jacrev(lambda x: x.sin() * x.sum()))(a))
    both(scenario, arr(3), arr(3, 3))


def test_autograd_functional_vectorize():
    def scenario(lib, x):
        fn = lib.autograd.functional
        return (fn.jacobian(lambda x: x.exp() @ x.T, x, vectorize=True),
                fn.hessian(lambda x: x.pow(3).sum(), x, vectorize=True))
    both(scenario, arr(2, 3))


def test_model_ensembling_with_stack_module_state():
    def scenario(lib, x):
        models = [_mlp(lib) for _ in range(3)]
        for i, m in enumerate(models):
            _same_params(lib, m, [p + i for p in MLP_PARAMS])
        models = [m.double() for m in models]
        params, buffers = lib.func.stack_module_state(models)
        base = models[0]

        def run(p, b, x):
            return lib.func.functional_call(base, (p, b), (x,))
        same = lib.func.vmap(run, in_dims=(0, 0, None))(params, buffers, x)
        per_model = lib.func.vmap(run)(params, buffers, x.unsqueeze(0).expand(3, -1, -1))
        return same, per_model
    both(scenario, arr(5, 4))


def test_cnn_pieces_batched():
    def scenario(lib, x, w, b):
        F = lib.nn.functional

        def f(xi, w):
            h = F.conv2d(xi, w, b, padding=1).relu()
            return F.max_pool2d(h, 2).flatten(1).log_softmax(-1)
        return (lib.func.vmap(f, in_dims=(0, None))(x, w),
                lib.func.vmap(f, in_dims=(None, 0))(x[0], w.unsqueeze(0).expand(2, -1, -1, -1,
                                                                                  -1) * 2))
    both(scenario, arr(2, 3, 2, 6, 6), arr(4, 2, 3, 3), arr(4))


# ---- randomness -------------------------------------------------------------------------------
def test_randomness_error():
    errors_match(lambda lib, x: lib.func.vmap(lambda r: r + lib.rand(3))(x), arr(2, 3))
    errors_match(lambda lib, x: lib.func.vmap(
        lambda r: lib.nn.functional.dropout(r, 0.5))(x), arr(2, 3))


def test_randomness_different_and_same():
    x = ember.zeros(4, 3)
    F = ember.func
    diff = F.vmap(lambda r: r + ember.rand(3), randomness="different")(x)
    same = F.vmap(lambda r: r + ember.rand(3), randomness="same")(x)
    drop = F.vmap(lambda r: ember.nn.functional.dropout(r + 1, 0.5), randomness="different")(
        ember.zeros(64, 32))
    assert diff.shape == same.shape == (4, 3)
    assert not bool((diff[0] == diff[1]).all())
    assert bool((same == same[0]).all())
    assert set(np.unique(drop.numpy())) <= {0.0, 2.0}
    assert not bool((drop[0] == drop[1]).all())
    x = ember.rand(4, 3) + 1
    same_like = F.vmap(lambda r: r * ember.rand_like(r), randomness="same")(x)
    same_drop = F.vmap(lambda r: ember.nn.functional.dropout(r, 0.5), randomness="same")(x)
    ratio = (same_like / x).numpy()
    np.testing.assert_allclose(ratio, np.broadcast_to(ratio[0], ratio.shape), rtol=1e-6)
    assert bool(((same_drop == 0) == (same_drop[0] == 0)).all())
    assert bool(((same_drop == 0) | (same_drop == 2 * x)).all())


_RANDOM_CASES = {
    "rand_like": lambda L: lambda x: L.rand_like(x),
    "randn": lambda L: lambda x: L.randn(16) + x,
    "dropout": lambda L: lambda x: L.nn.functional.dropout(x + 1, 0.5),
    "bernoulli(p)": lambda L: lambda x: L.bernoulli(x * 0 + 0.5),
    "bernoulli_": lambda L: lambda x: (x * 0).bernoulli_(0.5),
    "normal_": lambda L: lambda x: (x * 0).normal_(),
    "uniform_": lambda L: lambda x: (x * 0).uniform_(),
    "normal(mean)": lambda L: lambda x: L.normal(x, 1.0),
    "randint": lambda L: lambda x: L.randint(10, (16,)) + x.long(),
    "randperm": lambda L: lambda x: L.randperm(16) + x.long(),
    "multinomial": lambda L: lambda x: L.multinomial(x.abs() + 0.1, 8),
    "unbatched rand_like": lambda L: lambda x: L.rand_like(L.ones(16)) + x,
    "unbatched normal_": lambda L: lambda x: L.zeros(16).normal_() + x,
    "poisson": lambda L: lambda x: L.poisson(x.abs() + 1),
    "rrelu": lambda L: lambda x: L.nn.functional.rrelu(x - 1, training=True),
    "rrelu eval": lambda L: lambda x: L.nn.functional.rrelu(x - 1),
}


def _random_outcome(lib, case, mode):
    """torch's error, or the result's shape and whether every sample drew the same."""
    try:
        out = lib.func.vmap(_RANDOM_CASES[case](lib), randomness=mode)(lib.zeros(4, 16))
    except RuntimeError as exc:
        return str(exc).splitlines()[0]
    return tuple(out.shape), bool((out == out[0]).all())


@pytest.mark.parametrize("mode", ["error", "different", "same"])
@pytest.mark.parametrize("case", list(_RANDOM_CASES))
def test_random_ops_in_each_randomness_mode(case, mode):
    assert _random_outcome(ember, case, mode) == _random_outcome(torch, case, mode)


# ---- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", [
    lambda lib, x: lib.func.vmap(lambda a: a, in_dims=2)(x),
    lambda lib, x: lib.func.vmap(lambda a: a, in_dims=None)(x),
    lambda lib, x: lib.func.vmap(lambda a: a, in_dims="a")(x),
    lambda lib, x: lib.func.vmap(lambda a: a, in_dims=(0, 0))(x),
    lambda lib, x: lib.func.vmap(lambda a, n: a, in_dims=(0, 0))(x, 3),
    lambda lib, x: lib.func.vmap(lambda a, b: a + b)(x, x.T),
    lambda lib, x: lib.func.vmap(lambda a: a, in_dims=(None,))(x),
    lambda lib, x: lib.func.vmap(lambda a: 3)(x),
    lambda lib, x: lib.func.vmap(lambda a: a)(),
    lambda lib, x: lib.func.vmap(lambda a: a, randomness="x")(x),
    lambda lib, x: lib.func.vmap(lambda a: a, chunk_size=0)(x),
    lambda lib, x: lib.func.vmap(lambda a: a.item())(x),
    lambda lib, x: lib.func.vmap(lambda a: a.sum() > 0 and a)(x),
    lambda lib, x: lib.func.vmap(lambda a: a.nonzero())(x),
    lambda lib, x: lib.func.vmap(lambda a: lib.add(a, a, out=a))(x),
    lambda lib, x: lib.func.vmap(lambda a: lib.zeros(4).add_(a))(x),
    lambda lib, x: lib.func.vmap(lambda a: a.sum(5))(x),
    lambda lib, x: lib.func.vmap(lambda a: a @ lib.ones(3))(x),
])
def test_errors_match_torch(scenario):
    errors_match(scenario, arr(3, 4))


def test_missing_rule_names_the_op():
    with pytest.raises(RuntimeError,
                       match=r"^Batching rule not implemented for aten::as_strided\."):
        ember.func.vmap(lambda a: a.as_strided((2,), (2,)))(ember.ones(2, 2))


def test_bindings_restored_after_vmap_even_on_error():
    with pytest.raises(RuntimeError):
        ember.func.vmap(lambda a: a.item())(ember.ones(2))
    assert "vmap" not in _bindings._active and not ember.func._vmap.levels
    assert _bindings.original(ember.Tensor.sin) is OPS["sin"].fn      # (another layer, e.g.
    assert _bindings.original(ember.sin) is OPS["sin"].fn             # __torch_function__, may be on)


def test_batched_tensor_repr_and_metadata():
    seen = {}

    def f(a):
        seen.update(shape=tuple(a.shape), dim=a.dim(), n=len(a), r=repr(a))
        return a
    ember.func.vmap(f, in_dims=1)(ember.ones(3, 5))
    assert seen["shape"] == (3,) and seen["dim"] == 1 and seen["n"] == 3
    assert seen["r"].startswith("BatchedTensor(lvl=1, bdim=0, value=")


# ---- examples --------------------------------------------------------------------------------
def test_example_per_sample_grads_equal_torchs_loop_of_backward_passes():
    from ember.examples import per_sample_grads as ex
    ember.manual_seed(0)
    model = ex.SmallCNN()
    x, y = arr(6, 1, 16, 16, dtype=np.float32), RNG.integers(0, 10, 6)
    got = ex.per_sample_grads(model, ember.from_numpy(x), ember.from_numpy(y))

    class TorchCNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = torch.nn.Conv2d(1, 8, 3), torch.nn.Conv2d(8, 16, 3)
            self.fc = torch.nn.Linear(400, 10)

        def forward(self, x):
            x = torch.nn.functional.max_pool2d(self.conv1(x).relu(), 2)
            return self.fc(self.conv2(x).relu().flatten(1))
    ref = TorchCNN()
    ref.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy())
                         for k, v in model.state_dict().items()})
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for i in range(6):
        ref.zero_grad()
        torch.nn.functional.cross_entropy(ref(xt[i:i + 1]), yt[i:i + 1]).backward()
        for k, p in ref.named_parameters():
            np.testing.assert_allclose(got[k][i].numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-6)
    loop = ex.looped_grads(model, ember.from_numpy(x), ember.from_numpy(y))
    for k in got:
        np.testing.assert_allclose(got[k].numpy(), loop[k].numpy(), rtol=1e-5, atol=1e-7)


def test_docs_list_the_ops_without_a_rule():
    import pathlib
    import re
    text = (pathlib.Path(__file__).parents[1] / "docs" / "func.md").read_text()
    block = re.search(r"No rule \((\d+)\): (.*?)\.\n", text, re.S)
    listed = re.findall(r"`(\w+)`", block.group(2))
    assert listed == ember.func._vmap.no_rule_ops() and int(block.group(1)) == len(listed)


# ---- nn functions and modules ------------------------------------------------------------------
def _F(lib):
    return lib.nn.functional


@pytest.mark.parametrize("f, shapes", [
    (lambda L, x: _F(L).avg_pool2d(x, 2), [(3, 2, 4, 6, 6)]),
    (lambda L, x: _F(L).avg_pool2d(x, 2), [(3, 4, 6, 6)]),
    (lambda L, x: _F(L).avg_pool3d(x, 2), [(3, 2, 2, 4, 4, 4)]),
    (lambda L, x: _F(L).max_pool3d(x, 2), [(3, 2, 2, 4, 4, 4)]),
    (lambda L, x: _F(L).adaptive_avg_pool2d(x, 3), [(3, 2, 4, 6, 6)]),
    (lambda L, x: _F(L).adaptive_max_pool2d(x, 3), [(3, 2, 4, 6, 6)]),
    (lambda L, x: _F(L).lp_pool2d(x.abs(), 2, 2), [(3, 2, 4, 6, 6)]),
    (lambda L, x: _F(L).interpolate(x, size=(7, 3), mode="bilinear"), [(3, 2, 4, 5, 5)]),
    (lambda L, x: _F(L).interpolate(x, scale_factor=2), [(3, 2, 4, 5, 5)]),
    (lambda L, x: _F(L).pad(x, (1, 2, 1, 1), mode="reflect"), [(3, 2, 4, 5, 5)]),
    (lambda L, x: _F(L).pad(x, (1, 2), value=3.0), [(3, 2, 4, 5)]),
    (lambda L, x: _F(L).unfold(x, 2), [(3, 2, 3, 5, 5)]),
    (lambda L, x: _F(L).fold(x, (4, 4), 2), [(3, 2, 12, 9)]),
    (lambda L, q, k, v: _F(L).scaled_dot_product_attention(q, k, v),
     [(3, 2, 5, 4), (3, 2, 6, 4), (3, 2, 6, 4)]),
    (lambda L, x: _F(L).instance_norm(x), [(3, 2, 4, 5, 5)]),
    (lambda L, x, y: _F(L).kl_div(x.log_softmax(-1), y.softmax(-1), reduction="batchmean"),
     [(3, 4, 5), (3, 4, 5)]),
    (lambda L, x, y: _F(L).cross_entropy(x, y.softmax(-1)), [(3, 4, 5), (3, 4, 5)]),
    (lambda L, x: _F(L).relu(x * 1, inplace=True), [(3, 4)]),
    (lambda L, x: _F(L).dropout(x, 0.5, training=False), [(3, 4)]),
    (lambda L, x: x.clone().index_fill_(0, L.tensor([1]), 0.0), [(3, 4, 5)]),
    (lambda L, x: x[L.tensor([0, 2]), 1:] + x[0, None, 1:] * x[..., -1:, 2], [(3, 4, 5)]),
])
def test_nn_functions(f, shapes):
    def scenario(lib, *xs):
        return lib.func.vmap(lambda *a: f(lib, *a))(*xs)
    both(scenario, *[arr(*s, dtype=np.float32) for s in shapes], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build, shape, train", [
    (lambda L: L.nn.Sequential(L.nn.Conv2d(3, 4, 3), L.nn.BatchNorm2d(4), L.nn.ReLU()),
     (5, 2, 3, 8, 8), False),
    (lambda L: L.nn.Sequential(L.nn.Conv2d(3, 4, 3), L.nn.BatchNorm2d(4), L.nn.ReLU()),
     (5, 2, 3, 8, 8), True),
    (lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True),
     (4, 3, 5, 8), False),
])
def test_modules(build, shape, train):
    x = arr(*shape, dtype=np.float32)
    state = {}

    def scenario(lib, x):
        lib.manual_seed(0)
        m = build(lib)
        lib.func.replace_all_batch_norm_modules_(m)
        if not state:
            state.update({k: v.detach().numpy().copy() for k, v in m.state_dict().items()})
        m.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
        m.train(train)
        return lib.func.vmap(m)(x)
    both(scenario, x, rtol=1e-5, atol=1e-5)


def test_torch_vmap_alias():
    assert torch.vmap is torch.func.vmap
    assert ember.vmap is ember.func.vmap


@pytest.mark.parametrize("f", [
    lambda L, a: a[L.tensor([0, 2, 2])].sum(0),                        # index_put_ backward
    lambda L, a: a.max(1).values * a.sort(1).values[:, 0],             # raw-data backwards
    lambda L, a: L.nn.functional.cross_entropy(a, L.tensor([0, 1, 2, 3])).reshape(1),
    lambda L, a: L.nn.functional.max_pool1d(a.unsqueeze(0), 2),
    lambda L, a: a.gather(1, L.tensor([[0, 1]] * 4)).cumprod(1).softmax(0),
    lambda L, a: L.linalg.inv(a[:, :4] + 4 * L.eye(4, dtype=a.dtype)) @ a,
])
def test_jacrev_batched_backward_or_row_fallback(f):
    """jacrev batches the backward formulas; a graph with one that has no batched form (it
    computes on raw data) falls back to one backward pass per row: torch's values either way."""
    def scenario(lib, x):
        return lib.func.jacrev(lambda a: f(lib, a))(x), lib.func.vmap(
            lib.func.jacrev(lambda a: f(lib, a)))(x.unsqueeze(0).expand(2, -1, -1) * 2)
    both(scenario, arr(4, 5))


@pytest.mark.slow
def test_example_per_sample_grads_at_least_5x_faster_than_the_loop():
    from ember.examples import per_sample_grads as ex
    result = ex.main(batch=64, repeat=5)     # best of 5 of each, in CPU time
    assert result["error"] < 1e-4 and result["speedup"] >= 5, result["speedup"]
