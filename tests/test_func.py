"""ember.func against torch.func: the reverse-mode transforms (grad, grad_and_value, vjp,
jacrev, hessian), functional_call / stack_module_state, and the transforms that raise until
Ember has vmap and forward-mode AD. Each scenario runs with torch and with ember on the same
inputs (tests/_autograd_compare.py); results, flags and exceptions must agree."""
import warnings

import numpy as np
import pytest

import ember
from tests._autograd_compare import compare

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)
A = _RNG.standard_normal((3, 4))
B = _RNG.standard_normal((4,))
C = _RNG.standard_normal((2, 3))


def _t(T, arr, dtype="float32", requires_grad=False):
    return T.tensor(arr, dtype=getattr(T, dtype), requires_grad=requires_grad)


def _init(module, T, seed=1):
    """Give ``module`` the same parameter values under torch and ember."""
    rng = np.random.default_rng(seed)
    with T.no_grad():
        for p in module.parameters():
            p.copy_(T.tensor(rng.standard_normal(tuple(p.shape)) * 0.5, dtype=p.dtype))
    return module


def _mlp(T):
    return _init(T.nn.Sequential(T.nn.Linear(4, 5), T.nn.Tanh(), T.nn.Linear(5, 2)), T)


# ---- grad / grad_and_value ------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_grad_values_and_flags(dtype, requires_grad):
    def scenario(T):
        x = _t(T, A, dtype, requires_grad)
        g = T.func.grad(lambda x: (x.sin() * x).sum())(x)
        return g, g.requires_grad, g.grad_fn is None
    compare(scenario, rtol=1e-5, atol=1e-6)


def test_grad_result_is_differentiable_outside():
    def scenario(T):
        x = _t(T, B, "float64", True)
        g = T.func.grad(lambda x: (x ** 3).sum())(x)
        g.sum().backward()
        return g, x.grad
    compare(scenario)


@pytest.mark.parametrize("closure", ["leaf", "non_leaf", "none"])
def test_grad_keeps_graph_to_closed_over_tensors(closure):
    """A gradient penalty: grad w.r.t. the input, then backward into the weights."""
    def scenario(T):
        w = _t(T, B, "float64", closure != "none")
        u = w * 2 if closure == "non_leaf" else w
        x = _t(T, A, "float64")
        g = T.func.grad(lambda x: (x @ u).tanh().sum())(x)
        out, fn = T.func.vjp(lambda x: (x @ u).sin(), x)
        flags = (g.requires_grad, out.requires_grad, fn(T.ones(3))[0].requires_grad)
        if closure != "none":
            (g.pow(2).sum() + fn(T.ones(3))[0].sum()).backward()
        return g, out, flags, w.grad
    compare(scenario)


def test_grad_under_no_grad_is_detached():
    def scenario(T):
        x = _t(T, B, "float64", True)
        with T.no_grad():
            g = T.func.grad(lambda x: (x ** 3).sum())(x)
        return g, g.requires_grad
    compare(scenario)


@pytest.mark.parametrize("argnums", [0, 1, -1, (0, 1), (1, 0), (-2,)])
def test_grad_argnums(argnums):
    def scenario(T):
        x, y = _t(T, A, "float64"), _t(T, B, "float64")
        return T.func.grad(lambda x, y, scale=1.0: ((x @ y).tanh() * scale).sum(),
                           argnums=argnums)(x, y, scale=2.0)
    compare(scenario)


def test_grad_pytree_inputs():
    def scenario(T):
        tree = {"w": _t(T, A, "float64"), "bs": [_t(T, B, "float64"), _t(T, C, "float64")]}

        def f(tree, x):
            return (x @ tree["w"] + tree["bs"][0]).exp().sum() + tree["bs"][1].pow(2).sum()
        return T.func.grad(f)(tree, _t(T, C, "float64"))
    compare(scenario)


def test_grad_and_value_has_aux():
    def scenario(T):
        x = _t(T, A)

        def f(x):
            y = x.cos()
            return y.sum(), {"y": y, "pair": (x, y * 2)}
        g, (value, aux) = T.func.grad_and_value(f, has_aux=True)(x)
        g2, aux2 = T.func.grad(f, has_aux=True)(x)
        return g, value, aux, g2, aux2, value.requires_grad, aux["y"].requires_grad
    compare(scenario)


@pytest.mark.parametrize("transform", ["grad", "vjp", "jacrev"])
@pytest.mark.parametrize("aux", [3, None])
def test_aux_must_hold_tensors(transform, aux):
    def scenario(T):
        f = lambda x: (x.sum(), {"a": x, "b": aux})  # noqa: E731
        if transform == "vjp":
            return T.func.vjp(f, _t(T, B), has_aux=True)
        return getattr(T.func, transform)(f, has_aux=True)(_t(T, B))
    compare(scenario)


def test_grad_of_unused_input_is_zero():
    compare(lambda T: T.func.grad(lambda x, y: (y * 2).sum(), argnums=(0, 1))(
        _t(T, B), _t(T, B)))


def test_nested_grad():
    def scenario(T):
        x = _t(T, B, "float64")
        d1 = T.func.grad(lambda x: (x.sin() * x ** 2).sum())
        d2 = T.func.grad(lambda x: d1(x).sum())
        d3 = T.func.grad(lambda x: d2(x).sum())
        return d1(x), d2(x), d3(x)
    compare(scenario)


def test_nested_grad_closing_over_outer_input():
    def scenario(T):
        x, y = _t(T, B, "float64"), _t(T, B[::-1].copy(), "float64")
        inner = lambda x: T.func.grad(lambda y: (x * y.exp()).sum())(y)  # noqa: E731
        return T.func.grad(lambda x: (inner(x) * x).sum())(x)
    compare(scenario)


def test_hessian_vector_product_by_grad_of_grad():
    def scenario(T):
        x, v = _t(T, A, "float64"), _t(T, A[::-1].copy(), "float64")
        f = lambda x: (x.tanh() ** 2).sum()  # noqa: E731
        return T.func.grad(lambda x: (T.func.grad(f)(x) * v).sum())(x)
    compare(scenario)


@pytest.mark.parametrize("case", ["vector", "not_tensor", "aux_not_pair", "argnums_list",
                                  "argnum_range", "argnums_empty", "argnums_repeated",
                                  "argnum_type", "input_not_tensor", "int_input"])
def test_grad_errors(case):
    def scenario(T):
        x = _t(T, B)
        calls = {
            "vector": lambda: T.func.grad(lambda x: x * 2)(x),
            "not_tensor": lambda: T.func.grad(lambda x: 1.0)(x),
            "aux_not_pair": lambda: T.func.grad(lambda x: x.sum(), has_aux=True)(x),
            "argnums_list": lambda: T.func.grad(lambda x: x.sum(), argnums=[0])(x),
            "argnum_range": lambda: T.func.grad(lambda x: x.sum(), argnums=2)(x),
            "argnums_empty": lambda: T.func.grad(lambda x: x.sum(), argnums=())(x),
            "argnums_repeated": lambda: T.func.grad(lambda x, y: x.sum(), argnums=(0, -2))(x, x),
            "argnum_type": lambda: T.func.grad(lambda x: x.sum(), argnums=(0.0,))(x),
            "input_not_tensor": lambda: T.func.grad(lambda x: x.sum())(3.0),
            "int_input": lambda: T.func.grad(lambda x: x.sum())(T.tensor([1, 2])),
        }
        return calls[case]()
    compare(scenario)


# ---- vjp ------------------------------------------------------------------------------------
@pytest.mark.parametrize("requires_grad", [False, True])
def test_vjp(requires_grad):
    def scenario(T):
        x, y = _t(T, A, "float64", requires_grad), _t(T, B, "float64")
        out, fn = T.func.vjp(lambda x, y: {"a": x @ y, "b": (x.exp(),)}, x, y)
        ct = {"a": _t(T, A[:, 0].copy(), "float64"), "b": (_t(T, A * 2, "float64"),)}
        grads = fn(ct)
        return out, grads, grads[0].requires_grad, out["a"].requires_grad
    compare(scenario)


def test_vjp_has_aux_and_errors():
    def scenario(T):
        x = _t(T, B)
        out, fn, aux = T.func.vjp(lambda x: (x.sin(), x.cos()), x, has_aux=True)
        return out, fn(T.ones(4)), aux
    compare(scenario)
    compare(lambda T: T.func.vjp(lambda x: x.sin(), _t(T, B))[1]((T.ones(4),)))
    compare(lambda T: T.func.vjp(lambda x: x.long(), _t(T, B)))
    compare(lambda T: T.func.vjp(lambda x: (x, 3), _t(T, B)))
    compare(lambda T: T.func.vjp(lambda x: x, _t(T, B), has_aux=True))
    compare(lambda T: T.func.vjp(lambda x: (), _t(T, B)))


# ---- jacrev / hessian -----------------------------------------------------------------------
@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_jacrev(argnums):
    def scenario(T):
        x, y = _t(T, A, "float64"), _t(T, B, "float64")
        return T.func.jacrev(lambda x, y: {"mv": (x @ y).sin(), "s": (x * 2).sum()},
                             argnums=argnums)(x, y)
    compare(scenario)


def test_jacrev_has_aux_pytree_input_and_errors():
    def scenario(T):
        tree = (_t(T, B), [_t(T, C)])
        return T.func.jacrev(lambda t: (t[0] * t[1][0].sum(), t[0].sum()), has_aux=True)(tree)
    compare(scenario)
    compare(lambda T: T.func.jacrev(lambda x: x, chunk_size=0))
    compare(lambda T: T.func.jacrev(lambda x: x)(_t(T, B).to(T.complex64)))
    compare(lambda T: T.func.jacrev(lambda x: 3)(_t(T, B)))


@pytest.mark.parametrize("argnums", [0, (0, 1)])
def test_hessian(argnums):
    def scenario(T):
        x, y = _t(T, B, "float64"), _t(T, C, "float64")
        return T.func.hessian(lambda x, y: (x.sin() ** 2).sum() * y.pow(3).sum(),
                              argnums=argnums)(x, y)
    compare(scenario)


def test_hessian_of_mlp_loss_wrt_input():
    def scenario(T):
        model = _mlp(T)
        return T.func.hessian(lambda x: model(x).pow(2).sum())(_t(T, B))
    compare(scenario, rtol=1e-4, atol=1e-5)


# ---- functional_call ------------------------------------------------------------------------
def test_functional_call_mlp_per_parameter_grads():
    def scenario(T):
        model = _mlp(T)
        params = {k: v.detach() * 1.5 for k, v in model.named_parameters()}
        x, target = _t(T, C[:, :2].repeat(2, axis=1)), _t(T, C[:, 1:])

        def loss(params, x, target):
            return T.nn.functional.mse_loss(T.func.functional_call(model, params, (x,)), target)
        g, value = T.func.grad_and_value(loss)(params, x, target)
        untouched = [p.detach().clone() for p in model.parameters()]
        return g, value, untouched, g["0.weight"].requires_grad
    compare(scenario, rtol=1e-5, atol=1e-6)


def test_functional_call_with_parameters_that_require_grad():
    def scenario(T):
        model = _mlp(T)
        params = dict(model.named_parameters())
        g = T.func.grad(lambda p, x: T.func.functional_call(model, p, x).sum())(params,
                                                                                _t(T, C[:, :2].repeat(2, axis=1)))
        return g, g["2.bias"].requires_grad
    compare(scenario)


def test_functional_call_buffers_and_several_dicts():
    def scenario(T):
        bn = T.nn.BatchNorm1d(3)
        params = {"weight": _t(T, B[:3]), "bias": _t(T, C[0])}
        buffers = {"running_mean": T.zeros(3), "running_var": T.ones(3),
                   "num_batches_tracked": T.tensor(0)}
        out = T.func.functional_call(bn, (params, buffers), _t(T, A[:, :3]))
        return out, buffers, bn.running_mean, bn.weight.detach()
    compare(scenario)


def test_functional_call_kwargs_and_args_forms():
    def scenario(T):
        class M(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = T.nn.Parameter(T.ones(4))

            def forward(self, x, y=None, scale=1.0):
                return (x * self.w + (0 if y is None else y)) * scale
        m = M()
        p = {"w": _t(T, B)}
        return (T.func.functional_call(m, p, _t(T, B)),
                T.func.functional_call(m, p, (_t(T, B), _t(T, B)), {"scale": 3.0}),
                T.func.functional_call(m, p, args=(_t(T, B),), kwargs={"y": T.ones(4)}))
    compare(scenario)


def _tied(T):
    class Tied(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = T.nn.Linear(3, 3, bias=False)
            self.dec = T.nn.Linear(3, 3, bias=False)
            self.dec.weight = self.enc.weight

        def forward(self, x):
            return self.dec(self.enc(x))
    return _init(Tied(), T)


@pytest.mark.parametrize("tie_weights", [True, False])
def test_functional_call_tied_weights(tie_weights):
    def scenario(T):
        m, x = _tied(T), _t(T, C)
        w = _t(T, A[:, :3])
        one = T.func.functional_call(m, {"enc.weight": w}, x, tie_weights=tie_weights)
        both = T.func.functional_call(m, {"enc.weight": w, "dec.weight": w}, x,
                                      tie_weights=tie_weights)
        g = T.func.grad(lambda w: T.func.functional_call(
            m, {"enc.weight": w}, x, tie_weights=tie_weights).sum())(w)
        return one, both, g
    compare(scenario)


def test_functional_call_tied_weights_conflict():
    compare(lambda T: T.func.functional_call(
        _tied(T), {"enc.weight": T.ones(3, 3), "dec.weight": T.zeros(3, 3)}, _t(T, C)))
    compare(lambda T: T.func.functional_call(
        _tied(T), {"enc.weight": T.ones(3, 3), "dec.weight": T.zeros(3, 3)}, _t(T, C),
        tie_weights=False))


@pytest.mark.parametrize("keys", [["0.weight"], ["0.weight", "0.bias", "2.weight", "2.bias",
                                                 "extra"], ["extra"]])
def test_functional_call_strict(keys):
    def scenario(T):
        model = _mlp(T)
        params = dict(model.named_parameters())
        given = {k: params.get(k, T.ones(1)) for k in keys}
        return T.func.functional_call(model, given, T.ones(1, 4), strict=True)
    compare(scenario)


def test_functional_call_restores_on_exception():
    def scenario(T):
        model = _mlp(T)
        before = {k: v for k, v in model.named_parameters()}
        with pytest.raises(RuntimeError):
            T.func.functional_call(model, {"0.weight": T.ones(5, 3)}, T.ones(1, 4))
        return [model.get_parameter(k) is v for k, v in before.items()]
    compare(scenario)


@pytest.mark.parametrize("dicts", ["repeated", "not_dicts", "not_a_dict"])
def test_functional_call_dict_errors(dicts):
    def scenario(T):
        model = _mlp(T)
        arg = {"repeated": ({"0.bias": T.ones(5)}, {"0.bias": T.ones(5)}),
               "not_dicts": ({"0.bias": T.ones(5)}, 3), "not_a_dict": 3}[dicts]
        return T.func.functional_call(model, arg, T.ones(1, 4))
    compare(scenario)


def test_functional_call_writes_reassigned_tensors_back():
    def scenario(T):
        class Counter(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("n", T.zeros(()))

            def forward(self, x):
                self.n = self.n + 1
                return x + self.n
        m = Counter()
        given = {"n": T.tensor(5.0)}
        out = T.func.functional_call(m, given, T.ones(2))
        return out, given["n"], m.n
    compare(scenario)


def test_stateless_functional_call_warns_and_matches():
    def scenario(T):
        model = _mlp(T)
        params = {k: v * 0.5 for k, v in model.named_parameters()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from importlib import import_module
            stateless = import_module(T.__name__ + ".nn.utils.stateless")
            out = stateless.functional_call(model, params, (T.ones(2, 4),))
        return out, [(w.category.__name__, str(w.message)) for w in caught]
    compare(scenario)


# ---- stack_module_state ---------------------------------------------------------------------
def test_stack_module_state():
    def scenario(T):
        models = [_init(T.nn.Sequential(T.nn.Linear(3, 2), T.nn.BatchNorm1d(2)), T, seed=s)
                  for s in range(3)]
        models[0][0].bias.requires_grad_(True)
        params, buffers = T.func.stack_module_state(models)
        flags = {k: (v.requires_grad, v.is_leaf) for k, v in {**params, **buffers}.items()}
        x = _t(T, C)
        outs = [T.func.functional_call(models[0], ({k: v[i] for k, v in params.items()},
                                                   {k: v[i] for k, v in buffers.items()}), x)
                for i in range(3)]
        return params, buffers, flags, outs
    compare(scenario)


@pytest.mark.parametrize("case", ["empty", "mode", "class", "requires_grad"])
def test_stack_module_state_errors(case):
    def scenario(T):
        a, b = T.nn.Linear(2, 2), T.nn.Linear(2, 2)
        if case == "mode":
            b.eval()
        if case == "requires_grad":
            b.bias.requires_grad_(False)
        models = {"empty": [], "class": [a, T.nn.Bilinear(2, 2, 2)]}.get(case, [a, b])
        return T.func.stack_module_state(models)
    compare(scenario)


def test_replace_all_batch_norm_modules_():
    def scenario(T):
        root = T.nn.Sequential(T.nn.BatchNorm1d(2), T.nn.InstanceNorm1d(2, track_running_stats=True),
                               T.nn.Sequential(T.nn.BatchNorm2d(2)))
        assert T.func.replace_all_batch_norm_modules_(root) is root
        return [(m.track_running_stats, m.running_mean, sorted(dict(m.named_buffers())))
                for m in root.modules() if hasattr(m, "track_running_stats")]
    compare(scenario)


def test_module_paths():
    """The names torch.func exports, and the private paths libraries import them from."""
    import importlib
    assert sorted(ember.func.__all__) == sorted(torch.func.__all__)
    for path, names in [("_functorch.apis", ["grad", "grad_and_value", "vmap"]),
                        ("_functorch.eager_transforms", ["vjp", "jacrev", "hessian", "jvp"]),
                        ("_functorch.functional_call", ["functional_call",
                                                        "stack_module_state"])]:
        module = importlib.import_module("ember." + path)
        for name in names:
            assert getattr(module, name) is getattr(ember.func, name)
            assert hasattr(importlib.import_module("torch." + path), name)
    assert hasattr(ember.nn.utils.stateless, "functional_call")
    assert ember.func.debug_unwrap(t := ember.ones(2)) is t


# ---- autograd.functional: vectorize / forward-mode ------------------------------------------
_AF_CASES = [("jacobian", dict(strategy="bad")), ("jacobian", dict(strategy="forward-mode")),
             ("jacobian", dict(strategy="forward-mode", create_graph=True)),
             ("jacobian", dict(vectorize=True, strict=True)),
             ("hessian", dict(outer_jacobian_strategy="bad")),
             ("hessian", dict(outer_jacobian_strategy="forward-mode")),
             ("hessian", dict(outer_jacobian_strategy="forward-mode", vectorize=True,
                              create_graph=True))]


@pytest.mark.parametrize("fn, kwargs", _AF_CASES)
def test_autograd_functional_errors_as_torch(fn, kwargs):
    def scenario(T):
        from importlib import import_module
        af = import_module(T.__name__ + ".autograd.functional")
        f = (lambda x: x ** 2) if fn == "jacobian" else (lambda x: (x ** 3).sum())
        return getattr(af, fn)(f, _t(T, B), **kwargs)
    compare(scenario)


@pytest.mark.parametrize("fn, kwargs", [
    ("jacobian", dict(strategy="forward-mode", vectorize=True)),
    ("hessian", dict(outer_jacobian_strategy="forward-mode", vectorize=True)),
])
def test_autograd_functional_forward_mode_gives_torchs_values(fn, kwargs):
    def scenario(T):
        f = (lambda x: x.sin() * x) if fn == "jacobian" else (lambda x: (x ** 3).sum())
        return getattr(T.autograd.functional, fn)(f, _t(T, B), **kwargs).detach()
    compare(scenario)


def test_autograd_functional_forward_mode_tuples():
    """Tuple inputs and outputs give torch's list of lists."""
    def scenario(T):
        def f(a, b):
            return a.sin().sum() * b, b.exp()
        jac = T.autograd.functional.jacobian(f, (_t(T, B), _t(T, B)[:2]), vectorize=True,
                                             strategy="forward-mode")
        assert isinstance(jac, list) and all(isinstance(row, list) for row in jac)
        return tuple(tuple(row) for row in jac)
    compare(scenario)


@pytest.mark.parametrize("fn", ["jacobian", "hessian"])
def test_autograd_functional_vectorize_gives_torchs_values(fn):
    def scenario(T):
        f = (lambda x: x.sin() * x) if fn == "jacobian" else (lambda x: (x ** 3).sum())
        return getattr(T.autograd.functional, fn)(f, _t(T, B), vectorize=True)
    compare(scenario)


# ---- the example ----------------------------------------------------------------------------
def test_example_ensemble_and_hvp_matches_torch_func():
    from ember.examples import ensemble_and_hvp
    out = ensemble_and_hvp.main(members=2)
    before, after = out["losses"]
    assert after < 0.2 * before
    t = {k: torch.tensor(out[k].numpy()) for k in ("x", "y")}
    params, v = ({k: torch.tensor(p.numpy()) for k, p in out[name].items()}
                 for name in ("params", "v"))
    model = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))

    def loss(p):
        return torch.nn.functional.mse_loss(torch.func.functional_call(model, p, t["x"]), t["y"])
    def grad_dot_v(p):
        g = torch.func.grad(loss)(p)
        return sum((g[k] * v[k]).sum() for k in g)
    hv = torch.func.grad(grad_dot_v)(params)
    for k in hv:
        np.testing.assert_allclose(out["hv"][k].numpy(), hv[k].numpy(), rtol=1e-4, atol=1e-5)
