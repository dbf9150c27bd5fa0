"""ember.optim against torch.optim: 50-step trajectories, state_dict layout and cross-loading,
hooks, validation messages."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import ember
import ember.optim as eoptim
from tests.conftest import require_torch

torch = require_torch()

# ---- a tiny two-layer regression problem built from raw leaf tensors ---------------------------
_rng = np.random.default_rng(0)
_X = _rng.standard_normal((16, 4))
_Y = _rng.standard_normal((16, 3))
_INIT = [_rng.standard_normal(s) * 0.5 for s in ((5, 4), (5,), (3, 5), (3,))]


def _params(lib, dtype):
    return [lib.tensor(w.astype(dtype), requires_grad=True) for w in _INIT]


def _loss(lib, params, dtype):
    w1, b1, w2, b2 = params
    x, y = lib.tensor(_X.astype(dtype)), lib.tensor(_Y.astype(dtype))
    h = lib.tanh(x @ w1.t() + b1)
    return ((h @ w2.t() + b2 - y) ** 2).mean()


def _run(lib, name, kwargs, dtype, steps=50, groups=False, params=None, opt_state=None):
    """Train ``steps`` steps; returns (params, optimizer)."""
    params = params or _params(lib, dtype)
    if groups:  # two groups, the second with its own lr
        spec = [{"params": params[:2]}, {"params": params[2:], "lr": kwargs.get("lr", 1e-2) / 2}]
    else:
        spec = params
    opt = getattr(lib.optim, name)(spec, **kwargs)
    if opt_state is not None:
        opt.load_state_dict(opt_state)

    def closure():
        opt.zero_grad()
        loss = _loss(lib, params, dtype)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return params, opt


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.01, momentum=0.5, nesterov=True, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, betas=(0.3, 0.9))),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.9), maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, alpha=0.9)),
    ("RMSprop", dict(lr=0.001, centered=True, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.1)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, weight_decay=0.1, maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.01)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.01, etas=(0.3, 1.5), step_sizes=(1e-4, 0.1), maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in CONFIGS]


def _assert_params(ep, tp, rtol, atol):
    for e, t in zip(ep, tp):
        np.testing.assert_allclose(e.detach().cpu().numpy(), t.detach().cpu().numpy(), rtol=rtol,
                                   atol=atol)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_trajectory_float64(name, kwargs):
    ep, _ = _run(ember, name, kwargs, np.float64)
    tp, _ = _run(torch, name, kwargs, np.float64)
    _assert_params(ep, tp, 1e-9, 1e-11)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_trajectory_float32(name, kwargs):
    ep, eopt = _run(ember, name, kwargs, np.float32)
    tp, topt = _run(torch, name, kwargs, np.float32)
    _assert_params(ep, tp, 1e-4, 1e-5)
    _assert_state_layout(eopt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name,kwargs", CONFIGS[1:30:4], ids=IDS[1:30:4])
def test_trajectory_param_groups(name, kwargs):
    ep, _ = _run(ember, name, kwargs, np.float64, steps=20, groups=True)
    tp, _ = _run(torch, name, kwargs, np.float64, steps=20, groups=True)
    _assert_params(ep, tp, 1e-9, 1e-11)


@pytest.mark.parametrize("kwargs", [dict(), dict(line_search_fn="strong_wolfe", lr=0.5),
                                    dict(history_size=3, max_iter=5)])
def test_lbfgs(kwargs):
    ep, eopt = _run(ember, "LBFGS", kwargs, np.float64, steps=4)
    tp, topt = _run(torch, "LBFGS", kwargs, np.float64, steps=4)
    _assert_params(ep, tp, 1e-7, 1e-9)
    es, ts = eopt.state_dict()["state"][0], topt.state_dict()["state"][0]
    assert es["func_evals"] == ts["func_evals"] and es["n_iter"] == ts["n_iter"]
    assert set(es) == set(ts)


# ---- state_dict --------------------------------------------------------------------------------
def _convert(obj, tensor_type, make):
    if isinstance(obj, tensor_type):
        return make(obj)
    if isinstance(obj, dict):
        return {k: _convert(v, tensor_type, make) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_convert(v, tensor_type, make) for v in obj)
    return obj


def _to_ember(obj):
    return _convert(obj, torch.Tensor, lambda t: ember.tensor(t.detach().cpu().numpy().copy()))


def _to_torch(obj):
    return _convert(obj, ember.Tensor, lambda t: torch.tensor(t.detach().cpu().numpy().copy()))


def _assert_state_layout(esd, tsd):
    assert list(esd) == ["state", "param_groups"]
    assert esd["param_groups"] == tsd["param_groups"]
    assert list(esd["state"]) == list(tsd["state"])
    for k, tstate in tsd["state"].items():
        estate = esd["state"][k]
        assert list(estate) == list(tstate)
        for key, tv in tstate.items():
            ev = estate[key]
            if isinstance(tv, torch.Tensor):
                assert isinstance(ev, ember.Tensor), key
                assert str(ev.dtype) == str(tv.dtype) and tuple(ev.shape) == tuple(tv.shape), key
            else:
                assert type(ev) is type(tv), key


@pytest.mark.parametrize("name,kwargs", CONFIGS[::3], ids=IDS[::3])
def test_state_dict_loads_across_frameworks(name, kwargs):
    dtype = np.float64
    # torch trains 10 steps; ember resumes from torch's weights and optimizer state
    tp, topt = _run(torch, name, kwargs, dtype, steps=10)
    esd = _to_ember(topt.state_dict())
    ep = [ember.tensor(t.detach().cpu().numpy().copy(), requires_grad=True) for t in tp]
    ep, eopt = _run(ember, name, kwargs, dtype, steps=10, params=ep, opt_state=esd)
    tp, topt = _run(torch, name, kwargs, dtype, steps=10, params=tp, opt_state=topt.state_dict())
    _assert_params(ep, tp, 1e-9, 1e-11)
    # and back: ember's state continues in torch
    tsd = _to_torch(eopt.state_dict())
    tp2 = [torch.tensor(e.detach().cpu().numpy().copy(), requires_grad=True) for e in ep]
    tp2, _ = _run(torch, name, kwargs, dtype, steps=5, params=tp2, opt_state=tsd)
    ep, _ = _run(ember, name, kwargs, dtype, steps=5, params=ep, opt_state=eopt.state_dict())
    _assert_params(ep, tp2, 1e-9, 1e-11)


def test_adam_state_layout():
    p = ember.randn(3, requires_grad=True)
    opt = ember.optim.Adam([p], amsgrad=True)
    p.sum().backward()
    opt.step()
    sd = opt.state_dict()
    st = sd["state"][0]
    assert list(st) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert st["step"].dtype is ember.float32 and st["step"].dim() == 0 and st["step"].item() == 1
    assert sd["param_groups"][0]["params"] == [0]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)


def test_state_dict_roundtrip_and_cast():
    p = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    p.sum().backward()
    opt.step()
    sd = copy.deepcopy(opt.state_dict())
    sd["state"][0]["momentum_buffer"] = sd["state"][0]["momentum_buffer"].float()
    opt2 = ember.optim.SGD([p], lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.param_groups[0]["params"][0] is p
    assert opt2.state[p]["momentum_buffer"].dtype is ember.float64   # cast to the param's dtype
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt2.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt2.load_state_dict({"state": {}, "param_groups": [dict(sd["param_groups"][0],
                                                                 params=[0, 1])]})
    # pickling keeps groups and state, not hooks
    opt3 = pickle.loads(pickle.dumps(opt))
    assert opt3.param_groups[0]["lr"] == 0.1 and len(opt3.state) == 1


def test_old_checkpoint_step_as_number_becomes_tensor():
    p = ember.randn(3, requires_grad=True)
    opt = ember.optim.Adam([p])
    p.sum().backward()
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["step"] = 1
    opt.load_state_dict(sd)
    assert isinstance(opt.state[p]["step"], ember.Tensor)
    opt.step()
    assert opt.state[p]["step"].item() == 2


# ---- Optimizer base behaviour ------------------------------------------------------------------
@pytest.mark.cpu_only
def test_param_groups_and_errors():
    a, b = ember.randn(2, requires_grad=True), ember.randn(2, requires_grad=True)
    opt = ember.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([a])
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        ember.optim.SGD([])
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts, but got "
                                        "torch.FloatTensor"):
        ember.optim.SGD(a)
    with pytest.raises(TypeError, match="but one of the params is int"):
        ember.optim.SGD([1])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        ember.optim.SGD([a * 2])
    with pytest.raises(TypeError, match="ordered collections"):
        ember.optim.SGD([{"params": {a}}])
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([a, a])


def _torch_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=-1)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1)), ("Adam", dict(betas=(1.0, 0.9))), ("Adam", dict(betas=(0.9, -0.1))),
    ("Adam", dict(eps=-1)), ("Adam", dict(weight_decay=-1)), ("Adam", dict(betas=(0.9, 1))),
    ("AdamW", dict(betas=(1.0, 0.9))), ("Adamax", dict(eps=-1)),
    ("NAdam", dict(momentum_decay=-1)), ("RAdam", dict(betas=(0.9, 1.0))),
    ("RMSprop", dict(alpha=-1)), ("RMSprop", dict(momentum=-1)), ("RMSprop", dict(eps=-1)),
    ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)),
    ("Adadelta", dict(rho=1.5)), ("ASGD", dict(weight_decay=-1)), ("Rprop", dict(etas=(1.5, 2))),
    ("LBFGS", dict(lr=-1)),
])
def test_invalid_arguments(name, kwargs):
    expected = _torch_error(lambda: getattr(torch.optim, name)(
        [torch.zeros(2, requires_grad=True)], **kwargs))
    got = _torch_error(lambda: getattr(ember.optim, name)(
        [ember.zeros(2, requires_grad=True)], **kwargs))
    assert expected is not None and got == expected


def test_zero_grad():
    a = ember.randn(3, requires_grad=True)
    opt = ember.optim.SGD([a])
    a.sum().backward()
    g = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is g and a.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert a.grad is None


def test_params_without_grad_are_skipped():
    a, b = ember.randn(3, requires_grad=True), ember.randn(3, requires_grad=True)
    before = b.detach().clone()
    opt = ember.optim.Adam([a, b])
    a.sum().backward()
    opt.step()
    assert b.tolist() == before.tolist() and b not in opt.state and len(opt.state) == 1


def test_step_hooks_and_closure():
    a = ember.randn(3, requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kw: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, args, kw: calls.append(("post", o is opt)))
    hg = eoptim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: calls.append("g"))

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert isinstance(loss, ember.Tensor) and loss.requires_grad
    assert calls == ["g", ("pre", True), ("post", True)]
    for h in (h1, h2, hg):
        h.remove()
    opt.step(closure)
    assert len(calls) == 3


def test_step_is_in_place_and_builds_no_graph():
    a = ember.randn(3, requires_grad=True)
    data = a._data
    opt = ember.optim.Adam([a], lr=0.1)
    version = a._version
    (a * a).sum().backward()
    opt.step()
    assert a._data is data and a.grad_fn is None and a.is_leaf
    assert a._version > version


def test_repr_matches_torch():
    e = ember.optim.Adam([ember.zeros(2, requires_grad=True)], lr=0.01)
    t = torch.optim.Adam([torch.zeros(2, requires_grad=True)], lr=0.01)
    assert repr(e) == repr(t)


def test_defaults_match_torch():
    for name in ("SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad",
                 "Adadelta", "ASGD", "Rprop", "LBFGS"):
        e = getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)])
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        assert e.defaults == t.defaults, name


def test_tensor_lr():
    ep, _ = _run(ember, "Adam", dict(lr=ember.tensor(0.01)), np.float64, steps=5)
    tp, _ = _run(torch, "Adam", dict(lr=torch.tensor(0.01)), np.float64, steps=5)
    _assert_params(ep, tp, 1e-9, 1e-11)


def test_with_nn_module_parameters():
    if not hasattr(ember.nn, "Linear"):
        pytest.skip("ember.nn.Linear not available yet")
    torch.manual_seed(0)
    tm = torch.nn.Linear(4, 3)
    em = ember.nn.Linear(4, 3)
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy().copy())
                        for k, v in tm.state_dict().items()})
    eopt = ember.optim.AdamW(em.parameters(), lr=0.01)
    topt = torch.optim.AdamW(tm.parameters(), lr=0.01)
    for _ in range(10):
        for lib, m, opt in ((ember, em, eopt), (torch, tm, topt)):
            opt.zero_grad()
            x = lib.tensor(_X[:, :4].astype(np.float32))
            ((m(x) - lib.tensor(_Y.astype(np.float32))) ** 2).mean().backward()
            opt.step()
    for (k, e), (_, t) in zip(em.state_dict().items(), tm.state_dict().items()):
        np.testing.assert_allclose(e.cpu().numpy(), t.detach().cpu().numpy(), rtol=1e-5, atol=1e-6)


def test_sgd_momentum_state_absent_without_momentum():
    a = ember.randn(3, requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1)
    a.sum().backward()
    opt.step()
    assert opt.state_dict()["state"] == {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
