"""Adafactor, SparseAdam and Muon against torch.optim: 12-step trajectories fed the same
gradients, state_dict layout and cross-loading, validation messages."""
import numpy as np
import pytest

import ember
import ember.optim as eoptim
from tests.conftest import require_torch

torch = require_torch()
pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks")

STEPS = 12
SHAPES = [(4, 3), (5,), (2, 3, 4), ()]


def _init(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _grads(shapes, steps, seed=1):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) for s in shapes] for _ in range(steps)]


def _run(lib, cls_name, kwargs, inits, grads, dtype, opt=None, params=None):
    params = params or [lib.tensor(w.astype(dtype), requires_grad=True) for w in inits]
    opt = opt or getattr(lib.optim, cls_name)(params, **kwargs)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = lib.tensor(g.astype(dtype))
        opt.step()
    return params, opt


def _check_close(eparams, tparams, dtype):
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    for e, t in zip(eparams, tparams):
        assert e.dtype == getattr(ember, str(t.dtype).split(".")[1])
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **tol)


def _check_state(estate, tstate):
    assert estate.keys() == tstate.keys()
    for k, tv in tstate.items():
        ev = estate[k]
        if isinstance(tv, torch.Tensor):
            assert tuple(ev.shape) == tuple(tv.shape) and str(ev.dtype) == str(tv.dtype), k
            np.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-4, atol=1e-6)
        else:
            assert type(ev) is type(tv) and ev == tv, k


def _check_state_dicts(eopt, topt):
    esd, tsd = eopt.state_dict(), topt.state_dict()
    assert esd["param_groups"] == tsd["param_groups"]
    assert esd["state"].keys() == tsd["state"].keys()
    for i in tsd["state"]:
        _check_state(esd["state"][i], tsd["state"][i])


def _to_torch(sd):
    return {"state": {i: {k: torch.tensor(v.numpy()) if isinstance(v, ember.Tensor) else v
                          for k, v in st.items()} for i, st in sd["state"].items()},
            "param_groups": sd["param_groups"]}


def _to_ember(sd):
    return {"state": {i: {k: ember.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v
                          for k, v in st.items()} for i, st in sd["state"].items()},
            "param_groups": sd["param_groups"]}


def _trajectory_and_round_trip(name, kwargs, shapes, dtype):
    inits, grads = _init(shapes), _grads(shapes, STEPS)
    half = STEPS // 2
    ep, eopt = _run(ember, name, kwargs, inits, grads[:half], dtype)
    tp, topt = _run(torch, name, kwargs, inits, grads[:half], dtype)
    _check_close(ep, tp, dtype)
    _check_state_dicts(eopt, topt)
    # Continue each from the other's state_dict: torch -> ember and ember -> torch.
    eopt2 = getattr(ember.optim, name)(ep, **kwargs)
    eopt2.load_state_dict(_to_ember(topt.state_dict()))
    topt2 = getattr(torch.optim, name)(tp, **kwargs)
    topt2.load_state_dict(_to_torch(eopt.state_dict()))
    ep, eopt = _run(ember, name, kwargs, inits, grads[half:], dtype, opt=eopt2, params=ep)
    tp, topt = _run(torch, name, kwargs, inits, grads[half:], dtype, opt=topt2, params=tp)
    _check_close(ep, tp, dtype)
    _check_state_dicts(eopt, topt)


DTYPES = [np.float32, np.float64]

# ---- Adafactor ----------------------------------------------------------------------------------
ADAFACTOR = [
    dict(),
    dict(lr=0.05, beta2_decay=-0.5, d=1.5),
    dict(lr=0.5, eps=(1e-6, 1e-2), weight_decay=0.1, maximize=True),
    dict(foreach=True, weight_decay=0.1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", ADAFACTOR, ids=str)
def test_adafactor_trajectory(kwargs, dtype):
    _trajectory_and_round_trip("Adafactor", kwargs, SHAPES, dtype)


@pytest.mark.parametrize("name, shapes", [("Adafactor", SHAPES), ("Muon", [(4, 6), (7, 3)])])
def test_tensor_lr(name, shapes):
    inits, grads = _init(shapes), _grads(shapes, STEPS)
    ep, _ = _run(ember, name, dict(lr=ember.tensor(0.02)), inits, grads, np.float32)
    tp, _ = _run(torch, name, dict(lr=torch.tensor(0.02)), inits, grads, np.float32)
    _check_close(ep, tp, np.float32)


def test_closure_runs_before_the_checks():
    """The closure's gradients are the ones stepped; a complex parameter fails after it ran."""
    for lib in (ember, torch):
        w = lib.ones(2, 2, requires_grad=True)
        opt = lib.optim.Muon([w], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        assert opt.step(closure).item() == 4.0
    z = ember.zeros(2, dtype=ember.complex64, requires_grad=True)
    ran = []
    opt = ember.optim.Adafactor([z])

    def set_grad():
        ran.append(True)
        z.grad = ember.ones(2, dtype=ember.complex64)
    with pytest.raises(RuntimeError, match="Adafactor does not support complex parameters"):
        opt.step(set_grad)
    assert ran


# ---- SparseAdam ---------------------------------------------------------------------------------
def _sparse_grads(lib, rows, dim, steps, dtype, seed=2):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        idx = rng.integers(0, rows, size=4)  # repeated rows: coalescing sums them
        vals = rng.standard_normal((4, dim)).astype(dtype)
        out.append(lib.sparse_coo_tensor(lib.tensor(idx[None]), lib.tensor(vals), (rows, dim)))
    return out


def _run_sparse(lib, kwargs, dtype, steps, opt=None, params=None, seed=2):
    w = params if params is not None else \
        lib.tensor(_init([(6, 3)])[0].astype(dtype), requires_grad=True)
    opt = opt or lib.optim.SparseAdam([w], **kwargs)
    for g in _sparse_grads(lib, 6, 3, steps, dtype, seed):
        w.grad = g
        opt.step()
    return w, opt


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", [dict(), dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4),
                                    dict(lr=0.01, maximize=True)], ids=str)
def test_sparse_adam_trajectory(kwargs, dtype):
    ew, eopt = _run_sparse(ember, kwargs, dtype, STEPS)
    tw, topt = _run_sparse(torch, kwargs, dtype, STEPS)
    _check_close([ew], [tw], dtype)
    _check_state_dicts(eopt, topt)
    eopt2 = ember.optim.SparseAdam([ew], **kwargs)
    eopt2.load_state_dict(_to_ember(topt.state_dict()))
    topt2 = torch.optim.SparseAdam([tw], **kwargs)
    topt2.load_state_dict(_to_torch(eopt.state_dict()))
    ew, eopt = _run_sparse(ember, kwargs, dtype, 3, opt=eopt2, params=ew, seed=3)
    tw, topt = _run_sparse(torch, kwargs, dtype, 3, opt=topt2, params=tw, seed=3)
    _check_close([ew], [tw], dtype)
    _check_state_dicts(eopt, topt)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_adam_two_sparse_dims(dtype):
    """Gradients from ``dense.to_sparse()``: every dimension sparse, scattered entries."""
    rng = np.random.default_rng(4)
    grads = [rng.standard_normal((5, 4)) * (rng.random((5, 4)) < 0.4) for _ in range(STEPS)]
    results = []
    for lib in (ember, torch):
        w = lib.tensor(_init([(5, 4)])[0].astype(dtype), requires_grad=True)
        opt = lib.optim.SparseAdam([w], lr=0.05)
        for g in grads:
            w.grad = lib.tensor(g.astype(dtype)).to_sparse()
            opt.step()
        results.append((w, opt))
    _check_close([results[0][0]], [results[1][0]], dtype)
    _check_state_dicts(results[0][1], results[1][1])


def test_sparse_adam_tensor_lr():
    ew, _ = _run_sparse(ember, dict(lr=ember.tensor(0.02)), np.float32, STEPS)
    tw, _ = _run_sparse(torch, dict(lr=torch.tensor(0.02)), np.float32, STEPS)
    _check_close([ew], [tw], np.float32)


# ---- Muon ---------------------------------------------------------------------------------------
MUON_SHAPES = [(4, 6), (7, 3)]
MUON = [
    dict(),
    dict(lr=0.02, nesterov=False, weight_decay=0.0),
    dict(lr=0.01, momentum=0.5, adjust_lr_fn="match_rms_adamw", ns_steps=3),
    dict(lr=0.01, adjust_lr_fn="original", ns_coefficients=(2.0, -1.5, 0.5), eps=1e-5),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", MUON, ids=str)
def test_muon_trajectory(kwargs, dtype):
    _trajectory_and_round_trip("Muon", kwargs, MUON_SHAPES, dtype)


# ---- validation, errors, module paths -----------------------------------------------------------
def _same_error(fn):
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value)


def _param(lib, shape=(3, 2)):
    return lib.zeros(shape, requires_grad=True)


@pytest.mark.parametrize("make", [
    lambda L: L.optim.Adafactor([_param(L)], lr=-1.0),
    lambda L: L.optim.Adafactor([_param(L)], beta2_decay=0.5),
    lambda L: L.optim.Adafactor([_param(L)], eps=(-1.0, 1e-3)),
    lambda L: L.optim.Adafactor([_param(L)], eps=(None, -1.0)),
    lambda L: L.optim.Adafactor([_param(L)], d=0.5),
    lambda L: L.optim.Adafactor([_param(L)], weight_decay=-0.1),
    lambda L: L.optim.Adafactor([_param(L)], lr=L.tensor([0.1, 0.2])),
    lambda L: L.optim.SparseAdam([_param(L)], lr=0.0),
    lambda L: L.optim.SparseAdam([_param(L)], eps=0.0),
    lambda L: L.optim.SparseAdam([_param(L)], betas=(1.0, 0.9)),
    lambda L: L.optim.SparseAdam([_param(L)], betas=(0.9, -0.1)),
    lambda L: L.optim.SparseAdam([_param(L), L.zeros(2, dtype=L.complex64, requires_grad=True)]),
    lambda L: L.optim.Muon([_param(L)], lr=-1.0),
    lambda L: L.optim.Muon([_param(L)], momentum=-1.0),
    lambda L: L.optim.Muon([_param(L)], weight_decay=-1.0),
    lambda L: L.optim.Muon([_param(L)], adjust_lr_fn="nope"),
    lambda L: L.optim.Muon([_param(L, (3,))]),
])
def test_constructor_errors(make):
    _same_error(make)


def _step_with(lib, cls, param, grad, **kwargs):
    opt = getattr(lib.optim, cls)([param], **kwargs)
    param.grad = grad
    opt.step()


@pytest.mark.parametrize("make", [
    lambda L: _step_with(L, "SparseAdam", _param(L), L.ones(3, 2)),
    lambda L: _step_with(L, "Adafactor", L.zeros(2, dtype=L.complex64, requires_grad=True),
                         L.ones(2, dtype=L.complex64)),
    lambda L: _step_with(L, "Adafactor", _param(L, (3,)), L.ones(3).to_sparse()),
    lambda L: _step_with(L, "Muon", _param(L), L.ones(3, 2).to_sparse()),
    lambda L: _step_with(L, "Muon", _param(L), L.ones(3, 2), ns_steps=100),
    lambda L: _step_with(L, "Muon", _param(L), L.ones(3, 2), ns_coefficients=(1.0, 2.0)),
])
def test_step_errors(make):
    _same_error(make)


def test_defaults_and_paths():
    from ember.optim._adafactor import Adafactor
    from ember.optim._muon import Muon
    from ember.optim.sparse_adam import SparseAdam
    assert (Adafactor, Muon, SparseAdam) == (eoptim.Adafactor, eoptim.Muon, eoptim.SparseAdam)
    for name in ("Adafactor", "Muon", "SparseAdam"):
        shape = (2, 2)
        e = getattr(eoptim, name)([_param(ember, shape)])
        t = getattr(torch.optim, name)([_param(torch, shape)])
        assert e.defaults == t.defaults
        assert e.state_dict()["param_groups"] == t.state_dict()["param_groups"]


def test_empty_sparse_grad_counts_step():
    results = []
    for lib in (ember, torch):
        w = _param(lib, (4, 2))
        opt = lib.optim.SparseAdam([w])
        w.grad = lib.sparse_coo_tensor(lib.zeros(1, 0, dtype=lib.int64), lib.zeros(0, 2), (4, 2))
        opt.step()
        results.append((opt.state[w]["step"], w.detach().numpy().tolist()))
    assert results[0] == results[1]


# ---- swap_in_optimizer_params_and_state ---------------------------------------------------------
def _swap_in_run(lib, dtype):
    """Two live Adam steps, then one step inside the swap on copies with a cloned state_dict."""
    inits, grads = _init(SHAPES[:2]), _grads(SHAPES[:2], 3)
    params, opt = _run(lib, "Adam", dict(lr=0.1), inits, grads[:2], dtype)
    sd = opt.state_dict()
    osd = {"state": {i: {k: v.clone() for k, v in st.items()} for i, st in sd["state"].items()},
           "param_groups": [dict(g, lr=0.5) for g in sd["param_groups"]]}
    others = {f"p{i}": p.detach().clone() for i, p in enumerate(params)}
    for p, g in zip(others.values(), grads[2]):
        p.grad = lib.tensor(g.astype(dtype))
    with lib.optim.swap_in_optimizer_params_and_state(opt, others, osd):
        assert opt.param_groups[0]["params"] == list(others.values())
        assert opt.param_groups[0]["lr"] == 0.5
        opt.step()
    assert opt.param_groups[0]["params"][0] is params[0] and opt.param_groups[0]["lr"] == 0.1
    return params, list(others.values()), osd, opt


@pytest.mark.parametrize("dtype", DTYPES)
def test_swap_in_optimizer_params_and_state(dtype):
    ep, eo, esd, eopt = _swap_in_run(ember, dtype)
    tp, to, tsd, topt = _swap_in_run(torch, dtype)
    _check_close(ep, tp, dtype)  # the live parameters were not stepped
    _check_close(eo, to, dtype)  # the swapped-in ones were
    for i in tsd["state"]:
        _check_state(esd["state"][i], tsd["state"][i])  # in-place edits reached the given state
    _check_state_dicts(eopt, topt)  # the live state is back


def _swap_in(lib, osd, n_params=2, fresh=False):
    params = [_param(lib, (2,)) for _ in range(2)]
    opt = lib.optim.SGD(params, lr=0.1, momentum=0.9)
    if not fresh:
        for p in params:
            p.grad = lib.ones(2)
        opt.step()
    osd = osd(lib, opt.state_dict())
    with lib.optim.swap_in_optimizer_params_and_state(
            opt, {str(i): p for i, p in enumerate(params[:n_params])}, osd):
        pass


def _group_with(sd, **changes):
    return {"state": sd["state"], "param_groups": [dict(sd["param_groups"][0], **changes)]}


@pytest.mark.parametrize("make", [
    lambda L: _swap_in(L, lambda L, sd: sd, fresh=True),
    lambda L: _swap_in(L, lambda L, sd: [sd]),
    lambda L: _swap_in(L, lambda L, sd: {"state": [], "param_groups": sd["param_groups"]}),
    lambda L: _swap_in(L, lambda L, sd: {"state": {L.ones(1): {}}, "param_groups": []}),
    lambda L: _swap_in(L, lambda L, sd: {"state": {0: 1}, "param_groups": []}),
    lambda L: _swap_in(L, lambda L, sd: {"state": sd["state"], "param_groups": ()}),
    lambda L: _swap_in(L, lambda L, sd: {"state": sd["state"], "param_groups": []}),
    lambda L: _swap_in(L, lambda L, sd: {"state": sd["state"], "param_groups": [1]}),
    lambda L: _swap_in(L, lambda L, sd: _group_with(sd, params=["a", "b"])),
    lambda L: _swap_in(L, lambda L, sd: _group_with(sd, params=[0])),
    lambda L: _swap_in(L, lambda L, sd: _group_with(sd, extra=1)),
    lambda L: _swap_in(L, lambda L, sd: sd, n_params=1),
    lambda L: _swap_in(L, lambda L, sd: {"state": dict(sd["state"], **{"x": {}}),
                                         "param_groups": sd["param_groups"]}),
])
def test_swap_in_errors(make):
    _same_error(make)


def test_swap_in_path():
    from ember.optim._stateless import swap_in_optimizer_params_and_state
    assert swap_in_optimizer_params_and_state is eoptim.swap_in_optimizer_params_and_state
