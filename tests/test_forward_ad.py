"""Forward-mode AD (``ember.autograd.forward_ad``) and the forward transforms of ``ember.func``
(jvp, jacfwd, linearize, hessian), each scenario run with torch 2.13 and with ember on the
same inputs: values, tangents, dtypes, shapes, ``requires_grad`` and errors are compared.
The per-op rules are checked op by op in ``test_forward_ad_oracle.py``."""
import importlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402

_RNG = np.random.default_rng(16)
X = _RNG.standard_normal((3, 4))
V = _RNG.standard_normal((3, 4))
W = _RNG.standard_normal((4, 2))


def _t(T, arr, dtype="float64", requires_grad=False):
    return T.tensor(arr, dtype=getattr(T, dtype), requires_grad=requires_grad)


def _fwad(T):
    return importlib.import_module(T.__name__ + ".autograd.forward_ad")


def _run(scenario, T):
    try:
        return scenario(T), None
    except Exception as exc:  # noqa: BLE001 - compared below
        return None, exc


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [y for e in x for y in _leaves(e)]
    if isinstance(x, dict):
        return [y for k in sorted(x) for y in _leaves(x[k])]
    return [x]


def compare(scenario, rtol=1e-6, atol=1e-8):
    t_out, t_exc = _run(scenario, torch)
    e_out, e_exc = _run(scenario, ember)
    if t_exc is not None or e_exc is not None:
        assert type(e_exc) is type(t_exc), (t_exc, e_exc)
        assert str(e_exc).splitlines()[0] == str(t_exc).splitlines()[0]
        return
    tl, el = _leaves(t_out), _leaves(e_out)
    assert len(tl) == len(el)
    for t, e in zip(tl, el):
        if t is None or isinstance(t, (bool, int, float, str)):
            assert e == t
            continue
        assert isinstance(e, ember.Tensor), type(e)
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        assert e.requires_grad == t.requires_grad
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def _dual_scenario(f, x=X, v=V, requires_grad=False):
    def scenario(T):
        fw = _fwad(T)
        with fw.dual_level():
            d = fw.make_dual(_t(T, x, requires_grad=requires_grad), _t(T, v))
            out = f(T, d)
            return [tuple(fw.unpack_dual(o)) for o in _leaves(out)]
    return scenario


# ---- the dual-tensor API -------------------------------------------------------------------
def test_levels_and_unpack():
    def scenario(T):
        fw = _fwad(T)
        x, v = _t(T, X), _t(T, V)
        with fw.dual_level() as level:
            d = fw.make_dual(x, v)
            p, t = fw.unpack_dual(d)
            inside = (level, d._base is x, t is v, p.requires_grad, d.requires_grad,
                      type(fw.unpack_dual(d)).__name__, fw.unpack_dual(x).tangent)
        return inside + tuple(fw.unpack_dual(d)) + (p,)
    compare(scenario)


@pytest.mark.parametrize("case", ["nested", "no_level", "int_primal", "int_tangent", "twice",
                                  "size", "exit_wrong", "unpack_outside"])
def test_api_errors(case):
    def scenario(T):
        fw = _fwad(T)
        x, v = _t(T, X), _t(T, V)
        if case == "no_level":
            return fw.make_dual(x, v)
        if case == "unpack_outside":
            return tuple(fw.unpack_dual(x))
        with fw.dual_level():
            if case == "nested":
                fw.enter_dual_level()
            if case == "int_primal":
                fw.make_dual(x.long(), v)
            if case == "int_tangent":
                fw.make_dual(x, v.long())
            if case == "twice":
                fw.make_dual(fw.make_dual(x, v), v)
            if case == "size":
                fw.make_dual(x, v[:2])
            if case == "exit_wrong":
                fw.exit_dual_level(level=3)
    compare(scenario)


def test_no_binding_left_after_exit():
    """With no level active, the op functions are the plain ones again (zero cost)."""
    from ember._ops._bindings import _active, original
    mul = ember.Tensor.__mul__
    with ember.autograd.forward_ad.dual_level():
        assert ember.Tensor.__mul__ is not mul
    assert ember.Tensor.__mul__ is mul and "forward_ad" not in _active
    assert original(ember.mul) is mul       # (__torch_function__ dispatch may wrap ember.mul)


# ---- tangents through ops ------------------------------------------------------------------
_FUNCS = {
    "arith": lambda T, d: (d * 2 + 1 - d / 3) ** 2,
    "reflected": lambda T, d: (2 * d, 1 - d, 2 / (d.abs() + 1), 2 ** d, 3 + d),
    "matmul": lambda T, d: (d @ _t(T, W), _t(T, W).T @ d.T),
    "views": lambda T, d: (d[1:, ::2], d.T, d.reshape(4, 3), d.unsqueeze(0).expand(2, 3, 4),
                           d.view(-1)[3], d.unbind(1)),
    "reductions": lambda T, d: (d.sum(), d.mean(1), d.amax(0), d.norm(), d.var(1),
                                d.logsumexp(-1), d.cumsum(0), d.prod(1)),
    "unary": lambda T, d: (d.exp(), d.sin(), d.tanh(), d.sigmoid(), d.abs(), d.sqrt().nan_to_num()),
    "nn": lambda T, d: (T.nn.functional.softmax(d, -1), T.nn.functional.gelu(d),
                        T.nn.functional.layer_norm(d, (4,)), T.nn.functional.relu(d),
                        T.nn.functional.mse_loss(d, d.detach() * 0.5),
                        T.nn.functional.linear(d, _t(T, W).T, _t(T, W[0]))),
    "shape": lambda T, d: (T.cat([d, d * 2], 0), T.stack([d, d.exp()]), d.chunk(2, 1),
                           T.where(d > 0, d, d * d), d.flip(0), d.roll(1, 1)),
    "mixed_dtype": lambda T, d: (d.float() * 2, d.to(T.float32).exp()),
}


@pytest.mark.parametrize("name", sorted(_FUNCS))
def test_tangents_through_ops(name):
    compare(_dual_scenario(_FUNCS[name]), rtol=1e-5, atol=1e-6)


def test_tangents_under_no_grad():
    def f(T, d):
        with T.no_grad():
            return d.sin() * d, d.exp().sum()
    compare(_dual_scenario(f, requires_grad=True))


def test_primal_requires_grad_keeps_graph():
    compare(_dual_scenario(lambda T, d: (d.sin() * d, d.exp().sum()), requires_grad=True))


@pytest.mark.parametrize("name", ["add_", "mul_", "relu_", "iadd", "setitem", "setitem_dual",
                                  "copy_", "zero_", "plain_add_dual"])
def test_inplace(name):
    def f(T, d):
        z = d.clone()
        if name == "add_":
            z.add_(d, alpha=2)
        elif name == "mul_":
            z.mul_(d)
        elif name == "relu_":
            z.relu_()
        elif name == "iadd":
            z += d.exp()
        elif name == "setitem":
            z[0] = 1.5
        elif name == "setitem_dual":
            z[1:, 2] = d[0, :2] * 3
        elif name == "copy_":
            z = T.zeros(3, 4, dtype=T.float64)
            z.copy_(d.sin())
        elif name == "zero_":
            z.zero_()
        elif name == "plain_add_dual":
            z = T.ones(3, 4, dtype=T.float64)
            z.add_(d)
        return z
    compare(_dual_scenario(f))


def test_forward_over_reverse():
    """The gradient of a dual output carries H @ tangent."""
    def f(T, d):
        y = (d.sin() * d.exp()).sum() + (d @ _t(T, W)).tanh().sum()
        (g,) = T.autograd.grad(y, d, create_graph=True)
        return g
    compare(_dual_scenario(f, requires_grad=True))


def test_reverse_over_forward():
    """A tangent is differentiable w.r.t. the primal (and the tangent)."""
    def scenario(T):
        fw = _fwad(T)
        x, v = _t(T, X, requires_grad=True), _t(T, V, requires_grad=True)
        with fw.dual_level():
            out = (fw.make_dual(x, v).exp() * 3).tanh()
            t = fw.unpack_dual(out).tangent
            return T.autograd.grad(t.sum(), (x, v))
    compare(scenario)


def test_no_forward_formula_raises_torchs_error():
    def scenario(T):
        fw = _fwad(T)
        with fw.dual_level():
            d = fw.make_dual(_t(T, X[:, :1] + 3), _t(T, V[:, :1]))
            return T.cholesky_inverse(d.T @ d)
    compare(_dual_scenario(lambda T, d: T.igamma(d.abs() + 1, d.abs() + 2)))
    compare(_dual_scenario(lambda T, d: T.nn.functional.embedding_bag(
        T.tensor([0, 1]), d, T.tensor([0]))))
    compare(scenario)


def test_cnn_jvp_matches_torch_func():
    def scenario(T):
        gen = np.random.default_rng(3)
        model = T.nn.Sequential(T.nn.Conv2d(1, 2, 3), T.nn.BatchNorm2d(2, track_running_stats=False),
                                T.nn.ReLU(),
                                T.nn.MaxPool2d(2), T.nn.Flatten(), T.nn.Linear(8, 3)).double()
        with T.no_grad():
            for p in model.parameters():
                p.copy_(_t(T, gen.standard_normal(tuple(p.shape))))
        params = {k: v.detach() for k, v in model.named_parameters()}
        tangents = {k: _t(T, gen.standard_normal(tuple(v.shape))) for k, v in params.items()}
        x = _t(T, gen.standard_normal((2, 1, 6, 6)))

        def f(p):
            return T.func.functional_call(model, p, (x,)).log_softmax(-1)
        return T.func.jvp(f, (params,), (tangents,))
    compare(scenario, rtol=1e-5, atol=1e-7)


# ---- ember.func ----------------------------------------------------------------------------
def _f(T):
    return lambda x, y: ((x.sin() * y.exp()).sum(0), {"p": x @ _t(T, W)})


def test_jvp_pytrees_and_aux():
    def scenario(T):
        x, y, v = _t(T, X), _t(T, X[0]), _t(T, V)
        out = T.func.jvp(_f(T), (x, y), (v, y * 0 + 1))
        aux = T.func.jvp(lambda x: (x.exp(), {"s": x.sum()}), (x,), (v,), has_aux=True)
        return out, aux
    compare(scenario)


@pytest.mark.parametrize("case", ["primals_not_tuple", "structure", "not_tensor", "output_float",
                                  "aux_not_pair", "no_tensors", "size"])
def test_jvp_errors(case):
    def scenario(T):
        x = _t(T, X[0])
        jvp = T.func.jvp
        if case == "primals_not_tuple":
            return jvp(T.sin, x, x)
        if case == "structure":
            return jvp(T.sin, (x,), (x, x))
        if case == "not_tensor":
            return jvp(T.sin, (1.0,), (1.0,))
        if case == "output_float":
            return jvp(lambda x: 1.0, (x,), (x,))
        if case == "aux_not_pair":
            return jvp(lambda x: x, (x,), (x,), has_aux=True)
        if case == "no_tensors":
            return jvp(T.sin, (), ())
        if case == "size":
            return jvp(T.sin, (x,), (x[:2],))
    compare(scenario)


@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_jacfwd(argnums):
    def scenario(T):
        return T.func.jacfwd(_f(T), argnums)(_t(T, X), _t(T, X[0]))
    compare(scenario)


def test_jacfwd_aux_and_dtype():
    def scenario(T):
        f = T.func.jacfwd(lambda x: (x.exp() * x, {"a": x.cos()}), has_aux=True)
        return f(_t(T, X[0], "float32")), T.func.jacfwd(lambda x: x.sum())(_t(T, X[:, 0]))
    compare(scenario, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("randomness", ["error", "same", "bad"])
def test_jacfwd_randomness(randomness):
    def scenario(T):
        f = T.func.jacfwd(lambda x: x * T.rand(3, dtype=T.float64), randomness=randomness)
        jac = f(_t(T, X[0, :3]))
        return (jac == jac.diagonal().diag()).all().item()   # one draw: a diagonal Jacobian
    compare(scenario)


def test_hessian_and_nesting():
    def scenario(T):
        def f(x):
            return (x.sin() * x.exp()).sum() + (x @ _t(T, W[:, 0])).tanh()
        x = _t(T, X[0])
        return (T.func.hessian(f)(x), T.func.jacfwd(T.func.jacfwd(f))(x),
                T.func.jacrev(T.func.jacfwd(f))(x), T.func.jvp(T.func.grad(f), (x,), (x,)))
    compare(scenario)


def test_linearize():
    def scenario(T):
        def f(x):
            return (x @ _t(T, W)).tanh() * x.sum()
        out, jvp_fn = T.func.linearize(f, _t(T, X))
        return out, jvp_fn(_t(T, V)), jvp_fn(_t(T, X))
    compare(scenario)


@pytest.mark.parametrize("case", ["structure", "shape", "dtype"])
def test_linearize_errors(case):
    def scenario(T):
        _, jvp_fn = T.func.linearize(T.sin, _t(T, X))
        v = _t(T, V)
        return jvp_fn(*{"structure": (v, v), "shape": (v[:2],), "dtype": (v.float(),)}[case])
    compare(scenario)


def test_complex_tangents():
    def scenario(T):
        fw = _fwad(T)
        z = T.complex(_t(T, X), _t(T, V))
        v = T.complex(_t(T, V), _t(T, X[::-1].copy()))
        with fw.dual_level():
            d = fw.make_dual(z, v)
            outs = (d * d.conj(), d.abs(), d.imag, d.reciprocal(), T.view_as_real(d), d.exp(),
                    (d * 2j).real.sum(), d.sqrt())
            return [tuple(fw.unpack_dual(o)) for o in outs]
    compare(scenario)


@pytest.mark.parametrize("with_jvp", [False, True])
def test_custom_function_jvp(with_jvp):
    def scenario(T):
        class Exp(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, scale):
                ctx.save_for_forward(x)
                return x.exp() * scale

            @staticmethod
            def backward(ctx, g):
                return g, None

        class ExpJvp(Exp):
            @staticmethod
            def jvp(ctx, t, _):
                (x,) = ctx.saved_tensors
                return t * x.exp() * 3

        fw = _fwad(T)
        with fw.dual_level():
            d = fw.make_dual(_t(T, X), _t(T, V))
            return tuple(fw.unpack_dual((ExpJvp if with_jvp else Exp).apply(d, 3.0)))
    compare(scenario)


def test_inplace_writes_tangents_through_views():
    """In-place ops update the tangent in place: the base's tangent and the tangent tensor
    given to make_dual see it, as in torch."""
    def scenario(T):
        fw = _fwad(T)
        v = _t(T, V[0])
        with fw.dual_level():
            d = fw.make_dual(_t(T, X[0]), v)
            d.mul_(2)
            z = fw.make_dual(_t(T, X[:2]), _t(T, V[:2]))
            z[0].mul_(d)
            w = T.ones(2, 4, dtype=T.float64)
            w[1] = d.exp()
            u = T.ones(2, 4, dtype=T.float64)
            u[0].add_(d)
            return v, [tuple(fw.unpack_dual(o)) for o in (d, z, w, u)]
    compare(scenario)


def test_set_fwd_grad_enabled():
    def scenario(T):
        fw = _fwad(T)
        with fw.dual_level():
            d = fw.make_dual(_t(T, X), _t(T, V))
            with fw._set_fwd_grad_enabled(False):
                off = (fw._is_fwd_grad_enabled(), fw.unpack_dual(d.exp()).tangent)
            return off + (fw._is_fwd_grad_enabled(), fw.unpack_dual(d.exp()).tangent)
    compare(scenario)


def test_example_forward_mode_matches_torch_func():
    from ember.examples import forward_mode
    out = forward_mode.main()
    x, y = (torch.tensor(out[k].numpy()) for k in ("x", "y"))
    params, v = ({k: torch.tensor(p.numpy()) for k, p in out[name].items()}
                 for name in ("params", "v"))
    model = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))

    def loss(p):
        return torch.nn.functional.mse_loss(torch.func.functional_call(model, p, (x,)), y)
    value, slope = torch.func.jvp(loss, (params,), (v,))
    # (torch's jvp of grad raises "ZeroTensors are immutable" on this model: its
    # reverse-over-reverse product is the same H v)
    hv = torch.func.grad(lambda p: sum((g * v[k]).sum()
                                       for k, g in torch.func.grad(loss)(p).items()))(params)
    jac = torch.func.jacfwd(lambda inp: torch.func.functional_call(model, params, (inp,)))(x[:3])
    for e, t in [(out["value"], value), (out["slope"], slope), (out["jac"], jac),
                 *((out["hv"][k], hv[k]) for k in hv)]:
        np.testing.assert_allclose(e.numpy(), t.detach().numpy(), rtol=1e-4, atol=1e-6)


# ---- forward mode and vmap ---------------------------------------------------------------------
def _g(T):
    return lambda x: (x.sin() * x.exp()).sum(-1) + (x @ _t(T, W)).tanh().sum(-1)


_COMPOSITIONS = {
    "jvp(vmap)": lambda T, g: T.func.jvp(T.func.vmap(g), (_t(T, X),), (_t(T, V),)),
    "vmap(jvp)": lambda T, g: T.func.vmap(lambda a, b: T.func.jvp(g, (a,), (b,)))(
        _t(T, X), _t(T, V)),
    "vmap(jvp) unbatched tangent": lambda T, g: T.func.vmap(
        lambda a: T.func.jvp(g, (a,), (_t(T, V[0]),)))(_t(T, X)),
    "vmap(jvp) unbatched primal, in_dims=1": lambda T, g: T.func.vmap(
        lambda b: T.func.jvp(g, (_t(T, X[0]),), (b,)), in_dims=1)(_t(T, V.T)),
    "vmap(jacfwd)": lambda T, g: T.func.vmap(T.func.jacfwd(g))(_t(T, X)),
    "jacfwd(vmap)": lambda T, g: T.func.jacfwd(T.func.vmap(g))(_t(T, X)),
    "vmap(jvp(grad))": lambda T, g: T.func.vmap(
        lambda b: T.func.jvp(T.func.grad(g), (_t(T, X[0]),), (b,)))(_t(T, V)),
    "vmap(hessian)": lambda T, g: T.func.vmap(T.func.hessian(g))(_t(T, X)),
    "jvp(vmap(vmap))": lambda T, g: T.func.jvp(
        T.func.vmap(T.func.vmap(lambda x: g(x.unsqueeze(0) * _t(T, X[0])).sum())),
        (_t(T, X[:, :2]),), (_t(T, V[:, :2]),)),
    "forward_ad dual through vmap": lambda T, g: _dual_through_vmap(T, g),
}


def _dual_through_vmap(T, g):
    fw = _fwad(T)
    with fw.dual_level():
        x = fw.make_dual(_t(T, X), _t(T, V))
        out = T.func.vmap(g)(x)
        return fw.unpack_dual(out)


@pytest.mark.parametrize("name", list(_COMPOSITIONS))
def test_forward_mode_composes_with_vmap(name):
    compare(lambda T: _COMPOSITIONS[name](T, _g(T)))


def test_jacfwd_falls_back_to_columns_where_vmap_cannot_batch():
    # as_strided has no batching rule in ember (torch batches it): same Jacobian, one jvp per
    # column
    compare(lambda T: T.func.jacfwd(lambda x: x.as_strided((2, 2), (1, 2)))(_t(T, X[0, :4])))
