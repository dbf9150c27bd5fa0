"""nn.Module, nn.Parameter and the containers, checked against torch 2.13.

Every model here is built by a factory that takes a framework (``ember`` or ``torch``), so that
the same structure exists in both; weights go from torch to ember through NumPy and
``load_state_dict``.
"""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as enn


# ---- model factories (one definition, built in either framework) -------------------------------
def linear_cls(T):
    class Linear(T.nn.Module):
        def __init__(self, i, o, bias=True, dtype=None):
            super().__init__()
            self.in_features, self.out_features = i, o
            self.weight = T.nn.Parameter(T.randn(o, i, dtype=dtype))
            if bias:
                self.bias = T.nn.Parameter(T.randn(o, dtype=dtype))
            else:
                self.register_parameter("bias", None)

        def forward(self, x):
            y = x.matmul(self.weight.t())
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return f"in_features={self.in_features}, out_features={self.out_features}, " \
                   f"bias={self.bias is not None}"
    return Linear


def norm_cls(T):
    class Norm(T.nn.Module):
        """Parameters plus persistent, non-persistent and integer buffers."""
        def __init__(self, n):
            super().__init__()
            self.weight = T.nn.Parameter(T.ones(n))
            self.register_buffer("running_mean", T.zeros(n))
            self.register_buffer("num_batches_tracked", T.tensor(0))
            self.register_buffer("scratch", T.zeros(n), persistent=False)

        def forward(self, x):
            return (x - self.running_mean) * self.weight
    return Norm


def net(T, dtype=None):
    Linear, Norm = linear_cls(T), norm_cls(T)

    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Linear(4, 5, dtype=dtype)
            self.norm = Norm(5)
            self.body = T.nn.Sequential(Linear(5, 5, dtype=dtype), Linear(5, 5, dtype=dtype))
            self.heads = T.nn.ModuleList([Linear(5, 3, dtype=dtype), Linear(5, 3, bias=False,
                                                                             dtype=dtype)])

        def forward(self, x):
            h = self.body(self.norm(self.fc1(x)).tanh())
            return self.heads[0](h) + self.heads[1](h)
    return Net()


def to_ember_state(sd):
    return OrderedDict((k, ember.tensor(v.detach().cpu().numpy())) for k, v in sd.items())


def copy_weights(em, tm):
    em.load_state_dict(to_ember_state(tm.state_dict()))


def err(fn):
    """(exception type, message) raised by fn()."""
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


# ---- Parameter / Buffer ------------------------------------------------------------------------
@pytest.mark.cpu_only
def test_parameter_basics(torch):
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    p, tp = enn.Parameter(ember.tensor(data)), torch.nn.Parameter(torch.tensor(data))
    assert repr(p) == repr(tp)
    assert type(p) is enn.Parameter and p.requires_grad and p.is_leaf
    q, tq = enn.Parameter(ember.tensor(data), requires_grad=False), \
        torch.nn.Parameter(torch.tensor(data), requires_grad=False)
    assert repr(q) == repr(tq) and not q.requires_grad
    assert repr(enn.Parameter()) == repr(torch.nn.Parameter())
    assert isinstance(p, ember.Tensor)


def test_parameter_shares_storage():
    t = ember.zeros(3)
    p = enn.Parameter(t)
    with ember.no_grad():
        p.add_(1)
    assert t.tolist() == [1.0, 1.0, 1.0]


def test_parameter_deepcopy_and_pickle():
    p = enn.Parameter(ember.randn(2, 3))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is enn.Parameter and q.requires_grad
        assert np.array_equal(q.detach().cpu().numpy(), p.detach().cpu().numpy())
        assert q._data is not p._data
    q = copy.deepcopy(enn.Parameter(ember.ones(2), requires_grad=False))
    assert not q.requires_grad


def test_buffer_registers_as_buffer(torch):
    def build(T):
        m = T.nn.Module()
        m.a = T.nn.Buffer(T.ones(2))
        m.b = T.nn.Buffer(T.zeros(2), persistent=False)
        return m
    m, tm = build(ember), build(torch)
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()] == ["a", "b"]
    assert list(m.state_dict()) == list(tm.state_dict()) == ["a"]
    assert type(m.a) is ember.Tensor and isinstance(m.a, enn.Buffer)


def test_uninitialized_parameter():
    u = enn.UninitializedParameter()
    assert repr(u) == "<UninitializedParameter>"
    assert enn.parameter.is_lazy(u)
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        u.shape
    u.materialize((2, 3))
    assert type(u) is enn.Parameter and u.shape == (2, 3) and u.requires_grad
    b = enn.UninitializedBuffer()
    b.materialize(4, dtype=ember.float64)
    assert type(b) is ember.Tensor and b.dtype is ember.float64


def test_lazy_parameter_loads_from_state_dict():
    m = enn.Module()
    m.w = enn.UninitializedParameter()
    m.load_state_dict({"w": ember.ones(2, 2)})
    assert type(m.w) is enn.Parameter and m.w.tolist() == [[1, 1], [1, 1]]


# ---- registration and iteration ----------------------------------------------------------------
def test_names_and_state_dict_match_torch(torch):
    m, tm = net(ember), net(torch)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in tm.named_children()]
    sd, tsd = m.state_dict(), tm.state_dict()
    assert type(sd) is OrderedDict and list(sd) == list(tsd)
    assert sd._metadata == tsd._metadata
    assert [n for n, _ in m.named_parameters(prefix="x", recurse=False)] == \
        [n for n, _ in tm.named_parameters(prefix="x", recurse=False)]
    assert list(m.state_dict(prefix="p.")) == list(tm.state_dict(prefix="p."))
    assert m.state_dict(prefix="p.")._metadata == tm.state_dict(prefix="p.")._metadata
    assert len(list(m.parameters())) == len(list(tm.parameters()))
    assert len(list(m.modules())) == len(list(tm.modules()))


def test_state_dict_detached_and_keep_vars():
    m = net(ember)
    sd = m.state_dict()
    assert not sd["fc1.weight"].requires_grad and type(sd["fc1.weight"]) is ember.Tensor
    assert sd["fc1.weight"]._data is m.fc1.weight._data
    kv = m.state_dict(keep_vars=True)
    assert kv["fc1.weight"] is m.fc1.weight
    dest = OrderedDict()
    assert m.state_dict(destination=dest) is dest and "norm.running_mean" in dest


def test_shared_parameters_deduplicated(torch):
    def build(T):
        a = linear_cls(T)(3, 3)
        s = T.nn.Sequential(a, T.nn.Tanh() if hasattr(T.nn, "Tanh") else T.nn.Module(), a)
        s.extra = T.nn.Parameter(T.ones(1))
        s.alias = s.extra
        return s
    m, tm = build(ember), build(torch)
    for kw in ({}, {"remove_duplicate": False}):
        assert [n for n, _ in m.named_parameters(**kw)] == \
            [n for n, _ in tm.named_parameters(**kw)]
        assert [n for n, _ in m.named_modules(**kw)] == [n for n, _ in tm.named_modules(**kw)]
    assert list(m.state_dict()) == list(tm.state_dict())
    assert len(list(m.children())) == len(list(tm.children()))


def test_setattr_moves_between_kinds():
    m = enn.Module()
    m.x = ember.ones(1)
    m.x = enn.Parameter(ember.ones(1))
    assert "x" in m._parameters and "x" not in m.__dict__
    m.y = ember.ones(1)
    m.y = enn.Module()
    assert "y" in m._modules and "y" not in m.__dict__
    m.x = None                               # None keeps the slot a parameter
    assert m._parameters["x"] is None
    del m.x
    m.x = enn.Module()
    assert "x" in m._modules and "x" not in m._parameters
    m.register_buffer("b", ember.ones(1))
    m.b = ember.zeros(2)                     # a plain tensor keeps it a buffer
    assert m._buffers["b"].shape == (2,)
    m.b = None
    assert m._buffers["b"] is None and "b" not in m.state_dict()
    del m.x, m.b
    assert "x" not in m._modules and "b" not in m._buffers
    m.register_parameter("p", None)
    m.p = None
    assert m._parameters["p"] is None and list(m.parameters()) == []


def _registration_errors(T):
    m = T.nn.Module()
    m.w = T.nn.Parameter(T.ones(2))
    m.c = T.nn.Module()
    m.register_buffer("b", T.ones(1))
    m.plain = 3
    leaf = T.ones(2, requires_grad=True)
    nonleaf = leaf * 2
    return [
        lambda: setattr(m, "w", T.ones(2)),
        lambda: setattr(m, "c", 3),
        lambda: setattr(m, "b", 3),
        lambda: m.register_buffer("a.b", T.ones(1)),
        lambda: m.register_buffer("", T.ones(1)),
        lambda: m.register_buffer("plain", T.ones(1)),
        lambda: m.register_buffer("z", [1]),
        lambda: m.register_buffer(3, T.ones(1)),
        lambda: m.register_parameter("a.b", None),
        lambda: m.register_parameter("plain", None),
        lambda: m.register_parameter("q", T.ones(2)),
        lambda: m.register_parameter("q", T.nn.Parameter(T.ones(2)) * 1),
        lambda: m.add_module("x", 3),
        lambda: m.add_module("a.b", T.nn.Module()),
        lambda: m.add_module("", T.nn.Module()),
        lambda: m.add_module("plain", T.nn.Module()),
        lambda: m.missing,
        lambda: m.get_submodule("c.d"),
        lambda: m.get_submodule("plain"),
        lambda: m.get_parameter("b"),
        lambda: m.get_parameter("c.zz"),
        lambda: m.get_buffer("w"),
        lambda: m(1),
        lambda: m.train(1),
        lambda: m.to(T.int64),
        lambda: m.load_state_dict([1]),
        lambda: T.nn.Module(3),
        lambda: T.nn.Module(x=3),
        lambda: setattr(m, "nl", nonleaf) or m.register_parameter("nl2", nonleaf),
    ]


@pytest.mark.cpu_only
def test_registration_errors_match_torch(torch):
    ours, theirs = _registration_errors(ember), _registration_errors(torch)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert err(a) == err(b), i


def test_register_before_init():
    class Bad(enn.Module):
        def __init__(self):
            self.w = enn.Parameter(ember.ones(1))
    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        Bad()


def test_get_submodule_parameter_buffer():
    m = net(ember)
    assert m.get_submodule("body.1") is m.body[1]
    assert m.get_submodule("") is m
    assert m.get_parameter("heads.0.weight") is m.heads[0].weight
    assert m.get_buffer("norm.running_mean") is m.norm.running_mean
    m.set_submodule("body.1", enn.Module())
    assert type(m.body[1]) is enn.Module


def test_dir_lists_members():
    m = net(ember)
    d = dir(m)
    assert {"fc1", "norm", "body", "heads", "forward", "training"} <= set(d)
    assert "weight" in dir(m.fc1) and "running_mean" in dir(m.norm)
    assert "0" not in dir(m.body)


# ---- state dict loading --------------------------------------------------------------------------
def test_load_from_torch_and_compare_forward_backward(torch):
    tm, m = net(torch, torch.float64), net(ember, ember.float64)
    copy_weights(m, tm)
    x = np.random.default_rng(0).standard_normal((7, 4))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = tm(tx), m(ex)
    np.testing.assert_allclose(ey.detach().cpu().numpy(), ty.detach().cpu().numpy(), rtol=1e-10,
                               atol=1e-12)
    ty.pow(2).sum().backward()
    ey.pow(2).sum().backward()
    np.testing.assert_allclose(ex.grad.cpu().numpy(), tx.grad.cpu().numpy(), rtol=1e-10, atol=1e-12)
    for (n, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.cpu().numpy(), tp.grad.cpu().numpy(), rtol=1e-10,
                                   atol=1e-12,
                                   err_msg=n)


def test_load_copies_in_place():
    m = net(ember)
    w = m.fc1.weight
    sd = {k: v + 1 for k, v in m.state_dict().items()}
    assert repr(m.load_state_dict(sd)) == "<All keys matched successfully>"
    assert m.fc1.weight is w and w.requires_grad and w.grad_fn is None
    np.testing.assert_allclose(w.detach().cpu().numpy(), sd["fc1.weight"].cpu().numpy())
    assert m.norm.num_batches_tracked.dtype is ember.int64


def test_load_assign():
    m = net(ember)
    new = ember.full((5, 4), 2.0, dtype=ember.float64)
    sd = m.state_dict()
    sd["fc1.weight"] = new
    m.load_state_dict(sd, assign=True)
    assert type(m.fc1.weight) is enn.Parameter and m.fc1.weight.dtype is ember.float64
    assert m.fc1.weight.requires_grad
    assert m.fc1.weight._data is new._data


def test_load_errors_match_torch(torch):
    def cases(T):
        Linear = linear_cls(T)
        m = Linear(3, 2)
        sd = m.state_dict()
        missing = OrderedDict([("weight", sd["weight"])])
        extra = OrderedDict(sd, foo=T.ones(1), **{"sub.x": T.ones(1)})
        wrong = OrderedDict([("weight", T.ones(3, 3)), ("bias", T.ones(2))])
        not_tensor = OrderedDict([("weight", 3), ("bias", sd["bias"])])
        both = OrderedDict([("weight", T.ones(1)), ("zzz", T.ones(1))])
        return m, [missing, extra, wrong, not_tensor, both]
    (m, ecases), (tm, tcases) = cases(ember), cases(torch)
    for e, t in zip(ecases, tcases):
        assert err(lambda: m.load_state_dict(e)) == err(lambda: tm.load_state_dict(t))
    for e, t in zip(ecases[:2], tcases[:2]):
        r, tr = m.load_state_dict(e, strict=False), tm.load_state_dict(t, strict=False)
        assert r == tr and repr(r) == repr(tr)


def test_load_scalar_from_one_element():
    m = enn.Module()
    m.register_buffer("s", ember.tensor(0.0))
    m.load_state_dict({"s": ember.tensor([3.0])})
    assert m.s.item() == 3.0 and m.s.ndim == 0


def test_state_dict_hooks(torch):
    def run(T):
        log = []
        m = linear_cls(T)(2, 2)
        m.register_state_dict_pre_hook(lambda mod, prefix, keep: log.append(("pre", prefix)))
        m._register_state_dict_hook(lambda mod, sd, prefix, meta: log.append(("post", list(sd))))
        m.register_load_state_dict_post_hook(
            lambda mod, inc: log.append(("load", list(inc.missing_keys))))
        m.register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, *a: log.append(("lpre", prefix, sorted(sd))))
        sd = m.state_dict(prefix="")
        del sd["bias"]
        m.load_state_dict(sd, strict=False)
        return log
    assert run(ember) == run(torch)


def test_state_dict_post_hook_replaces():
    m = enn.Module()
    m._register_state_dict_hook(lambda *a: {"x": 1})
    assert m.state_dict() == {"x": 1}
    m2 = enn.Module()
    m2.register_state_dict_post_hook(lambda *a: {"x": 1})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        m2.state_dict()


def test_extra_state_roundtrip():
    class WithExtra(enn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    a, b = WithExtra(), WithExtra()
    a.value = 7
    sd = a.state_dict()
    assert list(sd) == ["_extra_state"]
    b.load_state_dict(sd)
    assert b.value == 7


# ---- modes, conversions, gradients ----------------------------------------------------------
def test_train_eval():
    m = net(ember)
    assert all(x.training for x in m.modules())
    assert m.eval() is m and not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())


def test_dtype_conversions_only_touch_floats(torch):
    m, tm = net(ember), net(torch)
    for name in ("double", "half", "bfloat16", "float"):
        getattr(m, name)(), getattr(tm, name)()
        assert [str(t.dtype) for t in m.state_dict().values()] == \
            [str(t.dtype) for t in tm.state_dict().values()]
        assert str(m.norm.scratch.dtype) == str(tm.norm.scratch.dtype)
    m.to(ember.float64)
    assert m.fc1.weight.dtype is ember.float64 and m.norm.num_batches_tracked.dtype is ember.int64
    m.to(torch_like := ember.zeros(1, dtype=ember.float32))
    assert m.fc1.weight.dtype is ember.float32 and torch_like.dtype is ember.float32
    m.to("cpu", ember.float16)
    assert m.fc1.weight.dtype is ember.float16
    m.type(ember.float64)
    assert m.fc1.weight.dtype is ember.float64


def test_apply_keeps_parameter_identity_and_grad():
    m = net(ember)
    w = m.fc1.weight
    m(ember.randn(2, 4)).sum().backward()
    m.double()
    assert m.fc1.weight is w and w.dtype is ember.float64 and w.grad.dtype is ember.float64
    assert type(w) is enn.Parameter and w.requires_grad


def test_to_device(fake_cuda):
    m = net(ember)
    m.cuda()
    assert all(t.device.type == "cuda" for t in m.state_dict().values())
    m.cpu()
    assert all(t.device.type == "cpu" for t in m.state_dict().values())
    m.to("cuda")
    assert m.norm.running_mean.is_cuda


def test_zero_grad_and_requires_grad():
    m = net(ember)
    m(ember.randn(2, 4)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_apply_visits_children_first(torch):
    def order(T):
        seen = []
        net(T).apply(lambda mod: seen.append(type(mod).__name__))
        return seen
    assert order(ember) == order(torch)


def test_missing_forward_message(torch):
    assert err(lambda: enn.Module()(1)) == err(lambda: torch.nn.Module()(1))


# ---- forward hooks -------------------------------------------------------------------------
def test_forward_hooks_order_and_results(torch):
    def run(T):
        log = []
        m = linear_cls(T)(2, 2)
        m.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
        m.register_forward_pre_hook(lambda mod, args, kw: log.append(sorted(kw)) or None,
                                    with_kwargs=True, prepend=True)
        h = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, kw, out: log.append("kw") or out * 2,
                                with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: log.append("first"), prepend=True)
        out = m(T.ones(1, 2))
        log.append((out - 2 * (m.bias + 1)).abs().sum().item())
        h.remove()
        log.append((m(T.ones(1, 2)) - 2 * m.bias).abs().sum().item())
        return log
    assert run(ember) == run(torch)


def test_forward_pre_hook_bad_return(torch):
    def call(T):
        m = linear_cls(T)(2, 2)
        m.register_forward_pre_hook(lambda mod, a, kw: 1, with_kwargs=True)
        return lambda: m(T.ones(1, 2))
    assert err(call(ember)) == err(call(torch))


def test_always_call_forward_hook(torch):
    def run(T):
        log = []

        class Boom(T.nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        m = Boom()
        m.register_forward_hook(lambda mod, a, out: log.append(("always", out)), always_call=True)
        m.register_forward_hook(lambda mod, a, out: log.append("never"))
        with pytest.raises(ValueError):
            m(1)
        return log
    assert run(ember) == run(torch) == [("always", None)]


def test_hook_handle_context_manager():
    m = enn.Module()
    m.forward = lambda x: x
    log = []
    with m.register_forward_hook(lambda *a: log.append(1)):
        m(1)
    m(1)
    assert log == [1] and not m._forward_hooks


def test_global_forward_hook():
    from ember.nn.modules import module as M
    log = []
    h = M.register_module_forward_hook(lambda mod, a, out: log.append(type(mod).__name__))
    try:
        linear_cls(ember)(2, 2)(ember.ones(1, 2))
    finally:
        h.remove()
    linear_cls(ember)(2, 2)(ember.ones(1, 2))
    assert log == ["Linear"]


# ---- backward hooks ------------------------------------------------------------------------
def two_input_cls(T):
    class TwoIn(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = T.nn.Parameter(T.ones(3, dtype=T.float64) * 2)

        def forward(self, x, y, scale=1.0):
            return x * self.w * y, (x + y) * scale
    return TwoIn


def _backward_hook_run(T, x, y, replace):
    m = two_input_cls(T)()
    log = []

    def pre(mod, grad_out):
        log.append(("pre", [None if g is None else g.tolist() for g in grad_out]))
        return (grad_out[0] * 10, grad_out[1]) if replace else None

    def hook(mod, grad_in, grad_out):
        log.append(("full", [None if g is None else g.tolist() for g in grad_in],
                    [None if g is None else g.tolist() for g in grad_out]))
        return (grad_in[0] + 1, grad_in[1]) if replace else None

    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(hook)
    tx = T.tensor(x, requires_grad=True)
    ty = T.tensor(y, requires_grad=False)
    a, b = m(tx, ty, scale=3.0)
    (a.sum() + (b * b).sum()).backward()
    log.append(("xgrad", tx.grad.tolist(), m.w.grad.tolist()))
    return log


@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hooks_match_torch(torch, replace):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(3), rng.standard_normal(3)
    ours, theirs = _backward_hook_run(ember, x, y, replace), _backward_hook_run(torch, x, y,
                                                                                replace)
    assert len(ours) == len(theirs) == 3
    for o, t in zip(ours, theirs):
        assert o[0] == t[0]
        np.testing.assert_allclose(_flat(o[1:]), _flat(t[1:]), rtol=1e-12)


def _flat(x):
    """Nested lists (None -> nan) flattened for a numeric comparison."""
    if x is None:
        return [np.nan]
    if isinstance(x, (list, tuple)):
        return [v for e in x for v in _flat(e)]
    return [x]


def test_full_backward_hook_no_input_grad(torch):
    def run(T):
        m = linear_cls(T)(2, 2)
        got = []
        m.register_full_backward_hook(lambda mod, gi, go: got.append((gi, go[0].shape)))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(T.ones(1, 2)).sum().backward()
        return got[0][0], tuple(got[0][1]), any("Full backward hook is firing" in str(x.message)
                                                for x in w)
    assert run(ember) == run(torch) == ((None,), (1, 2), True)


def test_backward_hook_kinds_cannot_mix(torch):
    def go(T):
        m = T.nn.Module()
        m.register_full_backward_hook(lambda *a: None)
        return lambda: m.register_backward_hook(lambda *a: None)
    assert err(go(ember)) == err(go(torch))


# ---- repr ----------------------------------------------------------------------------------
def test_repr_matches_torch(torch):
    assert repr(net(ember)) == repr(net(torch))

    def blocks(T):
        Linear = linear_cls(T)
        ml = T.nn.ModuleList([Linear(2, 2) for _ in range(3)] + [Linear(2, 3), Linear(2, 2)])
        return T.nn.Sequential(OrderedDict(a=ml, b=T.nn.ModuleList(),
                                           c=T.nn.ModuleDict({"x": Linear(1, 1)})))
    assert repr(blocks(ember)) == repr(blocks(torch))


def test_multiline_extra_repr(torch):
    def build(T):
        class Multi(T.nn.Module):
            def extra_repr(self):
                return "a=1\nb=2"
        m = Multi()
        m.child = Multi()
        return m
    assert repr(build(ember)) == repr(build(torch))


@pytest.mark.cpu_only
def test_parameter_container_reprs(torch):
    def build(T):
        pl = T.nn.ParameterList([T.nn.Parameter(T.ones(2, 3)), T.zeros(4, dtype=T.float64),
                                 "s"])
        pd = T.nn.ParameterDict({"b": T.ones(1), "a": T.nn.Parameter(T.ones(2, 2))})
        return pl, pd
    (pl, pd), (tpl, tpd) = build(ember), build(torch)
    assert repr(pl) == repr(tpl)
    assert repr(pd) == repr(tpd)


# ---- containers ----------------------------------------------------------------------------
def _keys(m):
    return [(k, id(v)) for k, v in m._modules.items()]


def test_sequential_operations(torch):
    def seq(T):
        Linear = linear_cls(T)
        return T.nn.Sequential(*[Linear(2, 2) for _ in range(4)])
    for T in (ember, torch):
        s = seq(T)
        items = list(s)
        assert s[-1] is items[3] and len(s) == 4
        sl = s[1:3]
        assert type(sl) is T.nn.Sequential and list(sl) == items[1:3]
        assert list(sl._modules) == ["1", "2"]
        s[0] = items[3]
        assert s[0] is items[3]
        del s[1]
        assert list(s._modules) == ["0", "1", "2"] and list(s) == [items[3], items[2], items[3]]
        assert s.pop(0) is items[3] and len(s) == 2
        s.insert(0, items[0]).append(items[1]).extend([items[2]])
        assert list(s) == [items[0], items[2], items[3], items[1], items[2]]
        del s[::2]
        assert list(s) == [items[2], items[1]]
        assert list(s + seq(T))[:2] == [items[2], items[1]] and len(s + seq(T)) == 6
        assert len(s * 2) == 4 and list(s * 2)[2] is items[2]
        s *= 2
        assert len(s) == 4
        s += seq(T)
        assert len(s) == 8
        od = T.nn.Sequential(OrderedDict(first=items[0], second=items[1]))
        assert list(od._modules) == ["first", "second"] and od[1] is items[1]
    assert err(lambda: seq(ember)[4]) == err(lambda: seq(torch)[4])
    assert err(lambda: seq(ember) + 1)[0] is ValueError
    assert err(lambda: seq(ember).insert(9, enn.Module()))[1] == "Index out of range: 9"
    assert err(lambda: seq(ember) * 0) == (ValueError, "Non-positive multiplication factor 0 "
                                                       "for <class 'ember.nn.modules.container."
                                                       "Sequential'>")


def test_sequential_forward(torch):
    tm = torch.nn.Sequential(*[linear_cls(torch)(3, 3, dtype=torch.float64) for _ in range(3)])
    m = enn.Sequential(*[linear_cls(ember)(3, 3, dtype=ember.float64) for _ in range(3)])
    copy_weights(m, tm)
    x = np.random.default_rng(2).standard_normal((2, 3))
    np.testing.assert_allclose(m(ember.tensor(x)).detach().cpu().numpy(),
                               tm(torch.tensor(x)).detach().cpu().numpy(), rtol=1e-12)


def test_module_list():
    a, b, c = enn.Module(), enn.Module(), enn.Module()
    ml = enn.ModuleList([a, b])
    ml.append(c)
    ml += [a]
    assert list(ml) == [a, b, c, a] and ml[-1] is a
    assert type(ml[1:]) is enn.ModuleList and list(ml[1:]) == [b, c, a]
    ml.insert(1, c)
    assert list(ml) == [a, c, b, c, a]
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    assert ml.pop(1) is b
    ml[0] = a
    assert list(ml) == [a, c, a]
    assert list(ml + enn.ModuleList([b])) == [a, c, a, b]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        ml[5]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(3)
    assert len(list(ml.parameters())) == 0 and len(list(ml.children())) == 2


def test_module_dict(torch):
    a, b = enn.Module(), enn.Module()
    md = enn.ModuleDict({"x": a})
    md["y"] = b
    md.update([("z", a)])
    assert list(md.keys()) == ["x", "y", "z"] and "y" in md and len(md) == 3
    assert md.pop("y") is b and list(md) == ["x", "z"]
    assert list(md.values()) == [a, a] and dict(md.items())["z"] is a
    md.clear()
    assert len(md) == 0
    assert err(lambda: enn.ModuleDict([("a",)])) == err(lambda: torch.nn.ModuleDict([("a",)]))
    assert err(lambda: enn.ModuleDict([1])) == err(lambda: torch.nn.ModuleDict([1]))


def test_parameter_list_and_dict(torch):
    pl = enn.ParameterList([ember.ones(2), enn.Parameter(ember.zeros(1))])
    assert all(type(p) is enn.Parameter for p in pl) and len(pl) == 2
    pl.append(ember.ones(3))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert len(pl[1:]) == 2 and pl[-1].shape == (3,)
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl()
    pd = enn.ParameterDict({"b": ember.ones(1), "a": ember.ones(2)})
    assert list(pd) == ["a", "b"]               # a plain dict is sorted, as in torch
    pd["c"] = ember.ones(3)
    assert type(pd["c"]) is enn.Parameter and "c" in pd
    assert list(pd.state_dict()) == ["a", "b", "c"]
    assert pd.pop("a").shape == (2,) and list(pd.keys()) == ["b", "c"]
    assert pd.get("zz", 5) == 5 and pd.setdefault("d", ember.ones(1)).shape == (1,)
    merged = pd | enn.ParameterDict({"e": ember.ones(1)})
    assert list(merged) == ["b", "c", "d", "e"]
    assert err(lambda: pd[1]) == err(lambda: torch.nn.ParameterDict()[1])


# ---- copying and pickling --------------------------------------------------------------------
def test_deepcopy_module_keeps_sharing():
    m = net(ember)
    m.tied = m.fc1
    c = copy.deepcopy(m)
    assert c.tied is c.fc1 and c.fc1 is not m.fc1
    assert type(c.fc1.weight) is enn.Parameter and c.fc1.weight is not m.fc1.weight
    for (n, p), (_, q) in zip(m.state_dict().items(), c.state_dict().items()):
        assert np.array_equal(p.cpu().numpy(), q.cpu().numpy()), n
    assert repr(c) == repr(m)


def test_pickle_module():
    m = enn.Sequential(enn.Module(), enn.ModuleList([enn.Module()]))
    m.p = enn.Parameter(ember.ones(2))
    m.register_buffer("b", ember.zeros(1), persistent=False)
    r = pickle.loads(pickle.dumps(m))
    assert repr(r) == repr(m)
    assert type(r.p) is enn.Parameter and r.p.requires_grad
    assert "b" in r._non_persistent_buffers_set


def test_share_memory_returns_self():
    m = net(ember)
    assert m.share_memory() is m


def test_non_full_backward_hook_matches_torch(torch):
    def run(T):
        m = T.nn.Module()
        m.forward = lambda x: x * 2 + 1
        got = []
        m.register_backward_hook(lambda mod, gi, go: got.append(
            ([None if g is None else g.tolist() for g in gi], [g.tolist() for g in go])))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(T.ones(2, requires_grad=True)).sum().backward()
        return got, [(x.category, str(x.message)) for x in w]
    assert run(ember) == run(torch)


@pytest.mark.cpu_only
def test_integer_parameter(torch):
    assert err(lambda: enn.Parameter(ember.ones(2, dtype=ember.int64))) == \
        err(lambda: torch.nn.Parameter(torch.ones(2, dtype=torch.int64)))
    assert repr(enn.Parameter(ember.ones(2, dtype=ember.int64), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2, dtype=torch.int64), requires_grad=False))
